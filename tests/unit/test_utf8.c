/* The printable-ASCII scanner the text writers use, against a byte-at-a-time reference; inputs sit
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
