/* Arena allocator: bump allocation from chunks, freed or reset in one call.
 * Ownership: the arena owns every byte it hands out; nothing allocated from it is freed alone.
 * Errors: allocation failure aborts the process (out of memory is not recoverable for a scanner);
 * callers cap input sizes so that a hostile input cannot reach that point. */
#ifndef KG_ARENA_H
#define KG_ARENA_H

#include <stddef.h>

struct kg_arena_chunk;

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

void *kg_arena_alloc(struct kg_arena *a, size_t size);   /* 16-byte aligned, uninitialised */
void *kg_arena_zalloc(struct kg_arena *a, size_t size);  /* zeroed */
char *kg_arena_strndup(struct kg_arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *kg_arena_strdup(struct kg_arena *a, const char *s);
char *kg_arena_printf(struct kg_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
