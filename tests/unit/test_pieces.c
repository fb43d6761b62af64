/* Pieces of one input that share a libyaml parser (source.c flush_pieces) deliver exactly what a
 * parser per piece delivers: the same documents (trees with every position and flag, numbers,
 * lines, Helm sources, duplicate keys) and the same errors, whether the input is clean, broken
 * in any document, or holds what a shared stream would read differently (directives, `...`,
 * quotes and flows running into the next piece, CR line ends). Each case is loaded both ways,
 * from memory and from a file read in blocks, and the two logs must be equal. */
#include <stdint.h>
#include <stdio.h>

#include "core/loader_priv.h"
#include "doc_log.h"
#include "harness.h"

/* Both ways, from memory and from a file: equal logs. Returns the parsers the shared way used
 * from memory (for the cases that must share). */
static unsigned long same_lim(const char *text, size_t len, int stop_at, const struct kg_load_limits *lim)
{
	unsigned long shared = 0;
	for (int file = 0; file < 2; file++) {
		struct dl_run a = { .stop_at = stop_at }, b = { .stop_at = stop_at };
		(void)dl_load(&a, text, len, file, lim, (struct dl_way){ .per_piece = true });
		unsigned long n = dl_load(&b, text, len, file, lim, (struct dl_way){ 0 });
		if (!file)
			shared = n;
		bool eq = a.log.len == b.log.len && !memcmp(a.log.data, b.log.data, a.log.len);
		CHECK(eq);
		if (!eq)
			fprintf(stderr, "  per piece:\n%.*s  shared:\n%.*s", (int)a.log.len, a.log.data, (int)b.log.len,
				b.log.data);
		kg_buf_release(&a.log);
		kg_buf_release(&b.log);
	}
	return shared;
}

static unsigned long same(const char *text)
{
	return same_lim(text, strlen(text), 0, NULL);
}

TEST(plain_pieces_share_one_parser)
{
	const char *text = "# leading comment\n"
			   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
			   "---\n"
			   "# only a comment\n"
			   "--- # separator with a comment\n"
			   "kind: Pod\nspec:\n  containers:\n  - name: c\n    image: x\n"
			   "---\n"
			   "---\n"
			   "--- |\n  top-level block\n\n"
			   "--- plain top-level scalar\n"
			   "---\n"
			   "keep: |+\n  text\n\n\n"
			   "---\n"
			   "anchors: &a {x: 1}\nuse: *a\nmerge:\n  <<: *a\n  y: 2\n"
			   "---\n"
			   "dup: 1\ndup: 2\n"
			   "---\n"
			   "last: no newline";
	CHECK(same(text) == 1);
	/* documents of one input are numbered and placed as before */
	struct dl_run r = { 0 };
	(void)dl_load(&r, text, strlen(text), false, NULL, (struct dl_way){ 0 });
	CHECK(strstr(r.log.data, "doc 0 line 2 from -:") != NULL);
	CHECK(strstr(r.log.data, "doc 1 line 7 from -:") != NULL);
	CHECK(strstr(r.log.data, "dup=<2@32:6 f0>2 dup dup 31:1->32:1") != NULL);
	CHECK(strstr(r.log.data, "doc 7 line 33 from -:<5@34:1 f0> last=<4@34:7 f0>\"no newline\"") != NULL);
	CHECK(strstr(r.log.data, "rc 0") != NULL);
	kg_buf_release(&r.log);
}

TEST(an_error_falls_back_to_a_parser_per_piece)
{
	/* an unterminated quote would read into the next piece; a piece's own parser ends at its end */
	CHECK(same("a: 1\n---\nb: \"open\n---\nc: 3\n---\nd: 4\n") > 1);
	/* an unclosed flow collection, a tab, a bad scalar, an unknown anchor, a value JSON refuses */
	CHECK(same("a: 1\n---\nb: [1, 2\n---\nc: 3\n") > 1);
	CHECK(same("a: 1\n---\nb:\n\t- 1\n---\nc: 3\n") > 1);
	CHECK(same("a: 1\n---\nb: !!int abc\n---\nc: 3\n") > 1);
	CHECK(same("a: &x 1\n---\nb: *x\n---\nc: 3\n") > 1);
	CHECK(same("a: 1\n---\nb: .inf\n---\nc: 3\n---\nd: [\n") > 1);
	/* the first and the last piece broken */
	CHECK(same("a: [\n---\nb: 2\n---\nc: 3\n") > 1);
	CHECK(same("a: 1\n---\nb: 2\n---\nc: 'x\n") > 1);
	/* invalid UTF-8 late in the input: libyaml's reader sees it early, ahead of the documents */
	CHECK(same("a: 1\n---\nb: 2\n---\nc: \xff\n---\nd: 4\n") > 1);
	/* a document, then an error in the same piece: its own parser delivers the document and
	 * reports the error (found by fuzz_pieces) */
	CHECK(same("a: 1\n---\n--- |\n  block\n-# c\nx: 1\n---\nz: 2\n") > 1);
	CHECK(same("a: 1\n---\nb\nc: 1\n---\nz: 2\n") > 1);
	/* every piece broken */
	CHECK(same("a: [\n---\nb: {\n---\n\"c\n") > 1);
}

