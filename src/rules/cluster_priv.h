/* The 'cluster' family's state: what cross-object checks need of every object of one run,
 * copied out of the documents (which are freed after check()). Each kept object has a trimmed
 * clone of its tree (identity, labels, the kguard.io/ignore annotation, the fields the checks read), so findings
 * from finish() carry a file/line and go through the policy like any other (exemptions by
 * label, inline suppressions).
 *
 * Ownership: everything lives in the state's arena, freed by state_free. */
#ifndef KG_CLUSTER_PRIV_H
#define KG_CLUSTER_PRIV_H

#include "../util/arena.h"
#include "family.h"
#include "rbac_priv.h"

struct kg_rec {
	struct kg_object obj;    /* identity; node is the trimmed clone */
	struct kg_finding where; /* location for kg_emit_at */
	const char *ns;          /* namespace with "default" for unset, interned (kg_cluster_ns):
				  * records compare namespaces by pointer */
	bool ns_set;             /* metadata.namespace was written */
};

struct kg_workload {
	struct kg_rec r;
	const char *sa;              /* effective service account */
	int automount;               /* pod spec automountServiceAccountToken: -1 unset, 0, 1 */
	const struct kg_node *labels;/* pod (template) labels */
	const char *what;            /* "pod template of Deployment shop/web" or "Pod shop/web" */
};

struct kg_sa {
	struct kg_rec r;
	int automount;
};

struct kg_role {
	struct kg_rec r;
	bool cluster;
	unsigned caps;                       /* union over its rules */
	char what[KG_CAP_COUNT][96];         /* first phrase per capability */
	const struct kg_node *labels;
	const struct kg_node *aggregation;   /* aggregationRule.clusterRoleSelectors or NULL */
	bool aggregated;                     /* caps already merged from selected roles */
};

enum kg_subject_kind { KG_SUBJECT_OTHER, KG_SUBJECT_SA, KG_SUBJECT_GROUP, KG_SUBJECT_USER };

struct kg_subject {
	const char *kind, *name, *ns; /* ns interned (kg_cluster_ns) or NULL */
	enum kg_subject_kind type;    /* kind as a code */
};

struct kg_binding {
	struct kg_rec r;
	bool cluster;
	const char *role_kind, *role_name;
	struct kg_subject *subjects;
	unsigned nsubjects;
};

struct kg_netpol {
	struct kg_rec r;
	const struct kg_node *selector; /* spec.podSelector (clone); NULL when absent = every pod */
	bool ingress, egress;           /* policy types in effect */
	bool deny_ingress, deny_egress; /* selects every pod and allows nothing in that direction */
	bool matched;
};

struct kg_service {
	struct kg_rec r;
	const struct kg_node *selector; /* spec.selector map (clone) */
	bool matched;
};

struct kg_namespace {
	struct kg_rec r;
	const char *name; /* interned (kg_cluster_ns) */
};

#define KG_VEC(T) struct { T *v; size_t n, cap; }

struct kg_cluster_state {
	struct kg_arena arena;
	KG_VEC(struct kg_workload) workloads;
	KG_VEC(struct kg_sa) sas;
	KG_VEC(struct kg_role) roles;
	KG_VEC(struct kg_binding) bindings;
	KG_VEC(struct kg_netpol) netpols;
	KG_VEC(struct kg_service) services;
	KG_VEC(struct kg_namespace) namespaces;
	KG_VEC(const char *) quota_ns;
	KG_VEC(const char *) limit_ns;
	const char **ns_tab;  /* kg_cluster_ns: open addressing, power-of-two size */
	size_t ns_cap, ns_count;
};

/* Grow a vector by one zeroed element (malloc'd array, aborts on OOM). */
void *kg_vec_push(void *vec_v, size_t *n, size_t *cap, size_t elem);
#define KG_PUSH(vec) ((__typeof__((vec).v))kg_vec_push(&(vec).v, &(vec).n, &(vec).cap, sizeof(*(vec).v)))

/* The one copy of namespace name ns kept in the state: equal names give the same pointer. */
const char *kg_cluster_ns(struct kg_cluster_state *s, const char *ns);

/* Record the identity and location of the current object; extra: dotted paths to keep in the
 * clone besides metadata; at/path: where findings about it point. */
void kg_rec_init(struct kg_cluster_state *s, struct kg_rec *r, const struct kg_check *c, const char *const *extra,
		 size_t nextra, const struct kg_node *at, const char *path);
/* kg_emit_at for a kept object: the policy sees the object (labels, annotations). */
void kg_rec_emit(struct kg_check *c, const struct kg_rec *r, const struct kg_rule *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

void kg_cluster_collect(struct kg_check *c, struct kg_cluster_state *s);
void kg_cluster_paths(struct kg_check *c, struct kg_cluster_state *s);   /* RBAC attack paths */
void kg_cluster_network(struct kg_check *c, struct kg_cluster_state *s); /* isolation, namespaces */
/* Per-object network and namespace rules (Services, Ingress, Namespace labels). */
void kg_netpol_check_object(struct kg_check *c);
/* Validate kguard.io/ignore annotations of the current object. */
void kg_suppression_check(struct kg_check *c);

const struct kg_rule *kg_cluster_rule(const char *id);

#endif
