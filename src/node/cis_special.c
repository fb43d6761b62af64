/* Checks that read a whole document the API server is pointed at (encryption configuration,
 * audit policy) or compare two components (etcd's CA), and the kubelet TLS check that accepts
 * server certificate bootstrap. */
#include <string.h>

#include "../core/k8s.h"
#include "cis_priv.h"

/* --- 1.2.28: the provider that encrypts new Secrets --- */

static bool covers_secrets(const struct kg_node *resources)
{
	for (uint32_t i = 0; kg_is_seq(resources) && i < resources->len; i++) {
		const char *r = kg_str(resources->v.items[i]);
		if (r && (!strcmp(r, "secrets") || !strcmp(r, "*.") || !strcmp(r, "*.*")))
			return true;
	}
	return false;
}

void kg_cis_check_encryption(struct kg_cis_run *run, struct kg_cis_eval *ev)
{
	struct kg_cis_comp *c = &run->comp[KG_CIS_APISERVER];
	const struct kg_cis_flag *f = kg_cis_flags_get(&c->flags, "encryption-provider-config");
	if (!f || !f->value[0]) {
		kg_cis_actual(run, ev, NULL, "--encryption-provider-config not set");
		kg_cis_undecided(run, ev, NULL, "--encryption-provider-config is not set (see 1.2.27)");
		return;
	}
	const char *np = kg_cis_abs(run, f->value);
	const struct kg_node *root = kg_cis_load_config(run, np, "EncryptionConfiguration", &f->at,
							"--encryption-provider-config");
	if (!root) {
		kg_cis_undecided(run, ev, NULL, "the encryption configuration %s could not be used", kg_cis_display(run, np));
		return;
	}
	const char *disp = kg_cis_display(run, np);
	const struct kg_node *list = kg_map_get(root, "resources");
	for (uint32_t i = 0; kg_is_seq(list) && i < list->len; i++) {
		const struct kg_node *entry = list->v.items[i];
		if (!covers_secrets(kg_map_get(entry, "resources")))
			continue;
		/* the first provider encrypts what is written; the others only decrypt */
		const struct kg_node *providers = kg_map_get(entry, "providers");
		const struct kg_node *first = kg_seq_at(providers, 0);
		if (!kg_is_map(first) || !first->len) {
			struct kg_cis_loc at = { disp, entry->line, entry->col, kg_arena_printf(&run->arena, "resources[%u]", i), NULL };
			kg_cis_actual(run, ev, &at, "no provider");
			kg_cis_fail(run, ev, &at, "", "the entry for secrets has no providers; fix: %s", kg_cis_check_fix(ev->check));
			return;
		}
		const struct kg_pair *p = &first->v.pairs[0];
		struct kg_cis_loc at = { disp, p->line, p->col, kg_arena_printf(&run->arena, "resources[%u].providers[0].%s", i, p->key),
					 NULL };
		kg_cis_actual(run, ev, &at, "provider=%s", p->key);
		if (!kg_cis_compare("valid_elements", p->key, "aescbc,kms,secretbox"))
			kg_cis_fail(run, ev, &at, p->key, "Secrets are written with the '%s' provider%s; fix: %s", p->key,
				    !strcmp(p->key, "identity") ? ", i.e. unencrypted" : "", kg_cis_check_fix(ev->check));
		return;
	}
	struct kg_cis_loc at = { disp, list ? list->line : root->line, list ? list->col : root->col, "resources", NULL };
	kg_cis_actual(run, ev, &at, "secrets not listed");
	kg_cis_fail(run, ev, &at, "", "no resources entry covers secrets, so they are stored unencrypted; fix: %s",
		    kg_cis_check_fix(ev->check));
}

/* --- 3.2.2: what the audit policy logs, by simulating representative requests --- */

enum level { L_NONE, L_METADATA, L_REQUEST, L_REQUESTRESPONSE, L_INVALID };

struct request {
	const char *verb, *group, *resource, *subresource;
	bool sensitive; /* contents must not be logged: Metadata exactly */
	const char *label;
};

