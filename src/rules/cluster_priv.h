/* The 'cluster' family's state: what cross-object checks need of every object of one run,
 * copied out of the documents (which are freed after check()). Findings from finish() carry the
 * object's file/line and go through the policy like any other (exemptions by label, inline
 * suppressions): the object-dependent part of that decision is taken at collection time, on the
 * object itself, and kept as one bit per rule, so records keep only identity, position and the
 * subtrees finish() reads (labels, selectors). Those subtrees are shared copies: equal strings,
 * scalars and small maps are stored once per run.
 *
 * Ownership: everything lives in the state's arena, freed by state_free, but input names, which
 * are the report's run-long copies (kg_cluster_file). */
#ifndef KG_CLUSTER_PRIV_H
#define KG_CLUSTER_PRIV_H

#include "../util/arena.h"
#include "family.h"
#include "rbac_priv.h"

/* The rules findings from finish() report, as bits of kg_rec.drop. */
enum kg_rec_rule {
	KG_RR_SA_TAKEOVER,
	KG_RR_SA_DANGEROUS,
	KG_RR_POD_NOT_ISOLATED,
	KG_RR_NETPOL_NOTHING,
	KG_RR_SERVICE_NOTHING,
	KG_RR_NO_DEFAULT_DENY,
	KG_RR_NO_QUOTA,
	KG_RR_NO_LIMIT_RANGE,
	KG_RR_COUNT
};
#define KG_RR_BIT(r) (1u << (r))

/* A kept object that finish() may report on. Workload records are the bulk of the state (one per
 * pod template of the run; each fresh page costs a fault), so a record is 56 bytes and a workload
 * 72: apiVersion/kind and namespace are ids into small tables of the state (s->idents, s->nss;
 * kg_rec_kind, kg_rec_ns). */
struct kg_rec {
	const char *name; /* identity as kg_object_init reads it */
	const char *file; /* the report's copy (kg_cluster_file) */
	const char *rendered_from; /* the same for kg_object.rendered_from */
	const char *path; /* field path findings point at (List item prefix included), or NULL */
	uint32_t ident;   /* apiVersion and kind (of the view: the same strings as the object's) */
	uint32_t ns;      /* namespace with "default" for unset: kg_ns_id */
	uint32_t line, col, doc_index;
	uint8_t drop;     /* KG_RR_BIT(rule): the policy drops that rule's findings on this object */
	uint8_t flags;    /* KG_REC_* */
};

enum {
	KG_REC_NS_SET = 1,   /* metadata.namespace was written */
	KG_REC_POD = 2,      /* workload: a Pod (else a pod template of kind) */
	KG_REC_AUTO_SET = 4, /* workload: automountServiceAccountToken given in the pod spec, */
	KG_REC_AUTO_ON = 8,  /* as true */
};

struct kg_workload {
	struct kg_rec r;
	const char *sa;               /* effective service account, NULL for "default" */
	const struct kg_node *labels; /* pod (template) labels */
};

struct kg_sa {
	const char *ns, *name; /* ns interned */
	int automount;
};

/* Capabilities with the first phrase of each: what[i] is the phrase of the i-th set bit of caps. */
struct kg_caps {
	unsigned caps;
	const char **what;
};
/* The phrase of capability cap (set in c->caps). */
const char *kg_caps_what(const struct kg_caps *c, int cap);
struct kg_cluster_state;
/* Set *c to caps with what[cap] for each capability set (copied into the state's arena). */
void kg_caps_set(struct kg_cluster_state *s, struct kg_caps *c, unsigned caps, const char *const *what);

struct kg_role {
	const char *name, *ns, *file;        /* ns interned */
	const struct kg_node *labels;
	const struct kg_node *aggregation;   /* aggregationRule.clusterRoleSelectors or NULL */
	struct kg_caps caps;                 /* union over its rules */
	bool cluster;
};

/* Which service accounts a binding subject names, worked out when the binding is collected so
 * that matching it against every workload compares interned pointers only. */
enum kg_subject_kind {
	KG_SUBJECT_OTHER,  /* no service account (another user or group) */
	KG_SUBJECT_SA,     /* ns/name: kind ServiceAccount, or user system:serviceaccount:NS:NAME */
	KG_SUBJECT_ALL_SA, /* group system:serviceaccounts or system:authenticated: every account */
	KG_SUBJECT_NS_SA,  /* group system:serviceaccounts:NS: every account of ns */
};

struct kg_subject {
	const char *name, *ns;        /* interned (kg_cluster_str, kg_cluster_ns), or NULL */
	enum kg_subject_kind type;
};

struct kg_binding {
	const char *name, *ns, *file; /* ns interned */
	const char *role_kind, *role_name;
	struct kg_subject *subjects;
	unsigned nsubjects;
	bool cluster;
};

struct kg_netpol {
	struct kg_rec r;
	const struct kg_node *selector; /* spec.podSelector; NULL when absent = every pod */
	bool ingress, egress;           /* policy types in effect */
	bool deny_ingress, deny_egress; /* selects every pod and allows nothing in that direction */
	bool matched;
};

struct kg_service {
	struct kg_rec r;
	const struct kg_node *selector; /* spec.selector map */
	bool matched;
};

struct kg_namespace {
	struct kg_rec r;
	const char *name; /* interned (kg_cluster_ns) */
	uint32_t id;      /* kg_ns_id of name */
};

#define KG_VEC(T) struct { T *v; size_t n, cap; }

/* Pairs of interned pointers numbered in order of first sight: id -> pair by v[id], pair -> id
 * by an open addressing table of id + 1 (0: empty), power-of-two size. */
