/* What a PolicyRule grants, matched the way the RBAC authorizer matches requests. */
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "rbac_priv.h"

static bool list_has_exact(const struct kg_node *list, const char *want)
{
	if (!kg_is_seq(list))
		return false;
	for (uint32_t i = 0; i < list->len; i++) {
		const char *s = kg_str(list->v.items[i]);
		if (s && !strcmp(s, want))
			return true;
	}
	return false;
}

/* The verbs, API groups and resources the checks below ask about: a rule's lists are read once
 * into bit sets over these tables, then each check is a few bit tests. */
enum { VB_GET, VB_LIST, VB_WATCH, VB_CREATE, VB_UPDATE, VB_PATCH, VB_DELETE, VB_DELETECOLLECTION, VB_ESCALATE,
       VB_BIND, VB_IMPERSONATE, VB_APPROVE, VB_COUNT };
static const char *const verb_names[VB_COUNT] = { "get",    "list",        "watch",    "create",
						  "update", "patch",       "delete",   "deletecollection",
						  "escalate", "bind",      "impersonate", "approve" };
enum { GR_CORE, GR_APPS, GR_BATCH, GR_RBAC, GR_CERT, GR_AUTHN, GR_ADM, GR_COUNT };
static const char *const group_names[GR_COUNT] = { "", "apps", "batch", "rbac.authorization.k8s.io",
						   "certificates.k8s.io", "authentication.k8s.io",
						   "admissionregistration.k8s.io" };
enum { RS_SECRETS, RS_PODS_EXEC, RS_PODS_ATTACH, RS_PODS_PORTFORWARD, RS_PODS, RS_DEPLOYMENTS, RS_DAEMONSETS,
       RS_STATEFULSETS, RS_REPLICASETS, RS_JOBS, RS_CRONJOBS, RS_RCS, RS_CLUSTERROLES, RS_ROLES, RS_USERS, RS_GROUPS,
       RS_UIDS, RS_USEREXTRAS, RS_SAS, RS_NODES_PROXY, RS_CSR_APPROVAL, RS_SIGNERS, RS_SA_TOKEN, RS_VWC, RS_MWC, RS_VAP,
       RS_VAPB, RS_MAP, RS_MAPB, RS_COUNT };
static const char *const res_names[RS_COUNT] = {
	"secrets", "pods/exec", "pods/attach", "pods/portforward", "pods", "deployments", "daemonsets",
	"statefulsets", "replicasets", "jobs", "cronjobs", "replicationcontrollers", "clusterroles", "roles", "users",
	"groups", "uids", "userextras/scopes", "serviceaccounts", "nodes/proxy", "certificatesigningrequests/approval",
	"signers", "serviceaccounts/token", "validatingwebhookconfigurations", "mutatingwebhookconfigurations",
	"validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies",
	"mutatingadmissionpolicybindings",
};

/* Bits of the names a list holds, as list_has matches them: "*" holds every name. With subres, an
 * item "*\/sub" also holds every name "r/sub" (res_has's rule for subresources). */
static uint32_t name_bits(const struct kg_node *list, const char *const *names, unsigned n, bool subres)
{
	uint32_t bits = 0;
	for (uint32_t i = 0; kg_is_seq(list) && i < list->len; i++) {
		const char *s = kg_str(list->v.items[i]);
		if (!s)
			continue;
		if (!strcmp(s, "*"))
			return (uint32_t)((1ull << n) - 1);
		for (unsigned k = 0; k < n; k++) {
			const char *t = names[k];
			if (s[0] == t[0] && !strcmp(s, t)) {
				bits |= 1u << k;
			} else if (subres && s[0] == '*') {
				const char *slash = strchr(t, '/');
				if (slash && !strcmp(s + 1, slash))
					bits |= 1u << k;
			}
		}
	}
	return bits;
}

struct rule_view {
	uint32_t verbs, groups, resources; /* name_bits over the tables above */
};

/* Whether rv grants any of verbs (VB_ indexes, -1 ended) on (group, res); when out is not NULL,
 * append "verb/verb noun" to it as the phrase of the capability. */
