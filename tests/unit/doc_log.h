/* A text log of what a loader delivers, for tests that compare two ways of loading the same input
 * (tests/unit/test_pieces.c, tests/unit/test_yaml_input.c, tests/fuzz/fuzz_pieces.c): every document with its number, line,
 * Helm source, every node's type, position and flags, scalar values and duplicate keys; every
 * error with its position. */
#ifndef KG_DOC_LOG_H
#define KG_DOC_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/load.h"
#include "util/buf.h"

/* Every node with its type, position and flags; scalars with their value. */
static __attribute__((unused)) void dl_dump(struct kg_buf *b, const struct kg_node *n)
{
	if (b->len > (8u << 20))
		return; /* aliases repeat shared subtrees: a few lines say enough */
	(void)kg_buf_printf(b, "<%d@%u:%u f%u>", (int)n->type, n->line, n->col, (unsigned)n->flags);
	switch (n->type) {
	case KG_BOOL: (void)kg_buf_printf(b, "%d", n->v.b); break;
	case KG_INT: (void)kg_buf_printf(b, "%lld", (long long)n->v.i); break;
	case KG_FLOAT: (void)kg_buf_printf(b, "%.17g", n->v.f); break;
	case KG_STR:
		(void)kg_buf_add(b, "\"", 1);
		(void)kg_buf_add(b, n->v.s, n->len);
		(void)kg_buf_add(b, "\"", 1);
		break;
	case KG_MAP:
		for (uint32_t i = 0; i < n->len; i++) {
			(void)kg_buf_printf(b, " %s=", n->v.pairs[i].key);
			dl_dump(b, n->v.pairs[i].value);
		}
		break;
	case KG_SEQ:
		for (uint32_t i = 0; i < n->len; i++)
			dl_dump(b, n->v.items[i]);
		break;
	default: break;
	}
}

struct dl_run {
	struct kg_buf log;
	int stop_at; /* the sink stops after this many documents (0: never) */
	int docs;
};

static __attribute__((unused)) int dl_on_doc(void *ctx, const struct kg_doc *d)
{
	struct dl_run *r = ctx;
	(void)kg_buf_printf(&r->log, "doc %u line %u from %s:", d->index, d->line,
			    d->rendered_from ? d->rendered_from : "-");
	dl_dump(&r->log, d->root);
	for (unsigned i = 0; i < d->ndups; i++)
		(void)kg_buf_printf(&r->log, " dup %s %u:%u->%u:%u", d->dups[i].path, d->dups[i].first_line,
				    d->dups[i].first_col, d->dups[i].second_line, d->dups[i].second_col);
	(void)kg_buf_add(&r->log, "\n", 1);
	return ++r->docs == r->stop_at;
}

static __attribute__((unused)) void dl_on_err(void *ctx, const struct kg_diag *d)
{
	struct dl_run *r = ctx;
	(void)kg_buf_printf(&r->log, "error %s:%u:%u: %s\n", d->file, d->line, d->col, d->message);
}

/* The loader's switches for differential tests (load.h). */
struct dl_way {
	bool per_piece;   /* kg_loader_parser_per_piece */
	bool yaml_reader; /* kg_loader_yaml_reader */
};

/* Load text one way into r (its log initialised here, ending with the return code); file:
 * through kg_loader_file (64 KiB blocks into the loader's own buffer) rather than from memory.
 * Returns the libyaml parsers used (0 when the temporary file could not be written). */
static __attribute__((unused)) unsigned long dl_load(struct dl_run *r, const char *text, size_t len, bool file,
						     const struct kg_load_limits *lim, struct dl_way way)
{
	kg_buf_init(&r->log, 0);
	r->docs = 0;
	struct kg_loader *L = kg_loader_new(lim);
	kg_loader_parser_per_piece(L, way.per_piece);
	kg_loader_yaml_reader(L, way.yaml_reader);
	struct kg_load_sink sink = { r, dl_on_doc, dl_on_err };
	int rc;
	if (file) {
		FILE *fp = tmpfile();
		if (!fp || (len && fwrite(text, 1, len, fp) != len)) {
			if (fp)
				fclose(fp);
			kg_loader_free(L);
			return 0;
		}
		rewind(fp);
		rc = kg_loader_file(L, "t.yaml", fp, &sink);
		fclose(fp);
	} else {
		rc = kg_loader_buffer(L, "t.yaml", text, len, &sink);
	}
	(void)kg_buf_printf(&r->log, "rc %d\n", rc);
	unsigned long parsers = kg_loader_parsers(L);
	kg_loader_free(L);
	return parsers;
}

#endif
