/* Helpers shared by the policy, rbac and cluster code (not a public API): copying document
 * subtrees out of a document's arena, glob patterns, Kubernetes label selectors, and the inline
 * suppression annotation.
 *
 * Ownership: clones live in the arena given; selectors and globs only read. Errors: selector
 * functions return -1 for a selector the API server would reject; callers decide what to do. */
#ifndef KG_POLICY_PRIV_H
#define KG_POLICY_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/node.h"
#include "../util/arena.h"
#include "../util/diag.h"
#include "rule.h"

/* Most nodes one clone copies; deeper or wider content is cut (replaced by null), so an
 * alias-heavy document cannot make a family's state explode. */
#define KG_CLONE_MAX_NODES 200000u

/* Deep copy of n (positions kept). */
struct kg_node *kg_node_clone(struct kg_arena *a, const struct kg_node *n);
/* Copy of a map keeping only the given dotted paths ("metadata.labels", "spec.template.metadata");
 * each kept path is copied whole. Missing paths are skipped. NULL when root is not a map. */
struct kg_node *kg_node_clone_keep(struct kg_arena *a, const struct kg_node *root, const char *const *paths,
				   size_t npaths);

/* Shell-style match of '*' (any run, including '/' and '.') and '?' (one byte). */
bool kg_glob_match(const char *pattern, const char *s);
bool kg_is_glob(const char *s);

/* A metav1.LabelSelector (matchLabels + matchExpressions with In, NotIn, Exists, DoesNotExist)
 * against a labels map. An empty selector matches everything; a NULL selector nothing.
 * Returns 1 match, 0 no match, -1 invalid selector (unknown operator, values where none are
 * allowed, missing values, wrong types). */
int kg_selector_match(const struct kg_node *selector, const struct kg_node *labels);
/* Validate a LabelSelector, filling d (file left NULL) at the offending node. 0 or -1. */
int kg_selector_check(const struct kg_node *selector, struct kg_diag *d);
/* A map selector (Service spec.selector, matchLabels): every pair equal. Empty map matches all. */
bool kg_map_selector_match(const struct kg_node *selector, const struct kg_node *labels);

/* The inline suppression annotation on an object or its pod template:
 *   kguard.io/ignore: "rule-a,rule-b: reason; rule-c: other reason"
 * Entries are separated by ';' or newlines; each entry is a comma-separated list of rule ids
 * (or family globs such as "pss.*") then ':' and a reason. */
#define KG_IGNORE_ANNOTATION "kguard.io/ignore"
/* Longer values are not read (the API server caps all annotations of an object at 256 KiB; a
 * file has no such cap, and the value is scanned for every finding of its object). */
#define KG_IGNORE_MAX_BYTES 65536u

struct kg_suppress_item {
	const char *id;     /* not NUL-terminated */
	size_t id_len;
	const char *reason; /* not NUL-terminated, trimmed; reason_len 0 when missing */
	size_t reason_len;
};
/* Calls fn for each id in value; stops and returns nonzero when fn does. */
int kg_suppress_each(const char *value, int (*fn)(void *ctx, const struct kg_suppress_item *it), void *ctx);
/* Whether an id (or glob) names at least one rule in the catalog. */
bool kg_rule_pattern_known(const char *pattern, size_t len);
/* Whether a rule id matches an id or glob of len bytes. */
bool kg_rule_pattern_match(const char *pattern, size_t len, const char *id);
/* The closest rule id to a misspelled one (edit distance), or NULL when nothing is close. */
const char *kg_rule_suggest(const char *id);

#endif
