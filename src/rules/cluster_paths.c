/* RBAC attack paths: which service account each workload runs as, which bindings in the run
 * grant that account what, reported on the workload. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/fmt.h"
#include "cluster_priv.h"
#include "policy_priv.h"

/* Capabilities that make a path worth reporting (wildcards count through what they grant). */
#define PATH_CAPS ((KG_CAP_BIT(KG_CAP_COUNT) - 1u) & ~KG_CAPS_WILDCARDS)

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The role a binding refers to. When the run holds several copies (overlays, several releases of
 * one chart), the one from the binding's own file wins. */
static struct kg_role *find_role(struct kg_cluster_state *s, bool cluster, const char *ns, const char *name,
				 const char *file)
{
	struct kg_role *first = NULL;
	for (size_t i = 0; i < s->roles.n; i++) {
		struct kg_role *r = &s->roles.v[i];
		if (r->cluster != cluster || !r->name || strcmp(r->name, name))
			continue;
		if (!cluster && r->ns != ns)
			continue;
		if (same_str(r->file, file))
			return r;
		if (!first)
			first = r;
	}
	return first;
}

/* Whether an earlier binding with the same kind, namespace and name was already reported for this
 * workload (copies of one binding in several files make one path, not one per copy). */
static bool seen_binding(const struct kg_cluster_state *s, const size_t *reported, size_t n,
			 const struct kg_binding *b)
{
	for (size_t i = 0; i < n; i++) {
		const struct kg_binding *o = &s->bindings.v[reported[i]];
		if (o->cluster == b->cluster && same_str(o->name, b->name) && (b->cluster || o->ns == b->ns))
			return true;
	}
	return false;
}

const char *kg_caps_what(const struct kg_caps *c, int cap)
{
	return c->what[__builtin_popcount(c->caps & (KG_CAP_BIT(cap) - 1u))];
}

void kg_caps_set(struct kg_cluster_state *s, struct kg_caps *c, unsigned caps, const char *const *what)
{
	c->caps = caps;
	c->what = caps ? kg_arena_alloc(&s->arena, (size_t)__builtin_popcount(caps) * sizeof(*c->what)) : NULL;
	for (int cap = 0, k = 0; cap < KG_CAP_COUNT; cap++)
		if (caps & KG_CAP_BIT(cap))
			c->what[k++] = what[cap];
}

/* Add to dst the capabilities of src it lacks, with their phrases. */
static void merge_caps(struct kg_cluster_state *s, struct kg_caps *dst, const struct kg_caps *src)
{
	const char *what[KG_CAP_COUNT];
	for (int cap = 0; cap < KG_CAP_COUNT; cap++)
		if (dst->caps & KG_CAP_BIT(cap))
			what[cap] = kg_caps_what(dst, cap);
		else if (src->caps & KG_CAP_BIT(cap))
			what[cap] = kg_caps_what(src, cap);
	kg_caps_set(s, dst, dst->caps | src->caps, what);
}

/* An aggregated ClusterRole gets the rules of every ClusterRole its selectors match; the
 * controller keeps doing so as roles come and go. Repeat for roles aggregating aggregates. */
static void resolve_aggregation(struct kg_cluster_state *s)
{
	for (int pass = 0; pass < 4; pass++) {
		bool changed = false;
		for (size_t i = 0; i < s->roles.n; i++) {
			struct kg_role *agg = &s->roles.v[i];
			if (!agg->aggregation)
				continue;
			for (size_t j = 0; j < s->roles.n; j++) {
				struct kg_role *src = &s->roles.v[j];
				if (i == j || !src->cluster)
					continue;
				bool hit = false;
				for (uint32_t k = 0; k < agg->aggregation->len && !hit; k++)
					hit = kg_selector_match(agg->aggregation->v.items[k], src->labels) == 1;
				if (hit && (src->caps.caps & ~agg->caps.caps)) {
					merge_caps(s, &agg->caps, &src->caps);
					changed = true;
				}
			}
		}
		if (!changed)
			break;
	}
}

/* Built-in admin/edit/view plus whatever scanned roles aggregate into them. */
static bool builtin_with_aggregates(struct kg_cluster_state *s, const char *name, struct kg_caps *out)
{
	struct kg_rbac_grant g;
	if (!kg_rbac_builtin_role(name, &g))
		return false;
	const char *what[KG_CAP_COUNT];
	for (int cap = 0; cap < KG_CAP_COUNT; cap++)
		if (g.caps & KG_CAP_BIT(cap))
			what[cap] = kg_keep_str(s, g.what[cap]);
	kg_caps_set(s, out, g.caps, what);
	char label[96];
	kg_fmt(label, sizeof(label), "rbac.authorization.k8s.io/aggregate-to-%s", name);
	for (size_t j = 0; j < s->roles.n; j++) {
		struct kg_role *src = &s->roles.v[j];
		const char *v = kg_str(kg_map_get(src->labels, label));
		if (src->cluster && v && !strcmp(v, "true") && (src->caps.caps & ~out->caps))
			merge_caps(s, out, &src->caps);
	}
	return true;
}

