/* The `serve:` keys of the policy that belong to `kguard serve` (Pod Security levels per mode,
 * per-rule admission actions, exemptions by user, namespace and runtime class, mutation
 * defaults, CONNECT handling, UPDATE semantics). The policy loader keeps validating `mode`,
 * `failOn` and `namespaces[].names` itself and hands every other key of `serve:` (and of a
 * `serve.namespaces[]` entry) to this checker, so an unknown or malformed key is still an error
 * with a position. The checker lives with the admission code (src/admission/config.c).
 *
 * Returns 1 when it knows the key and the value is valid, 0 when the key is not one of serve's,
 * -1 when the value is invalid (err filled with line and column; the loader sets the file). */
#ifndef KG_POLICY_SERVE_H
#define KG_POLICY_SERVE_H

#include <stdbool.h>

#include "../core/node.h"
#include "../util/diag.h"

/* Keys accepted at the top of `serve:` besides mode, failOn and namespaces. */
#define KG_SERVE_POLICY_KEYS "pss, rules, updates, mutate, connect, inlineSuppressions, exemptions"
/* Keys accepted in a `serve.namespaces[]` entry besides names, mode and failOn. */
#define KG_SERVE_POLICY_NS_KEYS "pss, rules, updates, mutate, connect, inlineSuppressions"

int kg_serve_policy_key(const char *key, const struct kg_node *value, bool in_namespace_entry,
			struct kg_diag *err);

#endif
