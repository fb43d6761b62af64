/* Syntax tree -> evaluation tree: fields looked up and their arguments checked, operators checked
 * against the field's type (libsinsp's rules, except that an operator a list field cannot take is
 * a load error here, where libsinsp throws at the first evaluation), values sorted for set
 * membership, numbers parsed, regular expressions compiled (PCRE2, anchored at both ends as
 * libsinsp's RE2 match is), macro names resolved through the caller. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"

uint32_t kg_slots_intern(struct kg_slots *s, struct kg_arena *arena, const struct kg_field *f, const char *arg, int64_t idx)
{
	for (uint32_t i = 0; i < s->n; i++) {
		const struct kg_slot *o = &s->v[i];
		if (o->field == f && ((!o->arg && !arg) || (o->arg && arg && !strcmp(o->arg, arg))))
			return i;
	}
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 32;
		struct kg_slot *nv = realloc(s->v, cap * sizeof(*nv));
		if (!nv)
			abort();
		s->v = nv;
		s->cap = cap;
	}
	struct kg_slot *o = &s->v[s->n];
	o->field = f;
	o->arg = arg ? kg_arena_strdup(arena, arg) : NULL;
	o->idx = idx;
	o->text = arg ? kg_arena_printf(arena, "%s[%s]", f->name, arg) : f->name;
	return s->n++;
}

void kg_regex_list_free(struct kg_regex_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		pcre2_code_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int fail(struct kg_diag *err, const struct kg_ast *a, const char *fmt, const char *x, const char *y)
{
	kg_diag_set(err, NULL, 0, a->pos + 1, fmt, x, y);
	return -1;
}

static int cval_cmp(const void *pa, const void *pb)
{
	const struct kg_cval *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		for (const char *p = s + 2; *p; p++) {
			int d = (*p >= '0' && *p <= '9') ? *p - '0' : (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f' ? (*p | 0x20) - 'a' + 10 : -1;
			if (d < 0 || v > (UINT64_MAX >> 4))
				return false;
			v = v * 16 + (uint64_t)d;
		}
		*out = v;
		return true;
	}
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return true;
}

static bool op_ok_string(enum kg_cmpop op)
{
	return op != KG_OP_BCONTAINS && op != KG_OP_BSTARTSWITH;
}

static bool op_ok_numeric(enum kg_cmpop op)
{
	return op <= KG_OP_GE || op == KG_OP_IN || op == KG_OP_INTERSECTS || op == KG_OP_EXISTS;
}

static bool op_ok_list(enum kg_cmpop op)
{
	return op == KG_OP_IN || op == KG_OP_INTERSECTS || op == KG_OP_EXISTS;
}

static int compile_check(const struct kg_ast *a, const struct kg_cond_cc *cc, struct kg_enode *n, struct kg_diag *err)
{
	const struct kg_field *f = kg_field_find(a->name, strlen(a->name));
	if (!f)
		return fail(err, a, "unknown field '%s'%s", a->name, "");
	int64_t idx = -1;
	switch (f->arg) {
	case KG_FARG_NONE:
		if (a->arg)
			return fail(err, a, "field '%s' does not take an argument ('[%s]')", f->name, a->arg);
		break;
	case KG_FARG_KEY:
		if (!a->arg || !*a->arg)
			return fail(err, a, "field '%s' requires an argument, e.g. %s[...]", f->name, f->name);
		break;
	case KG_FARG_INDEX:
		if (a->arg) {
			uint64_t v;
			if (!parse_u64(a->arg, &v) || (a->arg[0] == '0' && a->arg[1]) || v > 1000000000)
				return fail(err, a, "field '%s' takes a numeric index argument, not '[%s]'", f->name, a->arg);
			idx = (int64_t)v;
		}
		break;
	}
	enum kg_cmpop op = a->op;
	n->kind = KG_EN_CHECK;
	n->op = (uint8_t)op;
	n->list_field = f->list;
	n->numeric = f->type == KG_FT_UINT;
	if (f->list && !op_ok_list(op))
		return fail(err, a, "'%s' operator not supported on list field '%s' (use in, intersects or exists)",
			    kg_cmpop_name(op), f->name);
	if (n->numeric && !op_ok_numeric(op))
		return fail(err, a, "'%s' operator not supported for numeric field '%s'", kg_cmpop_name(op), f->name);
	if (!n->numeric && !op_ok_string(op))
		return fail(err, a, "'%s' operator not supported for string filters%s", kg_cmpop_name(op), "");
	n->slot = kg_slots_intern(cc->slots, cc->arena, f, a->arg, idx);
	if (op == KG_OP_EXISTS)
		return 0;
	n->n = a->n;
	struct kg_cval *vals = kg_arena_alloc(cc->arena, (a->n ? a->n : 1) * sizeof(*vals));
	for (uint32_t i = 0; i < a->n; i++)
		vals[i] = (struct kg_cval){ a->vals[i], (uint32_t)strlen(a->vals[i]) };
	if (n->numeric) {
		uint64_t *nums = kg_arena_alloc(cc->arena, (a->n ? a->n : 1) * sizeof(*nums));
		for (uint32_t i = 0; i < a->n; i++)
			if (!parse_u64(a->vals[i], &nums[i]))
				return fail(err, a, "value '%s' is not a number (field '%s' is numeric)", a->vals[i], f->name);
		n->nums = nums;
	}
	if (op == KG_OP_IN || op == KG_OP_INTERSECTS)
		qsort(vals, a->n, sizeof(*vals), cval_cmp);
	n->vals = vals;
	if (op == KG_OP_REGEX) {
		int ecode;
		PCRE2_SIZE eoff;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)a->vals[0], PCRE2_ZERO_TERMINATED,
					       PCRE2_ANCHORED | PCRE2_ENDANCHORED, &ecode, &eoff, NULL);
		if (!re) {
			PCRE2_UCHAR msg[160];
			pcre2_get_error_message(ecode, msg, sizeof(msg));
			return fail(err, a, "invalid regular expression '%s': %s", a->vals[0], (const char *)msg);
		}
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
		struct kg_regex_list *l = cc->regexes;
		if (l->n == l->cap) {
			uint32_t cap = l->cap ? l->cap * 2 : 8;
			void **nv = realloc(l->v, cap * sizeof(*nv));
			if (!nv)
				abort();
			l->v = nv;
			l->cap = cap;
		}
		l->v[l->n++] = re;
		n->re = re;
	}
	return 0;
}

static int compile_node(const struct kg_ast *a, const struct kg_cond_cc *cc, unsigned depth, const struct kg_enode **out,
			struct kg_diag *err)
{
	if (depth > KG_COND_MAX_DEPTH)
		return fail(err, a, "condition nested deeper than %s levels%s", "1000", "");
	if (a->kind == KG_AST_IDENT) {
		if (!cc->macros)
			return fail(err, a, "Undefined macro '%s' used in filter.%s", a->name, "");
		const struct kg_enode *m = cc->macros->resolve(cc->macros->ctx, a->name, a->pos, err);
		if (!m)
			return -1;
		*out = m;
		return 0;
	}
	struct kg_enode *n = kg_arena_zalloc(cc->arena, sizeof(*n));
	if (a->kind == KG_AST_CHECK) {
		if (compile_check(a, cc, n, err))
			return -1;
		*out = n;
		return 0;
	}
	n->kind = a->kind == KG_AST_AND ? KG_EN_AND : a->kind == KG_AST_OR ? KG_EN_OR : KG_EN_NOT;
	n->n = a->n;
	const struct kg_enode **kids = kg_arena_alloc(cc->arena, a->n * sizeof(*kids));
	for (uint32_t i = 0; i < a->n; i++)
		if (compile_node(a->kids[i], cc, depth + 1, &kids[i], err))
			return -1;
	n->kids = kids;
	*out = n;
	return 0;
}

int kg_cond_compile(const struct kg_ast *ast, const struct kg_cond_cc *cc, const struct kg_enode **out,
		    struct kg_diag *err)
{
	return compile_node(ast, cc, 0, out, err);
}
