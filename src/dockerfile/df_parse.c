/* Dockerfile reader: physical lines -> logical instructions, as BuildKit's parser.Parse does
 * (frontend/dockerfile/parser/parser.go): BOM, parser directives, comment lines, continuation
 * with the escape character (comment and blank lines inside a continuation are skipped), and
 * heredoc bodies after an instruction. Every logical line keeps a map back to the source lines
 * and columns it was joined from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "df_priv.h"

struct parser {
	struct kg_arena *a;
	struct kg_df *df;
	const struct kg_df_limits *lim;
	kg_df_error_fn on_error;
	void *ctx;
	const char *buf;
	size_t len, pos;
	unsigned line;
	char escape;
	/* parser directives */
	bool ddone, seen_syntax, seen_escape, seen_check;
	/* scratch, reused between instructions */
	struct kg_buf text;
	struct kg_buf body;
	struct kg_df_seg *segs;
	unsigned nsegs, asegs;
	struct kg_df_instr *ins;
	unsigned nins, ains;
	struct kg_df_comment *com;
	unsigned ncom, acom, pend; /* com[pend..ncom) are directly above the next instruction */
	uint32_t *ec;
	unsigned nec, aec;
	bool fatal;
};

void kg_df_limits_default(struct kg_df_limits *lim)
{
	lim->max_file = KG_DF_MAX_FILE;
	lim->max_line = KG_DF_MAX_LINE;
	lim->max_instr = KG_DF_MAX_INSTR;
	lim->max_instrs = KG_DF_MAX_INSTRS;
	lim->max_heredocs = KG_DF_MAX_HEREDOCS;
}

static void *grow(void *v, unsigned *alloc, unsigned need, size_t elem)
{
	if (need <= *alloc)
		return v;
	unsigned na = *alloc ? *alloc * 2 : 16;
	while (na < need)
		na *= 2;
	void *nv = realloc(v, (size_t)na * elem);
	if (!nv)
		abort();
	*alloc = na;
	return nv;
}

static void error_at(struct parser *p, unsigned line, unsigned col, const char *fmt, const char *arg)
{
	struct kg_diag d;
	kg_diag_set(&d, p->df->file, line, col, fmt, arg);
	p->df->nerrors++;
	if (p->on_error)
		p->on_error(p->ctx, &d);
}

/* One physical line with its newline; false at the end of input or past the line cap. */
static bool next_line(struct parser *p, const char **s, size_t *n)
{
	if (p->fatal || p->pos >= p->len)
		return false;
	const char *start = p->buf + p->pos;
	const char *nl = memchr(start, '\n', p->len - p->pos);
	size_t k = nl ? (size_t)(nl - start) + 1 : p->len - p->pos;
	size_t content = k - (nl ? 1 : 0);
	if (content > p->lim->max_line) {
		char lim[32];
		snprintf(lim, sizeof(lim), "%zu", p->lim->max_line);
		error_at(p, p->line + 1, 1, "line longer than %s bytes", lim);
		p->fatal = true;
		return false;
	}
	*s = start;
	*n = k;
	p->pos += k;
	return true;
}

/* bytes.TrimRight(s, "\r\n") */
static size_t trim_newline(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n;
}

static size_t leading_space(const char *s, size_t n)
{
	size_t i = 0, k;
	while (i < n && (k = kg_df_space_at(s + i, n - i)))
		i += k;
	return i;
}

static bool is_comment(const char *s, size_t n)
{
	size_t i = leading_space(s, n);
	return i < n && s[i] == '#';
}

