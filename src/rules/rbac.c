/* Rule family 'rbac': Roles, ClusterRoles, their bindings and the EKS aws-auth ConfigMap, one
 * object at a time. What a workload can do through its service account is worked out across
 * objects in cluster_paths.c (rules rbac.workload-sa-*). */
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "../core/load.h"
#include "policy_priv.h"
#include "rbac_priv.h"

#define K8S_RBAC_DOC "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"
#define RBAC_REF "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"

static const struct kg_rule rbac_rules[] = {
	{ "rbac.wildcard-all", KG_SEV_CRITICAL, "rbac", "Role grants every verb on every resource",
	  "A rule with apiGroups, resources and verbs all [\"*\"] is cluster-admin (within the binding's "
	  "scope). Wildcards also grant every resource and verb added in future Kubernetes versions and "
	  "CRDs.",
	  "List the resources and verbs the holder needs. Bind the built-in cluster-admin role explicitly "
	  "when full control is really intended, so that reviews see it.",
	  K8S_RBAC_DOC " " RBAC_REF,
	  "kube-linter:wildcard-in-rules kyverno:restrict-wildcard-verbs kyverno:restrict-wildcard-resources "
	  "trivy:KSV044 trivy:KSV046" },
	{ "rbac.wildcard-verbs", KG_SEV_HIGH, "rbac", "Role grants every verb (\"*\")",
	  "verbs [\"*\"] includes escalate, bind, impersonate, delete and every verb added later, "
	  "whatever the resource list says today.",
	  "List the verbs explicitly (get, list, watch, create, update, patch, delete).",
	  K8S_RBAC_DOC, "kube-linter:wildcard-in-rules kyverno:restrict-wildcard-verbs trivy:KSV045" },
	{ "rbac.wildcard-resources", KG_SEV_HIGH, "rbac", "Role grants every resource (\"*\")",
	  "resources [\"*\"] includes Secrets, pods/exec, subresources and every resource of the listed API "
	  "groups, including CRDs installed later.",
	  "List the resources explicitly.",
	  K8S_RBAC_DOC, "kube-linter:wildcard-in-rules kyverno:restrict-wildcard-resources" },
	{ "rbac.wildcard-apigroups", KG_SEV_LOW, "rbac", "Role grants resources in every API group (\"*\")",
	  "apiGroups [\"*\"] matches the named resources in every group, including groups of CRDs installed "
	  "later that happen to use the same resource name.",
	  "List the API groups explicitly (\"\" is the core group).",
	  K8S_RBAC_DOC, "" },
	{ "rbac.secrets-read", KG_SEV_HIGH, "rbac", "Role can read Secrets",
	  "get, list or watch on secrets reveals every Secret in scope: credentials, TLS keys and (on "
	  "clusters with legacy tokens) service-account tokens that act as other identities. list and "
	  "watch return the contents too, not only names.",
	  "Grant access to Secrets by resourceNames, or mount the Secrets the workload needs instead of "
	  "reading them through the API.",
	  K8S_RBAC_DOC "#listing-secrets",
	  "kyverno:restrict-secret-role-verbs trivy:KSV041 kubescape:C-0015" },
	{ "rbac.pod-exec", KG_SEV_HIGH, "rbac", "Role can exec or attach into pods",
	  "create (or, over WebSockets on older API servers, get) on pods/exec or pods/attach runs commands "
	  "in any pod in scope, with that pod's service account, Secrets and host access.",
	  "Remove pods/exec and pods/attach from roles held by workloads; give people time-bound access "
	  "instead.",
	  K8S_RBAC_DOC, "trivy:KSV053 kubescape:C-0002" },
	{ "rbac.pod-portforward", KG_SEV_MEDIUM, "rbac", "Role can port-forward to pods",
	  "pods/portforward opens a tunnel to any port of any pod in scope, bypassing NetworkPolicies "
	  "and Services.",
	  "Remove pods/portforward unless debugging access is the point of the role.",
	  K8S_RBAC_DOC, "" },
	{ "rbac.create-pods", KG_SEV_HIGH, "rbac", "Role can create pods or pod controllers",
	  "Whoever can create a pod (directly or through a Deployment, DaemonSet, StatefulSet, ReplicaSet, "
	  "Job, CronJob or ReplicationController, or update one) can run it as any service account in the "
	  "namespace and mount any Secret, ConfigMap or volume there: the permissions of everything in the "
	  "namespace become theirs.",
	  "Limit pod creation to deployment tooling; enforce Pod Security Admission in the namespace.",
	  K8S_RBAC_DOC "#workload-creation", "trivy:KSV048 kubescape:C-0188" },
	{ "rbac.escalate", KG_SEV_CRITICAL, "rbac", "Role can escalate",
	  "The escalate verb on roles or clusterroles lets the holder write any permission into a role, "
	  "including ones it does not have: a direct path to cluster-admin.",
	  "Remove escalate; it is for RBAC administrators only.",
	  K8S_RBAC_DOC "#escalate-verb",
	  "kyverno:restrict-escalation-verbs-roles trivy:KSV056 kubescape:C-0190" },
	{ "rbac.bind", KG_SEV_CRITICAL, "rbac", "Role can bind any role",
	  "The bind verb on roles or clusterroles lets the holder create bindings to roles with permissions "
	  "it does not have, cluster-admin included (unless restricted by resourceNames).",
	  "Remove bind, or restrict it with resourceNames to the roles the holder may hand out.",
	  K8S_RBAC_DOC "#bind-verb", "kyverno:restrict-escalation-verbs-roles trivy:KSV056" },
	{ "rbac.impersonate", KG_SEV_CRITICAL, "rbac", "Role can impersonate users, groups or service accounts",
	  "impersonate on users or groups lets the holder act as anyone, including members of "
	  "system:masters; on service accounts, as any service account in scope.",
	  "Remove impersonate, or restrict it with resourceNames.",
	  K8S_RBAC_DOC "#impersonate-verb", "kyverno:restrict-escalation-verbs-roles trivy:KSV043 kubescape:C-0065" },
	{ "rbac.nodes-proxy", KG_SEV_HIGH, "rbac", "Role can reach the kubelet API through nodes/proxy",
	  "nodes/proxy gives direct access to the kubelet API: exec into any pod on the node, read logs, "
	  "bypassing audit logging and admission control.",
	  "Remove nodes/proxy; monitoring agents usually need only nodes/metrics or nodes/stats.",
	  K8S_RBAC_DOC "#nodes-proxy", "kyverno:restrict-clusterrole-nodesproxy" },
	{ "rbac.csr-approve", KG_SEV_HIGH, "rbac", "Role can approve certificate signing requests",
	  "Approving CSRs (update on certificatesigningrequests/approval, approve on signers) lets the "
	  "holder mint client certificates for any user or group the signer allows, including "
	  "system:masters with the kube-apiserver-client signer.",
	  "Leave CSR approval to the controller manager and to administrators; restrict signers with "
	  "resourceNames.",
	  K8S_RBAC_DOC "#csrs-and-certificate-issuing", "" },
	{ "rbac.sa-token-create", KG_SEV_HIGH, "rbac", "Role can create service account tokens",
	  "create on serviceaccounts/token issues tokens for any service account in scope: the holder gets "
	  "the permissions of all of them.",
	  "Remove serviceaccounts/token create, or restrict it with resourceNames.",
	  K8S_RBAC_DOC "#token-request", "" },
	{ "rbac.webhook-config", KG_SEV_HIGH, "rbac", "Role can change admission webhooks or policies",
	  "Changing validating or mutating webhook configurations or admission policies lets the holder "
	  "switch off admission control, or read and rewrite every object sent to the API server.",
	  "Keep admission configuration with cluster administrators.",
	  K8S_RBAC_DOC "#control-admission-webhooks", "" },
	{ "rbac.aggregate-to-builtin", KG_SEV_HIGH, "rbac", "ClusterRole adds dangerous permissions to admin, edit or view",
	  "A ClusterRole labelled rbac.authorization.k8s.io/aggregate-to-admin, -edit or -view is merged "
	  "into that built-in role: everyone bound to it, often every developer, gets the permissions. "
	  "Adding Secret access or pod exec to 'view' breaks the assumption that view is read-only and safe.",
	  "Remove the aggregation label, or grant the permissions through a separate role bound only to "
	  "the subjects that need them.",
	  RBAC_REF "#aggregated-clusterroles", "" },
	{ "rbac.binding-cluster-admin", KG_SEV_HIGH, "rbac", "Binding grants cluster-admin",
	  "cluster-admin is unrestricted control of the cluster. Through a RoleBinding it is full control "
	  "of the namespace, including its Secrets and RBAC.",
	  "Bind a role with the permissions actually needed.",
	  K8S_RBAC_DOC "#least-privilege",
	  "kyverno:restrict-binding-clusteradmin kubescape:C-0035" },
	{ "rbac.binding-system-masters", KG_SEV_LOW, "rbac", "Binding names the system:masters group",
	  "Members of system:masters bypass RBAC entirely, so a binding to it grants nothing: it usually "
	  "means someone expects RBAC to limit or track that group, which it cannot.",
	  "Remove the subject; keep system:masters for break-glass credentials only.",
	  K8S_RBAC_DOC "#least-privilege", "kyverno:restrict-binding-system-groups" },
	{ "rbac.binding-anonymous", KG_SEV_CRITICAL, "rbac", "Binding grants permissions to anonymous users",
	  "Subjects system:anonymous and system:unauthenticated are every request without credentials: the "
	  "whole network that reaches the API server gets the role.",
	  "Remove the subject; disable anonymous authentication where possible.",
	  K8S_RBAC_DOC, "kyverno:restrict-binding-system-groups gatekeeper:k8sdisallowanonymous kubescape:C-0262" },
	{ "rbac.binding-authenticated", KG_SEV_HIGH, "rbac", "Binding grants permissions to every authenticated identity",
	  "system:authenticated is every user and every service account of every namespace (and, on some "
	  "managed clusters, any account of the cloud provider); system:serviceaccounts is every service "
	  "account.",
	  "Bind the role to the specific users, groups or service accounts that need it.",
	  K8S_RBAC_DOC, "kyverno:restrict-binding-system-groups gatekeeper:k8sdisallowanonymous" },
	{ "rbac.default-sa-bound", KG_SEV_MEDIUM, "rbac", "Binding grants permissions to a default service account",
	  "Every pod that does not name a service account runs as 'default': a binding to it gives its "
	  "permissions to all of them, present and future.",
	  "Create a dedicated service account for the workload that needs the role and bind that.",
	  "https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts",
	  "kubescape:C-0189" },
	{ "rbac.aws-auth-system-masters", KG_SEV_HIGH, "rbac", "aws-auth maps an IAM identity to system:masters",
	  "An aws-auth entry with group system:masters makes the IAM role or user cluster-admin that RBAC "
	  "cannot restrict or audit by binding; anyone who can assume the role owns the cluster.",
	  "Map the identity to a dedicated group bound to the permissions it needs, or use EKS access "
	  "entries with scoped access policies.",
	  "https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html "
	  "https://aws.github.io/aws-eks-best-practices/security/docs/iam/", "" },
	{ "rbac.aws-auth-wildcard-arn", KG_SEV_HIGH, "rbac", "aws-auth entry uses a wildcard ARN",
	  "The IAM authenticator matches role and user ARNs literally: a '*' either matches nothing (the "
	  "intended access silently fails) or, with tooling that expands it, grants cluster access to every "
	  "matching identity of the account.",
	  "List each IAM role or user ARN explicitly.",
	  "https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html", "" },
	{ "rbac.aws-auth-invalid", KG_SEV_MEDIUM, "rbac", "aws-auth mapping cannot be read",
	  "mapRoles, mapUsers and mapAccounts are YAML documents inside strings. When one does not parse or "
	  "has the wrong shape, the authenticator rejects the whole mapping and the identities in it lose "
	  "access (or keep stale access).",
	  "Fix the embedded YAML: a list of entries with rolearn/userarn, username and groups.",
	  "https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html", "" },
};

