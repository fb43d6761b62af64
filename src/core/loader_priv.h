/* Internal: the loader's reusable state, shared by the YAML, JSON and input-splitting code. */
#ifndef KG_LOADER_PRIV_H
#define KG_LOADER_PRIV_H

#include "../util/buf.h"
#include "load.h"
#include "tree.h"

struct kg_anchor {
	const char *name;
	struct kg_node *node;
	struct kg_anchor *next;
};

#define KG_ANCHOR_BUCKETS 256 /* initial size of the anchor table; it doubles as anchors come */

struct kg_loader {
	struct kg_load_limits lim;
	struct kg_arena arena;           /* the current document */
	struct kg_tree tree;
	struct kg_anchor **anchors;      /* hash table of the current document's anchors (malloc'd) */
	size_t anchor_buckets, nanchors;
	struct kg_buf chunk;             /* input splitter: the document being accumulated */
	void *tokens;                    /* JSON tokenizer scratch */
	size_t atokens;
	const char *rendered_from;       /* the piece being parsed: kg_doc.rendered_from (source.c) */
};

/* Fill a diagnostic with the position of byte offset off in buf (1-based line and column in
 * characters), counting lines from first_line. */
void kg_offset_position(const char *buf, size_t off, unsigned first_line, unsigned *line, unsigned *col);

/* Helm's provenance comment among the comment and blank lines that open a document's text p[0..n)
 * (after its `---` line): `# Source: PATH` at column 0. PATH is copied to out, NUL-terminated and
 * without trailing blanks; false when there is none, or it is empty or longer than the cap. */
#define KG_HELM_SOURCE_MAX 1024 /* longer paths are not Helm's (Kubernetes caps names far below) */
bool kg_helm_source(const char *p, size_t n, char out[KG_HELM_SOURCE_MAX + 1]);

#endif
