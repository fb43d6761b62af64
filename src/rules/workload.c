/* Rule family 'workload': placeholder with no rules until its work lands. */
#include "family.h"

const struct kg_family kg_family_workload = {
	"workload", NULL, 0, NULL, NULL, NULL, NULL,
};
