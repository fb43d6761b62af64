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
/* After all inputs: cross-object checks. */
void kg_engine_finish(struct kg_engine *e, struct kg_report *r);

#endif
