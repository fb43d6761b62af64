/* The rule catalog: every check kguard can report, as data. Rules are defined by their family
 * files (static const tables) and collected by catalog.c; ids are stable API. */
#ifndef KG_RULE_H
#define KG_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "../report/finding.h"

struct kg_rule {
	const char *id;          /* "pss.privileged", "cis.1.2.6", "df.latest-tag", ... */
	enum kg_severity severity;
	const char *category;    /* "pod-security", "rbac", "dockerfile", ... */
	const char *title;       /* one line */
	const char *description; /* why it matters */
	const char *remediation; /* how to fix */
	const char *references;  /* URLs separated by single spaces */
	const char *peers;       /* equivalents in other tools: "kube-linter:privileged-container kubesec:Privileged ..." */
};

/* All rules, sorted by id. */
size_t kg_rule_count(void);
const struct kg_rule *kg_rule_at(size_t i);
const struct kg_rule *kg_rule_find(const char *id);
/* Position of rule (by pointer) in the sorted catalog, (size_t)-1 for a rule not in it. O(1):
 * the engine sorts findings and looks up policy settings with it. */
size_t kg_rule_rank(const struct kg_rule *rule);
/* Whether a rule is off by default (opt-in): it reports only when a policy enables it.
 * kg_policy_decide must drop its findings unless the policy turns it on; families may skip the
 * work when no policy is loaded. The list lives in params.c. */
bool kg_rule_default_off(const struct kg_rule *rule);
/* kg_rule_default_off of kg_rule_at(i), from a table built with the catalog: O(1) for the
 * per-finding policy decision. False for i out of range. */
bool kg_rule_default_off_at(size_t i);

/* Rule family of an id: the part before the first '.' ("pss", "cis", "df"). Writes into buf. */
const char *kg_rule_family(const char *id, char *buf, size_t size);

#endif
