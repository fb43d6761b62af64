/* JSON string escaping: the block-at-a-time scanner against a byte-at-a-time reference, with
 * every input in a heap block of exactly its length so a sanitizer build catches a read past it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util/jsonw.h"
#include "util/utf8.h"

/* The escaping rules written out one byte at a time (what the writers did before scanning in
 * blocks): printable ASCII as is, the short escapes, other controls as \u00XX, valid UTF-8 as
 * is, each byte of invalid UTF-8 as \ufffd. */
static size_t ref_escape(char *out, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t len;
		if (c >= 0x80) {
			if ((len = kg_utf8_decode(p + i, n - i, &cp))) {
				memcpy(out + o, p + i, len);
				o += len;
				i += len;
			} else {
				memcpy(out + o, "\\ufffd", 6);
				o += 6;
				i++;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"': memcpy(out + o, "\\\"", 2); o += 2; break;
		case '\\': memcpy(out + o, "\\\\", 2); o += 2; break;
		case '\n': memcpy(out + o, "\\n", 2); o += 2; break;
		case '\r': memcpy(out + o, "\\r", 2); o += 2; break;
		case '\t': memcpy(out + o, "\\t", 2); o += 2; break;
		default:
			if (c < 0x20) {
				out[o++] = '\\'; out[o++] = 'u'; out[o++] = '0'; out[o++] = '0';
				out[o++] = hex[c >> 4]; out[o++] = hex[c & 15];
			} else {
				out[o++] = (char)c;
			}
		}
	}
	return o;
}

static size_t ref_plain_len(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
		i++;
	return i;
}

static int mismatches;

/* Escapes s[0..n) both ways (kg_json_escape into a kg_buf, kg_json_escape_to into raw memory)
 * and compares with the reference; also the plain prefix length. */
