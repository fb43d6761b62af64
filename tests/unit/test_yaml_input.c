/* kguard's bypass of libyaml's reader (core/yaml_input.c) must change nothing libyaml reports:
 * every input is parsed with the reader and with the bypass and the two event logs
 * (yaml_events.h) must be equal -- every byte value in several places, every two-byte sequence,
 * the edges of the three- and four-byte forms, line breaks of every kind, byte order marks, the
 * end of input inside every token, every manifest of ../shared/corpus and random streams. Clean
 * input must actually take the bypass, and input the reader rejects must not. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>

#include "doc_log.h"
#include "harness.h"
#include "yaml_events.h"

static struct kg_yaml_input in;
static unsigned long compared, bypassed;

/* What may follow a text in the loader's buffer when it is parsed in place: the next document, or
 * whatever is left there; the scanner must not be swayed by any of it. */
static const char *const behind[] = { "---\nnext: doc\n", "AAAAAAAAAAAAAAAAAAAA", " \n-\n", "\xff\xfe\x01" };
static unsigned tail_turn;

/* Every way; equal logs. Returns whether the bypass was taken. */
static bool same_n(const char *text, size_t len)
{
	struct kg_buf a, b, c;
	kg_buf_init(&a, 0);
	kg_buf_init(&b, 0);
	kg_buf_init(&c, 0);
	const char *tail = behind[tail_turn++ % (sizeof(behind) / sizeof(behind[0]))];
	(void)ye_parse(&a, text, len, YE_READER, &in, NULL, 0);
	bool direct = ye_parse(&b, text, len, YE_COPY, &in, NULL, 0);
	bool inplace = ye_parse(&c, text, len, YE_INPLACE, &in, tail, strlen(tail));
	bool eq = a.len == b.len && !memcmp(a.data, b.data, a.len) && a.len == c.len && !memcmp(a.data, c.data, a.len);
	CHECK(eq);
	CHECK(direct == inplace);
	if (!eq)
		fprintf(stderr, "  input [%zu]:\n%.*s\n  reader:\n%s  bypass:\n%s  in place:\n%s", len, (int)len, text,
			a.data, b.data, c.data);
	kg_buf_release(&a);
	kg_buf_release(&b);
	kg_buf_release(&c);
	compared++;
	bypassed += direct;
	return direct;
}

static bool same(const char *text)
{
	return same_n(text, strlen(text));
}

static bool version_known(void)
{
	int major, minor, patch;
	yaml_get_version(&major, &minor, &patch);
	return major == 0 && minor == 2 && patch >= 1 && patch <= 5;
}

TEST(installed_libyaml_is_one_the_bypass_knows)
{
	/* 0.2.1 .. 0.2.5 share one reader; a newer libyaml turns the bypass off (correct, slower)
	 * and this fails so that its reader gets read before the bypass is allowed for it */
	CHECK(version_known());
	CHECK(same("a: 1\n"));
}

TEST(clean_chars_counts_characters)
{
	CHECK(kg_yaml_clean_chars("", 0) == 0);
	CHECK(kg_yaml_clean_chars("a: b\r\n\tc", 8) == 8);
	CHECK(kg_yaml_clean_chars("caf\xc3\xa9", 5) == 4);
	CHECK(kg_yaml_clean_chars("\xe2\x82\xac\xf0\x9f\x98\x80", 7) == 2);
	CHECK(kg_yaml_clean_chars("a\xc2\x85" "b", 4) == 3);  /* NEL is a YAML character */
	CHECK(kg_yaml_clean_chars("x\xef\xbb\xbf", 4) == 2);   /* a BOM inside is U+FEFF */
	CHECK(kg_yaml_clean_chars("\xef\xbb\xbfx", 4) == SIZE_MAX); /* the reader drops a leading one */
	CHECK(kg_yaml_clean_chars("a\0b", 3) == SIZE_MAX);
	CHECK(kg_yaml_clean_chars("a\x7f", 2) == SIZE_MAX);
	CHECK(kg_yaml_clean_chars("\x1b", 1) == SIZE_MAX);
	CHECK(kg_yaml_clean_chars("\xc2\x80", 2) == SIZE_MAX);  /* C1 control */
	CHECK(kg_yaml_clean_chars("\xc0\xaf", 2) == SIZE_MAX);  /* overlong */
	CHECK(kg_yaml_clean_chars("\xed\xa0\x80", 3) == SIZE_MAX); /* surrogate */
	CHECK(kg_yaml_clean_chars("\xef\xbf\xbe", 3) == SIZE_MAX); /* U+FFFE */
	CHECK(kg_yaml_clean_chars("\xef\xbf\xbd", 3) == 1);         /* U+FFFD */
	CHECK(kg_yaml_clean_chars("\xf4\x8f\xbf\xbf", 4) == 1);     /* U+10FFFF */
	CHECK(kg_yaml_clean_chars("\xf4\x90\x80\x80", 4) == SIZE_MAX);
	CHECK(kg_yaml_clean_chars("\xe2\x82", 2) == SIZE_MAX);      /* cut short */
	/* a bad byte in every position of a long clean run (the 16-byte blocks and the tail) */
	char s[80];
	for (size_t at = 0; at < sizeof(s); at++) {
		memset(s, 'a', sizeof(s));
		s[at] = '\x01';
		CHECK(kg_yaml_clean_chars(s, sizeof(s)) == SIZE_MAX);
		s[at] = '\n';
		CHECK(kg_yaml_clean_chars(s, sizeof(s)) == sizeof(s));
	}
}

