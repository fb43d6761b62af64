/* The field table: names, list-ness, argument kinds and descriptions (from the k8saudit 0.18.0
 * and json 0.7 plugins, plus kguard's kg.* fields). Extraction is in extract.c. */
#include <string.h>

#include "field_ids.h"

#define F(n, id, list, arg, desc) { n, id, list, arg, KG_FT_STRING, desc }
#define CT(list, prefix) \
	F("ka.req.pod." prefix ".args", KA_CT(list, CT_ARGS), 1, KG_FARG_INDEX, "arguments of each " prefix " entry, joined by spaces"), \
	F("ka.req.pod." prefix ".command", KA_CT(list, CT_COMMAND), 1, KG_FARG_INDEX, "command of each " prefix " entry, joined by spaces"), \
	F("ka.req.pod." prefix ".name", KA_CT(list, CT_NAME), 1, KG_FARG_INDEX, "name of each " prefix " entry"), \
	F("ka.req.pod." prefix ".image", KA_CT(list, CT_IMAGE), 1, KG_FARG_INDEX, "image of each " prefix " entry"), \
	F("ka.req.pod." prefix ".image.repository", KA_CT(list, CT_REPO), 1, KG_FARG_INDEX, "image repository (without tag or digest) of each " prefix " entry"), \
	F("ka.req.pod." prefix ".privileged", KA_CT(list, CT_PRIVILEGED), 1, KG_FARG_INDEX, "securityContext.privileged of each " prefix " entry that sets it"), \
	F("ka.req.pod." prefix ".allow_privilege_escalation", KA_CT(list, CT_APE), 1, KG_FARG_INDEX, "securityContext.allowPrivilegeEscalation of each " prefix " entry that sets it"), \
	F("ka.req.pod." prefix ".read_only_fs", KA_CT(list, CT_ROFS), 1, KG_FARG_INDEX, "securityContext.readOnlyRootFilesystem of each " prefix " entry that sets it"), \
	F("ka.req.pod." prefix ".run_as_user", KA_CT(list, CT_RUN_AS_USER), 1, KG_FARG_INDEX, "securityContext.runAsUser of each " prefix " entry that sets it"), \
	F("ka.req.pod." prefix ".eff_run_as_user", KA_CT(list, CT_EFF_USER), 1, KG_FARG_INDEX, "effective runAsUser of each " prefix " entry (container, else pod securityContext, else 0)"), \
	F("ka.req.pod." prefix ".run_as_group", KA_CT(list, CT_RUN_AS_GROUP), 1, KG_FARG_INDEX, "securityContext.runAsGroup of each " prefix " entry that sets it"), \
	F("ka.req.pod." prefix ".eff_run_as_group", KA_CT(list, CT_EFF_GROUP), 1, KG_FARG_INDEX, "effective runAsGroup of each " prefix " entry (container, else pod securityContext, else 0)"), \
	F("ka.req.pod." prefix ".proc_mount", KA_CT(list, CT_PROC_MOUNT), 1, KG_FARG_INDEX, "securityContext.procMount of each " prefix " entry that sets it"), \
	F("ka.req.pod." prefix ".add_capabilities", KA_CT(list, CT_ADD_CAPS), 1, KG_FARG_INDEX, "securityContext.capabilities.add of each " prefix " entry, as one JSON array per entry")

