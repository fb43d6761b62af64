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

const struct kg_pair *kg_map_pairn(const struct kg_node *map, const char *key, size_t klen)
{
	if (!map || map->type != KG_MAP)
		return NULL;
	/* length, then first byte, then the rest: most keys of a map differ in one of the first two */
	const struct kg_pair *p = map->v.pairs; /* NULL in an empty map built by hand */
	if (!klen) {
		for (uint32_t i = 0; i < map->len; i++)
			if (!p[i].key_len)
				return &p[i];
		return NULL;
	}
	for (uint32_t i = 0; i < map->len; i++)
		if (p[i].key_len == klen && p[i].key[0] == key[0] && memcmp(p[i].key, key, klen) == 0)
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
