/* Network exposure and namespace guard rails.
 *
 * Per object: Services (NodePort, open LoadBalancer, externalIPs), Ingress TLS, Namespace Pod
 * Security labels. Across objects: pods no NetworkPolicy selects, policies and Services that
 * select nothing, namespaces without default-deny, ResourceQuota or LimitRange.
 *
 * "Absence" findings need to know that the run holds everything of a namespace. They are made
 * only where the run is authoritative: namespace checks for namespaces declared by a Namespace
 * object in the run; pod isolation for pods whose namespace is declared or has at least one
 * NetworkPolicy in the run; "selects nothing" for namespaces with at least one pod in the run. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/fmt.h"
#include "../util/hash.h"
#include "cluster_priv.h"
#include "policy_priv.h"

/* --- per object --- */

static bool internal_lb(const struct kg_node *annotations)
{
	static const char *const keys[][2] = {
		{ "service.beta.kubernetes.io/aws-load-balancer-internal", NULL },
		{ "service.beta.kubernetes.io/aws-load-balancer-scheme", "internal" },
		{ "networking.gke.io/load-balancer-type", "Internal" },
		{ "cloud.google.com/load-balancer-type", "Internal" },
		{ "service.beta.kubernetes.io/azure-load-balancer-internal", "true" },
		{ "service.beta.kubernetes.io/oci-load-balancer-internal", "true" },
		{ "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type", "private" },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct kg_node *v = kg_map_get(annotations, keys[i][0]);
		char text[64];
		if (!v)
			continue;
		kg_scalar_text(v, text, sizeof(text));
		if (keys[i][1] ? !strcmp(text, keys[i][1]) : (strcmp(text, "false") && strcmp(text, "")))
			return true;
	}
	return false;
}

static void check_service(struct kg_check *c)
{
	const struct kg_object *o = c->obj;
	const struct kg_node *spec = kg_map_get(o->node, "spec");
	const struct kg_node *type = kg_map_get(spec, "type");
	const char *t = kg_str(type), *name = o->name ? o->name : "(unnamed)";
	*c->handled = true;
	if (t && !strcmp(t, "NodePort"))
		kg_emit(c, kg_cluster_rule("network.service-nodeport"), type, "spec.type", NULL,
			"Service %s opens a port on every node (type NodePort)", name);
	if (t && !strcmp(t, "LoadBalancer") && !internal_lb(kg_node_get(o->node, "metadata.annotations"))) {
		const struct kg_node *ranges = kg_map_get(spec, "loadBalancerSourceRanges");
		const struct kg_node *open = NULL;
		for (uint32_t i = 0; kg_is_seq(ranges) && i < ranges->len; i++) {
			const char *r = kg_str(ranges->v.items[i]);
			if (r && (!strcmp(r, "0.0.0.0/0") || !strcmp(r, "::/0")))
				open = ranges->v.items[i];
		}
		if (!kg_is_seq(ranges) || ranges->len == 0)
			kg_emit(c, kg_cluster_rule("network.service-lb-open"), type, "spec.type", NULL,
				"LoadBalancer Service %s has no loadBalancerSourceRanges: reachable from any address", name);
		else if (open)
			kg_emit(c, kg_cluster_rule("network.service-lb-open"), open, "spec.loadBalancerSourceRanges", NULL,
				"LoadBalancer Service %s allows %s in loadBalancerSourceRanges: reachable from any address",
				name, kg_str(open));
	}
	const struct kg_node *ext = kg_map_get(spec, "externalIPs");
	if (kg_is_seq(ext) && ext->len) {
		char ips[256] = "";
		size_t len = 0;
		for (uint32_t i = 0; i < ext->len && len < sizeof(ips) - 1; i++)
			len += (size_t)kg_fmt(ips + len, sizeof(ips) - len, "%s%s", i ? ", " : "",
						kg_str(ext->v.items[i]) ? kg_str(ext->v.items[i]) : "?");
		kg_emit(c, kg_cluster_rule("network.service-external-ips"), ext, "spec.externalIPs", NULL,
			"Service %s claims externalIPs %s: nodes will route traffic for them to it", name, ips);
	}
}

static bool host_covered(const char *host, const struct kg_node *tls)
{
	for (uint32_t i = 0; i < tls->len; i++) {
		const struct kg_node *hosts = kg_map_get(tls->v.items[i], "hosts");
		if (!kg_is_seq(hosts) || !hosts->len)
			return true; /* a TLS entry without hosts serves its certificate for every host */
		for (uint32_t k = 0; k < hosts->len; k++) {
			const char *h = kg_str(hosts->v.items[k]);
			if (!h)
				continue;
			if (!strcmp(h, host))
				return true;
			/* "*.example.com" covers exactly one more label */
			if (h[0] == '*' && h[1] == '.') {
				const char *dot = strchr(host, '.');
				if (dot && dot != host && !strcmp(dot, h + 1))
					return true;
			}
		}
	}
	return false;
}

