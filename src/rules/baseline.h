/* Baselines: record today's findings so that a repository fails only on new ones.
 *
 * A finding's fingerprint is a 64-bit FNV-1a hash of rule id, file (leading "./" removed), object
 * kind, namespace and name, field path and container: not the line, column or message, so moving
 * an object within its file or editing unrelated lines keeps it. The baseline is a multiset: two
 * identical findings need two entries.
 *
 * Ownership: kg_baseline_load returns an object that owns its memory; kg_baseline_free releases
 * it. Errors: NULL / -1 with a diagnostic (file, line, column). */
#ifndef KG_BASELINE_H
#define KG_BASELINE_H

#include <stddef.h>

#include "../report/finding.h"
#include "../util/diag.h"

struct kg_baseline;

/* 16 lowercase hex digits and a NUL. */
void kg_finding_fingerprint(const struct kg_finding *f, char out[17]);

struct kg_baseline *kg_baseline_load(const char *path, struct kg_diag *err);
void kg_baseline_free(struct kg_baseline *b);
/* Remove from r every finding the baseline holds (each entry absorbs one finding); they count as
 * suppressed. Returns how many were removed. */
size_t kg_baseline_apply(struct kg_baseline *b, struct kg_report *r);
/* Write r's findings as a baseline file ("-" is standard output). 0, or -1 with err. */
int kg_baseline_write(const char *path, struct kg_report *r, struct kg_diag *err);

#endif
