#include "../util/fmt.h"
#include "engine.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

struct kg_engine {
	struct kg_scan_opts opts;
	void **states; /* one per family */
	bool *active;  /* families with at least one rule the policy leaves on: the others never run */
	size_t nfamilies;
	char *last_file; /* input of the previous document */
	unsigned last_doc; /* and its index (kg_doc.index) */
	/* by catalog rank: the verdict when the policy's answer does not depend on the object
	 * (FIXED_DROP or a severity), FIXED_ASK when it does */
	uint8_t *fixed;
	size_t nrules;
	/* the object check_object is on, with what the policy's decisions on it share */
	const struct kg_object *obj;
	struct kg_obj_ignores ignores;
	struct kg_policy_exmemo exmemo;
};

#define FIXED_DROP 0x80
#define FIXED_ASK 0xFF

struct kg_engine *kg_engine_new(const struct kg_scan_opts *opts)
{
	struct kg_engine *e = calloc(1, sizeof(*e));
	if (!e)
		abort();
	e->opts = *opts;
	while (kg_families[e->nfamilies])
		e->nfamilies++;
	e->nrules = kg_rule_count();
	e->states = calloc(e->nfamilies + 1, sizeof(*e->states));
	e->active = calloc(e->nfamilies + 1, sizeof(*e->active));
	e->fixed = malloc(e->nrules + 1);
	if (!e->states || !e->active || !e->fixed)
		abort();
	for (size_t i = 0; i < e->nrules; i++) {
		const struct kg_rule *rule = kg_rule_at(i);
		enum kg_severity sev = rule->severity;
		enum kg_policy_verdict v;
		e->fixed[i] = FIXED_ASK;
		if (kg_policy_rule_fixed(e->opts.policy, i, &v, &sev) && (unsigned)sev < FIXED_DROP)
			e->fixed[i] = v == KG_POLICY_DROP ? FIXED_DROP : (uint8_t)sev;
	}
	for (size_t f = 0; f < e->nfamilies; f++) {
		const struct kg_family *fam = kg_families[f];
		for (size_t i = 0; i < fam->nrules && !e->active[f]; i++) {
			enum kg_severity sev = fam->rules[i].severity;
			e->active[f] = kg_policy_decide(e->opts.policy, &fam->rules[i], NULL, &sev) == KG_POLICY_REPORT;
		}
		if (e->active[f] && fam->state_new)
			e->states[f] = fam->state_new(&e->opts);
	}
	return e;
}

void kg_engine_free(struct kg_engine *e)
{
	if (!e)
		return;
	for (size_t f = 0; f < e->nfamilies; f++)
		if (e->active[f] && kg_families[f]->state_free)
			kg_families[f]->state_free(e->states[f]);
	free(e->states);
	free(e->active);
	free(e->fixed);
	free(e->last_file);
	free(e);
}

static void fill_identity(struct kg_finding *f, const struct kg_object *obj)
{
	if (!obj)
		return;
	f->api_version = obj->api_version;
	f->kind = obj->kind;
	f->namespace_ = obj->namespace_;
	f->name = obj->name;
	f->file = obj->file;
	f->rendered_from = obj->rendered_from;
	f->doc_index = obj->doc_index;
}

/* The policy's verdict on a finding of rule on c's object; *rank is kg_rule_rank(rule). */
static bool dropped(struct kg_check *c, const struct kg_rule *rule, enum kg_severity *sev, size_t *rank)
{
	struct kg_engine *e = c->engine;
	*rank = kg_rule_rank(rule);
	*sev = rule->severity;
	bool drop;
	if (e && c->ignores == &e->ignores && c->obj == e->obj) {
		uint8_t fx = *rank < e->nrules && c->obj->node ? e->fixed[*rank] : FIXED_ASK;
		const struct kg_obj_ignores *ig = c->ignores;
		if (fx != FIXED_ASK &&
		    !(ig->resolved ? ig->meta || ig->pod : kg_policy_obj_ignores(c->obj, c->ignores))) {
			drop = fx == FIXED_DROP;
			if (!drop)
				*sev = (enum kg_severity)fx;
		} else {
			drop = kg_policy_decide_at(c->opts->policy, rule, *rank, c->obj, c->ignores, &e->exmemo, sev) ==
			       KG_POLICY_DROP;
		}
	} else {
		drop = kg_policy_decide_at(c->opts->policy, rule, *rank, c->obj, c->ignores, NULL, sev) == KG_POLICY_DROP;
	}
	if (drop)
		c->report->sum.suppressed++;
	return drop;
}

