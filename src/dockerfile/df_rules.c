/* The dockerfile rule table: placeholder with no rules until its front end lands. */
#include <stddef.h>

#include "../rules/rule.h"

const struct kg_rule kg_dockerfile_rules[] = {
	{ NULL, KG_SEV_NONE, NULL, NULL, NULL, NULL, NULL, NULL },
};
const size_t kg_dockerfile_nrules = 0;
