/* Report writers: text (for people), json, sarif (SARIF 2.1.0 for code scanning), junit (for CI),
 * github (GitHub Actions annotations).
 * Each writes the whole report (sorted first, so output is deterministic) to a FILE. */
#ifndef KG_WRITE_H
#define KG_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "../util/buf.h"
#include "finding.h"

enum kg_format { KG_FMT_TEXT, KG_FMT_JSON, KG_FMT_SARIF, KG_FMT_JUNIT, KG_FMT_GITHUB };

int kg_format_parse(const char *s, enum kg_format *out);

struct kg_write_opts {
	bool color;          /* ANSI colours (text only) */
	bool quiet;          /* text: findings, notes and errors only, no summary */
	const char *command; /* "scan", "dockerfile", "node", ... (JUnit suite name, SARIF run property) */
};

/* Returns 0, or -1 when writing failed. */
int kg_report_write(FILE *out, enum kg_format fmt, struct kg_report *r, const struct kg_write_opts *o);

int kg_write_text(FILE *out, const struct kg_report *r, const struct kg_write_opts *o);
int kg_write_json(FILE *out, const struct kg_report *r, const struct kg_write_opts *o);
int kg_write_sarif(FILE *out, const struct kg_report *r, const struct kg_write_opts *o);
int kg_write_junit(FILE *out, const struct kg_report *r, const struct kg_write_opts *o);
/* GitHub Actions workflow commands (::error file=...::message), one line per finding, error, note. */
int kg_write_github(FILE *out, const struct kg_report *r, const struct kg_write_opts *o);

/* Report output gathered in one buffer and written out in large blocks: few write calls. A
 * streamed report keeps it for the whole run, so no memory is freed and touched anew between
 * blocks. Write failures are sticky in failed. */
struct kg_wout {
	FILE *out;
	struct kg_buf b;
	int failed;
	unsigned long flushes; /* times b was written out and emptied */
};

struct kg_json_cache; /* parts the JSON writer repeats */

/* Streaming (text and json): findings are written document by document as kg_report_flush and
 * kg_report_flush_part hand them over, so memory grows neither with the number of findings nor
 * with the size of one input. The output is the same as the whole-report writers' except for order: findings are
 * sorted within each input (documents come in order and sort first, so sorting each document's
 * chunk sorts its input), then the cross-object findings of the run, not across the whole run.
 * SARIF and JUnit need totals before their results and are written whole. */
struct kg_stream_writer {
	struct kg_report_stream base;
	FILE *out;
	enum kg_format fmt;
	struct kg_write_opts opts;
	size_t written;
	int failed;
	struct kg_wout o;   /* output not yet written */
	struct kg_json_cache *json;
	bool each_chunk;    /* write each chunk out at once (a terminal: people watch it come) */
	unsigned long headed; /* text: see kg_write_text_findings */
};

bool kg_format_streams(enum kg_format fmt);
/* Attach w to r (r->stream) and write the report's head. */
int kg_stream_begin(struct kg_stream_writer *w, struct kg_report *r, FILE *out, enum kg_format fmt,
		    const struct kg_write_opts *o);
/* Flush what r still holds, write errors and the summary, detach. 0 or -1. */
int kg_stream_end(struct kg_stream_writer *w, struct kg_report *r);

/* The pieces the streaming writer is made of: each appends to w->b and writes out full blocks.
 * 0, or -1 when w has failed. */
/* headed: r->input + 1 of the input whose file header was written last, kept from chunk to chunk
 * (0: none yet); NULL: every chunk starts with a header. */
int kg_write_text_findings(struct kg_wout *w, const struct kg_report *r, const struct kg_write_opts *o,
			   unsigned long *headed);
int kg_write_text_tail(struct kg_wout *w, const struct kg_report *r, const struct kg_write_opts *o);
int kg_write_json_head(struct kg_wout *w);
int kg_write_json_findings(struct kg_wout *w, struct kg_json_cache *c, const struct kg_report *r, size_t *written);
int kg_write_json_tail(struct kg_wout *w, const struct kg_report *r, size_t written);

#endif
