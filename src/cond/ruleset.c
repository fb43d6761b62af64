/* Reading Falco rules files: the YAML items become list, macro and rule definitions, appends and
 * overrides, as Falco's rule reader and collector do (same checks, same messages). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/load.h"
#include "rs_priv.h"

#define MAX_RULES_FILE (16u << 20)
#define MAX_WARNINGS 200

static const char *const pri_names[KG_PRI_COUNT] = { "Emergency", "Alert", "Critical", "Error",
						     "Warning", "Notice", "Informational", "Debug" };

const char *kg_priority_name(enum kg_priority p)
{
	return (unsigned)p < KG_PRI_COUNT ? pri_names[p] : "Unknown";
}

int kg_priority_parse(const char *s, enum kg_priority *out)
{
	for (int i = 0; i < KG_PRI_COUNT; i++) {
		if (!strcasecmp(s, pri_names[i]) || (i == KG_PRI_INFORMATIONAL && !strcasecmp(s, "info"))) {
			*out = (enum kg_priority)i;
			return 0;
		}
	}
	return -1;
}

void rs_strs_push(struct kg_arena *a, struct rs_strs *s, const char *v)
{
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 8;
		const char **nv = kg_arena_alloc(a, cap * sizeof(*nv));
		if (s->n)
			memcpy(nv, s->v, s->n * sizeof(*nv));
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

void rs_warn(struct kg_ruleset *rs, const struct rs_ctx *ctx, const char *fmt, ...)
{
	if (rs->nwarnings >= MAX_WARNINGS)
		return;
	if (rs->nwarnings == rs->awarnings) {
		uint32_t cap = rs->awarnings ? rs->awarnings * 2 : 8;
		struct kg_diag *nv = realloc(rs->warnings, cap * sizeof(*nv));
		if (!nv)
			abort();
		rs->warnings = nv;
		rs->awarnings = cap;
	}
	struct kg_diag *d = &rs->warnings[rs->nwarnings++];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
	d->file = ctx->file;
	d->line = ctx->line;
	d->col = ctx->col;
}

int rs_fail(struct kg_diag *err, const struct rs_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->file = ctx->file;
	err->line = ctx->line;
	err->col = ctx->col;
	return -1;
}

struct kg_ruleset *kg_ruleset_new(void)
{
	struct kg_ruleset *rs = calloc(1, sizeof(*rs));
	if (!rs)
		abort();
	kg_arena_init(&rs->arena, 256 * 1024);
	return rs;
}

void kg_ruleset_free(struct kg_ruleset *rs)
{
	if (!rs)
		return;
	kg_regex_list_free(&rs->regexes);
	free(rs->slots.v);
	free(rs->lists);
	free(rs->macros);
	free(rs->rules);
	free(rs->crules);
	free(rs->warnings);
	kg_arena_release(&rs->arena);
	free(rs);
}

/* ---- reading one item ---- */

struct reader {
	struct kg_ruleset *rs;
	const char *file;
	struct kg_diag *err;
	int failed;
};

static struct rs_ctx ctx_of(const struct reader *r, const struct kg_node *n)
{
	struct rs_ctx c = { r->file, n ? n->line : 0, n ? n->col : 0 };
	return c;
}

static const char *scalar_text(const struct kg_node *n)
{
	if (!n)
		return NULL;
	if (n->type == KG_STR)
		return n->v.s;
	if (n->type == KG_MAP || n->type == KG_SEQ || n->type == KG_NULL)
		return NULL;
	return n->text ? n->text : "";
}

static const char *what(const char *kind, const char *name)
{
	static __thread char buf[300];
	if (name)
		snprintf(buf, sizeof(buf), "%s '%s': ", kind, name);
	else
		snprintf(buf, sizeof(buf), "%s: ", kind);
	return buf;
}

/* decode_val: a required (or optional) non-empty scalar. Returns 1 found, 0 absent, -1 error. */
static int decode_str(struct reader *r, const struct kg_node *item, const char *key, bool optional, bool can_be_empty,
		      const char *kind, const char *name, const char **out)
{
	const struct kg_node *v = kg_map_get(item, key);
	struct rs_ctx c = ctx_of(r, v ? v : item);
	if (!v) {
		if (optional)
			return 0;
		return rs_fail(r->err, &c, "%sItem has no mapping for key '%s'", what(kind, name), key);
	}
	if (v->type == KG_NULL) {
		if (can_be_empty)
			return 0;
		return rs_fail(r->err, &c, "%sMapping for key '%s' is empty", what(kind, name), key);
	}
	const char *s = scalar_text(v);
	if (!s)
		return rs_fail(r->err, &c, "%sValue for key '%s' is not a scalar value", what(kind, name), key);
	if (!*s) {
		if (can_be_empty)
			return 0;
		return rs_fail(r->err, &c, "%sValue for key '%s' must be non-empty", what(kind, name), key);
	}
	*out = kg_arena_strdup(&r->rs->arena, s);
	return 1;
}

