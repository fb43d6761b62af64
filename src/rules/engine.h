/* The scan engine: runs every rule family over documents and objects and collects findings in a
 * report. One engine per run (or per thread); it owns the families' cross-object state. */
#ifndef KG_ENGINE_H
#define KG_ENGINE_H

#include "../core/load.h"
#include "../report/finding.h"
#include "family.h"

struct kg_engine;

struct kg_engine *kg_engine_new(const struct kg_scan_opts *opts);
void kg_engine_free(struct kg_engine *e);
/* One loaded document: expands Lists, reports document-level findings (duplicate keys), then
 * checks every object. */
void kg_engine_doc(struct kg_engine *e, const struct kg_doc *doc, struct kg_report *r);
/* One object (admission requests): the same checks without document-level findings. */
void kg_engine_object(struct kg_engine *e, const struct kg_object *obj, const struct kg_doc *doc,
		      struct kg_report *r);
/* For checks whose finding positions or paths cost something to work out: the policy's verdict
 * first. False when the policy drops a finding of rule on the current object (counted as
 * suppressed, as kg_emitv would); otherwise *sev is its severity, and kg_emit_decidedv reports it. */
bool kg_emit_wanted(struct kg_check *c, const struct kg_rule *rule, enum kg_severity *sev);
/* kg_emitv after kg_emit_wanted returned true: no second decision. */
void kg_emit_decidedv(struct kg_check *c, const struct kg_rule *rule, enum kg_severity sev, const struct kg_node *at,
		      const char *path, const char *sub, const char *container, const char *fmt, va_list ap)
	__attribute__((format(printf, 8, 0)));
/* After all inputs: cross-object checks. */
void kg_engine_finish(struct kg_engine *e, struct kg_report *r);

#endif
