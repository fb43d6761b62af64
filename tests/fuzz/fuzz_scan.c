/* libFuzzer target: a whole scan of one input, every family and every rule on, cross-object
 * analysis included (finish(): ServiceAccount tokens, attack paths, network policies, namespaces).
 * The bytes are split at the first NUL into two inputs scanned as two files of one run, so the
 * objects of one can decide findings on the other. Invariants: every finding carries a rule, a
 * message and a known severity; the summary counts what the report holds; and a second run with
 * the two inputs swapped reports as many findings (cross-object results must not depend on input
 * order). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/load.h"
#include "report/finding.h"
#include "rules/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	struct kg_engine *e;
	struct kg_report r;
};

static int on_doc(void *ctx, const struct kg_doc *doc)
{
	struct run *run = ctx;
	kg_engine_doc(run->e, doc, &run->r);
	return 0;
}

static void on_error(void *ctx, const struct kg_diag *d)
{
	struct run *run = ctx;
	kg_report_error(&run->r, d);
}

static size_t scan(const char *a, size_t la, const char *b, size_t lb)
{
	struct kg_scan_opts opts = { KG_PSS_RESTRICTED, KG_PSS_LATEST_MINOR, NULL };
	struct run run;
	run.e = kg_engine_new(&opts);
	kg_report_init(&run.r);
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_load_sink sink = { &run, on_doc, on_error };
	kg_loader_buffer(L, "a.yaml", a, la, &sink);
	kg_loader_buffer(L, "b.yaml", b, lb, &sink);
	kg_engine_finish(run.e, &run.r);
	size_t n = run.r.nfindings, by_sev = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kg_finding *f = &run.r.findings[i];
		if (!f->rule || !f->rule_id || !f->message || (unsigned)f->severity >= KG_SEV_COUNT)
			abort();
	}
	for (int s = 0; s < KG_SEV_COUNT; s++)
		by_sev += run.r.sum.by_severity[s];
	if (by_sev != n)
		abort();
	kg_loader_free(L);
	kg_report_release(&run.r);
	kg_engine_free(run.e);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 16))
		return 0;
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t la = nul ? (size_t)(nul - text) : size;
	const char *b = nul ? nul + 1 : "";
	size_t lb = nul ? size - la - 1 : 0;
	if (scan(text, la, b, lb) != scan(b, lb, text, la))
		abort();
	return 0;
}
