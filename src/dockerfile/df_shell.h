/* A POSIX-shell command splitter for RUN scripts: finds every simple command (also inside
 * $(...), `...`, <(...), subshells, if/while/for/case bodies) with its words unquoted, its
 * leading NAME=value assignments, the pipes between commands and the source offset of every
 * word. It does not execute or expand anything: $VAR and $(...) stay as written in the words.
 *
 * Ownership: everything lives in the arena given to kg_sh_parse. Errors: none; unbalanced
 * quotes end the script, and the caps (depth, words, commands) set `truncated`. */
#ifndef KG_DF_SHELL_H
#define KG_DF_SHELL_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/arena.h"

enum {
	KG_SH_QUOTED = 1 << 0,  /* some part of the word was quoted */
	KG_SH_EXPANDS = 1 << 1, /* the word holds $..., `...` or $(...) */
};

struct kg_sh_word {
	const char *s;   /* unquoted text */
	uint32_t off;    /* offset of the word's first byte in the script */
	uint32_t len;    /* source bytes the word spans */
	uint8_t flags;
};

struct kg_sh_cmd {
	const struct kg_sh_word *w;      /* words after the assignments; w[0] is the command */
	unsigned nw;
	const struct kg_sh_word *assign; /* leading NAME=value words */
	unsigned nassign;
	uint32_t off;
	int pipe_to;     /* index of the command reading this one's output through '|', or -1 */
	int parent;      /* command whose word holds this one ($(...), `...`, <(...)), or -1 */
	bool pipe_in;
};

struct kg_sh {
	struct kg_sh_cmd *cmds;
	unsigned n;
	bool has_pipe;
	bool truncated;
};

#define KG_SH_MAX_DEPTH 32
#define KG_SH_MAX_WORDS 65536
#define KG_SH_MAX_CMDS 16384

void kg_sh_parse(struct kg_arena *a, const char *script, size_t len, struct kg_sh *out);

/* A command seen through wrappers (sudo, env, exec, nohup, time, nice, command, doas, gosu,
 * su-exec, busybox): the program's base name and its arguments. */
struct kg_sh_view {
	const struct kg_sh_cmd *cmd;
	const char *name;               /* "apt-get" for /usr/bin/apt-get */
	const struct kg_sh_word *args;  /* words after the program */
	unsigned nargs;
	bool via_sudo;
};

/* False when the command has no program word (assignments only). */
bool kg_sh_view(const struct kg_sh_cmd *c, struct kg_sh_view *v);
/* An argument equal to s. */
bool kg_sh_has_arg(const struct kg_sh_view *v, const char *s);
/* A flag in hadolint's sense: "--name[=v]" gives name, "-abc" gives a, b and c. */
bool kg_sh_has_flag(const struct kg_sh_view *v, const char *flag);
unsigned kg_sh_count_flag(const struct kg_sh_view *v, const char *flag);
bool kg_sh_is_flag(const char *word);
/* Arguments that are neither flags nor the value word after one of the flags in takes_value
 * (NULL-terminated list of flag names, e.g. {"t", "target-release", NULL}). */
unsigned kg_sh_operands(const struct kg_sh_view *v, const char *const *takes_value, const struct kg_sh_word **out,
			unsigned max);

#endif
