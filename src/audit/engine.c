/* The audit engine: rules in order, first match (or all), per-rule counts, kg.* state. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"

struct kg_audit_engine {
	const struct kg_ruleset *rs;
	struct kg_audit_opts opts;
	struct kg_cond_eval eval;
	uint32_t *active; /* indexes of the rules evaluated, in order */
	uint32_t nactive;
	uint64_t *counts;
	uint64_t total;
	bool stateful;
	struct kg_field_state state;
	void (*alert)(void *ctx, const struct kg_alert *a);
	void *ctx;
};

void kg_audit_opts_default(struct kg_audit_opts *o)
{
	o->matching = KG_MATCH_FIRST;
	o->min_priority = KG_PRI_DEBUG;
	o->burst_users = KG_BURST_DEFAULT_USERS;
	o->burst_window_ns = (uint64_t)KG_BURST_DEFAULT_WINDOW_S * 1000000000ull;
}

struct kg_audit_engine *kg_audit_engine_new(const struct kg_ruleset *rs, const struct kg_audit_opts *o,
					    void (*alert)(void *ctx, const struct kg_alert *a), void *ctx)
{
	struct kg_audit_engine *e = calloc(1, sizeof(*e));
	if (!e)
		abort();
	e->rs = rs;
	e->opts = *o;
	e->alert = alert;
	e->ctx = ctx;
	size_t n = kg_ruleset_nrules(rs);
	e->active = calloc(n ? n : 1, sizeof(*e->active));
	e->counts = calloc(n ? n : 1, sizeof(*e->counts));
	if (!e->active || !e->counts)
		abort();
	for (size_t i = 0; i < n; i++) {
		const struct kg_crule *r = kg_ruleset_rule(rs, i);
		/* Falco's priority threshold: rules less severe than it are not loaded at all, so they
		 * cannot win a first match either. */
		if (r->enabled && r->priority <= o->min_priority)
			e->active[e->nactive++] = (uint32_t)i;
	}
	kg_cond_eval_init(&e->eval, kg_ruleset_slots(rs));
	e->stateful = kg_ruleset_uses_field(rs, "kg.user.authz_failures");
	if (e->stateful) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		uint64_t seed = (uint64_t)t.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid() << 32 ^ (uint64_t)t.tv_sec;
		kg_burst_init(&e->state, o->burst_users, o->burst_window_ns, seed);
	}
	return e;
}

void kg_audit_engine_free(struct kg_audit_engine *e)
{
	if (!e)
		return;
	kg_cond_eval_release(&e->eval);
	if (e->stateful)
		kg_burst_release(&e->state);
	free(e->active);
	free(e->counts);
	free(e);
}

unsigned kg_audit_engine_event(struct kg_audit_engine *e, const struct kg_node *ev, uint64_t ts_ns)
{
	if (e->stateful)
		kg_burst_observe(&e->state, ev, ts_ns);
	struct kg_event_view view = { ev, ts_ns, e->stateful ? &e->state : NULL };
	kg_cond_eval_begin(&e->eval, &view);
	unsigned fired = 0;
	for (uint32_t i = 0; i < e->nactive; i++) {
		uint32_t ri = e->active[i];
		const struct kg_crule *r = kg_ruleset_rule(e->rs, ri);
		if (!kg_cond_eval(&e->eval, r->cond))
			continue;
		e->counts[ri]++;
		e->total++;
		fired++;
		if (e->alert) {
			struct kg_alert a = { r, ts_ns, &e->eval, kg_ruleset_slots(e->rs) };
			e->alert(e->ctx, &a);
		}
		if (e->opts.matching == KG_MATCH_FIRST)
			break;
	}
	return fired;
}

const uint64_t *kg_audit_engine_counts(const struct kg_audit_engine *e) { return e->counts; }
uint64_t kg_audit_engine_total(const struct kg_audit_engine *e) { return e->total; }

const struct kg_field_state *kg_audit_engine_state(const struct kg_audit_engine *e)
{
	return e->stateful ? &e->state : NULL;
}
