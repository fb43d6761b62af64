#include "../util/fmt.h"
#include "k8s.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

const char *const kg_container_fields[3] = { "initContainers", "containers", "ephemeralContainers" };
const unsigned char kg_container_field_len[3] = { sizeof("initContainers") - 1, sizeof("containers") - 1,
						  sizeof("ephemeralContainers") - 1 };

static void pod_lookup(struct kg_object *obj);

bool kg_object_init(struct kg_object *obj, const struct kg_node *node, const struct kg_doc *doc,
		    const char *item_path)
{
	memset(obj, 0, sizeof(*obj));
	if (!kg_is_map(node))
		return false;
	const struct kg_node *meta = kg_map_get(node, "metadata");
	obj->node = node;
	obj->api_version = kg_str(kg_map_get(node, "apiVersion"));
	obj->kind = kg_str(kg_map_get(node, "kind"));
	obj->name = kg_str(kg_map_get(meta, "name"));
	if (!obj->name)
		obj->name = kg_str(kg_map_get(meta, "generateName"));
	obj->namespace_ = kg_str(kg_map_get(meta, "namespace"));
	obj->file = doc ? doc->file : NULL;
	obj->rendered_from = doc ? doc->rendered_from : NULL;
	if (!obj->rendered_from && doc)
		obj->rendered_from = kg_kustomize_origin(meta, doc->arena);
	obj->doc_index = doc ? doc->index : 0;
	obj->item_path = item_path ? item_path : "";
	pod_lookup(obj);
	return true;
}

bool kg_object_is_list(const struct kg_object *obj)
{
	if (!obj->kind)
		return false;
	size_t n = strlen(obj->kind);
	return n >= 4 && strcmp(obj->kind + n - 4, "List") == 0 && kg_is_seq(kg_map_get(obj->node, "items"));
}

const char *kg_api_group(const char *api_version, char *buf, unsigned size)
{
	if (!size)
		return "";
	buf[0] = '\0';
	if (!api_version)
		return buf;
	const char *slash = strchr(api_version, '/');
	if (!slash)
		return buf;
	size_t n = (size_t)(slash - api_version);
	if (n >= size)
		n = size - 1;
	memcpy(buf, api_version, n);
	buf[n] = '\0';
	return buf;
}

/* Pod-template locations. Several entries may name the same kind (alternatives, e.g. an
 * AdvancedCronJob holds a Job or a BroadcastJob template); kg_pod_locate takes the first that
 * exists, kg_pod_each visits all. Paths may fan out: "list[]" visits every item of a sequence,
 * "*" every value of a map (Ray worker groups, Kubeflow replica specs). CRDs whose templates are
 * partial and completed by an operator (ECK podTemplate, ...) are left out on purpose: checks for
 * missing fields would be wrong there. Argo Workflows templates hold single containers, not pod
 * specs, and are not modelled. */
