/* Evaluation of compiled trees. Each (field, argument) slot is extracted at most once per event
 * and cached; scratch memory is an arena reset per event, so steady-state evaluation does not
 * call malloc. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <fnmatch.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cond.h"

void kg_cond_eval_init(struct kg_cond_eval *e, const struct kg_slots *slots)
{
	memset(e, 0, sizeof(*e));
	e->slots = slots;
	kg_arena_init(&e->arena, 64 * 1024);
	kg_xctx_init(&e->x, &e->arena);
	size_t n = slots->n ? slots->n : 1;
	e->cache = calloc(n, sizeof(*e->cache));
	e->epoch_of = calloc(n, sizeof(*e->epoch_of));
	e->md = pcre2_match_data_create(1, NULL);
	e->memo_epoch = calloc(slots->nmemo ? slots->nmemo : 1, sizeof(*e->memo_epoch));
	e->memo_val = calloc(slots->nmemo ? slots->nmemo : 1, 1);
	if (!e->cache || !e->epoch_of || !e->md || !e->memo_epoch || !e->memo_val)
		abort();
}

void kg_cond_eval_release(struct kg_cond_eval *e)
{
	kg_xctx_release(&e->x);
	kg_arena_release(&e->arena);
	free(e->cache);
	free(e->epoch_of);
	free(e->memo_epoch);
	free(e->memo_val);
	pcre2_match_data_free(e->md);
	memset(e, 0, sizeof(*e));
}

void kg_cond_eval_begin(struct kg_cond_eval *e, const struct kg_event_view *ev)
{
	kg_arena_reset(&e->arena);
	e->ev = *ev;
	if (++e->epoch == 0) {
		memset(e->epoch_of, 0, (e->slots->n ? e->slots->n : 1) * sizeof(*e->epoch_of));
		memset(e->memo_epoch, 0, (e->slots->nmemo ? e->slots->nmemo : 1) * sizeof(*e->memo_epoch));
		e->epoch = 1;
	}
}

const struct kg_cvals *kg_cond_eval_slot(struct kg_cond_eval *e, uint32_t slot)
{
	if (e->epoch_of[slot] != e->epoch) {
		const struct kg_slot *s = &e->slots->v[slot];
		kg_field_extract(s->field, s->arg, s->idx, &e->ev, &e->x, &e->cache[slot]);
		e->epoch_of[slot] = e->epoch;
	}
	return &e->cache[slot];
}

static int cval_cmp(const struct kg_cval *a, const struct kg_cval *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static bool member(const struct kg_enode *n, const struct kg_cval *v)
{
	uint32_t lo = 0, hi = n->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = cval_cmp(v, &n->vals[mid]);
		if (!c)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* pmatch: the value is one of the paths or below one of them. */
static bool path_match(const struct kg_enode *n, const struct kg_cval *v)
{
	for (uint32_t i = 0; i < n->n; i++) {
		const struct kg_cval *p = &n->vals[i];
		if (v->len < p->len || memcmp(v->s, p->s, p->len) != 0)
			continue;
		if (v->len == p->len || (p->len && p->s[p->len - 1] == '/') || v->s[p->len] == '/')
			return true;
	}
	return false;
}

static bool to_u64(const struct kg_cval *v, uint64_t *out)
{
	uint64_t x = 0;
	if (!v->len)
		return false;
	for (uint32_t i = 0; i < v->len; i++) {
		unsigned d = (unsigned)(v->s[i] - '0');
		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*out = x;
	return true;
}

static bool cmp_numeric(const struct kg_enode *n, const struct kg_cval *v)
{
	uint64_t x;
	if (!to_u64(v, &x))
		return false;
	switch (n->op) {
	case KG_OP_EQ: return x == n->nums[0];
	case KG_OP_NE: return x != n->nums[0];
	case KG_OP_LT: return x < n->nums[0];
	case KG_OP_LE: return x <= n->nums[0];
	case KG_OP_GT: return x > n->nums[0];
	case KG_OP_GE: return x >= n->nums[0];
	case KG_OP_IN:
	case KG_OP_INTERSECTS:
		for (uint32_t i = 0; i < n->n; i++)
			if (x == n->nums[i])
				return true;
		return false;
	}
	return false;
}

static bool cmp_one(struct kg_cond_eval *e, const struct kg_enode *n, const struct kg_cval *v)
{
	if (n->numeric)
		return cmp_numeric(n, v);
	const struct kg_cval *b = n->n ? &n->vals[0] : NULL;
	switch (n->op) {
	case KG_OP_EQ: return v->len == b->len && memcmp(v->s, b->s, v->len) == 0;
	case KG_OP_NE: return !(v->len == b->len && memcmp(v->s, b->s, v->len) == 0);
	case KG_OP_LT: return strcmp(v->s, b->s) < 0;
	case KG_OP_LE: return strcmp(v->s, b->s) <= 0;
	case KG_OP_GT: return strcmp(v->s, b->s) > 0;
	case KG_OP_GE: return strcmp(v->s, b->s) >= 0;
	case KG_OP_CONTAINS: return memmem(v->s, v->len, b->s, b->len) != NULL;
	case KG_OP_ICONTAINS: return strcasestr(v->s, b->s) != NULL;
	case KG_OP_STARTSWITH: return v->len >= b->len && memcmp(v->s, b->s, b->len) == 0;
	case KG_OP_ENDSWITH: return v->len >= b->len && memcmp(v->s + v->len - b->len, b->s, b->len) == 0;
	case KG_OP_GLOB: return fnmatch(b->s, v->s, 0) == 0;
	case KG_OP_IGLOB: return fnmatch(b->s, v->s, FNM_CASEFOLD) == 0;
	case KG_OP_REGEX:
		return pcre2_match(n->re, (PCRE2_SPTR)v->s, v->len, 0, 0, e->md, NULL) >= 0;
	case KG_OP_IN:
	case KG_OP_INTERSECTS: return member(n, v);
	case KG_OP_PMATCH: return path_match(n, v);
	}
	return false;
}

bool kg_cond_eval(struct kg_cond_eval *e, const struct kg_enode *n)
{
	switch (n->kind) {
	case KG_EN_AND:
		for (uint32_t i = 0; i < n->n; i++)
			if (!kg_cond_eval(e, n->kids[i]))
				return false;
		return true;
	case KG_EN_OR:
		for (uint32_t i = 0; i < n->n; i++)
			if (kg_cond_eval(e, n->kids[i]))
				return true;
		return false;
	case KG_EN_NOT:
		return !kg_cond_eval(e, n->kids[0]);
	case KG_EN_MEMO:
		if (e->memo_epoch[n->slot] != e->epoch) {
			e->memo_val[n->slot] = kg_cond_eval(e, n->kids[0]);
			e->memo_epoch[n->slot] = e->epoch;
		}
		return e->memo_val[n->slot];
	}
	const struct kg_cvals *vals = kg_cond_eval_slot(e, n->slot);
	if (!vals->n)
		return false; /* a missing field makes any comparison false */
	if (n->op == KG_OP_EXISTS)
		return true;
	if (!n->list_field)
		return cmp_one(e, n, &vals->v[0]);
	if (n->op == KG_OP_IN) {
		for (uint32_t i = 0; i < vals->n; i++)
			if (!cmp_one(e, n, &vals->v[i]))
				return false;
		return true;
	}
	for (uint32_t i = 0; i < vals->n; i++)
		if (cmp_one(e, n, &vals->v[i]))
			return true;
	return false;
}
