/* Internal: the loader's reusable state, shared by the YAML, JSON and input-splitting code. */
#ifndef KG_LOADER_PRIV_H
#define KG_LOADER_PRIV_H

#include "../util/buf.h"
#include "load.h"
#include "tree.h"
#include "yaml_input.h"

struct kg_anchor {
	const char *name;
	struct kg_node *node;
	struct kg_anchor *next;
};

#define KG_ANCHOR_BUCKETS 256 /* initial size of the anchor table; it doubles as anchors come */

/* A document's text p[off..off+len) in the splitter's data, starting at line. At most
 * KG_PIECES_MAX share a parser: more save nothing measurable, and the queue stays small. */
#define KG_PIECES_MAX 256
struct kg_piece {
	size_t off, len;
	unsigned line;
};

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
	struct kg_piece pieces[KG_PIECES_MAX]; /* the splitter's pieces waiting for one parser (source.c) */
	size_t npieces;
	bool parser_per_piece;           /* kg_loader_parser_per_piece */
	unsigned long parsers;           /* libyaml parsers made (kg_loader_parsers) */
	struct kg_yaml_input yaml_input; /* libyaml's input when its reader is bypassed (yaml_input.h) */
	bool yaml_reader;                /* kg_loader_yaml_reader: never bypass it */
};

/* Several of the splitter's pieces in one YAML stream, as a trial: a document is delivered, as
 * kg_yaml_load of its piece alone would deliver it, once the next one has started cleanly; at the
 * first error nothing is reported, -1 is returned and *done is the line where the last document
 * started (0: none), so that the caller loads its piece and those after it one by one. 0 when
 * all loaded (or the sink stopped). */
int kg_yaml_load_pieces(struct kg_loader *L, const char *display, const char *buf, size_t len,
			unsigned first_line, unsigned *doc_index, const struct kg_load_sink *sink, unsigned *done);

/* Fill a diagnostic with the position of byte offset off in buf (1-based line and column in
 * characters), counting lines from first_line. */
void kg_offset_position(const char *buf, size_t off, unsigned first_line, unsigned *line, unsigned *col);

/* Helm's provenance comment among the comment and blank lines that open a document's text p[0..n)
 * (after its `---` line): `# Source: PATH` at column 0. PATH is copied to out, NUL-terminated and
 * without trailing blanks; false when there is none, or it is empty or longer than the cap. */
#define KG_HELM_SOURCE_MAX 1024 /* longer paths are not Helm's (Kubernetes caps names far below) */
bool kg_helm_source(const char *p, size_t n, char out[KG_HELM_SOURCE_MAX + 1]);

#endif
