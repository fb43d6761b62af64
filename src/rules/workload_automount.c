/* workload.automount-token for pods that leave spec.automountServiceAccountToken unset. The
 * kubelet then mounts a token unless the pod's ServiceAccount sets the field to false, and that
 * ServiceAccount may be any object of the run: one earlier or later in the same file, or in
 * another file. So a scan keeps each such pod (identity, position and the policy's decision on
 * its object, taken while the object is at hand) and every v1 ServiceAccount, and judges them in
 * finish(), whatever the input order. A ServiceAccount defined more than once (a base and an
 * overlay in one run) disables the token only when every definition sets false.
 *
 * Records and strings live in the state's arena, in input order; a pod's strings repeat the
 * previous pod's copies when equal (the pods of one file share file and kinds). finish() reports
 * in that order, handing the findings to the report's stream input by input (and every few hundred
 * within a long one, at a document boundary), as the engine does while reading: holding them all
 * until the end made the report grow with the run (20,000 Deployments on stdin: 5.5 to 19.7 MiB)
 * and cost 5 % of a corpus scan in fresh memory. They come before the other cross-object findings. */
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "policy.h"
#include "workload_priv.h"

struct pod_rec {
	struct pod_rec *next;
	const char *file, *rendered_from, *api_version, *kind, *namespace_, *name, *path;
	const char *sa;      /* the ServiceAccount's name (its namespace: namespace_, else "default") */
	uint32_t line, col, doc_index;
	bool drop;           /* the policy drops the rule on this object */
};

struct sa_rec {
	const char *ns, *name;
	int automount; /* -1 unset, 0 false, 1 true */
};

enum { KEEP_FILE, KEEP_RENDERED, KEEP_API, KEEP_KIND, KEEP_NS, KEEP_SA, KEEP_PATH, KEEP_SLOTS };

struct wl_defer {
	struct kg_arena arena;
	struct pod_rec *pods, **tail;
	struct sa_rec *sas;
	size_t nsas, asas;
	const char *prev[KEEP_SLOTS]; /* the last copy made per kind of string */
};

struct wl_defer *wl_defer_new(void)
{
	struct wl_defer *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	kg_arena_init(&d->arena, 1 << 14);
	d->tail = &d->pods;
	return d;
}

void wl_defer_free(struct wl_defer *d)
{
	if (!d)
		return;
	kg_arena_release(&d->arena);
	free(d->sas);
	free(d);
}

/* A copy of s for the run (NULL stays NULL); the previous copy of this slot when equal. */
static const char *keep(struct wl_defer *d, int slot, const char *s)
{
	if (!s)
		return NULL;
	if (slot >= 0 && d->prev[slot] && !strcmp(d->prev[slot], s))
		return d->prev[slot];
	const char *copy = kg_arena_strdup(&d->arena, s);
	if (slot >= 0)
		d->prev[slot] = copy;
	return copy;
}

static const char field[] = ".automountServiceAccountToken";

/* item.spec_path.automountServiceAccountToken (no "item." when li is 0) at dst. */
static void join_path(char *dst, const char *item, size_t li, const char *spec_path, size_t ls)
{
	if (li) {
		memcpy(dst, item, li);
		dst += li;
		*dst++ = '.';
	}
	memcpy(dst, spec_path, ls);
	memcpy(dst + ls, field, sizeof(field));
}

/* The path emit_decided would join: List item, pod spec, field. */
static const char *field_path(struct wl_defer *d, const char *item, const char *spec_path)
{
	size_t li = item ? strlen(item) : 0, ls = strlen(spec_path), size = li + 1 + ls + sizeof(field);
	char buf[512];
	if (size <= sizeof(buf)) {
		join_path(buf, item, li, spec_path, ls);
		return keep(d, KEEP_PATH, buf);
	}
	char *path = kg_arena_alloc_str(&d->arena, size);
	join_path(path, item, li, spec_path, ls);
	return path;
}

void wl_defer_pod(struct wl_defer *d, const struct wl_pod *pod, const char *sa)
{
	struct kg_check *c = pod->c;
	const struct kg_object *o = c->obj;
	enum kg_severity sev = kg_workload_rules[WL_AUTOMOUNT].severity;
	struct pod_rec *p = kg_arena_alloc(&d->arena, sizeof(*p));
	p->next = NULL;
	p->drop = kg_policy_decide_obj(c->opts->policy, &kg_workload_rules[WL_AUTOMOUNT], o, c->ignores, &sev) ==
		  KG_POLICY_DROP;
	p->file = keep(d, KEEP_FILE, o->file);
	p->rendered_from = keep(d, KEEP_RENDERED, o->rendered_from);
	p->api_version = keep(d, KEEP_API, o->api_version);
	p->kind = keep(d, KEEP_KIND, o->kind);
	p->namespace_ = keep(d, KEEP_NS, o->namespace_);
	p->name = keep(d, -1, o->name);
	p->sa = keep(d, KEEP_SA, sa);
	p->path = field_path(d, o->item_path, pod->ref->spec_path);
	p->line = pod->spec->line;
	p->col = pod->spec->col;
	p->doc_index = o->doc_index;
	*d->tail = p;
	d->tail = &p->next;
}

