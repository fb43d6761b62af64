#include "k8s.h"

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
};

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

static const struct kg_pod_path *find_path(const struct kg_object *obj)
{
	char group[128];
	if (!obj->kind || !obj->api_version)
		return NULL;
	kg_api_group(obj->api_version, group, sizeof(group));
	for (size_t i = 0; i < sizeof(builtin_paths) / sizeof(builtin_paths[0]); i++) {
		const struct kg_pod_path *p = &builtin_paths[i];
		if (p->spec_path && !strcmp(p->kind, obj->kind) && group_matches(p->api_group, group))
			return p;
	}
	for (unsigned i = 0; i < n_extra; i++) {
		const struct kg_pod_path *p = &extra_paths[i];
		if (!strcmp(p->kind, obj->kind) && group_matches(p->api_group, group))
			return p;
	}
	return NULL;
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

bool kg_pod_locate(const struct kg_object *obj, struct kg_pod_ref *ref)
{
	memset(ref, 0, sizeof(*ref));
	const struct kg_pod_path *p = find_path(obj);
	if (!p)
		return false;
	ref->spec_path = p->spec_path;
	ref->meta_path = p->meta_path;
	ref->spec = kg_node_get(obj->node, p->spec_path);
	ref->meta = p->meta_path ? kg_node_get(obj->node, p->meta_path) : NULL;
	if (ref->meta && !kg_is_map(ref->meta))
		ref->meta = NULL;
	ref->spec_parent = kg_nearest(obj->node, p->spec_path);
	return kg_is_map(ref->spec);
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
