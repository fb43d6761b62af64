/* Collecting what the cross-object checks need, one object at a time. */
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "cluster_priv.h"
#include "policy_priv.h"

#define WORKLOAD_RULES (KG_RR_BIT(KG_RR_SA_TAKEOVER) | KG_RR_BIT(KG_RR_SA_DANGEROUS) | KG_RR_BIT(KG_RR_POD_NOT_ISOLATED))
#define NAMESPACE_RULES (KG_RR_BIT(KG_RR_NO_DEFAULT_DENY) | KG_RR_BIT(KG_RR_NO_QUOTA) | KG_RR_BIT(KG_RR_NO_LIMIT_RANGE))

static bool api_is(const struct kg_object *o, const char *group_prefix)
{
	return o->api_version && !strncmp(o->api_version, group_prefix, strlen(group_prefix));
}

static int tri_bool(const struct kg_node *n)
{
	bool b;
	return kg_as_bool(n, &b) ? (int)b : -1;
}

/* Pods, ReplicaSets and Jobs created by a controller (a cluster dump) are checked through their
 * controller: counting them again would repeat every path. */
static bool has_controller(const struct kg_node *node)
{
	const struct kg_node *refs = kg_node_get(node, "metadata.ownerReferences");
	for (uint32_t i = 0; kg_is_seq(refs) && i < refs->len; i++)
		if (kg_is_true(kg_map_get(refs->v.items[i], "controller")))
			return true;
	return false;
}

/* "a.b" in buf when it fits, else in the state's arena (paths from a policy file may be long). */
static const char *join(struct kg_cluster_state *s, char *buf, size_t size, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *out = la + lb + 2 <= size ? buf : kg_arena_alloc(&s->arena, la + lb + 2);
	memcpy(out, a, la);
	out[la] = '.';
	memcpy(out + la + 1, b, lb + 1);
	return out;
}

static void collect_workload(struct kg_check *c, struct kg_cluster_state *s)
{
	const struct kg_object *o = c->obj;
	struct kg_pod_ref ref;
	if (!kg_pod_locate(o, &ref) || has_controller(o->node))
		return;
	const struct kg_node *san = kg_map_get(ref.spec, "serviceAccountName");
	if (!kg_str(san))
		san = kg_map_get(ref.spec, "serviceAccount"); /* deprecated alias, still honoured */
	const char *meta = ref.meta_path ? ref.meta_path : "metadata";
	char buf_labels[160], buf_ann[192], buf_sa[160];
	const char *labels = join(s, buf_labels, sizeof(buf_labels), meta, "labels");
	/* of the annotations only the suppression one matters after the document is gone */
	const char *extra[2] = { labels, join(s, buf_ann, sizeof(buf_ann), meta, "annotations." KG_IGNORE_ANNOTATION) };
	kg_keep_begin(s, c, extra, 2);
	s->pod_set = true;
	s->pod_meta = ref.meta;
	struct kg_workload *w = kg_wl_push(s);
	if (kg_str(san)) {
		const struct kg_pair *p = kg_map_pair(ref.spec, kg_str(kg_map_get(ref.spec, "serviceAccountName"))
									? "serviceAccountName" : "serviceAccount");
		kg_rec_init(s, &w->r, c, san, join(s, buf_sa, sizeof(buf_sa), ref.spec_path, p->key), WORKLOAD_RULES);
		w->sa = kg_keep_str(s, kg_str(san));
	} else {
		kg_rec_init(s, &w->r, c, ref.spec, ref.spec_path, WORKLOAD_RULES);
		w->sa = NULL; /* "default" */
	}
	int automount = tri_bool(kg_map_get(ref.spec, "automountServiceAccountToken"));
	if (automount >= 0)
		w->r.flags |= (uint8_t)(KG_REC_AUTO_SET | (automount ? KG_REC_AUTO_ON : 0));
	const struct kg_node *m = ref.meta_path ? ref.meta : kg_map_get(o->node, "metadata");
	w->labels = kg_keep_at(s, labels, kg_map_get(m, "labels"));
	if (!strcmp(o->kind, "Pod"))
		w->r.flags |= KG_REC_POD;
}

