/* Admission decisions (eval.h): evaluation of the object with the rule families, then the
 * sorting of findings into deny / warn / audit and the response texts (verdict.c). */
#include "eval.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/k8s.h"
#include "../rules/policy_priv.h"
#include "../util/hash.h"
#include "eval_priv.h"

/* Memory a worker keeps between requests; past it (after a huge request) it is given back. */
#define KEEP_BYTES (8u << 20)

struct kg_adm_worker *kg_adm_worker_new(const struct kg_load_limits *lim)
{
	struct kg_adm_worker *w = calloc(1, sizeof(*w));
	if (!w)
		abort();
	w->loader = kg_loader_new(lim);
	kg_arena_init(&w->arena, 64 * 1024);
	kg_report_init(&w->rep);
	kg_report_init(&w->old_rep);
	kg_report_init(&w->orig_rep);
	while (kg_families[w->nfam])
		w->nfam++;
	w->states = calloc(w->nfam + 1, sizeof(*w->states));
	if (!w->states)
		abort();
	kg_buf_init(&w->scratch, 0);
	return w;
}

static void free_states(struct kg_adm_worker *w)
{
	for (size_t f = 0; f < w->nfam; f++) {
		if (w->states[f] && kg_families[f]->state_free)
			kg_families[f]->state_free(w->states[f]);
		w->states[f] = NULL;
	}
	w->serial = 0;
}

void kg_adm_worker_free(struct kg_adm_worker *w)
{
	if (!w)
		return;
	free_states(w);
	free(w->states);
	kg_loader_free(w->loader);
	kg_arena_release(&w->arena);
	kg_report_release(&w->rep);
	kg_report_release(&w->old_rep);
	kg_report_release(&w->orig_rep);
	kg_buf_release(&w->scratch);
	free(w);
}

static void trim_report(struct kg_report *r)
{
	if (r->arena.used > KEEP_BYTES || r->afindings > 65536) {
		kg_report_release(r);
		kg_report_init(r);
	} else {
		kg_report_reset(r);
	}
}

/* Called at the start of every request: forget the previous one. */
void kg_adm_worker_begin(struct kg_adm_worker *w)
{
	if (w->arena.used > KEEP_BYTES) {
		kg_arena_release(&w->arena);
		kg_arena_init(&w->arena, 64 * 1024);
	} else {
		kg_arena_reset(&w->arena);
	}
	trim_report(&w->rep);
	trim_report(&w->old_rep);
	trim_report(&w->orig_rep);
	if (w->scratch.alloc > KEEP_BYTES)
		kg_buf_release(&w->scratch);
	kg_buf_reset(&w->scratch);
}

int kg_adm_worker_parse(struct kg_adm_worker *w, const char *body, size_t len, const struct kg_node **root,
			struct kg_diag *err)
{
	kg_adm_worker_begin(w);
	return kg_json_parse(w->loader, &w->arena, body, len, root, err);
}

/* ---- running the families ---- */

static void ensure_states(struct kg_adm_worker *w, const struct kg_adm_config *cfg)
{
	if (w->serial == cfg->serial)
		return;
	free_states(w);
	for (size_t f = 0; f < w->nfam; f++)
		if (kg_families[f]->state_new)
			w->states[f] = kg_families[f]->state_new(&cfg->opts);
	w->serial = cfg->serial;
}

void kg_adm_worker_use(struct kg_adm_worker *w, const struct kg_adm_config *cfg)
{
	ensure_states(w, cfg);
}

static bool same_level(const struct kg_adm_level *a, const struct kg_adm_level *b)
{
	return a->level == b->level && a->minor == b->minor;
}

void kg_adm_object_init(struct kg_object *obj, struct kg_doc *doc, const struct kg_node *node,
			const struct kg_adm_request *rq, struct kg_arena *a)
{
	memset(doc, 0, sizeof(*doc));
	doc->root = node;
	doc->file = "<admission>";
	doc->line = 1;
	doc->arena = a;
	kg_object_init(obj, node, doc, NULL);
	/* the API server fills these from the URL; be robust to objects that leave them out */
	if (!obj->namespace_ && rq->namespace_ && *rq->namespace_)
		obj->namespace_ = rq->namespace_;
	if (!obj->kind && *rq->kind)
		obj->kind = rq->kind;
	if (!obj->api_version && *rq->version)
		obj->api_version = *rq->group ? kg_arena_printf(a, "%s/%s", rq->group, rq->version) : rq->version;
	if (!obj->name && *rq->name)
		obj->name = rq->name;
}