#define NRULES (sizeof(rbac_rules) / sizeof(rbac_rules[0]))

static const struct kg_rule *rule(const char *id)
{
	for (size_t i = 0; i < NRULES; i++)
		if (!strcmp(rbac_rules[i].id, id))
			return &rbac_rules[i];
	return NULL;
}

/* rule reported for each capability on a role */
static const char *const cap_rule_ids[KG_CAP_COUNT] = {
	[KG_CAP_ALL] = "rbac.wildcard-all",
	[KG_CAP_WILD_VERBS] = "rbac.wildcard-verbs",
	[KG_CAP_WILD_RESOURCES] = "rbac.wildcard-resources",
	[KG_CAP_WILD_GROUPS] = "rbac.wildcard-apigroups",
	[KG_CAP_SECRETS_READ] = "rbac.secrets-read",
	[KG_CAP_POD_EXEC] = "rbac.pod-exec",
	[KG_CAP_PORTFORWARD] = "rbac.pod-portforward",
	[KG_CAP_CREATE_PODS] = "rbac.create-pods",
	[KG_CAP_ESCALATE] = "rbac.escalate",
	[KG_CAP_BIND] = "rbac.bind",
	[KG_CAP_IMPERSONATE] = "rbac.impersonate",
	[KG_CAP_IMPERSONATE_SA] = "rbac.impersonate",
	[KG_CAP_NODES_PROXY] = "rbac.nodes-proxy",
	[KG_CAP_CSR_APPROVE] = "rbac.csr-approve",
	[KG_CAP_SA_TOKEN] = "rbac.sa-token-create",
	[KG_CAP_WEBHOOK] = "rbac.webhook-config",
};

