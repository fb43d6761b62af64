/* Dockerfile syntax tree, parser and word expansion, as BuildKit's frontend reads them.
 *
 * kg_df_parse turns one Dockerfile into a list of instructions with the arguments BuildKit's
 * parser gives (parser directives, both escape characters, continuations with comments and blank
 * lines inside, heredocs, exec/JSON and shell forms, flags, ONBUILD) and the source position of
 * every byte of each instruction. kg_df_dump prints an instruction the way BuildKit's AST Dump()
 * does, which the conformance tests compare with BuildKit's own expectations.
 *
 * Ownership: a kg_df and everything it points to live in the arena given to kg_df_parse and die
 * with kg_arena_reset/release of that arena. Nothing here prints.
 * Errors: every problem is reported through the error callback as a kg_diag (file, line, column,
 * message); parsing goes on with the next instruction, so one file yields all its errors.
 * Hostile input is bounded by the caps in struct kg_df_limits. */
#ifndef KG_DF_H
#define KG_DF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/diag.h"

enum kg_df_kw {
	KG_DF_UNKNOWN = 0,
	KG_DF_ADD,
	KG_DF_ARG,
	KG_DF_CMD,
	KG_DF_COPY,
	KG_DF_ENTRYPOINT,
	KG_DF_ENV,
	KG_DF_EXPOSE,
	KG_DF_FROM,
	KG_DF_HEALTHCHECK,
	KG_DF_LABEL,
	KG_DF_MAINTAINER,
	KG_DF_ONBUILD,
	KG_DF_RUN,
	KG_DF_SHELL,
	KG_DF_STOPSIGNAL,
	KG_DF_USER,
	KG_DF_VOLUME,
	KG_DF_WORKDIR,
};

/* Keyword from a name (case-insensitive); KG_DF_UNKNOWN when it is none. */
enum kg_df_kw kg_df_keyword(const char *name);
/* Upper-case name of a keyword ("RUN"); "" for KG_DF_UNKNOWN. */
const char *kg_df_kw_name(enum kg_df_kw kw);

/* Where a stretch of an instruction's logical line came from: bytes [off, next seg's off) were
 * written on source line `line` starting at column `col` (1-based, in bytes). */
struct kg_df_seg {
	uint32_t off;
	uint32_t line;
	uint32_t col;
};

struct kg_df_heredoc {
	const char *name;    /* terminator word, quotes removed */
	const char *content; /* body as written (tabs kept even for <<-), NUL-terminated */
	uint32_t len;
	uint32_t line;       /* source line of the first body line */
	unsigned fd;         /* 3 for 3<<EOF, else 0 */
	bool expand;         /* false when any part of the word was quoted */
	bool chomp;          /* <<- */
};

struct kg_df_comment {
	const char *text;    /* after '#', surrounding blanks trimmed */
	uint32_t line, col;
};

struct kg_df_instr {
	enum kg_df_kw kw;
	const char *name;       /* the keyword as written ("RUN", "run"); "" when absent */
	const char *text;       /* logical line: continuations joined, comment lines dropped */
	const char *rest;       /* arguments after the flags, trimmed */
	uint32_t rest_off;      /* offset of rest in text */
	uint32_t text_off;      /* offset of text in the top instruction's text (ONBUILD children) */
	const char **flags;     /* "--mount=type=cache,target=/x" as BuildKit extracts them */
	unsigned nflags;
	const char **args;      /* arguments as BuildKit's line parsers give them (see df_args.c) */
	const uint32_t *arg_lens; /* byte lengths (a JSON "\u0000" keeps its NUL here; args[i] ends there) */
	unsigned nargs;
	bool json;              /* exec (JSON array) form */
	struct kg_df_instr *sub;/* ONBUILD: the triggered instruction */
	struct kg_df_heredoc *heredocs;
	unsigned nheredocs;
	uint32_t line, end_line, col; /* first and last source line, column of the keyword */
	const struct kg_df_seg *segs; /* shared by an instruction and its ONBUILD child */
	unsigned nsegs;
	const struct kg_df_comment *comments; /* comment lines directly above (no blank line between) */
	unsigned ncomments;
	unsigned index;         /* 0-based position in the file */
};

