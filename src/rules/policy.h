/* The policy file (.kguard.yaml / --policy): which rules run, at which severity, which objects are
 * exempt (with a reason), and parameters for the rules. One policy serves every front end.
 *
 * Ownership: kg_policy_load returns a policy that owns all its memory (its own arena), including
 * the parameter nodes returned by kg_policy_param; kg_policy_free releases it. A policy is
 * read-only after loading and may be shared by threads. */
#ifndef KG_POLICY_H
#define KG_POLICY_H

#include <stdbool.h>

#include "../core/k8s.h"
#include "../report/finding.h"
#include "../util/diag.h"
#include "rule.h"

struct kg_policy;

/* Load and validate a policy file. NULL with *err filled (file, line, column) when the file is
 * malformed or names an unknown rule id. */
struct kg_policy *kg_policy_load(const char *path, struct kg_diag *err);
void kg_policy_free(struct kg_policy *p);

enum kg_policy_verdict {
	KG_POLICY_REPORT = 0, /* report with *severity */
	KG_POLICY_DROP,       /* rule disabled, or object exempt */
};

/* Decide for a finding of rule on obj (obj may be NULL for findings without an object).
 * *severity comes in as the rule's default and may be overridden. A NULL policy reports all
 * rules that are on by default. */
enum kg_policy_verdict kg_policy_decide(const struct kg_policy *p, const struct kg_rule *rule,
					const struct kg_object *obj, enum kg_severity *severity);

/* A rule parameter from the policy's `parameters:` map (e.g. "trustedRegistries"), or NULL when
 * p is NULL or the parameter is not set; callers apply their documented default. */
const struct kg_node *kg_policy_param(const struct kg_policy *p, const char *name);

#endif
