/* The policy file (.kguard.yaml / --policy): which rules run, at which severity, which objects are
 * exempt (with a reason), and parameters for the rules. One policy serves every front end.
 *
 * Ownership: kg_policy_load returns a policy that owns all its memory (its own arena), including
 * the parameter nodes returned by kg_policy_param; kg_policy_free releases it. A policy is
 * read-only after loading and may be shared by threads. */
#ifndef KG_POLICY_H
#define KG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/k8s.h"
#include "../report/finding.h"
#include "../util/diag.h"
#include "rule.h"

struct kg_policy;

/* Load and validate a policy file. NULL with *err filled (file, line, column) when the file is
 * malformed or names an unknown rule id. */
struct kg_policy *kg_policy_load(const char *path, struct kg_diag *err);
/* The same from memory (a policy kept in a ConfigMap, tests); display names it in errors. */
struct kg_policy *kg_policy_parse(const char *display, const char *buf, size_t len, struct kg_diag *err);
void kg_policy_free(struct kg_policy *p);

enum kg_policy_verdict {
	KG_POLICY_REPORT = 0, /* report with *severity */
	KG_POLICY_DROP,       /* rule disabled, or object exempt */
};

/* Decide for a finding of rule on obj (obj may be NULL for findings without an object).
 * *severity comes in as the rule's default and may be overridden. A NULL policy reports all
 * rules that are on by default. Inline suppressions (the `kguard.io/ignore` annotation on obj or
 * its pod template, with a reason) drop findings with or without a policy. Read-only: safe to
 * call from several threads on one policy. */
enum kg_policy_verdict kg_policy_decide(const struct kg_policy *p, const struct kg_rule *rule,
					const struct kg_object *obj, enum kg_severity *severity);

/* The `kguard.io/ignore` annotations of one object (its own and its pod template's), looked up on
 * the first finding and reused for the others: the engine keeps one per object. Zero it per object. */
struct kg_obj_ignores {
	bool resolved;
	const char *meta, *pod; /* annotation values, NULL when absent */
};
/* Resolve ign for obj if needed; true when obj has an annotation to honour. */
bool kg_policy_obj_ignores(const struct kg_object *obj, struct kg_obj_ignores *ign);

/* kg_policy_decide with the object's annotations cached in *ign (may be NULL: no cache). */
enum kg_policy_verdict kg_policy_decide_obj(const struct kg_policy *p, const struct kg_rule *rule,
					    const struct kg_object *obj, struct kg_obj_ignores *ign,
					    enum kg_severity *severity);

/* Which of the policy's first 64 exemptions match an object (they are rule-independent: namespaces,
 * names, kinds, selector), worked out on its first finding that asks. Zero it per object. */
struct kg_policy_exmemo {
	uint64_t known, hit;
};

/* kg_policy_decide_obj for a caller that has the rule's catalog position (kg_rule_rank(rule), may
 * be (size_t)-1) and keeps the object's exemption matches in *ex (may be NULL: no cache). */
enum kg_policy_verdict kg_policy_decide_at(const struct kg_policy *p, const struct kg_rule *rule, size_t rank,
					   const struct kg_object *obj, struct kg_obj_ignores *ign,
					   struct kg_policy_exmemo *ex, enum kg_severity *severity);

/* The verdict on findings of the rule at catalog position rank when it does not depend on the
 * object (inline suppressions aside, which the caller checks): true with *v and *severity (which
 * comes in as the rule's default) filled; false when exemptions make it object-dependent. */
bool kg_policy_rule_fixed(const struct kg_policy *p, size_t rank, enum kg_policy_verdict *v,
			  enum kg_severity *severity);

/* A rule parameter from the policy's `parameters:` map (e.g. "trustedRegistries"), or NULL when
 * p is NULL or the parameter is not set; callers apply their documented default. */
const struct kg_node *kg_policy_param(const struct kg_policy *p, const char *name);

/* The file the policy came from (as given to kg_policy_load). */
const char *kg_policy_path(const struct kg_policy *p);

/* Pod Security Standards defaults from `pss:`; true when the policy sets them. A field the policy
 * leaves out is not written. */
bool kg_policy_pss(const struct kg_policy *p, int *level, int *minor);

/* Extra pod-template locations from `podTemplates:` (owned by the policy); count returned. */
unsigned kg_policy_pod_paths(const struct kg_policy *p, const struct kg_pod_path **paths);

/* Find the policy file for a run: `.kguard.yaml` (or `.kguard.yml`) in the directory of start
 * (start itself when it is a directory; the working directory for "-" or NULL), then each parent,
 * stopping after a directory that holds `.git` (the repository root) or at the filesystem root.
 * Writes the path into buf and returns 0; -1 when there is none. */
int kg_policy_discover(const char *start, char *buf, size_t size);

/* `kguard serve`: what to do with findings in a namespace (keys `serve.mode`, `serve.failOn`,
 * `serve.namespaces[].{names,mode,failOn}`; first matching entry wins). Without a policy or a
 * `serve:` section: enforce, failing on high. */
enum kg_policy_mode { KG_MODE_ENFORCE = 0, KG_MODE_WARN, KG_MODE_AUDIT };
enum kg_policy_mode kg_policy_serve_mode(const struct kg_policy *p, const char *namespace_,
					 enum kg_severity *fail_on);

/* The policy's copy of a top-level section ("serve"), already validated, or NULL when p is NULL or
 * the section is absent. Owned by the policy; for front ends that read their own keys
 * (kguard serve: src/admission/config.c). */
const struct kg_node *kg_policy_section(const struct kg_policy *p, const char *key);

#endif