static void check_ingress(struct kg_check *c)
{
	const struct kg_object *o = c->obj;
	const struct kg_node *spec = kg_map_get(o->node, "spec");
	const struct kg_node *tls = kg_map_get(spec, "tls");
	const char *name = o->name ? o->name : "(unnamed)";
	const struct kg_node *ann = kg_node_get(o->node, "metadata.annotations");
	const char *allow_http = kg_str(kg_map_get(ann, "kubernetes.io/ingress.allow-http"));
	const char *redirect = kg_str(kg_map_get(ann, "nginx.ingress.kubernetes.io/ssl-redirect"));
	*c->handled = true;
	if (!kg_is_seq(tls) || tls->len == 0) {
		/* kubernetes.io/ingress.allow-http: "false" is honoured by GCE only (ingress-nginx and
		 * most others ignore it), so it does not make an Ingress without TLS safe */
		kg_emit(c, kg_cluster_rule("network.ingress-no-tls"), spec ? spec : o->node, "spec.tls", NULL,
			"Ingress %s has no spec.tls: it serves plain HTTP only", name);
		return;
	}
	/* TLS is configured, but plain HTTP is explicitly kept open next to it */
	const char *open_key = NULL, *open_val = NULL;
	if (allow_http && !strcmp(allow_http, "true")) {
		open_key = "kubernetes.io/ingress.allow-http";
		open_val = "true";
	} else if (redirect && !strcmp(redirect, "false")) {
		open_key = "nginx.ingress.kubernetes.io/ssl-redirect";
		open_val = "false";
	}
	if (open_key)
		kg_emit(c, kg_cluster_rule("network.ingress-no-tls"), kg_map_get(ann, open_key), "metadata.annotations", NULL,
			"Ingress %s keeps plain HTTP open next to TLS (%s: \"%s\")", name, open_key, open_val);
	const struct kg_node *rules = kg_map_get(spec, "rules");
	for (uint32_t i = 0; kg_is_seq(rules) && i < rules->len; i++) {
		const struct kg_node *host = kg_map_get(rules->v.items[i], "host");
		const char *h = kg_str(host);
		if (!h || host_covered(h, tls))
			continue;
		char path[48];
		kg_fmt(path, sizeof(path), "spec.rules[%u].host", i);
		kg_emit(c, kg_cluster_rule("network.ingress-no-tls"), host, path, NULL,
			"Ingress %s serves host %s without TLS: no spec.tls entry lists it", name, h);
	}
}

static void check_namespace(struct kg_check *c)
{
	const struct kg_object *o = c->obj;
	const struct kg_node *labels = kg_node_get(o->node, "metadata.labels");
	const struct kg_node *v = kg_map_get(labels, "pod-security.kubernetes.io/enforce");
	const char *name = o->name ? o->name : "(unnamed)";
	*c->handled = true;
	if (!v) {
		kg_emit(c, kg_cluster_rule("namespace.no-psa-enforce"), labels ? labels : kg_map_get(o->node, "metadata"),
			"metadata.labels", NULL,
			"Namespace %s has no pod-security.kubernetes.io/enforce label: the cluster default applies "
			"(privileged unless configured)", name);
		return;
	}
	char text[64];
	kg_scalar_text(v, text, sizeof(text));
	if (strcmp(text, "privileged") && strcmp(text, "baseline") && strcmp(text, "restricted"))
		kg_emit(c, kg_cluster_rule("namespace.no-psa-enforce"), v,
			"metadata.labels.pod-security.kubernetes.io/enforce", NULL,
			"Namespace %s: pod-security.kubernetes.io/enforce is '%s'; valid levels are privileged, "
			"baseline and restricted",
			name, text);
}

void kg_netpol_check_object(struct kg_check *c)
{
	const struct kg_object *o = c->obj;
	bool core = o->api_version && !strcmp(o->api_version, "v1");
	if (core && !strcmp(o->kind, "Service"))
		check_service(c);
	else if (core && !strcmp(o->kind, "Namespace"))
		check_namespace(c);
	else if (!strcmp(o->kind, "Ingress") && o->api_version &&
		 (!strncmp(o->api_version, "networking.k8s.io/", 18) || !strncmp(o->api_version, "extensions/", 11)))
		check_ingress(c);
}

/* --- across objects --- */

/* Records of one kind grouped by namespace id (counting sort, stable): those of namespace k are
 * idx[lo..hi) of ns_range. end[k] is where namespace k's end. */
