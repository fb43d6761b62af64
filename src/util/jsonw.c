#include "jsonw.h"

#include "fmt.h"
#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void kg_jw_init(struct kg_jw *w, struct kg_buf *b, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->pretty = pretty;
}

/* Room for n more bytes (and the NUL) without growing: the common case of every append. */
static inline bool has_room(const struct kg_buf *b, size_t n)
{
	return b->alloc - b->len > n;
}

static void put(struct kg_jw *w, const char *s, size_t n)
{
	struct kg_buf *b = w->b;
	if (has_room(b, n)) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
	} else if (kg_buf_add(b, s, n)) {
		w->failed = true;
	}
}

static void newline(struct kg_jw *w)
{
	if (!w->pretty)
		return;
	struct kg_buf *b = w->b;
	size_t n = 1 + 2 * (size_t)w->depth;
	if (has_room(b, n)) {
		b->data[b->len] = '\n';
		memset(b->data + b->len + 1, ' ', n - 1);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	put(w, "\n", 1);
	for (int i = 0; i < w->depth; i++)
		put(w, "  ", 2);
}

/* Before any value: a comma if needed, and indentation. */
static void pre_value(struct kg_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth])
			put(w, ",", 1);
		w->need_comma[w->depth] = true;
		newline(w);
	}
}

static void open(struct kg_jw *w, char c)
{
	pre_value(w);
	put(w, &c, 1);
	if (w->depth + 1 < KG_JW_MAX_DEPTH)
		w->depth++;
	else
		w->failed = true;
	w->need_comma[w->depth] = false;
}

static void close_(struct kg_jw *w, char c)
{
	bool had = w->need_comma[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (had)
		newline(w);
	put(w, &c, 1);
}

void kg_jw_obj(struct kg_jw *w) { open(w, '{'); }
void kg_jw_obj_end(struct kg_jw *w) { close_(w, '}'); }
void kg_jw_arr(struct kg_jw *w) { open(w, '['); }
void kg_jw_arr_end(struct kg_jw *w) { close_(w, ']'); }

/* Strings are scanned for bytes that need escaping (below 0x20, '"', '\\', high bit set) a block
 * at a time: 16 bytes with SSE2 (every x86-64), else 8 with word arithmetic. Loads never go past
 * n: the last partial block is read as the block that ends at n, overlapping bytes already
 * checked. A word test is exact for "any byte in the word" (borrows only run upwards from a hit),
 * and the byte itself is then found one at a time. KG_JSONW_NO_SIMD lets a test run the word path. */
#if defined(__SSE2__) && !defined(KG_JSONW_NO_SIMD)
#define KG_JSONW_SSE2 1
#include <emmintrin.h>

/* Bit k set when byte k of the 16 in v is not plain. */
static inline unsigned special16v(__m128i v)
{
	__m128i x = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
	x = _mm_or_si128(x, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))); /* signed: also 0x80..0xff */
	return (unsigned)_mm_movemask_epi8(x);
}

static inline unsigned special16(const unsigned char *p)
{
	return special16v(_mm_loadu_si128((const __m128i *)(const void *)p));
}
#endif

#define ONES 0x0101010101010101u
#define HIGH 0x8080808080808080u

static inline uint64_t special8(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	uint64_t q = w ^ (ONES * '"'), bs = w ^ (ONES * '\\');
	return ((w - ONES * 0x20) | w | ((q - ONES) & ~q) | ((bs - ONES) & ~bs)) & HIGH;
}

static inline bool plain(unsigned char c)
{
	return (unsigned char)(c - 0x20) < 0x60 && c != '"' && c != '\\';
}