static int decode_bool(struct reader *r, const struct kg_node *item, const char *key, const char *kind,
		       const char *name, bool *out)
{
	const struct kg_node *v = kg_map_get(item, key);
	if (!v)
		return 0;
	struct rs_ctx c = ctx_of(r, v);
	if (v->type == KG_BOOL) {
		*out = v->v.b;
		return 1;
	}
	const char *s = scalar_text(v);
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N" };
	for (size_t i = 0; s && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 1;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 1;
		}
	}
	return rs_fail(r->err, &c, "%sCan't decode YAML scalar value for key '%s' (expected true or false)",
		       what(kind, name), key);
}

/* decode_seq of scalars. */
static int decode_seq(struct reader *r, const struct kg_node *item, const char *key, bool optional, const char *kind,
		      const char *name, struct rs_strs *out, bool *present)
{
	const struct kg_node *v = kg_map_get(item, key);
	if (present)
		*present = v != NULL;
	if (!v) {
		if (optional)
			return 0;
		struct rs_ctx c = ctx_of(r, item);
		return rs_fail(r->err, &c, "%sItem has no mapping for key '%s'", what(kind, name), key);
	}
	struct rs_ctx c = ctx_of(r, v);
	if (v->type != KG_SEQ)
		return rs_fail(r->err, &c, "%sValue for key '%s' is not a sequence", what(kind, name), key);
	for (uint32_t i = 0; i < v->len; i++) {
		const char *s = scalar_text(v->v.items[i]);
		if (!s) {
			struct rs_ctx ic = ctx_of(r, v->v.items[i]);
			return rs_fail(r->err, &ic, "%ssequence value is not scalar", what(kind, name));
		}
		rs_strs_push(&r->rs->arena, out, kg_arena_strdup(&r->rs->arena, s));
	}
	return 1;
}

static bool valid_name(const char *s, bool ident)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (ident) {
			bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (p > s && ((c >= '0' && c <= '9') || c == '_'));
			if (!ok)
				return false;
		} else if (c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' || c == ' ' || c == '\t' ||
			   c == '\n' || c == '\r') {
			return false;
		}
	}
	return true;
}

static void warn_unknown_keys(struct reader *r, const struct kg_node *item, const char *const *keys, const char *kind,
			      const char *name)
{
	for (uint32_t i = 0; i < item->len; i++) {
		bool known = false;
		for (size_t k = 0; keys[k]; k++)
			known |= !strcmp(keys[k], item->v.pairs[i].key);
		if (!known) {
			struct rs_ctx c = { r->file, item->v.pairs[i].line, item->v.pairs[i].col };
			rs_warn(r->rs, &c, "%sUnknown key '%s'. The key will be ignored.", what(kind, name),
				item->v.pairs[i].key);
		}
	}
}

/* override: {key: append|replace}. */
static int decode_overrides(struct reader *r, const struct kg_node *item, const char *const *can_append,
			    const char *const *can_replace, const char *kind, const char *name, struct rs_strs *app,
			    struct rs_strs *rep)
{
	const struct kg_node *ov = kg_map_get(item, "override");
	if (!ov)
		return 0;
	struct rs_ctx c = ctx_of(r, ov);
	if (ov->type != KG_MAP)
		return rs_fail(r->err, &c, "%s'override' must be a mapping of keys to append or replace", what(kind, name));
	for (uint32_t i = 0; i < ov->len; i++) {
		const char *key = ov->v.pairs[i].key;
		const char *op = scalar_text(ov->v.pairs[i].value);
		struct rs_ctx kc = { r->file, ov->v.pairs[i].line, ov->v.pairs[i].col };
		bool a = false, rp = false;
		for (size_t k = 0; can_append[k]; k++)
			a |= !strcmp(can_append[k], key);
		for (size_t k = 0; can_replace[k]; k++)
			rp |= !strcmp(can_replace[k], key);
		if (op && !strcmp(op, "append")) {
			if (!a)
				return rs_fail(r->err, &kc, "%sKey '%s' cannot be appended to, use 'replace' instead", what(kind, name), key);
			rs_strs_push(&r->rs->arena, app, key);
		} else if (op && !strcmp(op, "replace")) {
			if (!rp)
				return rs_fail(r->err, &kc, "%sKey '%s' cannot be replaced", what(kind, name), key);
			rs_strs_push(&r->rs->arena, rep, key);
		} else {
			return rs_fail(r->err, &kc, "%sInvalid override operation for key '%s': '%s'. Allowed values are: %s%s",
				       what(kind, name), key, op ? op : "", a ? "append " : "", rp ? "replace " : "");
		}
	}
	return 0;
}

static bool strs_has(const struct rs_strs *s, const char *v)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], v))
			return true;
	return false;
}

static void *grow_array(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	uint32_t n = *cap ? *cap * 2 : 16;
	void *q = realloc(p, (size_t)n * elem);
	if (!q)
		abort();
	*cap = n;
	return q;
}

static struct rs_list *find_list(struct kg_ruleset *rs, const char *name)
{
	for (uint32_t i = 0; i < rs->nlists; i++)
		if (!strcmp(rs->lists[i].name, name))
			return &rs->lists[i];
	return NULL;
}

static struct rs_macro *find_macro(struct kg_ruleset *rs, const char *name)
{
	for (uint32_t i = 0; i < rs->nmacros; i++)
		if (!strcmp(rs->macros[i].name, name))
			return &rs->macros[i];
	return NULL;
}

static struct rs_rule *find_rule(struct kg_ruleset *rs, const char *name)
{
	for (uint32_t i = 0; i < rs->nrules; i++)
		if (!strcmp(rs->rules[i].name, name))
			return &rs->rules[i];
	return NULL;
}