static const struct request requests[] = {
	{ "get", "", "secrets", "", true, "get secrets" },
	{ "get", "", "configmaps", "", true, "get configmaps" },
	{ "create", "authentication.k8s.io", "tokenreviews", "", true, "create tokenreviews" },
	{ "create", "", "pods", "", false, "create pods" },
	{ "update", "", "pods", "", false, "update pods" },
	{ "patch", "", "pods", "", false, "patch pods" },
	{ "delete", "", "pods", "", false, "delete pods" },
	{ "create", "apps", "deployments", "", false, "create deployments" },
	{ "update", "apps", "deployments", "", false, "update deployments" },
	{ "patch", "apps", "deployments", "", false, "patch deployments" },
	{ "delete", "apps", "deployments", "", false, "delete deployments" },
	{ "create", "", "pods", "exec", false, "pods/exec" },
	{ "create", "", "pods", "portforward", false, "pods/portforward" },
	{ "get", "", "pods", "proxy", false, "pods/proxy" },
	{ "get", "", "services", "proxy", false, "services/proxy" },
};

static bool has_str(const struct kg_node *seq, const char *s)
{
	for (uint32_t i = 0; kg_is_seq(seq) && i < seq->len; i++) {
		const char *v = kg_str(seq->v.items[i]);
		if (v && !strcmp(v, s))
			return true;
	}
	return false;
}

static bool nonempty(const struct kg_node *seq)
{
	return kg_is_seq(seq) && seq->len > 0;
}

/* k8s.io/apiserver audit policy rule matching for a request by an ordinary authenticated user
 * in an ordinary namespace (rules that name users or namespaces are about someone else) */
static bool rule_matches(const struct kg_node *rule, const struct request *rq)
{
	if (nonempty(kg_map_get(rule, "users")))
		return false;
	const struct kg_node *groups = kg_map_get(rule, "userGroups");
	if (nonempty(groups) && !has_str(groups, "system:authenticated"))
		return false;
	const struct kg_node *verbs = kg_map_get(rule, "verbs");
	if (nonempty(verbs) && !has_str(verbs, rq->verb))
		return false;
	const struct kg_node *ns = kg_map_get(rule, "namespaces"), *res = kg_map_get(rule, "resources");
	if (nonempty(ns))
		return false;
	if (!nonempty(res))
		return !nonempty(kg_map_get(rule, "nonResourceURLs"));
	char combined[128];
	snprintf(combined, sizeof(combined), "%s%s%s", rq->resource, rq->subresource[0] ? "/" : "", rq->subresource);
	for (uint32_t i = 0; i < res->len; i++) {
		const struct kg_node *gr = res->v.items[i];
		const char *group = kg_str(kg_map_get(gr, "group"));
		if (strcmp(group ? group : "", rq->group))
			continue;
		const struct kg_node *names = kg_map_get(gr, "resources");
		if (!nonempty(names))
			return true;
		if (nonempty(kg_map_get(gr, "resourceNames")))
			continue; /* only some objects */
		for (uint32_t k = 0; k < names->len; k++) {
			const char *r = kg_str(names->v.items[k]);
			if (!r)
				continue;
			size_t rl = strlen(r);
			if (!strcmp(r, combined) || !strcmp(r, "*"))
				return true;
			if (rq->subresource[0] && !strncmp(r, "*/", 2) && !strcmp(r + 2, rq->subresource))
				return true;
			if (rl > 2 && !strcmp(r + rl - 2, "/*") && strlen(rq->resource) == rl - 2 && !strncmp(r, rq->resource, rl - 2))
				return true;
		}
	}
	return false;
}

static enum level level_of(const struct kg_node *rule)
{
	const char *l = kg_str(kg_map_get(rule, "level"));
	static const char *const names[] = { "None", "Metadata", "Request", "RequestResponse" };
	for (int i = 0; l && i < 4; i++)
		if (!strcmp(l, names[i]))
			return (enum level)i;
	return L_INVALID;
}

