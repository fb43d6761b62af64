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
#include "policy.h"
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

/* The rules of kg_rec_rule, checked against their ids once per run (cluster_state_new). */
static const struct kg_rule *const rec_rules[KG_RR_COUNT] = {
	[KG_RR_SA_TAKEOVER] = &cluster_rules[NRULES - 2],
	[KG_RR_SA_DANGEROUS] = &cluster_rules[NRULES - 1],
	[KG_RR_POD_NOT_ISOLATED] = &cluster_rules[6],
	[KG_RR_NETPOL_NOTHING] = &cluster_rules[5],
	[KG_RR_SERVICE_NOTHING] = &cluster_rules[10],
	[KG_RR_NO_DEFAULT_DENY] = &cluster_rules[4],
	[KG_RR_NO_QUOTA] = &cluster_rules[2],
	[KG_RR_NO_LIMIT_RANGE] = &cluster_rules[0],
};
static const char *const rec_rule_ids[KG_RR_COUNT] = {
	"rbac.workload-sa-takeover", "rbac.workload-sa-dangerous", "network.pod-not-isolated",
	"network.netpol-selects-nothing", "network.service-selects-nothing", "network.namespace-no-default-deny",
	"namespace.no-resource-quota", "namespace.no-limit-range",
};

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

struct kg_workload *kg_wl_push(struct kg_cluster_state *s)
{
	struct kg_workloads *w = &s->workloads;
	if (w->n == w->nblk * KG_WL_BLOCK) {
		if (w->nblk == w->cap) {
			size_t nc = w->cap ? w->cap * 2 : 16;
			struct kg_workload **p = realloc(w->blk, nc * sizeof(*p));
			if (!p)
				abort();
			w->blk = p;
			w->cap = nc;
		}
		w->blk[w->nblk++] = kg_arena_alloc(&s->arena, KG_WL_BLOCK * sizeof(**w->blk));
	}
	struct kg_workload *e = kg_wl(s, w->n++);
	memset(e, 0, sizeof(*e));
	return e;
}

/* --- shared strings and nodes --- */

static uint64_t mix(uint64_t h, uint64_t x)
{
	h = (h ^ x) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* An interned string: its length and hash, then the bytes and a NUL. */
struct str_hdr {
	uint32_t len, hash;
};

static uint32_t str_hash(const char *p, size_t len)
{
	uint64_t h = mix(0x2545f4914f6cdd1dull, len), w;
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = mix(h, w);
	}
	w = 0;
	memcpy(&w, p, len);
	h = mix(h, w);
	return (uint32_t)(h ^ (h >> 32));
}

static uint64_t node_hash(const struct kg_node *n)
{
	uint64_t h = mix((uint64_t)n->type | (uint64_t)n->flags << 8, n->len);
	switch (n->type) {
	case KG_BOOL:
		return mix(h, n->v.b);
	case KG_INT:
	case KG_FLOAT:
		return mix(h, n->v.u);
	case KG_STR:
		return mix(h, (uintptr_t)n->v.s); /* interned */
	case KG_MAP:
		for (uint32_t i = 0; i < n->len; i++)
			h = mix(mix(h, (uintptr_t)n->v.pairs[i].key), (uintptr_t)n->v.pairs[i].value);
		return h;
	case KG_SEQ:
		for (uint32_t i = 0; i < n->len; i++)
			h = mix(h, (uintptr_t)n->v.items[i]);
		return h;
	default:
		return h;
	}
}

/* Equal as readers of shared nodes see them (positions are not read); children are shared, so
 * equal children are the same pointer. */
static bool node_eq(const struct kg_node *a, const struct kg_node *b)
{
	if (a->type != b->type || a->flags != b->flags || a->len != b->len)
		return false;
	switch (a->type) {
	case KG_BOOL:
		return a->v.b == b->v.b;
	case KG_INT:
	case KG_FLOAT:
		return a->v.u == b->v.u;
	case KG_STR:
		return a->v.s == b->v.s;
	case KG_MAP:
		for (uint32_t i = 0; i < a->len; i++)
			if (a->v.pairs[i].key != b->v.pairs[i].key || a->v.pairs[i].value != b->v.pairs[i].value)
				return false;
		return true;
	case KG_SEQ:
		return !a->len || !memcmp(a->v.items, b->v.items, a->len * sizeof(*a->v.items));
	default:
		return true;
	}
}