static int read_list(struct reader *r, const struct kg_node *item)
{
	struct kg_ruleset *rs = r->rs;
	const char *name = NULL;
	if (decode_str(r, item, "list", false, false, "list", NULL, &name) < 0)
		return -1;
	struct rs_ctx c = ctx_of(r, item);
	if (!valid_name(name, false))
		rs_warn(rs, &c, "list '%s': List has an invalid name. List names should match a regular expression: "
				"([^()\"'[:space:]=,]+)", name);
	struct rs_strs items = { 0 };
	if (decode_seq(r, item, "items", false, "list", name, &items, NULL) < 0)
		return -1;
	bool append = false;
	if (decode_bool(r, item, "append", "list", name, &append) < 0)
		return -1;
	static const char *const over[] = { "items", NULL };
	struct rs_strs app = { 0 }, rep = { 0 };
	if (decode_overrides(r, item, over, over, "list", name, &app, &rep))
		return -1;
	if (append && (app.n || rep.n))
		return rs_fail(r->err, &c, "list '%s': Keys 'override' and 'append: true' cannot be used together. Add an "
					   "'append' entry (e.g. 'condition: append') under 'override' instead.", name);
	append |= app.n > 0;
	struct rs_list *prev = find_list(rs, name);
	if (append) {
		if (!prev)
			return rs_fail(r->err, &c, "list '%s': List uses 'append' or 'override.items: append' but no list by "
						   "that name already exists", name);
		for (uint32_t i = 0; i < items.n; i++)
			rs_strs_push(&rs->arena, &prev->items, items.v[i]);
		prev->visibility = rs->cur_index++;
	} else if (prev) {
		prev->items = items;
		prev->visibility = rs->cur_index++;
		prev->ctx = c;
	} else {
		rs->lists = grow_array(rs->lists, &rs->alists, rs->nlists + 1, sizeof(*rs->lists));
		struct rs_list *l = &rs->lists[rs->nlists++];
		memset(l, 0, sizeof(*l));
		l->name = name;
		l->items = items;
		l->index = l->visibility = rs->cur_index++;
		l->ctx = c;
	}
	static const char *const keys[] = { "list", "items", "append", "override", NULL };
	warn_unknown_keys(r, item, keys, "list", name);
	return 0;
}

static int read_macro(struct reader *r, const struct kg_node *item)
{
	struct kg_ruleset *rs = r->rs;
	const char *name = NULL, *cond = NULL;
	if (decode_str(r, item, "macro", false, false, "macro", NULL, &name) < 0)
		return -1;
	struct rs_ctx c = ctx_of(r, item);
	if (!valid_name(name, true))
		rs_warn(rs, &c, "macro '%s': Macro has an invalid name. Macro names should match a regular expression: "
				"([a-zA-Z]+[a-zA-Z0-9_]*)", name);
	if (decode_str(r, item, "condition", false, false, "macro", name, &cond) < 0)
		return -1;
	bool append = false;
	if (decode_bool(r, item, "append", "macro", name, &append) < 0)
		return -1;
	static const char *const over[] = { "condition", NULL };
	struct rs_strs app = { 0 }, rep = { 0 };
	if (decode_overrides(r, item, over, over, "macro", name, &app, &rep))
		return -1;
	if (append && (app.n || rep.n))
		return rs_fail(r->err, &c, "macro '%s': Keys 'override' and 'append: true' cannot be used together. Add an "
					   "'append' entry (e.g. 'condition: append') under 'override' instead.", name);
	append |= app.n > 0;
	struct rs_macro *prev = find_macro(rs, name);
	struct rs_ctx cc = ctx_of(r, kg_map_get(item, "condition"));
	if (append) {
		if (!prev)
			return rs_fail(r->err, &c, "macro '%s': Macro uses 'append' or 'override.condition: append' but no "
						   "macro by that name already exists", name);
		prev->cond = kg_arena_printf(&rs->arena, "%s %s", prev->cond, cond);
		prev->visibility = rs->cur_index++;
	} else if (prev) {
		prev->cond = cond;
		prev->visibility = rs->cur_index++;
		prev->ctx = cc;
	} else {
		rs->macros = grow_array(rs->macros, &rs->amacros, rs->nmacros + 1, sizeof(*rs->macros));
		struct rs_macro *m = &rs->macros[rs->nmacros++];
		memset(m, 0, sizeof(*m));
		m->name = name;
		m->cond = cond;
		m->index = m->visibility = rs->cur_index++;
		m->ctx = cc;
	}
	static const char *const keys[] = { "macro", "condition", "append", "override", NULL };
	warn_unknown_keys(r, item, keys, "macro", name);
	return 0;
}

/* One exception entry: a scalar or a (nested) sequence of scalars. */
static int decode_exentry(struct reader *r, const struct kg_node *v, struct rs_exentry *out, const char *name)
{
	struct rs_ctx c = ctx_of(r, v);
	out->valid = true;
	if (v->type == KG_SEQ) {
		out->is_list = true;
		out->n = v->len;
		out->items = kg_arena_zalloc(&r->rs->arena, (v->len ? v->len : 1) * sizeof(*out->items));
		for (uint32_t i = 0; i < v->len; i++)
			if (decode_exentry(r, v->v.items[i], &out->items[i], name))
				return -1;
		return 0;
	}
	const char *s = scalar_text(v);
	if (!s || !*s)
		return rs_fail(r->err, &c, "rule '%s': exception value must be a non-empty scalar or a list", name);
	out->item = kg_arena_strdup(&r->rs->arena, s);
	return 0;
}