static bool is_rbac_group(const struct kg_object *obj)
{
	return obj->api_version && !strncmp(obj->api_version, "rbac.authorization.k8s.io/", 26);
}

static const char *aggregate_target(const struct kg_node *labels, const char **label)
{
	static const char *const targets[][2] = {
		{ "rbac.authorization.k8s.io/aggregate-to-view", "view" },
		{ "rbac.authorization.k8s.io/aggregate-to-edit", "edit" },
		{ "rbac.authorization.k8s.io/aggregate-to-admin", "admin" },
	};
	for (size_t i = 0; i < 3; i++) {
		const char *v = kg_str(kg_map_get(labels, targets[i][0]));
		if (v && !strcmp(v, "true")) {
			*label = targets[i][0];
			return targets[i][1];
		}
	}
	return NULL;
}

static void check_role(struct kg_check *c)
{
	const struct kg_object *o = c->obj;
	bool cluster = !strcmp(o->kind, "ClusterRole");
	if (kg_rbac_is_bootstrap(o->node))
		return;
	/* an aggregated ClusterRole's rules are written by the controller from the roles it selects:
	 * those roles are checked themselves */
	if (cluster && kg_map_get(o->node, "aggregationRule"))
		return;
	const struct kg_node *rules = kg_map_get(o->node, "rules");
	if (!kg_is_seq(rules))
		return;
	char scope[320];
	if (cluster)
		kg_fmt(scope, sizeof(scope), "cluster-wide when bound by a ClusterRoleBinding");
	else
		kg_fmt(scope, sizeof(scope), "in namespace %s", o->namespace_ ? o->namespace_ : "default");
	unsigned done = 0, all = 0;
	for (uint32_t i = 0; i < rules->len; i++) {
		struct kg_rbac_grant g;
		kg_rbac_rule_grants_want(rules->v.items[i], 0, &g);
		all |= g.caps;
	}
	for (uint32_t i = 0; i < rules->len; i++) {
		struct kg_rbac_grant g;
		kg_rbac_rule_grants_want(rules->v.items[i], ~done, &g); /* phrases of caps not reported yet */
		/* full control says it all: the implied findings would only repeat it */
		if (all & KG_CAP_BIT(KG_CAP_ALL))
			g.caps &= KG_CAP_BIT(KG_CAP_ALL) | KG_CAP_BIT(KG_CAP_WILD_GROUPS);
		char path[32];
		kg_fmt(path, sizeof(path), "rules[%u]", i);
		for (int cap = 0; cap < KG_CAP_COUNT; cap++) {
			const struct kg_rule *r = rule(cap_rule_ids[cap]);
			if (!(g.caps & KG_CAP_BIT(cap)) || (done & KG_CAP_BIT(cap)))
				continue;
			done |= KG_CAP_BIT(cap);
			if (cap == KG_CAP_WILD_GROUPS && (all & KG_CAP_BIT(KG_CAP_ALL)))
				continue; /* part of the full-control finding */
			kg_emit(c, r, rules->v.items[i], path, NULL, "%s %s can %s, %s", o->kind,
				o->name ? o->name : "(unnamed)", g.what[cap], scope);
		}
	}
	const char *label;
	const char *target = cluster ? aggregate_target(kg_node_get(o->node, "metadata.labels"), &label) : NULL;
	if (target) {
		struct kg_rbac_grant builtin;
		kg_rbac_builtin_role(target, &builtin);
		unsigned extra = all & ~KG_CAPS_WILDCARDS & ~builtin.caps;
		if (extra) {
			char list[512] = "";
			size_t len = 0;
			for (uint32_t i = 0; i < rules->len; i++) {
				struct kg_rbac_grant g;
				kg_rbac_rule_grants_want(rules->v.items[i], extra, &g);
				for (int cap = 0; cap < KG_CAP_COUNT; cap++)
					if ((g.caps & extra & KG_CAP_BIT(cap)) && len < sizeof(list) - 1) {
						len += (size_t)kg_fmt(list + len, sizeof(list) - len, "%s%s", len ? ", " : "",
									g.what[cap]);
						extra &= ~KG_CAP_BIT(cap);
					}
			}
			kg_emit(c, rule("rbac.aggregate-to-builtin"), kg_node_get(o->node, "metadata.labels"),
				"metadata.labels", NULL,
				"ClusterRole %s is aggregated into the built-in '%s' role (label %s) and adds: %s; "
				"everyone bound to '%s' gets it",
				o->name ? o->name : "(unnamed)", target, label, list, target);
		}
	}
}

