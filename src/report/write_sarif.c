/* SARIF 2.1.0 writer: placeholder until the report-writers work lands (see issue notes). */
#include "write.h"

int kg_write_sarif(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	(void)out; (void)r; (void)o;
	return -1;
}
