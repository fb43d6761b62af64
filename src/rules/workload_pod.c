/* workload.liveness-probe, workload.readiness-probe (per container) and the service-account
 * rules workload.default-service-account, workload.automount-token,
 * workload.deprecated-service-account (per pod). */
#include <string.h>

#include "workload_priv.h"

static bool has_probe(const struct kg_node *c, const char *field)
{
	const struct kg_node *p = kg_map_get(c, field);
	return p && p->type != KG_NULL;
}

void wl_check_probes(const struct wl_pod *pod, const struct wl_ctr *ctr)
{
	/* run-to-completion pods, one-shot init containers and ephemeral containers have no use for
	 * probes (the API rejects probes on ephemeral containers) */
	if (pod->batch || ctr->kind == KG_EPHEMERAL_CONTAINER || (ctr->kind == KG_INIT_CONTAINER && !ctr->sidecar))
		return;
	if (!has_probe(ctr->node, "livenessProbe"))
		wl_emit(pod, ctr, WL_LIVENESS, NULL, "livenessProbe",
			"%s has no livenessProbe, so a hung process is never restarted; add one (httpGet, tcpSocket, grpc "
			"or exec) that fails only when the process cannot recover", ctr->label);
	if (!pod->knative && !has_probe(ctr->node, "readinessProbe"))
		wl_emit(pod, ctr, WL_READINESS, NULL, "readinessProbe",
			"%s has no readinessProbe, so it gets traffic before it can serve; add one that succeeds only "
			"when it is ready", ctr->label);
}

void wl_check_service_account(const struct wl_pod *pod)
{
	const struct kg_node *nn = kg_map_get(pod->spec, "serviceAccountName");
	const struct kg_node *dn = kg_map_get(pod->spec, "serviceAccount");
	const char *name = kg_str(nn), *dep = kg_str(dn);
	if (name && !*name)
		name = NULL;
	if (dep && !*dep)
		dep = NULL;

	if (dep) {
		if (name && strcmp(name, dep))
			wl_emit(pod, NULL, WL_DEPRECATED_SA, dn, "serviceAccount",
				"the pod sets the deprecated serviceAccount '%s' and serviceAccountName '%s', which differ (the "
				"API server uses serviceAccountName); remove serviceAccount", dep, name);
		else
			wl_emit(pod, NULL, WL_DEPRECATED_SA, dn, "serviceAccount",
				"the pod uses the deprecated field serviceAccount '%s'; write serviceAccountName: %s instead",
				dep, dep);
	}

	/* serviceAccountName defaults from serviceAccount, then to "default" */
	const char *eff = name ? name : dep ? dep : "default";
	if (!strcmp(eff, "default"))
		wl_emit(pod, NULL, WL_DEFAULT_SA, name ? nn : dep ? dn : NULL, "serviceAccountName",
			"the pod runs as the namespace's default service account (%s); create a dedicated ServiceAccount "
			"and set serviceAccountName",
			name || dep ? "named explicitly" : "serviceAccountName is not set");

	const struct kg_node *am = kg_map_get(pod->spec, "automountServiceAccountToken");
	bool v;
	if (kg_as_bool(am, &v)) {
		if (v)
			wl_emit(pod, NULL, WL_AUTOMOUNT, am, "automountServiceAccountToken",
				"the pod sets automountServiceAccountToken: true, so every container gets an API token for "
				"service account '%s'; set it to false unless the pod calls the API", eff);
	} else if (pod->defer) {
		wl_defer_pod(pod->defer, pod, eff);
	} else {
		wl_emit(pod, NULL, WL_AUTOMOUNT, NULL, "automountServiceAccountToken", WL_AUTOMOUNT_UNSET_FMT, eff);
	}
}
