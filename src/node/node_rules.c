/* The node rule table: placeholder with no rules until its front end lands. */
#include <stddef.h>

#include "../rules/rule.h"

const struct kg_rule kg_node_rules[] = {
	{ NULL, KG_SEV_NONE, NULL, NULL, NULL, NULL, NULL, NULL },
};
const size_t kg_node_nrules = 0;
