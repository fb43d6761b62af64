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

struct kg_frame {
	bool is_map;
	bool have_key;        /* map: a key is waiting for its value */
	bool merges;          /* map: some entry is a "<<" merge */
	bool merge_seq;       /* a sequence that is the value of "<<" (go-yaml does not count it) */
	struct kg_pair key;   /* map: the waiting key (value unused) */
	uint64_t kw;          /* go-yaml decode steps of the waiting key */
	uint64_t w;           /* decode steps of the entries so far (see weight in kg_tree) */
	uint32_t slot_base;   /* first slot of this container on the slot stack */
	uint32_t line, col;
	const char *anchor;   /* YAML anchor to register on close, or NULL */
};

struct kg_tree {
	struct kg_arena *arena;
	struct kg_load_limits lim;
	struct kg_frame *frames;
	size_t nframes, aframes;
	/* entries of the open containers, laid out as the pairs of a finished map so that a map
	 * without merges or duplicates is one copy; sequences use only value; a "<<" merge key
	 * points at the builder's own "<<" string */
	struct kg_pair *slots;
	size_t nslots, aslots;
	uint32_t *hash; /* scratch index for large maps */
	size_t ahash;
	struct kg_dupkey *dups;
	size_t ndups, adups;
	struct kg_node *root;
	/* go-yaml's alias-bomb guard, reproduced: every node it visits while decoding (keys too,
	 * alias targets again at each alias) is a decode step; steps inside an alias expansion are
	 * also aliased steps. go-yaml fails with "document contains excessive aliasing" when aliased
	 * > 100, decodes > 1000 and aliased/decodes passes a ratio falling from 0.99 (at 400,000
	 * steps) to 0.10 (at 4,000,000). lim.max_nodes caps decodes on top of that. */
	uint64_t decodes, aliased;
	uint64_t seed[2]; /* random key of kg_tree_hash, against crafted hash collisions */
	struct kg_diag err;
};

void kg_tree_init(struct kg_tree *b, struct kg_arena *arena, const struct kg_load_limits *lim);
void kg_tree_release(struct kg_tree *b);
void kg_tree_reset(struct kg_tree *b); /* start a new document */

int kg_tree_open(struct kg_tree *b, bool is_map, unsigned line, unsigned col, const char *anchor);
/* Map key; merge marks the "<<" key. The key text is copied. */
int kg_tree_key(struct kg_tree *b, const char *key, size_t len, unsigned line, unsigned col, bool merge);
/* The same for a key that is not "<<" and already lives in b->arena, NUL-terminated: not copied. */
int kg_tree_key_owned(struct kg_tree *b, const char *key, size_t len, unsigned line, unsigned col);
/* Attach a finished node to the open container (or make it the root). Scalars and alias nodes
 * count as decode steps here; collections were counted by kg_tree_open. */
int kg_tree_value(struct kg_tree *b, struct kg_node *n);
/* Finish the innermost container and attach it to its parent; *out gets the node. */
int kg_tree_close(struct kg_tree *b, struct kg_node **out);
/* A map key written as an alias of target: counted like go-yaml (the alias plus its target). */
int kg_tree_alias_key(struct kg_tree *b, const char *key, size_t len, unsigned line, unsigned col,
		      const struct kg_node *target);
/* A node standing for an alias of target (a copy of target flagged KG_NODE_ALIASED), counted
 * against the alias caps at the alias's position; NULL with b->err set when a cap is hit. */
struct kg_node *kg_tree_alias(struct kg_tree *b, const struct kg_node *target, unsigned line, unsigned col);
/* Whether a map frame is waiting for a key (next scalar is a key). */
static inline bool kg_tree_expect_key(const struct kg_tree *b)
{
	return b->nframes && b->frames[b->nframes - 1].is_map && !b->frames[b->nframes - 1].have_key;
}
/* True when the anchor name belongs to a container that is still open. */
bool kg_tree_anchor_open(const struct kg_tree *b, const char *anchor);

struct kg_node *kg_tree_scalar(struct kg_tree *b, enum kg_type type, unsigned line, unsigned col);

/* Keyed hash (SipHash-1-3 with b->seed) for the loader's hash tables. */
uint64_t kg_tree_hash(const struct kg_tree *b, const void *data, size_t len);

#endif
