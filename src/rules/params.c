/* Parameter checking across families (params.h), and the list of rules that are off unless a
 * policy turns them on (rule.h: kg_rule_default_off). */
#include "params.h"

#include <string.h>

#include "rule.h"

int kg_rule_param_check(const char *name, const struct kg_node *value, struct kg_diag *err)
{
	static int (*const checks[])(const char *, const struct kg_node *, struct kg_diag *) = {
		kg_workload_param_check,
		kg_api_param_check,
		kg_node_param_check,
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		int r = checks[i](name, value, err);
		if (r)
			return r;
	}
	return 0;
}

/* Opt-in rules: reported only when a policy enables them. Kept here rather than as a field of
 * struct kg_rule so that existing catalog tables need no change. */
static const char *const default_off[] = {
	"workload.ephemeral-storage",
};

bool kg_rule_default_off(const struct kg_rule *rule)
{
	for (size_t i = 0; i < sizeof(default_off) / sizeof(default_off[0]); i++)
		if (!strcmp(rule->id, default_off[i]))
			return true;
	return false;
}