static bool is_valid_comp(const char *s)
{
	int op = kg_cmpop_parse(s);
	return op >= 0;
}

static int validate_exception(struct reader *r, struct rs_exception *ex, const char *rule, bool known_source)
{
	if (ex->fields.is_list) {
		if (!ex->comps.valid) {
			ex->comps.valid = ex->comps.is_list = true;
			ex->comps.n = ex->fields.n;
			ex->comps.items = kg_arena_zalloc(&r->rs->arena, (ex->fields.n ? ex->fields.n : 1) * sizeof(*ex->comps.items));
			for (uint32_t i = 0; i < ex->fields.n; i++)
				ex->comps.items[i] = (struct rs_exentry){ true, false, "=", NULL, 0 };
		}
		if (!ex->comps.is_list || ex->fields.n != ex->comps.n)
			return rs_fail(r->err, &ex->ctx, "rule '%s': exception '%s': Fields and comps lists must have equal length",
				       rule, ex->name);
		for (uint32_t i = 0; i < ex->comps.n; i++)
			if (ex->comps.items[i].is_list || !is_valid_comp(ex->comps.items[i].item))
				return rs_fail(r->err, &ex->ctx, "rule '%s': exception '%s': '%s' is not a supported comparison operator",
					       rule, ex->name, ex->comps.items[i].item ? ex->comps.items[i].item : "(list)");
		for (uint32_t i = 0; known_source && i < ex->fields.n; i++) {
			const char *f = ex->fields.items[i].item;
			if (!f || !kg_field_find(f, strlen(f)))
				return rs_fail(r->err, &ex->ctx, "rule '%s': exception '%s': '%s' is not a supported filter field",
					       rule, ex->name, f ? f : "(list)");
		}
	} else {
		if (!ex->comps.valid) {
			ex->comps.valid = true;
			ex->comps.item = "in";
		}
		if (ex->comps.is_list)
			return rs_fail(r->err, &ex->ctx, "rule '%s': exception '%s': Fields and comps must both be strings", rule, ex->name);
		const char *cp = ex->comps.item;
		if (strcmp(cp, "in") && strcmp(cp, "pmatch") && strcmp(cp, "intersects"))
			return rs_fail(r->err, &ex->ctx, "rule '%s': exception '%s': When fields is a single value, comps must be "
							 "one of (in, pmatch, intersects)", rule, ex->name);
		if (known_source && !kg_field_find(ex->fields.item, strlen(ex->fields.item)))
			return rs_fail(r->err, &ex->ctx, "rule '%s': exception '%s': '%s' is not a supported filter field",
				       rule, ex->name, ex->fields.item);
	}
	return 0;
}

static int read_exceptions(struct reader *r, const struct kg_node *item, const char *rule, bool append,
			   struct rs_exception **out, uint32_t *nout)
{
	const struct kg_node *exs = kg_map_get(item, "exceptions");
	*out = NULL;
	*nout = 0;
	if (!exs || exs->type == KG_NULL)
		return 0;
	struct rs_ctx c = ctx_of(r, exs);
	if (exs->type != KG_SEQ)
		return rs_fail(r->err, &c, "rule '%s': Rule exceptions must be a sequence", rule);
	struct rs_exception *v = kg_arena_zalloc(&r->rs->arena, (exs->len ? exs->len : 1) * sizeof(*v));
	for (uint32_t i = 0; i < exs->len; i++) {
		const struct kg_node *ex = exs->v.items[i];
		struct rs_ctx ec = ctx_of(r, ex);
		if (ex->type != KG_MAP)
			return rs_fail(r->err, &ec, "rule '%s': Rule exception must be a mapping", rule);
		struct rs_exception *e = &v[i];
		e->ctx = ec;
		if (decode_str(r, ex, "name", false, false, "rule", rule, &e->name) < 0)
			return -1;
		for (uint32_t k = 0; k < i; k++)
			if (!strcmp(v[k].name, e->name))
				rs_warn(r->rs, &ec, "rule '%s': Multiple definitions of exception '%s' in the same rule", rule, e->name);
		const struct kg_node *f = kg_map_get(ex, "fields");
		if (f && decode_exentry(r, f, &e->fields, rule))
			return -1;
		if (!f && !append)
			return rs_fail(r->err, &ec, "rule '%s': exception '%s': Item has no mapping for key 'fields'", rule, e->name);
		const struct kg_node *cp = kg_map_get(ex, "comps");
		if (cp && decode_exentry(r, cp, &e->comps, rule))
			return -1;
		const struct kg_node *vals = kg_map_get(ex, "values");
		if (vals) {
			struct rs_ctx vc = ctx_of(r, vals);
			if (vals->type != KG_SEQ)
				return rs_fail(r->err, &vc, "rule '%s': exception '%s': Rule exception values must be a sequence", rule, e->name);
			e->nvalues = vals->len;
			e->values = kg_arena_zalloc(&r->rs->arena, (vals->len ? vals->len : 1) * sizeof(*e->values));
			for (uint32_t k = 0; k < vals->len; k++)
				if (decode_exentry(r, vals->v.items[k], &e->values[k], rule))
					return -1;
		} else if (append) {
			rs_warn(r->rs, &ec, "rule '%s': exception '%s': Overriding/appending exception with no values", rule, e->name);
		}
	}
	*out = v;
	*nout = exs->len;
	return 0;
}

