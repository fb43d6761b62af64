/* Shell command splitter for RUN scripts (see df_shell.h). A small recursive-descent reader of
 * POSIX shell syntax: words with quoting and escapes, operators (; & && || | |& ( ) newline),
 * redirections (their targets are not words of the command), here-documents inside scripts,
 * reserved words, and $(...), `...`, <(...) parsed as nested command lists. */
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "df_shell.h"

struct heredoc {
	const char *delim;
	bool chomp;
};

struct st {
	struct kg_arena *a;
	const char *s;
	size_t n, i;
	struct kg_sh_cmd *cmds;
	unsigned ncmds, acmds;
	unsigned nwords;
	struct heredoc hd[16];
	unsigned nhd;
	bool has_pipe, truncated;
};

struct frame {
	struct kg_sh_word *w, *as;
	unsigned nw, aw, nas, aas;
	int idx;
	int parent;
	int *pending_pipe;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_op(char c)
{
	return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>' || c == '\n';
}

static bool name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

static int reserve(struct st *st, struct frame *f)
{
	if (f->idx >= 0)
		return f->idx;
	if (st->ncmds >= KG_SH_MAX_CMDS) {
		st->truncated = true;
		return -1;
	}
	if (st->ncmds == st->acmds) {
		unsigned na = st->acmds ? st->acmds * 2 : 16;
		struct kg_sh_cmd *nc = realloc(st->cmds, na * sizeof(*nc));
		if (!nc)
			abort();
		st->cmds = nc;
		st->acmds = na;
	}
	int idx = (int)st->ncmds++;
	struct kg_sh_cmd *c = &st->cmds[idx];
	memset(c, 0, sizeof(*c));
	c->pipe_to = -1;
	c->parent = f->parent;
	if (*f->pending_pipe >= 0) {
		st->cmds[*f->pending_pipe].pipe_to = idx;
		c->pipe_in = true;
		*f->pending_pipe = -1;
	}
	f->idx = idx;
	return idx;
}

static void push_word(struct st *st, struct kg_sh_word **v, unsigned *n, unsigned *alloc, const struct kg_sh_word *w)
{
	if (st->nwords >= KG_SH_MAX_WORDS) {
		st->truncated = true;
		return;
	}
	if (*n == *alloc) {
		unsigned na = *alloc ? *alloc * 2 : 8;
		struct kg_sh_word *nv = realloc(*v, na * sizeof(*nv));
		if (!nv)
			abort();
		*v = nv;
		*alloc = na;
	}
	(*v)[(*n)++] = *w;
	st->nwords++;
}

/* Store the frame's words in its command; returns the command index or -1. */
static int finish(struct st *st, struct frame *f)
{
	int idx = f->idx;
	if (idx >= 0) {
		struct kg_sh_cmd *c = &st->cmds[idx];
		if (f->nw) {
			struct kg_sh_word *w = kg_arena_alloc(st->a, f->nw * sizeof(*w));
			memcpy(w, f->w, f->nw * sizeof(*w));
			c->w = w;
			c->nw = f->nw;
			c->off = w[0].off;
		}
		if (f->nas) {
			struct kg_sh_word *w = kg_arena_alloc(st->a, f->nas * sizeof(*w));
			memcpy(w, f->as, f->nas * sizeof(*w));
			c->assign = w;
			c->nassign = f->nas;
			c->off = w[0].off;
		}
	}
	f->idx = -1;
	f->nw = f->nas = 0;
	return idx;
}

/* Skip a balanced (...) or {...} region without recursion (used past the depth cap). */
static void skip_balanced(struct st *st, char open, char close)
{
	int depth = 1;
	while (st->i < st->n && depth) {
		char c = st->s[st->i++];
		if (c == '\\' && st->i < st->n)
			st->i++;
		else if (c == '\'') {
			while (st->i < st->n && st->s[st->i] != '\'')
				st->i++;
			st->i++;
		} else if (c == open)
			depth++;
		else if (c == close)
			depth--;
	}
	if (st->i > st->n)
		st->i = st->n;
}

static void parse_list(struct st *st, char end, int parent, int depth);

/* A nested command list ending at `end`; commands inside get `parent`. */
static void nested(struct st *st, char end, char open, int parent, int depth)
{
	if (depth >= KG_SH_MAX_DEPTH) {
		st->truncated = true;
		skip_balanced(st, open, end);
		return;
	}
	parse_list(st, end, parent, depth + 1);
}

/* ${...}: up to the matching brace. */
static void skip_braces(struct st *st)
{
	skip_balanced(st, '{', '}');
}

/* $((...)) */
static void skip_arith(struct st *st)
{
	skip_balanced(st, '(', ')');
	if (st->i < st->n && st->s[st->i] == ')')
		st->i++;
}

static void dollar(struct st *st, struct kg_buf *t, uint8_t *flags, struct frame *f, int depth)
{
	size_t start = st->i;
	const char *s = st->s;
	st->i++;
	if (st->i >= st->n) {
		kg_buf_addc(t, '$');
		return;
	}
	char c = s[st->i];
	if (c == '\'') { /* $'...' ANSI-C quoting */
		st->i++;
		while (st->i < st->n && s[st->i] != '\'') {
			char ch = s[st->i++];
			if (ch == '\\' && st->i < st->n) {
				char e = s[st->i++];
				ch = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
			}
			kg_buf_addc(t, ch);
		}
		st->i++;
		if (st->i > st->n)
			st->i = st->n;
		*flags |= KG_SH_QUOTED;
		return;
	} else if (c == '(' && st->i + 1 < st->n && s[st->i + 1] == '(') {
		st->i += 2;
		skip_arith(st);
		*flags |= KG_SH_EXPANDS;
	} else if (c == '(') {
		st->i++;
		nested(st, ')', '(', reserve(st, f), depth);
		*flags |= KG_SH_EXPANDS;
	} else if (c == '{') {
		st->i++;
		skip_braces(st);
		*flags |= KG_SH_EXPANDS;
	} else if (name_start(c)) {
		while (st->i < st->n && name_char(s[st->i]))
			st->i++;
		*flags |= KG_SH_EXPANDS;
	} else if ((c >= '0' && c <= '9') || strchr("@*#?-$!", c)) {
		st->i++;
		*flags |= KG_SH_EXPANDS;
	} else {
		kg_buf_addc(t, '$');
		return;
	}
	if (st->i > st->n)
		st->i = st->n;
	kg_buf_add(t, s + start, st->i - start);
}

static void backtick(struct st *st, struct kg_buf *t, uint8_t *flags, struct frame *f, int depth)
{
	size_t start = st->i++;
	nested(st, '`', '`', reserve(st, f), depth);
	if (st->i > st->n)
		st->i = st->n;
	kg_buf_add(t, st->s + start, st->i - start);
	*flags |= KG_SH_EXPANDS;
}

/* One word at st->i (not an operator). */
static void read_word(struct st *st, char end, struct frame *f, int depth, struct kg_sh_word *out)
{
	const char *s = st->s;
	struct kg_buf t = KG_BUF_INIT;
	uint8_t flags = 0;
	size_t start = st->i;
	kg_buf_init(&t, 0);
	while (st->i < st->n) {
		char c = s[st->i];
		if (c == end && end)
			break;
		if ((c == '<' || c == '>') && st->i + 1 < st->n && s[st->i + 1] == '(' && st->i == start) {
			st->i += 2;
			nested(st, ')', '(', reserve(st, f), depth);
			if (st->i > st->n)
				st->i = st->n;
			kg_buf_add(&t, s + start, st->i - start);
			flags |= KG_SH_EXPANDS;
			continue;
		}
		if (is_blank(c) || is_op(c))
			break;
		if (c == '\\') {
			if (st->i + 1 < st->n && s[st->i + 1] == '\n') {
				st->i += 2;
				continue;
			}
			if (st->i + 1 < st->n)
				kg_buf_addc(&t, s[st->i + 1]);
			st->i += 2;
			flags |= KG_SH_QUOTED;
			continue;
		}
		if (c == '\'') {
			st->i++;
			while (st->i < st->n && s[st->i] != '\'')
				kg_buf_addc(&t, s[st->i++]);
			st->i++;
			flags |= KG_SH_QUOTED;
			continue;
		}
		if (c == '"') {
			st->i++;
			flags |= KG_SH_QUOTED;
			while (st->i < st->n && s[st->i] != '"') {
				char d = s[st->i];
				if (d == '\\' && st->i + 1 < st->n) {
					char e = s[st->i + 1];
					if (e == '\n') {
						st->i += 2;
						continue;
					}
					if (e == '$' || e == '`' || e == '"' || e == '\\') {
						kg_buf_addc(&t, e);
						st->i += 2;
						continue;
					}
					kg_buf_addc(&t, d);
					st->i++;
				} else if (d == '$') {
					dollar(st, &t, &flags, f, depth);
				} else if (d == '`') {
					backtick(st, &t, &flags, f, depth);
				} else {
					kg_buf_addc(&t, d);
					st->i++;
				}
			}
			st->i++;
			continue;
		}
		if (c == '$') {
			dollar(st, &t, &flags, f, depth);
			continue;
		}
		if (c == '`') {
			backtick(st, &t, &flags, f, depth);
			continue;
		}
		kg_buf_addc(&t, c);
		st->i++;
	}
	if (st->i > st->n)
		st->i = st->n;
	out->s = kg_arena_strndup(st->a, t.data ? t.data : "", t.len);
	out->off = (uint32_t)start;
	out->len = (uint32_t)(st->i - start);
	out->flags = flags;
	kg_buf_release(&t);
}

/* After a newline: skip the bodies of here-documents opened on that line. */
static void heredoc_bodies(struct st *st)
{
	for (unsigned h = 0; h < st->nhd; h++) {
		while (st->i < st->n) {
			const char *line = st->s + st->i;
			const char *nl = memchr(line, '\n', st->n - st->i);
			size_t len = nl ? (size_t)(nl - line) : st->n - st->i;
			st->i += len + (nl ? 1 : 0);
			const char *p = line;
			size_t l = len;
			if (l && p[l - 1] == '\r')
				l--;
			if (st->hd[h].chomp)
				while (l && *p == '\t') {
					p++;
					l--;
				}
			if (l == strlen(st->hd[h].delim) && !memcmp(p, st->hd[h].delim, l))
				break;
		}
	}
	st->nhd = 0;
}

/* A redirection operator at st->i; its target word is read and dropped. */
static void redirect(struct st *st, char end, struct frame *f, int depth)
{
	const char *s = st->s;
	bool heredoc = false, chomp = false;
	char c = s[st->i];
	if (c == '&') { /* &> &>> */
		st->i += 2;
		if (st->i < st->n && s[st->i] == '>')
			st->i++;
	} else if (c == '<') {
		st->i++;
		if (st->i < st->n && s[st->i] == '<') {
			st->i++;
			if (st->i < st->n && s[st->i] == '<') {
				st->i++; /* here-string */
			} else {
				heredoc = true;
				if (st->i < st->n && s[st->i] == '-') {
					chomp = true;
					st->i++;
				}
			}
		} else if (st->i < st->n && (s[st->i] == '&' || s[st->i] == '>')) {
			st->i++;
		}
	} else { /* > >> >& >| */
		st->i++;
		if (st->i < st->n && (s[st->i] == '>' || s[st->i] == '&' || s[st->i] == '|'))
			st->i++;
	}
	while (st->i < st->n && is_blank(s[st->i]))
		st->i++;
	if (st->i >= st->n || is_op(s[st->i]) || (end && s[st->i] == end))
		return;
	struct kg_sh_word w;
	read_word(st, end, f, depth, &w);
	if (heredoc && st->nhd < sizeof(st->hd) / sizeof(st->hd[0])) {
		st->hd[st->nhd].delim = w.s;
		st->hd[st->nhd].chomp = chomp;
		st->nhd++;
	}
}

static bool is_reserved(const char *w)
{
	static const char *const r[] = { "if", "then", "else", "elif", "fi", "do", "done", "while", "until",
					 "!", "{", "}", "time", "function", NULL };
	for (int i = 0; r[i]; i++)
		if (!strcmp(w, r[i]))
			return true;
	return false;
}

static bool is_assignment(const char *src, size_t len)
{
	if (!len || !name_start(src[0]))
		return false;
	for (size_t i = 1; i < len; i++) {
		if (src[i] == '=' || (src[i] == '+' && i + 1 < len && src[i + 1] == '='))
			return true;
		if (!name_char(src[i]))
			return false;
	}
	return false;
}

enum { MODE_NONE, MODE_TO_SEP, MODE_TO_IN, MODE_PATTERN };

static void parse_list(struct st *st, char end, int parent, int depth)
{
	const char *s = st->s;
	int pending = -1, mode = MODE_NONE, in_case = 0;
	struct frame f;
	memset(&f, 0, sizeof(f));
	f.idx = -1;
	f.parent = parent;
	f.pending_pipe = &pending;
	while (st->i < st->n) {
		char c = s[st->i];
		if (is_blank(c)) {
			st->i++;
			continue;
		}
		if (c == '\\' && st->i + 1 < st->n && s[st->i + 1] == '\n') {
			st->i += 2;
			continue;
		}
		if (end && c == end) {
			st->i++;
			break;
		}
		if (c == '#') {
			while (st->i < st->n && s[st->i] != '\n')
				st->i++;
			continue;
		}
		if (c == '\n') {
			st->i++;
			finish(st, &f);
			pending = -1;
			if (mode == MODE_TO_SEP)
				mode = MODE_NONE;
			heredoc_bodies(st);
			continue;
		}
		char c2 = st->i + 1 < st->n ? s[st->i + 1] : 0;
		if (c == ';') {
			st->i++;
			finish(st, &f);
			pending = -1;
			if (c2 == ';' || c2 == '&') { /* ;; ;& ;;& end a case item */
				st->i++;
				if (st->i < st->n && s[st->i] == '&')
					st->i++;
				if (in_case)
					mode = MODE_PATTERN;
			} else if (mode == MODE_TO_SEP) {
				mode = MODE_NONE;
			}
			continue;
		}
		if (c == '&' && c2 != '>') {
			st->i += c2 == '&' ? 2 : 1;
			finish(st, &f);
			pending = -1;
			continue;
		}
		if (c == '|') {
			if (c2 == '|') {
				st->i += 2;
				finish(st, &f);
				pending = -1;
				continue;
			}
			st->i += c2 == '&' ? 2 : 1;
			int idx = finish(st, &f);
			if (idx >= 0) {
				pending = idx;
				st->has_pipe = true;
			}
			continue;
		}
		if (c == '(' ) {
			st->i++;
			finish(st, &f);
			if (c2 == '(') { /* (( arithmetic )) */
				st->i++;
				skip_arith(st);
			}
			continue;
		}
		if (c == ')') {
			st->i++;
			finish(st, &f);
			if (mode == MODE_PATTERN)
				mode = MODE_NONE;
			continue;
		}
		if (c >= '0' && c <= '9') {
			size_t j = st->i;
			while (j < st->n && s[j] >= '0' && s[j] <= '9')
				j++;
			if (j < st->n && (s[j] == '<' || s[j] == '>')) {
				st->i = j;
				redirect(st, end, &f, depth);
				continue;
			}
		}
		if ((c == '<' || c == '>') && c2 != '(') {
			redirect(st, end, &f, depth);
			continue;
		}
		if (c == '&') { /* &> */
			redirect(st, end, &f, depth);
			continue;
		}
		struct kg_sh_word w;
		bool skip = mode != MODE_NONE;
		if (!skip)
			reserve(st, &f);
		read_word(st, end, &f, depth, &w);
		bool bare = !(w.flags & (KG_SH_QUOTED | KG_SH_EXPANDS));
		if (mode == MODE_PATTERN) {
			if (bare && !strcmp(w.s, "esac")) {
				if (in_case)
					in_case--;
				mode = MODE_NONE;
			}
			continue;
		}
		if (mode == MODE_TO_IN) {
			if (bare && !strcmp(w.s, "in"))
				mode = MODE_PATTERN;
			continue;
		}
		if (mode == MODE_TO_SEP) {
			if (bare && !strcmp(w.s, "do"))
				mode = MODE_NONE;
			continue;
		}
		if (!f.nw && !f.nas && bare) {
			if (!strcmp(w.s, "for") || !strcmp(w.s, "select")) {
				mode = MODE_TO_SEP;
				continue;
			}
			if (!strcmp(w.s, "case")) {
				in_case++;
				mode = MODE_TO_IN;
				continue;
			}
			if (!strcmp(w.s, "esac")) {
				if (in_case)
					in_case--;
				continue;
			}
			if (is_reserved(w.s))
				continue;
		}
		if (f.idx < 0)
			continue; /* command cap reached */
		if (!f.nw && is_assignment(s + w.off, w.len))
			push_word(st, &f.as, &f.nas, &f.aas, &w);
		else
			push_word(st, &f.w, &f.nw, &f.aw, &w);
	}
	finish(st, &f);
	free(f.w);
	free(f.as);
}

void kg_sh_parse(struct kg_arena *a, const char *script, size_t len, struct kg_sh *out)
{
	struct st st;
	memset(&st, 0, sizeof(st));
	st.a = a;
	st.s = script;
	st.n = len;
	parse_list(&st, 0, -1, 0);
	memset(out, 0, sizeof(*out));
	if (st.ncmds) {
		out->cmds = kg_arena_alloc(a, st.ncmds * sizeof(*out->cmds));
		memcpy(out->cmds, st.cmds, st.ncmds * sizeof(*out->cmds));
		out->n = st.ncmds;
	}
	out->has_pipe = st.has_pipe;
	out->truncated = st.truncated;
	free(st.cmds);
}

/* ---- views through wrappers ---- */

static const char *base_name(const char *s)
{
	const char *slash = strrchr(s, '/');
	return slash ? slash + 1 : s;
}

bool kg_sh_view(const struct kg_sh_cmd *c, struct kg_sh_view *v)
{
	unsigned i = 0;
	memset(v, 0, sizeof(*v));
	v->cmd = c;
	while (i < c->nw) {
		const char *n = base_name(c->w[i].s);
		if (!strcmp(n, "sudo") || !strcmp(n, "doas")) {
			v->via_sudo = true;
			i++;
			while (i < c->nw && c->w[i].s[0] == '-') {
				const char *o = c->w[i].s;
				i++;
				/* options that take a value */
				if (!strcmp(o, "-u") || !strcmp(o, "-g") || !strcmp(o, "-C") || !strcmp(o, "-D") ||
				    !strcmp(o, "-h") || !strcmp(o, "-p") || !strcmp(o, "-r") || !strcmp(o, "-t") ||
				    !strcmp(o, "-U"))
					i++;
			}
			while (i < c->nw && is_assignment(c->w[i].s, strlen(c->w[i].s)))
				i++;
			continue;
		}
		if (!strcmp(n, "env")) {
			i++;
			while (i < c->nw && (c->w[i].s[0] == '-' || is_assignment(c->w[i].s, strlen(c->w[i].s)))) {
				const char *o = c->w[i].s;
				i++;
				if (!strcmp(o, "-u") || !strcmp(o, "-C") || !strcmp(o, "-S"))
					i++;
			}
			continue;
		}
		if (!strcmp(n, "exec") || !strcmp(n, "nohup") || !strcmp(n, "time") || !strcmp(n, "command") ||
		    !strcmp(n, "builtin")) {
			i++;
			while (i < c->nw && c->w[i].s[0] == '-' && c->w[i].s[1])
				i++;
			continue;
		}
		if (!strcmp(n, "nice") || !strcmp(n, "ionice")) {
			i++;
			while (i < c->nw && c->w[i].s[0] == '-') {
				const char *o = c->w[i].s;
				i++;
				if (!strcmp(o, "-n") || !strcmp(o, "-c"))
					i++;
			}
			continue;
		}
		if (!strcmp(n, "gosu") || !strcmp(n, "su-exec")) {
			i += 2;
			continue;
		}
		if (!strcmp(n, "busybox") && i + 1 < c->nw) {
			i++;
			continue;
		}
		break;
	}
	if (i >= c->nw)
		return false;
	v->name = base_name(c->w[i].s);
	v->args = c->w + i + 1;
	v->nargs = c->nw - i - 1;
	return true;
}

bool kg_sh_has_arg(const struct kg_sh_view *v, const char *s)
{
	for (unsigned i = 0; i < v->nargs; i++)
		if (!strcmp(v->args[i].s, s))
			return true;
	return false;
}

bool kg_sh_is_flag(const char *w)
{
	return w[0] == '-' && w[1] && strcmp(w, "--");
}

/* Does word w carry flag f in hadolint's getAllFlags sense? Returns the count. */
static unsigned word_flags(const char *w, const char *f)
{
	if (!kg_sh_is_flag(w))
		return 0;
	if (w[1] == '-') {
		size_t n = strcspn(w + 2, "=");
		return strlen(f) == n && !strncmp(w + 2, f, n);
	}
	if (strlen(f) != 1)
		return 0;
	unsigned c = 0;
	for (const char *p = w + 1; *p; p++)
		c += *p == f[0];
	return c;
}

unsigned kg_sh_count_flag(const struct kg_sh_view *v, const char *flag)
{
	unsigned c = 0;
	for (unsigned i = 0; i < v->nargs; i++)
		c += word_flags(v->args[i].s, flag);
	return c;
}

bool kg_sh_has_flag(const struct kg_sh_view *v, const char *flag)
{
	return kg_sh_count_flag(v, flag) > 0;
}

unsigned kg_sh_operands(const struct kg_sh_view *v, const char *const *takes_value, const struct kg_sh_word **out,
			unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < v->nargs; i++) {
		const char *w = v->args[i].s;
		if (kg_sh_is_flag(w)) {
			bool inline_value = strchr(w, '=') != NULL;
			for (unsigned k = 0; takes_value && takes_value[k] && !inline_value; k++)
				if (word_flags(w, takes_value[k])) {
					i++; /* the next word is this flag's value */
					break;
				}
			continue;
		}
		if (!strcmp(w, "--") || !strcmp(w, "-"))
			continue;
		if (n < max)
			out[n] = &v->args[i];
		n++;
	}
	return n < max ? n : max;
}
