/* FNV-1a, 64-bit: the one hash behind the identities users keep (SARIF partialFingerprints,
 * baseline files, admission ratchet keys) and a few small tables. Keep it bit-exact: changing it
 * changes every stored fingerprint and baseline. */
#ifndef KG_HASH_H
#define KG_HASH_H

#include <stddef.h>
#include <stdint.h>

#define KG_FNV64_OFFSET 0xcbf29ce484222325ull
#define KG_FNV64_PRIME 0x100000001b3ull

/* One more "byte" (callers use values above 0xff as separators strings cannot contain). */
static inline uint64_t kg_fnv1a64_byte(uint64_t h, unsigned b)
{
	return (h ^ b) * KG_FNV64_PRIME;
}

/* h continued over p[0..n). Unrolled by four: it runs over every SARIF result's strings. */
static inline uint64_t kg_fnv1a64(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i = 0;
	for (; n - i >= 4; i += 4) {
		h = (h ^ p[i]) * KG_FNV64_PRIME;
		h = (h ^ p[i + 1]) * KG_FNV64_PRIME;
		h = (h ^ p[i + 2]) * KG_FNV64_PRIME;
		h = (h ^ p[i + 3]) * KG_FNV64_PRIME;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * KG_FNV64_PRIME;
	return h;
}

/* h continued over the NUL-terminated s (nothing for NULL). */
static inline uint64_t kg_fnv1a64_str(uint64_t h, const char *s)
{
	if (s)
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			h = (h ^ *p) * KG_FNV64_PRIME;
	return h;
}

#endif
