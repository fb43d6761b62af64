#include "utf8.h"

#include <string.h>

size_t kg_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];
	size_t len;
	uint32_t v;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[k] & 0x3F);
	}
	if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)))
		return 0;
	*cp = v;
	return len;
}

/* Scanned a block at a time like JSON strings (see jsonw.c): 16 bytes with SSE2, else 8 with word
 * arithmetic, never loading past n. KG_UTF8_NO_SIMD lets a test run the word path. */
#if defined(__SSE2__) && !defined(KG_UTF8_NO_SIMD)
#include <emmintrin.h>

/* Bit k set when byte k of the 16 at p is not printable ASCII. */
static inline unsigned nonprint16(const unsigned char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i x = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)); /* signed: also 0x80..0xff */
	x = _mm_or_si128(x, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
	return (unsigned)_mm_movemask_epi8(x);
}
#define KG_UTF8_SSE2 1
#endif

#define ONES 0x0101010101010101u
#define HIGH 0x8080808080808080u

/* Non-zero when one of the 8 bytes at p is not printable ASCII (exact for "any byte"). */
static inline uint64_t nonprint8(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	uint64_t d = w ^ (ONES * 0x7f);
	return ((w - ONES * 0x20) | w | ((d - ONES) & ~d)) & HIGH;
}

size_t kg_print_ascii_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
#ifdef KG_UTF8_SSE2
	for (; n - i >= 16; i += 16) {
		unsigned m = nonprint16(p + i);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
	if (i == n)
		return n;
	if (n >= 16) {
		unsigned m = nonprint16(p + n - 16) >> (16 - (n - i));
		return m ? i + (size_t)__builtin_ctz(m) : n;
	}
#endif
	for (; n - i >= 8; i += 8)
		if (nonprint8(p + i))
			break;
	if (n - i < 8 && n >= 8 && i < n && !nonprint8(p + n - 8))
		return n;
	while (i < n && p[i] >= 0x20 && p[i] < 0x7f)
		i++;
	return i;
}

static inline bool text_ascii(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' || c == '\r';
}

#ifdef KG_UTF8_SSE2
/* Bit k set when byte k of the 16 at p is neither printable ASCII nor tab, LF or CR. */
static inline unsigned nontext16(const unsigned char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i ws = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
				  _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
	return nonprint16(p) & ~(unsigned)_mm_movemask_epi8(ws);
}
#endif

size_t kg_text_ascii_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
#ifdef KG_UTF8_SSE2
	for (; n - i >= 16; i += 16) {
		unsigned m = nontext16(p + i);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
	while (i < n && text_ascii(p[i]))
		i++;
	return i;
#else
	/* words of printable bytes at once; a word with a line break goes byte by byte */
	for (;;) {
		for (; n - i >= 8 && !nonprint8(p + i); i += 8)
			;
		size_t end = n - i >= 8 ? i + 8 : n;
		for (; i < end; i++)
			if (!text_ascii(p[i]))
				return i;
		if (i == n)
			return n;
	}
#endif
}

/* XML: bytes that may need escaping are controls, non-ASCII, '&', '<', '>' and, in attributes,
 * '"'. Newline and tab are among the controls: text keeps them, found one at a time. */
#ifdef KG_UTF8_SSE2
static inline unsigned xml_special16(const unsigned char *p, bool attr)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i x = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)); /* signed: also 0x80..0xff */
	x = _mm_or_si128(x, _mm_cmpeq_epi8(v, _mm_set1_epi8('&')));
	x = _mm_or_si128(x, _mm_cmpeq_epi8(v, _mm_set1_epi8('<')));
	x = _mm_or_si128(x, _mm_cmpeq_epi8(v, _mm_set1_epi8('>')));
	if (attr)
		x = _mm_or_si128(x, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
	return (unsigned)_mm_movemask_epi8(x);
}
#endif

/* Non-zero when byte c of the word w occurs (exact for "any byte", like nonprint8). */
static inline uint64_t has_byte(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (ONES * c);
	return (x - ONES) & ~x;
}

static inline uint64_t xml_special8(const unsigned char *p, bool attr)
{
	uint64_t w;
	memcpy(&w, p, 8);
	uint64_t m = (w - ONES * 0x20) | w | has_byte(w, '&') | has_byte(w, '<') | has_byte(w, '>');
	if (attr)
		m |= has_byte(w, '"');
	return m & HIGH;
}

static inline bool xml_plain(unsigned char c, bool attr)
{
	return c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>' && !(attr && c == '"');
}

static size_t xml_plain_len(const unsigned char *p, size_t n, bool attr)
{
	size_t i = 0;
#ifdef KG_UTF8_SSE2
	for (; n - i >= 16; i += 16) {
		unsigned m = xml_special16(p + i, attr);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
	if (i == n)
		return n;
	if (n >= 16) {
		unsigned m = xml_special16(p + n - 16, attr) >> (16 - (n - i));
		return m ? i + (size_t)__builtin_ctz(m) : n;
	}
#endif
	for (; n - i >= 8; i += 8)
		if (xml_special8(p + i, attr))
			break;
	if (n - i < 8 && n >= 8 && i < n && !xml_special8(p + n - 8, attr))
		return n;
	while (i < n && xml_plain(p[i], attr))
		i++;
	return i;
}

char *kg_xml_escape_to(char *d, const char *s, size_t n, bool attr)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	for (;;) {
		size_t run = xml_plain_len(p + i, n - i, attr);
		memcpy(d, p + i, run);
		d += run;
		i += run;
		if (i == n)
			return d;
		unsigned char c = p[i];
		const char *rep = fffd;
		size_t used = 1;
		if (c >= 0x80) {
			uint32_t cp;
			size_t len = kg_utf8_decode(p + i, n - i, &cp);
			if (len && cp != 0xFFFE && cp != 0xFFFF)
				rep = NULL;
			used = len ? len : 1;
		} else if (c == '&') {
			rep = "&amp;";
		} else if (c == '<') {
			rep = "&lt;";
		} else if (c == '>') {
			rep = "&gt;";
		} else if (c == '"') {
			rep = attr ? "&quot;" : NULL;
		} else if (c == '\n') {
			rep = attr ? "&#10;" : NULL;
		} else if (c == '\t') {
			rep = attr ? "&#9;" : NULL;
		} else if (c == '\r') {
			rep = "&#13;";
		}
		if (rep) {
			size_t k = strlen(rep);
			memcpy(d, rep, k);
			d += k;
		} else {
			memcpy(d, p + i, used);
			d += used;
		}
		i += used;
	}
}
