/* Findings and input errors of one run, and the summary the writers print.
 * The report owns copies of every string it is given (its own arena), so findings outlive the
 * documents they came from; except rule_id and title, which come from the rule catalog (or rules
 * loaded for the run) and must outlive the report. Order is made deterministic by kg_report_sort. */
#ifndef KG_FINDING_H
#define KG_FINDING_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/diag.h"

enum kg_severity {
	KG_SEV_NONE = 0, /* used as "never" for --fail-on none */
	KG_SEV_INFO,
	KG_SEV_LOW,
	KG_SEV_MEDIUM,
	KG_SEV_HIGH,
	KG_SEV_CRITICAL,
};
#define KG_SEV_COUNT 6

const char *kg_severity_name(enum kg_severity s); /* "info", "low", ... */
/* Parse a severity name (case-insensitive); "none" gives KG_SEV_NONE. 0 or -1. */
int kg_severity_parse(const char *s, enum kg_severity *out);

struct kg_rule;

struct kg_finding {
	const struct kg_rule *rule;
	const char *rule_id;
	uint32_t rule_rank;      /* 1 + the rule's place in the catalog sorted by id (a cheap sort key
				  * equivalent to rule_id), 0 when unknown */
	enum kg_severity severity; /* effective severity (policy overrides applied) */
	const char *title;
	const char *message;
	const char *file;
	unsigned line, col;
	const char *path;        /* field path, e.g. spec.containers[0].securityContext.privileged */
	const char *container;   /* container name or NULL */
	const char *api_version, *kind, *namespace_, *name; /* object identity, NULL when unknown */
	const char *rendered_from; /* where the object was rendered from (kg_object), or NULL */
	unsigned doc_index;
	uint32_t message_len, path_len; /* strlen of message and path (set by the report) */
	uint64_t seq;            /* insertion order, the last sort key */
};

struct kg_error_rec {
	const char *file;
	unsigned line, col;
	const char *message;
};

struct kg_summary {
	unsigned files;
	unsigned documents;
	unsigned objects;
	unsigned skipped;        /* objects of kinds no rule looks at */
	unsigned suppressed;     /* findings removed by policy, annotations or baseline */
	unsigned by_severity[KG_SEV_COUNT];
};

/* Streaming: a front end that can write findings as it goes (text and JSON reports) sets
 * r->stream; kg_report_flush then hands the findings held so far to chunk() and forgets them, so
 * memory stays flat however many findings a run has. */
struct kg_report;
struct kg_report_stream {
	int (*chunk)(struct kg_report_stream *s, struct kg_report *r); /* write r's sorted findings */
};

struct kg_report {
	struct kg_arena arena;        /* finding strings (reset by kg_report_flush) */
	struct kg_arena names;        /* kg_report_str: strings that live for the whole run */
	struct kg_finding *findings;
	size_t nfindings, afindings;
	const struct kg_finding **order; /* kg_report_sort's scratch: pointers being merge-sorted, and
					  * their merge buffer */
	size_t aorder;
	struct kg_error_rec *errors;
	size_t nerrors, aerrors;
	/* Inputs the run chose not to read as manifests, and why (the templates of a Helm chart, a
	 * Kustomize patch): written next to the errors, but they do not fail the run. */
	struct kg_error_rec *notes;
	size_t nnotes, anotes;
	struct kg_summary sum;
	uint64_t seq;
	const char *last_interned[7]; /* per identity field, the previous finding's copy: most
				       * findings repeat the previous one's file, object and container */
	const char *last_name[4];     /* the same for kg_report_str */
	const char *owner[4];         /* kg_report_owner's identity strings (the sources) ... */
	const char *owner_copy[4];    /* ... and their copies, once made (owner_copied) */
	bool owner_live, owner_copied;
	/* Inside a streamed chunk: the held findings in report order (kg_report_flush_part sorts
	 * pointers and leaves the findings where they are); NULL when findings[] is in order. */
	const struct kg_finding *const *sorted;
	size_t flushed;               /* findings already handed to the stream */
	struct kg_report_stream *stream;
	unsigned long input;          /* inputs ended by kg_report_flush: a writer tells by it a chunk
				       * that goes on with the input of the previous one */
	/* Applied to findings before they are written (e.g. a baseline), counted as suppressed. */
	int (*keep)(void *ctx, const struct kg_finding *f);
	void *keep_ctx;
};

void kg_report_init(struct kg_report *r);
void kg_report_release(struct kg_report *r);
/* Forget findings and errors, keep memory (a server reuses one report per request). */
void kg_report_reset(struct kg_report *r);

/* Copy f (and its strings) into the report; counts it in the summary. */
struct kg_finding *kg_report_add(struct kg_report *r, const struct kg_finding *f);
/* The same, with the message formatted from fmt (f->message is ignored; capped at 1,023 bytes)
 * and the path joined from path[0..2] with '.' (NULL or empty parts skipped; all NULL: no path;
 * capped at 1,023 bytes), both written straight into the report. */
struct kg_finding *kg_report_addv(struct kg_report *r, const struct kg_finding *f, const char *const path[3],
				  const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
void kg_report_error(struct kg_report *r, const struct kg_diag *d);
/* A note about an input that was not scanned (line and column 0). */
void kg_report_note(struct kg_report *r, const char *file, const char *message);
void kg_report_sort(struct kg_report *r);
/* Remove the findings for which keep() returns 0, keeping order; updates counts. */
void kg_report_filter(struct kg_report *r, int (*keep)(void *ctx, const struct kg_finding *f), void *ctx);
/* The i-th held finding in report order. */
static inline const struct kg_finding *kg_report_at(const struct kg_report *r, size_t i)
{
	return r->sorted ? r->sorted[i] : &r->findings[i];
}
/* Highest severity present, KG_SEV_NONE when there are no findings. */
enum kg_severity kg_report_max_severity(const struct kg_report *r);
/* Copy a string that must live for the whole run (a file name) into the report, reusing a recent
 * identical copy. */
const char *kg_report_str(struct kg_report *r, const char *s);
/* The object whose findings follow, by its identity strings (apiVersion, kind, namespace, name;
 * any may be NULL), which must stay in place and unchanged until the next call: findings that carry
 * these very pointers then share one copy, made once, instead of comparing strings per finding.
 * NULL ends it (call before the object's document is freed). */
void kg_report_owner(struct kg_report *r, const char *const ident[4]);
/* Findings reported in the run: those already streamed plus those held. */
size_t kg_report_total(const struct kg_report *r);
/* With a stream: apply keep(), sort, write and forget the findings held, which end an input (the
 * findings that follow belong to another). No-op without. */
int kg_report_flush(struct kg_report *r);
/* The same for findings of an input that goes on: every finding still to come sorts after them
 * (a later document of the same input). */
int kg_report_flush_part(struct kg_report *r);

#endif