/* A binding that names service accounts, once per form of naming them: (ns, name) names one
 * account, (ns, NULL) every account of ns, (NULL, NULL) every account (pointers interned, like
 * kg_subject's). Sorted by those pointers, then by binding, so the bindings naming an account are
 * found by three binary searches instead of a walk over every binding per workload. */
struct grantee {
	const char *ns, *name;
	size_t j; /* the binding's index */
};

static int cmp_grantee(const void *a, const void *b)
{
	const struct grantee *x = a, *y = b;
	if (x->ns != y->ns)
		return (uintptr_t)x->ns < (uintptr_t)y->ns ? -1 : 1;
	if (x->name != y->name)
		return (uintptr_t)x->name < (uintptr_t)y->name ? -1 : 1;
	return x->j < y->j ? -1 : x->j > y->j;
}

static struct grantee *index_grantees(const struct kg_cluster_state *s, size_t *n)
{
	size_t cap = 0;
	for (size_t j = 0; j < s->bindings.n; j++)
		cap += s->bindings.v[j].nsubjects;
	struct grantee *v = malloc((cap ? cap : 1) * sizeof(*v));
	if (!v)
		abort();
	*n = 0;
	for (size_t j = 0; j < s->bindings.n; j++) {
		const struct kg_binding *b = &s->bindings.v[j];
		for (unsigned k = 0; k < b->nsubjects; k++) {
			const struct kg_subject *sj = &b->subjects[k];
			if (sj->type == KG_SUBJECT_SA && sj->ns)
				v[(*n)++] = (struct grantee){ sj->ns, sj->name, j };
			else if (sj->type == KG_SUBJECT_NS_SA)
				v[(*n)++] = (struct grantee){ sj->ns, NULL, j };
			else if (sj->type == KG_SUBJECT_ALL_SA)
				v[(*n)++] = (struct grantee){ NULL, NULL, j };
		}
	}
	qsort(v, *n, sizeof(*v), cmp_grantee);
	return v;
}

/* The run [*lo, return) of v holding (ns, name). */
static size_t grantee_run(const struct grantee *v, size_t n, const char *ns, const char *name, size_t *lo)
{
	struct grantee key = { ns, name, 0 };
	size_t a = 0, b = n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (cmp_grantee(&v[m], &key) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < n && v[a].ns == ns && v[a].name == name)
		a++;
	return a;
}

/* The run's service accounts, one per namespace and name, sorted by namespace (pointer) and name
 * for binary search. automount is what the run's definitions say together: 0 when every one sets
 * false (a base and an overlay in one run may both define an account), else 1 or -1 (unset: the
 * default mounts). */
struct sa_key {
	const char *ns, *name;
	int automount;
};

static int cmp_sa_key(const void *a, const void *b)
{
	const struct sa_key *x = a, *y = b;
	if (x->ns != y->ns)
		return (uintptr_t)x->ns < (uintptr_t)y->ns ? -1 : 1;
	return strcmp(x->name, y->name);
}

static struct sa_key *sort_sas(const struct kg_cluster_state *s, size_t *n)
{
	struct sa_key *v = malloc((s->sas.n ? s->sas.n : 1) * sizeof(*v));
	if (!v)
		abort();
	size_t k = 0;
	for (size_t i = 0; i < s->sas.n; i++)
		if (s->sas.v[i].name)
			v[k++] = (struct sa_key){ s->sas.v[i].ns, s->sas.v[i].name, s->sas.v[i].automount };
	qsort(v, k, sizeof(*v), cmp_sa_key);
	*n = 0;
	for (size_t i = 0; i < k; i++) {
		if (*n && !cmp_sa_key(&v[*n - 1], &v[i])) {
			v[*n - 1].automount = kg_sa_automount_merge(v[*n - 1].automount, v[i].automount);
			continue;
		}
		v[(*n)++] = v[i];
	}
	return v;
}

/* The account ns/name's automount as the run defines it; -1 when the run has none. */
static int sa_automount(const struct sa_key *v, size_t n, const char *ns, const char *name)
{
	struct sa_key key = { ns, name, 0 };
	const struct sa_key *k = bsearch(&key, v, n, sizeof(*v), cmp_sa_key);
	return k ? k->automount : -1;
}

