/* Internals of the 'workload' rule family (workload.* and image.* rules): the rule table, the
 * parameters read from the policy, and the per-pod / per-container context that every check
 * file shares. Not a public API.
 *
 * Ownership: a struct wl_cfg owns its copies of parameter strings (malloc'd, freed by
 * wl_cfg_release); contexts only borrow from the document being checked. Errors: parameter
 * parsing returns -1 with a diagnostic at the offending policy node and leaves the default. */
#ifndef KG_WORKLOAD_PRIV_H
#define KG_WORKLOAD_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/diag.h"
#include "family.h"

enum wl_rule_id {
	WL_CPU_REQUESTS,
	WL_CPU_LIMITS,
	WL_MEM_REQUESTS,
	WL_MEM_LIMITS,
	WL_EPHEMERAL,
	WL_RO_ROOTFS,
	WL_UID_RANGE,
	WL_GID_RANGE,
	WL_ROOT_GROUP,
	WL_DANGEROUS_CAPS,
	WL_RUNTIME_SOCKET,
	WL_SENSITIVE_HOSTPATH,
	WL_WRITABLE_HOSTPATH,
	WL_PRIVILEGED_PORT,
	WL_SSH_PORT,
	WL_HOST_ALIASES,
	WL_LIVENESS,
	WL_READINESS,
	WL_DEFAULT_SA,
	WL_AUTOMOUNT,
	WL_DEPRECATED_SA,
	IMG_LATEST,
	IMG_DIGEST,
	IMG_REGISTRY,
	IMG_PULL_POLICY,
	WL_NRULES
};

extern const struct kg_rule kg_workload_rules[WL_NRULES];

/* Caps on what parameters may hold (a policy is user input too). */
#define WL_MAX_LIST 64
#define WL_MAX_ITEM 256

struct wl_range {
	int64_t min, max; /* inclusive */
};

/* Parameters (docs/rules-workload.md lists names, types and defaults). */
struct wl_cfg {
	struct wl_range uid, gid;            /* uidRange, gidRange: default 10000..2147483647 */
	char *trusted[WL_MAX_LIST];          /* trustedRegistries: default none -> rule silent */
	unsigned ntrusted;
	char *caps[WL_MAX_LIST];             /* dangerousCapabilities: replaces the built-in list */
	unsigned ncaps;                      /* 0 = built-in list */
	char *host_paths[WL_MAX_LIST];       /* sensitiveHostPaths: added to the built-in list */
	unsigned nhost_paths;
	bool ephemeral_on;                   /* the policy turns workload.ephemeral-storage on */
	char uid_text[48], gid_text[48];     /* the ranges for messages ("10000 or above"), kept in
					      * step with uid and gid by wl_cfg_default and wl_cfg_set */
};

void wl_cfg_default(struct wl_cfg *cfg);
void wl_cfg_release(struct wl_cfg *cfg);
/* Apply one parameter. 1 when the name is one of ours and was applied, 0 when the name is not
 * ours, -1 when the value has the wrong shape (*err filled at the value's position). */
int wl_cfg_set(struct wl_cfg *cfg, const char *name, const struct kg_node *value, struct kg_diag *err);
/* Read every parameter of ours from a policy (a NULL policy leaves the defaults). Malformed
 * values keep the default; the policy loader is expected to reject them first through
 * kg_workload_param_check. */
void wl_cfg_from_policy(struct wl_cfg *cfg, const struct kg_policy *policy);

/* workload.automount-token for pods that leave automountServiceAccountToken unset: then their
 * ServiceAccount decides, and it may be any object of the run. In a scan such pods and the run's
 * ServiceAccounts are kept and judged in finish(), so the answer does not depend on input order
 * (workload_automount.c). Ownership: the defer state owns its copies of everything it keeps. */
struct wl_defer;
struct wl_pod;
/* The message when the ServiceAccount is not in the run (or not known: admission); %s is its name. */
#define WL_AUTOMOUNT_UNSET_FMT                                                                              \
	"the pod does not set automountServiceAccountToken: false, so an API token for service account '%s' " \
	"is mounted unless that ServiceAccount disables it; set it to false unless the pod calls the API"
