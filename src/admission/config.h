/* kguard serve's settings: what the admission webhook does with each finding, per namespace,
 * built from the policy's `serve:` section (docs/serve.md, docs/policy.md) or from the defaults
 * when there is no policy: Pod Security Standards restricted (latest) enforced, warned and
 * audited, every other rule reported as a warning, no mutation, CONNECT allowed, UPDATEs ratcheted.
 *
 * Ownership: a config owns the policy it was built from and everything it points to; it is
 * read-only after kg_adm_config_new and may be shared by threads. Errors: kg_adm_config_new
 * returns NULL with err filled (file, line, column) when the serve section is invalid. */
#ifndef KG_ADM_CONFIG_H
#define KG_ADM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "../rules/family.h"
#include "../rules/policy.h"
#include "../util/arena.h"
#include "../util/diag.h"

/* What happens to a finding (or a CONNECT request). */
enum kg_adm_action {
	KG_ADM_OFF = 0,  /* ignored (rules: off; connect: allow) */
	KG_ADM_ENFORCE,  /* deny */
	KG_ADM_WARN,     /* admit with a warning */
	KG_ADM_AUDIT,    /* admit silently, record in the audit annotations */
};
const char *kg_adm_action_name(enum kg_adm_action a);

/* The three Pod Security modes, as PSA's labels name them. */
enum kg_adm_pss_mode { KG_ADM_PSS_ENFORCE = 0, KG_ADM_PSS_WARN, KG_ADM_PSS_AUDIT, KG_ADM_PSS_NMODES };

struct kg_adm_level {
	int level; /* KG_PSS_PRIVILEGED (nothing checked), KG_PSS_BASELINE, KG_PSS_RESTRICTED */
	int minor; /* policy version v1.<minor>; KG_PSS_LATEST_MINOR for latest */
	bool latest;
};
/* "restricted:latest", "baseline:v1.29" */
void kg_adm_level_name(const struct kg_adm_level *l, char *buf, unsigned size);

/* Secure defaults /mutate may set where a field is unset. */
enum {
	KG_ADM_MUT_APE = 1 << 0,          /* containers: securityContext.allowPrivilegeEscalation: false */
	KG_ADM_MUT_SECCOMP = 1 << 1,      /* pod: securityContext.seccompProfile.type: RuntimeDefault */
	KG_ADM_MUT_DROP_ALL = 1 << 2,     /* containers: securityContext.capabilities.drop: [ALL] */
	KG_ADM_MUT_PULL_ALWAYS = 1 << 3,  /* containers: imagePullPolicy: Always */
	KG_ADM_MUT_NO_AUTOMOUNT = 1 << 4, /* pod: automountServiceAccountToken: false */
};

enum kg_adm_connect_op { KG_ADM_EXEC = 0, KG_ADM_ATTACH, KG_ADM_PORTFORWARD, KG_ADM_NCONNECT };

/* kguard.io/ignore annotations at admission. */
enum kg_adm_inline {
	KG_ADM_INLINE_NON_ENFORCED = 0, /* waives warn and audit findings, never a denial (default) */
	KG_ADM_INLINE_ALL,              /* waives any finding, as kguard scan does */
	KG_ADM_INLINE_NONE,             /* ignored */
};

struct kg_adm_settings {
	struct kg_adm_level pss[KG_ADM_PSS_NMODES];
	enum kg_adm_action mode;       /* rules other than pss.*: enforce, warn or audit */
	enum kg_severity fail_on;      /* enforce mode: lower findings are warned; KG_SEV_NONE never denies */
	int8_t *rule_action;           /* per catalog index (kg_rule_at): -1 = mode, else enum kg_adm_action */
	unsigned mutate;               /* KG_ADM_MUT_* */
	enum kg_adm_action connect[KG_ADM_NCONNECT];
	bool ratchet;                  /* updates: ratchet (only new violations deny) or full (PSA) */
	enum kg_adm_inline inline_sup;
};

struct kg_adm_ns {
	const struct kg_node *names; /* globs */
	struct kg_adm_settings s;
};

struct kg_adm_config {
	uint64_t serial;          /* unique per process: workers rebuild their state when it changes */
	struct kg_policy *policy; /* owned, may be NULL */
	struct kg_scan_opts opts; /* policy set; pss fields unused (per mode) */
	struct kg_arena arena;
	size_t nrules;
	int8_t *defaults;         /* built-in rule actions (rules meant for repositories are off) */
	struct kg_adm_settings base;
	struct kg_adm_ns *ns;
	size_t nns;
	const struct kg_node *ex_users, *ex_namespaces, *ex_runtime_classes; /* glob lists or NULL */
};

/* Build the settings. Takes ownership of policy (NULL = defaults), also on failure. */
struct kg_adm_config *kg_adm_config_new(struct kg_policy *policy, struct kg_diag *err);
void kg_adm_config_free(struct kg_adm_config *c);

/* Settings for a namespace ("" for cluster-scoped objects): the first serve.namespaces entry
 * whose names match, else the top level. */
const struct kg_adm_settings *kg_adm_config_for(const struct kg_adm_config *c, const char *namespace_);

/* The action for a finding of a rule other than pss.* at severity sev. */
enum kg_adm_action kg_adm_rule_action(const struct kg_adm_settings *s, const struct kg_rule *rule,
				      enum kg_severity sev);

enum kg_adm_exempt { KG_ADM_NOT_EXEMPT = 0, KG_ADM_EXEMPT_USER, KG_ADM_EXEMPT_NAMESPACE, KG_ADM_EXEMPT_RUNTIME_CLASS };
/* "user", "namespace", "runtimeClass" (PSA's values of pod-security.kubernetes.io/exempt) */
const char *kg_adm_exempt_name(enum kg_adm_exempt e);
/* Exemption by request user or namespace (runtime classes are checked on the pod spec). */
enum kg_adm_exempt kg_adm_config_exempt(const struct kg_adm_config *c, const char *user, const char *namespace_);
bool kg_adm_config_exempt_runtime_class(const struct kg_adm_config *c, const char *runtime_class);

#endif