static void add(struct kg_check *c, const struct kg_rule *rule, size_t rank, enum kg_severity sev,
		struct kg_finding *f, const char *const path[3], const char *fmt, va_list ap)
{
	f->rule = rule;
	f->rule_id = rule->id;
	f->rule_rank = rank < UINT32_MAX ? (uint32_t)rank + 1 : 0;
	f->title = rule->title;
	f->severity = sev;
	kg_report_addv(c->report, f, path, fmt, ap);
}

bool kg_emit_wanted(struct kg_check *c, const struct kg_rule *rule, enum kg_severity *sev)
{
	size_t rank;
	return !dropped(c, rule, sev, &rank);
}

static void emit_decided(struct kg_check *c, const struct kg_rule *rule, size_t rank, enum kg_severity sev,
			 const struct kg_node *at, const char *path, const char *sub, const char *container,
			 const char *fmt, va_list ap) __attribute__((format(printf, 9, 0)));

void kg_emitv(struct kg_check *c, const struct kg_rule *rule, const struct kg_node *at, const char *path,
	      const char *sub, const char *container, const char *fmt, va_list ap)
{
	enum kg_severity sev;
	size_t rank;
	if (!dropped(c, rule, &sev, &rank))
		emit_decided(c, rule, rank, sev, at, path, sub, container, fmt, ap);
}

void kg_emit_decidedv(struct kg_check *c, const struct kg_rule *rule, enum kg_severity sev, const struct kg_node *at,
		      const char *path, const char *sub, const char *container, const char *fmt, va_list ap)
{
	emit_decided(c, rule, kg_rule_rank(rule), sev, at, path, sub, container, fmt, ap);
}

static void emit_decided(struct kg_check *c, const struct kg_rule *rule, size_t rank, enum kg_severity sev,
			 const struct kg_node *at, const char *path, const char *sub, const char *container,
			 const char *fmt, va_list ap)
{
	struct kg_finding f = { 0 };
	fill_identity(&f, c->obj);
	if (!at && c->obj)
		at = c->obj->node;
	if (at) {
		f.line = at->line;
		f.col = at->col;
	}
	f.container = container;
	/* List items carry their position in the List in the path */
	const char *parts[3] = { NULL, path, path ? sub : NULL };
	if (c->obj && c->obj->item_path && *c->obj->item_path && path)
		parts[0] = c->obj->item_path;
	add(c, rule, rank, sev, &f, parts, fmt, ap);
}

void kg_emit(struct kg_check *c, const struct kg_rule *rule, const struct kg_node *at, const char *path,
	     const char *container, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kg_emitv(c, rule, at, path, NULL, container, fmt, ap);
	va_end(ap);
}

void kg_emit_atv(struct kg_check *c, const struct kg_rule *rule, const struct kg_finding *where, const char *fmt,
		 va_list ap)
{
	enum kg_severity sev;
	size_t rank;
	if (dropped(c, rule, &sev, &rank))
		return;
	struct kg_finding f = *where;
	const char *parts[3] = { NULL, where->path, NULL };
	add(c, rule, rank, sev, &f, parts, fmt, ap);
}

void kg_emit_at(struct kg_check *c, const struct kg_rule *rule, const struct kg_finding *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kg_emit_atv(c, rule, where, fmt, ap);
	va_end(ap);
}

