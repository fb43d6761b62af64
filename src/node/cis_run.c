/* A kguard node run: roles, loading the components the roles need, the policy (disabled
 * checks, severities, accepted values, a managed control plane), evaluating every row of the
 * benchmark table and keeping one result per row. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rules/policy.h"
#include "../rules/rule.h"
#include "cis_priv.h"

#define DEFAULT_BENCHMARK "cis-1.12"

int kg_cis_roles_parse(const char *s, unsigned *roles)
{
	*roles = 0;
	if (!strcmp(s, "auto"))
		return 0;
	const char *p = s;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (!n)
			return -1;
		if ((n == 6 && !strncmp(p, "master", 6)) || (n == 12 && !strncmp(p, "controlplane", 12)))
			*roles |= KG_CIS_ROLE_MASTER;
		else if (n == 4 && !strncmp(p, "etcd", 4))
			*roles |= KG_CIS_ROLE_ETCD;
		else if ((n == 4 && !strncmp(p, "node", 4)) || (n == 6 && !strncmp(p, "worker", 6)))
			*roles |= KG_CIS_ROLE_NODE;
		else
			return -1;
		if (!end)
			break;
		p = end + 1;
		if (!*p)
			return -1; /* trailing comma */
	}
	return *roles ? 0 : -1;
}

const char *kg_cis_status_name(enum kg_cis_status s)
{
	static const char *const names[] = { "PASS", "FAIL", "WARN", "INFO" };
	return (unsigned)s < 4 ? names[s] : "?";
}

struct kg_cis_run *kg_cis_new(const struct kg_cis_opts *o)
{
	struct kg_cis_run *run = calloc(1, sizeof(*run));
	if (!run)
		abort();
	kg_arena_init(&run->arena, 64 * 1024);
	run->opts = *o;
	const char *root = o->root && *o->root ? o->root : "/";
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	run->root = (n == 1 && root[0] == '/') ? "" : kg_arena_strndup(&run->arena, root, n);
	run->benchmark = o->benchmark ? o->benchmark : DEFAULT_BENCHMARK;
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.max_doc_bytes = KG_CIS_MAX_FILE;
	run->loader = kg_loader_new(&lim);
	return run;
}

void kg_cis_free(struct kg_cis_run *run)
{
	if (!run)
		return;
	kg_loader_free(run->loader);
	kg_arena_release(&run->arena);
	free(run);
}

size_t kg_cis_nresults(const struct kg_cis_run *run)
{
	return run->nresults;
}

const struct kg_cis_result *kg_cis_result_at(const struct kg_cis_run *run, size_t i)
{
	return i < run->nresults ? &run->results[i] : NULL;
}

void kg_cis_totals(const struct kg_cis_run *run, unsigned totals[4])
{
	memcpy(totals, run->totals, sizeof(run->totals));
}

unsigned kg_cis_roles(const struct kg_cis_run *run)
{
	return run->roles;
}

const char *kg_cis_benchmark(const struct kg_cis_run *run)
{
	return run->benchmark;
}

/* --- policy parameters: nodeChecks: {managedControlPlane: {reason}, accept: {RULE: {values, reason}}} ---
 * One walker serves the policy loader (run == NULL: stop at the first problem, fill err) and
 * the run (report every problem as an input error and keep the valid entries). */

struct pwalk {
	struct kg_cis_run *run; /* NULL when only checking */
	struct kg_diag *err;
	bool failed;
};

static void param_error(struct pwalk *w, const struct kg_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void param_error(struct pwalk *w, const struct kg_node *at, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->run)
		kg_cis_error(w->run, w->run->opts.params_file ? w->run->opts.params_file : "policy", at ? at->line : 0,
			     at ? at->col : 0, "parameters.nodeChecks: %s", msg);
	else if (!w->failed)
		kg_diag_set(w->err, NULL, at ? at->line : 0, at ? at->col : 0, "parameters.nodeChecks: %s", msg);
	w->failed = true;
}

static const char *reason_of(struct pwalk *w, const struct kg_node *m, const char *what)
{
	const struct kg_node *r = kg_map_get(m, "reason");
	const char *s = kg_str(r);
	if (!s || !*s) {
		param_error(w, r ? r : m, "%s needs a reason (a non-empty string)", what);
		return NULL;
	}
	return s;
}

static bool only_keys(struct pwalk *w, const struct kg_node *m, const char *what, const char *const *keys)
{
	for (uint32_t i = 0; i < m->len; i++) {
		bool ok = false;
		for (size_t k = 0; keys[k] && !ok; k++)
			ok = !strcmp(m->v.pairs[i].key, keys[k]);
		if (!ok) {
			struct kg_node at = { 0 };
			at.line = m->v.pairs[i].line;
			at.col = m->v.pairs[i].col;
			param_error(w, &at, "unknown key '%s' in %s", m->v.pairs[i].key, what);
			return false;
		}
	}
	return true;
}