static const char *const authenticated_defaults[] = { "system:basic-user", "system:discovery",
						       "system:public-info-viewer", NULL };

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static void check_binding(struct kg_check *c)
{
	const struct kg_object *o = c->obj;
	if (kg_rbac_is_bootstrap(o->node))
		return;
	const struct kg_node *ref = kg_map_get(o->node, "roleRef");
	const char *role = kg_str(kg_map_get(ref, "name"));
	const char *role_kind = kg_str(kg_map_get(ref, "kind"));
	const struct kg_node *subjects = kg_map_get(o->node, "subjects");
	const char *name = o->name ? o->name : "(unnamed)";
	bool cluster = !strcmp(o->kind, "ClusterRoleBinding");
	bool only_masters = kg_is_seq(subjects) && subjects->len > 0;
	for (uint32_t i = 0; kg_is_seq(subjects) && i < subjects->len; i++) {
		const struct kg_node *s = subjects->v.items[i];
		const char *k = kg_str(kg_map_get(s, "kind")), *n = kg_str(kg_map_get(s, "name"));
		if (!k || strcmp(k, "Group") || !n || strcmp(n, "system:masters"))
			only_masters = false;
	}
	char scope[300];
	if (cluster)
		kg_fmt(scope, sizeof(scope), "cluster-wide");
	else
		kg_fmt(scope, sizeof(scope), "in namespace %s", o->namespace_ ? o->namespace_ : "default");
	/* the API server's own cluster-admin binding is to system:masters: nothing to add */
	if (role && !strcmp(role, "cluster-admin") && role_kind && !strcmp(role_kind, "ClusterRole") && !only_masters)
		kg_emit(c, rule("rbac.binding-cluster-admin"), kg_map_get(ref, "name"), "roleRef.name", NULL,
			"%s %s grants cluster-admin %s", o->kind, name, scope);
	for (uint32_t i = 0; kg_is_seq(subjects) && i < subjects->len; i++) {
		const struct kg_node *s = subjects->v.items[i];
		const char *k = kg_str(kg_map_get(s, "kind")), *n = kg_str(kg_map_get(s, "name"));
		char path[32];
		kg_fmt(path, sizeof(path), "subjects[%u]", i);
		if (!k || !n)
			continue;
		bool group = !strcmp(k, "Group"), user = !strcmp(k, "User");
		if (group && !strcmp(n, "system:masters") && !(role && !strcmp(role, "cluster-admin")))
			kg_emit(c, rule("rbac.binding-system-masters"), s, path, NULL,
				"%s %s binds %s %s to system:masters, whose members already bypass RBAC", o->kind, name,
				role_kind ? role_kind : "role", role ? role : "(unnamed)");
		/* anonymous requests carry user system:anonymous and group system:unauthenticated; a
		 * group named system:anonymous matches no request but states the same intent */
		if (((user || group) && !strcmp(n, "system:anonymous")) || (group && !strcmp(n, "system:unauthenticated"))) {
			if (!(role && !strcmp(role, "system:public-info-viewer")))
				kg_emit(c, rule("rbac.binding-anonymous"), s, path, NULL,
					"%s %s grants %s %s to %s (every unauthenticated request) %s", o->kind, name,
					role_kind ? role_kind : "role", role ? role : "(unnamed)", n, scope);
		}
		if (group && (!strcmp(n, "system:authenticated") || !strcmp(n, "system:serviceaccounts")) &&
		    !in_list(role, authenticated_defaults))
			kg_emit(c, rule("rbac.binding-authenticated"), s, path, NULL,
				"%s %s grants %s %s to %s (%s) %s", o->kind, name, role_kind ? role_kind : "role",
				role ? role : "(unnamed)", n,
				!strcmp(n, "system:authenticated") ? "every authenticated user and service account"
								    : "every service account",
				scope);
		if (!strcmp(k, "ServiceAccount") && !strcmp(n, "default")) {
			const char *ns = kg_str(kg_map_get(s, "namespace"));
			if (!ns)
				ns = o->namespace_ ? o->namespace_ : "default";
			kg_emit(c, rule("rbac.default-sa-bound"), s, path, NULL,
				"%s %s grants %s %s to the default service account of namespace %s, which every pod "
				"there runs as unless it names another",
				o->kind, name, role_kind ? role_kind : "role", role ? role : "(unnamed)", ns);
		}
	}
}