static bool source_known(const char *source)
{
	return !strcmp(source, "k8s_audit");
}

static int append_exceptions(struct reader *r, struct rs_rule *prev, struct rs_exception *exs, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct rs_exception *ex = &exs[i], *pe = NULL;
		for (uint32_t k = 0; k < prev->nexceptions; k++)
			if (!strcmp(prev->exceptions[k].name, ex->name))
				pe = &prev->exceptions[k];
		if (!pe) {
			if (!ex->fields.valid)
				return rs_fail(r->err, &ex->ctx, "rule '%s': Rule exception must have fields property with a list of fields",
					       prev->name);
			if (!ex->nvalues)
				return rs_fail(r->err, &ex->ctx, "rule '%s': Rule exception must have values property with a list of values",
					       prev->name);
			if (validate_exception(r, ex, prev->name, !prev->unknown_source))
				return -1;
			struct rs_exception *nv = kg_arena_alloc(&r->rs->arena, (prev->nexceptions + 1) * sizeof(*nv));
			if (prev->nexceptions)
				memcpy(nv, prev->exceptions, prev->nexceptions * sizeof(*nv));
			nv[prev->nexceptions++] = *ex;
			prev->exceptions = nv;
		} else {
			if (ex->fields.valid)
				return rs_fail(r->err, &ex->ctx, "rule '%s': Can not append exception fields to existing exception, only values",
					       prev->name);
			if (ex->comps.valid)
				return rs_fail(r->err, &ex->ctx, "rule '%s': Can not append exception comps to existing exception, only values",
					       prev->name);
			struct rs_exentry *nv = kg_arena_alloc(&r->rs->arena, (pe->nvalues + ex->nvalues + 1) * sizeof(*nv));
			if (pe->nvalues)
				memcpy(nv, pe->values, pe->nvalues * sizeof(*nv));
			if (ex->nvalues)
				memcpy(nv + pe->nvalues, ex->values, ex->nvalues * sizeof(*nv));
			pe->values = nv;
			pe->nvalues += ex->nvalues;
		}
	}
	return 0;
}

static void add_tags(struct kg_arena *a, struct rs_strs *tags, const struct rs_strs *add)
{
	for (uint32_t i = 0; i < add->n; i++)
		if (!strs_has(tags, add->v[i]))
			rs_strs_push(a, tags, add->v[i]);
}

static int read_priority(struct reader *r, const struct kg_node *item, const char *name, enum kg_priority *out)
{
	const char *p = NULL;
	if (decode_str(r, item, "priority", false, false, "rule", name, &p) < 0)
		return -1;
	if (kg_priority_parse(p, out)) {
		struct rs_ctx pc = ctx_of(r, kg_map_get(item, "priority"));
		return rs_fail(r->err, &pc, "rule '%s': Invalid priority '%s' (expected emergency, alert, critical, error, "
					    "warning, notice, informational or debug)", name, p);
	}
	return 0;
}

/* A rule update through override: {key: append|replace} or the legacy append: true. */
static int read_rule_update(struct reader *r, const struct kg_node *item, const char *name, const char *source,
			    const struct rs_strs *keys, bool replace)
{
	struct kg_ruleset *rs = r->rs;
	struct rs_ctx c = ctx_of(r, item);
	struct rs_rule *prev = find_rule(rs, name);
	if (prev && source && *source && prev->source && strcmp(prev->source, source))
		return rs_fail(r->err, &c, "rule '%s': Rule has been re-defined with a different source", name);
	if (!prev)
		return rs_fail(r->err, &c, replace ? "rule '%s': An 'override.<key>: replace' to a rule was requested but no "
						     "rule by that name already exists"
						   : "rule '%s': Rule uses 'append' or 'override.<key>: append' but no rule by that "
						     "name already exists", name);
	if (!keys->n)
		return rs_fail(r->err, &c, "rule '%s': %s", name, replace ? "The rule must have at least one field that can be replaced"
									  : "Appended rule must have exceptions or condition property");
	for (uint32_t i = 0; i < keys->n; i++) {
		const char *k = keys->v[i];
		const char *s = NULL;
		if (!strcmp(k, "condition") || !strcmp(k, "output") || !strcmp(k, "desc")) {
			if (decode_str(r, item, k, false, false, "rule", name, &s) < 0)
				return -1;
			const char **dst = !strcmp(k, "condition") ? &prev->cond : !strcmp(k, "output") ? &prev->output : &prev->desc;
			if (replace)
				*dst = s;
			else if (s && *s)
				*dst = kg_arena_printf(&rs->arena, "%s %s", *dst ? *dst : "", s);
			if (!strcmp(k, "condition"))
				prev->cond_ctx = ctx_of(r, kg_map_get(item, "condition"));
		} else if (!strcmp(k, "tags")) {
			struct rs_strs t = { 0 };
			if (decode_seq(r, item, "tags", false, "rule", name, &t, NULL) < 0)
				return -1;
			if (replace)
				prev->tags = (struct rs_strs){ 0 };
			add_tags(&rs->arena, &prev->tags, &t);
		} else if (!strcmp(k, "exceptions")) {
			struct rs_exception *exs;
			uint32_t n;
			if (read_exceptions(r, item, name, !replace, &exs, &n))
				return -1;
			if (replace) {
				for (uint32_t e = 0; e < n; e++)
					if (validate_exception(r, &exs[e], name, !prev->unknown_source))
						return -1;
				prev->exceptions = exs;
				prev->nexceptions = n;
			} else if (append_exceptions(r, prev, exs, n)) {
				return -1;
			}
		} else if (!strcmp(k, "priority")) {
			if (read_priority(r, item, name, &prev->priority))
				return -1;
		} else if (!strcmp(k, "enabled")) {
			if (decode_bool(r, item, "enabled", "rule", name, &prev->enabled) < 0)
				return -1;
		}
		/* capture, capture_duration, warn_evttypes, skip-if-unknown-filter: accepted, no effect */
	}
	prev->visibility = rs->cur_index++;
	return 0;
}