static void report_path(struct kg_check *c, const struct kg_cluster_state *s, const struct kg_workload *w,
			const char *sa, const struct kg_binding *b, unsigned caps, const struct kg_caps *grant)
{
	char list[640] = "";
	size_t len = 0;
	/* takeover capabilities first: they are what the reader must see */
	for (int pass = 0; pass < 2; pass++)
		for (int cap = 0; cap < KG_CAP_COUNT; cap++) {
			bool take = (KG_CAPS_TAKEOVER & KG_CAP_BIT(cap)) != 0;
			if (!(caps & KG_CAP_BIT(cap)) || take != (pass == 0) || len >= sizeof(list) - 1)
				continue;
			len += (size_t)kg_fmt(list + len, sizeof(list) - len, "%s%s", len ? ", " : "",
					      kg_caps_what(grant, cap));
		}
	char scope[300];
	if (b->cluster)
		kg_fmt(scope, sizeof(scope), "cluster-wide");
	else
		kg_fmt(scope, sizeof(scope), "in namespace %s", b->ns);
	enum kg_rec_rule rule = (caps & KG_CAPS_TAKEOVER) ? KG_RR_SA_TAKEOVER : KG_RR_SA_DANGEROUS;
	const char *ns = kg_rec_ns(s, &w->r);
	kg_rec_emit(c, &w->r, rule, "%s%s %s/%s runs as %s/%s%s, which can %s %s via %s %s (%s %s)",
		    (w->r.flags & KG_REC_POD) ? "" : "pod template of ", kg_rec_kind(s, &w->r), ns,
		    w->r.name ? w->r.name : "(unnamed)", ns, sa, w->sa ? "" : " (serviceAccountName not set)", list, scope,
		    b->cluster ? "ClusterRoleBinding" : "RoleBinding", b->name ? b->name : "(unnamed)", b->role_kind,
		    b->role_name);
}

/* What a binding's role grants (a scanned role, else a built-in one): the same for every
 * workload, so worked out on first use. */
struct role_grant {
	bool done;
	struct kg_caps caps;
};

static void binding_grant(struct kg_cluster_state *s, const struct kg_binding *b, struct role_grant *rg)
{
	if (rg->done)
		return;
	rg->done = true;
	bool role_cluster = !strcmp(b->role_kind, "ClusterRole");
	struct kg_role *r = find_role(s, role_cluster, b->ns, b->role_name, b->file);
	if (r)
		rg->caps = r->caps;
	else if (role_cluster)
		builtin_with_aggregates(s, b->role_name, &rg->caps);
}

void kg_cluster_paths(struct kg_check *c, struct kg_cluster_state *s)
{
	if (!s->bindings.n || !s->workloads.n)
		return;
	resolve_aggregation(s);
	struct role_grant *grants = calloc(s->bindings.n, sizeof(*grants));
	size_t *reported = malloc(s->bindings.n * sizeof(*reported)), nreported; /* for one workload */
	if (!grants || !reported)
		abort();
	size_t ngrantees;
	struct grantee *grantees = index_grantees(s, &ngrantees);
	size_t nsas;
	struct sa_key *sas = sort_sas(s, &nsas);
	const char *dflt = kg_cluster_str(s, "default", 7); /* interned, as subject names are */
	for (size_t i = 0; i < s->workloads.n; i++) {
		const struct kg_workload *w = kg_wl(s, i);
		const char *sa = w->sa ? w->sa : dflt, *ns = kg_rec_ns(s, &w->r);
		/* no token in the pod, no API access through it */
		int automount = (w->r.flags & KG_REC_AUTO_SET) ? (w->r.flags & KG_REC_AUTO_ON) != 0 : -1;
		if (automount < 0)
			automount = sa_automount(sas, nsas, ns, sa);
		if (automount == 0)
			continue;
		nreported = 0;
		/* the bindings naming this account, the accounts of its namespace, or every account, in
		 * binding order (a RoleBinding grants in its own namespace, to subjects of any) */
		size_t at[3], end[3];
		end[0] = grantee_run(grantees, ngrantees, ns, sa, &at[0]);
		end[1] = grantee_run(grantees, ngrantees, ns, NULL, &at[1]);
		end[2] = grantee_run(grantees, ngrantees, NULL, NULL, &at[2]);
		for (size_t last = SIZE_MAX;;) {
			int r = -1;
			for (int q = 0; q < 3; q++)
				if (at[q] < end[q] && (r < 0 || grantees[at[q]].j < grantees[at[r]].j))
					r = q;
			if (r < 0)
				break;
			size_t j = grantees[at[r]++].j;
			if (j == last)
				continue; /* named twice */
			last = j;
			const struct kg_binding *b = &s->bindings.v[j];
			binding_grant(s, b, &grants[j]);
			unsigned caps = grants[j].caps.caps & PATH_CAPS;
			if (!caps || seen_binding(s, reported, nreported, b))
				continue;
			reported[nreported++] = j;
			report_path(c, s, w, sa, b, caps, &grants[j].caps);
		}
	}
	free(grantees);
	free(grants);
	free(sas);
	free(reported);
}
