#include "fmt.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

const char kg_digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				 "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				 "8081828384858687888990919293949596979899";

/* The output so far: bytes beyond size are counted, not written. */
struct out {
	char *buf;
	size_t size, len;
};

static inline void put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void put_uint(struct out *o, uintmax_t v, unsigned base)
{
	char t[24];
	size_t i = sizeof(t);
	do {
		t[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	put(o, t + i, sizeof(t) - i);
}

static void put_int(struct out *o, intmax_t v)
{
	if (v < 0) {
		put(o, "-", 1);
		put_uint(o, (uintmax_t)0 - (uintmax_t)v, 10);
	} else {
		put_uint(o, (uintmax_t)v, 10);
	}
}

enum len_mod { LM_NONE, LM_H, LM_HH, LM_L, LM_LL, LM_Z, LM_J, LM_T };

/* One conversion after '%' at *pf; 0 when handled, -1 when vsnprintf must do the whole format. */
static int conversion(struct out *o, const char **pf, va_list *ap)
{
	const char *f = *pf;
	long prec = -1;
	if (*f == '.') {
		f++;
		if (*f == '*') {
			int p = va_arg(*ap, int);
			prec = p < 0 ? -1 : p;
			f++;
		} else {
			if (*f < '0' || *f > '9')
				return -1;
			prec = 0;
			while (*f >= '0' && *f <= '9' && prec < 100000000)
				prec = prec * 10 + (*f++ - '0');
		}
	}
	enum len_mod lm = LM_NONE;
	switch (*f) {
	case 'h': lm = f[1] == 'h' ? LM_HH : LM_H; f += lm == LM_HH ? 2 : 1; break;
	case 'l': lm = f[1] == 'l' ? LM_LL : LM_L; f += lm == LM_LL ? 2 : 1; break;
	case 'z': lm = LM_Z; f++; break;
	case 'j': lm = LM_J; f++; break;
	case 't': lm = LM_T; f++; break;
	default: break;
	}
	char c = *f++;
	if (prec >= 0 && c != 's')
		return -1; /* a precision on integers pads with zeros: leave it to vsnprintf */
	switch (c) {
	case 's': {
		if (lm != LM_NONE)
			return -1;
		const char *s = va_arg(*ap, const char *);
		if (!s) {
			/* glibc prints "(null)", or nothing when the precision is too short for it */
			s = prec < 0 || prec >= 6 ? "(null)" : "";
		}
		size_t n = prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);
		put(o, s, n);
		break;
	}
	case 'c': {
		if (lm != LM_NONE)
			return -1;
		char ch = (char)va_arg(*ap, int);
		put(o, &ch, 1);
		break;
	}
	case 'd':
	case 'i': {
		intmax_t v;
		switch (lm) {
		case LM_NONE: v = va_arg(*ap, int); break;
		case LM_H: v = (short)va_arg(*ap, int); break;
		case LM_HH: v = (signed char)va_arg(*ap, int); break;
		case LM_L: v = va_arg(*ap, long); break;
		case LM_LL: v = va_arg(*ap, long long); break;
		case LM_Z: v = (ptrdiff_t)va_arg(*ap, size_t); break; /* %zd: ssize_t has size_t's width */
		case LM_J: v = va_arg(*ap, intmax_t); break;
		default: v = va_arg(*ap, ptrdiff_t); break;
		}
		put_int(o, v);
		break;
	}
	case 'u':
	case 'x': {
		uintmax_t v;
		switch (lm) {
		case LM_NONE: v = va_arg(*ap, unsigned); break;
		case LM_H: v = (unsigned short)va_arg(*ap, unsigned); break;
		case LM_HH: v = (unsigned char)va_arg(*ap, unsigned); break;
		case LM_L: v = va_arg(*ap, unsigned long); break;
		case LM_LL: v = va_arg(*ap, unsigned long long); break;
		case LM_Z: v = va_arg(*ap, size_t); break;
		case LM_J: v = va_arg(*ap, uintmax_t); break;
		default: v = (uintmax_t)va_arg(*ap, ptrdiff_t); break;
		}
		put_uint(o, v, c == 'x' ? 16 : 10);
		break;
	}
	case '%':
		if (lm != LM_NONE || prec >= 0)
			return -1;
		put(o, "%", 1);
		break;
	default:
		return -1;
	}
	*pf = f;
	return 0;
}

int kg_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size ? size - 1 : 0, 0 };
	va_list mine;
	va_copy(mine, ap);
	const char *f = fmt;
	for (;;) {
		const char *pct = strchrnul(f, '%');
		put(&o, f, (size_t)(pct - f));
		if (!*pct)
			break;
		f = pct + 1;
		if (*f == 's') { /* most conversions: "%s" of a string that is there */
			const char *a = va_arg(mine, const char *);
			f++;
			if (a) {
				put(&o, a, strlen(a));
				continue;
			}
			put(&o, "(null)", 6);
			continue;
		}
		if (conversion(&o, &f, &mine)) {
			va_end(mine);
			return vsnprintf(buf, size, fmt, ap);
		}
	}
	va_end(mine);
	if (size)
		buf[o.len < o.size ? o.len : o.size] = '\0';
	return o.len > INT32_MAX ? -1 : (int)o.len;
}

int kg_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kg_vfmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void kg_cat_uint(char *buf, size_t size, size_t *len, unsigned v)
{
	char d[24];
	kg_cat(buf, size, len, d, (size_t)(kg_put_uint(d, v) - d));
}
