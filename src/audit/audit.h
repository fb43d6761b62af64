/* kguard audit: audit events in, Falco-compatible alerts out.
 *
 * Input (input.c): one JSON value per line, as the API server's log backend writes them, or a
 * webhook body. A value is an audit Event, an EventList (its items) or an array of those, as the
 * k8saudit plugin accepts; anything else is "data not recognized as a k8s audit event". Events
 * without a parseable stageTimestamp are dropped (the plugin drops them too). Every rejected
 * input is counted by kind and reported, and processing goes on.
 *
 * Engine (engine.c): for each event, the enabled rules at or above the minimum priority are tried
 * in definition order; with rule matching "first" only the first match alerts (Falco's default),
 * with "all" every match does. Alerts go to a callback; counts per rule are kept.
 *
 * Ownership: the engine borrows the ruleset (which must outlive it) and owns its evaluator and
 * state; one engine per thread. Errors: functions return 0/-1; messages go to callbacks, never to
 * a stream directly. */
#ifndef KG_AUDIT_H
#define KG_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../cond/ruleset.h"
#include "../core/load.h"
#include "../util/buf.h"
#include "burst.h"

/* ---- input accounting ---- */

enum kg_audit_reject {
	KG_REJ_BAD_JSON,       /* not JSON (truncated, invalid UTF-8, too deep, ...) */
	KG_REJ_NOT_AUDIT,      /* JSON, but not an Event / EventList / array of them */
	KG_REJ_NO_TIMESTAMP,   /* an event without a parseable stageTimestamp */
	KG_REJ_TOO_LARGE,      /* a line or body over the size cap */
	KG_REJ_COUNT,
};

const char *kg_audit_reject_name(enum kg_audit_reject r);

struct kg_audit_stats {
	uint64_t lines;   /* non-empty lines (or bodies) read */
	uint64_t bytes;
	uint64_t events;  /* events evaluated */
	uint64_t rejected[KG_REJ_COUNT];
};

/* Parse "2018-10-25T14:09:12.123456Z" (RFC 3339 with optional fraction and offset) into ns since
 * the epoch; -1 when it is not one. */
int kg_rfc3339_ns(const char *s, size_t len, uint64_t *out);

/* ---- engine ---- */

enum kg_rule_matching { KG_MATCH_FIRST, KG_MATCH_ALL };

struct kg_alert {
	const struct kg_crule *rule;
	uint64_t ts_ns;
	struct kg_cond_eval *eval; /* to render the output (valid during the callback) */
	const struct kg_slots *slots;
};

struct kg_audit_opts {
	enum kg_rule_matching matching;
	enum kg_priority min_priority;  /* rules less severe are not evaluated */
	uint32_t burst_users;           /* kg.user.authz_failures table size */
	uint64_t burst_window_ns;
};

void kg_audit_opts_default(struct kg_audit_opts *o);

struct kg_audit_engine;

struct kg_audit_engine *kg_audit_engine_new(const struct kg_ruleset *rs, const struct kg_audit_opts *o,
					    void (*alert)(void *ctx, const struct kg_alert *a), void *ctx);
void kg_audit_engine_free(struct kg_audit_engine *e);
/* Evaluate one event. Returns the number of alerts it raised. */
unsigned kg_audit_engine_event(struct kg_audit_engine *e, const struct kg_node *ev, uint64_t ts_ns);
/* Alerts raised per rule index (kg_ruleset_rule order). */
const uint64_t *kg_audit_engine_counts(const struct kg_audit_engine *e);
uint64_t kg_audit_engine_total(const struct kg_audit_engine *e);
const struct kg_field_state *kg_audit_engine_state(const struct kg_audit_engine *e);

/* ---- turning input into events ---- */

struct kg_audit_reader {
	struct kg_loader *loader;
	struct kg_arena arena;  /* one value's tree, reset per value */
	struct kg_audit_engine *engine;
	struct kg_audit_stats *stats;
	size_t max_value;       /* larger values are rejected as too large without parsing */
	/* Called for each rejected input with a one-line message (display = file or "webhook"). */
	void (*reject)(void *ctx, enum kg_audit_reject kind, const char *display, uint64_t line, const char *msg);
	void *ctx;
};

void kg_audit_reader_init(struct kg_audit_reader *r, struct kg_audit_engine *e, struct kg_audit_stats *st,
			  size_t max_value_bytes);
void kg_audit_reader_release(struct kg_audit_reader *r);
/* One JSON value (a log line or a webhook body). Returns the number of events evaluated. */
uint64_t kg_audit_reader_value(struct kg_audit_reader *r, const char *buf, size_t len, const char *display,
			       uint64_t line);

/* ---- line input ---- */

#define KG_AUDIT_MAX_LINE (16u << 20)

/* Read a whole stream line by line (lines over max_line are skipped and counted). stop is polled
 * between lines (may be NULL). Returns 0, or -1 on a read error (errno set). */
int kg_audit_read_stream(struct kg_audit_reader *r, FILE *fp, const char *display, size_t max_line,
			 volatile int *stop);

/* Follow a file like `tail -F`: read to the end, then wait for more; survives rotation by rename
 * (the old file is drained, the new one opened from its start) and by truncation (reading
 * restarts at offset 0). Returns when *stop becomes nonzero; on_idle (may be NULL) is called
 * about every poll interval. */
int kg_audit_follow(struct kg_audit_reader *r, const char *path, size_t max_line, volatile int *stop,
		    void (*on_idle)(void *ctx), void *idle_ctx, unsigned poll_ms);

#endif
