/* Rule output formats: "%field" and "%field[arg]" tokens (the longest known field name wins, as
 * in libsinsp's formatter), everything else literal. Rendering: a missing value prints <NA>, a
 * list field (a,b); output_fields gives strings, null, or arrays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"

struct segvec {
	struct kg_oseg *v;
	uint32_t n, cap;
};

static void push(struct kg_arena *a, struct segvec *s, struct kg_oseg seg)
{
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 8;
		struct kg_oseg *nv = kg_arena_alloc(a, cap * sizeof(*nv));
		if (s->n)
			memcpy(nv, s->v, s->n * sizeof(*nv));
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = seg;
}

int kg_output_compile(const char *fmt, struct kg_arena *arena, struct kg_slots *slots, struct kg_output *out,
		      struct kg_diag *err)
{
	struct segvec sv = { 0 };
	const char *p = fmt, *lit = fmt;
	while (*p) {
		if (*p != '%') {
			p++;
			continue;
		}
		const struct kg_field *f = kg_field_prefix(p + 1);
		if (!f) {
			char tok[40];
			snprintf(tok, sizeof(tok), "%s", p);
			kg_diag_set(err, NULL, 0, (unsigned)(p - fmt) + 1, "invalid formatting token %s", tok);
			return -1;
		}
		if (p > lit)
			push(arena, &sv, (struct kg_oseg){ lit, (uint32_t)(p - lit), 0 });
		const char *q = p + 1 + strlen(f->name);
		const char *arg = NULL;
		if (*q == '[') {
			const char *close = strchr(q, ']');
			if (!close) {
				kg_diag_set(err, NULL, 0, (unsigned)(q - fmt) + 1, "missing ']' after the argument of %s", f->name);
				return -1;
			}
			arg = kg_arena_strndup(arena, q + 1, (size_t)(close - q - 1));
			q = close + 1;
		}
		int64_t idx = -1;
		if (f->arg == KG_FARG_NONE && arg) {
			kg_diag_set(err, NULL, 0, (unsigned)(p - fmt) + 1, "field '%s' does not take an argument", f->name);
			return -1;
		}
		if (f->arg == KG_FARG_KEY && (!arg || !*arg)) {
			kg_diag_set(err, NULL, 0, (unsigned)(p - fmt) + 1, "field '%s' requires an argument", f->name);
			return -1;
		}
		if (f->arg == KG_FARG_INDEX && arg) {
			char *end;
			long long v = strtoll(arg, &end, 10);
			if (!*arg || *end || v < 0 || v > 1000000000) {
				kg_diag_set(err, NULL, 0, (unsigned)(p - fmt) + 1, "field '%s' takes a numeric index argument", f->name);
				return -1;
			}
			idx = v;
		}
		push(arena, &sv, (struct kg_oseg){ NULL, 0, kg_slots_intern(slots, arena, f, arg, idx) });
		p = lit = q;
	}
	if (p > lit)
		push(arena, &sv, (struct kg_oseg){ lit, (uint32_t)(p - lit), 0 });
	out->segs = sv.v;
	out->n = sv.n;
	return 0;
}

int kg_output_text(const struct kg_output *o, struct kg_cond_eval *e, struct kg_buf *b)
{
	int rc = 0;
	for (uint32_t i = 0; i < o->n; i++) {
		const struct kg_oseg *s = &o->segs[i];
		if (s->lit) {
			rc |= kg_buf_add(b, s->lit, s->len);
			continue;
		}
		const struct kg_cvals *v = kg_cond_eval_slot(e, s->slot);
		bool list = e->slots->v[s->slot].field->list;
		if (!v->n) {
			rc |= kg_buf_add(b, "<NA>", 4);
		} else if (!list) {
			rc |= kg_buf_add(b, v->v[0].s, v->v[0].len);
		} else {
			rc |= kg_buf_addc(b, '(');
			for (uint32_t k = 0; k < v->n; k++) {
				if (k)
					rc |= kg_buf_addc(b, ',');
				rc |= kg_buf_add(b, v->v[k].s, v->v[k].len);
			}
			rc |= kg_buf_addc(b, ')');
		}
	}
	return rc ? -1 : 0;
}

static int slot_text_cmp(const void *a, const void *b)
{
	const struct kg_slot *const *x = a, *const *y = b;
	return strcmp((*x)->text, (*y)->text);
}

void kg_output_fields_json(const struct kg_output *o, struct kg_cond_eval *e, const struct kg_slots *slots,
			   struct kg_jw *w)
{
	/* Keys sorted and unique, as Falco's JSON object prints them. */
	const struct kg_slot *sorted[256];
	uint32_t ids[256], n = 0;
	for (uint32_t i = 0; i < o->n && n < 256; i++) {
		const struct kg_oseg *s = &o->segs[i];
		bool dup = s->lit != NULL;
		for (uint32_t k = 0; k < n && !dup; k++)
			dup = ids[k] == s->slot;
		if (dup)
			continue;
		ids[n] = s->slot;
		sorted[n++] = &slots->v[s->slot];
	}
	qsort(sorted, n, sizeof(sorted[0]), slot_text_cmp);
	for (uint32_t i = 0; i < n; i++) {
		const struct kg_slot *sl = sorted[i];
		const struct kg_cvals *v = kg_cond_eval_slot(e, (uint32_t)(sl - slots->v));
		kg_jw_key(w, sl->text);
		if (!v->n) {
			kg_jw_null(w);
		} else if (!sl->field->list) {
			if (sl->field->type == KG_FT_UINT)
				kg_jw_raw(w, v->v[0].s);
			else
				kg_jw_strn(w, v->v[0].s, v->v[0].len);
		} else {
			kg_jw_arr(w);
			for (uint32_t k = 0; k < v->n; k++)
				kg_jw_strn(w, v->v[k].s, v->v[k].len);
			kg_jw_arr_end(w);
		}
	}
}
