/* workload.cpu-*, workload.memory-*, workload.ephemeral-storage: resource requests and limits.
 * A request left out defaults to the limit (API defaulting), so a limit alone satisfies the
 * request rules; pod-level spec.resources (PodLevelResources) satisfies cpu and memory for
 * every container. Ephemeral containers cannot have resources and are skipped. */
#include <string.h>

#include "workload_priv.h"

static bool has_quantity(const struct kg_node *section, const char *name, size_t len)
{
	const struct kg_node *v = kg_map_getn(section, name, len);
	return v && v->type != KG_NULL;
}

/* The container's resources map and its limits and requests, looked up once. */
struct res {
	const struct kg_node *node, *limits, *requests;
};

static void check_one(const struct wl_pod *pod, const struct wl_ctr *ctr, const struct res *res, const char *name,
		      size_t len, const char *label, enum wl_rule_id req_rule, enum wl_rule_id lim_rule,
		      const char *example)
{
	bool limit = has_quantity(res->limits, name, len) || has_quantity(pod->res_limits, name, len);
	bool request = limit || has_quantity(res->requests, name, len) || has_quantity(pod->res_requests, name, len);
	if (!request)
		wl_emit(pod, ctr, req_rule, res->node, "resources.requests",
			"%s has no %s request; set resources.requests.%s (e.g. %s)", ctr->label, label, name, example);
	if (!limit)
		wl_emit(pod, ctr, lim_rule, res->node, "resources.limits",
			"%s has no %s limit; set resources.limits.%s (e.g. %s)", ctr->label, label, name, example);
}

void wl_check_resources(const struct wl_pod *pod, const struct wl_ctr *ctr)
{
	if (ctr->kind == KG_EPHEMERAL_CONTAINER)
		return;
	struct res res = { kg_map_get(ctr->node, "resources"), NULL, NULL };
	if (res.node && !kg_is_map(res.node))
		res.node = NULL;
	res.limits = kg_map_get(res.node, "limits");
	res.requests = kg_map_get(res.node, "requests");
	check_one(pod, ctr, &res, "cpu", 3, "CPU", WL_CPU_REQUESTS, WL_CPU_LIMITS, "500m");
	check_one(pod, ctr, &res, "memory", 6, "memory", WL_MEM_REQUESTS, WL_MEM_LIMITS, "256Mi");

	if (!pod->cfg->ephemeral_on)
		return;
	/* pod-level resources do not cover ephemeral-storage */
	bool limit = has_quantity(res.limits, "ephemeral-storage", 17);
	bool request = limit || has_quantity(res.requests, "ephemeral-storage", 17);
	if (!limit)
		wl_emit(pod, ctr, WL_EPHEMERAL, res.node, "resources.limits",
			"%s has no ephemeral-storage %s; set resources.limits.ephemeral-storage (e.g. 1Gi)%s",
			ctr->label, request ? "limit" : "request or limit", request ? "" : " and a matching request");
}