static bool verbs_on(const struct rule_view *rv, unsigned group, unsigned res, const signed char *verbs, char *out,
		     size_t size, const char *noun)
{
	if (!(rv->groups & (1u << group)) || !(rv->resources & (1u << res)))
		return false;
	if (!out) {
		for (size_t i = 0; verbs[i] >= 0; i++)
			if (rv->verbs & (1u << verbs[i]))
				return true;
		return false;
	}
	char buf[64] = "";
	size_t len = 0;
	for (size_t i = 0; verbs[i] >= 0; i++)
		if (rv->verbs & (1u << verbs[i]))
			len += (size_t)kg_fmt(buf + len, sizeof(buf) - len, "%s%s", len ? "/" : "", verb_names[verbs[i]]);
	if (!len || len >= sizeof(buf))
		return len != 0;
	/* several grants of one capability: list them while they fit, then an ellipsis */
	size_t have = strlen(out);
	bool full = have >= 3 && !strcmp(out + have - 3, "...");
	if (!have)
		kg_fmt(out, size, "%s %s", buf, noun);
	else if (!full && have + 2 + len + 1 + strlen(noun) + 5 < size)
		kg_fmt(out + have, size - have, ", %s %s", buf, noun);
	else if (!full && have + 5 < size)
		kg_fmt(out + have, size - have, ", ...");
	return true;
}

void kg_rbac_rule_grants(const struct kg_node *rule, struct kg_rbac_grant *g)
{
	kg_rbac_rule_grants_want(rule, ~0u, g);
}

