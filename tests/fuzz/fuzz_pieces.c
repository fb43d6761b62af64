/* libFuzzer target: the input loaded twice through kg_loader_buffer, once with a libyaml parser
 * per document piece and once with plain pieces sharing one (the default); the documents and
 * errors delivered (tests/unit/doc_log.h) must be the same. Node cap lowered as in fuzz_yaml. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../unit/doc_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void load(struct kg_loader *L, bool per_piece, const uint8_t *data, size_t size, struct dl_run *r)
{
	kg_buf_reset(&r->log);
	r->docs = 0;
	kg_loader_parser_per_piece(L, per_piece);
	struct kg_load_sink sink = { r, dl_on_doc, dl_on_err };
	int rc = kg_loader_buffer(L, "fuzz", (const char *)data, size, &sink);
	(void)kg_buf_printf(&r->log, "rc %d\n", rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kg_loader *L;
	static struct dl_run a, b;
	if (!L) {
		struct kg_load_limits lim;
		kg_load_limits_default(&lim);
		lim.max_nodes = 200000;
		L = kg_loader_new(&lim);
		kg_buf_init(&a.log, 0);
		kg_buf_init(&b.log, 0);
	}
	load(L, true, data, size, &a);
	load(L, false, data, size, &b);
	if (a.log.len != b.log.len || memcmp(a.log.data, b.log.data, a.log.len))
		abort();
	return 0;
}