static const struct kg_pod_path builtin_paths[] = {
	{ "", "Pod", "spec", "metadata" },
	{ "", "PodTemplate", "template.spec", "template.metadata" },
	{ "", "ReplicationController", "spec.template.spec", "spec.template.metadata" },
	{ "apps", "Deployment", "spec.template.spec", "spec.template.metadata" },
	{ "apps", "ReplicaSet", "spec.template.spec", "spec.template.metadata" },
	{ "apps", "StatefulSet", "spec.template.spec", "spec.template.metadata" },
	{ "apps", "DaemonSet", "spec.template.spec", "spec.template.metadata" },
	{ "extensions", "Deployment", "spec.template.spec", "spec.template.metadata" },
	{ "extensions", "ReplicaSet", "spec.template.spec", "spec.template.metadata" },
	{ "extensions", "DaemonSet", "spec.template.spec", "spec.template.metadata" },
	{ "batch", "Job", "spec.template.spec", "spec.template.metadata" },
	{ "batch", "CronJob", "spec.jobTemplate.spec.template.spec", "spec.jobTemplate.spec.template.metadata" },
	/* Argo Rollouts (a Rollout with spec.workloadRef has no template of its own) */
	{ "argoproj.io", "Rollout", "spec.template.spec", "spec.template.metadata" },
	/* OpenKruise workloads */
	{ "apps.kruise.io", "CloneSet", "spec.template.spec", "spec.template.metadata" },
	{ "apps.kruise.io", "StatefulSet", "spec.template.spec", "spec.template.metadata" },
	{ "apps.kruise.io", "DaemonSet", "spec.template.spec", "spec.template.metadata" },
	{ "apps.kruise.io", "BroadcastJob", "spec.template.spec", "spec.template.metadata" },
	{ "apps.kruise.io", "AdvancedCronJob", "spec.template.jobTemplate.spec.template.spec",
	  "spec.template.jobTemplate.spec.template.metadata" },
	{ "apps.kruise.io", "AdvancedCronJob", "spec.template.broadcastJobTemplate.spec.template.spec",
	  "spec.template.broadcastJobTemplate.spec.template.metadata" },
	/* Knative Serving (a Revision's spec is a PodSpec with extra fields) */
	{ "serving.knative.dev", "Service", "spec.template.spec", "spec.template.metadata" },
	{ "serving.knative.dev", "Configuration", "spec.template.spec", "spec.template.metadata" },
	{ "serving.knative.dev", "Revision", "spec", "metadata" },
	/* OpenShift */
	{ "apps.openshift.io", "DeploymentConfig", "spec.template.spec", "spec.template.metadata" },
	/* KEDA */
	{ "keda.sh", "ScaledJob", "spec.jobTargetRef.template.spec", "spec.jobTargetRef.template.metadata" },
	/* Batch and ML operators with several pod templates per object */
	{ "batch.volcano.sh", "Job", "spec.tasks[].template.spec", "spec.tasks[].template.metadata" },
	{ "jobset.x-k8s.io", "JobSet", "spec.replicatedJobs[].template.spec.template.spec",
	  "spec.replicatedJobs[].template.spec.template.metadata" },
	{ "leaderworkerset.x-k8s.io", "LeaderWorkerSet", "spec.leaderWorkerTemplate.leaderTemplate.spec",
	  "spec.leaderWorkerTemplate.leaderTemplate.metadata" },
	{ "leaderworkerset.x-k8s.io", "LeaderWorkerSet", "spec.leaderWorkerTemplate.workerTemplate.spec",
	  "spec.leaderWorkerTemplate.workerTemplate.metadata" },
	{ "ray.io", "RayCluster", "spec.headGroupSpec.template.spec", "spec.headGroupSpec.template.metadata" },
	{ "ray.io", "RayCluster", "spec.workerGroupSpecs[].template.spec", "spec.workerGroupSpecs[].template.metadata" },
	{ "ray.io", "RayJob", "spec.rayClusterSpec.headGroupSpec.template.spec",
	  "spec.rayClusterSpec.headGroupSpec.template.metadata" },
	{ "ray.io", "RayJob", "spec.rayClusterSpec.workerGroupSpecs[].template.spec",
	  "spec.rayClusterSpec.workerGroupSpecs[].template.metadata" },
	{ "ray.io", "RayService", "spec.rayClusterConfig.headGroupSpec.template.spec",
	  "spec.rayClusterConfig.headGroupSpec.template.metadata" },
	{ "ray.io", "RayService", "spec.rayClusterConfig.workerGroupSpecs[].template.spec",
	  "spec.rayClusterConfig.workerGroupSpecs[].template.metadata" },
	{ "kubeflow.org", "PyTorchJob", "spec.pytorchReplicaSpecs.*.template.spec",
	  "spec.pytorchReplicaSpecs.*.template.metadata" },
	{ "kubeflow.org", "TFJob", "spec.tfReplicaSpecs.*.template.spec", "spec.tfReplicaSpecs.*.template.metadata" },
	{ "kubeflow.org", "MPIJob", "spec.mpiReplicaSpecs.*.template.spec", "spec.mpiReplicaSpecs.*.template.metadata" },
	{ "kubeflow.org", "XGBoostJob", "spec.xgbReplicaSpecs.*.template.spec", "spec.xgbReplicaSpecs.*.template.metadata" },
	{ "kubeflow.org", "PaddleJob", "spec.paddleReplicaSpecs.*.template.spec",
	  "spec.paddleReplicaSpecs.*.template.metadata" },
};

#define NBUILTIN (sizeof(builtin_paths) / sizeof(builtin_paths[0]))
#define MAX_EXTRA_PATHS 256
#define NBUCKETS 64 /* power of two */

/* The table as the lookups use it: kinds bucketed by length and first and last byte, so that
 * finding an object's entries costs a few compares instead of a strcmp per entry. Each bucket
 * chains its entries in table order (built-in first, then registered ones). Built once, and
 * again by kg_pod_paths_add, which runs before any scan (it is not safe during one). */