static int read_rule(struct reader *r, const struct kg_node *item)
{
	struct kg_ruleset *rs = r->rs;
	const char *name = NULL, *source = "";
	if (decode_str(r, item, "rule", false, false, "rule", NULL, &name) < 0)
		return -1;
	struct rs_ctx c = ctx_of(r, item);
	if (decode_str(r, item, "source", true, true, "rule", name, &source) < 0)
		return -1;
	bool append_flag = false;
	if (decode_bool(r, item, "append", "rule", name, &append_flag) < 0)
		return -1;
	static const char *const can_append[] = { "condition", "output", "desc", "tags", "exceptions", NULL };
	static const char *const can_replace[] = { "condition", "output", "desc", "priority", "capture", "capture_duration",
						   "tags", "exceptions", "enabled", "warn_evttypes", "skip-if-unknown-filter", NULL };
	struct rs_strs app = { 0 }, rep = { 0 };
	if (decode_overrides(r, item, can_append, can_replace, "rule", name, &app, &rep))
		return -1;
	bool has_overrides = app.n || rep.n;
	if (append_flag && has_overrides)
		return rs_fail(r->err, &c, "rule '%s': Keys 'override' and 'append: true' cannot be used together. Add an "
					   "'append' entry (e.g. 'condition: append') under 'override' instead.", name);
	static const char *const rule_keys[] = { "rule", "condition", "output", "desc", "priority", "source", "enabled",
						 "capture", "capture_duration", "warn_evttypes", "skip-if-unknown-filter",
						 "tags", "exceptions", "override", "append", NULL };
	if (has_overrides) {
		/* Every overridable key present must be listed under override, and vice versa. */
		for (size_t k = 0; can_replace[k]; k++) {
			const char *key = can_replace[k];
			if (!kg_map_get(item, key) || strs_has(&app, key) || strs_has(&rep, key))
				continue;
			struct rs_ctx kc = ctx_of(r, kg_map_get(item, key));
			return rs_fail(r->err, &kc, "rule '%s': Unexpected key '%s': no corresponding entry under 'override' is defined.",
				       name, key);
		}
		for (uint32_t i = 0; i < app.n + rep.n; i++) {
			const char *key = i < app.n ? app.v[i] : rep.v[i - app.n];
			if (!kg_map_get(item, key))
				return rs_fail(r->err, &c, "rule '%s': An %s override for '%s' was specified but '%s' is not defined",
					       name, i < app.n ? "append" : "replace", key, key);
		}
		if (app.n && read_rule_update(r, item, name, source, &app, false))
			return -1;
		if (rep.n && read_rule_update(r, item, name, source, &rep, true))
			return -1;
	} else if (append_flag) {
		struct rs_strs keys = { 0 };
		if (kg_map_get(item, "condition"))
			rs_strs_push(&rs->arena, &keys, "condition");
		if (kg_map_get(item, "exceptions"))
			rs_strs_push(&rs->arena, &keys, "exceptions");
		if (read_rule_update(r, item, name, source, &keys, false))
			return -1;
	} else if (!kg_map_get(item, "condition") && !kg_map_get(item, "output") && !kg_map_get(item, "desc") &&
		   !kg_map_get(item, "priority")) {
		bool enabled = true;
		if (!kg_map_get(item, "enabled"))
			return rs_fail(r->err, &c, "rule '%s': Item has no mapping for key 'enabled'", name);
		if (decode_bool(r, item, "enabled", "rule", name, &enabled) < 0)
			return -1;
		struct rs_rule *prev = find_rule(rs, name);
		if (!prev)
			return rs_fail(r->err, &c, "rule '%s': Rule has 'enabled' key but no rule by that name already exists", name);
		prev->enabled = enabled;
	} else {
		struct rs_rule v;
		memset(&v, 0, sizeof(v));
		v.name = name;
		v.enabled = true;
		v.ctx = c;
		if (decode_str(r, item, "condition", false, false, "rule", name, &v.cond) < 0)
			return -1;
		v.cond_ctx = ctx_of(r, kg_map_get(item, "condition"));
		if (decode_str(r, item, "output", false, false, "rule", name, &v.output) < 0 ||
		    decode_str(r, item, "desc", false, false, "rule", name, &v.desc) < 0 ||
		    read_priority(r, item, name, &v.priority))
			return -1;
		v.source = *source ? source : "syscall";
		if (decode_bool(r, item, "enabled", "rule", name, &v.enabled) < 0)
			return -1;
		if (decode_seq(r, item, "tags", true, "rule", name, &v.tags, NULL) < 0)
			return -1;
		v.unknown_source = !source_known(v.source);
		if (v.unknown_source)
			rs_warn(rs, &c, "rule '%s': Unknown source %s, skipping", name, v.source);
		if (read_exceptions(r, item, name, false, &v.exceptions, &v.nexceptions))
			return -1;
		for (uint32_t i = 0; i < v.nexceptions; i++) {
			if (!v.exceptions[i].fields.valid)
				return rs_fail(r->err, &v.exceptions[i].ctx,
					       "rule '%s': Rule exception item must have fields property with a list of fields", name);
			if (validate_exception(r, &v.exceptions[i], name, !v.unknown_source))
				return -1;
		}
		struct rs_rule *prev = find_rule(rs, name);
		if (prev && prev->source && strcmp(prev->source, v.source) && *source)
			return rs_fail(r->err, &c, "rule '%s': Rule has been re-defined with a different source", name);
		if (prev) {
			v.index = prev->index;
			v.visibility = rs->cur_index++;
			*prev = v;
		} else {
			rs->rules = grow_array(rs->rules, &rs->arules, rs->nrules + 1, sizeof(*rs->rules));
			v.index = v.visibility = rs->cur_index++;
			rs->rules[rs->nrules++] = v;
		}
	}
	warn_unknown_keys(r, item, rule_keys, "rule", name);
	return 0;
}

