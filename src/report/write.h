/* Report writers: text (for people), json, sarif (SARIF 2.1.0 for code scanning), junit (for CI).
 * Each writes the whole report (sorted first, so output is deterministic) to a FILE. */
#ifndef KG_WRITE_H
#define KG_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "finding.h"

enum kg_format { KG_FMT_TEXT, KG_FMT_JSON, KG_FMT_SARIF, KG_FMT_JUNIT };

int kg_format_parse(const char *s, enum kg_format *out);

struct kg_write_opts {
	bool color;          /* ANSI colours (text only) */
	bool quiet;          /* text: findings and errors only, no summary */
	const char *command; /* "scan", "dockerfile", "node", ... (SARIF automation id, JUnit suite name) */
};

/* Returns 0, or -1 when writing failed. */
int kg_report_write(FILE *out, enum kg_format fmt, struct kg_report *r, const struct kg_write_opts *o);

int kg_write_text(FILE *out, const struct kg_report *r, const struct kg_write_opts *o);
int kg_write_json(FILE *out, const struct kg_report *r, const struct kg_write_opts *o);
int kg_write_sarif(FILE *out, const struct kg_report *r, const struct kg_write_opts *o);
int kg_write_junit(FILE *out, const struct kg_report *r, const struct kg_write_opts *o);

#endif
