/* The printable-ASCII scanner the text writers use, and its variant with tab, LF and CR that the
 * YAML input check uses, against byte-at-a-time references; inputs sit
 * in heap blocks of exactly their length so a sanitizer build catches a read past them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util/utf8.h"

static size_t ref_len(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] >= 0x20 && p[i] <= 0x7e)
		i++;
	return i;
}

static size_t ref_text_len(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n && ((p[i] >= 0x20 && p[i] <= 0x7e) || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return i;
}

static void check_one(const unsigned char *s, size_t n)
{
	unsigned char *in = calloc(n ? n : 1, 1);
	if (!in)
		abort();
	if (n)
		memcpy(in, s, n);
	size_t got = kg_print_ascii_len((const char *)in, n), want = ref_len(in, n);
	if (got != want)
		fprintf(stderr, "  %zu bytes: got %zu, want %zu\n", n, got, want);
	CHECK(got == want);
	got = kg_text_ascii_len((const char *)in, n);
	want = ref_text_len(in, n);
	if (got != want)
		fprintf(stderr, "  text, %zu bytes: got %zu, want %zu\n", n, got, want);
	CHECK(got == want);
	free(in);
}

TEST(print_ascii_every_byte_everywhere)
{
	unsigned char s[48];
	for (int c = 0; c < 256; c++)
		for (size_t len = 1; len <= 40; len++)
			for (size_t pos = 0; pos < len && pos <= 17; pos++) {
				memset(s, '~', sizeof(s));
				s[pos] = (unsigned char)c;
				check_one(s, len);
				memset(s, ' ', sizeof(s));
				s[len - 1 - pos] = (unsigned char)c; /* and counted from the end */
				check_one(s, len);
			}
	for (size_t len = 0; len <= 40; len++) {
		memset(s, 'a', sizeof(s));
		check_one(s, len);
	}
}

TEST(print_ascii_random)
{
	unsigned char s[100];
	uint64_t x = 2463534242u;
	for (int iter = 0; iter < 20000; iter++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		size_t n = (size_t)(x % sizeof(s));
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			s[i] = (x >> 24) % 8 ? (unsigned char)(0x20 + x % 95) : (unsigned char)(x >> 40);
		}
		check_one(s, n);
	}
}

TEST(utf8_decode_forms)
{
	uint32_t cp = 0;
	CHECK_INT(kg_utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
	CHECK_INT(cp, 0x1f600);
	CHECK_INT(kg_utf8_decode((const unsigned char *)"\xc2\x85", 2, &cp), 2); /* C1 NEL: valid */
	CHECK_INT(cp, 0x85);
	CHECK_INT(kg_utf8_decode((const unsigned char *)"\xf0\x9f\x98", 3, &cp), 0);
	CHECK_INT(kg_utf8_decode((const unsigned char *)"\xed\xbf\xbf", 3, &cp), 0);
	CHECK_INT(kg_utf8_decode((const unsigned char *)"\xc1\xbf", 2, &cp), 0);
}

/* ---- XML escaping ---- */

/* The escaper byte at a time, as the JUnit writer did it before kg_xml_escape_to. */
static size_t xml_ref(char *d, const unsigned char *p, size_t n, bool attr)
{
	char *d0 = d;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t len = 1;
		const char *rep = NULL;
		if (c >= 0x80) {
			uint32_t cp;
			len = kg_utf8_decode(p + i, n - i, &cp);
			if (!len) {
				rep = "\xef\xbf\xbd";
				len = 1;
			} else if (cp == 0xFFFE || cp == 0xFFFF) {
				rep = "\xef\xbf\xbd";
			}
		} else if (c == '&') {
			rep = "&amp;";
		} else if (c == '<') {
			rep = "&lt;";
		} else if (c == '>') {
			rep = "&gt;";
		} else if (c == '"' && attr) {
			rep = "&quot;";
		} else if (c == '\n' || c == '\t') {
			rep = attr ? (c == '\n' ? "&#10;" : "&#9;") : NULL;
		} else if (c == '\r') {
			rep = "&#13;";
		} else if (c < 0x20) {
			rep = "\xef\xbf\xbd";
		}
		if (rep) {
			memcpy(d, rep, strlen(rep));
			d += strlen(rep);
		} else {
			memcpy(d, p + i, len);
			d += len;
		}
		i += len;
	}
	return (size_t)(d - d0);
}

