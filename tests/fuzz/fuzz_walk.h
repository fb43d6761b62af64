/* Shared by the loader fuzz targets: visit a loaded tree (aliases make it a DAG, so the visit
 * has a budget) and check the invariants node.h promises. A broken invariant aborts, which
 * libFuzzer reports as a crash. */
#ifndef KG_FUZZ_WALK_H
#define KG_FUZZ_WALK_H

#include <stdlib.h>
#include <string.h>

#include "core/node.h"

static void fuzz_walk(const struct kg_node *n, unsigned depth, long *budget)
{
	char buf[64];
	if (!n || depth > 1100)
		abort();
	if (--*budget < 0)
		return;
	kg_scalar_text(n, buf, sizeof(buf));
	switch (n->type) {
	case KG_STR:
		if (!n->v.s || n->v.s[n->len] != '\0')
			abort();
		break;
	case KG_MAP:
		for (uint32_t i = 0; i < n->len; i++) {
			const struct kg_pair *p = &n->v.pairs[i];
			if (!p->key || p->key[p->key_len] != '\0' || !p->value)
				abort();
			for (uint32_t k = 0; k < i && k < 64; k++)
				if (n->v.pairs[k].key_len == p->key_len && !memcmp(n->v.pairs[k].key, p->key, p->key_len))
					abort(); /* duplicate keys must have been resolved */
			fuzz_walk(p->value, depth + 1, budget);
		}
		break;
	case KG_SEQ:
		for (uint32_t i = 0; i < n->len; i++)
			fuzz_walk(n->v.items[i], depth + 1, budget);
		break;
	case KG_NULL:
	case KG_BOOL:
	case KG_INT:
	case KG_FLOAT:
		break;
	default:
		abort();
	}
}

#endif
