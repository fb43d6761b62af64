#include "k8s.h"

#include <stdio.h>
#include <string.h>

const char *const kg_container_fields[3] = { "initContainers", "containers", "ephemeralContainers" };

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
	obj->doc_index = doc ? doc->index : 0;
	obj->item_path = item_path ? item_path : "";
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
static struct kg_pod_path extra_paths[MAX_EXTRA_PATHS];
static unsigned n_extra;

void kg_pod_paths_add(const struct kg_pod_path *paths, unsigned n)
{
	for (unsigned i = 0; i < n && n_extra < MAX_EXTRA_PATHS; i++)
		extra_paths[n_extra++] = paths[i];
}

static bool group_matches(const char *want, const char *have)
{
	if (!strcmp(want, "*"))
		return true;
	if (!strcmp(want, have))
		return true;
	/* apps/v1beta1 and apps/v1beta2 are still "apps"; extensions is listed separately */
	return false;
}

/* The i-th table entry (built-in first, then registered ones) for obj's kind, or NULL. */
static const struct kg_pod_path *nth_path(const struct kg_object *obj, unsigned *cursor)
{
	char group[128];
	if (!obj->kind || !obj->api_version)
		return NULL;
	kg_api_group(obj->api_version, group, sizeof(group));
	while (*cursor < NBUILTIN + n_extra) {
		unsigned i = (*cursor)++;
		const struct kg_pod_path *p = i < NBUILTIN ? &builtin_paths[i] : &extra_paths[i - NBUILTIN];
		if (p->kind && p->spec_path && !strcmp(p->kind, obj->kind) && group_matches(p->api_group, group))
			return p;
	}
	return NULL;
}

static const struct kg_pod_path *find_path(const struct kg_object *obj)
{
	unsigned cursor = 0;
	return nth_path(obj, &cursor);
}

static bool path_fans_out(const char *path)
{
	return strstr(path, "[]") || !strcmp(path, "*") || strstr(path, ".*") || !strncmp(path, "*.", 2);
}

bool kg_kind_has_pod(const struct kg_object *obj)
{
	return find_path(obj) != NULL;
}

const struct kg_node *kg_nearest(const struct kg_node *base, const char *dotted)
{
	char key[256];
	const struct kg_node *n = base;
	const char *p = dotted;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (len >= sizeof(key))
			break;
		memcpy(key, p, len);
		key[len] = '\0';
		const struct kg_node *next = kg_map_get(n, key);
		if (!next)
			break;
		n = next;
		p += len + (dot ? 1 : 0);
	}
	return n;
}

static void fill_ref(const struct kg_object *obj, const struct kg_pod_path *p, struct kg_pod_ref *ref)
{
	ref->spec_path = p->spec_path;
	ref->meta_path = p->meta_path;
	ref->spec = kg_node_get(obj->node, p->spec_path);
	ref->meta = p->meta_path ? kg_node_get(obj->node, p->meta_path) : NULL;
	if (ref->meta && !kg_is_map(ref->meta))
		ref->meta = NULL;
	ref->spec_parent = kg_nearest(obj->node, p->spec_path);
}

bool kg_pod_locate(const struct kg_object *obj, struct kg_pod_ref *ref)
{
	memset(ref, 0, sizeof(*ref));
	unsigned cursor = 0;
	const struct kg_pod_path *p, *first = NULL;
	while ((p = nth_path(obj, &cursor))) {
		if (path_fans_out(p->spec_path) || (p->meta_path && path_fans_out(p->meta_path)))
			continue;
		if (!first)
			first = p;
		fill_ref(obj, p, ref);
		if (kg_is_map(ref->spec))
			return true;
	}
	memset(ref, 0, sizeof(*ref));
	if (first)
		fill_ref(obj, first, ref);
	return false;
}

/* Walking a path that may fan out. Each "[]" or "*" step records which item it took, so that
 * the metadata path (which fans out at the same steps) can follow the same choices. */
#define POD_MAX_FANOUT 4
#define POD_PATH_MAX 512

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
		char key[128];
		bool each = seg >= 2 && s[seg - 2] == '[' && s[seg - 1] == ']';
		size_t klen = each ? seg - 2 : seg;
		if (klen >= sizeof(key))
			return NULL;
		memcpy(key, s, klen);
		key[klen] = '\0';
		if (!strcmp(key, "*") && !each) {
			if (used >= nchoice || !kg_is_map(n) || choice[used] >= n->len)
				return NULL;
			const struct kg_pair *pr = &n->v.pairs[choice[used++]];
			if (!path_add(buf, &len, ".", pr->key, pr->key_len))
				return NULL;
			n = pr->value;
		} else {
			n = kg_map_get(n, key);
			if (!path_add(buf, &len, ".", key, klen))
				return NULL;
			if (each) {
				char idx[24];
				if (used >= nchoice || !kg_is_seq(n) || choice[used] >= n->len)
					return NULL;
				int w = snprintf(idx, sizeof(idx), "[%u]", choice[used]);
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
				char key[128];
				if (seg - 2 >= sizeof(key))
					return;
				memcpy(key, s, seg - 2);
				key[seg - 2] = '\0';
				n = kg_map_get(n, key);
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
		char key[128];
		if (seg >= sizeof(key))
			return;
		memcpy(key, s, seg);
		key[seg] = '\0';
		n = kg_map_get(n, key);
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

unsigned kg_pod_each(const struct kg_object *obj, kg_pod_fn fn, void *ctx)
{
	struct pod_walk w;
	unsigned cursor = 0, nseen = 0;
	const char *seen[16];
	memset(&w, 0, sizeof(w));
	w.obj = obj;
	w.fn = fn;
	w.ctx = ctx;
	while ((w.p = nth_path(obj, &cursor))) {
		/* a policy may register a location that is already built in: visit it once */
		bool dup = false;
		for (unsigned i = 0; i < nseen && !dup; i++)
			dup = !strcmp(seen[i], w.p->spec_path);
		if (dup)
			continue;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = w.p->spec_path;
		walk_choices(&w, obj->node, w.p->spec_path, 0);
	}
	return w.visited;
}

void kg_each_container(const struct kg_node *pod_spec, kg_container_fn fn, void *ctx)
{
	for (int k = 0; k < 3; k++) {
		const struct kg_node *list = kg_map_get(pod_spec, kg_container_fields[k]);
		if (!kg_is_seq(list))
			continue;
		for (uint32_t i = 0; i < list->len; i++)
			if (kg_is_map(list->v.items[i]))
				fn(ctx, list->v.items[i], (enum kg_container_kind)k, i);
	}
}
