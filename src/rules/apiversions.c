/* Rule family 'apiversions': apiVersion/kind pairs that current Kubernetes no longer serves
 * (api.removed) or has deprecated (api.deprecated), with the release and the replacement.
 *
 * Sources: the Kubernetes Deprecated API Migration Guide (removals up to v1.32) and the
 * prerelease-lifecycle dates the API server uses for its deprecation warnings (beta APIs are
 * deprecated three minors after they appear and stop being served three minors later). The
 * target release is the kubernetesVersion parameter (default: the newest minor kguard knows,
 * KG_PSS_LATEST_MINOR). Alpha versions are left out: they are off by default and come and go
 * without a deprecation period. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/fmt.h"
#include "family.h"
#include "params.h"
#include "policy.h"

enum { API_REMOVED, API_DEPRECATED, API_NRULES };

static const struct kg_rule api_rules[API_NRULES] = {
	[API_REMOVED] = { "api.removed", KG_SEV_HIGH, "api-version",
		"API version is no longer served",
		"The object's apiVersion/kind is not served by the target Kubernetes release (the "
		"kubernetesVersion parameter, default the newest release kguard knows): kubectl apply "
		"fails with 'no matches for kind', Helm and GitOps syncs break at upgrade time, and "
		"settings that changed meaning in the replacement version are silently lost when tools "
		"convert the object.",
		"Migrate the manifest to the replacement apiVersion named in the message (kubectl "
		"convert helps) and review the fields whose defaults changed.",
		"https://kubernetes.io/docs/reference/using-api/deprecation-guide/ "
		"https://kubernetes.io/docs/reference/using-api/deprecation-policy/",
		"kube-linter:no-extensions-v1beta kube-score:stable-version trivy:KSV107" },
	[API_DEPRECATED] = { "api.deprecated", KG_SEV_LOW, "api-version",
		"API version is deprecated",
		"The object's apiVersion/kind is deprecated in the target Kubernetes release: the API "
		"server answers with a deprecation warning, and the version will stop being served in "
		"the release named in the message (or, for deprecated GA APIs, may be removed in a "
		"future major version).",
		"Migrate to the replacement apiVersion named in the message before upgrading to the "
		"release that removes it.",
		"https://kubernetes.io/docs/reference/using-api/deprecation-guide/ "
		"https://kubernetes.io/docs/reference/using-api/deprecation-policy/",
		"kube-score:stable-version trivy:KSV107" },
};

struct api_entry {
	const char *api_version;
	unsigned char vlen;      /* its length: most objects' versions differ from every entry's */
	const char *kind;        /* "*": every kind of that version not listed before */
	int deprecated;          /* minor of v1.x */
	int removed;             /* 0: no removal scheduled */
	const char *replacement; /* NULL: none */
	const char *note;        /* what changes in the replacement, or NULL */
};