static void collect_role(struct kg_check *c, struct kg_cluster_state *s, bool cluster)
{
	const struct kg_object *o = c->obj;
	const char *extra[] = { "aggregationRule" };
	kg_keep_begin(s, c, extra, 1);
	struct kg_role *r = KG_PUSH(s->roles);
	r->name = kg_keep_str(s, s->view.name);
	r->ns = kg_cluster_ns(s, s->view.namespace_ ? s->view.namespace_ : "default");
	r->file = kg_cluster_file(s, c->report, o->file);
	r->cluster = cluster;
	r->labels = kg_keep_get(s, "metadata.labels");
	if (cluster) {
		const struct kg_node *sel = kg_keep_get(s, "aggregationRule.clusterRoleSelectors");
		r->aggregation = kg_is_seq(sel) ? sel : NULL;
	}
	const char *what[KG_CAP_COUNT];
	unsigned caps = 0;
	const struct kg_node *rules = kg_map_get(o->node, "rules");
	for (uint32_t i = 0; kg_is_seq(rules) && i < rules->len; i++) {
		struct kg_rbac_grant g;
		kg_rbac_rule_grants_want(rules->v.items[i], ~caps, &g); /* first phrase per capability */
		for (int cap = 0; cap < KG_CAP_COUNT; cap++)
			if ((g.caps & KG_CAP_BIT(cap)) && !(caps & KG_CAP_BIT(cap)))
				what[cap] = kg_keep_str(s, g.what[cap]);
		caps |= g.caps;
	}
	kg_caps_set(s, &r->caps, caps, what);
}

/* A binding subject (kind, name, namespace or NULL) as the service accounts it names; own_ns: the
 * RoleBinding's namespace (NULL for a ClusterRoleBinding), which a service-account subject without
 * a namespace means. */
static void subject_init(struct kg_cluster_state *s, struct kg_subject *d, const char *kind, const char *name,
			 const char *ns, const char *own_ns)
{
	static const char user_pre[] = "system:serviceaccount:", group_pre[] = "system:serviceaccounts:";
	d->type = KG_SUBJECT_OTHER;
	d->name = d->ns = NULL;
	if (!strcmp(kind, "ServiceAccount")) {
		d->type = KG_SUBJECT_SA;
		d->name = kg_keep_str(s, name);
		d->ns = ns ? kg_cluster_ns(s, ns) : own_ns;
	} else if (!strcmp(kind, "Group")) {
		if (!strcmp(name, "system:serviceaccounts") || !strcmp(name, "system:authenticated")) {
			d->type = KG_SUBJECT_ALL_SA;
		} else if (!strncmp(name, group_pre, sizeof(group_pre) - 1)) {
			d->type = KG_SUBJECT_NS_SA;
			d->ns = kg_cluster_ns(s, name + sizeof(group_pre) - 1);
		}
	} else if (!strcmp(kind, "User") && !strncmp(name, user_pre, sizeof(user_pre) - 1)) {
		/* NS:NAME; neither a namespace nor an account name may hold a colon */
		const char *n = name + sizeof(user_pre) - 1, *colon = strchr(n, ':');
		if (colon && colon > n && colon[1] && !strchr(colon + 1, ':')) {
			d->type = KG_SUBJECT_SA;
			d->ns = kg_cluster_str(s, n, (size_t)(colon - n));
			d->name = kg_keep_str(s, colon + 1);
		}
	}
}

static void collect_binding(struct kg_check *c, struct kg_cluster_state *s, bool cluster)
{
	const struct kg_object *o = c->obj;
	const struct kg_node *ref = kg_map_get(o->node, "roleRef");
	const char *rk = kg_str(kg_map_get(ref, "kind")), *rn = kg_str(kg_map_get(ref, "name"));
	if (!rk || !rn)
		return;
	kg_keep_begin(s, c, NULL, 0);
	struct kg_binding *b = KG_PUSH(s->bindings);
	b->name = kg_keep_str(s, s->view.name);
	b->ns = kg_cluster_ns(s, s->view.namespace_ ? s->view.namespace_ : "default");
	b->file = kg_cluster_file(s, c->report, o->file);
	b->cluster = cluster;
	b->role_kind = kg_keep_str(s, rk);
	b->role_name = kg_keep_str(s, rn);
	const struct kg_node *subjects = kg_map_get(o->node, "subjects");
	if (!kg_is_seq(subjects) || !subjects->len)
		return;
	b->subjects = kg_arena_alloc(&s->arena, subjects->len * sizeof(*b->subjects));
	for (uint32_t i = 0; i < subjects->len; i++) {
		const struct kg_node *sj = subjects->v.items[i];
		const char *k = kg_str(kg_map_get(sj, "kind")), *n = kg_str(kg_map_get(sj, "name"));
		const char *ns = kg_str(kg_map_get(sj, "namespace"));
		if (!k || !n)
			continue;
		struct kg_subject *d = &b->subjects[b->nsubjects++];
		subject_init(s, d, k, n, ns, cluster ? NULL : b->ns);
	}
}

