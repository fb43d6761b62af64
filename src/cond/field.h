/* Fields of the Falco condition language for Kubernetes audit events: every ka.* field of the
 * k8saudit plugin (0.18.0), the json plugin's json.* / jevt.* fields, and kguard's own kg.* fields.
 * The table is static data; extraction (extract.c) turns one field into zero or more string
 * values read from an event's document tree.
 *
 * Ownership: extracted values point into the event tree or into the scratch arena given to the
 * extractor; both live until the caller resets them. Errors: none at extraction time (a field
 * that cannot be read is "not available", n == 0), like the upstream plugin. */
#ifndef KG_COND_FIELD_H
#define KG_COND_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/node.h"
#include "../util/arena.h"
#include "../util/buf.h"

enum kg_field_arg {
	KG_FARG_NONE,  /* no argument allowed */
	KG_FARG_INDEX, /* optional non-negative integer [N] */
	KG_FARG_KEY,   /* required key [K] */
};

enum kg_field_type {
	KG_FT_STRING, /* compared as strings (every ka.* and json.* field) */
	KG_FT_UINT,   /* compared as unsigned integers (kguard counters) */
};

struct kg_field {
	const char *name;
	uint16_t id;
	uint8_t list;  /* one value per item: in/intersects/exists only */
	uint8_t arg;   /* enum kg_field_arg */
	uint8_t type;  /* enum kg_field_type */
	const char *desc;
};

/* One extracted value. s is NUL-terminated (len excludes the NUL). */
struct kg_cval {
	const char *s;
	uint32_t len;
};

/* Values of one field for one event; n == 0 means "not available". */
struct kg_cvals {
	uint32_t n;
	const struct kg_cval *v;
};

/* Field lookup by exact name; NULL when unknown. */
const struct kg_field *kg_field_find(const char *name, size_t len);
/* Longest known field name that prefixes s (output strings: "%ka.user.name)" finds ka.user.name). */
const struct kg_field *kg_field_prefix(const char *s);
size_t kg_field_count(void);
const struct kg_field *kg_field_at(size_t i);

/* Per-process state of kguard's stateful kg.* fields (audit/burst.c). */
struct kg_field_state;
/* Number of authorization failures of the event's user in the current window (0 when unknown). */
uint64_t kg_field_state_authz_failures(const struct kg_field_state *st);

/* What an extraction reads. */
struct kg_event_view {
	const struct kg_node *root; /* the audit Event object */
	uint64_t ts_ns;             /* stageTimestamp in ns since the epoch */
	const struct kg_field_state *state; /* NULL: kg.* fields are not available */
};

/* Scratch reused between extractions: malloc'd on first use, grown rarely, never shrunk, so
 * steady-state extraction does not call malloc. Values built from the tree go into arena. */
struct kg_xctx {
	struct kg_arena *arena;
	struct kg_cval *vals;
	size_t nvals, avals;
	const struct kg_node **nodes;
	size_t nnodes, anodes;
	struct kg_buf text;
};

void kg_xctx_init(struct kg_xctx *x, struct kg_arena *arena);
void kg_xctx_release(struct kg_xctx *x);

/* Extract field f with argument arg (NULL when none; idx is the parsed index, -1 when none) into
 * out. out->v lives in x->arena. */
void kg_field_extract(const struct kg_field *f, const char *arg, int64_t idx, const struct kg_event_view *ev,
		      struct kg_xctx *x, struct kg_cvals *out);

/* JSON text of a node: compact (as the plugins re-emit values) or indented by two spaces (Go's
 * json.Indent, for json.obj). Appended to b; -1 when b's cap is reached. */
int kg_node_json(const struct kg_node *n, struct kg_buf *b, bool pretty);

#endif