#define V(s) s, sizeof(s) - 1
static const struct api_entry api_table[] = {
	{ V("extensions/v1beta1"), "Deployment", 8, 16, "apps/v1", "spec.selector is required and immutable" },
	{ V("extensions/v1beta1"), "DaemonSet", 8, 16, "apps/v1", "spec.selector is required; updateStrategy defaults to RollingUpdate" },
	{ V("extensions/v1beta1"), "ReplicaSet", 8, 16, "apps/v1", "spec.selector is required" },
	{ V("extensions/v1beta1"), "NetworkPolicy", 9, 16, "networking.k8s.io/v1", NULL },
	{ V("extensions/v1beta1"), "PodSecurityPolicy", 10, 16, NULL, "PodSecurityPolicy is gone since v1.25: use Pod Security Admission" },
	{ V("extensions/v1beta1"), "Ingress", 14, 22, "networking.k8s.io/v1",
	  "backend serviceName/servicePort become service.name/service.port.number, pathType is required" },
	{ V("extensions/v1beta1"), "*", 8, 22, "apps/v1, networking.k8s.io/v1 or policy/v1 (by kind)", NULL },
	{ V("apps/v1beta1"), "*", 8, 16, "apps/v1", "spec.selector is required and immutable" },
	{ V("apps/v1beta2"), "*", 9, 16, "apps/v1", "spec.selector is required and immutable" },
	{ V("admissionregistration.k8s.io/v1beta1"), "MutatingWebhookConfiguration", 16, 22, "admissionregistration.k8s.io/v1",
	  "sideEffects and admissionReviewVersions are required; failurePolicy defaults to Fail" },
	{ V("admissionregistration.k8s.io/v1beta1"), "ValidatingWebhookConfiguration", 16, 22, "admissionregistration.k8s.io/v1",
	  "sideEffects and admissionReviewVersions are required; failurePolicy defaults to Fail" },
	{ V("admissionregistration.k8s.io/v1beta1"), "ValidatingAdmissionPolicy", 31, 34, "admissionregistration.k8s.io/v1", NULL },
	{ V("admissionregistration.k8s.io/v1beta1"), "ValidatingAdmissionPolicyBinding", 31, 34, "admissionregistration.k8s.io/v1", NULL },
	{ V("apiextensions.k8s.io/v1beta1"), "CustomResourceDefinition", 16, 22, "apiextensions.k8s.io/v1",
	  "spec.scope is required and every version needs a structural schema" },
	{ V("apiregistration.k8s.io/v1beta1"), "APIService", 19, 22, "apiregistration.k8s.io/v1", NULL },
	{ V("authentication.k8s.io/v1beta1"), "TokenReview", 19, 22, "authentication.k8s.io/v1", NULL },
	{ V("authentication.k8s.io/v1beta1"), "SelfSubjectReview", 30, 33, "authentication.k8s.io/v1", NULL },
	{ V("authorization.k8s.io/v1beta1"), "*", 19, 22, "authorization.k8s.io/v1", "spec.group is renamed spec.groups" },
	{ V("certificates.k8s.io/v1beta1"), "CertificateSigningRequest", 19, 22, "certificates.k8s.io/v1",
	  "spec.signerName and spec.usages are required" },
	{ V("coordination.k8s.io/v1beta1"), "Lease", 19, 22, "coordination.k8s.io/v1", NULL },
	{ V("networking.k8s.io/v1beta1"), "Ingress", 19, 22, "networking.k8s.io/v1",
	  "backend serviceName/servicePort become service.name/service.port.number, pathType is required" },
	{ V("networking.k8s.io/v1beta1"), "IngressClass", 19, 22, "networking.k8s.io/v1", NULL },
	{ V("rbac.authorization.k8s.io/v1beta1"), "*", 17, 22, "rbac.authorization.k8s.io/v1", NULL },
	{ V("scheduling.k8s.io/v1beta1"), "PriorityClass", 14, 22, "scheduling.k8s.io/v1", NULL },
	{ V("storage.k8s.io/v1beta1"), "CSIDriver", 19, 22, "storage.k8s.io/v1", NULL },
	{ V("storage.k8s.io/v1beta1"), "CSINode", 17, 22, "storage.k8s.io/v1", NULL },
	{ V("storage.k8s.io/v1beta1"), "StorageClass", 19, 22, "storage.k8s.io/v1", NULL },
	{ V("storage.k8s.io/v1beta1"), "VolumeAttachment", 19, 22, "storage.k8s.io/v1", NULL },
	{ V("storage.k8s.io/v1beta1"), "CSIStorageCapacity", 24, 27, "storage.k8s.io/v1", NULL },
	{ V("batch/v1beta1"), "CronJob", 21, 25, "batch/v1", NULL },
	{ V("discovery.k8s.io/v1beta1"), "EndpointSlice", 21, 25, "discovery.k8s.io/v1",
	  "topology is replaced by per-endpoint nodeName and zone" },
	{ V("events.k8s.io/v1beta1"), "Event", 22, 25, "events.k8s.io/v1", NULL },
	{ V("autoscaling/v2beta1"), "HorizontalPodAutoscaler", 22, 25, "autoscaling/v2",
	  "metric targets move into target: {type, averageUtilization, averageValue, value}" },
	{ V("autoscaling/v2beta2"), "HorizontalPodAutoscaler", 23, 26, "autoscaling/v2", NULL },
	{ V("policy/v1beta1"), "PodDisruptionBudget", 21, 25, "policy/v1", "an empty spec.selector now selects every pod in the namespace" },
	{ V("policy/v1beta1"), "PodSecurityPolicy", 21, 25, NULL, "there is no replacement API: use Pod Security Admission" },
	{ V("node.k8s.io/v1beta1"), "RuntimeClass", 22, 25, "node.k8s.io/v1", NULL },
	{ V("flowcontrol.apiserver.k8s.io/v1beta1"), "*", 23, 26, "flowcontrol.apiserver.k8s.io/v1", NULL },
	{ V("flowcontrol.apiserver.k8s.io/v1beta2"), "*", 26, 29, "flowcontrol.apiserver.k8s.io/v1", NULL },
	{ V("flowcontrol.apiserver.k8s.io/v1beta3"), "*", 29, 32, "flowcontrol.apiserver.k8s.io/v1",
	  "spec.limited.nominalConcurrencyShares keeps an explicit 0" },
	/* deprecated GA APIs: no removal scheduled */
	{ V("v1"), "ComponentStatus", 19, 0, NULL, "query the components' health endpoints instead" },
	{ V("v1"), "Endpoints", 33, 0, "discovery.k8s.io/v1 EndpointSlice", "EndpointSlices are created by the control plane for Services" },
};
#undef V

