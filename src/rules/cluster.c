/* Rule family 'cluster': checks across the objects of one run (network isolation, namespace
 * guard rails, RBAC attack paths through service accounts), per-object network exposure, and the
 * validation of inline suppressions. Rule ids: network.*, namespace.*, policy.* (and the
 * rbac.workload-sa-* rules owned by the rbac table). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/fmt.h"
#include "cluster_priv.h"
#include "policy_priv.h"

#define NETPOL_DOC "https://kubernetes.io/docs/concepts/services-networking/network-policies/"

static const struct kg_rule cluster_rules[] = {
	{ "namespace.no-limit-range", KG_SEV_LOW, "namespace", "Namespace has no LimitRange",
	  "Without a LimitRange, containers that set no requests or limits get none: one pod can take a "
	  "node's memory or CPU, and ResourceQuotas on compute cannot be enforced on such pods.",
	  "Add a LimitRange with default requests and limits to the namespace.",
	  "https://kubernetes.io/docs/concepts/policy/limit-range/", "kubescape:C-0268" },
	{ "namespace.no-psa-enforce", KG_SEV_MEDIUM, "namespace", "Namespace does not enforce a Pod Security Standard",
	  "Without the label pod-security.kubernetes.io/enforce, Pod Security Admission applies the "
	  "cluster default, which is privileged unless the admission configuration says otherwise: any pod "
	  "may be privileged, use host namespaces or mount the host.",
	  "Label the namespace pod-security.kubernetes.io/enforce: restricted (or baseline), with "
	  "enforce-version pinned when you need stability.",
	  "https://kubernetes.io/docs/concepts/security/pod-security-admission/",
	  "kyverno:psa-label-required kubescape:C-0212" },
	{ "namespace.no-resource-quota", KG_SEV_LOW, "namespace", "Namespace has no ResourceQuota",
	  "Without a ResourceQuota nothing bounds what the namespace may consume: a runaway or hostile "
	  "workload can exhaust the cluster's capacity, object count or load balancers.",
	  "Add a ResourceQuota sized for the namespace.",
	  "https://kubernetes.io/docs/concepts/policy/resource-quotas/", "kubescape:C-0009" },
	{ "network.ingress-no-tls", KG_SEV_MEDIUM, "network", "Ingress serves hosts without TLS",
	  "Hosts of an Ingress that no spec.tls entry covers are served over plain HTTP: credentials and "
	  "session cookies cross the network in clear text.",
	  "Add a spec.tls entry (with a certificate Secret) covering every host.",
	  "https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",
	  "kyverno:require-ingress-https kyverno:ingress-host-match-tls gatekeeper:k8shttpsonly" },
	{ "network.namespace-no-default-deny", KG_SEV_MEDIUM, "network", "Namespace has no default-deny NetworkPolicy",
	  "Pods accept connections from everywhere until a NetworkPolicy selects them. A default-deny "
	  "policy (podSelector: {} with policyTypes Ingress and no rules) makes every new workload "
	  "isolated until it is explicitly opened.",
	  "Add a NetworkPolicy selecting every pod (podSelector: {}) with policyTypes [Ingress] (and Egress "
	  "if outbound traffic should be limited too) and no rules, then allow what each workload needs.",
	  NETPOL_DOC "#default-deny-all-ingress-traffic", "kyverno:add-networkpolicy kubescape:C-0260" },
	{ "network.netpol-selects-nothing", KG_SEV_LOW, "network", "NetworkPolicy selects no pod",
	  "The policy's podSelector matches none of the pods in its namespace in the scanned files: the "
	  "isolation it was written for is not in effect (a renamed label is the usual cause).",
	  "Fix the podSelector labels to match the pods it should protect, or remove the policy.",
	  NETPOL_DOC, "kube-linter:dangling-networkpolicy" },
	{ "network.pod-not-isolated", KG_SEV_LOW, "network", "Pod is not selected by any NetworkPolicy",
	  "No NetworkPolicy in the pod's namespace selects it, so it accepts traffic from every pod in the "
	  "cluster and can reach anything.",
	  "Add a default-deny policy to the namespace and a policy allowing the traffic the pod needs.",
	  NETPOL_DOC, "kube-linter:non-isolated-pod kyverno:require-netpol kubescape:C-0260" },
	{ "network.service-external-ips", KG_SEV_HIGH, "network", "Service sets externalIPs",
	  "spec.externalIPs makes every node route traffic for those addresses to the Service: whoever can "
	  "create a Service can intercept traffic to any IP (CVE-2020-8554).",
	  "Remove externalIPs; use a LoadBalancer Service or an Ingress. Block the field cluster-wide with "
	  "the DenyServiceExternalIPs admission plugin.",
	  "https://github.com/kubernetes/kubernetes/issues/97076",
	  "kyverno:restrict-service-external-ips gatekeeper:k8sexternalips" },
	{ "network.service-lb-open", KG_SEV_MEDIUM, "network", "LoadBalancer Service is open to the internet",
	  "A LoadBalancer Service without loadBalancerSourceRanges (or with 0.0.0.0/0) is reachable from "
	  "every address on the internet, along with its node ports.",
	  "Set spec.loadBalancerSourceRanges to the client networks, or make the load balancer internal "
	  "(cloud-specific annotation).",
	  "https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/",
	  "kyverno:restrict-loadbalancer gatekeeper:k8sblockloadbalancer" },
	{ "network.service-nodeport", KG_SEV_LOW, "network", "Service of type NodePort",
	  "A NodePort Service opens the port on every node's addresses, outside NetworkPolicies at the "
	  "node level and usually past the cluster's load balancer and firewall design.",
	  "Use a ClusterIP Service behind an Ingress or a LoadBalancer Service with source ranges.",
	  "https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport",
	  "kyverno:restrict-node-port gatekeeper:k8sblocknodeport kubescape:C-0044" },
	{ "network.service-selects-nothing", KG_SEV_LOW, "network", "Service selects no pod",
	  "The Service's selector matches none of the pods in its namespace in the scanned files, so it "
	  "has no endpoints (a renamed label is the usual cause).",
	  "Fix spec.selector to match the pod template labels.",
	  "https://kubernetes.io/docs/concepts/services-networking/service/", "kube-linter:dangling-service" },
	{ "policy.suppression-no-reason", KG_SEV_MEDIUM, "policy", "Suppression without a reason",
	  "A kguard.io/ignore annotation names a rule without saying why. It is not honoured: every "
	  "suppression must carry a reason for the next reviewer.",
	  "Write the reason after a colon: kguard.io/ignore: \"rule-id: why this is acceptable\" (see docs/policy.md).",
	  "", "" },
	{ "policy.suppression-unknown-rule", KG_SEV_MEDIUM, "policy", "Suppression names an unknown rule",
	  "A kguard.io/ignore annotation names a rule id that does not exist (a typo, or a renamed rule): "
	  "it suppresses nothing.",
	  "Use an id from `kguard rules` (or a pattern such as pss.*); see docs/policy.md.",
	  "", "" },
	/* RBAC attack paths: rbac.* ids, reported here because they need every object of the run */
	{ "rbac.workload-sa-takeover", KG_SEV_CRITICAL, "rbac", "Workload's service account can take over the cluster or its namespace",
	  "The pod runs as a service account that a binding in the scanned files gives full control, "
	  "escalate, bind, impersonate, nodes/proxy, CSR approval or admission control. Anyone who gets "
	  "code execution in the pod (a dependency, an RCE, a compromised image) gets that power.",
	  "Run the workload as a dedicated service account with only what it needs, or set "
	  "automountServiceAccountToken: false when it does not call the API.",
	  "https://kubernetes.io/docs/concepts/security/rbac-good-practices/", "kubescape:C-0053" },
	{ "rbac.workload-sa-dangerous", KG_SEV_HIGH, "rbac", "Workload's service account has dangerous permissions",
	  "The pod runs as a service account that a binding in the scanned files allows to read Secrets, "
	  "exec into pods, create pods or workloads, create tokens or use wildcards. Code running in the "
	  "pod can use them to move to other workloads and identities.",
	  "Narrow the role (resourceNames, fewer verbs), bind it to a dedicated service account, or set "
	  "automountServiceAccountToken: false when the workload does not call the API.",
	  "https://kubernetes.io/docs/concepts/security/rbac-good-practices/", "kubescape:C-0053" },
};
#define NRULES (sizeof(cluster_rules) / sizeof(cluster_rules[0]))
const struct kg_rule *const kg_rule_workload_sa_takeover = &cluster_rules[NRULES - 2];
const struct kg_rule *const kg_rule_workload_sa_dangerous = &cluster_rules[NRULES - 1];