TEST(every_byte_in_every_place)
{
	static const char *const frames[][2] = {
		{ "", "" }, { "a: ", "\n" }, { "a: \"", "\"\n" }, { "a: '", "'\n" }, { "- [", "]\n" },
		{ "# ", "\nb: 1\n" }, { "a: |\n  ", "\n" }, { "x", "" }, { "k: v\n", "" }, { "&", " x\n" },
		/* inside the 16-byte blocks of the clean-ASCII scan, not only in its tail */
		{ "a-key-long-enough: text ", " and the rest of the line\n" },
		{ "k: \"0123456789abcdef0123", "456789abcdef01234567\"\n" },
	};
	for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++) {
		for (int c = 0; c < 256; c++) {
			char t[96];
			int n = snprintf(t, sizeof(t), "%s%c%s", frames[f][0], c ? c : 'z', frames[f][1]);
			if (!c) /* snprintf cannot write NUL inside: put it there */
				t[strlen(frames[f][0])] = '\0';
			bool clean = (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' || c == '\r';
			CHECK(same_n(t, (size_t)n) == clean);
		}
	}
}

TEST(every_two_byte_sequence)
{
	for (int c1 = 0x80; c1 < 256; c1++) {
		for (int c2 = 0; c2 < 256; c2++) {
			char t[] = { 'k', ':', ' ', (char)c1, (char)c2, '\n' };
			bool valid = c1 >= 0xC2 && c1 <= 0xDF && c2 >= 0x80 && c2 <= 0xBF;
			unsigned cp = ((unsigned)(c1 & 0x1F) << 6) | (unsigned)(c2 & 0x3F);
			CHECK(same_n(t, sizeof(t)) == (valid && (cp == 0x85 || cp >= 0xA0)));
		}
	}
}

TEST(three_and_four_byte_edges)
{
	static const int seconds[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF };
	static const int lasts[] = { 0x00, 0x41, 0x80, 0xBD, 0xBE, 0xBF, 0xC0 };
	for (int c1 = 0xE0; c1 < 256; c1++) {
		for (size_t i = 0; i < sizeof(seconds) / sizeof(seconds[0]); i++) {
			for (size_t j = 0; j < sizeof(lasts) / sizeof(lasts[0]); j++) {
				char t3[] = { '"', (char)c1, (char)seconds[i], (char)lasts[j], '"' };
				same_n(t3, sizeof(t3));
				char t4[] = { 'v', (char)c1, (char)seconds[i], (char)lasts[j], (char)0x80, '\n' };
				same_n(t4, sizeof(t4));
				char t4b[] = { 'v', (char)c1, (char)seconds[i], (char)0xBF, (char)lasts[j] };
				same_n(t4b, sizeof(t4b));
			}
		}
	}
	CHECK(same("a: \xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87\n"));
	CHECK(same("\xef\xbf\xbd"));
	CHECK(!same("\xef\xbf\xbf"));
	CHECK(!same("\xed\xbf\xbf"));
}

TEST(line_breaks_and_marks)
{
	/* NEL and LS/PS are line breaks to libyaml; CR LF counts as two characters */
	CHECK(same("a: 1\xc2\x85" "b: 2\n"));
	CHECK(same("a: x\xe2\x80\xa8y\n" "b: \"p\xe2\x80\xa9q\"\n"));
	CHECK(same("a: 1\r\nb: 2\r\n"));
	CHECK(same("a: 1\rb: 2\r"));
	CHECK(same("a: |\r\n  x\r\n  y\r\nb: >\n  z\xc2\x85  w\n"));
	CHECK(same("\xc3\xa9: [\xc3\xa9, {\xe2\x82\xac: \xf0\x9f\x98\x80}]\nb: !t\xc3\xa9g x\n"));
	CHECK(same("k: \"\\u00e9 \\x41\"\n\xe4\xb8\xad: @bad\n"));
	CHECK(same("- \xe4\xb8\xad\n\t- tab\n"));
	/* byte order marks: a leading UTF-8 one is the reader's to drop, UTF-16 ones its to decode */
	CHECK(!same("\xef\xbb\xbf" "a: 1\n"));
	CHECK(same("a: \xef\xbb\xbf" "1\n"));
	CHECK(!same("\xff\xfe" "a\0:\0 \0" "1\0\n\0"));
	CHECK(!same("\xfe\xff\0a\0:\0 \0" "1\0\n"));
}

