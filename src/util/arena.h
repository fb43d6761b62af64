/* Arena allocator: bump allocation from chunks, freed or reset in one call.
 * Ownership: the arena owns every byte it hands out; nothing allocated from it is freed alone.
 * Errors: allocation failure aborts the process (out of memory is not recoverable for a scanner);
 * callers cap input sizes so that a hostile input cannot reach that point. */
#ifndef KG_ARENA_H
#define KG_ARENA_H

#include <stddef.h>

/* In the header so that the common case of an allocation (room left in the current chunk) is
 * inlined: a call per allocation was 1.5% of a scan. */
struct kg_arena_chunk {
	struct kg_arena_chunk *next;
	size_t size; /* payload bytes */
	size_t off;  /* bytes used */
	_Alignas(16) unsigned char data[];
};

struct kg_arena {
	struct kg_arena_chunk *head;  /* chunk being filled */
	struct kg_arena_chunk *spare; /* chunks kept by reset for reuse */
	size_t chunk_size;            /* default chunk payload size */
	size_t used;                  /* bytes handed out since init/reset (for caps and stats) */
};

void kg_arena_init(struct kg_arena *a, size_t chunk_size);
/* Forget every allocation but keep the memory for reuse: no malloc in steady state. */
void kg_arena_reset(struct kg_arena *a);
void kg_arena_release(struct kg_arena *a);

/* The path of kg_arena_alloc that takes a new chunk (or a chunk of its own for a large request). */
void *kg_arena_alloc_slow(struct kg_arena *a, size_t size);

/* 16-byte aligned, uninitialised. */
static inline void *kg_arena_alloc(struct kg_arena *a, size_t size)
{
	size_t need = (size + 15) & ~(size_t)15;
	struct kg_arena_chunk *c = a->head;
	if (c && need >= size && c->size - c->off >= need) {
		void *p = c->data + c->off;
		c->off += need;
		a->used += need;
		return p;
	}
	return kg_arena_alloc_slow(a, size);
}

/* Room for up to max bytes at the end of the current chunk, NULL when it has less: write into it,
 * then kg_arena_commit the bytes used (as kg_arena_alloc would have allocated them). Nothing else
 * may allocate from the arena in between. */
static inline char *kg_arena_reserve(struct kg_arena *a, size_t max)
{
	struct kg_arena_chunk *c = a->head;
	return c && c->size - c->off >= max ? (char *)c->data + c->off : NULL;
}

/* Keep size bytes (at most the max reserved) of the room kg_arena_reserve returned. */
static inline void kg_arena_commit(struct kg_arena *a, size_t size)
{
	size_t need = (size + 15) & ~(size_t)15;
	a->head->off += need;
	a->used += need;
}

void *kg_arena_zalloc(struct kg_arena *a, size_t size);  /* zeroed */
char *kg_arena_strndup(struct kg_arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *kg_arena_strdup(struct kg_arena *a, const char *s);
char *kg_arena_printf(struct kg_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
