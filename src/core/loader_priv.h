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
};

/* Fill a diagnostic with the position of byte offset off in buf (1-based line and column in
 * characters), counting lines from first_line. */
void kg_offset_position(const char *buf, size_t off, unsigned first_line, unsigned *line, unsigned *col);

#endif
