/* Pod Security Standards family, internal interface shared by pss.c (dispatch, helpers),
 * pss_catalog.c (rule data), pss_baseline.c and pss_restricted.c (the checks).
 *
 * Everything borrows from the object's document tree for the duration of one check() call;
 * nothing allocates. Checks report through kg_pss_emit(), which builds the full field path and
 * hands the finding to kg_emit (the report copies every string). */
#ifndef KG_PSS_PRIV_H
#define KG_PSS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "family.h"

/* One entry per upstream check ID, in the order of the rule table (pss_catalog.c). */
enum kg_pss_id {
	KG_PSS_ID_ALLOW_PRIV_ESC,
	KG_PSS_ID_APPARMOR,
	KG_PSS_ID_CAPS_BASELINE,
	KG_PSS_ID_CAPS_RESTRICTED,
	KG_PSS_ID_HOST_NAMESPACES,
	KG_PSS_ID_HOST_PATH,
	KG_PSS_ID_HOST_PORTS,
	KG_PSS_ID_HOST_PROBES,
	KG_PSS_ID_PRIVILEGED,
	KG_PSS_ID_PROC_MOUNT,
	KG_PSS_ID_PROC_MOUNT_RESTRICTED,
	KG_PSS_ID_RESTRICTED_VOLUMES,
	KG_PSS_ID_RUN_AS_NON_ROOT,
	KG_PSS_ID_RUN_AS_USER,
	KG_PSS_ID_SECCOMP_BASELINE,
	KG_PSS_ID_SECCOMP_RESTRICTED,
	KG_PSS_ID_SELINUX,
	KG_PSS_ID_SYSCTLS,
	KG_PSS_ID_WINDOWS_HOST_PROCESS,
	KG_PSS_ID_NCHECKS
};

extern const struct kg_rule kg_pss_rules[KG_PSS_ID_NCHECKS];

#define KG_PSS_PATH_MAX 512
#define KG_PSS_LABEL_MAX 320

/* What one check sees: the pod spec and metadata of the object (Pod or template). */
struct kg_pss_ctx {
	struct kg_check *c;
	const struct kg_rule *rule;  /* the check being run */
	const struct kg_node *spec;  /* PodSpec map */
	const struct kg_node *meta;  /* pod (template) metadata map, or NULL */
	const struct kg_node *psc;   /* spec.securityContext when a map, else NULL */
	const struct kg_node *meta_near; /* nearest existing node toward the metadata, for positions */
	const char *spec_path;       /* "spec", "spec.template.spec", ... */
	const char *meta_path;       /* "metadata", "spec.template.metadata", ... */
	int minor;                   /* policy version v1.<minor> */
	bool windows;                /* spec.os.name == "windows" */
	bool user_ns;                /* spec.hostUsers == false */
	const struct kg_pss_container *cts; /* every container, or NULL when there are too many */
	unsigned ncts;
	struct kg_pss_container *spill; /* kg_pss_next_ct's current container when cts is NULL (one
					 * iteration at a time) */
};

/* One container of any of the three lists, as PSA's visitor walks them. */
struct kg_pss_container {
	const struct kg_node *node;  /* the container map */
	const struct kg_node *sc;    /* its securityContext when that is a map, else NULL */
	const char *name;            /* "" when missing (as Go decodes it) */
	bool has_name;
	enum kg_container_kind kind;
	unsigned index;
	char path[KG_PSS_PATH_MAX];     /* "spec.containers[1]" */
	char label[KG_PSS_LABEL_MAX];   /* `container "app"`, `init container "setup"` */
};

/* Small on purpose: every check starts one with { 0 }. */
struct kg_pss_iter {
	int list;
	uint32_t i;
	unsigned n;                  /* next entry of the context's container cache */
};

/* Next container in visiting order (initContainers, containers, ephemeralContainers); false at
 * the end. Start with a zeroed iterator. */
bool kg_pss_next_container(const struct kg_pss_ctx *x, struct kg_pss_iter *it, struct kg_pss_container *out);
/* The same from the containers pss_check gathered once for all checks; NULL at the end. The
 * pointer is valid until the next call (of any iteration: do not nest them). */
const struct kg_pss_container *kg_pss_next_ct(const struct kg_pss_ctx *x, struct kg_pss_iter *it);

