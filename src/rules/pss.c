/* Pod Security Standards: placeholder family until the PSS checks land. */
#include "family.h"

static const struct kg_rule pss_rules[] = {
	{ "pss.privileged", KG_SEV_HIGH, "pod-security", "Privileged container", "", "", "", "" },
};

const struct kg_family kg_family_pss = {
	"pss", pss_rules, 1, NULL, NULL, NULL, NULL,
};