static uint64_t entry_hash(const void *p, bool strs)
{
	return strs ? ((const struct str_hdr *)p)->hash : node_hash(p);
}

/* Never 0 (an empty slot); from other bits than the slot index for tables under 64K slots. */
static uint16_t hash_tag(uint64_t h)
{
	return (uint16_t)((h >> 16) | 0x8000u);
}

/* Make room for one more entry (load at most 3/4). */
static void ptab_reserve(struct kg_ptab *t, bool strs)
{
	if ((t->n + 1) * 4 <= t->cap * 3)
		return;
	size_t cap = t->cap ? t->cap * 2 : 256;
	void **v = malloc(cap * sizeof(*v)); /* read only where tag is set */
	uint16_t *tag = calloc(cap, sizeof(*tag));
	if (!v || !tag)
		abort();
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->tag[i])
			continue;
		uint64_t h = entry_hash(t->v[i], strs);
		size_t k = h & (cap - 1);
		while (tag[k])
			k = (k + 1) & (cap - 1);
		v[k] = t->v[i];
		tag[k] = t->tag[i];
	}
	free(t->v);
	free(t->tag);
	t->v = v;
	t->tag = tag;
	t->cap = cap;
}

const char *kg_cluster_str(struct kg_cluster_state *s, const char *p, size_t len)
{
	struct kg_ptab *t = &s->strs;
	ptab_reserve(t, true);
	uint32_t h = str_hash(p, len);
	uint16_t tag = hash_tag(h);
	size_t k = h & (t->cap - 1);
	for (; t->tag[k]; k = (k + 1) & (t->cap - 1)) {
		if (t->tag[k] != tag)
			continue;
		const struct str_hdr *e = t->v[k];
		if (e->hash == h && e->len == len && !memcmp(e + 1, p, len))
			return (const char *)(e + 1);
	}
	if (len > UINT32_MAX - sizeof(struct str_hdr) - 1)
		abort(); /* documents are far smaller */
	struct str_hdr *e = kg_arena_alloc(&s->arena, sizeof(*e) + len + 1);
	e->len = (uint32_t)len;
	e->hash = h;
	char *copy = (char *)(e + 1);
	if (len)
		memcpy(copy, p, len);
	copy[len] = '\0';
	t->v[k] = e;
	t->tag[k] = tag;
	t->n++;
	return copy;
}

const char *kg_cluster_ns(struct kg_cluster_state *s, const char *ns)
{
	return kg_cluster_str(s, ns, strlen(ns));
}

/* The id of the pair (a, b) of interned pointers, numbered when new. */
static uint32_t ids_get(struct kg_ids *t, const char *a, const char *b)
{
	if ((t->pairs.n + 1) * 2 > t->cap) { /* load at most 1/2 */
		size_t cap = t->cap ? t->cap * 2 : 64;
		uint32_t *slot = calloc(cap, sizeof(*slot));
		if (!slot)
			abort();
		free(t->slot);
		t->slot = slot;
		t->cap = cap;
		for (uint32_t id = 0; id < t->pairs.n; id++) {
			size_t k = mix((uintptr_t)t->pairs.v[id].a, (uintptr_t)t->pairs.v[id].b) & (cap - 1);
			while (slot[k])
				k = (k + 1) & (cap - 1);
			slot[k] = id + 1;
		}
	}
	size_t k = mix((uintptr_t)a, (uintptr_t)b) & (t->cap - 1);
	for (; t->slot[k]; k = (k + 1) & (t->cap - 1)) {
		const struct kg_id_pair *p = &t->pairs.v[t->slot[k] - 1];
		if (p->a == a && p->b == b)
			return t->slot[k] - 1;
	}
	if (t->pairs.n >= UINT32_MAX - 1)
		abort(); /* one per namespace or kind: far fewer */
	struct kg_id_pair *p = KG_PUSH(t->pairs);
	p->a = a;
	p->b = b;
	t->slot[k] = (uint32_t)t->pairs.n;
	return (uint32_t)t->pairs.n - 1;
}

