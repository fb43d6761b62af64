/* Rule family 'apiversions': placeholder with no rules until its work lands. */
#include "family.h"

const struct kg_family kg_family_apiversions = {
	"apiversions", NULL, 0, NULL, NULL, NULL, NULL,
};