struct kg_df {
	const char *file;
	char escape;            /* '\\' or '`' */
	const char *syntax;     /* `# syntax=` value or NULL */
	const char *check;      /* `# check=` value or NULL */
	struct kg_df_instr *ins;
	unsigned n;
	struct kg_df_comment *comments; /* every comment line outside instructions, in order */
	unsigned ncomments;
	uint32_t *empty_cont;   /* lines of empty continuation lines (BuildKit warns about them) */
	unsigned nempty_cont;
	unsigned nerrors;
	unsigned nlines;
};

struct kg_df_limits {
	size_t max_file;        /* whole input */
	size_t max_line;        /* one physical line (BuildKit: 64 KiB) */
	size_t max_instr;       /* one logical line after joining continuations */
	unsigned max_instrs;    /* instructions per file */
	unsigned max_heredocs;  /* heredocs per instruction */
};

#define KG_DF_MAX_FILE (8u << 20)
#define KG_DF_MAX_LINE 65535u
#define KG_DF_MAX_INSTR (1u << 20)
#define KG_DF_MAX_INSTRS 100000u
#define KG_DF_MAX_HEREDOCS 64u

void kg_df_limits_default(struct kg_df_limits *lim);

typedef void (*kg_df_error_fn)(void *ctx, const struct kg_diag *d);

/* Parse a whole Dockerfile held in buf. lim may be NULL (defaults). Never returns NULL: the result
 * holds whatever parsed, and nerrors counts the problems reported to on_error. file is borrowed
 * and must outlive the result. */
struct kg_df *kg_df_parse(struct kg_arena *a, const char *file, const char *buf, size_t len,
			  const struct kg_df_limits *lim, kg_df_error_fn on_error, void *ctx);

/* Source position of byte `off` of in->text. */
void kg_df_pos(const struct kg_df_instr *in, uint32_t off, unsigned *line, unsigned *col);

/* Append BuildKit's AST Dump() of one instruction: `(run "echo hi")`, `(copy ["--from=a"] "x" "y")`. */
int kg_df_dump(const struct kg_df_instr *in, struct kg_buf *b);
/* Append s as Go's strconv.Quote writes it. */
int kg_df_goquote(struct kg_buf *b, const char *s, size_t n);

/* ---- Word expansion (BuildKit's shell.Lex): quotes, escapes, $VAR, ${VAR}, ${VAR:-x},
 * ${VAR:+x}, ${VAR-x}, ${VAR+x}, ${VAR?x}, ${VAR:?x}, ${VAR#p}, ${VAR##p}, ${VAR%p}, ${VAR%%p},
 * ${VAR/p/r}, ${VAR//p/r}. */

/* Variable lookup: return the value (NUL-terminated) or NULL when unset. */
typedef const char *(*kg_df_getenv_fn)(void *ctx, const char *name);

struct kg_df_lex {
	char escape;           /* '\\' or '`' */
	bool raw_quotes;       /* keep quote characters in the result */
	bool raw_escapes;      /* keep escape characters in the result */
	bool skip_unset;       /* leave references to unset variables as written */
	kg_df_getenv_fn get;   /* NULL: every variable is unset */
	void *ctx;
};

#define KG_DF_MAX_EXPANSION (64u << 10)

/* Expand one word (quotes removed, variables substituted, spaces kept). Returns 0 with *out in
 * arena, or -1 with a message in err (BuildKit's wording). */
__attribute__((warn_unused_result))
int kg_df_expand(const struct kg_df_lex *lx, struct kg_arena *a, const char *in, size_t len, char **out,
		 char *err, size_t errsz);
/* Expand and split into words after substitution (quoted spaces kept). */
__attribute__((warn_unused_result))
int kg_df_expand_words(const struct kg_df_lex *lx, struct kg_arena *a, const char *in, size_t len,
		       char ***words, unsigned *nwords, char *err, size_t errsz);

#endif