uint32_t kg_ns_id(struct kg_cluster_state *s, const char *ns)
{
	return ids_get(&s->nss, ns, NULL);
}

/* The shared node equal to *n (whose children are shared), added when new: a collection's array
 * (on the caller's stack) is copied then. */
static struct kg_node *node_intern(struct kg_cluster_state *s, struct kg_node *n)
{
	struct kg_ptab *t = &s->nodes;
	ptab_reserve(t, false);
	uint64_t h = node_hash(n);
	uint16_t tag = hash_tag(h);
	size_t k = h & (t->cap - 1);
	for (; t->tag[k]; k = (k + 1) & (t->cap - 1))
		if (t->tag[k] == tag && node_eq(t->v[k], n))
			return t->v[k];
	if (n->type == KG_MAP && n->len) {
		struct kg_pair *p = kg_arena_alloc(&s->arena, n->len * sizeof(*p));
		memcpy(p, n->v.pairs, n->len * sizeof(*p));
		n->v.pairs = p;
	} else if (n->type == KG_SEQ && n->len) {
		struct kg_node **p = kg_arena_alloc(&s->arena, n->len * sizeof(*p));
		memcpy(p, n->v.items, n->len * sizeof(*p));
		n->v.items = p;
	}
	struct kg_node *o = kg_arena_alloc(&s->arena, sizeof(*o));
	*o = *n;
	t->v[k] = o;
	t->tag[k] = tag;
	t->n++;
	return o;
}

/* Collections up to this size, this deep, are shared (built on the stack first). */
#define SHARE_MAX_LEN 16u
#define SHARE_MAX_DEPTH 8u

/* A copy of n for readers of values (not positions or source spellings), cut like clone_rec in
 * policy_util.c: below depth 200 a node becomes null. */
static struct kg_node *share_rec(struct kg_cluster_state *s, const struct kg_node *n, unsigned depth);

/* A collection's children, shared; a small one is then shared itself (tmp: room for
 * SHARE_MAX_LEN children, live until then). */
static struct kg_node *share_children(struct kg_cluster_state *s, struct kg_node *t, unsigned depth, void *tmp)
{
	bool small = tmp != NULL;
	if (t->type == KG_MAP) {
		struct kg_pair *p = small ? tmp : kg_arena_alloc(&s->arena, t->len * sizeof(*p));
		for (uint32_t i = 0; i < t->len; i++) {
			p[i] = t->v.pairs[i];
			p[i].key = kg_cluster_str(s, p[i].key, p[i].key_len);
			p[i].value = share_rec(s, p[i].value, depth + 1);
		}
		t->v.pairs = t->len ? p : NULL;
	} else {
		struct kg_node **p = small ? tmp : kg_arena_alloc(&s->arena, t->len * sizeof(*p));
		for (uint32_t i = 0; i < t->len; i++)
			p[i] = share_rec(s, t->v.items[i], depth + 1);
		t->v.items = t->len ? p : NULL;
	}
	if (small)
		return node_intern(s, t);
	struct kg_node *o = kg_arena_alloc(&s->arena, sizeof(*o));
	*o = *t;
	return o;
}

/* A copy of n for readers of values (not positions or source spellings), cut like clone_rec in
 * policy_util.c: below depth 200 a node becomes null. */
static struct kg_node *share_rec(struct kg_cluster_state *s, const struct kg_node *n, unsigned depth)
{
	struct kg_node t = *n;
	t.flags &= (uint8_t)~KG_NODE_ALIASED;
	t.text = NULL;
	if (depth > 200) {
		t.type = KG_NULL;
		t.len = 0;
	}
	switch (t.type) {
	case KG_STR:
		t.v.s = kg_cluster_str(s, n->v.s, n->len);
		return node_intern(s, &t);
	case KG_MAP:
	case KG_SEQ:
		if (n->len <= SHARE_MAX_LEN && depth <= SHARE_MAX_DEPTH) {
			struct kg_pair tmp[SHARE_MAX_LEN]; /* holds SHARE_MAX_LEN items too */
			return share_children(s, &t, depth, tmp);
		}
		return share_children(s, &t, depth, NULL);
	case KG_NULL:
		t.v.u = 0;
		return node_intern(s, &t);
	default:
		return node_intern(s, &t);
	}
}

