/* A streamed report is handed over document by document (rules/engine.c note_doc): each chunk holds
 * the findings of one document, chunks come in document order, and the same path scanned again
 * starts a new input instead of going on with the old one. */
#include "harness.h"

#include "core/load.h"
#include "report/write.h"
#include "rules/engine.h"
#include "rules/family.h"

/* Three Deployments with findings, one per document. */
static const char three_docs[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n"
	"spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}\n"
	"---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n"
	"spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}\n"
	"---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: c}\n"
	"spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}\n";

enum { MAXCHUNKS = 16 };

/* What each chunk held: findings, the documents they came from, and the input it belonged to. */
struct recorder {
	struct kg_report_stream base;
	size_t n;
	struct {
		size_t findings;
		unsigned doc_lo, doc_hi;
		unsigned long input;
		bool sorted;
	} chunk[MAXCHUNKS];
};

static int record(struct kg_report_stream *s, struct kg_report *r)
{
	struct recorder *rec = (struct recorder *)s;
	if (rec->n == MAXCHUNKS)
		return -1;
	__typeof__(rec->chunk[0]) *c = &rec->chunk[rec->n++];
	c->findings = r->nfindings;
	c->doc_lo = c->doc_hi = r->findings[0].doc_index;
	c->input = r->input;
	c->sorted = true;
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct kg_finding *f = &r->findings[i];
		if (f->doc_index < c->doc_lo)
			c->doc_lo = f->doc_index;
		if (f->doc_index > c->doc_hi)
			c->doc_hi = f->doc_index;
		if (i && f->line < r->findings[i - 1].line)
			c->sorted = false;
	}
	return 0;
}

struct run {
	struct kg_engine *engine;
	struct kg_report *report;
};

static int on_doc(void *ctx, const struct kg_doc *doc)
{
	struct run *run = ctx;
	kg_engine_doc(run->engine, doc, run->report);
	return 0;
}

/* Scans three_docs `times` times under one name; the chunks land in rec. */
static void scan(struct recorder *rec, int times, struct kg_report *r)
{
	struct kg_scan_opts opts = { 0 };
	opts.pss_level = KG_PSS_RESTRICTED;
	opts.pss_minor = KG_PSS_LATEST_MINOR;
	kg_report_init(r);
	memset(rec, 0, sizeof(*rec));
	rec->base.chunk = record;
	r->stream = &rec->base;
	struct run run = { kg_engine_new(&opts), r };
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_load_sink sink = { &run, on_doc, NULL };
	for (int i = 0; i < times; i++)
		CHECK_INT(kg_loader_buffer(L, "d.yaml", three_docs, strlen(three_docs), &sink), 0);
	kg_engine_finish(run.engine, r);
	CHECK_INT(kg_report_flush(r), 0); /* the writer's last flush (kg_cli_finish): cross-object findings */
	kg_engine_free(run.engine);
	kg_loader_free(L);
}

TEST(each_document_is_its_own_chunk_in_order)
{
	struct recorder rec;
	struct kg_report r;
	scan(&rec, 1, &r);
	CHECK(rec.n >= 3);
	size_t total = 0;
	for (size_t i = 0; i < 3 && i < rec.n; i++) {
		CHECK(rec.chunk[i].findings > 0);
		CHECK_INT(rec.chunk[i].doc_lo, i);
		CHECK_INT(rec.chunk[i].doc_hi, i); /* one document per chunk, not the whole input */
		CHECK_INT(rec.chunk[i].input, rec.chunk[0].input); /* one input */
		CHECK(rec.chunk[i].sorted);
		total += rec.chunk[i].findings;
	}
	/* the three documents are alike: as many findings each */
	CHECK_INT(rec.chunk[1].findings, rec.chunk[0].findings);
	CHECK_INT(rec.chunk[2].findings, rec.chunk[0].findings);
	/* cross-object findings, if any, come after, as another input */
	for (size_t i = 3; i < rec.n; i++) {
		CHECK(rec.chunk[i].input != rec.chunk[0].input);
		total += rec.chunk[i].findings;
	}
	CHECK_INT(total, kg_report_total(&r));
	r.stream = NULL;
	kg_report_release(&r);
}

TEST(the_same_path_scanned_again_is_a_new_input)
{
	struct recorder rec;
	struct kg_report r;
	scan(&rec, 2, &r);
	CHECK(rec.n >= 6);
	if (rec.n >= 6) {
		CHECK_INT(rec.chunk[2].input, rec.chunk[0].input);
		CHECK(rec.chunk[3].input != rec.chunk[2].input); /* doc 0 again: not merged into the first */
		CHECK_INT(rec.chunk[3].doc_lo, 0);
		CHECK_INT(rec.chunk[5].input, rec.chunk[3].input);
		CHECK_INT(rec.chunk[5].doc_hi, 2);
	}
	r.stream = NULL;
	kg_report_release(&r);
}
