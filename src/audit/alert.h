/* Alert output in Falco's formats. Text: "HH:MM:SS.nnnnnnnnn: Priority <output>" (local time, as
 * Falco's %evt.time). JSON: one object per line with Falco's keys in Falco's (sorted) order:
 * hostname, output, output_fields (evt.time in ns plus each output field: string, null or
 * array), priority, rule, source, tags, time (ISO 8601 UTC with ns).
 * The writer owns a reusable buffer; writes are serialised by a mutex so that webhook threads
 * can share one writer. Errors: kg_alert_write returns -1 when the stream fails. */
#ifndef KG_AUDIT_ALERT_H
#define KG_AUDIT_ALERT_H

#include <pthread.h>
#include <stdio.h>

#include "audit.h"

enum kg_alert_format { KG_ALERT_TEXT, KG_ALERT_JSON };

struct kg_alert_writer {
	enum kg_alert_format format;
	FILE *out;
	char hostname[256];
	struct kg_buf buf;
	bool flush_each; /* follow and webhook modes: every alert reaches the reader at once */
	pthread_mutex_t lock;
};

void kg_alert_writer_init(struct kg_alert_writer *w, enum kg_alert_format f, FILE *out);
void kg_alert_writer_release(struct kg_alert_writer *w);
int kg_alert_write(struct kg_alert_writer *w, const struct kg_alert *a);

/* Falco's end-of-run summary plus kguard's input accounting, to out. */
void kg_audit_summary(FILE *out, const struct kg_ruleset *rs, const uint64_t *counts, uint64_t total,
		      const struct kg_audit_stats *st);

#endif