struct pod_entry {
	const struct kg_pod_path *p;
	size_t klen, glen;
	bool any_group;  /* api_group "*" */
	bool fans;       /* spec_path or meta_path fans out */
	bool plain;      /* no fan-out and kg_pod_each's concrete paths are the paths as written */
	size_t shared;   /* length of the steps spec_path and meta_path share ("spec.template") */
	int next;        /* next entry of the bucket, -1 at the end */
};

static struct kg_pod_path extra_paths[MAX_EXTRA_PATHS];
static unsigned n_extra;
static struct pod_entry entries[NBUILTIN + MAX_EXTRA_PATHS];
static unsigned n_entries;
static int bucket_head[NBUCKETS], bucket_tail[NBUCKETS];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static unsigned table_gen = 1; /* changes with the table: kg_object's cached answers go stale */

static unsigned kind_bucket(const char *kind, size_t len)
{
	if (!len)
		return 0;
	return (unsigned)(len * 7 + (unsigned char)kind[0] * 3 + (unsigned char)kind[len - 1]) & (NBUCKETS - 1);
}

static bool path_fans_out(const char *path)
{
	return strstr(path, "[]") || !strcmp(path, "*") || strstr(path, ".*") || !strncmp(path, "*.", 2);
}

#define POD_PATH_MAX 512
#define SEG_MAX 128 /* longest path step + 1 */

/* Whether follow() would write path back unchanged: it fits, no step is too long, and it does
 * not start or end with '.' (follow drops empty steps there). */
static bool path_plain(const char *path)
{
	size_t len = strlen(path), seg = 0;
	if (len >= POD_PATH_MAX || (len && (path[0] == '.' || path[len - 1] == '.')))
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (path[i] == '.' || !path[i]) {
			if (seg >= SEG_MAX)
				return false;
			seg = 0;
		} else {
			seg++;
		}
	}
	return true;
}

static void add_entry(const struct kg_pod_path *p)
{
	if (!p->kind || !p->spec_path)
		return; /* never matches */
	int i = (int)n_entries++;
	struct pod_entry *e = &entries[i];
	e->p = p;
	e->klen = strlen(p->kind);
	e->glen = strlen(p->api_group);
	e->any_group = !strcmp(p->api_group, "*");
	e->fans = path_fans_out(p->spec_path) || (p->meta_path && path_fans_out(p->meta_path));
	e->plain = !e->fans && path_plain(p->spec_path) && (!p->meta_path || path_plain(p->meta_path));
	e->next = -1;
	e->shared = 0;
	if (p->meta_path)
		for (size_t j = 0; p->spec_path[j] && p->spec_path[j] == p->meta_path[j]; j++)
			if (p->spec_path[j] == '.')
				e->shared = j;
	unsigned b = kind_bucket(p->kind, e->klen);
	if (bucket_tail[b] < 0)
		bucket_head[b] = i;
	else
		entries[bucket_tail[b]].next = i;
	bucket_tail[b] = i;
}

static void build_table(void)
{
	n_entries = 0;
	for (unsigned b = 0; b < NBUCKETS; b++)
		bucket_head[b] = bucket_tail[b] = -1;
	for (unsigned i = 0; i < NBUILTIN; i++)
		add_entry(&builtin_paths[i]);
	for (unsigned i = 0; i < n_extra; i++)
		add_entry(&extra_paths[i]);
}

void kg_pod_paths_add(const struct kg_pod_path *paths, unsigned n)
{
	pthread_once(&table_once, build_table);
	if (++table_gen == 0)
		table_gen = 1;
	for (unsigned i = 0; i < n && n_extra < MAX_EXTRA_PATHS; i++) {
		extra_paths[n_extra] = paths[i];
		add_entry(&extra_paths[n_extra++]);
	}
}

/* An object's kind and API group, measured once per lookup. */
struct kind_key {
	const char *kind, *group;
	size_t klen, glen;
};

static bool kind_key_init(const struct kg_object *obj, struct kind_key *k)
{
	if (!obj->kind || !obj->api_version)
		return false;
	pthread_once(&table_once, build_table);
	k->kind = obj->kind;
	k->klen = strlen(obj->kind);
	k->group = obj->api_version;
	const char *slash = strchr(obj->api_version, '/');
	/* apps/v1beta1 and apps/v1beta2 are still "apps"; extensions is listed separately */
	k->glen = slash ? (size_t)(slash - obj->api_version) : 0; /* the whole group, however long */
	return true;
}

