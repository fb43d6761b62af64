/* The arena's inline fast path and reserve/commit: alignment, accounting and chunk changes as the
 * out-of-line path had them. */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "util/arena.h"

TEST(alloc_aligns_and_counts)
{
	struct kg_arena a;
	kg_arena_init(&a, 256);
	size_t want = 0;
	for (size_t n = 0; n < 600; n += 7) {
		unsigned char *p = kg_arena_alloc(&a, n);
		CHECK(((uintptr_t)p & 15) == 0);
		memset(p, 0xab, n); /* ASan: the whole request is usable */
		want += (n + 15) & ~(size_t)15;
		CHECK_INT(a.used, want);
	}
	kg_arena_reset(&a);
	CHECK_INT(a.used, 0);
	CHECK(kg_arena_alloc(&a, 16) != NULL);
	kg_arena_release(&a);
}

TEST(reserve_then_commit)
{
	struct kg_arena a;
	kg_arena_init(&a, 256);
	CHECK(kg_arena_reserve(&a, 1) == NULL); /* no chunk yet */
	char *first = kg_arena_alloc(&a, 1);
	char *r = kg_arena_reserve(&a, 100);
	CHECK(r == first + 16);
	memcpy(r, "hello", 6);
	kg_arena_commit(&a, 6);
	CHECK_INT(a.used, 32);
	CHECK(kg_arena_alloc(&a, 1) == r + 16); /* the committed bytes stay taken */
	CHECK(kg_arena_reserve(&a, 256) == NULL); /* more than the chunk has left */
	CHECK(kg_arena_reserve(&a, 256 - 48) != NULL);
	CHECK(strcmp(r, "hello") == 0);
	kg_arena_release(&a);
}