struct by_ns {
	uint32_t *end, *idx;
};

static void group_by_ns(struct by_ns *g, uint32_t nns, size_t n, const struct kg_cluster_state *s,
			uint32_t (*ns_of)(const struct kg_cluster_state *s, size_t i))
{
	memset(g->end, 0, nns * sizeof(*g->end));
	for (size_t i = 0; i < n; i++)
		g->end[ns_of(s, i)]++;
	for (uint32_t k = 0, sum = 0; k < nns; k++) {
		uint32_t c = g->end[k];
		g->end[k] = sum; /* start, moved to the end as items are placed */
		sum += c;
	}
	for (size_t i = 0; i < n; i++)
		g->idx[g->end[ns_of(s, i)]++] = (uint32_t)i;
}

static void ns_range(const struct by_ns *g, uint32_t ns, size_t *lo, size_t *hi)
{
	*lo = ns ? g->end[ns - 1] : 0;
	*hi = g->end[ns];
}

static bool ns_in(const struct by_ns *g, uint32_t ns)
{
	size_t lo, hi;
	ns_range(g, ns, &lo, &hi);
	return lo < hi;
}

static uint32_t workload_ns(const struct kg_cluster_state *s, size_t i)
{
	return kg_wl(s, i)->r.ns;
}

static uint32_t netpol_ns(const struct kg_cluster_state *s, size_t i)
{
	return s->netpols.v[i].r.ns;
}

