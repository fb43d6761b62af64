/* The Falco condition language: parsing condition text into a syntax tree (parse.c), compiling
 * it once into an evaluation tree with fields, operators and values resolved (compile.c), and
 * evaluating that tree against events without allocating (eval.c).
 *
 * Grammar and semantics follow libsinsp's filter parser and comparisons: `or` < `and` < `not`;
 * checks are `FIELD[ARG] OP VALUE`, `FIELD exists`, or a macro name; values are bare words or
 * quoted strings, lists are `(a, "b c")`. A comparison on a field the event does not have is
 * false whatever the operator; list fields take in (every value in the set), intersects (any)
 * and exists.
 *
 * Ownership: syntax and evaluation trees live in the arena given to the parser/compiler (the
 * ruleset's) and are read-only afterwards, so one compiled tree can be shared by threads, each
 * with its own kg_cond_eval. Errors: -1 with a kg_diag whose col is the 1-based character
 * offset in the condition text (line left 0: the caller maps it to the rules file). */
#ifndef KG_COND_H
#define KG_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/diag.h"
#include "field.h"

enum kg_cmpop {
	KG_OP_EQ,
	KG_OP_NE,
	KG_OP_LT,
	KG_OP_LE,
	KG_OP_GT,
	KG_OP_GE,
	KG_OP_CONTAINS,
	KG_OP_ICONTAINS,
	KG_OP_BCONTAINS,
	KG_OP_STARTSWITH,
	KG_OP_BSTARTSWITH,
	KG_OP_ENDSWITH,
	KG_OP_GLOB,
	KG_OP_IGLOB,
	KG_OP_REGEX,
	KG_OP_IN,
	KG_OP_INTERSECTS,
	KG_OP_PMATCH,
	KG_OP_EXISTS,
};

const char *kg_cmpop_name(enum kg_cmpop op);
/* Operator from its spelling ("=", "in", "startswith", ...); -1 when unknown. */
int kg_cmpop_parse(const char *s);
/* in, intersects, pmatch: the right-hand side is a list. */
bool kg_cmpop_is_list(enum kg_cmpop op);

enum kg_ast_kind { KG_AST_AND, KG_AST_OR, KG_AST_NOT, KG_AST_IDENT, KG_AST_CHECK };

struct kg_ast {
	uint8_t kind;
	uint8_t op;       /* KG_AST_CHECK: enum kg_cmpop */
	uint8_t rhs_list; /* KG_AST_CHECK: the value was written as a list */
	uint32_t pos;     /* byte offset of the node in the condition */
	uint32_t n;       /* children (AND/OR/NOT) or values (CHECK) */
	struct kg_ast **kids;
	const char **vals;
	const char *name; /* IDENT: macro name; CHECK: field name */
	const char *arg;  /* CHECK: field argument, NULL when none */
};

#define KG_COND_MAX_DEPTH 1000
#define KG_COND_MAX_LEN (1u << 20)

/* Parse condition text into an AST allocated in arena. */
__attribute__((warn_unused_result))
int kg_cond_parse(const char *text, struct kg_arena *arena, struct kg_ast **out, struct kg_diag *err);

/* ---- compiled trees ---- */

enum kg_enode_kind { KG_EN_AND, KG_EN_OR, KG_EN_NOT, KG_EN_CHECK, KG_EN_MEMO };

/* A distinct (field, argument) pair: evaluation caches one extraction per slot per event. */
struct kg_slot {
	const struct kg_field *field;
	const char *arg;  /* NULL when none */
	int64_t idx;      /* parsed index argument, -1 when none */
	const char *text; /* "ka.uri.param[command]": the name as written (output_fields keys) */
};

struct kg_slots {
	struct kg_slot *v;
	uint32_t n, cap;
	uint32_t nmemo; /* KG_EN_MEMO nodes (shared macro bodies evaluated once per event) */
};

/* Intern a slot; returns its index. Strings are copied into arena. */
uint32_t kg_slots_intern(struct kg_slots *s, struct kg_arena *arena, const struct kg_field *f, const char *arg, int64_t idx);

struct kg_enode {
	uint8_t kind;
	uint8_t op;
	uint8_t list_field; /* the field is list-valued */
	uint8_t numeric;    /* compare as unsigned integers */
	uint32_t n;         /* children, or values */
	const struct kg_enode **kids;
	uint32_t slot;      /* CHECK: field slot; MEMO: memo index */
	const struct kg_cval *vals; /* sorted for in/intersects */
	const uint64_t *nums;
	void *re;           /* pcre2_code * for regex */
};

/* Resolve macro names while compiling: return the compiled tree of macro `name`, NULL with err
 * filled when undefined (or failing to compile). */
struct kg_macro_resolver {
	void *ctx;
	const struct kg_enode *(*resolve)(void *ctx, const char *name, uint32_t pos, struct kg_diag *err);
};

/* Regular expressions held by compiled nodes (the arena frees everything else). */
struct kg_regex_list {
	void **v;
	uint32_t n, cap;
};
void kg_regex_list_free(struct kg_regex_list *l);

/* What the compiler allocates into and resolves against. */
struct kg_cond_cc {
	struct kg_arena *arena;
	struct kg_slots *slots;
	struct kg_regex_list *regexes;
	const struct kg_macro_resolver *macros; /* NULL: any macro name is an error */
};

__attribute__((warn_unused_result))
int kg_cond_compile(const struct kg_ast *ast, const struct kg_cond_cc *cc, const struct kg_enode **out,
		    struct kg_diag *err);

/* ---- evaluation ---- */

struct kg_cond_eval {
	const struct kg_slots *slots;
	struct kg_arena arena; /* per-event scratch, reset by kg_cond_eval_begin */
	struct kg_xctx x;
	struct kg_cvals *cache;
	uint32_t *epoch_of;
	uint32_t *memo_epoch;
	uint8_t *memo_val;
	uint32_t epoch;
	struct kg_event_view ev;
	void *md; /* pcre2_match_data * */
};

void kg_cond_eval_init(struct kg_cond_eval *e, const struct kg_slots *slots);
void kg_cond_eval_release(struct kg_cond_eval *e);
/* Start a new event: forget cached values and scratch memory. */
void kg_cond_eval_begin(struct kg_cond_eval *e, const struct kg_event_view *ev);
bool kg_cond_eval(struct kg_cond_eval *e, const struct kg_enode *n);
/* Values of a slot for the current event (cached). */
const struct kg_cvals *kg_cond_eval_slot(struct kg_cond_eval *e, uint32_t slot);

#endif