TEST(odd_pieces_get_their_own_parser)
{
	/* directives, document ends, CR line ends and Helm sources are loaded one piece at a time,
	 * with the plain pieces around them still shared */
	same("a: 1\n---\n%YAML 1.1\n---\nb: 2\n---\nc: 3\n");
	same("%YAML 1.1\n---\na: 1\n---\nb: 2\n");
	same("%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n---\nb: !e!y 2\n---\nc: 3\n");
	same("...\na: 1\n---\nb: 2\n");
	same("a: 1\n...\nb: 2\n---\nc: 3\n---\nd: 4\n");
	same("a: 1\n---\nb: 2\n...\n---\nc: 3\n");
	same("a: 1\r\n---\r\nb: 2\r\n---\r\nc: 3\r\n");
	same("a: 1\n---\nb: 2\r---\nc: 3\n");
	same("a: 1\n---\n# Source: chart/templates/b.yaml\nb: 2\n---\nc: 3\n---\n# Source: chart/templates/d.yaml\nd: 4\n");
	same("a: 1\n---\nb: |\n  x\n  ...\n---\nc: 3\n");
	same("a: 1\n---\n.b: 2\n---\n..\n");
	/* a UTF-16 mark behind the UTF-8 one makes libyaml read the whole stream as UTF-16 (found by
	 * fuzz_pieces) */
	static const unsigned char u16[] = { 0xef, 0xbb, 0xbf, 0xff, 0xfe, 0x00, 0x20, 0x61, 0x3a, 0x20, 0x2d, 0x00, 0x31, 0x0a, 0x85, 0x85, 0x85, 0x85, 0x00, 0x61, 0x00, 0x3a, 0x00, 0x00, 0x30, 0x0a, 0x33, 0x0a, 0x2d, 0x2d, 0x2d, 0x0a, 0x20 };
	same_lim((const char *)u16, sizeof(u16), 0, NULL);
}

TEST(a_sink_that_stops_stops_both_ways)
{
	const char *text = "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n";
	for (int stop = 1; stop <= 4; stop++)
		same_lim(text, strlen(text), stop, NULL);
}

TEST(an_oversized_piece_is_skipped_both_ways)
{
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.max_doc_bytes = 64;
	const char *text = "a: 1\n---\nb: \"0123456789012345678901234567890123456789012345678901234567890123456789\"\n"
			   "---\nc: 3\n---\nd: 4\n";
	same_lim(text, strlen(text), 0, &lim);
}

TEST(pieces_share_parsers_in_groups)
{
	struct kg_buf b;
	kg_buf_init(&b, 0);
	for (unsigned i = 0; i < 1000; i++)
		(void)kg_buf_printf(&b, "---\nk: %u\n", i);
	CHECK(same_lim(b.data, b.len, 0, NULL) == (1000 + KG_PIECES_MAX - 1) / KG_PIECES_MAX);
	kg_buf_reset(&b);
	for (unsigned i = 0; i < 1000; i++)
		(void)kg_buf_printf(&b, "---\nk: %s\n", i == 300 || i == 511 ? "[" : "1");
	CHECK(same_lim(b.data, b.len, 0, NULL) > 4);
	kg_buf_release(&b);
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Many documents, some across the 64 KiB read blocks, now and then one broken in a way that reads
 * into the next piece, or an odd line. */
static void gen(uint32_t seed, struct kg_buf *b)
{
	static const char *const broken[] = { "x: \"open\n", "x: [1,\n", "x: {a: 1\n", "x: 'open\n", "\tx: 1\n",
					      "x: *nowhere\n", "x: !!int no\n", "x: \xc3\n", "%YAML 1.1\n", "...\n" };
	uint32_t s = seed;
	kg_buf_reset(b);
	unsigned ndocs = 2 + rnd(&s) % 40;
	for (unsigned d = 0; d < ndocs; d++) {
		if (d || rnd(&s) % 2)
			(void)kg_buf_adds(b, rnd(&s) % 5 ? "---\n" : "--- # c\n");
		unsigned keys = rnd(&s) % 8 == 0 ? 2000 + rnd(&s) % 3000 : rnd(&s) % 12;
		(void)kg_buf_printf(b, "kind: Doc%u\n", d);
		for (unsigned k = 0; k < keys; k++)
			(void)kg_buf_printf(b, "k%u: %s\n", k, rnd(&s) % 3 ? "value" : "[1, {a: b}]");
		if (rnd(&s) % 9 == 0)
			(void)kg_buf_adds(b, broken[rnd(&s) % (sizeof(broken) / sizeof(broken[0]))]);
		if (rnd(&s) % 6 == 0)
			(void)kg_buf_adds(b, "text: |\n  line\n\n");
	}
}

TEST(random_streams_load_the_same_both_ways)
{
	struct kg_buf b;
	kg_buf_init(&b, 0);
	for (uint32_t seed = 1; seed <= 60; seed++) {
		gen(seed, &b);
		same_lim(b.data, b.len, 0, NULL);
	}
	kg_buf_release(&b);
}
