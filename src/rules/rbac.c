/* Rule family 'rbac': placeholder with no rules until its work lands. */
#include "family.h"

const struct kg_family kg_family_rbac = {
	"rbac", NULL, 0, NULL, NULL, NULL, NULL,
};