static void check_one(const unsigned char *s, size_t n)
{
	unsigned char *in = calloc(n ? n : 1, 1); /* exactly n bytes: no terminator to lean on */
	char *want = malloc(KG_JSON_ESC_MAX(n) + 1);
	char *raw = malloc(KG_JSON_ESC_MAX(n) + 1);
	if (!in || !want || !raw)
		abort();
	if (n)
		memcpy(in, s, n);
	size_t wn = ref_escape(want, in, n);
	struct kg_buf b;
	kg_buf_init(&b, 0);
	int ok = kg_json_escape(&b, (const char *)in, n) == 0 && b.len == wn && !memcmp(b.data ? b.data : "", want, wn);
	char *end = kg_json_escape_to(raw, (const char *)in, n);
	ok &= (size_t)(end - raw) == wn && !memcmp(raw, want, wn);
	ok &= kg_json_plain_len((const char *)in, n) == ref_plain_len(in, n);
	if (!ok && mismatches++ < 5) {
		fprintf(stderr, "  mismatch for %zu bytes:", n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %02x", in[i]);
		fputc('\n', stderr);
	}
	CHECK(ok);
	kg_buf_release(&b);
	free(in);
	free(want);
	free(raw);
}

static const char *escaped(const char *s)
{
	static char out[256];
	char *e = kg_json_escape_to(out, s, strlen(s));
	*e = '\0';
	return out;
}

TEST(escape_known_forms)
{
	CHECK_STR(escaped(""), "");
	CHECK_STR(escaped("plain text, 'quoted' {x: [1]} ~"), "plain text, 'quoted' {x: [1]} ~");
	CHECK_STR(escaped("a\"b\\c"), "a\\\"b\\\\c");
	CHECK_STR(escaped("\n\r\t\b\f"), "\\n\\r\\t\\u0008\\u000c");
	CHECK_STR(escaped("\x01\x1f\x7f"), "\\u0001\\u001f\x7f"); /* DEL is allowed in JSON */
	CHECK_STR(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	CHECK_STR(escaped("\x80"), "\\ufffd");
	CHECK_STR(escaped("\xc0\x80"), "\\ufffd\\ufffd");              /* overlong NUL */
	CHECK_STR(escaped("\xe0\x80\xaf"), "\\ufffd\\ufffd\\ufffd");      /* overlong '/' */
	CHECK_STR(escaped("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd");      /* surrogate */
	CHECK_STR(escaped("\xf4\x90\x80\x80"), "\\ufffd\\ufffd\\ufffd\\ufffd"); /* above U+10FFFF */
	CHECK_STR(escaped("\xf5\x80\x80\x80"), "\\ufffd\\ufffd\\ufffd\\ufffd");
	CHECK_STR(escaped("ab\xe2\x82"), "ab\\ufffd\\ufffd"); /* cut at the end */
	CHECK_STR(escaped("\xe2\x82x\xe2\x82\xac"), "\\ufffd\\ufffdx\xe2\x82\xac"); /* resyncs */
	CHECK_STR(escaped("0123456789abcdef\"0123456789abcde\\"), "0123456789abcdef\\\"0123456789abcde\\\\");
}

TEST(escape_every_byte)
{
	unsigned char s[1];
	for (int c = 0; c < 256; c++) {
		s[0] = (unsigned char)c;
		check_one(s, 1);
	}
	/* and inside longer plain text, in both scanners' block sizes */
	for (int c = 0; c < 256; c++)
		for (size_t pos = 0; pos < 40; pos += 7) {
			unsigned char t[40];
			memset(t, 'a', sizeof(t));
			t[pos] = (unsigned char)c;
			check_one(t, sizeof(t));
		}
}

/* Each special sequence at every position 0..17 and at the very end, in strings of 0..40 bytes;
 * then, past several rounds of the 32-byte loop, every 7th length up to 160 with the special at
 * every position below 60 and every 5th after. */
TEST(escape_positions_and_lengths)
{
	static const char *const specials[] = {
		"\"", "\\", "\n", "\x01", "\x1f", "\x7f", "\x80", "\xff", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xe2\x82", "\xf0\x9f\x98", "\xed\xa0\x80", "\"\\",
	};
	unsigned char s[176];
	for (size_t len = 41; len <= 160; len += 7) {
		memset(s, 'x', sizeof(s));
		check_one(s, len);
		for (size_t k = 0; k < sizeof(specials) / sizeof(*specials); k++) {
			size_t sl = strlen(specials[k]);
			for (size_t pos = 0; pos + sl <= len; pos += (pos < 60 ? 1 : 5)) {
				memset(s, 'x', sizeof(s));
				memcpy(s + pos, specials[k], sl);
				check_one(s, len);
			}
		}
	}
	for (size_t len = 0; len <= 40; len++) {
		memset(s, 'x', sizeof(s));
		check_one(s, len);
		for (size_t k = 0; k < sizeof(specials) / sizeof(*specials); k++) {
			size_t sl = strlen(specials[k]);
			if (sl > len)
				continue;
			for (size_t pos = 0; pos <= 17 && pos + sl <= len; pos++) {
				memset(s, 'x', sizeof(s));
				memcpy(s + pos, specials[k], sl);
				check_one(s, len);
			}
			memset(s, 'x', sizeof(s));
			memcpy(s + len - sl, specials[k], sl);
			check_one(s, len);
		}
	}
}

/* Two specials at every pair of positions: the escaper copies blocks ahead and stores the last
 * partial block over output it already wrote, which is only right when no escape came since. */
TEST(escape_two_specials)
{
	static const char *const specials[] = { "\"", "\x01", "\xc3\xa9", "\xff" };
	unsigned char s[48];
	for (size_t len = 2; len <= sizeof(s); len++)
		for (size_t a = 0; a < len; a++)
			for (size_t b = a + 1; b < len; b++)
				for (size_t k = 0; k < 4; k++) {
					size_t sl = strlen(specials[k]);
					if (b + sl > len)
						continue;
					memset(s, 'y', sizeof(s));
					s[a] = '\\';
					memcpy(s + b, specials[k], sl);
					check_one(s, len);
				}
}

TEST(escape_random)
{
	static const unsigned char alphabet[] = "abc /.:-_\"\\\n\t\x01\x7f\x80\xbf\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\xed\xa0";
	unsigned char s[100];
	uint64_t x = 88172645463325252u;
	for (int iter = 0; iter < 20000; iter++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		size_t n = (size_t)(x % sizeof(s));
		bool sparse = (x >> 8) & 1; /* mostly plain text, or dense specials */
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			s[i] = sparse && (x >> 20) % 16 ? (unsigned char)('a' + x % 26)
						    : alphabet[(x >> 32) % (sizeof(alphabet) - 1)];
		}
		check_one(s, n);
	}
}

TEST(jw_strings_use_the_escaper)
{
	struct kg_buf b;
	struct kg_jw w;
	kg_buf_init(&b, 0);
	kg_jw_init(&w, &b, false);
	kg_jw_obj(&w);
	kg_jw_kstr(&w, "k\"ey", "a\x01\xff\xf0\x9f\x98\x80");
	kg_jw_kstr(&w, "n", NULL);
	kg_jw_obj_end(&w);
	CHECK(!w.failed);
	CHECK_STR(b.data, "{\"k\\\"ey\":\"a\\u0001\\ufffd\xf0\x9f\x98\x80\",\"n\":null}");
	kg_buf_release(&b);
}

/* A buffer cap still stops escaping with an error. */
TEST(escape_respects_buffer_cap)
{
	struct kg_buf b;
	kg_buf_init(&b, 8);
	CHECK_INT(kg_json_escape(&b, "12345678", 8), 0);
	CHECK_INT(kg_json_escape(&b, "\n", 1), -1);
	CHECK(b.len <= 8);
	kg_buf_release(&b);
}

TEST(jw_numbers_without_printf)
{
	struct kg_buf b;
	struct kg_jw w;
	kg_buf_init(&b, 0);
	kg_jw_init(&w, &b, false);
	kg_jw_arr(&w);
	kg_jw_int(&w, 0);
	kg_jw_int(&w, -1);
	kg_jw_int(&w, INT64_MIN);
	kg_jw_int(&w, INT64_MAX);
	kg_jw_uint(&w, UINT64_MAX);
	kg_jw_uint(&w, 10);
	kg_jw_arr_end(&w);
	CHECK_STR(b.data, "[0,-1,-9223372036854775808,9223372036854775807,18446744073709551615,10]");
	kg_buf_release(&b);
}

/* Pretty output, deep enough that indentation is written in one piece, and the same document
 * into a capped buffer at every cap: it either fits whole or fails, and never overflows. */
TEST(jw_pretty_and_capped)
{
	static const char want[] = "{\n  \"a\": [\n    {\n      \"k\\n\": \"v\\u0001\",\n      \"n\": -5\n    }\n  ],\n  \"b\": null\n}";
	for (size_t cap = 0; cap <= sizeof(want) + 8; cap++) {
		struct kg_buf b;
		struct kg_jw w;
		kg_buf_init(&b, cap);
		kg_jw_init(&w, &b, true);
		kg_jw_obj(&w);
		kg_jw_key(&w, "a");
		kg_jw_arr(&w);
		kg_jw_obj(&w);
		kg_jw_kstr(&w, "k\n", "v\x01");
		kg_jw_kint(&w, "n", -5);
		kg_jw_obj_end(&w);
		kg_jw_arr_end(&w);
		kg_jw_key(&w, "b");
		kg_jw_null(&w);
		kg_jw_obj_end(&w);
		if (cap == 0 || cap >= sizeof(want) - 1) {
			CHECK(!w.failed);
			CHECK_STR(b.data, want);
		} else {
			CHECK(w.failed);
			CHECK(b.len <= cap);
		}
		kg_buf_release(&b);
	}
}