struct wl_defer *wl_defer_new(void);
void wl_defer_free(struct wl_defer *d);
/* Keep pod (automountServiceAccountToken unset, service account sa) when the policy reports the
 * rule on its object; the decision on the object is taken now. */
void wl_defer_pod(struct wl_defer *d, const struct wl_pod *pod, const char *sa);
/* Keep the current object, a v1 ServiceAccount. */
void wl_defer_service_account(struct wl_defer *d, const struct kg_check *c);
/* Report the kept pods whose ServiceAccount in the run does not disable the token. */
void wl_defer_finish(struct wl_defer *d, struct kg_check *c);

/* The family's state: parameters, and what finish() judges. */
struct wl_state {
	struct wl_cfg cfg;
	struct wl_defer *defer;
};

/* One pod spec being checked. */
struct wl_pod {
	struct kg_check *c;
	const struct wl_cfg *cfg;
	struct wl_defer *defer;       /* NULL outside an engine: report at once */
	const struct kg_pod_ref *ref;
	const struct kg_node *spec;   /* PodSpec map */
	const struct kg_node *psc;    /* spec.securityContext when a map, else NULL */
	const struct kg_node *res_limits, *res_requests; /* spec.resources.limits and .requests */
	bool windows;                 /* spec.os.name == windows: Linux-only fields do not apply */
	bool batch;                   /* runs to completion (Job-like kind or restartPolicy != Always) */
	bool knative;                 /* Knative Serving defaults a readiness probe */
	bool host_users_off;          /* hostUsers: false (user namespace) */
};

/* One container of that pod. */
struct wl_ctr {
	const struct kg_node *node;
	enum kg_container_kind kind;
	unsigned index;
	const char *name;             /* may be NULL */
	const struct kg_node *sc;     /* securityContext when a map, else NULL */
	bool sidecar;                 /* init container with restartPolicy: Always (runs all along) */
	char path[320];               /* "spec.template.spec.containers[0]" */
	/* for messages: "container 'app'", "init container 'setup'", "sidecar container 'proxy'",
	 * "ephemeral container 'dbg'", or "container #2" when unnamed */
	char label[160];
};

/* Fill ctr for the container node at index of list kind in pod (path and label included). */
void wl_ctr_init(struct wl_ctr *ctr, const struct wl_pod *pod, const struct kg_node *node, enum kg_container_kind kind,
		 unsigned index);

/* Emit a finding of rule r at node at (or the container when at is NULL); sub is appended to the
 * container's path ("resources.limits.cpu"); ctr may be NULL for pod-level findings, then sub
 * is appended to the pod spec path. */
void wl_emit(const struct wl_pod *pod, const struct wl_ctr *ctr, enum wl_rule_id r, const struct kg_node *at,
	     const char *sub, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Effective security-context value: the container's, else the pod's (fields Kubernetes
 * inherits: runAsUser, runAsGroup, runAsNonRoot, seLinuxOptions, seccompProfile, ...).
 * *from_pod tells which one applied; NULL when neither sets it. */
const struct kg_node *wl_effective(const struct wl_pod *pod, const struct wl_ctr *ctr, const char *field,
				   bool *from_pod);

/* Checks, by concern (each file: workload_*.c, image_rules.c). */
void wl_check_resources(const struct wl_pod *pod, const struct wl_ctr *ctr);
void wl_check_security(const struct wl_pod *pod, const struct wl_ctr *ctr);
void wl_check_pod_security(const struct wl_pod *pod);
void wl_check_host(const struct wl_pod *pod);
void wl_check_ports(const struct wl_pod *pod, const struct wl_ctr *ctr);
void wl_check_probes(const struct wl_pod *pod, const struct wl_ctr *ctr);
void wl_check_service_account(const struct wl_pod *pod);
void wl_check_image(const struct wl_pod *pod, const struct wl_ctr *ctr);

#endif