static bool str_in(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* A map selector matches only labels holding each of its key/value pairs. Each pair sets one of
 * 32 bits (a hash of the key and of the value's text as the matcher compares values: a string's
 * bytes up to a NUL, at most 255, or kg_scalar_text), so a selector with a bit the labels lack
 * cannot match them and the matcher is not run. */
static uint32_t pair_bit(const struct kg_pair *p)
{
	char buf[256];
	const char *v = buf;
	size_t n;
	if (p->value->type == KG_STR) {
		v = p->value->v.s;
		n = strnlen(v, sizeof(buf) - 1);
	} else {
		kg_scalar_text(p->value, buf, sizeof(buf));
		n = strlen(buf);
	}
	/* FNV-1a over key, a separator, value */
	uint64_t h = kg_fnv1a64_byte(kg_fnv1a64(KG_FNV64_OFFSET, p->key, p->key_len), 0x100);
	h = kg_fnv1a64(h, v, n);
	return 1u << (h >> 59);
}

static uint32_t pairs_bits(const struct kg_node *map)
{
	uint32_t bits = 0;
	for (uint32_t i = 0; kg_is_map(map) && i < map->len; i++)
		bits |= pair_bit(&map->v.pairs[i]);
	return bits;
}

/* How a NetworkPolicy's podSelector decides, worked out once. */
enum sel_mode { SEL_ALL, SEL_NONE, SEL_MATCH };

struct sel_pre {
	enum sel_mode mode;
	uint32_t need; /* bits of matchLabels (SEL_MATCH) */
};

static struct sel_pre netpol_pre(const struct kg_netpol *p)
{
	struct sel_pre r = { SEL_MATCH, 0 };
	if (!p->selector || p->selector->type == KG_NULL)
		r.mode = SEL_ALL;
	else if (kg_selector_check(p->selector, NULL))
		r.mode = SEL_NONE; /* kg_selector_match says -1 whatever the labels */
	else
		r.need = pairs_bits(kg_map_get(p->selector, "matchLabels"));
	return r;
}

static bool netpol_selects(const struct kg_netpol *p, const struct sel_pre *pre, const struct kg_node *labels,
			   uint32_t have)
{
	if (pre->mode != SEL_MATCH)
		return pre->mode == SEL_ALL;
	if (pre->need & ~have)
		return false;
	return kg_selector_match(p->selector, labels) == 1;
}

void kg_cluster_network(struct kg_check *c, struct kg_cluster_state *s)
{
	size_t nw = s->workloads.n, np = s->netpols.n, nv = s->services.n, nn = s->namespaces.n;
	uint32_t nns = (uint32_t)s->nss.pairs.n;
	if (nw >= UINT32_MAX || np >= UINT32_MAX)
		abort(); /* far more than memory holds */
	/* one block: workloads and policies by namespace, the pods' label fingerprints, the
	 * services' selector fingerprints */
	uint32_t *mem = malloc((2 * (size_t)nns + 2 * nw + np + nv + 1) * sizeof(*mem));
	struct sel_pre *pre = malloc((np ? np : 1) * sizeof(*pre));
	bool *decl = calloc(nns + 1, sizeof(*decl));
	if (!mem || !pre || !decl)
		abort();
	struct by_ns wl = { mem, mem + nns }, pol = { mem + nns + nw, mem + 2 * nns + nw };
	uint32_t *have_of = pol.idx + np, *need = have_of + nw;
	group_by_ns(&wl, nns, nw, s, workload_ns);
	group_by_ns(&pol, nns, np, s, netpol_ns);
	for (size_t i = 0; i < nn; i++)
		decl[s->namespaces.v[i].id] = true;
	for (size_t j = 0; j < np; j++)
		pre[j] = netpol_pre(&s->netpols.v[j]);
	for (size_t j = 0; j < nv; j++)
		need[j] = pairs_bits(s->services.v[j].selector);
	for (size_t i = 0; i < nw; i++)
		have_of[i] = pairs_bits(kg_wl(s, i)->labels);
	/* a Service is matched by any pod of its namespace */
	for (size_t j = 0; j < nv; j++) {
		struct kg_service *v = &s->services.v[j];
		size_t lo, hi;
		ns_range(&wl, v->r.ns, &lo, &hi);
		for (size_t k = lo; k < hi && !v->matched; k++)
			if (!(need[j] & ~have_of[wl.idx[k]]) &&
			    kg_map_selector_match(v->selector, kg_wl(s, wl.idx[k])->labels))
				v->matched = true;
	}
	/* which policies select which pods */
	for (size_t i = 0; i < nw; i++) {
		const struct kg_workload *w = kg_wl(s, i);
		uint32_t have = have_of[i];
		bool selected = false;
		size_t lo, hi;
		ns_range(&pol, w->r.ns, &lo, &hi);
		bool ns_has_policy = lo < hi;
		for (size_t k = lo; k < hi; k++) {
			struct kg_netpol *p = &s->netpols.v[pol.idx[k]];
			if (p->matched && selected)
				continue; /* nothing left to learn */
			if (netpol_selects(p, &pre[pol.idx[k]], w->labels, have)) {
				p->matched = true;
				selected = true;
			}
		}
		const char *ns = kg_rec_ns(s, &w->r);
		if (!selected && (ns_has_policy || decl[w->r.ns]))
			kg_rec_emit(c, &w->r, KG_RR_POD_NOT_ISOLATED,
				    "%s%s %s/%s is selected by no NetworkPolicy in namespace %s: it accepts traffic from "
				    "every pod",
				    (w->r.flags & KG_REC_POD) ? "" : "pod template of ", kg_rec_kind(s, &w->r), ns,
				    w->r.name ? w->r.name : "(unnamed)", ns);
	}
	for (size_t j = 0; j < np; j++) {
		const struct kg_netpol *p = &s->netpols.v[j];
		const char *ns = kg_rec_ns(s, &p->r);
		if (!p->matched && ns_in(&wl, p->r.ns))
			kg_rec_emit(c, &p->r, KG_RR_NETPOL_NOTHING,
				    "NetworkPolicy %s/%s selects none of the pods of namespace %s in the scanned files", ns,
				    p->r.name ? p->r.name : "(unnamed)", ns);
	}
	for (size_t j = 0; j < nv; j++) {
		const struct kg_service *v = &s->services.v[j];
		const char *ns = kg_rec_ns(s, &v->r);
		if (!v->matched && ns_in(&wl, v->r.ns))
			kg_rec_emit(c, &v->r, KG_RR_SERVICE_NOTHING,
				    "Service %s/%s selects none of the pods of namespace %s in the scanned files", ns,
				    v->r.name ? v->r.name : "(unnamed)", ns);
	}
	for (size_t i = 0; i < nn; i++) {
		const struct kg_namespace *n = &s->namespaces.v[i];
		bool deny = false;
		size_t lo, hi;
		ns_range(&pol, n->id, &lo, &hi);
		for (size_t k = lo; k < hi && !deny; k++)
			deny = s->netpols.v[pol.idx[k]].deny_ingress;
		if (!deny)
			kg_rec_emit(c, &n->r, KG_RR_NO_DEFAULT_DENY,
				    "Namespace %s has no default-deny ingress NetworkPolicy (podSelector: {} with no "
				    "ingress rules) in the scanned files",
				    n->name);
		if (!str_in(s->quota_ns.v, s->quota_ns.n, n->name))
			kg_rec_emit(c, &n->r, KG_RR_NO_QUOTA,
				    "Namespace %s has no ResourceQuota in the scanned files", n->name);
		if (!str_in(s->limit_ns.v, s->limit_ns.n, n->name))
			kg_rec_emit(c, &n->r, KG_RR_NO_LIMIT_RANGE,
				    "Namespace %s has no LimitRange in the scanned files", n->name);
	}
	free(mem);
	free(decl);
	free(pre);
}