void kg_rbac_rule_grants_want(const struct kg_node *rule, unsigned want, struct kg_rbac_grant *g)
{
	g->caps = 0;
	for (int cap = 0; cap < KG_CAP_COUNT; cap++)
		if (want & KG_CAP_BIT(cap))
			g->what[cap][0] = '\0';
	if (!kg_is_map(rule))
		return;
	const struct kg_node *verbs = kg_map_get(rule, "verbs"), *groups = kg_map_get(rule, "apiGroups"),
			     *resources = kg_map_get(rule, "resources");
	if (!kg_is_seq(resources) || !kg_is_seq(verbs))
		return; /* nonResourceURLs-only rules grant nothing on objects */
	const struct kg_node *names = kg_map_get(rule, "resourceNames");
	bool named = kg_is_seq(names) && names->len > 0;
	bool wv = list_has_exact(verbs, "*"), wr = list_has_exact(resources, "*"), wg = list_has_exact(groups, "*");
	if (!kg_is_seq(groups) || groups->len == 0)
		return; /* apiGroups is required for resource rules: nothing matches without it */
	/* full control of every group is cluster-admin; "*" on the resources of named groups is
	 * reported as wildcards plus whatever dangerous grants those groups contain */
	if (wv && wr && wg) {
		g->caps |= KG_CAP_BIT(KG_CAP_ALL);
		if (want & KG_CAP_BIT(KG_CAP_ALL))
			kg_fmt(g->what[KG_CAP_ALL], sizeof(g->what[0]), "do anything to any resource%s",
			       named ? " (of the listed names)" : "");
	}
	if (wv) {
		g->caps |= KG_CAP_BIT(KG_CAP_WILD_VERBS);
		if (want & KG_CAP_BIT(KG_CAP_WILD_VERBS))
			kg_fmt(g->what[KG_CAP_WILD_VERBS], sizeof(g->what[0]), "use every verb (\"*\")");
	}
	if (wr) {
		g->caps |= KG_CAP_BIT(KG_CAP_WILD_RESOURCES);
		if (want & KG_CAP_BIT(KG_CAP_WILD_RESOURCES))
			kg_fmt(g->what[KG_CAP_WILD_RESOURCES], sizeof(g->what[0]), "reach every resource (\"*\")");
	}
	if (wg) {
		g->caps |= KG_CAP_BIT(KG_CAP_WILD_GROUPS);
		if (want & KG_CAP_BIT(KG_CAP_WILD_GROUPS))
			kg_fmt(g->what[KG_CAP_WILD_GROUPS], sizeof(g->what[0]), "reach every API group (\"*\")");
	}
	/* A rule narrowed to resourceNames is the recommended least-privilege form: it is not
	 * reported as a dangerous capability (wildcards above still are). */
	if (named)
		return;
	struct rule_view rv = { name_bits(verbs, verb_names, VB_COUNT, false),
				name_bits(groups, group_names, GR_COUNT, false),
				name_bits(resources, res_names, RS_COUNT, true) };
	if (!rv.verbs || !rv.groups || !rv.resources)
		return;
	static const signed char v_read[] = { VB_GET, VB_LIST, VB_WATCH, -1 }, v_create[] = { VB_CREATE, -1 };
	static const signed char v_streaming[] = { VB_CREATE, VB_GET, -1 };
	static const signed char v_write[] = { VB_CREATE, VB_UPDATE, VB_PATCH, -1 };
	static const signed char v_change[] = { VB_CREATE, VB_UPDATE, VB_PATCH, VB_DELETE, VB_DELETECOLLECTION, -1 };
	static const signed char v_esc[] = { VB_ESCALATE, -1 }, v_bind[] = { VB_BIND, -1 };
	static const signed char v_imp[] = { VB_IMPERSONATE, -1 }, v_approve[] = { VB_APPROVE, -1 };
	static const signed char v_update[] = { VB_UPDATE, VB_PATCH, -1 };
	static const struct {
		unsigned char cap, group, res;
		const signed char *verbs;
		const char *noun;
	} checks[] = {
		{ KG_CAP_SECRETS_READ, GR_CORE, RS_SECRETS, v_read, "Secrets" },
		{ KG_CAP_POD_EXEC, GR_CORE, RS_PODS_EXEC, v_streaming, "pods/exec" },
		{ KG_CAP_POD_EXEC, GR_CORE, RS_PODS_ATTACH, v_streaming, "pods/attach" },
		{ KG_CAP_PORTFORWARD, GR_CORE, RS_PODS_PORTFORWARD, v_streaming, "pods/portforward" },
		{ KG_CAP_CREATE_PODS, GR_CORE, RS_PODS, v_write, "pods" },
		{ KG_CAP_CREATE_PODS, GR_APPS, RS_DEPLOYMENTS, v_write, "Deployments" },
		{ KG_CAP_CREATE_PODS, GR_APPS, RS_DAEMONSETS, v_write, "DaemonSets" },
		{ KG_CAP_CREATE_PODS, GR_APPS, RS_STATEFULSETS, v_write, "StatefulSets" },
		{ KG_CAP_CREATE_PODS, GR_APPS, RS_REPLICASETS, v_write, "ReplicaSets" },
		{ KG_CAP_CREATE_PODS, GR_BATCH, RS_JOBS, v_write, "Jobs" },
		{ KG_CAP_CREATE_PODS, GR_BATCH, RS_CRONJOBS, v_write, "CronJobs" },
		{ KG_CAP_CREATE_PODS, GR_CORE, RS_RCS, v_write, "ReplicationControllers" },
		{ KG_CAP_ESCALATE, GR_RBAC, RS_CLUSTERROLES, v_esc, "ClusterRoles" },
		{ KG_CAP_ESCALATE, GR_RBAC, RS_ROLES, v_esc, "Roles" },
		{ KG_CAP_BIND, GR_RBAC, RS_CLUSTERROLES, v_bind, "ClusterRoles" },
		{ KG_CAP_BIND, GR_RBAC, RS_ROLES, v_bind, "Roles" },
		{ KG_CAP_IMPERSONATE, GR_CORE, RS_USERS, v_imp, "users" },
		{ KG_CAP_IMPERSONATE, GR_CORE, RS_GROUPS, v_imp, "groups" },
		{ KG_CAP_IMPERSONATE, GR_AUTHN, RS_UIDS, v_imp, "uids" },
		{ KG_CAP_IMPERSONATE, GR_AUTHN, RS_USEREXTRAS, v_imp, "userextras" },
		{ KG_CAP_IMPERSONATE_SA, GR_CORE, RS_SAS, v_imp, "service accounts" },
		{ KG_CAP_NODES_PROXY, GR_CORE, RS_NODES_PROXY, v_streaming, "nodes/proxy" },
		{ KG_CAP_CSR_APPROVE, GR_CERT, RS_CSR_APPROVAL, v_update, "certificatesigningrequests/approval" },
		{ KG_CAP_CSR_APPROVE, GR_CERT, RS_SIGNERS, v_approve, "signers" },
		{ KG_CAP_SA_TOKEN, GR_CORE, RS_SA_TOKEN, v_create, "serviceaccounts/token" },
		{ KG_CAP_WEBHOOK, GR_ADM, RS_VWC, v_change, "validatingwebhookconfigurations" },
		{ KG_CAP_WEBHOOK, GR_ADM, RS_MWC, v_change, "mutatingwebhookconfigurations" },
		{ KG_CAP_WEBHOOK, GR_ADM, RS_VAP, v_change, "validatingadmissionpolicies" },
		{ KG_CAP_WEBHOOK, GR_ADM, RS_VAPB, v_change, "validatingadmissionpolicybindings" },
		{ KG_CAP_WEBHOOK, GR_ADM, RS_MAP, v_change, "mutatingadmissionpolicies" },
		{ KG_CAP_WEBHOOK, GR_ADM, RS_MAPB, v_change, "mutatingadmissionpolicybindings" },
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		unsigned cap = checks[i].cap;
		/* the phrase lists every grant of the capability: build it whenever it is wanted */
		char *out = (want & KG_CAP_BIT(cap)) ? g->what[cap] : NULL;
		if (verbs_on(&rv, checks[i].group, checks[i].res, checks[i].verbs, out, sizeof(g->what[0]),
			     checks[i].noun))
			g->caps |= KG_CAP_BIT(cap);
	}
}

