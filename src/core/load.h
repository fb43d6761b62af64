/* Loading Kubernetes documents from YAML streams and JSON into document trees (node.h).
 *
 * A kg_loader holds everything reused between documents (arena, scratch stacks, read buffers), so
 * steady-state loading does no per-node malloc. Documents are delivered one at a time to a sink;
 * a document's tree lives until the sink's doc callback returns, then its arena is reset. One
 * loader per thread.
 *
 * Inputs are split into YAML documents at `---` lines before parsing (as kubectl does), so an
 * error in one document is reported and the following documents are still loaded (JSON cannot
 * resynchronise: the values before an error are delivered, the rest is not). Errors never print:
 * they go to the sink's error callback as a diagnostic with file, line and column (1-based, in
 * characters; 0:0 only when the input could not be read at all).
 *
 * Worst cases with the default limits (measured in the loader's report): a 16 MiB document of
 * 4 million tiny scalars takes about 500 MB while it is loaded; alias bombs stop at go-yaml's
 * alias ratio after a few thousand steps; nesting stops at 1,000 levels. */
#ifndef KG_LOAD_H
#define KG_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../util/arena.h"
#include "../util/diag.h"
#include "node.h"

struct kg_load_limits {
	size_t max_doc_bytes;   /* one YAML document or one JSON input */
	unsigned max_depth;     /* nesting of maps and sequences (the JSON loader recurses this deep) */
	uint32_t max_nodes;     /* nodes and keys per document, aliases expanded (go-yaml's decode
				 * steps; go-yaml's own alias-ratio check applies below this cap) */
	bool positions;         /* JSON loader: give every node, key and duplicate-key record its
				 * line and column (default). When false they are all 0 (kg_doc.line
				 * too) and only an error's position is computed: for callers that read
				 * no positions (audit lines), this saves a pass over the input. The
				 * YAML loader always records positions. */
};

#define KG_LOAD_MAX_DOC_BYTES (16u << 20)
#define KG_LOAD_MAX_DEPTH 1000u
#define KG_LOAD_MAX_NODES 4000000u

/* Start from these (positions on) and change the fields you need. */
void kg_load_limits_default(struct kg_load_limits *lim);

/* A duplicate key (explicit, last one wins) or an explicit key that a later merge key (<<)
 * overrode: both hide a value from a reader of the file. */
struct kg_dupkey {
	const char *path;  /* dotted path of the key, e.g. "spec.containers[0].securityContext.privileged" */
	unsigned first_line, first_col;   /* the value that lost */
	unsigned second_line, second_col; /* the value that won (by_merge: the "<<" key) */
	int by_merge;      /* 1 when a merge key overrode an explicit key */
};

struct kg_doc {
	const struct kg_node *root; /* never NULL when delivered; empty documents are skipped */
	const char *file;           /* display name, borrowed */
	unsigned index;             /* 0-based number of the document in its input; documents that
				     * failed to load count, empty ones do not */
	unsigned line;              /* line where the document starts */
	const struct kg_dupkey *dups;
	unsigned ndups;
	struct kg_arena *arena;     /* owns the tree; callers may allocate from it too */
	/* Helm's provenance comment before the document (`# Source: chart/templates/x.yaml`, written
	 * by helm template for every document it renders): the chart file the object came from, or
	 * NULL. Borrowed like the tree. */
	const char *rendered_from;
};

struct kg_load_sink {
	void *ctx;
	/* Return nonzero to stop loading the current input. */
	int (*doc)(void *ctx, const struct kg_doc *doc);
	void (*error)(void *ctx, const struct kg_diag *diag);
};

struct kg_loader;

struct kg_loader *kg_loader_new(const struct kg_load_limits *lim);
void kg_loader_free(struct kg_loader *L);

/* Stream a whole input (YAML stream or JSON values, sniffed as kubectl does: JSON when the first
 * non-blank byte is '{'). Returns the number of errors reported (0 = clean). */
int kg_loader_file(struct kg_loader *L, const char *display, FILE *fp, const struct kg_load_sink *sink);
/* The same from a descriptor, read with read(2) (not closed). size: st_size when fd is a regular
 * file (a short read reaching it ends the input without one more read), else -1. */
int kg_loader_fd(struct kg_loader *L, const char *display, int fd, long long size, const struct kg_load_sink *sink);
/* The same for an in-memory input. */
int kg_loader_buffer(struct kg_loader *L, const char *display, const char *buf, size_t len,
		     const struct kg_load_sink *sink);

/* One YAML stream already in memory; first_line is the line number of buf[0] in the file. */
int kg_yaml_load(struct kg_loader *L, const char *display, const char *buf, size_t len,
		 unsigned first_line, unsigned *doc_index, const struct kg_load_sink *sink);
/* One or more JSON values separated by whitespace, each delivered as a document. */
int kg_json_load(struct kg_loader *L, const char *display, const char *buf, size_t len,
		 const struct kg_load_sink *sink);

/* Parse exactly one JSON value into arena (for request bodies and audit lines). Returns 0, or -1
 * with *err filled (file left NULL). Limits from L. The tree lives in arena. */
__attribute__((warn_unused_result))
int kg_json_parse(struct kg_loader *L, struct kg_arena *arena, const char *buf, size_t len,
		  const struct kg_node **root, struct kg_diag *err);

/* With on, every YAML document piece gets a parser of its own, as the splitter cuts them. By
 * default consecutive plain pieces (no directive or `...` line, no Helm source comment, LF line
 * ends) share one parser, which delivers the same documents and falls back to a parser per piece
 * from the first error on: the per-piece path exists for differential tests. */
void kg_loader_parser_per_piece(struct kg_loader *L, bool on);
/* With on, libyaml's reader decodes every input, also those it would pass through unchanged
 * (yaml_input.h): for differential tests. */
void kg_loader_yaml_reader(struct kg_loader *L, bool on);
/* libyaml parsers made by L so far. */
unsigned long kg_loader_parsers(const struct kg_loader *L);

/* The loader's own arena (reset before each document it delivers). */
struct kg_arena *kg_loader_arena(struct kg_loader *L);

#endif
