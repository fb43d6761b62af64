/* Kubernetes object helpers on document trees: identity (apiVersion, kind, namespace, name),
 * `kind: List` expansion, and locating the pod spec inside every pod-bearing kind.
 * Everything here borrows from the document tree; nothing allocates except kg_pod_locate's
 * table lookups (none). */
#ifndef KG_K8S_H
#define KG_K8S_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/fmt.h"
#include "load.h"
#include "node.h"

/* Where the pod spec of an object lives. */
struct kg_pod_ref {
	const struct kg_node *spec;     /* the PodSpec map */
	const struct kg_node *meta;     /* the pod (template) metadata map, may be NULL */
	const char *spec_path;          /* "spec", "spec.template.spec", ... */
	const char *meta_path;          /* "metadata", "spec.template.metadata", ... */
	const struct kg_node *spec_parent; /* nearest existing node on the way, for positions */
};

struct kg_object {
	const struct kg_node *node; /* the object's map */
	const char *api_version;    /* NULL when missing or not a string */
	const char *kind;
	const char *name;
	const char *namespace_;     /* metadata.namespace, NULL when unset */
	const char *file;
	const char *rendered_from;  /* kg_doc.rendered_from, else kg_kustomize_origin, else NULL */
	unsigned doc_index;
	const char *item_path;      /* "items[3]" for List items, "" otherwise */
	/* kg_object_init's answers for kg_kind_has_pod and kg_pod_locate, which several families ask
	 * for every object; pod_gen 0 (an object filled by hand) or stale: worked out per call */
	unsigned pod_gen;
	bool pod_kind, pod_found;
	int pod_entry; /* the pod-path table entry where pod was found */
	struct kg_pod_ref pod;
};

/* Kustomize's record of where an object came from (kustomize build with buildMetadata:
 * [originAnnotations]): "path: FILE" (with "repo:" and "ref:" for a remote base), or
 * "configuredIn: KUSTOMIZATION" for a generated object. */
#define KG_KUSTOMIZE_ORIGIN "config.kubernetes.io/origin"
/* From metadata (NULL-safe): the file, "REPO//FILE?ref=REF" for a remote base, or the kustomization
 * of a generated object, copied into a; NULL without the annotation. */
const char *kg_kustomize_origin(const struct kg_node *meta, struct kg_arena *a);

/* Fill obj from a map node; returns false when node is not a map. The object is rendered from
 * the document's Helm source, else from its Kustomize origin annotation (copied into doc->arena). */
bool kg_object_init(struct kg_object *obj, const struct kg_node *node, const struct kg_doc *doc,
		    const char *item_path);

/* A List (`kind: List` or any kind ending in "List" with an items array). */
bool kg_object_is_list(const struct kg_object *obj);

/* A pod-template location inside a kind: built in for the core workload kinds and known CRDs,
 * extensible at run time (policy file). Paths are dotted map keys; a key written "key[]" visits
 * every item of the sequence under key and a segment "*" every value of a map, so one entry can
 * name several pod templates ("spec.workerGroupSpecs[].template.spec"). meta_path fans out at the
 * same steps as spec_path. A kind may have several entries (alternative template locations). */
struct kg_pod_path {
	const char *api_group; /* "" for core, "*" for any */
	const char *kind;
	const char *spec_path;
	const char *meta_path;
};

/* Register extra pod-template locations (copied pointers must stay valid for the run). */
void kg_pod_paths_add(const struct kg_pod_path *paths, unsigned n);
/* Whether the kind carries a pod spec at all (even when the spec is missing in this object). */
bool kg_kind_has_pod(const struct kg_object *obj);
/* Locate the pod spec; false when the kind has none or the spec is absent / not a map. Only
 * entries without fan-out are considered (the first that exists wins); use kg_pod_each to see
 * every pod template of kinds that hold several. */
bool kg_pod_locate(const struct kg_object *obj, struct kg_pod_ref *ref);

/* Visit every pod spec of obj (every matching entry, every fan-out choice) that exists and is a
 * map. ref->spec_path and ref->meta_path are concrete ("spec.tasks[1].template.spec") and valid
 * only during the call. Returns the number of pod specs visited. */
typedef void (*kg_pod_fn)(void *ctx, const struct kg_pod_ref *ref);
unsigned kg_pod_each(const struct kg_object *obj, kg_pod_fn fn, void *ctx);

/* API group of an apiVersion ("apps/v1" -> "apps", "v1" -> ""); writes into buf. */
const char *kg_api_group(const char *api_version, char *buf, unsigned size);

/* Container lists of a pod spec, in PSA's visiting order. */
enum kg_container_kind { KG_INIT_CONTAINER, KG_CONTAINER, KG_EPHEMERAL_CONTAINER };
extern const char *const kg_container_fields[3]; /* "initContainers", "containers", "ephemeralContainers" */
extern const unsigned char kg_container_field_len[3]; /* their lengths */

/* "spec.template.spec.containers[2]": what "%s.%s[%u]" gives for spec_path, the list's field and
 * the index. Returns the length written. */
size_t kg_container_path(char *buf, size_t size, const char *spec_path, enum kg_container_kind kind, unsigned index);

/* Iterate containers: calls fn for each container map with its list kind and index. */
typedef void (*kg_container_fn)(void *ctx, const struct kg_node *container, enum kg_container_kind kind,
				unsigned index);
void kg_each_container(const struct kg_node *pod_spec, kg_container_fn fn, void *ctx);

/* One ServiceAccount defined twice in a run (a base and an overlay): its token is mounted unless
 * every definition sets automountServiceAccountToken false, and an explicit true says more than an
 * unset field. Values: 1 true, 0 false, -1 unset. */
static inline int kg_sa_automount_merge(int a, int b)
{
	if (a == 1 || b == 1)
		return 1;
	return a == 0 ? b : a;
}

/* Deepest existing node along a dotted path from base (base itself when the first step is missing). */
const struct kg_node *kg_nearest(const struct kg_node *base, const char *dotted);

#endif
