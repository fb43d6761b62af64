/* JSON text of document nodes: compact (how the k8saudit and json plugins render a non-string
 * value: numbers as written, no blanks) and indented (Go's json.Indent with two spaces, for
 * json.obj). Recursion depth is bounded by the loader's depth cap. */
#include <string.h>

#include "../util/jsonw.h"
#include "field.h"

static int put_str(struct kg_buf *b, const char *s, size_t n)
{
	int rc = kg_buf_addc(b, '"');
	rc |= kg_json_escape(b, s, n);
	rc |= kg_buf_addc(b, '"');
	return rc;
}

static int indent(struct kg_buf *b, bool pretty, unsigned depth)
{
	if (!pretty)
		return 0;
	int rc = kg_buf_addc(b, '\n');
	for (unsigned i = 0; i < depth && rc == 0; i++)
		rc |= kg_buf_add(b, "  ", 2);
	return rc;
}

static int node_json(const struct kg_node *n, struct kg_buf *b, bool pretty, unsigned depth)
{
	int rc = 0;
	switch (n->type) {
	case KG_NULL:
		return kg_buf_add(b, "null", 4);
	case KG_BOOL:
		return kg_buf_adds(b, n->v.b ? "true" : "false");
	case KG_INT:
	case KG_FLOAT:
		if (n->text)
			return kg_buf_adds(b, n->text);
		if (n->type == KG_INT)
			return kg_buf_printf(b, "%lld", (long long)n->v.i);
		return kg_buf_printf(b, "%.17g", n->v.f);
	case KG_STR:
		return put_str(b, n->v.s, n->len);
	case KG_MAP:
		if (n->len == 0)
			return kg_buf_add(b, "{}", 2);
		rc |= kg_buf_addc(b, '{');
		for (uint32_t i = 0; i < n->len && rc == 0; i++) {
			const struct kg_pair *p = &n->v.pairs[i];
			if (i)
				rc |= kg_buf_addc(b, ',');
			rc |= indent(b, pretty, depth + 1);
			rc |= put_str(b, p->key, p->key_len);
			rc |= kg_buf_add(b, pretty ? ": " : ":", pretty ? 2 : 1);
			rc |= node_json(p->value, b, pretty, depth + 1);
		}
		rc |= indent(b, pretty, depth);
		rc |= kg_buf_addc(b, '}');
		return rc;
	case KG_SEQ:
		if (n->len == 0)
			return kg_buf_add(b, "[]", 2);
		rc |= kg_buf_addc(b, '[');
		for (uint32_t i = 0; i < n->len && rc == 0; i++) {
			if (i)
				rc |= kg_buf_addc(b, ',');
			rc |= indent(b, pretty, depth + 1);
			rc |= node_json(n->v.items[i], b, pretty, depth + 1);
		}
		rc |= indent(b, pretty, depth);
		rc |= kg_buf_addc(b, ']');
		return rc;
	}
	return -1;
}

int kg_node_json(const struct kg_node *n, struct kg_buf *b, bool pretty)
{
	return node_json(n, b, pretty, 0) ? -1 : 0;
}