/* obj's findings share one copy of its identity strings (NULL: the object is done). */
static void set_owner(struct kg_report *r, const struct kg_object *obj)
{
	if (!obj) {
		kg_report_owner(r, NULL);
		return;
	}
	const char *id[4] = { obj->api_version, obj->kind, obj->namespace_, obj->name };
	kg_report_owner(r, id);
}

static void check_object(struct kg_engine *e, const struct kg_object *obj, const struct kg_doc *doc, struct kg_report *r)
{
	set_owner(r, obj);
	bool handled = false;
	e->obj = obj;
	e->ignores = (struct kg_obj_ignores){ 0 };
	e->exmemo = (struct kg_policy_exmemo){ 0, 0 };
	r->sum.objects++;
	for (size_t f = 0; f < e->nfamilies; f++) {
		if (!e->active[f] || !kg_families[f]->check)
			continue;
		struct kg_check c = { &e->opts, r, obj, doc, e->states[f], &handled, &e->ignores, e };
		kg_families[f]->check(&c);
	}
	e->obj = NULL;
	if (!handled)
		r->sum.skipped++;
	set_owner(r, NULL);
}

void kg_engine_object(struct kg_engine *e, const struct kg_object *obj, const struct kg_doc *doc, struct kg_report *r)
{
	check_object(e, obj, doc, r);
}

extern void kg_core_doc_findings(struct kg_check *c);

/* A streamed report is written document by document: findings sort by document first, so those of
 * the documents before this one are complete and in place. Writing them now bounds the report's
 * memory by the largest document instead of the input (a stream of 20,000 Deployments on stdin
 * held 133 MB of findings) and keeps it in the cache. A document starts a new input when its file
 * changes or its index does not grow (the same path scanned again). */
static void note_doc(struct kg_engine *e, const struct kg_doc *doc, struct kg_report *r)
{
	const char *f = doc->file ? doc->file : "";
	bool same_input = e->last_file && doc->index > e->last_doc && !strcmp(e->last_file, f);
	e->last_doc = doc->index;
	if (same_input) {
		kg_report_flush_part(r);
		return;
	}
	if (e->last_file)
		kg_report_flush(r);
	free(e->last_file);
	e->last_file = strdup(f);
	if (!e->last_file)
		abort();
}

void kg_engine_doc(struct kg_engine *e, const struct kg_doc *doc, struct kg_report *r)
{
	struct kg_object obj;
	note_doc(e, doc, r);
	r->sum.documents++;
	if (!kg_object_init(&obj, doc->root, doc, NULL)) {
		struct kg_diag d;
		kg_diag_set(&d, doc->file, doc->root->line, doc->root->col,
			    "document is a %s, not a Kubernetes object (a mapping with apiVersion and kind)",
			    kg_type_name((enum kg_type)doc->root->type));
		kg_report_error(r, &d);
		return;
	}
	bool ignored = false;
	struct kg_check c = { &e->opts, r, &obj, doc, NULL, &ignored, NULL, NULL };
	set_owner(r, &obj);
	kg_core_doc_findings(&c);
	set_owner(r, NULL);
	if (kg_object_is_list(&obj)) {
		const struct kg_node *items = kg_map_get(obj.node, "items");
		for (uint32_t i = 0; i < items->len; i++) {
			char ip[32];
			kg_fmt(ip, sizeof(ip), "items[%u]", i);
			struct kg_object item;
			if (kg_object_init(&item, items->v.items[i], doc, ip))
				check_object(e, &item, doc, r);
		}
		return;
	}
	check_object(e, &obj, doc, r);
}

void kg_engine_finish(struct kg_engine *e, struct kg_report *r)
{
	kg_report_flush(r); /* the last input; the cross-object findings come as a chunk of their own */
	for (size_t f = 0; f < e->nfamilies; f++) {
		if (!e->active[f] || !kg_families[f]->finish)
			continue;
		bool ignored = false;
		struct kg_check c = { &e->opts, r, NULL, NULL, e->states[f], &ignored, NULL, NULL };
		kg_families[f]->finish(&c);
	}
}