/* --- keeping objects --- */

/* The paths of the trimmed clone an object too big to read whole is kept as (and which the
 * policy saw of every object before decisions moved to collection time). */
static size_t keep_paths(const struct kg_cluster_state *s, const char **paths)
{
	static const char *const base[] = { "apiVersion", "kind", "metadata.name", "metadata.generateName",
					    "metadata.namespace", "metadata.labels",
					    ("metadata.annotations." KG_IGNORE_ANNOTATION) };
	size_t np = 0;
	for (; np < sizeof(base) / sizeof(base[0]); np++)
		paths[np] = base[np];
	for (size_t i = 0; i < s->nkeep && np < 16; i++)
		paths[np++] = s->keep[i];
	return np;
}

void kg_keep_begin(struct kg_cluster_state *s, const struct kg_check *c, const char *const *extra, size_t nextra)
{
	const struct kg_object *o = c->obj;
	s->keep = extra;
	s->nkeep = nextra;
	s->pod_set = false;
	s->pod_meta = NULL;
	/* a node's weight bounds the nodes below it (aliases expanded): under the clone budget, the
	 * clone would have been whole and the object reads the same */
	s->cloned = o->node->weight >= KG_CLONE_MAX_NODES;
	if (!s->cloned) {
		s->view = *o;
		return;
	}
	const char *paths[16];
	size_t np = keep_paths(s, paths);
	kg_object_init(&s->view, kg_node_clone_keep(&s->arena, o->node, paths, np), NULL, o->item_path);
	s->view.file = o->file;
	s->view.rendered_from = o->rendered_from;
	s->view.doc_index = o->doc_index;
}

const struct kg_node *kg_keep_at(struct kg_cluster_state *s, const char *dotted, const struct kg_node *n)
{
	if (s->cloned)
		return kg_node_get(s->view.node, dotted);
	return n ? share_rec(s, n, 1) : NULL;
}

const struct kg_node *kg_keep_get(struct kg_cluster_state *s, const char *dotted)
{
	return kg_keep_at(s, dotted, s->cloned ? NULL : kg_node_get(s->view.node, dotted));
}

const char *kg_keep_str(struct kg_cluster_state *s, const char *str)
{
	return str ? kg_cluster_str(s, str, strlen(str)) : NULL;
}

const char *kg_cluster_file(struct kg_cluster_state *s, struct kg_report *r, const char *file)
{
	/* the objects of one input come one after the other */
	if (!file)
		return NULL;
	if (!s->last_file || (file != s->last_file && strcmp(file, s->last_file)))
		s->last_file = kg_report_str(r, file);
	return s->last_file;
}

/* The kguard.io/ignore annotation of a metadata map as the policy reads it. */
static const char *ignore_annotation(const struct kg_node *meta)
{
	const struct kg_node *n = kg_map_get(kg_map_get(meta, "annotations"), KG_IGNORE_ANNOTATION);
	const char *v = kg_str(n);
	return v && n->len <= KG_IGNORE_MAX_BYTES ? v : NULL;
}

/* The pod template annotation as the policy reads it for per-object findings: on the template
 * the workload was collected from (kg_pod_locate's choice), whatever the kind's other paths. */
static const char *pod_ignore(const struct kg_cluster_state *s, const struct kg_object *o)
{
	if (!o->kind || !strcmp(o->kind, "Pod") || !kg_kind_has_pod(o))
		return NULL;
	if (s->pod_set)
		return s->pod_meta ? ignore_annotation(s->pod_meta) : NULL;
	struct kg_pod_ref ref;
	kg_pod_locate(o, &ref);
	return ref.meta ? ignore_annotation(ref.meta) : NULL;
}

