/* Rule family 'fieldtypes': api.field-type, values of a type the API server's decoder refuses.
 *
 * kubectl (and Helm) turn YAML into JSON without the schema: `value: 8080` becomes a JSON number
 * and `hostNetwork: "true"` a JSON string. The API server then decodes the JSON into Go structs
 * and rejects the whole object at the first field of the wrong type ("json: cannot unmarshal
 * number into Go struct field EnvVar.value of type string"). So such a manifest never deploys as
 * written, and a check that reads the field sees a value the cluster would never run.
 *
 * Checked: metadata labels and annotations (of the object and of its pod templates), the pod spec
 * fields the rules read and the top level of a few core kinds, from the tables below. Go's
 * decoding: null is always accepted (the zero value); an integer field takes a JSON number with no
 * fraction within range (YAML 1e3 and 1.0 reach it as 1000 and 1); fields that take either type
 * (quantities, named ports) and keys not in the tables are not checked. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "../util/fmt.h"
#include "family.h"

static const struct kg_rule field_rules[] = {
	{ "api.field-type", KG_SEV_MEDIUM, "validity",
	  "Field value has a type the API server rejects",
	  "A field holds a value of the wrong type: most often an unquoted number or boolean where "
	  "Kubernetes expects a string (an env value 8080, a label value true or 1.10, an annotation "
	  "prometheus.io/port: 9090, ConfigMap data PORT: 8080, args: [--port, 80]), or a quoted value "
	  "where it expects a number or a boolean (hostNetwork: \"true\", runAsUser: \"1000\", a "
	  "Helm-quoted replicas: \"3\"). kubectl and Helm convert YAML to JSON without the schema, "
	  "and the API server's decoder then rejects the whole object, so the manifest does not "
	  "deploy as written, and the other checks of the field judged a value the "
	  "cluster would never run. Checked: metadata labels and annotations of every object and pod "
	  "template, and the pod spec fields kguard's rules read (host namespaces, security contexts, "
	  "containers with their ports, env, volume mounts and probe counters, volumes, service account "
	  "fields), the workload specs around the template (replicas, selectors, Job and CronJob "
	  "settings), ConfigMap and Secret data, Service ports and selectors, RBAC rules, subjects "
	  "and role references, NetworkPolicy selectors and Ingress TLS. Fields that take either type "
	  "(resource quantities, ports given by name) are not checked.",
	  "Quote values that must be strings (value: \"8080\", version: \"1.10\") and write numbers and "
	  "booleans without quotes where the field takes them (hostNetwork: true, runAsUser: 1000).",
	  "https://kubernetes.io/docs/reference/using-api/api-concepts/ "
	  "https://github.com/kubernetes-sigs/yaml",
	  "" },
};

/* What a field decodes into. */
enum ft_kind {
	FT_BOOL,   /* bool */
	FT_STR,    /* string */
	FT_INT32,  /* int32 */
	FT_INT64,  /* int64 */
	FT_OBJ,    /* a struct (its known fields checked when type has any) */
	FT_OBJS,   /* []struct */
	FT_STRS,   /* []string */
	FT_INT64S, /* []int64 */
	FT_STRMAP, /* map[string]string */
};

struct ft_type;
struct ft_field {
	const char *key;
	uint8_t klen;
	uint8_t kind;               /* enum ft_kind */
	const struct ft_type *type; /* FT_OBJ, FT_OBJS: the struct (NULL: only its shape is checked) */
};
#define SLOTS 64 /* per type: field index + 1 by key hash, open addressing (types have < 32 fields) */
struct ft_type {
	const struct ft_field *fields;
	size_t n;
	uint8_t slot[SLOTS]; /* filled once by index_types() */
};

