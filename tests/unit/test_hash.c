/* FNV-1a 64 (src/util/hash.h): stored fingerprints and baselines depend on it bit for bit. */
#include <stdint.h>

#include "harness.h"
#include "util/hash.h"

static uint64_t str_hash(const char *s)
{
	return kg_fnv1a64_str(KG_FNV64_OFFSET, s);
}

TEST(published_vectors)
{
	/* the FNV reference test vectors for FNV-1a 64 */
	CHECK(str_hash("") == 0xcbf29ce484222325ull);
	CHECK(str_hash("a") == 0xaf63dc4c8601ec8cull);
	CHECK(str_hash("foobar") == 0x85944171f73967e8ull);
	CHECK(kg_fnv1a64(KG_FNV64_OFFSET, "foobar", 6) == 0x85944171f73967e8ull);
}

TEST(unrolled_equals_bytewise)
{
	/* every length around the unrolled step, every tail length */
	char s[40];
	for (size_t n = 0; n < sizeof(s) - 1; n++) {
		for (size_t i = 0; i < n; i++)
			s[i] = (char)('A' + (i * 7 + n) % 50);
		s[n] = '\0';
		uint64_t h = KG_FNV64_OFFSET;
		for (size_t i = 0; i < n; i++)
			h = kg_fnv1a64_byte(h, (unsigned char)s[i]);
		CHECK(kg_fnv1a64(KG_FNV64_OFFSET, s, n) == h);
		CHECK(str_hash(s) == h);
	}
}

TEST(bytes_above_0x7f_and_separators)
{
	/* bytes are taken unsigned; a separator above 0xff differs from every byte */
	CHECK(kg_fnv1a64(KG_FNV64_OFFSET, "\xff", 1) == kg_fnv1a64_byte(KG_FNV64_OFFSET, 0xff));
	CHECK(kg_fnv1a64_byte(KG_FNV64_OFFSET, 0x100) != kg_fnv1a64_byte(KG_FNV64_OFFSET, 0x00));
	CHECK(kg_fnv1a64_str(KG_FNV64_OFFSET, NULL) == KG_FNV64_OFFSET);
	/* ("ab","c") and ("a","bc") differ once a separator follows each string */
	uint64_t x = kg_fnv1a64_byte(kg_fnv1a64_str(kg_fnv1a64_byte(str_hash("ab"), 0xff), "c"), 0xff);
	uint64_t y = kg_fnv1a64_byte(kg_fnv1a64_str(kg_fnv1a64_byte(str_hash("a"), 0xff), "bc"), 0xff);
	CHECK(x != y);
}
