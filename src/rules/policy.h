/* The policy file (.kguard.yaml / --policy): which rules run, at which severity, and which
 * objects are exempt. This header is the engine's view of it: a decision per (rule, object). */
#ifndef KG_POLICY_H
#define KG_POLICY_H

#include <stdbool.h>

#include "../core/k8s.h"
#include "../report/finding.h"
#include "rule.h"

struct kg_policy;

enum kg_policy_verdict {
	KG_POLICY_REPORT = 0, /* report with *severity */
	KG_POLICY_DROP,       /* rule disabled, or object exempt */
};

/* Decide for a finding of rule on obj (obj may be NULL for findings without an object).
 * *severity comes in as the rule's default and may be overridden. A NULL policy reports all. */
enum kg_policy_verdict kg_policy_decide(const struct kg_policy *p, const struct kg_rule *rule,
					const struct kg_object *obj, enum kg_severity *severity);

#endif