const struct kg_rule *kg_cluster_rule(const char *id)
{
	for (size_t i = 0; i < NRULES; i++)
		if (!strcmp(cluster_rules[i].id, id))
			return &cluster_rules[i];
	abort(); /* a misspelled id in this family's own code */
}

void *kg_vec_push(void *vec_v, size_t *n, size_t *cap, size_t elem)
{
	char **vec = vec_v;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		char *p = realloc(*vec, nc * elem);
		if (!p)
			abort();
		*vec = p;
		*cap = nc;
	}
	char *e = *vec + (*n)++ * elem;
	memset(e, 0, elem);
	return e;
}

static uint64_t ns_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

const char *kg_cluster_ns(struct kg_cluster_state *s, const char *ns)
{
	if (s->ns_count * 2 >= s->ns_cap) {
		size_t cap = s->ns_cap ? s->ns_cap * 2 : 64;
		const char **t = calloc(cap, sizeof(*t));
		if (!t)
			abort();
		for (size_t i = 0; i < s->ns_cap; i++) {
			if (!s->ns_tab[i])
				continue;
			size_t k = ns_hash(s->ns_tab[i]) & (cap - 1);
			while (t[k])
				k = (k + 1) & (cap - 1);
			t[k] = s->ns_tab[i];
		}
		free(s->ns_tab);
		s->ns_tab = t;
		s->ns_cap = cap;
	}
	size_t k = ns_hash(ns) & (s->ns_cap - 1);
	for (; s->ns_tab[k]; k = (k + 1) & (s->ns_cap - 1))
		if (!strcmp(s->ns_tab[k], ns))
			return s->ns_tab[k];
	s->ns_count++;
	return s->ns_tab[k] = kg_arena_strdup(&s->arena, ns);
}

