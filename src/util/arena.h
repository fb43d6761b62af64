/* Arena allocator: bump allocation from chunks, freed or reset in one call.
 * Ownership: the arena owns every byte it hands out; nothing allocated from it is freed alone.
 * Errors: allocation failure aborts the process (out of memory is not recoverable for a scanner);
 * callers cap input sizes so that a hostile input cannot reach that point. */
#ifndef KG_ARENA_H
#define KG_ARENA_H

#include <stddef.h>

/* In the header so that the common case of an allocation (room left in the current chunk) is
 * inlined: a call per allocation was 1.5% of a scan. */
/* Objects fill a chunk upwards from off, 8-byte aligned; strings fill it downwards from end,
 * unaligned: a tree is mostly small nodes and short strings, and rounding each to 16 bytes made
 * the largest documents' trees a third bigger (fresh pages cost a fault each). */
#define KG_ARENA_ALIGN 8
struct kg_arena_chunk {
	struct kg_arena_chunk *next;
	size_t size; /* payload bytes */
	size_t off;  /* object bytes used, from the start */
	size_t end;  /* start of the string bytes, which run to size */
	size_t huge; /* 1 for a chunk of one huge page (see arena.c), else 0 */
	_Alignas(16) unsigned char data[];
};

struct kg_arena {
	struct kg_arena_chunk *head;  /* chunk being filled */
	struct kg_arena_chunk *spare; /* chunks kept by reset for reuse */
	size_t chunk_size;            /* default chunk payload size */
	size_t used;                  /* bytes handed out since init/reset (for caps and stats) */
	unsigned grown;               /* default-sized chunks malloc'd so far */
};

void kg_arena_init(struct kg_arena *a, size_t chunk_size);
/* Forget every allocation but keep the memory for reuse: no malloc in steady state. */
void kg_arena_reset(struct kg_arena *a);
void kg_arena_release(struct kg_arena *a);

/* The path of kg_arena_alloc that takes a new chunk (or a chunk of its own for a large request). */
void *kg_arena_alloc_slow(struct kg_arena *a, size_t size);

/* KG_ARENA_ALIGN-byte aligned, uninitialised. */
static inline void *kg_arena_alloc(struct kg_arena *a, size_t size)
{
	size_t need = (size + KG_ARENA_ALIGN - 1) & ~(size_t)(KG_ARENA_ALIGN - 1);
	struct kg_arena_chunk *c = a->head;
	if (c && need >= size && c->end - c->off >= need) {
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
	return c && c->end - c->off >= max ? (char *)c->data + c->off : NULL;
}

/* Keep size bytes (at most the max reserved) of the room kg_arena_reserve returned. */
static inline void kg_arena_commit(struct kg_arena *a, size_t size)
{
	size_t need = (size + KG_ARENA_ALIGN - 1) & ~(size_t)(KG_ARENA_ALIGN - 1);
	a->head->off += need;
	a->used += need;
}

/* The path of kg_arena_alloc_str that takes a new chunk. */
char *kg_arena_alloc_str_slow(struct kg_arena *a, size_t size);

/* size bytes without alignment (for text), uninitialised. */
static inline char *kg_arena_alloc_str(struct kg_arena *a, size_t size)
{
	struct kg_arena_chunk *c = a->head;
	if (c && c->end - c->off >= size) {
		c->end -= size;
		a->used += size;
		return (char *)c->data + c->end;
	}
	return kg_arena_alloc_str_slow(a, size);
}

void *kg_arena_zalloc(struct kg_arena *a, size_t size);  /* zeroed */
char *kg_arena_strndup(struct kg_arena *a, const char *s, size_t n); /* NUL-terminated copy, unaligned */
char *kg_arena_strdup(struct kg_arena *a, const char *s);
char *kg_arena_printf(struct kg_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
