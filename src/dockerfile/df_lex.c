/* Word expansion as BuildKit's shell.Lex does it (frontend/dockerfile/shell/lex.go): quotes,
 * the escape character, $VAR and the ${VAR...} forms, and word splitting after substitution.
 * Used for heredoc words, ARG/ENV values, FROM/USER/WORKDIR/COPY arguments. Results are capped at
 * KG_DF_MAX_EXPANSION bytes so chains of ENV A=$B$B... cannot grow without bound. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "df.h"

#define MAX_DEPTH 64
#define LEX_EOF (-1)
#define MAX_PATTERN 1024

struct words {
	struct kg_buf cur;
	bool inword;
	char **v;
	unsigned n, alloc;
	bool failed;
};

struct lexst {
	const struct kg_df_lex *lx;
	const char *s;
	size_t n, i;
	bool raw_escapes;
	int depth;
	char *err;
	size_t errsz;
};

static int fail(struct lexst *st, const char *fmt, const char *arg)
{
	if (st->err && st->errsz && !st->err[0])
		snprintf(st->err, st->errsz, fmt, arg ? arg : "");
	return -1;
}

static int peek(const struct lexst *st)
{
	return st->i < st->n ? (unsigned char)st->s[st->i] : LEX_EOF;
}

/* Length of the UTF-8 sequence at s[i] (1 for ASCII and for invalid bytes). */
static size_t rune_len(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
	if (k == 1 || i + k > n)
		return 1;
	for (size_t j = 1; j < k; j++)
		if (((unsigned char)s[i + j] & 0xC0) != 0x80)
			return 1;
	return k;
}

/* Go's unicode.IsSpace for one UTF-8 sequence. */
static bool is_space_rune(const char *p, size_t k)
{
	const unsigned char *u = (const unsigned char *)p;
	if (k == 1)
		return *u == ' ' || (*u >= '\t' && *u <= '\r');
	if (k == 2)
		return u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0);
	if (k == 3) {
		if (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80)
			return true; /* U+1680 */
		if (u[0] == 0xE2 && u[1] == 0x80)
			return (u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF;
		if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
			return true; /* U+205F */
		return u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80; /* U+3000 */
	}
	return false;
}

static int put(struct lexst *st, struct kg_buf *b, const char *p, size_t k)
{
	if (kg_buf_add(b, p, k))
		return fail(st, "expansion longer than %s bytes", "65536");
	return 0;
}

/* ---- the word list (only the outermost level splits words) ---- */

static void w_push(struct words *w)
{
	if (w->n == w->alloc) {
		unsigned na = w->alloc ? w->alloc * 2 : 8;
		char **nv = realloc(w->v, na * sizeof(*nv));
		if (!nv)
			abort();
		w->v = nv;
		w->alloc = na;
	}
	w->v[w->n] = malloc(w->cur.len + 1);
	if (!w->v[w->n])
		abort();
	memcpy(w->v[w->n], w->cur.data ? w->cur.data : "", w->cur.len);
	w->v[w->n][w->cur.len] = '\0';
	w->n++;
	kg_buf_reset(&w->cur);
}

static void w_raw(struct words *w, const char *p, size_t k)
{
	if (!w)
		return;
	if (kg_buf_add(&w->cur, p, k))
		w->failed = true;
	w->inword = true;
}

static void w_char(struct words *w, const char *p, size_t k)
{
	if (!w)
		return;
	if (is_space_rune(p, k)) {
		if (w->inword && w->cur.len) {
			w_push(w);
			w->inword = false;
		}
	} else {
		w_raw(w, p, k);
	}
}

static void w_string(struct words *w, const char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = rune_len(p, n, i);
		w_char(w, p + i, k);
		i += k;
	}
}

static void w_finish(struct words *w)
{
	if (w->cur.len) {
		w_push(w);
		w->inword = false;
	}
}

