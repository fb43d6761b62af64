/* Internal: what the rules reader collects (ruleset.c) and the compiler turns into rules
 * (rs_compile.c). Every string and array lives in the ruleset arena. */
#ifndef KG_RS_PRIV_H
#define KG_RS_PRIV_H

#include "ruleset.h"

struct rs_ctx {
	const char *file;
	unsigned line, col;
};

struct rs_strs {
	const char **v;
	uint32_t n, cap;
};

struct rs_list {
	const char *name;
	struct rs_strs items;     /* as written, appends included */
	struct rs_strs expanded;  /* compiled */
	uint32_t index, visibility;
	struct rs_ctx ctx;
};

struct rs_macro {
	const char *name;
	const char *cond;
	uint32_t index, visibility;
	struct rs_ctx ctx;
	struct kg_ast *ast;
	const struct kg_enode *compiled;
	int state;      /* 0 not compiled, 1 compiling, 2 done */
	uint32_t seen;  /* validation pass marker */
	bool validated;
};

/* An exception entry: a scalar, or a list of entries. */
struct rs_exentry {
	bool valid, is_list;
	const char *item;
	struct rs_exentry *items;
	uint32_t n;
};

struct rs_exception {
	const char *name;
	struct rs_exentry fields, comps;
	struct rs_exentry *values;
	uint32_t nvalues;
	struct rs_ctx ctx;
};

struct rs_rule {
	const char *name;
	const char *cond, *output, *desc, *source;
	enum kg_priority priority;
	bool enabled;
	bool unknown_source;
	struct rs_strs tags;
	struct rs_exception *exceptions;
	uint32_t nexceptions;
	uint32_t index, visibility;
	struct rs_ctx ctx, cond_ctx;
};

struct kg_ruleset {
	struct kg_arena arena;
	struct rs_list *lists;
	uint32_t nlists, alists;
	struct rs_macro *macros;
	uint32_t nmacros, amacros;
	struct rs_rule *rules;
	uint32_t nrules, arules;
	uint32_t cur_index;
	struct kg_diag *warnings;
	uint32_t nwarnings, awarnings;
	bool compiled;
	/* compiled */
	struct kg_crule *crules;
	uint32_t ncrules;
	struct kg_slots slots;
	struct kg_regex_list regexes;
};

void rs_strs_push(struct kg_arena *a, struct rs_strs *s, const char *v);
void rs_warn(struct kg_ruleset *rs, const struct rs_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int rs_fail(struct kg_diag *err, const struct rs_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