static bool entry_matches(const struct pod_entry *e, const struct kind_key *k)
{
	return e->klen == k->klen && !memcmp(e->p->kind, k->kind, k->klen) &&
	       (e->any_group || (e->glen == k->glen && !memcmp(e->p->api_group, k->group, k->glen)));
}

/* The first entry for k's kind after entry `after` (-1: from the start), or -1. */
static int next_entry(const struct kind_key *k, int after)
{
	int i = after < 0 ? bucket_head[kind_bucket(k->kind, k->klen)] : entries[after].next;
	for (; i >= 0; i = entries[i].next)
		if (entry_matches(&entries[i], k))
			return i;
	return -1;
}

static bool kind_has_pod(const struct kg_object *obj)
{
	struct kind_key k;
	return kind_key_init(obj, &k) && next_entry(&k, -1) >= 0;
}

bool kg_kind_has_pod(const struct kg_object *obj)
{
	return obj->pod_gen == table_gen ? obj->pod_kind : kind_has_pod(obj);
}

const struct kg_node *kg_nearest(const struct kg_node *base, const char *dotted)
{
	const struct kg_node *near;
	(void)kg_path_walk(base, dotted, &near);
	return near;
}

static void fill_ref(const struct kg_object *obj, const struct pod_entry *e, struct kg_pod_ref *ref)
{
	const struct kg_pod_path *p = e->p;
	ref->spec_path = p->spec_path;
	ref->meta_path = p->meta_path;
	/* walk the steps both paths share once */
	const struct kg_node *near = obj->node, *base = obj->node;
	size_t skip = 0;
	if (e->shared) {
		base = kg_path_walkn(obj->node, p->spec_path, e->shared, &near);
		skip = e->shared + 1;
	}
	if (!base) {
		ref->spec = ref->meta = NULL;
		ref->spec_parent = near;
		return;
	}
	ref->spec = kg_path_walk(base, p->spec_path + skip, &ref->spec_parent);
	ref->meta = p->meta_path ? kg_node_get(base, p->meta_path + skip) : NULL;
	if (ref->meta && !kg_is_map(ref->meta))
		ref->meta = NULL;
}

/* *found: the entry whose spec it returns (when true) */
static bool pod_locate(const struct kg_object *obj, struct kg_pod_ref *ref, int *found)
{
	memset(ref, 0, sizeof(*ref));
	struct kind_key k;
	if (!kind_key_init(obj, &k))
		return false;
	const struct pod_entry *first = NULL;
	for (int i = next_entry(&k, -1); i >= 0; i = next_entry(&k, i)) {
		if (entries[i].fans)
			continue;
		if (!first)
			first = &entries[i];
		fill_ref(obj, &entries[i], ref);
		if (kg_is_map(ref->spec)) {
			*found = i;
			return true;
		}
	}
	memset(ref, 0, sizeof(*ref));
	if (first)
		fill_ref(obj, first, ref);
	return false;
}

bool kg_pod_locate(const struct kg_object *obj, struct kg_pod_ref *ref)
{
	int found;
	if (obj->pod_gen != table_gen)
		return pod_locate(obj, ref, &found);
	*ref = obj->pod;
	return obj->pod_found;
}

/* Work out once what kg_kind_has_pod and kg_pod_locate answer for obj. */
static void pod_lookup(struct kg_object *obj)
{
	obj->pod_kind = kind_has_pod(obj);
	if (obj->pod_kind)
		obj->pod_found = pod_locate(obj, &obj->pod, &obj->pod_entry);
	obj->pod_gen = table_gen;
}

/* Walking a path that may fan out. Each "[]" or "*" step records which item it took, so that
 * the metadata path (which fans out at the same steps) can follow the same choices. */
#define POD_MAX_FANOUT 4

struct pod_walk {
	const struct kg_object *obj;
	const struct kg_pod_path *p;
	kg_pod_fn fn;
	void *ctx;
	unsigned visited;
	unsigned choice[POD_MAX_FANOUT];
	char spec_buf[POD_PATH_MAX];
};

