/* Chunked bump allocator. Large requests get a chunk of their own so the default chunk stays small. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fputs("kguard: out of memory\n", stderr);
		abort();
	}
	return p;
}

void kg_arena_init(struct kg_arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->spare = NULL;
	a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
	a->used = 0;
}

static void free_list(struct kg_arena_chunk *c)
{
	while (c) {
		struct kg_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void kg_arena_reset(struct kg_arena *a)
{
	/* Keep default-sized chunks for reuse; give oversized ones back so one huge document
	 * does not pin its memory for the rest of the run. */
	struct kg_arena_chunk *c = a->head;
	while (c) {
		struct kg_arena_chunk *next = c->next;
		if (c->size == a->chunk_size) {
			c->off = 0;
			c->next = a->spare;
			a->spare = c;
		} else {
			free(c);
		}
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}

void kg_arena_release(struct kg_arena *a)
{
	free_list(a->head);
	free_list(a->spare);
	a->head = a->spare = NULL;
	a->used = 0;
}

static struct kg_arena_chunk *new_chunk(struct kg_arena *a, size_t need)
{
	struct kg_arena_chunk *c;
	if (need <= a->chunk_size && a->spare) {
		c = a->spare;
		a->spare = c->next;
	} else {
		size_t size = need > a->chunk_size ? need : a->chunk_size;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
	}
	c->off = 0;
	c->next = a->head;
	a->head = c;
	return c;
}

void *kg_arena_alloc_slow(struct kg_arena *a, size_t size)
{
	size_t need = (size + 15) & ~(size_t)15;
	struct kg_arena_chunk *c = a->head;
	if (need < size) { /* overflow */
		fputs("kguard: allocation too large\n", stderr);
		abort();
	}
	if (!c || c->size - c->off < need) {
		if (c && need > a->chunk_size) {
			/* Oversized: give it its own chunk behind the current one, which keeps filling. */
			struct kg_arena_chunk *big = xmalloc(sizeof(*big) + need);
			big->size = need;
			big->off = need;
			big->next = c->next;
			c->next = big;
			a->used += need;
			return big->data;
		}
		c = new_chunk(a, need);
	}
	void *p = c->data + c->off;
	c->off += need;
	a->used += need;
	return p;
}

void *kg_arena_zalloc(struct kg_arena *a, size_t size)
{
	void *p = kg_arena_alloc(a, size);
	memset(p, 0, size);
	return p;
}

char *kg_arena_strndup(struct kg_arena *a, const char *s, size_t n)
{
	char *p = kg_arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *kg_arena_strdup(struct kg_arena *a, const char *s)
{
	return kg_arena_strndup(a, s, strlen(s));
}

char *kg_arena_printf(struct kg_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kg_vfmt(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = kg_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	kg_vfmt(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