/* Semantic versions "x.y.z"; returns -1 when not one. */
static int parse_semver(const char *s, unsigned v[3])
{
	const char *p = s;
	for (int i = 0; i < 3; i++) {
		char *end;
		if (*p < '0' || *p > '9')
			return -1;
		unsigned long x = strtoul(p, &end, 10);
		if (x > 1000000)
			return -1;
		v[i] = (unsigned)x;
		p = end;
		if (i < 2) {
			if (*p != '.')
				return -1;
			p++;
		}
	}
	return *p == '\0' || *p == '-' || *p == '+' ? 0 : -1;
}

/* Same major, and at least the required minor.patch. */
static bool compatible(const char *have, const unsigned req[3])
{
	unsigned h[3];
	if (parse_semver(have, h))
		return false;
	if (h[0] != req[0])
		return false;
	return h[1] > req[1] || (h[1] == req[1] && h[2] >= req[2]);
}

static int read_engine_version(struct reader *r, const struct kg_node *item)
{
	const struct kg_node *v = kg_map_get(item, "required_engine_version");
	struct rs_ctx c = ctx_of(r, v);
	const char *s = scalar_text(v);
	unsigned req[3] = { 0, 0, 0 };
	if (!s || !*s)
		return rs_fail(r->err, &c, "required_engine_version: Value must be non-empty");
	if (v->type == KG_INT && v->v.i >= 0) {
		req[1] = (unsigned)v->v.i; /* a plain number N means 0.N.0 */
	} else if (parse_semver(s, req)) {
		return rs_fail(r->err, &c, "required_engine_version: Unable to parse engine version '%s' as a semver string. "
					   "Expected \"x.y.z\" semver format.", s);
	}
	if (!compatible(KG_FALCO_ENGINE_VERSION, req))
		return rs_fail(r->err, &c, "Rules require engine version %u.%u.%u, but engine version is %s", req[0], req[1],
			       req[2], KG_FALCO_ENGINE_VERSION);
	return 0;
}

/* The plugins whose fields kguard implements. The k8saudit flavours for managed clusters read the
 * same fields from their own log transport: kguard accepts them at any version. */
static const char *provided_version(const char *plugin)
{
	if (!strcmp(plugin, "k8saudit"))
		return KG_K8SAUDIT_PLUGIN_VERSION;
	if (!strcmp(plugin, "json"))
		return KG_JSON_PLUGIN_VERSION;
	if (!strncmp(plugin, "k8saudit-", 9))
		return "any";
	return NULL;
}