static void check_xml(const unsigned char *s, size_t n)
{
	char want[6 * 100 + 1], got[6 * 100 + 16];
	for (int attr = 0; attr < 2; attr++) {
		size_t nw = xml_ref(want, s, n, attr);
		unsigned char *in = malloc(n ? n : 1); /* exactly n bytes: a sanitizer sees overreads */
		if (!in)
			abort();
		if (n)
			memcpy(in, s, n);
		memset(got, 'Z', sizeof(got));
		char *e = kg_xml_escape_to(got, (const char *)in, n, attr);
		free(in);
		size_t ng = (size_t)(e - got);
		CHECK(ng <= KG_XML_ESC_MAX(n));
		CHECK(ng == nw && !memcmp(got, want, nw));
		CHECK(got[ng] == 'Z'); /* nothing written past the end */
		if (ng != nw || memcmp(got, want, nw)) {
			fprintf(stderr, "  for %zu bytes, attr %d:", n, attr);
			for (size_t i = 0; i < n; i++)
				fprintf(stderr, " %02x", s[i]);
			fprintf(stderr, "\n");
			return;
		}
	}
}

TEST(xml_escape_byte_classes)
{
	char out[64];
	CHECK_INT(kg_xml_escape_to(out, "", 0, true) - out, 0);
	/* every byte value, alone and at every position of blocks around 8 and 16 bytes, from both
	 * ends: exercises the vector, word and byte paths of the scanner */
	unsigned char s[48];
	for (unsigned c = 0; c < 256; c++) {
		s[0] = (unsigned char)c;
		check_xml(s, 1);
		for (size_t len = 2; len <= 40; len += (len < 18 ? 1 : 7))
			for (size_t pos = 0; pos < len && pos <= 17; pos++) {
				memset(s, 'x', sizeof(s));
				s[pos] = (unsigned char)c;
				check_xml(s, len);
				memset(s, ' ', sizeof(s));
				s[len - 1 - pos] = (unsigned char)c;
				check_xml(s, len);
			}
	}
	/* the exact forms of each class */
	char *e = kg_xml_escape_to(out, "a&b<c>\"d'\n\t\r\x01\x7f", 14, true);
	*e = '\0';
	CHECK_STR(out, "a&amp;b&lt;c&gt;&quot;d'&#10;&#9;&#13;\xef\xbf\xbd\x7f");
	e = kg_xml_escape_to(out, "a&b<c>\"d'\n\t\r\x01\x7f", 14, false);
	*e = '\0';
	CHECK_STR(out, "a&amp;b&lt;c&gt;\"d'\n\t&#13;\xef\xbf\xbd\x7f");
}

TEST(xml_escape_utf8)
{
	static const char *const cases[][2] = {
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" }, /* kept */
		{ "\xef\xbf\xbe|\xef\xbf\xbf|\xef\xbf\xbd", "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd" }, /* U+FFFE, U+FFFF */
		{ "\x80x", "\xef\xbf\xbdx" },                                   /* lone continuation */
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },                     /* overlong: both bytes */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },     /* surrogate */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* > U+10FFFF */
		{ "ab\xe2\x82", "ab\xef\xbf\xbd\xef\xbf\xbd" },                 /* truncated at the end */
		{ "\xff&", "\xef\xbf\xbd&amp;" },
	};
	char out[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = kg_xml_escape_to(out, cases[i][0], strlen(cases[i][0]), false);
		*e = '\0';
		CHECK_STR(out, cases[i][1]);
		check_xml((const unsigned char *)cases[i][0], strlen(cases[i][0]));
	}
	/* a sequence cut by the end of the input is not read past it */
	char *e = kg_xml_escape_to(out, "\xe2\x82\xac", 2, false);
	CHECK_INT(e - out, 6);
}

TEST(xml_escape_random)
{
	unsigned char s[100];
	uint64_t x = 88172645463325252u;
	for (int iter = 0; iter < 20000; iter++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		size_t n = (size_t)(x % sizeof(s));
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			unsigned k = (unsigned)(x >> 24) % 16;
			static const unsigned char special[] = "&<>\"\n\t\r\x01\x7f";
			s[i] = k < 9 ? (unsigned char)(0x20 + x % 95)
			     : k < 12 ? special[(x >> 32) % (sizeof(special) - 1)]
				      : (unsigned char)(0x80 + (x >> 40) % 0x80); /* UTF-8 pieces, valid or not */
		}
		check_xml(s, n);
	}
}