bool kg_rbac_builtin_role(const char *name, struct kg_rbac_grant *g)
{
	memset(g, 0, sizeof(*g));
	if (!strcmp(name, "cluster-admin")) {
		g->caps = KG_CAP_BIT(KG_CAP_ALL);
		kg_fmt(g->what[KG_CAP_ALL], sizeof(g->what[0]), "do anything to any resource (cluster-admin)");
		return true;
	}
	if (!strcmp(name, "admin") || !strcmp(name, "edit")) {
		/* both read Secrets, exec into pods, run workloads and impersonate service accounts */
		g->caps = KG_CAP_BIT(KG_CAP_SECRETS_READ) | KG_CAP_BIT(KG_CAP_POD_EXEC) | KG_CAP_BIT(KG_CAP_PORTFORWARD) |
			  KG_CAP_BIT(KG_CAP_CREATE_PODS) | KG_CAP_BIT(KG_CAP_IMPERSONATE_SA);
		kg_fmt(g->what[KG_CAP_SECRETS_READ], sizeof(g->what[0]), "get/list/watch Secrets");
		kg_fmt(g->what[KG_CAP_POD_EXEC], sizeof(g->what[0]), "create pods/exec");
		kg_fmt(g->what[KG_CAP_PORTFORWARD], sizeof(g->what[0]), "create pods/portforward");
		kg_fmt(g->what[KG_CAP_CREATE_PODS], sizeof(g->what[0]), "create/update/patch pods");
		kg_fmt(g->what[KG_CAP_IMPERSONATE_SA], sizeof(g->what[0]), "impersonate service accounts");
		return true;
	}
	if (!strcmp(name, "view"))
		return true;
	return false;
}

bool kg_rbac_is_bootstrap(const struct kg_node *obj)
{
	const struct kg_node *meta = kg_map_get(obj, "metadata");
	const char *v = kg_str(kg_map_get(kg_map_get(meta, "labels"), "kubernetes.io/bootstrapping"));
	const char *name = kg_str(kg_map_get(meta, "name"));
	if (!v || strcmp(v, "rbac-defaults") || !name)
		return false;
	return !strncmp(name, "system:", 7) || !strcmp(name, "cluster-admin") || !strcmp(name, "admin") ||
	       !strcmp(name, "edit") || !strcmp(name, "view");
}
