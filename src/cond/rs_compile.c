/* Compiling what the reader collected, as Falco's rule compiler does: lists expanded (an item
 * naming a list defined before this list's last definition takes that list's items), list names
 * substituted textually into each condition, macros resolved on the syntax tree with Falco's
 * visibility order, exceptions turned into `(cond) and not (...)`, outputs compiled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs_priv.h"

/* ---- text buffer helpers (load time only) ---- */

static void sb_add(struct kg_buf *b, const char *s, size_t n)
{
	if (kg_buf_add(b, s, n))
		abort(); /* uncapped buffer: only out of memory fails */
}

static void sb_adds(struct kg_buf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Falco's quote_item: an item with a blank gets double quotes unless already quoted. */
static void quote_item(struct kg_buf *b, const char *item)
{
	if (strchr(item, ' ') && item[0] != '"' && item[0] != '\'') {
		sb_adds(b, "\"");
		sb_adds(b, item);
		sb_adds(b, "\"");
	} else {
		sb_adds(b, item);
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_delim(char c)
{
	return is_blank(c) || c == '(' || c == ')' || c == ',' || c == '=';
}

/* Falco's resolve_list: replace each whole-word occurrence of the list name (delimited by blanks,
 * parentheses, commas, '=' or the ends) and the blanks around it by the items joined with ", ";
 * an empty list also takes one adjacent comma. cnd is replaced in place (malloc'd text). */
static bool resolve_list(char **cnd, const struct rs_list *l)
{
	const char *name = l->name;
	size_t nlen = strlen(name);
	bool used = false;
	char *s = *cnd;
	char *hit = strstr(s, name);
	while (hit) {
		size_t len = strlen(s);
		size_t start = (size_t)(hit - s), end = start + nlen;
		if ((start == 0 || is_delim(s[start - 1])) && (end >= len || is_delim(s[end]))) {
			while (start > 0 && is_blank(s[start - 1]))
				start--;
			while (end < len && is_blank(s[end]))
				end++;
			struct kg_buf sub;
			kg_buf_init(&sub, 0);
			for (uint32_t i = 0; i < l->expanded.n; i++) {
				if (i)
					sb_adds(&sub, ", ");
				quote_item(&sub, l->expanded.v[i]);
			}
			if (sub.len == 0) {
				if (start > 0 && s[start - 1] == ',')
					start--;
				else if (end < len && s[end] == ',')
					end++;
			}
			struct kg_buf out;
			kg_buf_init(&out, 0);
			if (start > 0) {
				sb_add(&out, s, start);
				sb_adds(&out, " ");
			}
			if (sub.len)
				sb_add(&out, sub.data, sub.len);
			sb_adds(&out, " ");
			if (end <= len)
				sb_add(&out, s + end, len - end);
			size_t next = start + sub.len + 1;
			kg_buf_release(&sub);
			free(s);
			s = out.data ? out.data : strdup("");
			if (!s)
				abort();
			used = true;
			hit = next + 1 <= strlen(s) ? strstr(s + next + 1, name) : NULL;
			continue;
		}
		hit = strstr(hit + 1, name);
	}
	*cnd = s;
	return used;
}

static void compile_lists(struct kg_ruleset *rs)
{
	for (uint32_t i = 0; i < rs->nlists; i++) {
		struct rs_list *l = &rs->lists[i];
		l->expanded = (struct rs_strs){ 0 };
		for (uint32_t k = 0; k < l->items.n; k++) {
			const struct rs_list *ref = NULL;
			for (uint32_t j = 0; j < rs->nlists; j++)
				if (!strcmp(rs->lists[j].name, l->items.v[k]))
					ref = &rs->lists[j];
			if (ref && ref->index < l->visibility) {
				for (uint32_t v = 0; v < ref->items.n; v++)
					rs_strs_push(&rs->arena, &l->expanded, ref->items.v[v]);
			} else {
				rs_strs_push(&rs->arena, &l->expanded, l->items.v[k]);
			}
		}
	}
}

/* Substitute lists (in definition order) and parse. The condition text, after substitution, is
 * kept for error messages. */
static int parse_condition(struct kg_ruleset *rs, const char *cond, const struct rs_ctx *ctx, const char *what,
			   struct kg_ast **out, struct kg_diag *err)
{
	char *text = strdup(cond);
	if (!text)
		abort();
	for (uint32_t i = 0; i < rs->nlists; i++)
		resolve_list(&text, &rs->lists[i]);
	struct kg_diag d;
	int rc = kg_cond_parse(text, &rs->arena, out, &d);
	if (rc) {
		char near[48];
		size_t off = d.col ? d.col - 1 : 0, tl = strlen(text);
		if (off > tl)
			off = tl;
		snprintf(near, sizeof(near), "%s", text + off);
		rs_fail(err, ctx, "%s: invalid condition: %s (at character %u: '%s')", what, d.message, d.col, near);
	}
	free(text);
	return rc;
}

/* ---- macros ---- */

struct resolver {
	struct kg_ruleset *rs;
	struct kg_diag *err;
	const struct rs_ctx *ctx;
	const char *what;
	struct kg_cond_cc cc;
	unsigned depth;
};

static struct rs_macro *macro_named(struct kg_ruleset *rs, const char *name)
{
	for (uint32_t i = 0; i < rs->nmacros; i++)
		if (!strcmp(rs->macros[i].name, name))
			return &rs->macros[i];
	return NULL;
}

static const struct kg_enode *resolve_macro(void *ctx, const char *name, uint32_t pos, struct kg_diag *err)
{
	struct resolver *r = ctx;
	(void)pos;
	struct rs_macro *m = macro_named(r->rs, name);
	if (!m) {
		rs_fail(err, r->ctx, "%s: Undefined macro '%s' used in filter.", r->what, name);
		return NULL;
	}
	if (m->state == 2)
		return m->compiled;
	if (m->state == 1 || r->depth > 200) {
		rs_fail(err, r->ctx, "%s: reference loop in macro '%s'", r->what, name);
		return NULL;
	}
	m->state = 1;
	r->depth++;
	const struct kg_enode *out;
	struct kg_diag d;
	if (kg_cond_compile(m->ast, &r->cc, &out, &d)) {
		/* An error from a nested macro is already complete; a compile error of this macro's own
		 * checks names it. */
		if (d.file)
			*err = d;
		else
			rs_fail(err, &m->ctx, "macro '%s': invalid condition: %s (at character %u)", m->name, d.message, d.col);
		m->state = 0;
		r->depth--;
		return NULL;
	}
	r->depth--;
	/* Macro bodies are shared by many rules: evaluate each once per event. */
	struct kg_enode *memo = kg_arena_zalloc(&r->rs->arena, sizeof(*memo));
	const struct kg_enode **kid = kg_arena_alloc(&r->rs->arena, sizeof(*kid));
	kid[0] = out;
	memo->kind = KG_EN_MEMO;
	memo->n = 1;
	memo->kids = kid;
	memo->slot = r->rs->slots.nmemo++;
	m->compiled = memo;
	m->state = 2;
	return memo;
}

/* Falco validates each macro, in definition order, against the macros whose first definition
 * comes before the macro's last definition or append; a macro already validated is taken as
 * resolved. */
static int validate_idents(struct kg_ruleset *rs, const struct kg_ast *a, uint32_t bound, struct rs_macro *self,
			   unsigned depth, struct kg_diag *err)
{
	if (depth > 200)
		return rs_fail(err, &self->ctx, "macro '%s': reference loop in macro '%s'", self->name, self->name);
	if (a->kind == KG_AST_CHECK)
		return 0;
	if (a->kind == KG_AST_IDENT) {
		struct rs_macro *m = macro_named(rs, a->name);
		if (!m || m->index >= bound)
			return rs_fail(err, &self->ctx, "macro '%s': Undefined macro '%s' used in filter.", self->name, a->name);
		if (m == self)
			return rs_fail(err, &self->ctx, "macro '%s': reference loop in macro '%s'", self->name, a->name);
		if (m->validated)
			return 0;
		return validate_idents(rs, m->ast, bound, self, depth + 1, err);
	}
	for (uint32_t i = 0; i < a->n; i++)
		if (validate_idents(rs, a->kids[i], bound, self, depth + 1, err))
			return -1;
	return 0;
}

static int compile_macros(struct kg_ruleset *rs, struct kg_diag *err)
{
	for (uint32_t i = 0; i < rs->nmacros; i++) {
		struct rs_macro *m = &rs->macros[i];
		char what[300];
		snprintf(what, sizeof(what), "macro '%s'", m->name);
		if (parse_condition(rs, m->cond, &m->ctx, what, &m->ast, err))
			return -1;
	}
	for (uint32_t i = 0; i < rs->nmacros; i++) {
		struct rs_macro *m = &rs->macros[i];
		if (validate_idents(rs, m->ast, m->visibility, m, 0, err))
			return -1;
		m->validated = true;
	}
	return 0;
}

/* ---- exceptions ---- */

static void paren_item(struct kg_buf *b, const char *item)
{
	if (item[0] != '(') {
		sb_adds(b, "(");
		sb_adds(b, item);
		sb_adds(b, ")");
	} else {
		sb_adds(b, item);
	}
}

/* Falco's build_rule_exception_infos. */
static char *build_exceptions(const struct rs_rule *r)
{
	struct kg_buf c;
	kg_buf_init(&c, 0);
	sb_adds(&c, "(");
	sb_adds(&c, r->cond);
	sb_adds(&c, ")");
	for (uint32_t e = 0; e < r->nexceptions; e++) {
		const struct rs_exception *ex = &r->exceptions[e];
		struct kg_buf ic;
		kg_buf_init(&ic, 0);
		if (!ex->fields.is_list) {
			for (uint32_t v = 0; v < ex->nvalues; v++) {
				if (ex->values[v].is_list)
					continue; /* rejected by Falco ("Expected values array to contain a list of strings") */
				if (ic.len == 0) {
					sb_adds(&ic, "(");
					sb_adds(&ic, ex->fields.item);
					sb_adds(&ic, " ");
					sb_adds(&ic, ex->comps.item);
					sb_adds(&ic, " (");
				} else {
					sb_adds(&ic, ", ");
				}
				quote_item(&ic, ex->values[v].item);
			}
			if (ic.len)
				sb_adds(&ic, "))");
		} else {
			sb_adds(&ic, "(");
			bool first = true;
			for (uint32_t v = 0; v < ex->nvalues; v++) {
				const struct rs_exentry *vals = &ex->values[v];
				if (!first)
					sb_adds(&ic, " or ");
				first = false;
				sb_adds(&ic, "(");
				for (uint32_t k = 0; k < ex->fields.n && k < vals->n; k++) {
					const char *comp = ex->comps.items[k].item;
					if (k)
						sb_adds(&ic, " and ");
					sb_adds(&ic, " ");
					sb_adds(&ic, ex->fields.items[k].item);
					sb_adds(&ic, " ");
					sb_adds(&ic, comp);
					sb_adds(&ic, " ");
					const struct rs_exentry *val = &vals->items[k];
					if (val->is_list) {
						sb_adds(&ic, "(");
						for (uint32_t j = 0; j < val->n; j++) {
							if (j)
								sb_adds(&ic, ", ");
							quote_item(&ic, val->items[j].item ? val->items[j].item : "");
						}
						sb_adds(&ic, ")");
					} else if (kg_cmpop_is_list(kg_cmpop_parse(comp))) {
						paren_item(&ic, val->item);
					} else {
						quote_item(&ic, val->item);
					}
				}
				sb_adds(&ic, ")");
			}
			sb_adds(&ic, ")");
			if (ic.len == 2)
				ic.len = 0;
		}
		if (ic.len) {
			sb_adds(&c, " and not ");
			sb_add(&c, ic.data, ic.len);
		}
		kg_buf_release(&ic);
	}
	return c.data;
}

static int validate_exception_shapes(const struct rs_rule *r, struct kg_diag *err)
{
	for (uint32_t e = 0; e < r->nexceptions; e++) {
		const struct rs_exception *ex = &r->exceptions[e];
		for (uint32_t v = 0; v < ex->nvalues; v++) {
			if (!ex->fields.is_list && ex->values[v].is_list)
				return rs_fail(err, &ex->ctx, "rule '%s': exception '%s': Expected values array to contain a list of strings",
					       r->name, ex->name);
			if (ex->fields.is_list && (!ex->values[v].is_list || ex->values[v].n != ex->fields.n))
				return rs_fail(err, &ex->ctx, "rule '%s': exception '%s': Fields and values lists must have equal length",
					       r->name, ex->name);
		}
	}
	return 0;
}

/* ---- rules ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int compile_rule(struct kg_ruleset *rs, const struct rs_rule *r, struct kg_crule *out, struct kg_diag *err)
{
	char what[300];
	snprintf(what, sizeof(what), "rule '%s'", r->name);
	if (validate_exception_shapes(r, err))
		return -1;
	char *cond = r->nexceptions ? build_exceptions(r) : strdup(r->cond);
	if (!cond)
		abort();
	struct kg_ast *ast;
	int rc = parse_condition(rs, cond, &r->cond_ctx, what, &ast, err);
	free(cond);
	if (rc)
		return -1;
	struct resolver res = { rs, err, &r->cond_ctx, what, { &rs->arena, &rs->slots, &rs->regexes, NULL }, 0 };
	struct kg_macro_resolver mr = { &res, resolve_macro };
	res.cc.macros = &mr;
	struct kg_diag d;
	memset(&d, 0, sizeof(d));
	if (kg_cond_compile(ast, &res.cc, &out->cond, &d)) {
		if (d.file)
			*err = d;
		else
			rs_fail(err, &r->cond_ctx, "%s: invalid condition: %s (at character %u)", what, d.message, d.col);
		return -1;
	}
	struct kg_diag od;
	if (kg_output_compile(r->output, &rs->arena, &rs->slots, &out->output, &od)) {
		rs_fail(err, &r->ctx, "%s: invalid output: %s", what, od.message);
		return -1;
	}
	out->name = r->name;
	out->desc = r->desc;
	out->source = r->source;
	out->output_text = r->output;
	out->priority = r->priority;
	out->enabled = r->enabled;
	const char **tags = kg_arena_alloc(&rs->arena, (r->tags.n ? r->tags.n : 1) * sizeof(*tags));
	if (r->tags.n)
		memcpy(tags, r->tags.v, r->tags.n * sizeof(*tags));
	qsort(tags, r->tags.n, sizeof(*tags), cmp_str);
	uint32_t nt = 0;
	for (uint32_t i = 0; i < r->tags.n; i++)
		if (!nt || strcmp(tags[nt - 1], tags[i]))
			tags[nt++] = tags[i];
	out->tags = tags;
	out->ntags = nt;
	out->file = r->ctx.file;
	out->line = r->ctx.line;
	return 0;
}

int kg_ruleset_compile(struct kg_ruleset *rs, struct kg_diag *err)
{
	if (rs->compiled) {
		kg_diag_set(err, NULL, 0, 0, "the ruleset is already compiled");
		return -1;
	}
	rs->compiled = true;
	compile_lists(rs);
	if (compile_macros(rs, err))
		return -1;
	rs->crules = calloc(rs->nrules ? rs->nrules : 1, sizeof(*rs->crules));
	if (!rs->crules)
		abort();
	for (uint32_t i = 0; i < rs->nrules; i++) {
		const struct rs_rule *r = &rs->rules[i];
		if (r->unknown_source)
			continue;
		if (compile_rule(rs, r, &rs->crules[rs->ncrules], err))
			return -1;
		rs->ncrules++;
	}
	return 0;
}

size_t kg_ruleset_nrules(const struct kg_ruleset *rs) { return rs->ncrules; }

const struct kg_crule *kg_ruleset_rule(const struct kg_ruleset *rs, size_t i)
{
	return i < rs->ncrules ? &rs->crules[i] : NULL;
}

const struct kg_slots *kg_ruleset_slots(const struct kg_ruleset *rs) { return &rs->slots; }

bool kg_ruleset_uses_field(const struct kg_ruleset *rs, const char *name)
{
	for (uint32_t i = 0; i < rs->slots.n; i++)
		if (!strcmp(rs->slots.v[i].field->name, name))
			return true;
	return false;
}