void kg_cis_check_audit_policy(struct kg_cis_run *run, struct kg_cis_eval *ev)
{
	struct kg_cis_comp *c = &run->comp[KG_CIS_APISERVER];
	const struct kg_cis_flag *f = kg_cis_flags_get(&c->flags, "audit-policy-file");
	if (!f || !f->value[0]) {
		kg_cis_actual(run, ev, NULL, "--audit-policy-file not set");
		kg_cis_undecided(run, ev, NULL, "--audit-policy-file is not set (see 3.2.1)");
		return;
	}
	const char *np = kg_cis_abs(run, f->value);
	const struct kg_node *root = kg_cis_load_config(run, np, "Policy", &f->at, "--audit-policy-file");
	if (!root) {
		kg_cis_undecided(run, ev, NULL, "the audit policy %s could not be used", kg_cis_display(run, np));
		return;
	}
	const char *disp = kg_cis_display(run, np);
	const struct kg_pair *rules_pair = kg_map_pair(root, "rules");
	const struct kg_node *rules = rules_pair ? rules_pair->value : NULL;
	struct kg_cis_loc where = { disp, rules_pair ? rules_pair->line : root->line, rules_pair ? rules_pair->col : root->col,
				    "rules", NULL };
	for (uint32_t i = 0; kg_is_seq(rules) && i < rules->len; i++)
		if (level_of(rules->v.items[i]) == L_INVALID) {
			const struct kg_node *r = rules->v.items[i], *l = kg_map_get(r, "level");
			kg_cis_error(run, disp, l ? l->line : r->line, l ? l->col : r->col,
				     "rules[%u].level must be None, Metadata, Request or RequestResponse", i);
			kg_cis_undecided(run, ev, NULL, "the audit policy %s is invalid", disp);
			return;
		}
	struct kg_buf unlogged, leaks;
	kg_buf_init(&unlogged, 0);
	kg_buf_init(&leaks, 0);
	bool have_at = false;
	for (size_t q = 0; q < sizeof(requests) / sizeof(requests[0]); q++) {
		const struct request *rq = &requests[q];
		enum level lvl = L_NONE;
		const struct kg_node *match = NULL;
		for (uint32_t i = 0; kg_is_seq(rules) && i < rules->len && !match; i++)
			if (rule_matches(rules->v.items[i], rq)) {
				match = rules->v.items[i];
				lvl = level_of(match);
			}
		bool bad = lvl == L_NONE || (rq->sensitive && lvl > L_METADATA);
		if (!bad)
			continue;
		struct kg_buf *b = lvl == L_NONE ? &unlogged : &leaks;
		kg_buf_printf(b, "%s%s", b->len ? ", " : "", rq->label);
		if (!have_at && match) {
			const struct kg_pair *lp = kg_map_pair(match, "level");
			where = (struct kg_cis_loc){ disp, lp ? lp->line : match->line, lp ? lp->col : match->col, NULL, NULL };
		}
		have_at = true;
	}
	if (!unlogged.len && !leaks.len) {
		kg_cis_actual(run, ev, &where, "covers secrets, configmaps, tokenreviews, pod and deployment changes, exec, port-forward and proxy");
	} else {
		char msg[900];
		snprintf(msg, sizeof(msg), "%s%s%s%s%s", unlogged.len ? "not audited: " : "", unlogged.len ? unlogged.data : "",
			 unlogged.len && leaks.len ? "; " : "", leaks.len ? "contents logged (level above Metadata): " : "",
			 leaks.len ? leaks.data : "");
		kg_cis_actual(run, ev, &where, "%s", msg);
		kg_cis_fail(run, ev, &where, NULL, "the audit policy %s; fix: %s",
			    kg_arena_printf(&run->arena, "leaves gaps (%s)", msg), kg_cis_check_fix(ev->check));
	}
	kg_buf_release(&unlogged);
	kg_buf_release(&leaks);
}

/* --- 2.7: etcd's client CA is its own, not the cluster CA the API server trusts --- */

void kg_cis_check_etcd_ca(struct kg_cis_run *run, struct kg_cis_eval *ev)
{
	if (!kg_cis_eval_items(run, ev, true))
		return;
	const char *ca;
	struct kg_cis_loc at;
	if (!kg_cis_item_value(run, ev, 0, &ca, &at))
		return;
	const struct kg_cis_comp *api = &run->comp[KG_CIS_APISERVER];
	const struct kg_cis_flag *f = api->loaded ? kg_cis_flags_get(&api->flags, "client-ca-file") : NULL;
	if (f && !strcmp(kg_cis_abs(run, f->value), kg_cis_abs(run, ca)))
		kg_cis_fail(run, ev, &at, ca,
			    "etcd trusts %s, the CA the API server uses for client certificates, so every client "
			    "certificate of the cluster CA can talk to etcd; fix: %s",
			    ca, kg_cis_check_fix(ev->check));
}

/* --- 1.2.9: EventRateLimit enabled, and configured with limits in the admission configuration --- */

static const struct kg_node *erl_limits(const struct kg_node *cfg)
{
	const struct kg_node *l = kg_map_get(cfg, "limits");
	return kg_is_seq(l) && l->len ? l : NULL;
}