void kg_rec_init(struct kg_cluster_state *s, struct kg_rec *r, const struct kg_check *c, const char *const *extra,
		 size_t nextra, const struct kg_node *at, const char *path)
{
	const char *paths[16] = { "apiVersion", "kind", "metadata.name", "metadata.generateName", "metadata.namespace",
				  "metadata.labels", ("metadata.annotations." KG_IGNORE_ANNOTATION) };
	size_t np = 7;
	for (size_t i = 0; i < nextra && np < 16; i++)
		paths[np++] = extra[i];
	const struct kg_object *o = c->obj;
	struct kg_node *clone = kg_node_clone_keep(&s->arena, o->node, paths, np);
	const char *item = kg_arena_strdup(&s->arena, o->item_path ? o->item_path : "");
	kg_object_init(&r->obj, clone, NULL, item);
	r->obj.file = o->file ? kg_arena_strdup(&s->arena, o->file) : NULL;
	r->obj.doc_index = o->doc_index;
	r->ns_set = r->obj.namespace_ != NULL;
	r->ns = kg_cluster_ns(s, r->obj.namespace_ ? r->obj.namespace_ : "default");
	struct kg_finding *w = &r->where;
	if (!at)
		at = o->node;
	w->file = r->obj.file;
	w->line = at->line;
	w->col = at->col;
	if (path)
		w->path = *item ? kg_arena_printf(&s->arena, "%s.%s", item, path) : kg_arena_strdup(&s->arena, path);
	w->api_version = r->obj.api_version;
	w->kind = r->obj.kind;
	w->namespace_ = r->obj.namespace_;
	w->name = r->obj.name;
	w->doc_index = r->obj.doc_index;
}

void kg_rec_emit(struct kg_check *c, const struct kg_rec *r, const struct kg_rule *rule, const char *fmt, ...)
{
	const struct kg_object *saved = c->obj;
	c->obj = &r->obj; /* the policy decides on the kept object (labels, suppressions) */
	va_list ap;
	va_start(ap, fmt);
	kg_emit_atv(c, rule, &r->where, fmt, ap);
	va_end(ap);
	c->obj = saved;
}

static void cluster_check(struct kg_check *c)
{
	if (!c->obj->kind)
		return;
	kg_suppression_check(c);
	kg_netpol_check_object(c);
	kg_cluster_collect(c, c->state);
}

static void cluster_finish(struct kg_check *c)
{
	struct kg_cluster_state *s = c->state;
	kg_cluster_paths(c, s);
	kg_cluster_network(c, s);
}

static void *cluster_state_new(const struct kg_scan_opts *opts)
{
	(void)opts;
	struct kg_cluster_state *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	kg_arena_init(&s->arena, 1 << 16);
	return s;
}

static void cluster_state_free(void *state)
{
	struct kg_cluster_state *s = state;
	if (!s)
		return;
	free(s->workloads.v);
	free(s->sas.v);
	free(s->roles.v);
	free(s->bindings.v);
	free(s->netpols.v);
	free(s->services.v);
	free(s->namespaces.v);
	free(s->quota_ns.v);
	free(s->limit_ns.v);
	free(s->ns_tab);
	kg_arena_release(&s->arena);
	free(s);
}

const struct kg_family kg_family_cluster = {
	"cluster", cluster_rules, NRULES, cluster_check, cluster_finish, cluster_state_new, cluster_state_free,
};
