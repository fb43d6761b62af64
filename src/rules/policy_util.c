/* Cloning subtrees, globs, label selectors and the suppression annotation syntax. */
#include <stdint.h>
#include <string.h>

#include "policy_priv.h"

struct clone_ctx {
	struct kg_arena *a;
	uint32_t budget;
};

static struct kg_node *clone_rec(struct clone_ctx *c, const struct kg_node *n, unsigned depth)
{
	struct kg_node *o = kg_arena_alloc(c->a, sizeof(*o));
	*o = *n;
	o->flags &= (uint8_t)~KG_NODE_ALIASED;
	if (c->budget == 0 || depth > 200) {
		o->type = KG_NULL;
		o->len = 0;
		o->text = NULL;
		return o;
	}
	c->budget--;
	switch (n->type) {
	case KG_STR:
		o->v.s = kg_arena_strndup(c->a, n->v.s, n->len);
		o->text = NULL;
		break;
	case KG_MAP:
		o->v.pairs = n->len ? kg_arena_alloc(c->a, n->len * sizeof(*o->v.pairs)) : NULL;
		for (uint32_t i = 0; i < n->len; i++) {
			const struct kg_pair *p = &n->v.pairs[i];
			struct kg_pair *q = &o->v.pairs[i];
			*q = *p;
			q->key = kg_arena_strndup(c->a, p->key, p->key_len);
			q->value = clone_rec(c, p->value, depth + 1);
		}
		break;
	case KG_SEQ:
		o->v.items = n->len ? kg_arena_alloc(c->a, n->len * sizeof(*o->v.items)) : NULL;
		for (uint32_t i = 0; i < n->len; i++)
			o->v.items[i] = clone_rec(c, n->v.items[i], depth + 1);
		break;
	default:
		o->text = NULL; /* the source spelling is not needed by the rules that keep clones */
		break;
	}
	return o;
}

struct kg_node *kg_node_clone(struct kg_arena *a, const struct kg_node *n)
{
	struct clone_ctx c = { a, KG_CLONE_MAX_NODES };
	return n ? clone_rec(&c, n, 0) : NULL;
}

/* Paths are matched one dotted segment at a time; a path that ends at a key keeps its value. */
static struct kg_node *keep_rec(struct clone_ctx *c, const struct kg_node *n, const char *const *paths,
				size_t npaths)
{
	if (!kg_is_map(n))
		return NULL;
	struct kg_node *o = kg_arena_alloc(c->a, sizeof(*o));
	*o = *n;
	o->len = 0;
	/* room for the keys some path names, not for the whole map: the clones of a run stay small */
	uint32_t named = 0;
	for (uint32_t i = 0; i < n->len; i++) {
		const struct kg_pair *p = &n->v.pairs[i];
		for (size_t k = 0; k < npaths; k++)
			if (!strncmp(paths[k], p->key, p->key_len) &&
			    (paths[k][p->key_len] == '\0' || paths[k][p->key_len] == '.')) {
				named++;
				break;
			}
	}
	o->v.pairs = named ? kg_arena_alloc(c->a, named * sizeof(*o->v.pairs)) : NULL;
	const char *sub[32];
	for (uint32_t i = 0; i < n->len && o->len < named; i++) {
		const struct kg_pair *p = &n->v.pairs[i];
		size_t nsub = 0;
		bool whole = false;
		for (size_t k = 0; k < npaths; k++) {
			const char *s = paths[k];
			if (strncmp(s, p->key, p->key_len) != 0)
				continue;
			if (s[p->key_len] == '\0')
				whole = true;
			else if (s[p->key_len] == '.' && nsub < 32)
				sub[nsub++] = s + p->key_len + 1;
		}
		struct kg_node *v = NULL;
		if (whole)
			v = clone_rec(c, p->value, 1);
		else if (nsub)
			v = keep_rec(c, p->value, sub, nsub);
		if (!v)
			continue;
		struct kg_pair *q = &o->v.pairs[o->len++];
		*q = *p;
		q->key = kg_arena_strndup(c->a, p->key, p->key_len);
		q->value = v;
	}
	return o;
}

struct kg_node *kg_node_clone_keep(struct kg_arena *a, const struct kg_node *root, const char *const *paths,
				   size_t npaths)
{
	struct clone_ctx c = { a, KG_CLONE_MAX_NODES };
	return keep_rec(&c, root, paths, npaths);
}