static void w_release(struct words *w)
{
	for (unsigned i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	kg_buf_release(&w->cur);
}

/* ---- shell patterns for ${VAR#p} ${VAR%p} ${VAR/p/r} ---- */

enum { PAT_LIT, PAT_ANY, PAT_STAR };
struct pat_tok {
	int kind;
	const char *p; /* PAT_LIT: the rune */
	size_t k;
};

/* Compile a pattern the way convertShellPatternToRegex reads it: '*', '?', and '\' escaping
 * '*', '?' or '\' ('\' before '}' or '/' is dropped). */
static int pat_compile(struct lexst *st, const char *p, size_t n, struct pat_tok **out, size_t *nout)
{
	struct pat_tok *t = calloc(n + 1, sizeof(*t));
	size_t m = 0;
	if (!t)
		abort();
	for (size_t i = 0; i < n;) {
		size_t k = rune_len(p, n, i);
		if (m >= MAX_PATTERN) {
			free(t);
			return fail(st, "pattern longer than %s tokens in substitution", "1024");
		}
		if (p[i] == '*') {
			t[m++] = (struct pat_tok){ PAT_STAR, NULL, 0 };
		} else if (p[i] == '?') {
			t[m++] = (struct pat_tok){ PAT_ANY, NULL, 0 };
		} else if (p[i] == '\\') {
			if (i + 1 < n && (p[i + 1] == '}' || p[i + 1] == '/')) {
				i++;
				continue;
			}
			if (i + 1 >= n || (p[i + 1] != '*' && p[i + 1] != '?' && p[i + 1] != '\\')) {
				free(t);
				return fail(st, "invalid pattern (%s) in substitution", "escape");
			}
			t[m++] = (struct pat_tok){ PAT_LIT, p + i + 1, 1 };
			i += 2;
			continue;
		} else {
			t[m++] = (struct pat_tok){ PAT_LIT, p + i, k };
		}
		i += k;
	}
	*out = t;
	*nout = m;
	return 0;
}

/* Match tokens against v[i..] trying alternatives in the regex engine's priority order
 * (fewest repetitions first for lazy stars, most first for greedy ones); returns the end of the
 * first match found or -1. Recursion depth is bounded by MAX_PATTERN, work by *budget. */
static long pat_match(const struct pat_tok *t, size_t nt, const char *v, size_t nv, size_t i, bool greedy,
		      unsigned *budget)
{
	if (!*budget)
		return -1;
	(*budget)--;
	if (!nt)
		return (long)i;
	if (t->kind == PAT_LIT) {
		if (i + t->k > nv || memcmp(v + i, t->p, t->k))
			return -1;
		return pat_match(t + 1, nt - 1, v, nv, i + t->k, greedy, budget);
	}
	if (t->kind == PAT_ANY) {
		if (i >= nv)
			return -1;
		return pat_match(t + 1, nt - 1, v, nv, i + rune_len(v, nv, i), greedy, budget);
	}
	/* PAT_STAR: try every rune boundary from i, shortest first (lazy) or longest first */
	if (!greedy) {
		for (size_t j = i;;) {
			long r = pat_match(t + 1, nt - 1, v, nv, j, greedy, budget);
			if (r >= 0)
				return r;
			if (j >= nv || !*budget)
				return -1;
			j += rune_len(v, nv, j);
		}
	}
	for (size_t j = nv;;) {
		long r = pat_match(t + 1, nt - 1, v, nv, j, greedy, budget);
		if (r >= 0)
			return r;
		if (j <= i || !*budget)
			return -1;
		j--;
		while (j > i && ((unsigned char)v[j] & 0xC0) == 0x80)
			j--;
	}
}

static void reverse_runes(const char *s, size_t n, char *out)
{
	for (size_t i = 0; i < n;) {
		size_t k = rune_len(s, n, i);
		memcpy(out + n - i - k, s + i, k);
		i += k;
	}
}

/* Reverse a pattern keeping "\x" escapes in order (reversePattern). */
static void reverse_pattern(const char *s, size_t n, char *out)
{
	size_t o = n;
	for (size_t i = 0; i < n;) {
		if (s[i] == '\\' && i + 1 < n) {
			size_t k = rune_len(s, n, i + 1);
			o -= 1 + k;
			out[o] = '\\';
			memcpy(out + o + 1, s + i + 1, k);
			i += 1 + k;
		} else {
			size_t k = rune_len(s, n, i);
			o -= k;
			memcpy(out + o, s + i, k);
			i += k;
		}
	}
}

static int trim_prefix(struct lexst *st, const char *pat, size_t np, const char *val, size_t nv, bool greedy,
		       size_t *cut)
{
	struct pat_tok *t;
	size_t nt;
	unsigned budget = 1u << 20;
	if (pat_compile(st, pat, np, &t, &nt))
		return -1;
	long e = pat_match(t, nt, val, nv, 0, greedy, &budget);
	free(t);
	*cut = e < 0 ? 0 : (size_t)e;
	return 0;
}

/* ${VAR#p} ${VAR##p} ${VAR%p} ${VAR%%p} */
static int trim_op(struct lexst *st, char op, const char *word, size_t nw, const char *val, struct kg_buf *out)
{
	bool greedy = false;
	size_t nv = strlen(val), cut;
	if (nw && word[0] == op) {
		greedy = true;
		word++;
		nw--;
	}
	if (op == '#') {
		if (trim_prefix(st, word, nw, val, nv, greedy, &cut))
			return -1;
		return put(st, out, val + cut, nv - cut);
	}
	char *rp = malloc(nw + 1), *rv = malloc(nv + 1);
	if (!rp || !rv)
		abort();
	reverse_pattern(word, nw, rp);
	reverse_runes(val, nv, rv);
	int rc = trim_prefix(st, rp, nw, rv, nv, greedy, &cut);
	if (!rc) {
		/* reversed remainder rv[cut..] is the original's prefix of length nv - cut */
		rc = put(st, out, val, nv - cut);
	}
	free(rp);
	free(rv);
	return rc;
}

/* ${VAR/p/r} and ${VAR//p/r}: leftmost match with greedy stars. */
static int replace_op(struct lexst *st, bool all, const char *pat, size_t np, const char *repl, size_t nr,
		      const char *val, struct kg_buf *out)
{
	struct pat_tok *t;
	size_t nt, nv = strlen(val), pos = 0;
	long last_end = -1;
	unsigned budget = 1u << 20;
	if (pat_compile(st, pat, np, &t, &nt))
		return -1;
	int rc = 0;
	while (pos <= nv) {
		size_t s = pos;
		long e = -1;
		for (; s <= nv; s += s < nv ? rune_len(val, nv, s) : 1) {
			e = pat_match(t, nt, val, nv, s, true, &budget);
			if (e >= 0)
				break;
		}
		if (e < 0)
			break;
		if ((size_t)e == s && (long)s == last_end) { /* empty match abutting the previous one */
			if (s >= nv)
				break;
			size_t k = rune_len(val, nv, s);
			if ((rc = put(st, out, val + pos, s + k - pos)))
				goto out;
			pos = s + k;
			continue;
		}
		if ((rc = put(st, out, val + pos, s - pos)) || (rc = put(st, out, repl, nr)))
			goto out;
		last_end = e;
		if ((size_t)e == s) {
			if (s >= nv) {
				pos = nv + 1;
				break;
			}
			size_t k = rune_len(val, nv, s);
			if ((rc = put(st, out, val + s, k)))
				goto out;
			pos = s + k;
		} else {
			pos = (size_t)e;
		}
		if (!all)
			break;
	}
	if (pos <= nv)
		rc = put(st, out, val + pos, nv - pos);
out:
	free(t);
	return rc;
}

/* ---- the scanner ---- */

static int stop_on(struct lexst *st, int stop, bool raw_escapes, struct kg_buf *result, struct words *w);

static int single_quote(struct lexst *st, struct kg_buf *out)
{
	const struct kg_df_lex *lx = st->lx;
	if (lx->raw_quotes && put(st, out, "'", 1))
		return -1;
	st->i++;
	for (;;) {
		int c = peek(st);
		if (c == LEX_EOF)
			return fail(st, "unexpected end of statement while looking for matching single-quote", NULL);
		size_t k = rune_len(st->s, st->n, st->i);
		if (c == '\'') {
			st->i++;
			return lx->raw_quotes ? put(st, out, "'", 1) : 0;
		}
		if (put(st, out, st->s + st->i, k))
			return -1;
		st->i += k;
	}
}

static int dollar(struct lexst *st, struct kg_buf *out);

static int double_quote(struct lexst *st, struct kg_buf *out)
{
	const struct kg_df_lex *lx = st->lx;
	if (lx->raw_quotes && put(st, out, "\"", 1))
		return -1;
	st->i++;
	for (;;) {
		int c = peek(st);
		if (c == LEX_EOF)
			return fail(st, "unexpected end of statement while looking for matching double-quote", NULL);
		if (c == '"') {
			st->i++;
			return lx->raw_quotes ? put(st, out, "\"", 1) : 0;
		}
		if (c == '$') {
			if (dollar(st, out))
				return -1;
			continue;
		}
		size_t k = rune_len(st->s, st->n, st->i);
		const char *p = st->s + st->i;
		st->i += k;
		if (c == (unsigned char)lx->escape) {
			if (st->raw_escapes && put(st, out, p, 1))
				return -1;
			int nx = peek(st);
			if (nx == LEX_EOF)
				continue;
			if (nx == '"' || nx == '$' || nx == (unsigned char)lx->escape) {
				p = st->s + st->i;
				k = 1;
				st->i++;
			}
		}
		if (put(st, out, p, k))
			return -1;
	}
}

static bool is_special_param(int c)
{
	return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!' || c == '0';
}

static bool is_name_byte(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* processName: digits, one special parameter, or letters/digits/underscore. */
static void name(struct lexst *st, size_t *start, size_t *len)
{
	*start = st->i;
	int c = peek(st);
	if (c >= '0' && c <= '9') {
		while (peek(st) >= '0' && peek(st) <= '9')
			st->i++;
	} else if (c != LEX_EOF && is_special_param(c)) {
		st->i++;
	} else {
		while (peek(st) != LEX_EOF && is_name_byte(peek(st)))
			st->i++;
	}
	*len = st->i - *start;
}

static const char *getenv_n(struct lexst *st, const char *p, size_t n)
{
	char buf[256];
	if (!st->lx->get || n >= sizeof(buf))
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return st->lx->get(st->lx->ctx, buf);
}

static int dollar(struct lexst *st, struct kg_buf *out)
{
	const struct kg_df_lex *lx = st->lx;
	size_t ns, nl;
	st->i++; /* '$' */
	if (peek(st) != '{') {
		name(st, &ns, &nl);
		if (!nl)
			return put(st, out, "$", 1);
		const char *v = getenv_n(st, st->s + ns, nl);
		if (!v && lx->skip_unset)
			return put(st, out, st->s + ns - 1, nl + 1);
		return v ? put(st, out, v, strlen(v)) : 0;
	}
	size_t open = st->i - 1;
	st->i++; /* '{' */
	int c = peek(st);
	if (c == LEX_EOF)
		return fail(st, "syntax error: missing '}'", NULL);
	if (c == '{' || c == '}' || c == ':')
		return fail(st, "syntax error: bad substitution", NULL);
	if (++st->depth > MAX_DEPTH)
		return fail(st, "substitution nested too deeply", NULL);
	name(st, &ns, &nl);
	int ch = peek(st);
	if (ch != LEX_EOF)
		st->i++;
	char chs[3] = { (char)(ch == LEX_EOF ? 0 : ch), 0, 0 };
	bool null_is_unset = false;
	int rc = 0;
	struct kg_buf word = KG_BUF_INIT, repl = KG_BUF_INIT;
	kg_buf_init(&word, KG_DF_MAX_EXPANSION);
	kg_buf_init(&repl, KG_DF_MAX_EXPANSION);
	const char *v = NULL;
	switch (ch) {
	case '}':
		v = getenv_n(st, st->s + ns, nl);
		if (!v && lx->skip_unset)
			rc = put(st, out, st->s + open, st->i - open);
		else if (v)
			rc = put(st, out, v, strlen(v));
		break;
	case ':':
		null_is_unset = true;
		ch = peek(st);
		if (ch != LEX_EOF)
			st->i++;
		chs[1] = (char)(ch == LEX_EOF ? 0 : ch);
		/* Go's switch falls into the modifier case whatever ch is now */
		__attribute__((fallthrough));
	case '+':
	case '-':
	case '?':
	case '#':
	case '%': {
		bool rawesc = ch == '#' || ch == '%';
		if (null_is_unset && rawesc) {
			rc = fail(st, "unsupported modifier (%s) in substitution", chs);
			break;
		}
		if (stop_on(st, '}', rawesc, &word, NULL)) {
			rc = -1;
			if (peek(st) == LEX_EOF && st->err) {
				st->err[0] = '\0';
				fail(st, "syntax error: missing '}'", NULL);
			}
			break;
		}
		v = getenv_n(st, st->s + ns, nl);
		if (!v && lx->skip_unset) {
			rc = put(st, out, "${", 2);
			if (!rc)
				rc = put(st, out, st->s + ns, nl);
			if (!rc)
				rc = put(st, out, chs, strlen(chs));
			if (!rc && word.len)
				rc = put(st, out, word.data, word.len);
			if (!rc)
				rc = put(st, out, "}", 1);
			break;
		}
		bool empty = !v || (null_is_unset && !*v);
		const char *wd = word.data ? word.data : "";
		switch (ch) {
		case '-':
			rc = empty ? put(st, out, wd, word.len) : put(st, out, v, strlen(v));
			break;
		case '+':
			rc = empty ? 0 : put(st, out, wd, word.len);
			break;
		case '?': {
			char nm[256];
			snprintf(nm, sizeof(nm), "%.*s", (int)nl, st->s + ns);
			if (!v || (null_is_unset && !*v)) {
				char msg[512];
				snprintf(msg, sizeof(msg), "%s: %s", nm,
					 word.len ? wd : !v ? "is not allowed to be unset" : "is not allowed to be empty");
				rc = fail(st, "%s", msg);
			} else {
				rc = put(st, out, v, strlen(v));
			}
			break;
		}
		case '#':
		case '%':
			rc = trim_op(st, (char)ch, wd, word.len, v ? v : "", out);
			break;
		default:
			rc = fail(st, "unsupported modifier (%s) in substitution", chs);
		}
		break;
	}
	case '/': {
		bool all = peek(st) == '/';
		if (all)
			st->i++;
		if (stop_on(st, '/', true, &word, NULL)) {
			rc = -1;
			if (peek(st) == LEX_EOF && st->err) {
				st->err[0] = '\0';
				fail(st, "syntax error: missing '/' in ${}", NULL);
			}
			break;
		}
		if (stop_on(st, '}', true, &repl, NULL)) {
			rc = -1;
			if (peek(st) == LEX_EOF && st->err) {
				st->err[0] = '\0';
				fail(st, "syntax error: missing '}'", NULL);
			}
			break;
		}
		v = getenv_n(st, st->s + ns, nl);
		if (!v && lx->skip_unset) {
			rc = put(st, out, st->s + open, st->i - open);
			break;
		}
		rc = replace_op(st, all, word.data ? word.data : "", word.len, repl.data ? repl.data : "", repl.len,
				v ? v : "", out);
		break;
	}
	default:
		rc = fail(st, "unsupported modifier (%s) in substitution", chs);
	}
	kg_buf_release(&word);
	kg_buf_release(&repl);
	st->depth--;
	return rc;
}

/* '<': "<<" plus any blanks after it stay glued to the next word (heredoc detection). */
static int possible_heredoc(struct lexst *st, struct kg_buf *out)
{
	size_t start = st->i;
	st->i++;
	if (peek(st) != '<')
		return put(st, out, "<", 1);
	st->i++;
	while (peek(st) == ' ' || peek(st) == '\t' || peek(st) == '\r')
		st->i++;
	return put(st, out, st->s + start, st->i - start);
}

static int stop_on(struct lexst *st, int stop, bool raw_escapes, struct kg_buf *result, struct words *w)
{
	const struct kg_df_lex *lx = st->lx;
	bool saved = st->raw_escapes;
	int rc = 0;
	st->raw_escapes = raw_escapes;
	struct kg_buf tmp = KG_BUF_INIT;
	kg_buf_init(&tmp, KG_DF_MAX_EXPANSION);
	while (peek(st) != LEX_EOF) {
		int c = peek(st);
		if (stop != LEX_EOF && c == stop) {
			st->i++;
			goto out;
		}
		if (c == '$' || c == '<' || c == '\'' || c == '"') {
			kg_buf_reset(&tmp);
			rc = c == '$' ? dollar(st, &tmp) : c == '<' ? possible_heredoc(st, &tmp)
				: c == '\'' ? single_quote(st, &tmp) : double_quote(st, &tmp);
			if (rc)
				goto out;
			if (tmp.len && (rc = put(st, result, tmp.data, tmp.len)))
				goto out;
			if (c == '$')
				w_string(w, tmp.data ? tmp.data : "", tmp.len);
			else
				w_raw(w, tmp.data ? tmp.data : "", tmp.len);
			continue;
		}
		size_t k = rune_len(st->s, st->n, st->i);
		const char *p = st->s + st->i;
		st->i += k;
		if (c == (unsigned char)lx->escape) {
			if (st->raw_escapes) {
				w_raw(w, p, 1);
				if ((rc = put(st, result, p, 1)))
					goto out;
			}
			if (peek(st) == LEX_EOF)
				break;
			k = rune_len(st->s, st->n, st->i);
			p = st->s + st->i;
			st->i += k;
			w_raw(w, p, k);
		} else {
			w_char(w, p, k);
		}
		if ((rc = put(st, result, p, k)))
			goto out;
	}
	if (stop != LEX_EOF) {
		char s[2] = { (char)stop, 0 };
		rc = fail(st, "unexpected end of statement while looking for matching %s", s);
	}
out:
	kg_buf_release(&tmp);
	st->raw_escapes = saved;
	if (w && w->failed && !rc)
		rc = fail(st, "expansion longer than %s bytes", "65536");
	return rc;
}

int kg_df_expand(const struct kg_df_lex *lx, struct kg_arena *a, const char *in, size_t len, char **out,
		 char *err, size_t errsz)
{
	struct lexst st = { lx, in, len, 0, lx->raw_escapes, 0, err, errsz };
	struct kg_buf r = KG_BUF_INIT;
	if (err && errsz)
		err[0] = '\0';
	kg_buf_init(&r, KG_DF_MAX_EXPANSION);
	int rc = stop_on(&st, LEX_EOF, lx->raw_escapes, &r, NULL);
	if (!rc)
		*out = kg_arena_strndup(a, r.data ? r.data : "", r.len);
	kg_buf_release(&r);
	return rc;
}

int kg_df_expand_words(const struct kg_df_lex *lx, struct kg_arena *a, const char *in, size_t len,
		       char ***words, unsigned *nwords, char *err, size_t errsz)
{
	struct lexst st = { lx, in, len, 0, lx->raw_escapes, 0, err, errsz };
	struct kg_buf r = KG_BUF_INIT;
	struct words w;
	memset(&w, 0, sizeof(w));
	kg_buf_init(&w.cur, KG_DF_MAX_EXPANSION);
	if (err && errsz)
		err[0] = '\0';
	kg_buf_init(&r, KG_DF_MAX_EXPANSION);
	int rc = stop_on(&st, LEX_EOF, lx->raw_escapes, &r, &w);
	if (!rc) {
		w_finish(&w);
		char **v = kg_arena_alloc(a, (w.n + 1) * sizeof(*v));
		for (unsigned i = 0; i < w.n; i++)
			v[i] = kg_arena_strdup(a, w.v[i]);
		v[w.n] = NULL;
		*words = v;
		*nwords = w.n;
	}
	w_release(&w);
	kg_buf_release(&r);
	return rc;
}