TEST(end_of_input_inside_every_token)
{
	static const char *const full = "%YAML 1.1\n%TAG !e! tag:x,2000:\n--- !e!m &a\n"
					"k: \"q\\u00e9\" # c\n'l': [1, {x: *a}]\n? |-\n  lit\n: >+\n  fold\n\n"
					"s: !!str plain \xc3\xa9 text\n- bad\n...\n---\nz\n...";
	size_t n = strlen(full);
	for (size_t k = 0; k <= n; k++)
		same_n(full, k);
	static const char *const tails[] = { "-", "--", "---", "--- ", ".", "..", "...", "? ", ": ", "a:",
					     "'", "\"", "\"\\", "\"\\u00", "!", "!<", "&", "*", "|", ">-", "#",
					     "%", "%YAML", "[", "{", "\t", "\r", "a\xc3\xa9", "a\xc3" };
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		same(tails[i]);
		char t[32];
		snprintf(t, sizeof(t), "k: v\n%s", tails[i]);
		same(t);
	}
	CHECK(same(""));
	CHECK(!same_n("\0", 1));
}

/* every manifest of the shared corpus */
static unsigned long corpus_files;
static int corpus_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	size_t n = strlen(path);
	bool yaml = (n > 5 && !strcmp(path + n - 5, ".yaml")) || (n > 4 && !strcmp(path + n - 4, ".yml")) ||
		    (n > 5 && !strcmp(path + n - 5, ".json"));
	if (flag != FTW_F || !yaml || st->st_size > (16 << 20))
		return 0;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return 0;
	char *text = malloc((size_t)st->st_size + 1);
	size_t got = text ? fread(text, 1, (size_t)st->st_size, fp) : 0;
	fclose(fp);
	if (text) {
		if (!same_n(text, got) && kg_yaml_clean_chars(text, got) != SIZE_MAX)
			CHECK(!"a clean file must take the bypass");
		corpus_files++;
	}
	free(text);
	return 0;
}

TEST(every_corpus_manifest)
{
	unsigned long before = bypassed;
	CHECK(nftw("../shared/corpus", corpus_one, 16, FTW_PHYS) == 0);
	CHECK(corpus_files > 5000);
	CHECK(bypassed - before > corpus_files * 9 / 10); /* almost all of it is clean */
}

TEST(random_streams)
{
	static const char *const atoms[] = { "a", "b", "1", " ", "  ", "\n", "\r\n", "\r", "\t", ": ", "- ", "---\n",
					     "...\n", "'", "\"", "\\", "#", "[", "]", "{", "}", ",", "?", "&x",
					     "*x", "!t", "!!str ", "|", ">", "%YAML 1.1\n", "\xc3\xa9", "\xe2\x82\xac",
					     "\xf0\x9f\x98\x80", "\xc2\x85", "\xe2\x80\xa8", "\xef\xbb\xbf" };
	uint64_t seed = 0x9e3779b97f4a7c15u;
	char t[512];
	for (int round = 0; round < 4000; round++) {
		size_t n = 0;
		int atoms_in = (int)(seed >> 59) + 1 + round % 40;
		for (int k = 0; k < atoms_in; k++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			const char *a = atoms[(seed >> 33) % (sizeof(atoms) / sizeof(atoms[0]))];
			size_t l = strlen(a);
			if (n + l >= sizeof(t))
				break;
			memcpy(t + n, a, l);
			n += l;
		}
		same_n(t, n);
	}
}

TEST(loader_reports_the_same_either_way)
{
	/* the loader's switch (kg_loader_yaml_reader): the same documents and errors through both,
	 * clean, non-ASCII, broken and CR-ended pieces alike */
	static const char *const texts[] = {
		"a: \xc3\xa9\n---\nb: [1, 2\n---\nc: \"\xe2\x82\xac\"\n",
		"k: v\n---\n\x01" "bad\n---\nz: 1\n",
		"x: |\r\n  \xe4\xb8\xad\r\n",
		"\xef\xbb\xbf" "a: 1\n---\nb: *nope\n",
		"a: 1\n---\nb: 2\n---\nc: [3\n---\nd: 4\n%YAML 1.1\n---\ne: 5\n...\n---\nf: 6\n# Source: x/t.yaml\ng: 7\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		/* from memory (a copy for libyaml), and from a file (read into the loader's buffer and
		 * parsed there in place) */
		for (int file = 0; file < 2; file++) {
			struct dl_run r[2] = { { .stop_at = 0 }, { .stop_at = 0 } };
			CHECK(dl_load(&r[0], texts[i], strlen(texts[i]), file, NULL, (struct dl_way){ .yaml_reader = true }));
			CHECK(dl_load(&r[1], texts[i], strlen(texts[i]), file, NULL, (struct dl_way){ 0 }));
			CHECK(r[0].log.len > 20 && r[0].log.len == r[1].log.len &&
			      !memcmp(r[0].log.data, r[1].log.data, r[0].log.len));
			kg_buf_release(&r[0].log);
			kg_buf_release(&r[1].log);
		}
	}
}