void kg_rbac_check_aws_auth(struct kg_check *c, struct kg_loader *L);

static void rbac_check(struct kg_check *c)
{
	const struct kg_object *o = c->obj;
	if (!o->kind)
		return;
	if (is_rbac_group(o)) {
		if (!strcmp(o->kind, "Role") || !strcmp(o->kind, "ClusterRole")) {
			*c->handled = true;
			check_role(c);
		} else if (!strcmp(o->kind, "RoleBinding") || !strcmp(o->kind, "ClusterRoleBinding")) {
			*c->handled = true;
			check_binding(c);
		}
		return;
	}
	if (!strcmp(o->kind, "ConfigMap") && o->api_version && !strcmp(o->api_version, "v1") && o->name &&
	    !strcmp(o->name, "aws-auth") && (!o->namespace_ || !strcmp(o->namespace_, "kube-system"))) {
		*c->handled = true;
		kg_rbac_check_aws_auth(c, c->state);
	}
}

static void *rbac_state_new(const struct kg_scan_opts *opts)
{
	(void)opts;
	return kg_loader_new(NULL);
}

static void rbac_state_free(void *state)
{
	kg_loader_free(state);
}

/* for rbac_awsauth.c */
const struct kg_rule *kg_rbac_rule(const char *id);
const struct kg_rule *kg_rbac_rule(const char *id)
{
	return rule(id);
}

const struct kg_family kg_family_rbac = {
	"rbac", rbac_rules, NRULES, rbac_check, NULL, rbac_state_new, rbac_state_free,
};
