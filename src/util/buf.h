/* Growable byte buffer with an explicit cap. The buffer owns its memory (malloc'd);
 * kg_buf_release frees it. Appending past the cap fails with -1 and leaves the buffer unchanged,
 * so hostile input cannot grow it without bound. The content is always NUL-terminated. */
#ifndef KG_BUF_H
#define KG_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct kg_buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t cap; /* 0 = no cap */
};

#define KG_BUF_INIT { NULL, 0, 0, 0 }

void kg_buf_init(struct kg_buf *b, size_t cap);
void kg_buf_release(struct kg_buf *b);
void kg_buf_reset(struct kg_buf *b); /* len = 0, memory kept */
__attribute__((warn_unused_result)) int kg_buf_reserve(struct kg_buf *b, size_t extra);
int kg_buf_add(struct kg_buf *b, const void *data, size_t n);
int kg_buf_adds(struct kg_buf *b, const char *s);
int kg_buf_addc(struct kg_buf *b, char c);
int kg_buf_printf(struct kg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kg_buf_vprintf(struct kg_buf *b, const char *fmt, va_list ap);

#endif
