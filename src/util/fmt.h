/* A fast snprintf for the formats findings and field paths use.
 * glibc's vsnprintf costs ~1,000 instructions of set-up per call whatever the format; a scan formats a
 * message and a path for every finding, so that set-up dominated. kg_vfmt handles %s, %.Ns, %.*s, %c,
 * %d, %i, %u, %x with the h/l/ll/z/j/t length modifiers and %% itself, and hands any other format
 * (flags, widths, floats, %m, ...) to vsnprintf, so the result is always exactly vsnprintf's.
 * Contract: the same as vsnprintf: at most size bytes written including the NUL (when size > 0),
 * returns the length the whole output would have. */
#ifndef KG_FMT_H
#define KG_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

int kg_vfmt(char *buf, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int kg_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Bounded text building for field paths and container labels, with snprintf's truncation (the
 * first size - 1 bytes of the whole text, always NUL-terminated) but without its per-call set-up.
 * *len is what buf holds so far (start at 0, size > 0); kg_cat appends n bytes of s, stopping at
 * a NUL byte the way "%s" does. */
static inline void kg_cat(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	size_t l = *len, i = 0;
	if (n > size - 1 - l)
		n = size - 1 - l;
	for (; i < n && s[i]; i++) /* the pieces are short: a loop beats memchr + memcpy calls */
		buf[l + i] = s[i];
	*len = l + i;
	buf[l + i] = '\0';
}
void kg_cat_uint(char *buf, size_t size, size_t *len, unsigned v);

/* "00" to "99": two digits at a time for the numbers reports write most (lines and columns). */
extern const char kg_digit_pairs[201];

/* The decimal digits of v written at d (room for 20 bytes, no NUL); returns the end. The one
 * number writer of the report and JSON writers: the length first, then the digits straight into
 * place (a scratch buffer and a memcpy call cost more than the digits for short numbers). */
static inline char *kg_put_uint(char *d, uint64_t v)
{
	if (v < 100) { /* columns, and most lines of a manifest */
		if (v < 10) {
			*d = (char)('0' + v);
			return d + 1;
		}
		d[0] = kg_digit_pairs[2 * v];
		d[1] = kg_digit_pairs[2 * v + 1];
		return d + 2;
	}
	size_t n = 1;
	for (uint64_t p = 10; n < 20 && v >= p; p *= 10)
		n++;
	char *e = d + n;
	do {
		*--e = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return d + n;
}

#endif
