/* Chunked bump allocator. Large requests get a chunk of their own so the default chunk stays small. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "huge.h"

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
	a->grown = 0;
}

static void free_list(struct kg_arena_chunk *c)
{
	while (c) {
		struct kg_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

#define GROWN_HUGE 2 /* default chunks an arena fills before it takes huge pages */

/* A chunk filling one transparent huge page, or NULL. An arena that needed several default chunks
 * at once holds large documents: their trees fault in one 4 KB page at a time otherwise. */
static struct kg_arena_chunk *huge_chunk(void)
{
	struct kg_arena_chunk *c = kg_huge_alloc(KG_HUGE_PAGE);
	if (!c)
		return NULL;
	c->size = KG_HUGE_PAGE - sizeof(*c);
	c->huge = 1;
	return c;
}

void kg_arena_reset(struct kg_arena *a)
{
	/* Keep default-sized and huge-page chunks for reuse; give oversized ones back so one huge
	 * request does not pin its memory for the rest of the run. */
	struct kg_arena_chunk *c = a->head;
	while (c) {
		struct kg_arena_chunk *next = c->next;
		if (c->size == a->chunk_size || c->huge) {
			c->off = 0;
			c->end = c->size;
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
	a->grown = 0;
}

static struct kg_arena_chunk *new_chunk(struct kg_arena *a, size_t need)
{
	struct kg_arena_chunk *c;
	if (need <= a->chunk_size && a->spare) {
		c = a->spare;
		a->spare = c->next;
	} else if (need > a->chunk_size || a->grown < GROWN_HUGE || a->chunk_size >= KG_HUGE_PAGE / 2 ||
		   !(c = huge_chunk())) {
		size_t size = need > a->chunk_size ? need : a->chunk_size;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->huge = 0;
		a->grown += size == a->chunk_size;
	}
	c->off = 0;
	c->end = c->size;
	c->next = a->head;
	a->head = c;
	return c;
}

void *kg_arena_alloc_slow(struct kg_arena *a, size_t size)
{
	size_t need = (size + KG_ARENA_ALIGN - 1) & ~(size_t)(KG_ARENA_ALIGN - 1);
	struct kg_arena_chunk *c = a->head;
	if (need < size) { /* overflow */
		fputs("kguard: allocation too large\n", stderr);
		abort();
	}
	if (!c || c->end - c->off < need) {
		if (c && need > a->chunk_size) {
			/* Oversized: give it its own chunk behind the current one, which keeps filling. */
			struct kg_arena_chunk *big = xmalloc(sizeof(*big) + need);
			big->huge = 0;
			big->size = need;
			big->off = need;
			big->end = need;
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

char *kg_arena_alloc_str_slow(struct kg_arena *a, size_t size)
{
	if (size > a->chunk_size) /* a chunk of its own, as for objects */
		return kg_arena_alloc_slow(a, size);
	struct kg_arena_chunk *c = new_chunk(a, size);
	c->end -= size;
	a->used += size;
	return (char *)c->data + c->end;
}

void *kg_arena_zalloc(struct kg_arena *a, size_t size)
{
	void *p = kg_arena_alloc(a, size);
	memset(p, 0, size);
	return p;
}

char *kg_arena_strndup(struct kg_arena *a, const char *s, size_t n)
{
	char *p = kg_arena_alloc_str(a, n + 1);
	p[n] = '\0';
	return n ? memcpy(p, s, n) : p; /* a tail call */
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
	char *p = kg_arena_alloc_str(a, (size_t)n + 1);
	va_start(ap, fmt);
	kg_vfmt(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
