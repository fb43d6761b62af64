/* Large buffers backed by transparent huge pages. On a paravirtualised VM every first touch of a
 * 4 KB page is a fault costing ~12 us, more than zeroing a whole 2 MB huge page (measured: 1.4 MB
 * touched = 14-18 ms in 4 KB pages, 0.25-0.6 ms as one huge page), so buffers that grow past a few
 * hundred KB (the largest documents' trees and text, the findings of the largest inputs) ask for
 * huge pages. Without THP (or with THP "never") this is plain aligned memory. */
#ifndef KG_HUGE_H
#define KG_HUGE_H

#include <stddef.h>

#define KG_HUGE_PAGE ((size_t)2 << 20)

/* n bytes, KG_HUGE_PAGE-aligned, uninitialised, with MADV_HUGEPAGE on its whole huge pages; NULL
 * when the allocation fails. Release with free(). */
void *kg_huge_alloc(size_t n);

/* Move the first used bytes of p (a malloc'd block, may be NULL when used is 0) to a new
 * kg_huge_alloc(n) and free p; NULL, with p untouched, when the allocation fails. */
void *kg_huge_move(void *p, size_t used, size_t n);

#endif