static void collect_netpol(struct kg_check *c, struct kg_cluster_state *s)
{
	const struct kg_object *o = c->obj;
	const struct kg_node *spec = kg_map_get(o->node, "spec");
	const char *extra[] = { "spec.podSelector" };
	kg_keep_begin(s, c, extra, 1);
	struct kg_netpol *p = KG_PUSH(s->netpols);
	kg_rec_init(s, &p->r, c, kg_map_get(spec, "podSelector"), "spec.podSelector", KG_RR_BIT(KG_RR_NETPOL_NOTHING));
	p->selector = kg_keep_get(s, "spec.podSelector");
	const struct kg_node *types = kg_map_get(spec, "policyTypes");
	const struct kg_node *in = kg_map_get(spec, "ingress"), *out = kg_map_get(spec, "egress");
	if (kg_is_seq(types) && types->len) {
		for (uint32_t i = 0; i < types->len; i++) {
			const char *t = kg_str(types->v.items[i]);
			p->ingress |= t && !strcmp(t, "Ingress");
			p->egress |= t && !strcmp(t, "Egress");
		}
	} else {
		/* the API server's default: Ingress always, Egress when egress rules are given */
		p->ingress = true;
		p->egress = out && out->type != KG_NULL;
	}
	/* an absent or empty podSelector selects every pod of the namespace */
	bool all = !p->selector || p->selector->type == KG_NULL ||
		   (kg_is_map(p->selector) && kg_selector_match(p->selector, NULL) == 1);
	p->deny_ingress = all && p->ingress && (!kg_is_seq(in) || in->len == 0);
	p->deny_egress = all && p->egress && (!kg_is_seq(out) || out->len == 0);
}

static void collect_service(struct kg_check *c, struct kg_cluster_state *s)
{
	const struct kg_object *o = c->obj;
	const struct kg_node *spec = kg_map_get(o->node, "spec");
	const char *type = kg_str(kg_map_get(spec, "type"));
	const struct kg_node *sel = kg_map_get(spec, "selector");
	/* no selector: endpoints are managed by hand; ExternalName: DNS only */
	if ((type && !strcmp(type, "ExternalName")) || !kg_is_map(sel) || sel->len == 0)
		return;
	const char *extra[] = { "spec.selector" };
	kg_keep_begin(s, c, extra, 1);
	struct kg_service *v = KG_PUSH(s->services);
	kg_rec_init(s, &v->r, c, sel, "spec.selector", KG_RR_BIT(KG_RR_SERVICE_NOTHING));
	v->selector = kg_keep_get(s, "spec.selector");
}

static void push_ns(struct kg_cluster_state *s, const struct kg_object *o, int which)
{
	const char *ns = kg_cluster_ns(s, o->namespace_ ? o->namespace_ : "default");
	if (which)
		*KG_PUSH(s->limit_ns) = ns;
	else
		*KG_PUSH(s->quota_ns) = ns;
}

/* Kinds this family is the only one to look at (counted as handled, not skipped). */
static bool only_ours(const struct kg_object *o, bool core)
{
	const char *k = o->kind;
	return (core && (!strcmp(k, "ServiceAccount") || !strcmp(k, "ResourceQuota") || !strcmp(k, "LimitRange"))) ||
	       (api_is(o, "networking.k8s.io/") && !strcmp(k, "NetworkPolicy"));
}

void kg_cluster_collect(struct kg_check *c, struct kg_cluster_state *s)
{
	const struct kg_object *o = c->obj;
	const char *k = o->kind;
	bool core = o->api_version && !strcmp(o->api_version, "v1");
	if (only_ours(o, core))
		*c->handled = true;
	if (!c->engine)
		return; /* admission: one object, no finish() to keep it for */
	if (kg_kind_has_pod(o)) {
		collect_workload(c, s);
	} else if (api_is(o, "rbac.authorization.k8s.io/")) {
		if (!strcmp(k, "Role") || !strcmp(k, "ClusterRole"))
			collect_role(c, s, k[0] == 'C');
		else if (!strcmp(k, "RoleBinding") || !strcmp(k, "ClusterRoleBinding"))
			collect_binding(c, s, k[0] == 'C');
	} else if (core && !strcmp(k, "ServiceAccount")) {
		kg_keep_begin(s, c, NULL, 0);
		struct kg_sa *sa = KG_PUSH(s->sas);
		sa->name = kg_keep_str(s, s->view.name);
		sa->ns = kg_cluster_ns(s, s->view.namespace_ ? s->view.namespace_ : "default");
		sa->automount = tri_bool(kg_map_get(o->node, "automountServiceAccountToken"));
	} else if (api_is(o, "networking.k8s.io/") && !strcmp(k, "NetworkPolicy")) {
		collect_netpol(c, s);
	} else if (core && !strcmp(k, "Service")) {
		collect_service(c, s);
	} else if (core && !strcmp(k, "Namespace")) {
		kg_keep_begin(s, c, NULL, 0);
		struct kg_namespace *n = KG_PUSH(s->namespaces);
		kg_rec_init(s, &n->r, c, NULL, NULL, NAMESPACE_RULES);
		n->name = kg_cluster_ns(s, n->r.name ? n->r.name : "");
		n->id = kg_ns_id(s, n->name);
	} else if (core && !strcmp(k, "ResourceQuota")) {
		push_ns(s, o, 0);
	} else if (core && !strcmp(k, "LimitRange")) {
		push_ns(s, o, 1);
	}
}
