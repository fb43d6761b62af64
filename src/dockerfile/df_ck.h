/* Internals of the Dockerfile checks (df_check.c, df_check_run.c, df_config.c). */
#ifndef KG_DF_CK_H
#define KG_DF_CK_H

#include <stdbool.h>

#include "df_check.h"
#include "df_shell.h"

/* Variables (and stage names) by name: open addressing in the arena. ENV maps are copied into
 * child stages, ARG maps are not (an ARG's scope ends with its stage). */
struct ck_vent {
	const char *name;
	const char *value; /* NULL: declared without a value */
	int idx;           /* stage index (stage-name map) */
};

struct ck_vmap {
	struct ck_vent *e;
	unsigned cap, n;
};

struct ck_stage {
	const struct kg_df_instr *from; /* NULL for the implicit stage before any FROM */
	const char *name;               /* AS name, lower-cased; NULL when none */
	const char *image;              /* base image after ARG expansion */
	int parent;                     /* stage this one is built FROM, or -1 */
	struct ck_vmap env, args;
	const char *user;               /* last USER of this stage (expanded), NULL when none */
	const struct kg_df_instr *user_in;
	bool workdir_abs;               /* an absolute WORKDIR was set here or in a parent stage */
	bool workdir_any;
	bool healthcheck;               /* HEALTHCHECK here or in a parent stage */
	bool pipefail;                  /* SHELL sets pipefail (or a non-POSIX shell) */
	bool nonposix;                  /* SHELL is powershell/cmd */
	bool apt_no_recommends;         /* apt configured not to install recommends */
	bool apt_assume_yes;
	unsigned ncmd, nentry, nhealth;
};

/* A finding held back until we know whether its stage ends up in the image. */
struct ck_pending {
	enum kg_dfr rule;
	const struct kg_df_instr *in;
	unsigned line, col;
	const char *msg;
	int stage;
};

struct ck_ignore {
	const char *const *ids;
	unsigned n;
};

struct ck {
	const struct kg_df *df;
	const struct kg_df_config *cfg;
	struct kg_arena *a;
	struct kg_report *r;
	struct ck_stage *st;
	unsigned nst, ast;
	int cur;                       /* current stage, -1 before any */
	struct ck_vmap meta;           /* ARGs before the first FROM */
	struct ck_vmap names;          /* stage name (lower case) -> index */
	unsigned nvars;                /* ARG/ENV definitions so far (capped) */
	bool stopped;                  /* a cap was reached: the rest is not checked */
	struct ck_ignore global;       /* file-wide ignores */
	struct ck_ignore *per;         /* per instruction ignores, df->n entries */
	struct ck_pending *pend;
	unsigned npend, apend;
};

/* A script to analyse and how to map its offsets back to the file. */
struct ck_script {
	const struct kg_df_instr *in;
	const char *s;
	size_t len;
	int kind;                      /* 0: shell form (offset + rest_off), 1: heredoc, 2: no map */
	const struct kg_df_heredoc *hd;
};

/* Emit a finding now (or hold it for stage `stage` when hold is true). */
void ck_emit(struct ck *c, enum kg_dfr rule, const struct kg_df_instr *in, unsigned line, unsigned col,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void ck_hold(struct ck *c, enum kg_dfr rule, const struct kg_df_instr *in, unsigned line, unsigned col,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void ck_pos(const struct ck_script *sc, uint32_t off, unsigned *line, unsigned *col);

/* Stage helpers. */
struct ck_stage *ck_stage(struct ck *c);
const char *ck_lookup(const struct ck *c, const char *name);
/* Index of the earlier stage with that name (case-insensitive), or -1. */
int ck_stage_index(const struct ck *c, const char *name);
/* Expand a word with the current stage's variables (unset ones stay as written). NULL on error. */
const char *ck_expand(struct ck *c, const char *word);
/* Expand as the build would: undeclared variables are empty. NULL when the word uses a variable
 * declared without a value (given at build time), a command substitution, or does not parse. */
const char *ck_expand_declared(struct ck *c, const char *word);

/* Report an image (FROM, COPY --from, RUN --mount from=) outside the trusted registries. */
void ck_check_registry(struct ck *c, const struct kg_df_instr *in, const char *image, const char *what);

/* RUN analysis (df_check_run.c). */
void ck_run(struct ck *c, const struct kg_df_instr *in);
/* Variables that disable TLS verification, for ENV/ARG and shell assignments; returns a short
 * description or NULL. */
const char *ck_tls_env(const char *name, const char *value);

/* Suppressions and secrets (df_config.c). */
void ck_pragmas(struct ck *c);
bool ck_ignored(const struct ck *c, const struct kg_rule *rule, const struct kg_df_instr *in);
enum kg_severity ck_severity(const struct ck *c, const struct kg_rule *rule);
bool ck_secret_name(const char *name);
/* A value with the shape of a real credential; returns its kind ("AWS access key id") or NULL. */
const char *ck_secret_value(const char *value);
/* A key or credentials file path; returns a description or NULL. */
const char *ck_secret_path(const char *path);

#endif