void kg_rec_init(struct kg_cluster_state *s, struct kg_rec *r, const struct kg_check *c, const struct kg_node *at,
		 const char *path, unsigned rules)
{
	const struct kg_object *o = c->obj, *v = &s->view;
	r->ident = ids_get(&s->idents, kg_keep_str(s, v->api_version), kg_keep_str(s, v->kind));
	r->name = kg_keep_str(s, v->name);
	if (v->namespace_)
		r->flags |= KG_REC_NS_SET;
	r->ns = kg_ns_id(s, kg_cluster_ns(s, v->namespace_ ? v->namespace_ : "default"));
	r->file = kg_cluster_file(s, c->report, o->file);
	r->rendered_from = o->rendered_from ? kg_report_str(c->report, o->rendered_from) : NULL;
	r->doc_index = o->doc_index;
	if (!at)
		at = o->node;
	r->line = at->line;
	r->col = at->col;
	const char *item = o->item_path ? o->item_path : "";
	if (path && *item) {
		char buf[512];
		size_t n = (size_t)kg_fmt(buf, sizeof(buf), "%s.%s", item, path);
		r->path = n < sizeof(buf) ? kg_cluster_str(s, buf, n) : kg_arena_printf(&s->arena, "%s.%s", item, path);
	} else if (path) {
		r->path = kg_keep_str(s, path);
	}
	/* the policy's decision on this object, for each rule it may report (the part that does not
	 * depend on the object is taken again when reporting) */
	struct kg_obj_ignores ign = { true, NULL, NULL };
	if (rules) {
		/* the object's own annotation as the view holds it (a clone keeps it), the template's
		 * from the object itself */
		ign.meta = ignore_annotation(kg_map_get(v->node, "metadata"));
		ign.pod = pod_ignore(s, o);
	}
	for (unsigned i = 0; i < KG_RR_COUNT; i++) {
		enum kg_severity sev = rec_rules[i]->severity;
		if ((rules & KG_RR_BIT(i)) &&
		    kg_policy_decide_obj(c->opts->policy, rec_rules[i], v, &ign, &sev) == KG_POLICY_DROP)
			r->drop |= (uint8_t)KG_RR_BIT(i);
	}
}

void kg_rec_emit(struct kg_check *c, const struct kg_rec *r, enum kg_rec_rule rule, const char *fmt, ...)
{
	if (r->drop & KG_RR_BIT(rule)) {
		c->report->sum.suppressed++;
		return;
	}
	const struct kg_cluster_state *s = c->state;
	struct kg_finding f = { 0 };
	f.file = r->file;
	f.rendered_from = r->rendered_from;
	f.line = r->line;
	f.col = r->col;
	f.path = r->path;
	f.api_version = s->idents.pairs.v[r->ident].a;
	f.kind = s->idents.pairs.v[r->ident].b;
	f.namespace_ = (r->flags & KG_REC_NS_SET) ? kg_rec_ns(s, r) : NULL;
	f.name = r->name;
	f.doc_index = r->doc_index;
	va_list ap;
	va_start(ap, fmt);
	kg_emit_atv(c, rec_rules[rule], &f, fmt, ap); /* c->obj is NULL: rule settings only */
	va_end(ap);
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
	for (unsigned i = 0; i < KG_RR_COUNT; i++)
		if (strcmp(rec_rules[i]->id, rec_rule_ids[i]))
			abort(); /* rec_rules out of step with cluster_rules */
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
	free(s->workloads.blk);
	free(s->sas.v);
	free(s->roles.v);
	free(s->bindings.v);
	free(s->netpols.v);
	free(s->services.v);
	free(s->namespaces.v);
	free(s->quota_ns.v);
	free(s->limit_ns.v);
	free(s->strs.v);
	free(s->strs.tag);
	free(s->nodes.v);
	free(s->nodes.tag);
	free(s->nss.pairs.v);
	free(s->nss.slot);
	free(s->idents.pairs.v);
	free(s->idents.slot);
	kg_arena_release(&s->arena);
	free(s);
}

const struct kg_family kg_family_cluster = {
	"cluster", cluster_rules, NRULES, cluster_check, cluster_finish, cluster_state_new, cluster_state_free,
};