bool kg_is_glob(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

/* Iterative matcher with one backtrack point: linear in practice, no recursion. The pattern is
 * plen bytes, or NUL-terminated when plen is SIZE_MAX (no strlen pass: policies match patterns
 * for every finding). */
static bool glob_n(const char *p, size_t plen, const char *s)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
	while (s[si]) {
		bool more = pi < plen && p[pi];
		if (more && (p[pi] == '?' || p[pi] == s[si])) {
			pi++;
			si++;
		} else if (more && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen || (plen == SIZE_MAX && !p[pi]);
}

bool kg_glob_match(const char *pattern, const char *s)
{
	return glob_n(pattern, SIZE_MAX, s ? s : "");
}

bool kg_rule_pattern_match(const char *pattern, size_t len, const char *id)
{
	return glob_n(pattern, len, id);
}

bool kg_rule_pattern_known(const char *pattern, size_t len)
{
	for (size_t i = 0; i < kg_rule_count(); i++)
		if (glob_n(pattern, len, kg_rule_at(i)->id))
			return true;
	return false;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[128];
	if (la >= 127 || lb >= 127)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

const char *kg_rule_suggest(const char *id)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	for (size_t i = 0; i < kg_rule_count(); i++) {
		const char *cand = kg_rule_at(i)->id;
		size_t d = edit_distance(id, cand);
		if (d < bestd) {
			bestd = d;
			best = cand;
		}
	}
	/* close enough to be a typo: a few edits, relative to the length */
	size_t len = strlen(id);
	return best && bestd <= (len < 12 ? 2 : 4) ? best : NULL;
}

/* --- label selectors --- */

static const struct kg_node *label_value(const struct kg_node *labels, const char *key, size_t klen)
{
	if (!kg_is_map(labels))
		return NULL;
	for (uint32_t i = 0; i < labels->len; i++) {
		const struct kg_pair *p = &labels->v.pairs[i];
		if (p->key_len == klen && !memcmp(p->key, key, klen))
			return p->value;
	}
	return NULL;
}

/* Labels and selector values are strings in the API; anything else would have been rejected,
 * so compare the text form to stay total. */
static bool same_value(const struct kg_node *a, const struct kg_node *b)
{
	char x[256], y[256];
	if (a->type == KG_STR && b->type == KG_STR)
		return a->len == b->len && !memcmp(a->v.s, b->v.s, a->len);
	kg_scalar_text(a, x, sizeof(x));
	kg_scalar_text(b, y, sizeof(y));
	return !strcmp(x, y);
}

bool kg_map_selector_match(const struct kg_node *selector, const struct kg_node *labels)
{
	if (!kg_is_map(selector))
		return false;
	for (uint32_t i = 0; i < selector->len; i++) {
		const struct kg_pair *p = &selector->v.pairs[i];
		const struct kg_node *v = label_value(labels, p->key, p->key_len);
		if (!v || !same_value(v, p->value))
			return false;
	}
	return true;
}

static int check_expr(const struct kg_node *e, struct kg_diag *d)
{
	if (!kg_is_map(e)) {
		if (d)
			kg_diag_set(d, NULL, e->line, e->col, "a matchExpressions entry must be an object");
		return -1;
	}
	const struct kg_node *key = kg_map_get(e, "key"), *op = kg_map_get(e, "operator"),
			     *values = kg_map_get(e, "values");
	const char *ops = kg_str(op);
	for (uint32_t i = 0; i < e->len; i++) {
		const char *k = e->v.pairs[i].key;
		if (strcmp(k, "key") && strcmp(k, "operator") && strcmp(k, "values")) {
			if (d)
				kg_diag_set(d, NULL, e->v.pairs[i].line, e->v.pairs[i].col,
					    "unknown key '%s' in a matchExpressions entry (key, operator, values)", k);
			return -1;
		}
	}
	if (!kg_str(key)) {
		if (d)
			kg_diag_set(d, NULL, e->line, e->col, "a matchExpressions entry needs a string 'key'");
		return -1;
	}
	bool set_op = ops && (!strcmp(ops, "In") || !strcmp(ops, "NotIn"));
	bool exist_op = ops && (!strcmp(ops, "Exists") || !strcmp(ops, "DoesNotExist"));
	if (!set_op && !exist_op) {
		const struct kg_node *at = op ? op : e;
		if (d)
			kg_diag_set(d, NULL, at->line, at->col,
				    "operator must be In, NotIn, Exists or DoesNotExist");
		return -1;
	}
	if (values && !kg_is_seq(values)) {
		if (d)
			kg_diag_set(d, NULL, values->line, values->col, "'values' must be a list of strings");
		return -1;
	}
	size_t nv = values ? values->len : 0;
	if (set_op && nv == 0) {
		if (d)
			kg_diag_set(d, NULL, e->line, e->col, "operator %s needs a non-empty 'values' list", ops);
		return -1;
	}
	if (exist_op && nv != 0) {
		if (d)
			kg_diag_set(d, NULL, values->line, values->col, "operator %s takes no 'values'", ops);
		return -1;
	}
	for (size_t i = 0; i < nv; i++) {
		const struct kg_node *v = values->v.items[i];
		if (v->type == KG_MAP || v->type == KG_SEQ) {
			if (d)
				kg_diag_set(d, NULL, v->line, v->col, "'values' must be a list of strings");
			return -1;
		}
	}
	return 0;
}

int kg_selector_check(const struct kg_node *sel, struct kg_diag *d)
{
	if (!kg_is_map(sel)) {
		if (sel && d)
			kg_diag_set(d, NULL, sel->line, sel->col, "a label selector must be an object");
		return -1;
	}
	for (uint32_t i = 0; i < sel->len; i++) {
		const struct kg_pair *p = &sel->v.pairs[i];
		if (!strcmp(p->key, "matchLabels")) {
			if (p->value->type == KG_NULL)
				continue;
			if (!kg_is_map(p->value)) {
				if (d)
					kg_diag_set(d, NULL, p->value->line, p->value->col, "matchLabels must be an object");
				return -1;
			}
			for (uint32_t k = 0; k < p->value->len; k++) {
				const struct kg_node *v = p->value->v.pairs[k].value;
				if (v->type == KG_MAP || v->type == KG_SEQ) {
					if (d)
						kg_diag_set(d, NULL, v->line, v->col, "a matchLabels value must be a string");
					return -1;
				}
			}
		} else if (!strcmp(p->key, "matchExpressions")) {
			if (p->value->type == KG_NULL)
				continue;
			if (!kg_is_seq(p->value)) {
				if (d)
					kg_diag_set(d, NULL, p->value->line, p->value->col, "matchExpressions must be a list");
				return -1;
			}
			for (uint32_t k = 0; k < p->value->len; k++)
				if (check_expr(p->value->v.items[k], d))
					return -1;
		} else {
			if (d)
				kg_diag_set(d, NULL, p->line, p->col,
					    "unknown key '%s' in a label selector (matchLabels, matchExpressions)", p->key);
			return -1;
		}
	}
	return 0;
}

int kg_selector_match(const struct kg_node *sel, const struct kg_node *labels)
{
	if (!sel || sel->type == KG_NULL)
		return 0;
	if (kg_selector_check(sel, NULL))
		return -1;
	const struct kg_node *ml = kg_map_get(sel, "matchLabels");
	if (kg_is_map(ml) && !kg_map_selector_match(ml, labels))
		return 0;
	const struct kg_node *me = kg_map_get(sel, "matchExpressions");
	for (uint32_t i = 0; kg_is_seq(me) && i < me->len; i++) {
		const struct kg_node *e = me->v.items[i];
		const char *key = kg_str(kg_map_get(e, "key")), *op = kg_str(kg_map_get(e, "operator"));
		const struct kg_node *values = kg_map_get(e, "values");
		const struct kg_node *have = label_value(labels, key, strlen(key));
		bool in = false;
		for (uint32_t k = 0; have && kg_is_seq(values) && k < values->len; k++)
			if (same_value(have, values->v.items[k]))
				in = true;
		bool ok;
		if (!strcmp(op, "In"))
			ok = have && in;
		else if (!strcmp(op, "NotIn"))
			ok = !have || !in; /* an absent key satisfies NotIn */
		else if (!strcmp(op, "Exists"))
			ok = have != NULL;
		else
			ok = have == NULL;
		if (!ok)
			return 0;
	}
	return 1;
}

/* --- suppression annotation --- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

int kg_suppress_each(const char *value, int (*fn)(void *ctx, const struct kg_suppress_item *it), void *ctx)
{
	const char *p = value;
	while (*p) {
		size_t elen = strcspn(p, ";\n");
		const char *colon = memchr(p, ':', elen);
		const char *ids = p;
		size_t ids_len = colon ? (size_t)(colon - p) : elen;
		struct kg_suppress_item it = { 0 };
		if (colon) {
			it.reason = colon + 1;
			it.reason_len = elen - ids_len - 1;
			trim(&it.reason, &it.reason_len);
		}
		const char *t = ids;
		size_t tl = ids_len;
		trim(&t, &tl);
		if (!tl && colon) { /* ": reason" names no rule */
			it.id = t;
			int r = fn(ctx, &it);
			if (r)
				return r;
		}
		/* each comma-separated id of the entry shares its reason */
		while (tl && ids_len) {
			size_t ilen = 0;
			while (ilen < ids_len && ids[ilen] != ',')
				ilen++;
			it.id = ids;
			it.id_len = ilen;
			trim(&it.id, &it.id_len);
			if (it.id_len || ilen < ids_len) {
				int r = fn(ctx, &it);
				if (r)
					return r;
			}
			ids += ilen < ids_len ? ilen + 1 : ilen;
			ids_len -= ilen < ids_len ? ilen + 1 : ilen;
		}
		p += elen;
		if (*p)
			p++;
	}
	return 0;
}
