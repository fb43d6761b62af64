/* The document tree: what the Kubernetes API server would see after decoding YAML or JSON.
 *
 * Scalars are already typed with the API server's rules (YAML 1.1 as sigs.k8s.io/yaml over
 * go-yaml v2 reads it; see scalar.h). Map keys are strings (non-string YAML keys are stringified the
 * way sigs.k8s.io/yaml does), duplicate keys are resolved (last wins) and merge keys applied.
 * Every node and every key carries the 1-based line and column where it was written. An alias
 * shares the anchored node, so the tree may be a DAG; walkers must not assume parent uniqueness.
 *
 * Ownership: every node, key and string lives in the arena of the document that holds it and dies
 * with kg_arena_reset/release of that arena. Nodes are read-only after loading. */
#ifndef KG_NODE_H
#define KG_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum kg_type {
	KG_NULL = 0,
	KG_BOOL,
	KG_INT,
	KG_FLOAT,
	KG_STR,
	KG_MAP,
	KG_SEQ,
};

enum kg_node_flags {
	KG_NODE_QUOTED = 1 << 0,  /* scalar was quoted (or a block scalar) in YAML, or a JSON string */
	KG_NODE_TAGGED = 1 << 1,  /* an explicit tag decided the type */
	KG_NODE_UINT = 1 << 2,    /* integer above INT64_MAX: value in v.u */
	KG_NODE_ALIASED = 1 << 3, /* reached through an alias */
	KG_NODE_BIGINT = 1 << 4,  /* KG_FLOAT holding an integer beyond uint64 (0x1 and 16 zeros) */
};

struct kg_pair;

struct kg_node {
	uint8_t type;  /* enum kg_type */
	uint8_t flags; /* enum kg_node_flags */
	uint32_t line, col;
	uint32_t len;    /* string bytes, map pairs or sequence items */
	uint32_t weight; /* go-yaml decode steps for this subtree, aliases expanded (alias-bomb caps) */
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double f;
		const char *s;          /* NUL-terminated; may contain NUL bytes inside len */
		struct kg_pair *pairs;  /* KG_MAP */
		struct kg_node **items; /* KG_SEQ */
	} v;
	const char *text; /* scalars: the source spelling (e.g. "0x1F", "yes"); NULL for collections */
};

struct kg_pair {
	const char *key; /* NUL-terminated */
	uint32_t key_len;
	uint32_t line, col; /* position of the key */
	struct kg_node *value;
};

/* Type names for messages: "null", "boolean", "integer", "number", "string", "object", "array". */
const char *kg_type_name(enum kg_type t);

/* Lookup of a key in a map node; NULL when node is not a map or has no such key. The *n forms
 * take the key's length (the key need not be NUL-terminated). The others are inline so that the
 * length of a literal key is known at compile time. */
const struct kg_pair *kg_map_pairn(const struct kg_node *map, const char *key, size_t klen);
static inline const struct kg_node *kg_map_getn(const struct kg_node *map, const char *key, size_t klen)
{
	const struct kg_pair *p = kg_map_pairn(map, key, klen);
	return p ? p->value : NULL;
}
static inline const struct kg_pair *kg_map_pair(const struct kg_node *map, const char *key)
{
	return kg_map_pairn(map, key, strlen(key));
}
static inline const struct kg_node *kg_map_get(const struct kg_node *map, const char *key)
{
	return kg_map_getn(map, key, strlen(key));
}
/* Item i of a sequence, or NULL. */
const struct kg_node *kg_seq_at(const struct kg_node *seq, size_t i);

/* Follow a dotted path of map keys ("spec.template.spec"); NULL when any step is missing or a
 * step is KG_PATH_KEY_MAX bytes or longer. */
const struct kg_node *kg_node_get(const struct kg_node *n, const char *dotted);
#define KG_PATH_KEY_MAX 256
/* kg_node_get that also sets *nearest (when not NULL) to the deepest node reached: n itself when
 * the first step is missing, the result when the whole path exists. */
const struct kg_node *kg_path_walk(const struct kg_node *n, const char *dotted, const struct kg_node **nearest);
/* The same on the first len bytes of dotted. */
const struct kg_node *kg_path_walkn(const struct kg_node *n, const char *dotted, size_t len,
				    const struct kg_node **nearest);

/* Typed reads with the API server's decoding rules:
 * - kg_as_bool: only a boolean node gives a value (a string "true" does not: the API server would
 *   reject it).
 * - kg_as_int: an integer, or a float with a whole value in int64 range (sigs.k8s.io/yaml turns
 *   0.0 and 1e3 into JSON numbers that decode into int fields).
 * - kg_as_str: a string node.
 * Each returns true and sets *out when the node has that type; false otherwise (absent or wrong
 * type). Callers tell absent from wrong-type with n == NULL. */
bool kg_as_bool(const struct kg_node *n, bool *out);
bool kg_as_int(const struct kg_node *n, int64_t *out);
bool kg_as_str(const struct kg_node *n, const char **out);
/* String value or NULL. */
static inline const char *kg_str(const struct kg_node *n)
{
	return n && n->type == KG_STR ? n->v.s : NULL;
}
static inline bool kg_is_map(const struct kg_node *n) { return n && n->type == KG_MAP; }
static inline bool kg_is_seq(const struct kg_node *n) { return n && n->type == KG_SEQ; }
/* Boolean node with value true. */
static inline bool kg_is_true(const struct kg_node *n) { return n && n->type == KG_BOOL && n->v.b; }

/* Append a scalar's value as text ("true", "3", "0.5", the string) into buf (size bytes). */
void kg_scalar_text(const struct kg_node *n, char *buf, size_t size);

#endif