/* Append "sep key" to buf at *len; false when it does not fit. */
static bool path_add(char *buf, size_t *len, const char *sep, const char *key, size_t klen)
{
	size_t slen = *len ? strlen(sep) : 0;
	if (*len + slen + klen + 1 > POD_PATH_MAX)
		return false;
	memcpy(buf + *len, sep, slen);
	memcpy(buf + *len + slen, key, klen);
	*len += slen + klen;
	buf[*len] = '\0';
	return true;
}

/* Follow path from n taking the recorded choices at fan-out steps; writes the concrete path. */
static const struct kg_node *follow(const struct kg_node *n, const char *path, const unsigned *choice,
				    unsigned nchoice, char *buf)
{
	size_t len = 0;
	unsigned used = 0;
	buf[0] = '\0';
	for (const char *s = path; n && *s;) {
		const char *dot = strchr(s, '.');
		size_t seg = dot ? (size_t)(dot - s) : strlen(s);
		bool each = seg >= 2 && s[seg - 2] == '[' && s[seg - 1] == ']';
		size_t klen = each ? seg - 2 : seg;
		const char *key = s;
		if (klen >= SEG_MAX)
			return NULL;
		if (klen == 1 && key[0] == '*' && !each) {
			if (used >= nchoice || !kg_is_map(n) || choice[used] >= n->len)
				return NULL;
			const struct kg_pair *pr = &n->v.pairs[choice[used++]];
			if (!path_add(buf, &len, ".", pr->key, pr->key_len))
				return NULL;
			n = pr->value;
		} else {
			n = kg_map_getn(n, key, klen);
			if (!path_add(buf, &len, ".", key, klen))
				return NULL;
			if (each) {
				char idx[24];
				if (used >= nchoice || !kg_is_seq(n) || choice[used] >= n->len)
					return NULL;
				int w = kg_fmt(idx, sizeof(idx), "[%u]", choice[used]);
				if (!path_add(buf, &len, "", idx, (size_t)w))
					return NULL;
				n = n->v.items[choice[used++]];
			}
		}
		s += seg + (dot ? 1 : 0);
	}
	return n;
}

/* Enumerate the choices of the fan-out steps of w->p->spec_path, depth-first. */
static void walk_choices(struct pod_walk *w, const struct kg_node *n, const char *s, unsigned depth)
{
	while (n && *s) {
		const char *dot = strchr(s, '.');
		size_t seg = dot ? (size_t)(dot - s) : strlen(s);
		bool each = seg >= 2 && s[seg - 2] == '[' && s[seg - 1] == ']';
		bool star = seg == 1 && s[0] == '*';
		const char *rest = s + seg + (dot ? 1 : 0);
		if (each || star) {
			if (each) {
				if (seg - 2 >= SEG_MAX)
					return;
				n = kg_map_getn(n, s, seg - 2);
				if (!kg_is_seq(n))
					return;
			} else if (!kg_is_map(n)) {
				return;
			}
			if (depth >= POD_MAX_FANOUT)
				return;
			for (uint32_t i = 0; i < n->len; i++) {
				w->choice[depth] = i;
				walk_choices(w, each ? n->v.items[i] : n->v.pairs[i].value, rest, depth + 1);
			}
			return;
		}
		if (seg >= SEG_MAX)
			return;
		n = kg_map_getn(n, s, seg);
		s = rest;
	}
	if (!kg_is_map(n))
		return;
	/* a complete set of choices: build the concrete paths and the metadata */
	struct kg_pod_ref ref;
	char meta_buf[POD_PATH_MAX];
	memset(&ref, 0, sizeof(ref));
	ref.spec = follow(w->obj->node, w->p->spec_path, w->choice, depth, w->spec_buf);
	if (!ref.spec)
		return;
	ref.spec_path = w->spec_buf;
	ref.spec_parent = ref.spec;
	if (w->p->meta_path) {
		ref.meta = follow(w->obj->node, w->p->meta_path, w->choice, depth, meta_buf);
		if (ref.meta && !kg_is_map(ref.meta))
			ref.meta = NULL;
		ref.meta_path = meta_buf;
	}
	w->visited++;
	w->fn(w->ctx, &ref);
}

/* walk_choices for an entry without fan-out whose paths are plain: the paths as written are the
 * concrete ones, and the steps spec and metadata share are walked once. */
