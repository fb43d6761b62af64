/* See huge.h. posix_memalign rather than mmap: the memory stays visible to LeakSanitizer (arena
 * chunks reached only from an mmap'd chunk were reported as leaks). */
#include "huge.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *kg_huge_alloc(size_t n)
{
	void *p;
	if (!n || posix_memalign(&p, KG_HUGE_PAGE, n))
		return NULL;
#ifdef MADV_HUGEPAGE
	if (n >= KG_HUGE_PAGE)
		(void)madvise(p, n & ~(KG_HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
	return p;
}

void *kg_huge_move(void *p, size_t used, size_t n)
{
	void *q = kg_huge_alloc(n);
	if (!q)
		return NULL;
	if (used)
		memcpy(q, p, used);
	free(p);
	return q;
}
