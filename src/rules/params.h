/* Rule parameters (the policy's `parameters:` map): each rule family that reads parameters
 * provides a checker, and the policy loader accepts a parameter only when a checker knows it, so
 * a misspelled or unused parameter is an error at load time, never silently ignored.
 *
 * A checker returns 1 when it knows the name and the value is valid, 0 when the name is not
 * one of its parameters, -1 when the value is invalid (err filled with line and column; the
 * loader sets the file). Checkers only read the node. */
#ifndef KG_PARAMS_H
#define KG_PARAMS_H

#include <stdbool.h>

#include "../core/node.h"
#include "../util/diag.h"

/* Every family's checker in turn (params.c): 1 known and valid, 0 unknown, -1 invalid. */
int kg_rule_param_check(const char *name, const struct kg_node *value, struct kg_diag *err);

int kg_workload_param_check(const char *name, const struct kg_node *value, struct kg_diag *err);
int kg_api_param_check(const char *name, const struct kg_node *value, struct kg_diag *err);
/* `nodeChecks` (kguard node, src/node/cis_run.c) */
int kg_node_param_check(const char *name, const struct kg_node *value, struct kg_diag *err);

#endif
