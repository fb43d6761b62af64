/* Rule tables of front ends that do not scan Kubernetes objects (Dockerfiles, nodes, audit
 * logs): listed here so that `kguard rules` and the report writers know every rule. Each table
 * is defined by its front end's own rules file. */
#include <stddef.h>

#include "rule.h"

extern const struct kg_rule kg_dockerfile_rules[];
extern const size_t kg_dockerfile_nrules;
extern const struct kg_rule kg_node_rules[];
extern const size_t kg_node_nrules;
extern const struct kg_rule kg_audit_rules[];
extern const size_t kg_audit_nrules;

const struct kg_rule *const kg_extra_rule_tables[] = {
	kg_dockerfile_rules,
	kg_node_rules,
	kg_audit_rules,
	NULL,
};

/* Filled at first use from the *_nrules constants (they are not constant expressions here). */
size_t kg_extra_rule_count(size_t table);
size_t kg_extra_rule_count(size_t table)
{
	switch (table) {
	case 0: return kg_dockerfile_nrules;
	case 1: return kg_node_nrules;
	case 2: return kg_audit_nrules;
	}
	return 0;
}
