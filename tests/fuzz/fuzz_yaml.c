/* libFuzzer target: the whole input through kg_loader_buffer (BOM and UTF-16 handling, JSON
 * sniffing, document splitting, libyaml, scalar typing, aliases, merges), every delivered tree
 * walked. Limits are the defaults but for the node cap, lowered to keep each run fast. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/load.h"
#include "fuzz_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_doc(void *ctx, const struct kg_doc *d)
{
	(void)ctx;
	long budget = 200000;
	if (!d->root || d->root->type == KG_NULL)
		abort(); /* empty documents are never delivered */
	for (unsigned i = 0; i < d->ndups; i++)
		if (!d->dups[i].path)
			abort();
	/* a Helm provenance comment is one non-empty line of at most 1,024 bytes */
	if (d->rendered_from && (!d->rendered_from[0] || strlen(d->rendered_from) > 1024 ||
				 strchr(d->rendered_from, '\n')))
		abort();
	fuzz_walk(d->root, 0, &budget);
	return 0;
}

static void on_error(void *ctx, const struct kg_diag *d)
{
	(void)ctx;
	if (!d->file || !d->message[0])
		abort(); /* every error names its input and says something */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kg_loader *L;
	if (!L) {
		struct kg_load_limits lim;
		kg_load_limits_default(&lim);
		lim.max_nodes = 200000;
		L = kg_loader_new(&lim);
	}
	struct kg_load_sink sink = { NULL, on_doc, on_error };
	kg_loader_buffer(L, "fuzz", (const char *)data, size, &sink);
	return 0;
}