void kg_cis_check_event_rate_limit(struct kg_cis_run *run, struct kg_cis_eval *ev)
{
	if (!kg_cis_eval_items(run, ev, true))
		return;
	struct kg_cis_comp *c = &run->comp[KG_CIS_APISERVER];
	const struct kg_cis_flag *plugins = kg_cis_flags_get(&c->flags, "enable-admission-plugins");
	const struct kg_cis_flag *f = kg_cis_flags_get(&c->flags, "admission-control-config-file");
	if (!f || !f->value[0]) {
		kg_cis_fail(run, ev, &plugins->at, NULL,
			    "EventRateLimit is enabled but --admission-control-config-file is not set, so it has no limits "
			    "(the API server refuses to start); fix: %s",
			    kg_cis_check_fix(ev->check));
		return;
	}
	const char *np = kg_cis_abs(run, f->value);
	const struct kg_node *root = kg_cis_load_config(run, np, "AdmissionConfiguration", &f->at,
							"--admission-control-config-file");
	if (!root) {
		kg_cis_undecided(run, ev, NULL, "the admission configuration %s could not be used", kg_cis_display(run, np));
		return;
	}
	const char *disp = kg_cis_display(run, np);
	const struct kg_node *list = kg_map_get(root, "plugins"), *entry = NULL;
	for (uint32_t i = 0; kg_is_seq(list) && i < list->len && !entry; i++) {
		const char *name = kg_str(kg_map_get(list->v.items[i], "name"));
		if (name && !strcmp(name, "EventRateLimit"))
			entry = list->v.items[i];
	}
	if (!entry) {
		struct kg_cis_loc at = { disp, list ? list->line : root->line, list ? list->col : root->col, "plugins", NULL };
		kg_cis_fail(run, ev, &at, NULL, "the admission configuration has no EventRateLimit entry; fix: %s",
			    kg_cis_check_fix(ev->check));
		return;
	}
	const struct kg_node *inline_cfg = kg_map_get(entry, "configuration");
	const char *path = kg_str(kg_map_get(entry, "path"));
	const struct kg_node *cfg = inline_cfg;
	const char *cfg_disp = disp;
	if (!cfg && path && *path) {
		/* a relative path is relative to the admission configuration file */
		const char *cp = path[0] == '/' ? path
					       : kg_arena_printf(&run->arena, "%.*s/%s", (int)(strrchr(np, '/') - np), np, path);
		const struct kg_node *pn = kg_map_get(entry, "path");
		struct kg_cis_loc ref = { disp, pn->line, pn->col, NULL, NULL };
		cfg = kg_cis_load_config(run, cp, "Configuration", &ref, "the EventRateLimit path");
		if (!cfg) {
			kg_cis_undecided(run, ev, NULL, "the EventRateLimit configuration %s could not be used", kg_cis_display(run, cp));
			return;
		}
		cfg_disp = kg_cis_display(run, cp);
	}
	if (!cfg || !erl_limits(cfg)) {
		const struct kg_node *at_n = cfg ? cfg : entry;
		struct kg_cis_loc at = { cfg_disp, at_n->line, at_n->col, cfg ? "limits" : NULL, NULL };
		kg_cis_fail(run, ev, &at, NULL, "the EventRateLimit configuration sets no limits; fix: %s",
			    kg_cis_check_fix(ev->check));
		return;
	}
	struct kg_cis_loc at = { cfg_disp, erl_limits(cfg)->line, erl_limits(cfg)->col, "limits", NULL };
	kg_cis_actual(run, ev, &at, "EventRateLimit with %u limit%s", erl_limits(cfg)->len, erl_limits(cfg)->len == 1 ? "" : "s");
}

/* --- 4.2.9: serving certificate files, or a serving certificate from the cluster (CSR) --- */

void kg_cis_check_kubelet_tls(struct kg_cis_run *run, struct kg_cis_eval *ev)
{
	const struct kg_cis_comp *c = &run->comp[KG_CIS_KUBELET];
	const struct kg_cis_flag *f = kg_cis_flags_get(&c->flags, "rotate-server-certificates");
	if (f && kg_cis_compare("eq", f->value, "true")) {
		kg_cis_actual(run, ev, &f->at, "--rotate-server-certificates=%s", f->value);
		return;
	}
	const char *file;
	const struct kg_node *b = c->config ? kg_cis_config_at(c, "serverTLSBootstrap", false, &file) : NULL;
	if (!f && b && b->type == KG_BOOL && b->v.b) {
		struct kg_cis_loc at = { file, b->line, b->col, "serverTLSBootstrap", NULL };
		kg_cis_actual(run, ev, &at, "serverTLSBootstrap: true");
		return;
	}
	kg_cis_eval_items(run, ev, true);
}
