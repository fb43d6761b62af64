#include "write.h"

#include <string.h>

int kg_format_parse(const char *s, enum kg_format *out)
{
	static const char *const names[] = { "text", "json", "sarif", "junit" };
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum kg_format)i;
			return 0;
		}
	return -1;
}

int kg_report_write(FILE *out, enum kg_format fmt, struct kg_report *r, const struct kg_write_opts *o)
{
	kg_report_sort(r);
	int rc;
	switch (fmt) {
	case KG_FMT_JSON: rc = kg_write_json(out, r, o); break;
	case KG_FMT_SARIF: rc = kg_write_sarif(out, r, o); break;
	case KG_FMT_JUNIT: rc = kg_write_junit(out, r, o); break;
	default: rc = kg_write_text(out, r, o); break;
	}
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	return rc;
}