static inline size_t plain_len(const unsigned char *p, size_t n)
{
	size_t i = 0;
#ifdef KG_JSONW_SSE2
	for (; n - i >= 16; i += 16) {
		unsigned m = special16(p + i);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
	if (i == n)
		return n;
	if (n >= 16) {
		unsigned m = special16(p + n - 16) >> (16 - (n - i));
		return m ? i + (size_t)__builtin_ctz(m) : n;
	}
#endif
	for (; n - i >= 8; i += 8)
		if (special8(p + i))
			break;
	if (n - i < 8 && n >= 8 && i < n && !special8(p + n - 8))
		return n;
	while (i < n && plain(p[i]))
		i++;
	return i;
}

size_t kg_json_plain_len(const char *s, size_t n)
{
	return plain_len((const unsigned char *)s, n);
}

/* The escape of the byte (or UTF-8 sequence) at p[0], n >= 1 bytes left, which is not plain.
 * Writes at most 6 bytes to d; *used gets the number of input bytes consumed. */
static char *escape_one(char *d, const unsigned char *p, size_t n, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = p[0];
	*used = 1;
	if (c >= 0x80) {
		uint32_t cp;
		size_t len = kg_utf8_decode(p, n, &cp);
		if (len) {
			memcpy(d, p, len);
			*used = len;
			return d + len;
		}
		memcpy(d, "\\ufffd", 6);
		return d + 6;
	}
	d[0] = '\\';
	switch (c) {
	case '"': d[1] = '"'; return d + 2;
	case '\\': d[1] = '\\'; return d + 2;
	case '\n': d[1] = 'n'; return d + 2;
	case '\r': d[1] = 'r'; return d + 2;
	case '\t': d[1] = 't'; return d + 2;
	default:
		d[1] = 'u'; d[2] = '0'; d[3] = '0';
		d[4] = hex[c >> 4]; d[5] = hex[c & 15];
		return d + 6;
	}
}

/* Index of the first byte of the 8 at p that is not plain; m = special8(p) != 0. On a little-endian
 * machine the lowest flagged byte is exact (borrows run upwards, away from it). */
static inline size_t first_special8(const unsigned char *p, uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	(void)p;
	return (size_t)__builtin_ctzll(m) / 8;
#else
	(void)m;
	size_t k = 0;
	while (plain(p[k]))
		k++;
	return k;
#endif
}

/* One pass: each block is stored whole while it is scanned, then the write position moves past
 * its plain bytes only. A block stored ahead stays inside the 6n bytes of room: it is stored at
 * most 6i bytes in, with at least a block (>= 8 bytes) of input left. The last partial block is
 * the block that ends at n, stored over output that copies the input it overlaps, when it does
 * (no escape since from); otherwise the bytes go one at a time. */
char *kg_json_escape_to(char *d, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, from = 0, k; /* the output ends with p[from..i) as is */
	for (;;) {
#ifdef KG_JSONW_SSE2
		/* two blocks a round: half the loop overhead on the long strings (messages) */
		for (; n - i >= 32; i += 32, d += 32) {
			__m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
			__m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
			_mm_storeu_si128((__m128i *)(void *)d, v0);
			_mm_storeu_si128((__m128i *)(void *)(d + 16), v1);
			unsigned m = special16v(v0) | special16v(v1) << 16;
			if (m) {
				k = (size_t)__builtin_ctz(m);
				goto special;
			}
		}
		for (; n - i >= 16; i += 16, d += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
			unsigned m = special16v(v);
			_mm_storeu_si128((__m128i *)(void *)d, v);
			if (m) {
				k = (size_t)__builtin_ctz(m);
				goto special;
			}
		}
		if (i == n)
			return d;
		if (n >= 16 && i - from >= 16 - (n - i)) {
			size_t back = 16 - (n - i);
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));
			unsigned m = special16v(v) >> back;
			_mm_storeu_si128((__m128i *)(void *)(d - back), v);
			if (!m)
				return d + (n - i);
			k = (size_t)__builtin_ctz(m);
			goto special;
		}
#endif
		for (; n - i >= 8; i += 8, d += 8) {
			uint64_t m = special8(p + i);
			memcpy(d, p + i, 8);
			if (m) {
				k = first_special8(p + i, m);
				goto special;
			}
		}
		if (i == n)
			return d;
		if (n >= 8 && i - from >= 8 - (n - i)) {
			size_t back = 8 - (n - i);
			uint64_t m = special8(p + n - 8);
			memcpy(d - back, p + n - 8, 8);
			if (!m)
				return d + (n - i);
			k = first_special8(p + n - 8, m) - back; /* the overlap is plain */
			goto special;
		}
		for (k = 0; i + k < n && plain(p[i + k]); k++)
			d[k] = (char)p[i + k];
		if (i + k == n)
			return d + k;
	special:
		d += k;
		i += k;
		size_t used;
		d = escape_one(d, p + i, n - i, &used);
		i += used;
		from = i;
	}
}