/* Run every family once (pss once per distinct level of the three modes) into r. */
static void eval_object(struct kg_adm_worker *w, const struct kg_adm_config *cfg, const struct kg_adm_settings *s,
			const struct kg_adm_request *rq, const struct kg_node *node, struct kg_report *r,
			struct kg_adm_ranges *rg)
{
	struct kg_object obj;
	struct kg_doc doc;
	kg_adm_object_init(&obj, &doc, node, rq, &w->arena);
	bool handled = false;
	struct kg_obj_ignores ignores = { 0 };
	rg->other_lo = r->nfindings;
	for (size_t f = 0; f < w->nfam; f++) {
		const struct kg_family *fam = kg_families[f];
		if (!fam->check || !strcmp(fam->name, "pss"))
			continue;
		/* no engine: families keep nothing for a finish() that never comes, so their states
		 * (made once per policy) do not grow request after request */
		struct kg_check c = { &cfg->opts, r, &obj, &doc, w->states[f], &handled, &ignores, NULL };
		fam->check(&c);
	}
	rg->other_hi = r->nfindings;
	const struct kg_family *pss = NULL;
	for (size_t f = 0; f < w->nfam; f++)
		if (!strcmp(kg_families[f]->name, "pss"))
			pss = kg_families[f];
	for (int m = 0; m < KG_ADM_PSS_NMODES; m++) {
		rg->lo[m] = rg->hi[m] = r->nfindings;
		const struct kg_adm_level *l = &s->pss[m];
		if (l->level == KG_PSS_PRIVILEGED || !pss)
			continue;
		int prev;
		for (prev = 0; prev < m; prev++)
			if (s->pss[prev].level != KG_PSS_PRIVILEGED && same_level(&s->pss[prev], l))
				break;
		if (prev < m) { /* same level and version as an earlier mode: same findings */
			rg->lo[m] = rg->lo[prev];
			rg->hi[m] = rg->hi[prev];
			continue;
		}
		struct kg_scan_opts o = cfg->opts;
		o.pss_level = l->level;
		o.pss_minor = l->minor;
		struct kg_check c = { &o, r, &obj, &doc, NULL, &handled, &ignores, NULL };
		pss->check(&c);
		rg->hi[m] = r->nfindings;
	}
	rg->handled = handled;
}

/* ---- finding identity (ratchet, inline suppressions) ---- */

static uint64_t fnv(uint64_t h, const char *s)
{
	return kg_fnv1a64_byte(kg_fnv1a64_str(h, s), 0xff);
}