/* Go's \s in a regexp: [\t\n\f\r ] */
static bool re_s(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* DirectiveParser.ParseLine: `#name=value` while only directives have been seen.
 * Returns true when the line was a directive. */
static bool directive(struct parser *p, const char *s, size_t n, unsigned line)
{
	if (p->ddone)
		return false;
	if (!n || s[0] != '#') {
		p->ddone = true;
		return false;
	}
	size_t i = 1 + leading_space(s + 1, n - 1), ns = i;
	if (i >= n || !is_alpha(s[i])) {
		p->ddone = true;
		return false;
	}
	while (i < n && (is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9')))
		i++;
	size_t nl = i - ns;
	while (i < n && re_s(s[i]))
		i++;
	if (i >= n || s[i] != '=') {
		p->ddone = true;
		return false;
	}
	i++;
	if (i >= n) {
		p->ddone = true;
		return false;
	}
	size_t vs = i;
	while (vs < n && re_s(s[vs]))
		vs++;
	if (vs >= n)
		vs = n - 1; /* (.+?) takes one blank back */
	size_t ve = n;
	while (ve > vs + 1 && re_s(s[ve - 1]))
		ve--;
	char name[16];
	if (nl >= sizeof(name)) {
		p->ddone = true;
		return false;
	}
	for (size_t k = 0; k < nl; k++)
		name[k] = (char)(s[ns + k] | 0x20);
	name[nl] = '\0';
	bool *seen = !strcmp(name, "syntax") ? &p->seen_syntax : !strcmp(name, "escape") ? &p->seen_escape
		     : !strcmp(name, "check") ? &p->seen_check : NULL;
	if (!seen) {
		p->ddone = true;
		return false;
	}
	if (*seen) {
		error_at(p, line, 1, "only one %s parser directive can be used", name);
		return false;
	}
	*seen = true;
	char *value = kg_arena_strndup(p->a, s + vs, ve - vs);
	if (name[0] == 'e') {
		if (strcmp(value, "`") && strcmp(value, "\\")) {
			error_at(p, line, (unsigned)vs + 1, "invalid escape token '%s' does not match ` or \\", value);
			return false;
		}
		p->escape = value[0];
		p->df->escape = value[0];
	} else if (name[0] == 's') {
		p->df->syntax = value;
	} else {
		p->df->check = value;
	}
	return true;
}

/* trimContinuationCharacter: ([^E])E[ \t]*$ or ^E[ \t]*$ with E the escape character.
 * Returns the kept length; *eol is false when the line continues. */
static size_t trim_cont(const struct parser *p, const char *s, size_t n, bool *eol)
{
	size_t e = n;
	while (e && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e && s[e - 1] == p->escape && (e == 1 || s[e - 2] != p->escape)) {
		*eol = false;
		return e - 1;
	}
	*eol = true;
	return n;
}

static void add_seg(struct parser *p, uint32_t off, uint32_t line, uint32_t col)
{
	p->segs = grow(p->segs, &p->asegs, p->nsegs + 1, sizeof(*p->segs));
	p->segs[p->nsegs++] = (struct kg_df_seg){ off, line, col };
}

static void add_comment(struct parser *p, const char *s, size_t n, unsigned line)
{
	size_t lead = leading_space(s, n);
	size_t b = lead + 1, e = n;
	b += leading_space(s + b, e - b);
	while (e > b && kg_df_space_at(s + e - 1, 1))
		e--;
	p->com = grow(p->com, &p->acom, p->ncom + 1, sizeof(*p->com));
	p->com[p->ncom++] = (struct kg_df_comment){ kg_arena_strndup(p->a, s + b, e - b), line, (uint32_t)lead + 1 };
	if (e == b) /* an empty comment ends a comment block, as in BuildKit */
		p->pend = p->ncom;
}

static bool append_text(struct parser *p, const char *s, size_t n, unsigned start_line)
{
	if (p->text.len + n > p->lim->max_instr) {
		char lim[32];
		snprintf(lim, sizeof(lim), "%zu", p->lim->max_instr);
		error_at(p, start_line, 1, "instruction longer than %s bytes", lim);
		p->fatal = true;
		return false;
	}
	if (kg_buf_add(&p->text, s, n))
		abort();
	return true;
}

/* Read the bodies of the instruction's heredocs from the following lines. */
static bool read_heredocs(struct parser *p, struct kg_df_instr *in, unsigned start_line, unsigned col)
{
	struct kg_df_heredoc *hd = kg_arena_zalloc(p->a, p->lim->max_heredocs * sizeof(*hd) + 1);
	char err[300];
	int nh = kg_df_heredocs_from_line(p->a, in->text, strlen(in->text), hd, p->lim->max_heredocs, err, sizeof(err));
	if (nh < 0) {
		error_at(p, start_line, col, "%s", err);
		p->fatal = true;
		return false;
	}
	for (int h = 0; h < nh; h++) {
		const char *s;
		size_t n;
		bool done = false;
		size_t nlen = strlen(hd[h].name);
		kg_buf_reset(&p->body);
		hd[h].line = p->line + 1;
		while (next_line(p, &s, &n)) {
			p->line++;
			size_t t = trim_newline(s, n);
			const char *term = s;
			if (hd[h].chomp)
				while (t && *term == '\t') {
					term++;
					t--;
				}
			if (t == nlen && !memcmp(term, hd[h].name, nlen)) {
				done = true;
				break;
			}
			if (kg_buf_add(&p->body, s, n))
				abort();
		}
		if (!done) {
			if (!p->fatal)
				error_at(p, start_line, col, "%s", "unterminated heredoc");
			p->fatal = true;
			return false;
		}
		hd[h].content = kg_arena_strndup(p->a, p->body.data ? p->body.data : "", p->body.len);
		hd[h].len = (uint32_t)p->body.len;
	}
	in->heredocs = nh ? hd : NULL;
	in->nheredocs = (unsigned)nh;
	return true;
}

static void push_instr(struct parser *p, const struct kg_df_instr *in)
{
	p->ins = grow(p->ins, &p->ains, p->nins + 1, sizeof(*p->ins));
	p->ins[p->nins++] = *in;
}

/* One instruction starting with an already-processed first line s[0..n). */
static void instruction(struct parser *p, const char *s, size_t n, bool eol, unsigned start_line, unsigned col0)
{
	const char *raw;
	size_t rn;
	kg_buf_reset(&p->text);
	p->nsegs = 0;
	add_seg(p, 0, start_line, col0);
	if (!append_text(p, s, n, start_line))
		return;
	while (!eol && next_line(p, &raw, &rn)) {
		bool comment = is_comment(raw, rn);
		size_t t = trim_newline(raw, rn);
		directive(p, raw, t, p->line + 1);
		p->line++;
		if (comment)
			continue;
		if (leading_space(raw, t) == t) {
			p->ec = grow(p->ec, &p->aec, p->nec + 1, sizeof(*p->ec));
			p->ec[p->nec++] = p->line;
			continue;
		}
		size_t k = trim_cont(p, raw, t, &eol);
		add_seg(p, (uint32_t)p->text.len, p->line, 1);
		if (!append_text(p, raw, k, start_line))
			return;
	}
	if (p->nins >= p->lim->max_instrs) {
		char lim[32];
		snprintf(lim, sizeof(lim), "%u", p->lim->max_instrs);
		error_at(p, start_line, col0, "more than %s instructions", lim);
		p->fatal = true;
		return;
	}
	struct kg_df_instr in;
	memset(&in, 0, sizeof(in));
	size_t tlen = p->text.len;
	char *text = kg_arena_strndup(p->a, p->text.data ? p->text.data : "", tlen);
	struct kg_df_seg *segs = kg_arena_alloc(p->a, p->nsegs * sizeof(*segs));
	memcpy(segs, p->segs, p->nsegs * sizeof(*segs));
	in.segs = segs;
	in.nsegs = p->nsegs;
	in.line = start_line;
	in.end_line = p->line;
	in.index = p->nins;
	unsigned l;
	kg_df_pos(&in, (uint32_t)leading_space(text, tlen), &l, &in.col);
	if (p->ncom > p->pend) {
		struct kg_df_comment *c = kg_arena_alloc(p->a, (p->ncom - p->pend) * sizeof(*c));
		memcpy(c, p->com + p->pend, (p->ncom - p->pend) * sizeof(*c));
		in.comments = c;
		in.ncomments = p->ncom - p->pend;
	}
	p->pend = p->ncom;
	char err[600];
	err[0] = '\0';
	if (kg_df_node_from_line(p->a, &in, text, tlen, p->escape, err, sizeof(err))) {
		error_at(p, start_line, in.col, "%s", err);
		return;
	}
	if (kg_df_can_heredoc(&in) && strstr(text, "<<") && !read_heredocs(p, &in, start_line, in.col))
		return;
	in.end_line = p->line;
	if (in.sub)
		in.sub->end_line = p->line;
	push_instr(p, &in);
}

static void check_nul(struct parser *p)
{
	const char *z = memchr(p->buf, '\0', p->len);
	if (!z)
		return;
	unsigned line = 1, col = 1;
	for (const char *q = p->buf; q < z; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	error_at(p, line, col, "%s", "NUL byte: not a text file");
	p->fatal = true;
}

struct kg_df *kg_df_parse(struct kg_arena *a, const char *file, const char *buf, size_t len,
			  const struct kg_df_limits *lim, kg_df_error_fn on_error, void *ctx)
{
	struct kg_df_limits deflim;
	struct parser p;
	struct kg_df *df = kg_arena_zalloc(a, sizeof(*df));
	df->file = file;
	df->escape = '\\';
	if (!lim) {
		kg_df_limits_default(&deflim);
		lim = &deflim;
	}
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.df = df;
	p.lim = lim;
	p.on_error = on_error;
	p.ctx = ctx;
	p.buf = buf;
	p.len = len;
	p.escape = '\\';
	kg_buf_init(&p.text, 0);
	kg_buf_init(&p.body, 0);
	if (len > lim->max_file) {
		char l[32];
		snprintf(l, sizeof(l), "%zu", lim->max_file);
		error_at(&p, 1, 1, "file larger than %s bytes", l);
		p.fatal = true;
	} else {
		check_nul(&p);
	}
	const char *raw;
	size_t rn;
	bool first = true;
	while (next_line(&p, &raw, &rn)) {
		if (first && rn >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3)) {
			raw += 3;
			rn -= 3;
		}
		first = false;
		bool comment = is_comment(raw, rn);
		size_t t = trim_newline(raw, rn);
		size_t lead = leading_space(raw, t);
		const char *s = raw + lead;
		size_t n = t - lead;
		bool dir = directive(&p, s, n, p.line + 1);
		p.line++;
		if (comment) {
			if (!dir)
				add_comment(&p, raw, t, p.line);
			continue;
		}
		bool eol;
		size_t k = trim_cont(&p, s, n, &eol);
		if (eol && !k) {
			p.pend = p.ncom; /* a blank line ends the comment block above an instruction */
			continue;
		}
		instruction(&p, s, k, eol, p.line, (unsigned)lead + 1);
	}
	if (!p.nins && !df->nerrors)
		error_at(&p, p.line ? p.line : 1, 1, "%s", "file with no instructions");
	df->nlines = p.line;
	if (p.nins) {
		df->ins = kg_arena_alloc(a, p.nins * sizeof(*df->ins));
		memcpy(df->ins, p.ins, p.nins * sizeof(*df->ins));
		df->n = p.nins;
		/* ONBUILD children were parsed before their parent's final position was known */
		for (unsigned i = 0; i < df->n; i++)
			if (df->ins[i].sub)
				df->ins[i].sub->index = i;
	}
	if (p.ncom) {
		df->comments = kg_arena_alloc(a, p.ncom * sizeof(*df->comments));
		memcpy(df->comments, p.com, p.ncom * sizeof(*df->comments));
		df->ncomments = p.ncom;
	}
	if (p.nec) {
		df->empty_cont = kg_arena_alloc(a, p.nec * sizeof(*df->empty_cont));
		memcpy(df->empty_cont, p.ec, p.nec * sizeof(*df->empty_cont));
		df->nempty_cont = p.nec;
	}
	kg_buf_release(&p.text);
	kg_buf_release(&p.body);
	free(p.segs);
	free(p.ins);
	free(p.com);
	free(p.ec);
	return df;
}

void kg_df_pos(const struct kg_df_instr *in, uint32_t off, unsigned *line, unsigned *col)
{
	uint32_t g = in->text_off + off;
	unsigned lo = 0, hi = in->nsegs;
	if (!in->nsegs) {
		*line = in->line;
		*col = in->col;
		return;
	}
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;
		if (in->segs[mid].off <= g)
			lo = mid;
		else
			hi = mid;
	}
	*line = in->segs[lo].line;
	*col = in->segs[lo].col + (g - in->segs[lo].off);
}