static int read_plugin_versions(struct reader *r, const struct kg_node *item)
{
	const struct kg_node *v = kg_map_get(item, "required_plugin_versions");
	struct rs_ctx c = ctx_of(r, v);
	if (v->type != KG_SEQ)
		return rs_fail(r->err, &c, "Value of required_plugin_versions must be a sequence");
	for (uint32_t i = 0; i < v->len; i++) {
		const struct kg_node *pl = v->v.items[i];
		struct rs_ctx pc = ctx_of(r, pl);
		if (pl->type != KG_MAP)
			return rs_fail(r->err, &pc, "required_plugin_versions: Plugin version must be a mapping");
		const struct kg_node *alts = kg_map_get(pl, "alternatives");
		if (alts && alts->type != KG_SEQ)
			return rs_fail(r->err, &pc, "required_plugin_versions: Value of plugin version alternatives must be a sequence");
		bool satisfied = false;
		const char *first = NULL, *first_ver = NULL;
		for (uint32_t k = 0; k <= (alts ? alts->len : 0); k++) {
			const struct kg_node *req = k == 0 ? pl : alts->v.items[k - 1];
			struct rs_ctx rc = ctx_of(r, req);
			if (req->type != KG_MAP)
				return rs_fail(r->err, &rc, "required_plugin_versions: Plugin version alternative must be a mapping");
			const char *name = NULL, *ver = NULL;
			if (decode_str(r, req, "name", false, false, "required_plugin_versions", NULL, &name) < 0 ||
			    decode_str(r, req, "version", false, false, "required_plugin_versions", name, &ver) < 0)
				return -1;
			unsigned rv[3];
			if (parse_semver(ver, rv))
				return rs_fail(r->err, &rc, "Invalid required version '%s' for plugin '%s'", ver, name);
			if (!first) {
				first = name;
				first_ver = ver;
			}
			const char *have = provided_version(name);
			if (have && (!strcmp(have, "any") || compatible(have, rv)))
				satisfied = true;
		}
		if (!satisfied)
			return rs_fail(r->err, &pc, "Plugin '%s' version '%s' is required by the rules but kguard provides %s",
				       first, first_ver,
				       provided_version(first) ? provided_version(first) : "no such plugin (kguard implements k8saudit "
						KG_K8SAUDIT_PLUGIN_VERSION " and json " KG_JSON_PLUGIN_VERSION ")");
	}
	return 0;
}

static int read_item(struct reader *r, const struct kg_node *item)
{
	struct rs_ctx c = ctx_of(r, item);
	if (item->type != KG_MAP)
		return rs_fail(r->err, &c, "Unexpected element type. Each element should be a yaml associative array.");
	if (kg_map_get(item, "required_engine_version"))
		return read_engine_version(r, item);
	if (kg_map_get(item, "required_plugin_versions"))
		return read_plugin_versions(r, item);
	if (kg_map_get(item, "list"))
		return read_list(r, item);
	if (kg_map_get(item, "macro"))
		return read_macro(r, item);
	if (kg_map_get(item, "rule"))
		return read_rule(r, item);
	rs_warn(r->rs, &c, "Unknown top level item");
	return 0;
}

static int on_doc(void *ctx, const struct kg_doc *doc)
{
	struct reader *r = ctx;
	const struct kg_node *root = doc->root;
	struct rs_ctx c = { r->file, doc->line, 1 };
	if (root->type == KG_NULL)
		return 0;
	if (root->type != KG_SEQ) {
		r->failed = rs_fail(r->err, &c, root->type == KG_MAP ? "Rules content is not yaml array of objects"
								 : "Rules content is not yaml");
		return 1;
	}
	for (uint32_t i = 0; i < root->len; i++) {
		if (root->v.items[i]->type == KG_NULL)
			continue;
		if (read_item(r, root->v.items[i])) {
			r->failed = -1;
			return 1;
		}
	}
	return 0;
}

static void on_error(void *ctx, const struct kg_diag *d)
{
	struct reader *r = ctx;
	if (r->failed)
		return;
	*r->err = *d;
	r->err->file = r->file;
	r->failed = -1;
}

int kg_ruleset_load_buffer(struct kg_ruleset *rs, const char *display, const char *buf, size_t len, struct kg_diag *err)
{
	if (rs->compiled) {
		kg_diag_set(err, display, 0, 0, "rules files must be loaded before the ruleset is compiled");
		return -1;
	}
	struct reader r = { rs, display, err, 0 };
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.max_doc_bytes = MAX_RULES_FILE;
	struct kg_loader *L = kg_loader_new(&lim);
	struct kg_load_sink sink = { &r, on_doc, on_error };
	/* A rules file is YAML even when it starts with '{' or '[' (flow style). */
	kg_yaml_load(L, display, buf, len, 1, &(unsigned){ 0 }, &sink);
	kg_loader_free(L);
	return r.failed ? -1 : 0;
}

int kg_ruleset_load_file(struct kg_ruleset *rs, const char *path, struct kg_diag *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		kg_diag_set(err, path, 0, 0, "cannot open rules file: %s", strerror(errno));
		return -1;
	}
	struct kg_buf b;
	kg_buf_init(&b, MAX_RULES_FILE + 1);
	char chunk[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (kg_buf_add(&b, chunk, n)) {
			kg_diag_set(err, path, 0, 0, "rules file larger than %u bytes", MAX_RULES_FILE);
			rc = -1;
			break;
		}
	}
	if (!rc && ferror(fp)) {
		kg_diag_set(err, path, 0, 0, "cannot read rules file: %s", strerror(errno));
		rc = -1;
	}
	fclose(fp);
	if (!rc) {
		const char *display = kg_arena_strdup(&rs->arena, path);
		rc = kg_ruleset_load_buffer(rs, display, b.data ? b.data : "", b.len, err);
	}
	kg_buf_release(&b);
	return rc;
}

size_t kg_ruleset_nwarnings(const struct kg_ruleset *rs) { return rs->nwarnings; }
const struct kg_diag *kg_ruleset_warning(const struct kg_ruleset *rs, size_t i)
{
	return i < rs->nwarnings ? &rs->warnings[i] : NULL;
}
