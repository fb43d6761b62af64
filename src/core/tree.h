/* Internal: the tree builder shared by the YAML and JSON loaders. A loader drives it with
 * open/key/value/close calls in document order; the builder enforces the depth and node caps,
 * resolves duplicate keys (last wins, recorded), applies merge keys with go-yaml v2's order, and
 * copies finished collections into the document arena. Scratch stacks are reused across
 * documents. Errors: -1 with b->err filled (position set, file left to the caller). */
#ifndef KG_TREE_H
#define KG_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/diag.h"
#include "load.h"
#include "node.h"

struct kg_slot {
	const char *key; /* NULL in sequences */
	uint32_t klen, kline, kcol;
	struct kg_node *value;
	bool merge; /* value of a "<<" merge key */
};

struct kg_frame {
	bool is_map;
	bool have_key;        /* map: a key is waiting for its value */
	struct kg_slot key;   /* map: the waiting key */
	uint32_t slot_base;   /* first slot of this container on the slot stack */
	uint32_t line, col;
	const char *anchor;   /* YAML anchor to register on close, or NULL */
};

struct kg_tree {
	struct kg_arena *arena;
	struct kg_load_limits lim;
	struct kg_frame *frames;
	size_t nframes, aframes;
	struct kg_slot *slots;
	size_t nslots, aslots;
	uint32_t *hash; /* scratch index for large maps */
	size_t ahash;
	struct kg_dupkey *dups;
	size_t ndups, adups;
	struct kg_node *root;
	uint64_t weight; /* nodes in the document, aliases expanded */
	struct kg_diag err;
};

void kg_tree_init(struct kg_tree *b, struct kg_arena *arena, const struct kg_load_limits *lim);
void kg_tree_release(struct kg_tree *b);
void kg_tree_reset(struct kg_tree *b); /* start a new document */

int kg_tree_open(struct kg_tree *b, bool is_map, unsigned line, unsigned col, const char *anchor);
/* Map key; merge marks the "<<" key. The key text is copied. */
int kg_tree_key(struct kg_tree *b, const char *key, size_t len, unsigned line, unsigned col, bool merge);
/* Attach a finished node to the open container (or make it the root). */
int kg_tree_value(struct kg_tree *b, struct kg_node *n);
/* Finish the innermost container and attach it to its parent; *out gets the node. */
int kg_tree_close(struct kg_tree *b, struct kg_node **out);
/* Count an alias to n against the node cap. */
int kg_tree_count_alias(struct kg_tree *b, const struct kg_node *n, unsigned line, unsigned col);
/* Whether a map frame is waiting for a key (next scalar is a key). */
bool kg_tree_expect_key(const struct kg_tree *b);
/* True when the anchor name belongs to a container that is still open. */
bool kg_tree_anchor_open(const struct kg_tree *b, const char *anchor);

struct kg_node *kg_tree_scalar(struct kg_tree *b, enum kg_type type, unsigned line, unsigned col);

#endif