#define F(key, kind, type) { key, sizeof(key) - 1, kind, type }
#define FIELDS(name, ...)                                                                      \
	static const struct ft_field name##_fields[] = { __VA_ARGS__ };                        \
	static struct ft_type name = { name##_fields, sizeof(name##_fields) / sizeof(name##_fields[0]), { 0 } }

/* The API types, leaves first (k8s.io/api/core/v1). */
FIELDS(seccomp_profile, F("type", FT_STR, NULL), F("localhostProfile", FT_STR, NULL));
FIELDS(selinux_options, F("user", FT_STR, NULL), F("role", FT_STR, NULL), F("type", FT_STR, NULL),
       F("level", FT_STR, NULL));
FIELDS(windows_options, F("gmsaCredentialSpecName", FT_STR, NULL), F("gmsaCredentialSpec", FT_STR, NULL),
       F("runAsUserName", FT_STR, NULL), F("hostProcess", FT_BOOL, NULL));
FIELDS(capabilities, F("add", FT_STRS, NULL), F("drop", FT_STRS, NULL));
FIELDS(security_context, F("privileged", FT_BOOL, NULL), F("allowPrivilegeEscalation", FT_BOOL, NULL),
       F("readOnlyRootFilesystem", FT_BOOL, NULL), F("runAsNonRoot", FT_BOOL, NULL),
       F("runAsUser", FT_INT64, NULL), F("runAsGroup", FT_INT64, NULL), F("procMount", FT_STR, NULL),
       F("capabilities", FT_OBJ, &capabilities), F("seccompProfile", FT_OBJ, &seccomp_profile),
       F("appArmorProfile", FT_OBJ, &seccomp_profile), F("seLinuxOptions", FT_OBJ, &selinux_options),
       F("windowsOptions", FT_OBJ, &windows_options));
FIELDS(sysctl, F("name", FT_STR, NULL), F("value", FT_STR, NULL));
FIELDS(pod_security_context, F("runAsUser", FT_INT64, NULL), F("runAsGroup", FT_INT64, NULL),
       F("fsGroup", FT_INT64, NULL), F("runAsNonRoot", FT_BOOL, NULL),
       F("supplementalGroups", FT_INT64S, NULL), F("supplementalGroupsPolicy", FT_STR, NULL),
       F("fsGroupChangePolicy", FT_STR, NULL), F("seccompProfile", FT_OBJ, &seccomp_profile),
       F("appArmorProfile", FT_OBJ, &seccomp_profile), F("seLinuxOptions", FT_OBJ, &selinux_options),
       F("windowsOptions", FT_OBJ, &windows_options), F("sysctls", FT_OBJS, &sysctl));
FIELDS(container_port, F("name", FT_STR, NULL), F("hostPort", FT_INT32, NULL), F("containerPort", FT_INT32, NULL),
       F("protocol", FT_STR, NULL), F("hostIP", FT_STR, NULL));
FIELDS(env_var, F("name", FT_STR, NULL), F("value", FT_STR, NULL), F("valueFrom", FT_OBJ, NULL));
FIELDS(env_from, F("prefix", FT_STR, NULL), F("configMapRef", FT_OBJ, NULL), F("secretRef", FT_OBJ, NULL));
FIELDS(volume_mount, F("name", FT_STR, NULL), F("readOnly", FT_BOOL, NULL), F("recursiveReadOnly", FT_STR, NULL),
       F("mountPath", FT_STR, NULL), F("subPath", FT_STR, NULL), F("mountPropagation", FT_STR, NULL),
       F("subPathExpr", FT_STR, NULL));
FIELDS(exec_action, F("command", FT_STRS, NULL));
FIELDS(probe, F("exec", FT_OBJ, &exec_action), F("httpGet", FT_OBJ, NULL), F("tcpSocket", FT_OBJ, NULL),
       F("grpc", FT_OBJ, NULL), F("initialDelaySeconds", FT_INT32, NULL), F("timeoutSeconds", FT_INT32, NULL),
       F("periodSeconds", FT_INT32, NULL), F("successThreshold", FT_INT32, NULL),
       F("failureThreshold", FT_INT32, NULL), F("terminationGracePeriodSeconds", FT_INT64, NULL));
FIELDS(container, F("name", FT_STR, NULL), F("image", FT_STR, NULL), F("imagePullPolicy", FT_STR, NULL),
       F("command", FT_STRS, NULL), F("args", FT_STRS, NULL), F("workingDir", FT_STR, NULL),
       F("ports", FT_OBJS, &container_port), F("env", FT_OBJS, &env_var), F("envFrom", FT_OBJS, &env_from),
       F("resources", FT_OBJ, NULL), F("volumeMounts", FT_OBJS, &volume_mount),
       F("livenessProbe", FT_OBJ, &probe), F("readinessProbe", FT_OBJ, &probe), F("startupProbe", FT_OBJ, &probe),
       F("lifecycle", FT_OBJ, NULL), F("restartPolicy", FT_STR, NULL),
       F("securityContext", FT_OBJ, &security_context), F("stdin", FT_BOOL, NULL), F("stdinOnce", FT_BOOL, NULL),
       F("tty", FT_BOOL, NULL), F("terminationMessagePath", FT_STR, NULL),
       F("terminationMessagePolicy", FT_STR, NULL), F("targetContainerName", FT_STR, NULL));
FIELDS(host_path, F("path", FT_STR, NULL), F("type", FT_STR, NULL));
FIELDS(secret_volume, F("secretName", FT_STR, NULL), F("defaultMode", FT_INT32, NULL), F("optional", FT_BOOL, NULL));
FIELDS(config_map_volume, F("name", FT_STR, NULL), F("defaultMode", FT_INT32, NULL), F("optional", FT_BOOL, NULL));
FIELDS(pvc_volume, F("claimName", FT_STR, NULL), F("readOnly", FT_BOOL, NULL));
FIELDS(volume, F("name", FT_STR, NULL), F("hostPath", FT_OBJ, &host_path), F("emptyDir", FT_OBJ, NULL),
       F("secret", FT_OBJ, &secret_volume), F("configMap", FT_OBJ, &config_map_volume),
       F("persistentVolumeClaim", FT_OBJ, &pvc_volume), F("projected", FT_OBJ, NULL));
FIELDS(host_alias, F("ip", FT_STR, NULL), F("hostnames", FT_STRS, NULL));
FIELDS(object_ref, F("name", FT_STR, NULL));
FIELDS(pod_os, F("name", FT_STR, NULL));
FIELDS(pod_spec, F("hostNetwork", FT_BOOL, NULL), F("hostPID", FT_BOOL, NULL), F("hostIPC", FT_BOOL, NULL),
       F("hostUsers", FT_BOOL, NULL), F("shareProcessNamespace", FT_BOOL, NULL),
       F("automountServiceAccountToken", FT_BOOL, NULL), F("enableServiceLinks", FT_BOOL, NULL),
       F("serviceAccountName", FT_STR, NULL), F("serviceAccount", FT_STR, NULL), F("nodeName", FT_STR, NULL),
       F("runtimeClassName", FT_STR, NULL), F("priorityClassName", FT_STR, NULL),
       F("restartPolicy", FT_STR, NULL), F("securityContext", FT_OBJ, &pod_security_context),
       F("containers", FT_OBJS, &container), F("initContainers", FT_OBJS, &container),
       F("ephemeralContainers", FT_OBJS, &container), F("volumes", FT_OBJS, &volume),
       F("hostAliases", FT_OBJS, &host_alias), F("imagePullSecrets", FT_OBJS, &object_ref),
       F("nodeSelector", FT_STRMAP, NULL), F("os", FT_OBJ, &pod_os), F("resources", FT_OBJ, NULL),
       F("terminationGracePeriodSeconds", FT_INT64, NULL), F("activeDeadlineSeconds", FT_INT64, NULL));
/* Top-level fields of other kinds the rules read. */
FIELDS(config_map, F("data", FT_STRMAP, NULL), F("binaryData", FT_STRMAP, NULL), F("immutable", FT_BOOL, NULL));
FIELDS(secret, F("data", FT_STRMAP, NULL), F("stringData", FT_STRMAP, NULL), F("type", FT_STR, NULL),
       F("immutable", FT_BOOL, NULL));
FIELDS(service_port, F("name", FT_STR, NULL), F("protocol", FT_STR, NULL), F("port", FT_INT32, NULL),
       F("nodePort", FT_INT32, NULL));
FIELDS(service_spec, F("type", FT_STR, NULL), F("selector", FT_STRMAP, NULL), F("ports", FT_OBJS, &service_port),
       F("externalIPs", FT_STRS, NULL), F("loadBalancerSourceRanges", FT_STRS, NULL),
       F("loadBalancerIP", FT_STR, NULL), F("externalTrafficPolicy", FT_STR, NULL));
FIELDS(service, F("spec", FT_OBJ, &service_spec));
FIELDS(policy_rule, F("apiGroups", FT_STRS, NULL), F("resources", FT_STRS, NULL), F("verbs", FT_STRS, NULL),
       F("resourceNames", FT_STRS, NULL), F("nonResourceURLs", FT_STRS, NULL));
FIELDS(role, F("rules", FT_OBJS, &policy_rule));
FIELDS(subject, F("kind", FT_STR, NULL), F("apiGroup", FT_STR, NULL), F("name", FT_STR, NULL),
       F("namespace", FT_STR, NULL));
FIELDS(role_ref, F("apiGroup", FT_STR, NULL), F("kind", FT_STR, NULL), F("name", FT_STR, NULL));
FIELDS(role_binding, F("subjects", FT_OBJS, &subject), F("roleRef", FT_OBJ, &role_ref));
FIELDS(label_selector, F("matchLabels", FT_STRMAP, NULL), F("matchExpressions", FT_OBJS, NULL));
FIELDS(netpol_spec, F("podSelector", FT_OBJ, &label_selector), F("policyTypes", FT_STRS, NULL),
       F("ingress", FT_OBJS, NULL), F("egress", FT_OBJS, NULL));
FIELDS(network_policy, F("spec", FT_OBJ, &netpol_spec));
FIELDS(ingress_tls, F("hosts", FT_STRS, NULL), F("secretName", FT_STR, NULL));
FIELDS(ingress_spec, F("tls", FT_OBJS, &ingress_tls), F("ingressClassName", FT_STR, NULL));
FIELDS(ingress, F("spec", FT_OBJ, &ingress_spec));

/* Workload specs around the pod template (kg_pod_each checks the template itself). */
FIELDS(deployment_spec, F("replicas", FT_INT32, NULL), F("minReadySeconds", FT_INT32, NULL),
       F("revisionHistoryLimit", FT_INT32, NULL), F("progressDeadlineSeconds", FT_INT32, NULL),
       F("paused", FT_BOOL, NULL), F("selector", FT_OBJ, &label_selector));
FIELDS(deployment, F("spec", FT_OBJ, &deployment_spec));
FIELDS(stateful_set_spec, F("replicas", FT_INT32, NULL), F("minReadySeconds", FT_INT32, NULL),
       F("revisionHistoryLimit", FT_INT32, NULL), F("serviceName", FT_STR, NULL),
       F("podManagementPolicy", FT_STR, NULL), F("selector", FT_OBJ, &label_selector));
FIELDS(stateful_set, F("spec", FT_OBJ, &stateful_set_spec));
FIELDS(daemon_set_spec, F("minReadySeconds", FT_INT32, NULL), F("revisionHistoryLimit", FT_INT32, NULL),
       F("selector", FT_OBJ, &label_selector));
FIELDS(daemon_set, F("spec", FT_OBJ, &daemon_set_spec));
FIELDS(replica_set_spec, F("replicas", FT_INT32, NULL), F("minReadySeconds", FT_INT32, NULL),
       F("selector", FT_OBJ, &label_selector));
FIELDS(replica_set, F("spec", FT_OBJ, &replica_set_spec));
FIELDS(job_spec, F("parallelism", FT_INT32, NULL), F("completions", FT_INT32, NULL),
       F("backoffLimit", FT_INT32, NULL), F("activeDeadlineSeconds", FT_INT64, NULL),
       F("ttlSecondsAfterFinished", FT_INT32, NULL), F("suspend", FT_BOOL, NULL),
       F("completionMode", FT_STR, NULL), F("selector", FT_OBJ, &label_selector));
FIELDS(job, F("spec", FT_OBJ, &job_spec));
FIELDS(job_template, F("spec", FT_OBJ, &job_spec));
FIELDS(cron_job_spec, F("schedule", FT_STR, NULL), F("timeZone", FT_STR, NULL), F("suspend", FT_BOOL, NULL),
       F("concurrencyPolicy", FT_STR, NULL), F("startingDeadlineSeconds", FT_INT64, NULL),
       F("successfulJobsHistoryLimit", FT_INT32, NULL), F("failedJobsHistoryLimit", FT_INT32, NULL),
       F("jobTemplate", FT_OBJ, &job_template));
FIELDS(cron_job, F("spec", FT_OBJ, &cron_job_spec));

/* Kinds whose top level is checked: API group ("" for core) and kind. */
static const struct {
	const char *group, *kind;
	const struct ft_type *type;
} kinds[] = {
	{ "", "ConfigMap", &config_map },
	{ "", "Secret", &secret },
	{ "", "Service", &service },
	{ "rbac.authorization.k8s.io", "Role", &role },
	{ "rbac.authorization.k8s.io", "ClusterRole", &role },
	{ "rbac.authorization.k8s.io", "RoleBinding", &role_binding },
	{ "rbac.authorization.k8s.io", "ClusterRoleBinding", &role_binding },
	{ "networking.k8s.io", "NetworkPolicy", &network_policy },
	{ "networking.k8s.io", "Ingress", &ingress },
	{ "apps", "Deployment", &deployment },
	{ "apps", "StatefulSet", &stateful_set },
	{ "apps", "DaemonSet", &daemon_set },
	{ "apps", "ReplicaSet", &replica_set },
	{ "batch", "Job", &job },
	{ "batch", "CronJob", &cron_job },
};

FIELDS(object_meta, F("name", FT_STR, NULL), F("namespace", FT_STR, NULL), F("generateName", FT_STR, NULL),
       F("labels", FT_STRMAP, NULL), F("annotations", FT_STRMAP, NULL));

/* Every table type, for index_types(). */
static struct ft_type *const all_types[] = {
	&seccomp_profile, &selinux_options, &windows_options, &capabilities, &security_context, &sysctl,
	&pod_security_context, &container_port, &env_var, &env_from, &volume_mount, &exec_action, &probe,
	&container, &host_path, &secret_volume, &config_map_volume, &pvc_volume, &volume, &host_alias,
	&object_ref, &pod_os, &pod_spec, &object_meta, &config_map, &secret, &service_port, &service_spec,
	&service, &policy_rule, &role, &subject, &role_ref, &role_binding, &label_selector, &netpol_spec,
	&network_policy, &ingress_tls, &ingress_spec, &ingress, &deployment_spec, &deployment,
	&stateful_set_spec, &stateful_set, &daemon_set_spec, &daemon_set, &replica_set_spec, &replica_set,
	&job_spec, &job, &job_template, &cron_job_spec, &cron_job,
};

static unsigned key_hash(const char *key, size_t len)
{
	return (unsigned)(len * 31u + (unsigned char)key[0] * 7u + (unsigned char)key[len - 1]) & (SLOTS - 1);
}

static pthread_once_t indexed = PTHREAD_ONCE_INIT;

static bool listed(const struct ft_type *ty)
{
	for (size_t t = 0; t < sizeof(all_types) / sizeof(all_types[0]); t++)
		if (all_types[t] == ty)
			return true;
	return false;
}

static void index_types(void)
{
	for (size_t t = 0; t < sizeof(all_types) / sizeof(all_types[0]); t++) {
		struct ft_type *ty = all_types[t];
		/* a type missing from all_types would have no index and pass everything unchecked */
		for (size_t f = 0; f < ty->n; f++)
			if (ty->fields[f].type && !listed(ty->fields[f].type))
				abort();
		for (size_t f = 0; f < ty->n; f++) {
			unsigned h = key_hash(ty->fields[f].key, ty->fields[f].klen);
			while (ty->slot[h])
				h = (h + 1) & (SLOTS - 1);
			ty->slot[h] = (uint8_t)(f + 1);
		}
	}
}

/* The field of t named key, or NULL. */
static const struct ft_field *field_of(const struct ft_type *t, const char *key, size_t len)
{
	if (!len)
		return NULL;
	for (unsigned h = key_hash(key, len); t->slot[h]; h = (h + 1) & (SLOTS - 1)) {
		const struct ft_field *f = &t->fields[t->slot[h] - 1];
		if (f->klen == len && !memcmp(f->key, key, len))
			return f;
	}
	return NULL;
}

/* A walk of one object. The path is kept as a stack of steps and spelled out only for a finding:
 * base ("metadata", the pod spec path), then keys and indexes. */
#define MAX_DEPTH 16 /* the tables nest 6 deep at most; deeper steps are not taken */
struct ft_step {
	const char *key; /* NULL: an index */
	uint32_t len;    /* key length, or the index */
};
struct ft_walk {
	struct kg_check *c;
	const char *base;
	const char *container;
	unsigned rel; /* the first step of the path shown in messages (inside the container, if any) */
	unsigned depth;
	struct ft_step step[MAX_DEPTH];
};

static const char *const want_names[] = {
	[FT_BOOL] = "a boolean (true or false)", [FT_STR] = "a string",
	[FT_INT32] = "a 32-bit integer", [FT_INT64] = "an integer",
	[FT_OBJ] = "an object", [FT_OBJS] = "a list of objects",
	[FT_STRS] = "a list of strings", [FT_INT64S] = "a list of integers",
	[FT_STRMAP] = "a map of strings",
};

/* The path of the walk's steps from step `from` on, after prefix (when not NULL). */
static void spell(const struct ft_walk *w, unsigned from, const char *prefix, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	if (prefix)
		kg_cat(buf, size, &len, prefix, size);
	for (unsigned i = from; i < w->depth; i++) {
		const struct ft_step *st = &w->step[i];
		if (st->key) {
			if (len)
				kg_cat(buf, size, &len, ".", 1);
			kg_cat(buf, size, &len, st->key, st->len);
		} else {
			kg_cat(buf, size, &len, "[", 1);
			kg_cat_uint(buf, size, &len, st->len);
			kg_cat(buf, size, &len, "]", 1);
		}
	}
}

/* Whether an integer field of kind k (FT_INT32 or FT_INT64) takes v, as Go decodes the JSON
 * that kubectl writes for it. */
static bool int_ok(const struct kg_node *v, enum ft_kind k)
{
	double lo = k == FT_INT32 ? -2147483648.0 : -9223372036854775808.0;
	double hi = k == FT_INT32 ? 2147483647.0 : 9223372036854775807.0;
	if (v->type == KG_INT) {
		if (v->flags & KG_NODE_UINT)
			return false; /* above int64 */
		return k == FT_INT64 || (v->v.i >= INT32_MIN && v->v.i <= INT32_MAX);
	}
	if (v->type != KG_FLOAT || (v->flags & KG_NODE_BIGINT) || !isfinite(v->v.f))
		return false;
	/* JSON carries it as a whole number: Go's float formatting writes 1000, not 1e3 (up to 1e21) */
	return v->v.f == floor(v->v.f) && v->v.f >= lo && v->v.f < hi + 1.0 && fabs(v->v.f) < 1e21;
}

/* What to do about a value of the wrong type. */
static const char *fix_for(enum ft_kind want, const struct kg_node *v)
{
	switch (want) {
	case FT_STR:
	case FT_STRS:
	case FT_STRMAP:
		if (v->type == KG_BOOL || v->type == KG_INT || v->type == KG_FLOAT)
			return "quote it so that it stays a string";
		break;
	case FT_BOOL:
		if (v->type == KG_STR)
			return "write true or false without quotes";
		break;
	case FT_INT32:
	case FT_INT64:
	case FT_INT64S:
		if (v->type == KG_STR)
			return "write the number without quotes";
		if (v->type == KG_INT || v->type == KG_FLOAT)
			return "use a whole number within the field's range";
		break;
	default:
		break;
	}
	if ((want == FT_OBJS || want == FT_STRS || want == FT_INT64S) && v->type != KG_SEQ)
		return "write it as a list (items under it starting with '- ', or [a, b])";
	if ((want == FT_OBJ || want == FT_STRMAP) && v->type != KG_MAP)
		return "write it as a mapping of keys to values";
	return "give the field a value of the type it takes";
}

/* Report v (at the walk's path) as not decodable into want. */
static void bad(struct ft_walk *w, const struct kg_node *v, enum ft_kind want)
{
	char got[96];
	size_t len = 0;
	switch (v->type) {
	case KG_STR:
		kg_cat(got, sizeof(got), &len, "a string (\"", 11);
		kg_cat(got, sizeof(got), &len, v->v.s, v->len < 40 ? v->len : 40);
		kg_cat(got, sizeof(got), &len, v->len > 40 ? "...\")" : "\")", v->len > 40 ? 5 : 2);
		break;
	case KG_INT:
	case KG_FLOAT:
	case KG_BOOL:
		kg_cat(got, sizeof(got), &len, v->type == KG_BOOL ? "a boolean (" : "a number (", 11);
		kg_cat(got, sizeof(got), &len, v->text ? v->text : "?", 40);
		kg_cat(got, sizeof(got), &len, ")", 1);
		break;
	case KG_MAP:
		kg_cat(got, sizeof(got), &len, "an object", 9);
		break;
	default:
		kg_cat(got, sizeof(got), &len, "a list", 6);
		break;
	}
	char path[512], shown[384];
	spell(w, 0, w->base, path, sizeof(path));
	spell(w, w->rel, NULL, shown, sizeof(shown));
	kg_emit(w->c, &field_rules[0], v, path, w->container,
		"%s is %s, but the API server decodes it as %s and rejects the whole object; %s", shown, got,
		want_names[want], fix_for(want, v));
}

static void check_map(struct ft_walk *w, const struct kg_node *map, const struct ft_type *t);

static bool push(struct ft_walk *w, const char *key, uint32_t len)
{
	if (w->depth >= MAX_DEPTH)
		return false;
	w->step[w->depth++] = (struct ft_step){ key, len };
	return true;
}

/* One value of kind k (type: the struct of FT_OBJ and FT_OBJS). */
static void check_value(struct ft_walk *w, const struct kg_node *v, enum ft_kind k, const struct ft_type *type)
{
	if (v->type == KG_NULL)
		return; /* Go leaves the zero value */
	switch (k) {
	case FT_BOOL:
		if (v->type != KG_BOOL)
			bad(w, v, k);
		return;
	case FT_STR:
		if (v->type != KG_STR)
			bad(w, v, k);
		return;
	case FT_INT32:
	case FT_INT64:
		if (!int_ok(v, k))
			bad(w, v, k);
		return;
	case FT_OBJ:
		if (v->type != KG_MAP)
			bad(w, v, k);
		else if (type)
			check_map(w, v, type);
		return;
	case FT_STRMAP:
		if (v->type != KG_MAP) {
			bad(w, v, k);
			return;
		}
		for (uint32_t i = 0; i < v->len; i++) {
			const struct kg_pair *p = &v->v.pairs[i];
			if (p->value->type == KG_STR || p->value->type == KG_NULL || !push(w, p->key, p->key_len))
				continue;
			bad(w, p->value, FT_STR);
			w->depth--;
		}
		return;
	default: /* the lists */
		break;
	}
	if (v->type != KG_SEQ) {
		bad(w, v, k);
		return;
	}
	enum ft_kind item = k == FT_STRS ? FT_STR : k == FT_INT64S ? FT_INT64 : FT_OBJ;
	const char *outer = w->container;
	unsigned outer_rel = w->rel;
	for (uint32_t i = 0; i < v->len; i++) {
		const struct kg_node *it = v->v.items[i];
		if (!push(w, NULL, i))
			return;
		if (type == &container) { /* findings inside a container name it, paths from it */
			w->container = kg_str(kg_map_get(it, "name"));
			w->rel = w->depth;
		}
		check_value(w, it, item, type);
		w->container = outer;
		w->rel = outer_rel;
		w->depth--;
	}
}

static void check_map(struct ft_walk *w, const struct kg_node *map, const struct ft_type *t)
{
	for (uint32_t i = 0; i < map->len; i++) {
		const struct kg_pair *p = &map->v.pairs[i];
		const struct ft_field *f = field_of(t, p->key, p->key_len);
		if (!f || !push(w, p->key, p->key_len))
			continue;
		check_value(w, p->value, (enum ft_kind)f->kind, f->type);
		w->depth--;
	}
}

/* A map at base (metadata or a pod spec) checked as type t; paths in messages start inside it. */
static void check_at(struct ft_walk *w, const struct kg_node *map, const char *base, const struct ft_type *t)
{
	if (!kg_is_map(map))
		return; /* not an object kguard can read: other checks say so */
	w->base = base;
	w->depth = w->rel = 0;
	check_map(w, map, t);
}

static void on_pod(void *ctx, const struct kg_pod_ref *ref)
{
	struct ft_walk *w = ctx;
	check_at(w, ref->meta, ref->meta_path, &object_meta);
	check_at(w, ref->spec, ref->spec_path, &pod_spec);
}

static void field_check(struct kg_check *c)
{
	const struct kg_object *obj = c->obj;
	if (!obj->api_version || !obj->kind)
		return;
	pthread_once(&indexed, index_types);
	struct ft_walk w = { .c = c };
	check_at(&w, kg_map_get(obj->node, "metadata"), "metadata", &object_meta);
	char group[64]; /* longer groups are cut, and then match none of the table's */
	kg_api_group(obj->api_version, group, sizeof(group));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind[0] == obj->kind[0] && !strcmp(kinds[i].kind, obj->kind) &&
		    !strcmp(kinds[i].group, group)) {
			check_at(&w, obj->node, "", kinds[i].type);
			break;
		}
	kg_pod_each(obj, on_pod, &w);
}

const struct kg_family kg_family_fieldtypes = {
	"fieldtypes", field_rules, sizeof(field_rules) / sizeof(field_rules[0]), field_check, NULL, NULL, NULL,
};
