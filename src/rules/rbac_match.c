/* What a PolicyRule grants, matched the way the RBAC authorizer matches requests. */
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "rbac_priv.h"

static bool list_has(const struct kg_node *list, const char *want)
{
	if (!kg_is_seq(list))
		return false;
	for (uint32_t i = 0; i < list->len; i++) {
		const char *s = kg_str(list->v.items[i]);
		if (s && (!strcmp(s, "*") || !strcmp(s, want)))
			return true;
	}
	return false;
}

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

/* resource "r" or "r/sub"; "*\/sub" matches any resource's sub */
static bool res_has(const struct kg_node *resources, const char *res)
{
	if (list_has(resources, res))
		return true;
	const char *slash = strchr(res, '/');
	if (!slash)
		return false;
	char any[96];
	kg_fmt(any, sizeof(any), "*%s", slash);
	return list_has_exact(resources, any);
}

struct rule_view {
	const struct kg_node *verbs, *groups, *resources;
};

static bool grants(const struct rule_view *v, const char *group, const char *res, const char *verb)
{
	return list_has(v->groups, group) && res_has(v->resources, res) && list_has(v->verbs, verb);
}

/* Append to g->what[cap] the verbs of `verbs` that rv grants on (group, res). */
static bool verbs_on(const struct rule_view *rv, const char *group, const char *res, const char *const *verbs,
		     char *out, size_t size, const char *noun)
{
	char buf[64] = "";
	size_t len = 0;
	for (size_t i = 0; verbs[i]; i++)
		if (grants(rv, group, res, verbs[i]))
			len += (size_t)kg_fmt(buf + len, sizeof(buf) - len, "%s%s", len ? "/" : "", verbs[i]);
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
	memset(g, 0, sizeof(*g));
	if (!kg_is_map(rule))
		return;
	struct rule_view rv = { kg_map_get(rule, "verbs"), kg_map_get(rule, "apiGroups"), kg_map_get(rule, "resources") };
	if (!kg_is_seq(rv.resources) || !kg_is_seq(rv.verbs))
		return; /* nonResourceURLs-only rules grant nothing on objects */
	const struct kg_node *names = kg_map_get(rule, "resourceNames");
	bool named = kg_is_seq(names) && names->len > 0;
	bool wv = list_has_exact(rv.verbs, "*"), wr = list_has_exact(rv.resources, "*"),
	     wg = list_has_exact(rv.groups, "*");
	if (!kg_is_seq(rv.groups) || rv.groups->len == 0)
		return; /* apiGroups is required for resource rules: nothing matches without it */
	/* full control of every group is cluster-admin; "*" on the resources of named groups is
	 * reported as wildcards plus whatever dangerous grants those groups contain */
	if (wv && wr && wg) {
		g->caps |= KG_CAP_BIT(KG_CAP_ALL);
		kg_fmt(g->what[KG_CAP_ALL], sizeof(g->what[0]), "do anything to any resource%s",
			 named ? " (of the listed names)" : "");
	}
	if (wv) {
		g->caps |= KG_CAP_BIT(KG_CAP_WILD_VERBS);
		kg_fmt(g->what[KG_CAP_WILD_VERBS], sizeof(g->what[0]), "use every verb (\"*\")");
	}
	if (wr) {
		g->caps |= KG_CAP_BIT(KG_CAP_WILD_RESOURCES);
		kg_fmt(g->what[KG_CAP_WILD_RESOURCES], sizeof(g->what[0]), "reach every resource (\"*\")");
	}
	if (wg) {
		g->caps |= KG_CAP_BIT(KG_CAP_WILD_GROUPS);
		kg_fmt(g->what[KG_CAP_WILD_GROUPS], sizeof(g->what[0]), "reach every API group (\"*\")");
	}
	/* A rule narrowed to resourceNames is the recommended least-privilege form: it is not
	 * reported as a dangerous capability (wildcards above still are). */
	if (named)
		return;
	static const char *const v_read[] = { "get", "list", "watch", NULL };
	static const char *const v_create[] = { "create", NULL };
	static const char *const v_streaming[] = { "create", "get", NULL };
	static const char *const v_write[] = { "create", "update", "patch", NULL };
	static const char *const v_change[] = { "create", "update", "patch", "delete", "deletecollection", NULL };
	static const char *const v_esc[] = { "escalate", NULL }, *const v_bind[] = { "bind", NULL };
	static const char *const v_imp[] = { "impersonate", NULL }, *const v_approve[] = { "approve", NULL };
	static const char *const v_update[] = { "update", "patch", NULL };
#define rbac_g "rbac.authorization.k8s.io"
#define cert_g "certificates.k8s.io"
#define authn_g "authentication.k8s.io"
#define adm_g "admissionregistration.k8s.io"
	static const struct {
		enum kg_rbac_cap cap;
		const char *group, *res;
		const char *const *verbs;
		const char *noun;
	} checks[] = {
		{ KG_CAP_SECRETS_READ, "", "secrets", v_read, "Secrets" },
		{ KG_CAP_POD_EXEC, "", "pods/exec", v_streaming, "pods/exec" },
		{ KG_CAP_POD_EXEC, "", "pods/attach", v_streaming, "pods/attach" },
		{ KG_CAP_PORTFORWARD, "", "pods/portforward", v_streaming, "pods/portforward" },
		{ KG_CAP_CREATE_PODS, "", "pods", v_write, "pods" },
		{ KG_CAP_CREATE_PODS, "apps", "deployments", v_write, "Deployments" },
		{ KG_CAP_CREATE_PODS, "apps", "daemonsets", v_write, "DaemonSets" },
		{ KG_CAP_CREATE_PODS, "apps", "statefulsets", v_write, "StatefulSets" },
		{ KG_CAP_CREATE_PODS, "apps", "replicasets", v_write, "ReplicaSets" },
		{ KG_CAP_CREATE_PODS, "batch", "jobs", v_write, "Jobs" },
		{ KG_CAP_CREATE_PODS, "batch", "cronjobs", v_write, "CronJobs" },
		{ KG_CAP_CREATE_PODS, "", "replicationcontrollers", v_write, "ReplicationControllers" },
		{ KG_CAP_ESCALATE, rbac_g, "clusterroles", v_esc, "ClusterRoles" },
		{ KG_CAP_ESCALATE, rbac_g, "roles", v_esc, "Roles" },
		{ KG_CAP_BIND, rbac_g, "clusterroles", v_bind, "ClusterRoles" },
		{ KG_CAP_BIND, rbac_g, "roles", v_bind, "Roles" },
		{ KG_CAP_IMPERSONATE, "", "users", v_imp, "users" },
		{ KG_CAP_IMPERSONATE, "", "groups", v_imp, "groups" },
		{ KG_CAP_IMPERSONATE, authn_g, "uids", v_imp, "uids" },
		{ KG_CAP_IMPERSONATE, authn_g, "userextras/scopes", v_imp, "userextras" },
		{ KG_CAP_IMPERSONATE_SA, "", "serviceaccounts", v_imp, "service accounts" },
		{ KG_CAP_NODES_PROXY, "", "nodes/proxy", v_streaming, "nodes/proxy" },
		{ KG_CAP_CSR_APPROVE, cert_g, "certificatesigningrequests/approval", v_update, "certificatesigningrequests/approval" },
		{ KG_CAP_CSR_APPROVE, cert_g, "signers", v_approve, "signers" },
		{ KG_CAP_SA_TOKEN, "", "serviceaccounts/token", v_create, "serviceaccounts/token" },
		{ KG_CAP_WEBHOOK, adm_g, "validatingwebhookconfigurations", v_change, "validatingwebhookconfigurations" },
		{ KG_CAP_WEBHOOK, adm_g, "mutatingwebhookconfigurations", v_change, "mutatingwebhookconfigurations" },
		{ KG_CAP_WEBHOOK, adm_g, "validatingadmissionpolicies", v_change, "validatingadmissionpolicies" },
		{ KG_CAP_WEBHOOK, adm_g, "validatingadmissionpolicybindings", v_change, "validatingadmissionpolicybindings" },
		{ KG_CAP_WEBHOOK, adm_g, "mutatingadmissionpolicies", v_change, "mutatingadmissionpolicies" },
		{ KG_CAP_WEBHOOK, adm_g, "mutatingadmissionpolicybindings", v_change, "mutatingadmissionpolicybindings" },
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (verbs_on(&rv, checks[i].group, checks[i].res, checks[i].verbs, g->what[checks[i].cap],
			     sizeof(g->what[0]), checks[i].noun))
			g->caps |= KG_CAP_BIT(checks[i].cap);
#undef rbac_g
#undef cert_g
#undef authn_g
#undef adm_g
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