static void walk_params(struct pwalk *w, const struct kg_node *p)
{
	static const char *const top[] = { "managedControlPlane", "accept", NULL };
	static const char *const mkeys[] = { "reason", NULL };
	static const char *const akeys[] = { "values", "reason", NULL };
	struct kg_cis_run *run = w->run;
	char what[160];
	if (!kg_is_map(p)) {
		param_error(w, p, "must be an object with managedControlPlane and/or accept");
		return;
	}
	if (!only_keys(w, p, "nodeChecks (expected managedControlPlane, accept)", top))
		return;
	const struct kg_node *m = kg_map_get(p, "managedControlPlane");
	if (m) {
		if (!kg_is_map(m))
			param_error(w, m, "managedControlPlane must be an object with a reason");
		else if (only_keys(w, m, "managedControlPlane (expected reason)", mkeys)) {
			const char *reason = reason_of(w, m, "managedControlPlane");
			if (run)
				run->managed_reason = reason;
		}
	}
	const struct kg_node *acc = kg_map_get(p, "accept");
	if (!acc || (w->failed && !run))
		return;
	if (!kg_is_map(acc)) {
		param_error(w, acc, "accept must map rule ids to {values, reason}");
		return;
	}
	size_t alloc = 0;
	for (uint32_t i = 0; i < acc->len && !(w->failed && !run); i++) {
		const struct kg_pair *kp = &acc->v.pairs[i];
		const struct kg_rule *rule = kg_rule_find(kp->key);
		struct kg_node at = { 0 };
		at.line = kp->line;
		at.col = kp->col;
		if (!rule || strncmp(kp->key, "cis.", 4)) {
			param_error(w, &at, "accept: unknown rule id '%s' (node checks are cis.<benchmark id>, e.g. cis.1.2.17)",
				    kp->key);
			continue;
		}
		const struct kg_node *v = kp->value;
		if (!kg_is_map(v)) {
			param_error(w, v, "accept.%s must be an object with values and reason", kp->key);
			continue;
		}
		snprintf(what, sizeof(what), "accept.%s (expected values, reason)", kp->key);
		if (!only_keys(w, v, what, akeys))
			continue;
		const struct kg_node *vals = kg_map_get(v, "values");
		bool ok = kg_is_seq(vals) && vals->len > 0;
		for (uint32_t k = 0; ok && k < vals->len; k++)
			ok = vals->v.items[k]->type != KG_MAP && vals->v.items[k]->type != KG_SEQ &&
			     vals->v.items[k]->type != KG_NULL;
		if (!ok) {
			param_error(w, vals ? vals : v, "accept.%s.values must be a non-empty list of values", kp->key);
			continue;
		}
		snprintf(what, sizeof(what), "accept.%s", kp->key);
		const char *reason = reason_of(w, v, what);
		if (!reason || !run)
			continue;
		run->accept = kg_cis_grow(&run->arena, run->accept, &alloc, run->naccept + 1, sizeof(*run->accept));
		run->accept[run->naccept++] = (struct kg_cis_accept){ rule->id, vals, reason };
	}
}

int kg_node_param_check(const char *name, const struct kg_node *value, struct kg_diag *err)
{
	if (strcmp(name, "nodeChecks"))
		return 0;
	struct pwalk w = { NULL, err, false };
	walk_params(&w, value);
	return w.failed ? -1 : 1;
}

static void load_params(struct kg_cis_run *run)
{
	struct pwalk w = { run, NULL, false };
	if (run->opts.params)
		walk_params(&w, run->opts.params);
}

/* --- the run --- */

