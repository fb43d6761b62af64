/* Policy decisions. Placeholder: no policy file support yet; every rule reports at its catalog
 * severity. */
#include "policy.h"

#include <stddef.h>

struct kg_policy *kg_policy_load(const char *path, struct kg_diag *err)
{
	kg_diag_set(err, path, 0, 0, "policy files are not supported in this build");
	return NULL;
}

void kg_policy_free(struct kg_policy *p)
{
	(void)p;
}

enum kg_policy_verdict kg_policy_decide(const struct kg_policy *p, const struct kg_rule *rule,
					const struct kg_object *obj, enum kg_severity *severity)
{
	(void)p;
	(void)rule;
	(void)obj;
	(void)severity;
	return KG_POLICY_REPORT;
}

const struct kg_node *kg_policy_param(const struct kg_policy *p, const char *name)
{
	(void)p;
	(void)name;
	return NULL;
}
