/* RBAC permission analysis shared by the per-object RBAC rules (rbac.c) and the cross-object
 * attack paths (cluster_paths.c). Matching follows the API server's authorizer: a verb, API
 * group or resource matches itself or "*", a subresource "r/s" matches "r/s" or "*\/s", and a
 * rule without apiGroups grants nothing on resources. Pure functions over document nodes. */
#ifndef KG_RBAC_PRIV_H
#define KG_RBAC_PRIV_H

#include <stdbool.h>

#include "../core/node.h"
#include "family.h"

/* What a PolicyRule lets its holder do that matters for privilege escalation. */
enum kg_rbac_cap {
	KG_CAP_ALL = 0,        /* verbs "*" on resources "*": full control of those groups */
	KG_CAP_WILD_VERBS,
	KG_CAP_WILD_RESOURCES,
	KG_CAP_WILD_GROUPS,
	KG_CAP_SECRETS_READ,   /* get/list/watch secrets */
	KG_CAP_POD_EXEC,       /* pods/exec, pods/attach */
	KG_CAP_PORTFORWARD,    /* pods/portforward */
	KG_CAP_CREATE_PODS,    /* create pods, or create/update/patch a pod controller */
	KG_CAP_ESCALATE,
	KG_CAP_BIND,
	KG_CAP_IMPERSONATE,    /* impersonate users, groups, uids or user extras */
	KG_CAP_IMPERSONATE_SA, /* impersonate service accounts (act as any in scope) */
	KG_CAP_NODES_PROXY,
	KG_CAP_CSR_APPROVE,    /* certificatesigningrequests/approval, signers approve */
	KG_CAP_SA_TOKEN,       /* serviceaccounts/token create */
	KG_CAP_WEBHOOK,        /* change admission webhooks and policies */
	KG_CAP_COUNT
};
#define KG_CAP_BIT(c) (1u << (c))
/* Capabilities that hand over the cluster (or the scope of the binding) outright. */
#define KG_CAPS_TAKEOVER                                                                            \
	(KG_CAP_BIT(KG_CAP_ALL) | KG_CAP_BIT(KG_CAP_ESCALATE) | KG_CAP_BIT(KG_CAP_BIND) |              \
	 KG_CAP_BIT(KG_CAP_IMPERSONATE) | KG_CAP_BIT(KG_CAP_NODES_PROXY) | KG_CAP_BIT(KG_CAP_CSR_APPROVE) | \
	 KG_CAP_BIT(KG_CAP_WEBHOOK))
/* Wildcards are reported on roles; for attack paths only what they grant counts. */
#define KG_CAPS_WILDCARDS                                                                           \
	(KG_CAP_BIT(KG_CAP_WILD_VERBS) | KG_CAP_BIT(KG_CAP_WILD_RESOURCES) | KG_CAP_BIT(KG_CAP_WILD_GROUPS))

/* Capabilities of one PolicyRule, with a short phrase for each ("list/watch Secrets"). */
struct kg_rbac_grant {
	unsigned caps;
	char what[KG_CAP_COUNT][96];
};
void kg_rbac_rule_grants(const struct kg_node *policy_rule, struct kg_rbac_grant *g);
/* The same with the phrases of the capabilities in want only: what[cap] is set for the caps in
 * caps & want, the others are left as they were (the caps themselves are all computed). */
void kg_rbac_rule_grants_want(const struct kg_node *policy_rule, unsigned want, struct kg_rbac_grant *g);

/* Built-in ClusterRoles the API server creates (cluster-admin, admin, edit, view): their
 * capabilities, for bindings whose role is not in the scanned files. False when unknown. */
bool kg_rbac_builtin_role(const char *name, struct kg_rbac_grant *g);

/* Roles and bindings the API server creates and reconciles itself (label
 * kubernetes.io/bootstrapping=rbac-defaults on a system: name or a built-in role). */
bool kg_rbac_is_bootstrap(const struct kg_node *obj);

/* The rules of the rbac family used by the cross-object paths. */
extern const struct kg_rule *const kg_rule_workload_sa_takeover;
extern const struct kg_rule *const kg_rule_workload_sa_dangerous;

#endif