static void walk_plain(struct pod_walk *w, const struct pod_entry *e)
{
	const struct kg_pod_path *p = e->p;
	const struct kg_object *obj = w->obj;
	/* kg_object_init located this very spec: its ref is what the walk below gives, unless the
	 * metadata is missing (then the walk writes the path only up to the missing step) */
	if (obj->pod_gen == table_gen && obj->pod_found && &entries[obj->pod_entry] == e &&
	    (obj->pod.meta || !p->meta_path)) {
		struct kg_pod_ref ref = obj->pod;
		w->visited++;
		w->fn(w->ctx, &ref);
		return;
	}
	const struct kg_node *base = obj->node;
	size_t skip = 0;
	if (e->shared) {
		base = kg_path_walkn(base, p->spec_path, e->shared, NULL);
		skip = e->shared + 1;
	}
	struct kg_pod_ref ref;
	char meta_buf[POD_PATH_MAX];
	memset(&ref, 0, sizeof(ref));
	ref.spec = base ? kg_node_get(base, p->spec_path + skip) : NULL;
	if (!kg_is_map(ref.spec))
		return;
	ref.spec_path = p->spec_path;
	ref.spec_parent = ref.spec;
	if (p->meta_path) {
		/* the metadata path as follow() writes it: up to the first missing step */
		const char *s = p->meta_path + skip;
		const struct kg_node *n = base;
		while (n && *s) {
			const char *dot = strchr(s, '.');
			size_t seg = dot ? (size_t)(dot - s) : strlen(s);
			n = kg_map_getn(n, s, seg);
			s += seg + (dot && n ? 1 : 0);
		}
		ref.meta = kg_is_map(n) ? n : NULL;
		ref.meta_path = p->meta_path;
		if (*s) {
			size_t len = (size_t)(s - p->meta_path);
			memcpy(meta_buf, p->meta_path, len);
			meta_buf[len] = '\0';
			ref.meta_path = meta_buf;
		}
	}
	w->visited++;
	w->fn(w->ctx, &ref);
}

unsigned kg_pod_each(const struct kg_object *obj, kg_pod_fn fn, void *ctx)
{
	struct pod_walk w;
	unsigned nseen = 0;
	const char *seen[16];
	struct kind_key k;
	memset(&w, 0, sizeof(w));
	w.obj = obj;
	w.fn = fn;
	w.ctx = ctx;
	if (!kind_key_init(obj, &k))
		return 0;
	for (int e = next_entry(&k, -1); e >= 0; e = next_entry(&k, e)) {
		w.p = entries[e].p;
		/* a policy may register a location that is already built in: visit it once */
		bool dup = false;
		for (unsigned i = 0; i < nseen && !dup; i++)
			dup = !strcmp(seen[i], w.p->spec_path);
		if (dup)
			continue;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = w.p->spec_path;
		if (entries[e].plain)
			walk_plain(&w, &entries[e]);
		else
			walk_choices(&w, obj->node, w.p->spec_path, 0);
	}
	return w.visited;
}

size_t kg_container_path(char *buf, size_t size, const char *spec_path, enum kg_container_kind kind, unsigned index)
{
	const unsigned char *flen = kg_container_field_len;
	size_t len = strlen(spec_path);
	if (len + flen[kind] + 14 <= size) { /* fits whatever the index: no truncation to mind */
		memcpy(buf, spec_path, len);
		buf[len++] = '.';
		memcpy(buf + len, kg_container_fields[kind], flen[kind]);
		len += flen[kind];
		buf[len++] = '[';
		buf[len] = '\0';
		kg_cat_uint(buf, size, &len, index);
		buf[len++] = ']';
		buf[len] = '\0';
		return len;
	}
	len = 0;
	buf[0] = '\0';
	kg_cat(buf, size, &len, spec_path, strlen(spec_path));
	kg_cat(buf, size, &len, ".", 1);
	kg_cat(buf, size, &len, kg_container_fields[kind], flen[kind]);
	kg_cat(buf, size, &len, "[", 1);
	kg_cat_uint(buf, size, &len, index);
	kg_cat(buf, size, &len, "]", 1);
	return len;
}

void kg_each_container(const struct kg_node *pod_spec, kg_container_fn fn, void *ctx)
{
	for (int k = 0; k < 3; k++) {
		const struct kg_node *list = kg_map_getn(pod_spec, kg_container_fields[k], kg_container_field_len[k]);
		if (!kg_is_seq(list))
			continue;
		for (uint32_t i = 0; i < list->len; i++)
			if (kg_is_map(list->v.items[i]))
				fn(ctx, list->v.items[i], (enum kg_container_kind)k, i);
	}
}