void wl_defer_service_account(struct wl_defer *d, const struct kg_check *c)
{
	const struct kg_object *o = c->obj;
	if (!o->name)
		return; /* the API server rejects it: no pod can run as it */
	if (d->nsas == d->asas) {
		size_t n = d->asas ? d->asas * 2 : 16;
		struct sa_rec *v = realloc(d->sas, n * sizeof(*v));
		if (!v)
			abort();
		d->sas = v;
		d->asas = n;
	}
	struct sa_rec *s = &d->sas[d->nsas++];
	s->ns = keep(d, -1, o->namespace_ ? o->namespace_ : "default");
	s->name = keep(d, -1, o->name);
	bool v;
	s->automount = kg_as_bool(kg_map_get(o->node, "automountServiceAccountToken"), &v) ? (int)v : -1;
}

static int cmp_sa(const void *a, const void *b)
{
	const struct sa_rec *x = a, *y = b;
	int c = strcmp(x->ns, y->ns);
	return c ? c : strcmp(x->name, y->name);
}

/* Sort the accounts and merge the definitions of each namespace and name into one: 0 when every
 * one sets false, 1 when one sets true, else -1 (one leaves it unset: the default mounts). */
static void merge_sas(struct wl_defer *d)
{
	if (!d->nsas)
		return;
	qsort(d->sas, d->nsas, sizeof(*d->sas), cmp_sa);
	size_t n = 1;
	for (size_t i = 1; i < d->nsas; i++) {
		struct sa_rec *last = &d->sas[n - 1];
		if (cmp_sa(last, &d->sas[i])) {
			d->sas[n++] = d->sas[i];
			continue;
		}
		last->automount = kg_sa_automount_merge(last->automount, d->sas[i].automount);
	}
	d->nsas = n;
}

/* What the run says of ServiceAccount ns/name (merge_sas), -2 when it does not define it. */
static int sa_automount(const struct wl_defer *d, const char *ns, const char *name)
{
	struct sa_rec key = { ns, name, 0 };
	const struct sa_rec *s = d->nsas ? bsearch(&key, d->sas, d->nsas, sizeof(*d->sas), cmp_sa) : NULL;
	return s ? s->automount : -2;
}

/* Findings held before they are handed on at a document boundary. */
#define HOLD_MAX 256

void wl_defer_finish(struct wl_defer *d, struct kg_check *c)
{
	merge_sas(d);
	const struct kg_rule *rule = &kg_workload_rules[WL_AUTOMOUNT];
	const struct pod_rec *prev = NULL;
	size_t held = c->report->nfindings;
	for (const struct pod_rec *p = d->pods; p; prev = p, p = p->next) {
		/* a new input as the engine tells one (kg_engine_doc): another file, or no later document */
		if (prev && ((prev->file != p->file && strcmp(prev->file ? prev->file : "", p->file ? p->file : "")) ||
			     p->doc_index <= prev->doc_index)) {
			kg_report_flush(c->report);
			held = 0;
		} else if (prev && p->doc_index != prev->doc_index && held >= HOLD_MAX) {
			kg_report_flush_part(c->report);
			held = 0;
		}
		int am = sa_automount(d, p->namespace_ ? p->namespace_ : "default", p->sa);
		if (am == 0)
			continue; /* the ServiceAccount disables the token: nothing to report */
		if (p->drop) {
			c->report->sum.suppressed++;
			continue;
		}
		held++;
		struct kg_finding f = { 0 };
		f.file = p->file;
		f.rendered_from = p->rendered_from;
		f.line = p->line;
		f.col = p->col;
		f.path = p->path;
		f.api_version = p->api_version;
		f.kind = p->kind;
		f.namespace_ = p->namespace_;
		f.name = p->name;
		f.doc_index = p->doc_index;
		if (am == -2)
			kg_emit_at(c, rule, &f, WL_AUTOMOUNT_UNSET_FMT, p->sa);
		else if (am == 1)
			kg_emit_at(c, rule, &f,
				   "the pod does not set automountServiceAccountToken: false and its ServiceAccount '%s' in the "
				   "scanned files sets it to true, so an API token is mounted; set it to false on the pod "
				   "unless the pod calls the API",
				   p->sa);
		else
			kg_emit_at(c, rule, &f,
				   "the pod does not set automountServiceAccountToken: false, nor does its ServiceAccount '%s' "
				   "in the scanned files, so an API token is mounted; set it to false on either unless the pod "
				   "calls the API",
				   p->sa);
	}
	kg_report_flush(c->report); /* the other cross-object findings are a chunk of their own */
}
