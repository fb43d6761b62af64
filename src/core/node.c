#include "node.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *kg_type_name(enum kg_type t)
{
	switch (t) {
	case KG_NULL: return "null";
	case KG_BOOL: return "boolean";
	case KG_INT: return "integer";
	case KG_FLOAT: return "number";
	case KG_STR: return "string";
	case KG_MAP: return "object";
	case KG_SEQ: return "array";
	}
	return "unknown";
}

/* Whether n >= 1 bytes at a and b are equal, compared in overlapping words without a call, so
 * that kg_map_pairn stays a leaf function (no registers to save on its hot entry). */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
	if (n >= 8) {
		uint64_t x, y;
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return false;
		}
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		uint32_t a0, b0, a1, b1;
		memcpy(&a0, a, 4);
		memcpy(&b0, b, 4);
		memcpy(&a1, a + n - 4, 4);
		memcpy(&b1, b + n - 4, 4);
		return ((a0 ^ b0) | (a1 ^ b1)) == 0;
	}
	return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]; /* all of 1..3 bytes */
}

const struct kg_pair *kg_map_pairn(const struct kg_node *map, const char *key, size_t klen)
{
	if (!map || map->type != KG_MAP)
		return NULL;
	/* length, then first byte, then the rest: most keys of a map differ in one of the first two.
	 * The count and first byte are kept in locals: a char read may alias them. */
	const struct kg_pair *p = map->v.pairs; /* NULL in an empty map built by hand */
	const uint32_t n = map->len;
	if (!klen) {
		for (uint32_t i = 0; i < n; i++)
			if (!p[i].key_len)
				return &p[i];
		return NULL;
	}
	const char c0 = key[0];
	for (uint32_t i = 0; i < n; i++)
		if (p[i].key_len == klen && p[i].key[0] == c0 && same_bytes(p[i].key, key, klen))
			return &p[i];
	return NULL;
}

const struct kg_node *kg_seq_at(const struct kg_node *seq, size_t i)
{
	if (!seq || seq->type != KG_SEQ || i >= seq->len)
		return NULL;
	return seq->v.items[i];
}

const struct kg_node *kg_path_walkn(const struct kg_node *n, const char *dotted, size_t len,
				    const struct kg_node **nearest)
{
	const char *p = dotted, *end = dotted + len;
	if (nearest)
		*nearest = n;
	while (n && p < end) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		size_t seg = dot ? (size_t)(dot - p) : (size_t)(end - p);
		if (seg >= KG_PATH_KEY_MAX)
			return NULL;
		n = kg_map_getn(n, p, seg);
		if (n && nearest)
			*nearest = n;
		p += seg + (dot ? 1 : 0);
	}
	return n;
}

const struct kg_node *kg_path_walk(const struct kg_node *n, const char *dotted, const struct kg_node **nearest)
{
	return kg_path_walkn(n, dotted, strlen(dotted), nearest);
}

const struct kg_node *kg_node_get(const struct kg_node *n, const char *dotted)
{
	return kg_path_walk(n, dotted, NULL);
}

bool kg_as_bool(const struct kg_node *n, bool *out)
{
	if (!n || n->type != KG_BOOL)
		return false;
	*out = n->v.b;
	return true;
}

bool kg_as_int(const struct kg_node *n, int64_t *out)
{
	if (!n)
		return false;
	if (n->type == KG_INT && !(n->flags & KG_NODE_UINT)) {
		*out = n->v.i;
		return true;
	}
	if (n->type == KG_FLOAT && isfinite(n->v.f) && n->v.f == floor(n->v.f) &&
	    n->v.f >= -9223372036854775808.0 && n->v.f < 9223372036854775808.0) {
		*out = (int64_t)n->v.f;
		return true;
	}
	return false;
}

bool kg_as_str(const struct kg_node *n, const char **out)
{
	if (!n || n->type != KG_STR)
		return false;
	*out = n->v.s;
	return true;
}

void kg_scalar_text(const struct kg_node *n, char *buf, size_t size)
{
	if (!size)
		return;
	if (!n) {
		snprintf(buf, size, "(unset)");
		return;
	}
	switch (n->type) {
	case KG_NULL: snprintf(buf, size, "null"); break;
	case KG_BOOL: snprintf(buf, size, "%s", n->v.b ? "true" : "false"); break;
	case KG_INT:
		if (n->flags & KG_NODE_UINT)
			snprintf(buf, size, "%llu", (unsigned long long)n->v.u);
		else
			snprintf(buf, size, "%lld", (long long)n->v.i);
		break;
	case KG_FLOAT: snprintf(buf, size, "%.17g", n->v.f); break;
	case KG_STR: snprintf(buf, size, "%s", n->v.s); break;
	case KG_MAP: snprintf(buf, size, "{...}"); break;
	case KG_SEQ: snprintf(buf, size, "[...]"); break;
	}
}
