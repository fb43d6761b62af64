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
		CHECK(((uintptr_t)p & (KG_ARENA_ALIGN - 1)) == 0);
		memset(p, 0xab, n); /* ASan: the whole request is usable */
		want += (n + KG_ARENA_ALIGN - 1) & ~(size_t)(KG_ARENA_ALIGN - 1);
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
	CHECK(r == first + 8);
	memcpy(r, "hello", 6);
	kg_arena_commit(&a, 6);
	CHECK_INT(a.used, 16);
	CHECK(kg_arena_alloc(&a, 1) == r + 8); /* the committed bytes stay taken */
	CHECK(kg_arena_reserve(&a, 256) == NULL); /* more than the chunk has left */
	CHECK(kg_arena_reserve(&a, 256 - 24) != NULL);
	CHECK(strcmp(r, "hello") == 0);
	kg_arena_release(&a);
}

TEST(strings_fill_down_unaligned)
{
	struct kg_arena a;
	kg_arena_init(&a, 64);
	char *o = kg_arena_alloc(&a, 8);
	char *s1 = kg_arena_strndup(&a, "abc", 3);
	char *s2 = kg_arena_strndup(&a, "de", 2);
	CHECK(s1 == o + 64 - 4); /* from the chunk's end, 4 bytes with the NUL */
	CHECK(s2 == s1 - 3);
	CHECK_INT(a.used, 8 + 4 + 3);
	CHECK(strcmp(s1, "abc") == 0 && strcmp(s2, "de") == 0);
	/* objects and strings share the room between them: 64 - 8 - 7 = 49 left */
	CHECK(kg_arena_alloc(&a, 48) == o + 8);
	CHECK(kg_arena_reserve(&a, 2) == NULL);
	char *s3 = kg_arena_strndup(&a, "x", 1); /* needs 2 bytes, 1 is left */
	CHECK(s3 != NULL && strcmp(s3, "x") == 0);
	CHECK(s3 < o || s3 >= o + 64); /* it took a new chunk */
	CHECK(strcmp(s1, "abc") == 0 && strcmp(s2, "de") == 0);
	char *big = kg_arena_strndup(&a, "0123456789012345678901234567890123456789012345678901234567890123456789", 70);
	CHECK(strlen(big) == 70); /* larger than a chunk: a chunk of its own */
	kg_arena_reset(&a);
	CHECK_INT(a.used, 0);
	char *o2 = kg_arena_alloc(&a, 8);
	CHECK(kg_arena_strndup(&a, "abc", 3) == o2 + 60); /* a reused chunk is empty at both ends */
	kg_arena_release(&a);
}

/* An arena that filled two default chunks takes its next ones as 2 MB-aligned huge-page chunks,
 * keeps them across resets, and gives them back on release. */
TEST(grown_arena_takes_huge_chunks)
{
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	for (int i = 0; i < 3; i++)
		memset(kg_arena_alloc(&a, 4000), i, 4000);
	CHECK_INT(a.grown, 2);
	struct kg_arena_chunk *h = a.head;
	CHECK_INT(h->huge, 1);
	CHECK(((uintptr_t)h & (((uintptr_t)2 << 20) - 1)) == 0);
	CHECK_INT(h->size, ((size_t)2 << 20) - sizeof(*h));
	/* the rest of the huge chunk serves the next requests, objects and strings */
	char *p = kg_arena_alloc(&a, 100000);
	CHECK((unsigned char *)p == h->data + 4000);
	memset(p, 7, 100000);
	char *s = kg_arena_strndup(&a, "tail", 4);
	CHECK((unsigned char *)s == h->data + h->size - 5);
	kg_arena_reset(&a);
	CHECK_INT(a.used, 0);
	int spares = 0, huge = 0;
	for (struct kg_arena_chunk *c = a.spare; c; c = c->next) {
		spares++;
		huge += c->huge != 0;
	}
	CHECK_INT(spares, 3);
	CHECK_INT(huge, 1);
	CHECK(kg_arena_alloc(&a, 8) != NULL);
	kg_arena_release(&a);
	CHECK_INT(a.grown, 0);
}
