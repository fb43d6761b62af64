/* Rule family 'secrets': placeholder with no rules until its work lands. */
#include "family.h"

const struct kg_family kg_family_secrets = {
	"secrets", NULL, 0, NULL, NULL, NULL, NULL,
};