/* Report a finding of the current check. base: the node the field hangs from; base_path: its
 * path from the object root; rel: dotted map keys below base (NULL or "" for base itself).
 * The position is that of the deepest existing node along rel. */
void kg_pss_emit(struct kg_pss_ctx *x, const struct kg_node *base, const char *base_path, const char *rel,
	      const char *container, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Report against a pod-spec field ("securityContext.runAsNonRoot"). */
void kg_pss_emit_pod(struct kg_pss_ctx *x, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Report against a container field. */
void kg_pss_emit_ct(struct kg_pss_ctx *x, const struct kg_pss_container *ct, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Report against a metadata annotation (path metadata.annotations['key']). */
void kg_pss_emit_annotation(struct kg_pss_ctx *x, const char *key, const struct kg_node *value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Go's view of optional fields: a pointer field is set when present and not null. */
bool kg_pss_is_set(const struct kg_node *n);
/* The map under key, or NULL when absent, null or not a map. Inline: key lengths fold. */
static inline const struct kg_node *kg_pss_map(const struct kg_node *parent, const char *key)
{
	const struct kg_node *n = kg_map_get(parent, key);
	return kg_is_map(n) ? n : NULL;
}
/* A string field as Go decodes it: "" when absent or null; the scalar text for a wrongly typed
 * scalar (the API server would reject the object; comparing its text keeps such values out of
 * every allow-list); "" for a collection. Strings keep their length: YAML and JSON strings may
 * hold NUL bytes, and "RuntimeDefault\0x" is not "RuntimeDefault". buf backs non-strings. */
struct kg_pss_str {
	const char *s;
	size_t len;
};
struct kg_pss_str kg_pss_strv(const struct kg_node *n, char *buf, size_t size);
bool kg_pss_str_eq(struct kg_pss_str v, const char *lit);
bool kg_pss_str_prefix(struct kg_pss_str v, const char *prefix);
bool kg_pss_str_in(struct kg_pss_str v, const char *const *set); /* NULL-terminated set */
/* A *bool field: 1 true, 0 false, -1 unset (absent, null or not a boolean). */
int kg_pss_bool(const struct kg_node *n);

/* Quote items as PSA's joinQuote does ("a", "b") into buf, truncating with "..." when full. */
void kg_pss_quote_append(char *buf, size_t size, const char *item);

/* The checks. */
void kg_pss_privileged(struct kg_pss_ctx *x);
void kg_pss_host_namespaces(struct kg_pss_ctx *x);
void kg_pss_caps_baseline(struct kg_pss_ctx *x);
void kg_pss_host_path(struct kg_pss_ctx *x);
void kg_pss_host_ports(struct kg_pss_ctx *x);
void kg_pss_apparmor(struct kg_pss_ctx *x);
void kg_pss_selinux(struct kg_pss_ctx *x);
void kg_pss_proc_mount(struct kg_pss_ctx *x);
void kg_pss_seccomp_baseline(struct kg_pss_ctx *x);
void kg_pss_sysctls(struct kg_pss_ctx *x);
void kg_pss_windows_host_process(struct kg_pss_ctx *x);
void kg_pss_host_probes(struct kg_pss_ctx *x);

void kg_pss_allow_priv_esc(struct kg_pss_ctx *x);
void kg_pss_caps_restricted(struct kg_pss_ctx *x);
void kg_pss_proc_mount_restricted(struct kg_pss_ctx *x);
void kg_pss_restricted_volumes(struct kg_pss_ctx *x);
void kg_pss_run_as_non_root(struct kg_pss_ctx *x);
void kg_pss_run_as_user(struct kg_pss_ctx *x);
void kg_pss_seccomp_restricted(struct kg_pss_ctx *x);

/* procMount: report every container whose procMount is set to anything but "Default".
 * user_ns_hint: mention hostUsers: false in the fix (baseline v1.35+). */
void kg_pss_proc_mount_common(struct kg_pss_ctx *x, bool user_ns_hint);

/* Whether a sysctl name is on the baseline allow-list of policy version v1.<minor>. */
bool kg_pss_sysctl_allowed(struct kg_pss_str name, int minor);
/* Whether securityContext sc sets a seccompProfile whose type is neither RuntimeDefault nor
 * Localhost; *type gets the type (backed by vb for non-strings). */
bool kg_pss_seccomp_field_bad(const struct kg_node *sc, char *vb, size_t size, struct kg_pss_str *type);

#endif
