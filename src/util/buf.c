#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kg_buf_init(struct kg_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = b->alloc = 0;
	b->cap = cap;
}

void kg_buf_release(struct kg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

void kg_buf_reset(struct kg_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int kg_buf_reserve(struct kg_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need < b->len || (b->cap && need > b->cap + 1))
		return -1;
	if (need <= b->alloc)
		return 0;
	size_t n = b->alloc ? b->alloc : 256;
	while (n < need)
		n = n * 2 < n ? need : n * 2;
	if (b->cap && n > b->cap + 1)
		n = b->cap + 1;
	char *p = realloc(b->data, n);
	if (!p) {
		fputs("kguard: out of memory\n", stderr);
		abort();
	}
	b->data = p;
	b->alloc = n;
	return 0;
}

int kg_buf_add(struct kg_buf *b, const void *data, size_t n)
{
	if (kg_buf_reserve(b, n))
		return -1;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int kg_buf_adds(struct kg_buf *b, const char *s)
{
	return kg_buf_add(b, s, strlen(s));
}

int kg_buf_addc(struct kg_buf *b, char c)
{
	return kg_buf_add(b, &c, 1);
}

int kg_buf_vprintf(struct kg_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || kg_buf_reserve(b, (size_t)n))
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int kg_buf_printf(struct kg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = kg_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}