#define NENTRIES (sizeof(api_table) / sizeof(api_table[0]))

static const struct api_entry *api_lookup(const char *api_version, const char *kind)
{
	const struct api_entry *any = NULL;
	size_t vlen = strlen(api_version);
	for (size_t i = 0; i < NENTRIES; i++) {
		const struct api_entry *e = &api_table[i];
		if (e->vlen != vlen || e->api_version[vlen - 1] != api_version[vlen - 1] ||
		    memcmp(e->api_version, api_version, vlen))
			continue;
		if (!strcmp(e->kind, kind))
			return e;
		if (!strcmp(e->kind, "*") && !any)
			any = e;
	}
	return any;
}

/* "v1.29", "1.29" or "latest", as a string: an unquoted 1.30 is the YAML number 1.3. */
static int parse_version(const struct kg_node *v, int *minor)
{
	const char *s = kg_str(v);
	char *end;
	if (!s)
		return -1;
	if (!strcmp(s, "latest")) {
		*minor = KG_PSS_LATEST_MINOR;
		return 0;
	}
	if (s[0] == 'v')
		s++;
	if (strncmp(s, "1.", 2))
		return -1;
	long m = strtol(s + 2, &end, 10);
	if (end == s + 2 || (*end && *end != '.') || m < 0 || m > 99)
		return -1;
	*minor = (int)m;
	return 0;
}

int kg_api_param_check(const char *name, const struct kg_node *value, struct kg_diag *err)
{
	int minor;
	if (strcmp(name, "kubernetesVersion"))
		return 0;
	if (value && (value->type == KG_FLOAT || value->type == KG_INT)) {
		kg_diag_set(err, NULL, value->line, value->col,
			    "parameter kubernetesVersion: write the release as a string such as \"v1.30\" (an unquoted "
			    "1.30 is the number 1.3)");
		return -1;
	}
	if (parse_version(value, &minor)) {
		kg_diag_set(err, NULL, value ? value->line : 0, value ? value->col : 0,
			    "parameter kubernetesVersion: expected a release such as \"v1.30\" or \"latest\"");
		return -1;
	}
	return 1;
}

struct api_state {
	int target;
};

static void *api_state_new(const struct kg_scan_opts *opts)
{
	struct api_state *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->target = KG_PSS_LATEST_MINOR;
	const struct kg_node *v = kg_policy_param(opts->policy, "kubernetesVersion");
	int minor;
	if (v && !parse_version(v, &minor))
		s->target = minor;
	return s;
}

static void api_state_free(void *s)
{
	free(s);
}

static void api_check(struct kg_check *c)
{
	const struct api_state *st = c->state;
	const struct kg_object *obj = c->obj;
	if (!obj->api_version || !obj->kind)
		return;
	const struct api_entry *e = api_lookup(obj->api_version, obj->kind);
	if (!e || e->deprecated > st->target)
		return;
	*c->handled = true;
	const struct kg_node *at = kg_map_get(obj->node, "apiVersion");
	char repl[200];
	if (e->replacement)
		kg_fmt(repl, sizeof(repl), "use %s%s%s", e->replacement, strchr(e->replacement, ' ') ? "" : " ",
			 strchr(e->replacement, ' ') ? "" : obj->kind);
	else
		kg_fmt(repl, sizeof(repl), "there is no replacement apiVersion");
	if (e->removed && e->removed <= st->target)
		kg_emit(c, &api_rules[API_REMOVED], at, "apiVersion", NULL,
			"%s %s is no longer served since Kubernetes v1.%d (deprecated in v1.%d); %s%s%s%s", obj->api_version,
			obj->kind, e->removed, e->deprecated, repl, e->note ? " (" : "", e->note ? e->note : "", e->note ? ")" : "");
	else if (e->removed)
		kg_emit(c, &api_rules[API_DEPRECATED], at, "apiVersion", NULL,
			"%s %s is deprecated since Kubernetes v1.%d and stops being served in v1.%d; %s%s%s%s", obj->api_version,
			obj->kind, e->deprecated, e->removed, repl, e->note ? " (" : "", e->note ? e->note : "", e->note ? ")" : "");
	else
		kg_emit(c, &api_rules[API_DEPRECATED], at, "apiVersion", NULL,
			"%s %s is deprecated since Kubernetes v1.%d (no removal scheduled); %s%s%s%s", obj->api_version,
			obj->kind, e->deprecated, repl, e->note ? " (" : "", e->note ? e->note : "", e->note ? ")" : "");
}

const struct kg_family kg_family_apiversions = {
	"apiversions", api_rules, API_NRULES, api_check, NULL, api_state_new, api_state_free,
};