struct kg_id_pair {
	const char *a, *b;
};
struct kg_ids {
	KG_VEC(struct kg_id_pair) pairs;
	uint32_t *slot;
	size_t cap;
};

/* Workload records in blocks of KG_WL_BLOCK (from the state's arena): growing never copies nor
 * touches more memory than the records use. */
#define KG_WL_SHIFT 8
#define KG_WL_BLOCK ((size_t)1 << KG_WL_SHIFT)
struct kg_workloads {
	struct kg_workload **blk;
	size_t n, nblk, cap;
};

/* Open addressing set of arena pointers, power-of-two size. tag[k] is 0 for an empty slot, else
 * 16 bits of v[k]'s hash: probes read only the small tag array until a tag matches, instead of
 * following every pointer to a string or node elsewhere in memory. */
struct kg_ptab {
	void **v;
	uint16_t *tag;
	size_t cap, n;
};

struct kg_cluster_state {
	struct kg_arena arena;
	struct kg_workloads workloads;
	KG_VEC(struct kg_sa) sas;
	KG_VEC(struct kg_role) roles;
	KG_VEC(struct kg_binding) bindings;
	KG_VEC(struct kg_netpol) netpols;
	KG_VEC(struct kg_service) services;
	KG_VEC(struct kg_namespace) namespaces;
	KG_VEC(const char *) quota_ns;
	KG_VEC(const char *) limit_ns;
	struct kg_ptab strs;  /* kg_cluster_str */
	struct kg_ptab nodes; /* shared scalars and small collections */
	struct kg_ids nss;    /* namespaces (b NULL) */
	struct kg_ids idents; /* apiVersion, kind of records */
	/* the object being collected (kg_keep_begin): itself, or for an object too big to be read
	 * whole, a trimmed clone */
	struct kg_object view;
	bool cloned;
	const char *const *keep; /* kg_keep_begin's extra paths */
	size_t nkeep;
	const char *last_file;   /* kg_cluster_file */
	bool pod_set;                   /* a workload's pod metadata node (kg_pod_locate, may be */
	const struct kg_node *pod_meta; /* NULL), set after kg_keep_begin */
};

/* Grow a vector by one zeroed element (malloc'd array, aborts on OOM). */
void *kg_vec_push(void *vec_v, size_t *n, size_t *cap, size_t elem);
#define KG_PUSH(vec) ((__typeof__((vec).v))kg_vec_push(&(vec).v, &(vec).n, &(vec).cap, sizeof(*(vec).v)))

/* The one copy of the len bytes at p kept in the state (NUL-terminated): equal strings give the
 * same pointer. */
const char *kg_cluster_str(struct kg_cluster_state *s, const char *p, size_t len);
/* An input's name that lives for the run (NULL stays NULL): the report's copy (kg_report_str),
 * which the loader's caller usually made already, so the report given to kg_engine_doc must
 * live, unreset, until kg_engine_finish has reported. */
const char *kg_cluster_file(struct kg_cluster_state *s, struct kg_report *r, const char *file);
/* kg_cluster_str of a namespace name: records compare namespaces by pointer. */
const char *kg_cluster_ns(struct kg_cluster_state *s, const char *ns);
/* The number of an interned namespace (kg_cluster_ns): 0, 1, ... in order of first sight. */
uint32_t kg_ns_id(struct kg_cluster_state *s, const char *ns);
/* A record's namespace (interned) and its apiVersion and kind. */
static inline const char *kg_rec_ns(const struct kg_cluster_state *s, const struct kg_rec *r)
{
	return s->nss.pairs.v[r->ns].a;
}
static inline const char *kg_rec_kind(const struct kg_cluster_state *s, const struct kg_rec *r)
{
	return s->idents.pairs.v[r->ident].b;
}

/* A new zeroed workload record, and the i-th one. */
struct kg_workload *kg_wl_push(struct kg_cluster_state *s);
static inline struct kg_workload *kg_wl(const struct kg_cluster_state *s, size_t i)
{
	return &s->workloads.blk[i >> KG_WL_SHIFT][i & (KG_WL_BLOCK - 1)];
}

/* Start keeping the current object: s->view is the object to read identity from, kg_keep_get
 * reads its subtrees. extra: the dotted paths besides metadata that finish() or the policy read
 * (they must stay valid until the object's kg_rec_init). */
void kg_keep_begin(struct kg_cluster_state *s, const struct kg_check *c, const char *const *extra, size_t nextra);
/* A copy of the subtree at dotted (one of the kept paths, or inside one), NULL when absent. */
const struct kg_node *kg_keep_get(struct kg_cluster_state *s, const char *dotted);
/* The same when the caller has the node at dotted in the object (n, or NULL when absent). */
const struct kg_node *kg_keep_at(struct kg_cluster_state *s, const char *dotted, const struct kg_node *n);
/* The state's copy of a string of the view (NULL stays NULL). */
const char *kg_keep_str(struct kg_cluster_state *s, const char *str);

/* Record the identity and location of the object begun with kg_keep_begin; at/path: where
 * findings about it point (at NULL: the object); rules: the KG_RR_BITs it may report, for which
 * the policy's decision on the object is taken now. */
void kg_rec_init(struct kg_cluster_state *s, struct kg_rec *r, const struct kg_check *c, const struct kg_node *at,
		 const char *path, unsigned rules);
/* kg_emit_at for a kept object, as the policy decided on the object. */
void kg_rec_emit(struct kg_check *c, const struct kg_rec *r, enum kg_rec_rule rule, const char *fmt, ...)
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