int kg_json_escape(struct kg_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int rc = 0;
	for (;;) {
		size_t run = plain_len(p + i, n - i);
		rc |= kg_buf_add(b, s + i, run);
		i += run;
		if (i == n)
			return rc ? -1 : 0;
		char esc[8];
		size_t used;
		char *e = escape_one(esc, p + i, n - i, &used);
		rc |= kg_buf_add(b, esc, (size_t)(e - esc));
		i += used;
	}
}

/* "s" (escaped) followed by the n2 bytes of suffix. Written through a pointer when the worst
 * case fits (always, once grown, for a buffer without a cap); piece by piece otherwise, so a
 * capped buffer fails exactly where it did. */
static void quoted(struct kg_jw *w, const char *s, size_t n, const char *suffix, size_t n2)
{
	struct kg_buf *b = w->b;
	size_t max = KG_JSON_ESC_MAX(n) + 1 + n2;
	if (n < SIZE_MAX / 8 && (has_room(b, max) || (!b->cap && !kg_buf_reserve(b, max)))) {
		char *d = b->data + b->len;
		*d++ = '"';
		d = kg_json_escape_to(d, s, n);
		for (size_t i = 0; i < n2; i++) /* 1 to 3 bytes: no memcpy call */
			*d++ = suffix[i];
		*d = '\0';
		b->len = (size_t)(d - b->data);
		return;
	}
	put(w, "\"", 1);
	if (kg_json_escape(b, s, n))
		w->failed = true;
	put(w, suffix, n2);
}

void kg_jw_strn(struct kg_jw *w, const char *s, size_t n)
{
	pre_value(w);
	quoted(w, s, n, "\"", 1);
}

void kg_jw_str(struct kg_jw *w, const char *s)
{
	if (!s) {
		kg_jw_null(w);
		return;
	}
	kg_jw_strn(w, s, strlen(s));
}

void kg_jw_key(struct kg_jw *w, const char *k)
{
	pre_value(w);
	quoted(w, k, strlen(k), "\": ", w->pretty ? 3 : 2);
	w->after_key = true;
}

void kg_jw_raw(struct kg_jw *w, const char *json)
{
	pre_value(w);
	put(w, json, strlen(json));
}

/* Decimal digits of v, with a '-' when neg. */
static void digits(struct kg_jw *w, uint64_t v, bool neg)
{
	char t[24];
	t[0] = '-';
	char *e = kg_put_uint(t + 1, v);
	pre_value(w);
	put(w, neg ? t : t + 1, (size_t)(e - t) - !neg);
}

void kg_jw_int(struct kg_jw *w, int64_t v)
{
	digits(w, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
}

void kg_jw_uint(struct kg_jw *w, uint64_t v)
{
	digits(w, v, false);
}

void kg_jw_double(struct kg_jw *w, double v)
{
	char t[40];
	if (!isfinite(v)) {
		kg_jw_null(w);
		return;
	}
	snprintf(t, sizeof(t), "%.17g", v);
	kg_jw_raw(w, t);
}

void kg_jw_bool(struct kg_jw *w, bool v) { kg_jw_raw(w, v ? "true" : "false"); }
void kg_jw_null(struct kg_jw *w) { kg_jw_raw(w, "null"); }

void kg_jw_kstr(struct kg_jw *w, const char *k, const char *v)
{
	kg_jw_key(w, k);
	kg_jw_str(w, v);
}

void kg_jw_kint(struct kg_jw *w, const char *k, int64_t v)
{
	kg_jw_key(w, k);
	kg_jw_int(w, v);
}

void kg_jw_kbool(struct kg_jw *w, const char *k, bool v)
{
	kg_jw_key(w, k);
	kg_jw_bool(w, v);
}
