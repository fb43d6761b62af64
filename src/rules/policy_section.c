/* kg_policy_section (policy.h): the policy's own copy of a top-level section, for front ends
 * that read their keys themselves (kguard serve reads `serve:` in src/admission/config.c). */
#include "policy_int.h"

const struct kg_node *kg_policy_section(const struct kg_policy *p, const char *key)
{
	if (!p || !p->root)
		return NULL;
	return kg_map_get(p->root, key);
}