static struct kg_cis_result *add_result(struct kg_cis_run *run)
{
	run->results = kg_cis_grow(&run->arena, run->results, &run->aresults, run->nresults + 1, sizeof(*run->results));
	struct kg_cis_result *r = &run->results[run->nresults++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void finish(struct kg_cis_run *run, struct kg_cis_eval *ev)
{
	struct kg_cis_result *r = ev->res;
	if (ev->nfail) {
		r->status = r->automated ? KG_CIS_FAIL : KG_CIS_WARN;
	} else if (ev->undecided) {
		r->status = KG_CIS_WARN;
		r->reason = kg_arena_printf(&run->arena, "not checked: %s", ev->note);
	} else if (ev->not_applicable) {
		r->status = KG_CIS_INFO;
		r->reason = ev->note;
	} else if (ev->naccepted) {
		r->status = KG_CIS_INFO;
		r->reason = kg_arena_printf(&run->arena, "accepted by policy: %s", ev->accept_reason);
	} else {
		r->status = KG_CIS_PASS;
	}
	run->totals[r->status]++;
}

static bool required_missing(struct kg_cis_run *run, enum kg_cis_comp_id id)
{
	const struct kg_cis_comp *c = &run->comp[id];
	if (c->loaded || c->absent_is_error)
		return false;
	kg_cis_error(run, run->root[0] ? run->root : "/", 0, 0, "%s", c->absent);
	return true;
}

int kg_cis_check(struct kg_cis_run *run, struct kg_report *r)
{
	run->report = r;
	if (strcmp(run->benchmark, DEFAULT_BENCHMARK)) {
		kg_cis_error(run, "", 0, 0, "unknown benchmark '%s' (available: %s)", run->benchmark, DEFAULT_BENCHMARK);
		return -1;
	}
	struct stat st;
	const char *rootdisp = run->root[0] ? run->root : "/";
	if (stat(rootdisp, &st) != 0 || !S_ISDIR(st.st_mode)) {
		kg_cis_error(run, rootdisp, 0, 0, "--root must be a directory holding the node's filesystem");
		return -1;
	}
	load_params(run);
	kg_cis_detect(run);
	const struct kg_cis_comp *c = run->comp;
	unsigned roles = run->opts.roles;
	if (!roles) {
		if (c[KG_CIS_APISERVER].exists || c[KG_CIS_CONTROLLERMANAGER].exists || c[KG_CIS_SCHEDULER].exists)
			roles |= KG_CIS_ROLE_MASTER;
		if (c[KG_CIS_ETCD].exists)
			roles |= KG_CIS_ROLE_ETCD;
		if (c[KG_CIS_KUBELET].exists)
			roles |= KG_CIS_ROLE_NODE;
	}
	unsigned managed = run->managed_reason ? (KG_CIS_ROLE_MASTER | KG_CIS_ROLE_ETCD) : 0;
	run->roles = roles & ~managed;
	if (!run->roles && !managed) {
		kg_cis_error(run, rootdisp, 0, 0,
			     "nothing to check: no control plane manifests, etcd or kubelet configuration found here "
			     "(use --role to name what this node runs)");
		return -1;
	}
	if (run->roles & KG_CIS_ROLE_MASTER) {
		kg_cis_load(run, KG_CIS_APISERVER);
		kg_cis_load(run, KG_CIS_CONTROLLERMANAGER);
		kg_cis_load(run, KG_CIS_SCHEDULER);
		required_missing(run, KG_CIS_APISERVER);
		required_missing(run, KG_CIS_CONTROLLERMANAGER);
		required_missing(run, KG_CIS_SCHEDULER);
	}
	if ((run->roles & KG_CIS_ROLE_ETCD) || ((run->roles & KG_CIS_ROLE_MASTER) && c[KG_CIS_ETCD].exists))
		kg_cis_load(run, KG_CIS_ETCD);
	if (run->roles & KG_CIS_ROLE_ETCD)
		required_missing(run, KG_CIS_ETCD);
	if (run->roles & KG_CIS_ROLE_NODE) {
		kg_cis_load(run, KG_CIS_KUBELET);
		kg_cis_load(run, KG_CIS_PROXY);
		required_missing(run, KG_CIS_KUBELET);
	}
	/* a managed control plane is one line per section, not a row per check nobody can run */
	static const struct {
		const char *id, *section, *title;
	} managed_sections[] = {
		{ "1", "master", "Control Plane Security Configuration" },
		{ "2", "etcd", "Etcd Node Configuration" },
		{ "3", "controlplane", "Control Plane Configuration" },
	};
	for (size_t i = 0; managed && i < 3; i++) {
		struct kg_cis_result *m = add_result(run);
		m->id = managed_sections[i].id;
		m->section = managed_sections[i].section;
		m->title = managed_sections[i].title;
		m->status = KG_CIS_INFO;
		m->severity = KG_SEV_NONE;
		m->reason = kg_arena_printf(&run->arena, "managed control plane: %s", run->managed_reason);
		run->totals[KG_CIS_INFO]++;
	}
	for (size_t i = 0; i < kg_cis_ncheck(); i++) {
		const struct kg_cis_check *ck = kg_cis_check_at(i);
		unsigned role = kg_cis_check_role(ck);
		if (!(role & run->roles))
			continue;
		struct kg_cis_result *res = add_result(run);
		char rid[32];
		snprintf(rid, sizeof(rid), "cis.%s", kg_cis_check_id(ck));
		const struct kg_rule *rule = kg_rule_find(rid);
		res->id = kg_cis_check_id(ck);
		res->rule_id = rule ? rule->id : NULL;
		res->section = kg_cis_check_section(ck);
		res->title = rule ? rule->title : kg_cis_check_title(ck);
		res->automated = kg_cis_check_automated(ck);
		res->expected = kg_cis_check_expected(run, ck);
		res->severity = KG_SEV_NONE;
		struct kg_cis_eval ev;
		memset(&ev, 0, sizeof(ev));
		ev.check = ck;
		ev.rule = rule;
		ev.res = res;
		ev.severity = rule ? rule->severity : KG_SEV_INFO;
		if (rule && kg_policy_decide(run->opts.policy, rule, NULL, &ev.severity) == KG_POLICY_DROP) {
			kg_cis_na(run, &ev, "disabled by policy");
		} else {
			kg_cis_evaluate(run, &ev);
		}
		finish(run, &ev);
	}
	/* section 5 is about the cluster's objects, which `kguard scan` checks */
	struct kg_cis_result *p = add_result(run);
	p->id = "5";
	p->section = "policies";
	p->title = "Kubernetes Policies (RBAC, service accounts, pod security, network policies, secrets, namespaces)";
	p->status = KG_CIS_INFO;
	p->severity = KG_SEV_NONE;
	p->reason = "checked by `kguard scan` on the cluster's manifests, not on the node";
	run->totals[KG_CIS_INFO]++;
	return 0;
}
