/* kg_huge_alloc: huge-page-aligned memory of the whole requested size, released with free(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util/huge.h"

TEST(huge_alloc_is_aligned_and_usable)
{
	size_t sizes[] = { 1, 4096, KG_HUGE_PAGE - 1, KG_HUGE_PAGE, KG_HUGE_PAGE + 4096, 3 * KG_HUGE_PAGE };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = kg_huge_alloc(sizes[i]);
		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK(((uintptr_t)p & (KG_HUGE_PAGE - 1)) == 0);
		memset(p, 0x5a, sizes[i]); /* ASan: every byte asked for is ours */
		CHECK(p[sizes[i] - 1] == 0x5a);
		free(p);
	}
	CHECK(kg_huge_alloc(0) == NULL);
}

/* kg_huge_move keeps the bytes in use and takes over the old block (ASan: freed exactly once). */
TEST(huge_move_keeps_the_data)
{
	unsigned char *p = malloc(300000);
	if (!p)
		abort();
	for (size_t i = 0; i < 300000; i++)
		p[i] = (unsigned char)(i * 7);
	unsigned char *q = kg_huge_move(p, 300000, KG_HUGE_PAGE);
	CHECK(q != NULL && ((uintptr_t)q & (KG_HUGE_PAGE - 1)) == 0);
	int same = 1;
	for (size_t i = 0; q && i < 300000; i++)
		same &= q[i] == (unsigned char)(i * 7);
	CHECK(same);
	free(q);
	void *empty = kg_huge_move(NULL, 0, 4096);
	CHECK(empty != NULL);
	free(empty);
}