static const struct kg_field fields[] = {
	F("ka.auditid", KA_AUDITID, 0, KG_FARG_NONE, "the unique id of the audit event"),
	F("ka.stage", KA_STAGE, 0, KG_FARG_NONE, "stage of the request (e.g. RequestReceived, ResponseComplete)"),
	F("ka.auth.decision", KA_AUTH_DECISION, 0, KG_FARG_NONE, "authorization decision (annotation authorization.k8s.io/decision)"),
	F("ka.auth.reason", KA_AUTH_REASON, 0, KG_FARG_NONE, "authorization reason (annotation authorization.k8s.io/reason)"),
	F("ka.auth.openshift.decision", KA_AUTH_OS_DECISION, 0, KG_FARG_NONE, "OpenShift authentication decision annotation"),
	F("ka.validations.admission.policy.failure", KA_VAP_FAILURE, 0, KG_FARG_NONE, "ValidatingAdmissionPolicy failure annotation"),
	F("ka.security.pod.violations", KA_PSA_VIOLATIONS, 0, KG_FARG_NONE, "Pod Security admission audit-violations annotation"),
	F("ka.auth.openshift.username", KA_AUTH_OS_USERNAME, 0, KG_FARG_NONE, "OpenShift authenticated user name annotation"),
	F("ka.user.name", KA_USER_NAME, 0, KG_FARG_NONE, "user name performing the request"),
	F("ka.user.groups", KA_USER_GROUPS, 1, KG_FARG_NONE, "groups of the user performing the request"),
	F("ka.impuser.name", KA_IMPUSER_NAME, 0, KG_FARG_NONE, "impersonated user name"),
	F("ka.verb", KA_VERB, 0, KG_FARG_NONE, "action being performed"),
	F("ka.uri", KA_URI, 0, KG_FARG_NONE, "request URI as sent from client to server"),
	F("ka.uri.param", KA_URI_PARAM, 0, KG_FARG_KEY, "first value of the query parameter [NAME] of the request URI"),
	F("ka.target.name", KA_TARGET_NAME, 0, KG_FARG_NONE, "target object name"),
	F("ka.target.namespace", KA_TARGET_NAMESPACE, 0, KG_FARG_NONE, "target object namespace"),
	F("ka.target.resource", KA_TARGET_RESOURCE, 0, KG_FARG_NONE, "target object resource"),
	F("ka.target.subresource", KA_TARGET_SUBRESOURCE, 0, KG_FARG_NONE, "target object subresource"),
	F("ka.target.pod.name", KA_TARGET_POD_NAME, 0, KG_FARG_NONE, "name of the pod a pods request created (responseObject.metadata.name)"),
	F("ka.req.binding.subjects", KA_BINDING_SUBJECTS, 1, KG_FARG_NONE, "subjects of a role binding, each as JSON"),
	F("ka.req.binding.subjects.user_names", KA_BINDING_USER_NAMES, 1, KG_FARG_NONE, "names of the User subjects of a role binding"),
	F("ka.req.binding.subjects.serviceaccount_names", KA_BINDING_SA_NAMES, 1, KG_FARG_NONE, "names of the ServiceAccount subjects of a role binding"),
	F("ka.req.binding.subjects.serviceaccount_ns_names", KA_BINDING_SA_NS_NAMES, 1, KG_FARG_NONE, "namespace:name of the ServiceAccount subjects of a role binding"),
	F("ka.req.binding.subjects.group_names", KA_BINDING_GROUP_NAMES, 1, KG_FARG_NONE, "names of the Group subjects of a role binding"),
	F("ka.req.binding.role", KA_BINDING_ROLE, 0, KG_FARG_NONE, "role name of a role binding (roleRef.name)"),
	F("ka.req.binding.subject.has_name", KA_BINDING_HAS_NAME, 0, KG_FARG_KEY, "\"true\" when a subject of the binding has the name [NAME], else \"false\""),
	F("ka.req.configmap.name", KA_CONFIGMAP_NAME, 0, KG_FARG_NONE, "target object name (for configmaps)"),
	F("ka.req.configmap.obj", KA_CONFIGMAP_OBJ, 0, KG_FARG_NONE, "data of a configmap in the request, as JSON"),
	F("ka.req.container.image", KA_CONTAINER_IMAGE, 0, KG_FARG_NONE, "image of the first container (deprecated: use ka.req.pod.containers.image)"),
	F("ka.req.container.image.repository", KA_CONTAINER_REPO, 0, KG_FARG_NONE, "repository of the first container's image (deprecated)"),
	F("ka.req.pod.host_ipc", KA_POD_HOST_IPC, 0, KG_FARG_NONE, "spec.hostIPC of the pod in the request"),
	F("ka.req.pod.host_network", KA_POD_HOST_NETWORK, 0, KG_FARG_NONE, "spec.hostNetwork of the pod in the request"),
	F("ka.req.container.host_network", KA_CONTAINER_HOST_NETWORK, 0, KG_FARG_NONE, "spec.hostNetwork (deprecated alias of ka.req.pod.host_network)"),
	F("ka.req.pod.host_pid", KA_POD_HOST_PID, 0, KG_FARG_NONE, "spec.hostPID of the pod in the request"),
	F("ka.req.container.privileged", KA_CONTAINER_PRIVILEGED, 0, KG_FARG_NONE, "\"true\" when any container is privileged, else \"false\" (deprecated)"),
	F("ka.req.pod.run_as_user", KA_POD_RUN_AS_USER, 0, KG_FARG_NONE, "spec.securityContext.runAsUser of the pod"),
	F("ka.req.pod.run_as_group", KA_POD_RUN_AS_GROUP, 0, KG_FARG_NONE, "spec.securityContext.runAsGroup of the pod"),
	F("ka.req.pod.fs_group", KA_POD_FS_GROUP, 0, KG_FARG_NONE, "spec.securityContext.fsGroup of the pod"),
	F("ka.req.pod.supplemental_groups", KA_POD_SUPPL_GROUPS, 1, KG_FARG_NONE, "spec.securityContext.supplementalGroups of the pod"),
	F("ka.req.role.rules", KA_ROLE_RULES, 1, KG_FARG_NONE, "rules of a role, each as JSON"),
	F("ka.req.role.rules.apiGroups", KA_ROLE_APIGROUPS, 1, KG_FARG_INDEX, "apiGroups of the role's rules (of rule [N])"),
	F("ka.req.role.rules.nonResourceURLs", KA_ROLE_NRURLS, 1, KG_FARG_INDEX, "nonResourceURLs of the role's rules (of rule [N])"),
	F("ka.req.role.rules.verbs", KA_ROLE_VERBS, 1, KG_FARG_INDEX, "verbs of the role's rules (of rule [N])"),
	F("ka.req.role.rules.resources", KA_ROLE_RESOURCES, 1, KG_FARG_INDEX, "resources of the role's rules (of rule [N])"),
	F("ka.req.service.type", KA_SERVICE_TYPE, 0, KG_FARG_NONE, "spec.type of a service"),
	F("ka.req.service.ports", KA_SERVICE_PORTS, 1, KG_FARG_INDEX, "spec.ports of a service, as one JSON array"),
	F("ka.req.volume.hostpath", KA_VOLUME_HOSTPATH, 0, KG_FARG_KEY, "\"true\" when a hostPath volume has path [PATH] (a trailing * matches a prefix), else \"false\" (deprecated)"),
	F("ka.req.pod.volumes.hostpath", KA_VOLUMES_HOSTPATH, 1, KG_FARG_INDEX, "hostPath.path of each volume (of volume [N])"),
	F("ka.req.pod.volumes.flexvolume_driver", KA_VOLUMES_FLEX, 1, KG_FARG_INDEX, "flexVolume.driver of each volume (of volume [N])"),
	F("ka.req.pod.volumes.volume_type", KA_VOLUMES_TYPE, 1, KG_FARG_INDEX, "volume types (every key except name) of each volume (of volume [N])"),
	F("ka.resp.name", KA_RESP_NAME, 0, KG_FARG_NONE, "responseObject.metadata.name"),
	F("ka.response.code", KA_RESPONSE_CODE, 0, KG_FARG_NONE, "HTTP response code"),
	F("ka.response.reason", KA_RESPONSE_REASON, 0, KG_FARG_NONE, "reason of the response status"),
	F("ka.useragent", KA_USERAGENT, 0, KG_FARG_NONE, "user agent of the client"),
	F("ka.sourceips", KA_SOURCEIPS, 1, KG_FARG_INDEX, "client IP addresses (sourceIPs; of address [N])"),
	F("ka.cluster.name", KA_CLUSTER_NAME, 0, KG_FARG_NONE, "cluster name (annotation cluster_name)"),
	CT(0, "containers"),
	F("ka.req.pod.containers.host_port", KA_CT(0, CT_HOST_PORT), 1, KG_FARG_INDEX, "hostPort (else containerPort) of each port of each container"),
	CT(1, "initContainers"),
	F("ka.req.pod.initContainers.host_port", KA_CT(1, CT_HOST_PORT), 1, KG_FARG_INDEX, "hostPort (else containerPort) of each port of each init container"),
	CT(2, "ephemeralContainers"),
	F("json.value", KJ_VALUE, 0, KG_FARG_KEY, "value at the JSON pointer [PTR] (RFC 6901) of the event"),
	F("json.obj", KJ_OBJ, 0, KG_FARG_NONE, "the whole event as indented JSON"),
	F("json.rawtime", KJ_RAWTIME, 0, KG_FARG_NONE, "event time (stageTimestamp) in ns since the epoch"),
	F("jevt.value", KJ_VALUE, 0, KG_FARG_KEY, "alias of json.value"),
	F("jevt.obj", KJ_OBJ, 0, KG_FARG_NONE, "alias of json.obj"),
	F("jevt.rawtime", KJ_RAWTIME, 0, KG_FARG_NONE, "alias of json.rawtime"),
	{ "kg.user.authz_failures", KG_AUTHZ_FAILURES, 0, KG_FARG_NONE, KG_FT_UINT,
	  "authorization failures (403 or decision forbid, stage ResponseComplete) of the event's user in the current burst window, this event included" },
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

size_t kg_field_count(void) { return NFIELDS; }

const struct kg_field *kg_field_at(size_t i)
{
	return i < NFIELDS ? &fields[i] : NULL;
}

const struct kg_field *kg_field_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0)
			return &fields[i];
	return NULL;
}

const struct kg_field *kg_field_prefix(const char *s)
{
	const struct kg_field *best = NULL;
	size_t blen = 0;
	for (size_t i = 0; i < NFIELDS; i++) {
		size_t n = strlen(fields[i].name);
		if (n > blen && strncmp(s, fields[i].name, n) == 0) {
			best = &fields[i];
			blen = n;
		}
	}
	return best;
}