uint64_t kg_adm_finding_key(const struct kg_finding *f)
{
	uint64_t h = KG_FNV64_OFFSET;
	h = fnv(h, f->rule_id);
	h = fnv(h, f->path);
	return fnv(h, f->container);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void kg_adm_keyset_build(struct kg_adm_keyset *k, struct kg_arena *a, const struct kg_report *r)
{
	k->n = r->nfindings;
	k->v = kg_arena_alloc(a, (k->n + 1) * sizeof(*k->v));
	for (size_t i = 0; i < k->n; i++)
		k->v[i] = kg_adm_finding_key(&r->findings[i]);
	qsort(k->v, k->n, sizeof(*k->v), cmp_u64);
}

bool kg_adm_keyset_has(const struct kg_adm_keyset *k, uint64_t key)
{
	return k->n && bsearch(&key, k->v, k->n, sizeof(*k->v), cmp_u64) != NULL;
}

/* ---- kguard.io/ignore ---- */

struct metas {
	struct kg_arena *a;
	const char *paths[16];
	unsigned n;
	bool found;
};

static bool has_ignore(const struct kg_node *meta)
{
	return kg_map_get(kg_map_get(meta, "annotations"), KG_IGNORE_ANNOTATION) != NULL;
}

static void on_pod_meta(void *ctx, const struct kg_pod_ref *ref)
{
	struct metas *m = ctx;
	if (ref->meta && has_ignore(ref->meta) && m->n < 16) {
		m->paths[m->n++] = kg_arena_strdup(m->a, ref->meta_path);
		m->found = true;
	}
}

/* A copy of n (sharing everything off the path) whose map at the dotted path (segments may end
 * in [N]) lacks the ignore annotation. */
static const struct kg_node *strip_at(struct kg_arena *a, const struct kg_node *n, const char *path)
{
	if (!kg_is_map(n))
		return n;
	if (!*path) { /* n is the annotations map */
		const struct kg_pair *p = kg_map_pair(n, KG_IGNORE_ANNOTATION);
		if (!p)
			return n;
		struct kg_node *c = kg_arena_alloc(a, sizeof(*c));
		*c = *n;
		c->v.pairs = kg_arena_alloc(a, (n->len + 1) * sizeof(struct kg_pair));
		c->len = 0;
		for (uint32_t i = 0; i < n->len; i++)
			if (&n->v.pairs[i] != p)
				c->v.pairs[c->len++] = n->v.pairs[i];
		return c;
	}
	const char *dot = strchr(path, '.');
	size_t seg = dot ? (size_t)(dot - path) : strlen(path);
	const char *rest = dot ? dot + 1 : path + seg;
	const char *br = memchr(path, '[', seg);
	size_t klen = br ? (size_t)(br - path) : seg;
	long idx = br ? strtol(br + 1, NULL, 10) : -1;
	uint32_t pi;
	for (pi = 0; pi < n->len; pi++)
		if (n->v.pairs[pi].key_len == klen && !memcmp(n->v.pairs[pi].key, path, klen))
			break;
	if (pi == n->len)
		return n;
	const struct kg_node *child = n->v.pairs[pi].value, *nchild;
	if (idx >= 0) {
		if (!kg_is_seq(child) || (uint32_t)idx >= child->len)
			return n;
		const struct kg_node *item = child->v.items[idx];
		const struct kg_node *nitem = strip_at(a, item, rest);
		if (nitem == item)
			return n;
		struct kg_node *s = kg_arena_alloc(a, sizeof(*s));
		*s = *child;
		s->v.items = kg_arena_alloc(a, (child->len + 1) * sizeof(*s->v.items));
		memcpy(s->v.items, child->v.items, child->len * sizeof(*s->v.items));
		s->v.items[idx] = (struct kg_node *)(uintptr_t)nitem;
		nchild = s;
	} else {
		nchild = strip_at(a, child, rest);
		if (nchild == child)
			return n;
	}
	struct kg_node *c = kg_arena_alloc(a, sizeof(*c));
	*c = *n;
	c->v.pairs = kg_arena_alloc(a, (n->len + 1) * sizeof(struct kg_pair));
	memcpy(c->v.pairs, n->v.pairs, n->len * sizeof(struct kg_pair));
	c->v.pairs[pi].value = (struct kg_node *)(uintptr_t)nchild;
	return c;
}

/* The object without kguard.io/ignore, or NULL when it carries none. */
const struct kg_node *kg_adm_strip_ignore(struct kg_arena *a, const struct kg_node *root,
					  const struct kg_adm_request *rq)
{
	struct kg_object obj;
	struct kg_doc doc;
	kg_adm_object_init(&obj, &doc, root, rq, a);
	struct metas m = { a, { 0 }, 0, false };
	bool top = has_ignore(kg_map_get(root, "metadata"));
	if (kg_kind_has_pod(&obj))
		kg_pod_each(&obj, on_pod_meta, &m);
	if (!top && !m.found)
		return NULL;
	const struct kg_node *out = root;
	if (top)
		out = strip_at(a, out, "metadata.annotations");
	for (unsigned i = 0; i < m.n; i++) {
		char *p = kg_arena_printf(a, "%s.annotations", m.paths[i]);
		out = strip_at(a, out, p);
	}
	return out;
}

/* ---- the evaluation of one request ---- */

void kg_adm_collect(struct kg_adm_worker *w, const struct kg_adm_config *cfg, const struct kg_adm_settings *s,
		    const struct kg_adm_request *rq, struct kg_adm_decision *d)
{
	ensure_states(w, cfg);
	const struct kg_node *obj = rq->object, *old = rq->old_object;
	const struct kg_node *sobj = s->inline_sup == KG_ADM_INLINE_ALL ? NULL : kg_adm_strip_ignore(&w->arena, obj, rq);
	struct kg_adm_ranges rg, org;
	eval_object(w, cfg, s, rq, sobj ? sobj : obj, &w->rep, &rg);
	/* what the annotation waives: findings of the stripped object that the original lacks */
	struct kg_adm_keyset kept = { NULL, 0 }, primary = { NULL, 0 };
	bool waivable = sobj && s->inline_sup == KG_ADM_INLINE_NON_ENFORCED;
	if (waivable) {
		eval_object(w, cfg, s, rq, obj, &w->orig_rep, &org);
		kg_adm_keyset_build(&kept, &w->arena, &w->orig_rep);
		kg_adm_keyset_build(&primary, &w->arena, &w->rep);
	}
	struct kg_adm_keyset olds = { NULL, 0 };
	bool ratchet = s->ratchet && !strcmp(rq->operation, "UPDATE") && kg_is_map(old);
	/* the old object only matters when something would deny: most UPDATEs skip its evaluation */
	bool would_deny = s->pss[KG_ADM_PSS_ENFORCE].level != KG_PSS_PRIVILEGED &&
			  rg.hi[KG_ADM_PSS_ENFORCE] > rg.lo[KG_ADM_PSS_ENFORCE];
	for (size_t i = rg.other_lo; i < rg.other_hi && !would_deny; i++)
		would_deny = kg_adm_rule_action(s, w->rep.findings[i].rule, w->rep.findings[i].severity) == KG_ADM_ENFORCE;
	if (ratchet && would_deny) {
		struct kg_adm_ranges ogr;
		const struct kg_node *sold = sobj ? kg_adm_strip_ignore(&w->arena, old, rq) : NULL;
		eval_object(w, cfg, s, rq, sold ? sold : old, &w->old_rep, &ogr);
		kg_adm_keyset_build(&olds, &w->arena, &w->old_rep);
	}
	d->evaluated = true;
	size_t cap = w->rep.nfindings + (waivable ? w->orig_rep.nfindings : 0) + 1;
	d->items = kg_arena_alloc(&w->arena, cap * sizeof(*d->items));
	d->nitems = 0;
	struct kg_adm_keyset denied = { kg_arena_alloc(&w->arena, cap * sizeof(uint64_t)), 0 };
	/* enforce first, so that the warn pass can skip what is denied already */
	static const int order[] = { -1, KG_ADM_PSS_ENFORCE, KG_ADM_PSS_WARN, KG_ADM_PSS_AUDIT };
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		int m = order[o];
		size_t lo = m < 0 ? rg.other_lo : rg.lo[m], hi = m < 0 ? rg.other_hi : rg.hi[m];
		if (m >= 0 && s->pss[m].level == KG_PSS_PRIVILEGED)
			continue;
		if (m == KG_ADM_PSS_WARN) /* the key set of denials, sorted for lookups */
			qsort(denied.v, denied.n, sizeof(uint64_t), cmp_u64);
		for (size_t i = lo; i < hi; i++) {
			const struct kg_finding *f = &w->rep.findings[i];
			enum kg_adm_action a;
			if (m < 0)
				a = kg_adm_rule_action(s, f->rule, f->severity);
			else
				a = m == KG_ADM_PSS_ENFORCE ? KG_ADM_ENFORCE : m == KG_ADM_PSS_WARN ? KG_ADM_WARN : KG_ADM_AUDIT;
			if (a == KG_ADM_OFF)
				continue;
			uint64_t key = kg_adm_finding_key(f);
			struct kg_adm_item it = { f, a, m, false, false };
			if (ratchet && would_deny && kg_adm_keyset_has(&olds, key)) {
				it.preexisting = true;
				if (a == KG_ADM_ENFORCE)
					it.action = KG_ADM_WARN;
			}
			if (waivable && !kg_adm_keyset_has(&kept, key)) {
				if (it.action != KG_ADM_ENFORCE)
					continue; /* waived by the annotation */
				it.inline_refused = true;
			}
			/* what the enforce evaluation reported is not repeated by the warn evaluation */
			if (m == KG_ADM_PSS_WARN && kg_adm_keyset_has(&denied, key))
				continue;
			if (m == KG_ADM_PSS_ENFORCE)
				denied.v[denied.n++] = key;
			d->items[d->nitems++] = it;
		}
	}
	/* findings about the annotation itself (policy.suppression-*) exist only in the original */
	if (waivable)
		for (size_t i = org.other_lo; i < org.other_hi; i++) {
			const struct kg_finding *f = &w->orig_rep.findings[i];
			if (kg_adm_keyset_has(&primary, kg_adm_finding_key(f)))
				continue;
			enum kg_adm_action a = kg_adm_rule_action(s, f->rule, f->severity);
			if (a != KG_ADM_OFF)
				d->items[d->nitems++] = (struct kg_adm_item){ f, a, -1, false, false };
		}
	for (size_t i = 0; i < d->nitems; i++) {
		if (d->items[i].action == KG_ADM_ENFORCE)
			d->ndeny++;
		else if (d->items[i].action == KG_ADM_WARN)
			d->nwarn++;
		else
			d->naudit++;
	}
	if (!rg.handled && !d->nitems)
		d->skip = "no rule applies to this kind";
}
