/* Inputs -> documents: reads files and buffers, sniffs JSON versus YAML the way kubectl does, strips
 * a UTF-8 byte order mark, converts UTF-16 (kubectl accepts it), and splits YAML streams at `---`
 * lines so that each document is parsed on its own: an error stays inside its document, and memory
 * is bounded by the largest document, not the input. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/huge.h"
#include "loader_priv.h"

#define READ_BLOCK (64 * 1024)

void kg_load_limits_default(struct kg_load_limits *lim)
{
	lim->max_doc_bytes = KG_LOAD_MAX_DOC_BYTES;
	lim->max_depth = KG_LOAD_MAX_DEPTH;
	lim->max_nodes = KG_LOAD_MAX_NODES;
	lim->positions = true;
}

struct kg_loader *kg_loader_new(const struct kg_load_limits *lim)
{
	struct kg_loader *L = calloc(1, sizeof(*L));
	if (!L)
		abort();
	if (lim)
		L->lim = *lim;
	else
		kg_load_limits_default(&L->lim);
	kg_arena_init(&L->arena, 256 * 1024);
	kg_tree_init(&L->tree, &L->arena, &L->lim);
	/* room for the largest document (or a kept tail) plus one block read behind it */
	size_t max = L->lim.max_doc_bytes;
	kg_buf_init(&L->chunk, max > SIZE_MAX - 3 * READ_BLOCK ? 0 : max + 2 * READ_BLOCK);
	return L;
}

void kg_loader_free(struct kg_loader *L)
{
	if (!L)
		return;
	kg_tree_release(&L->tree);
	kg_arena_release(&L->arena);
	kg_buf_release(&L->chunk);
	kg_yaml_input_release(&L->yaml_input);
	free(L->tokens);
	free(L->anchors);
	free(L);
}

void kg_loader_parser_per_piece(struct kg_loader *L, bool on)
{
	L->parser_per_piece = on;
}

void kg_loader_yaml_reader(struct kg_loader *L, bool on)
{
	L->yaml_reader = on;
}

unsigned long kg_loader_parsers(const struct kg_loader *L)
{
	return L->parsers;
}

struct kg_arena *kg_loader_arena(struct kg_loader *L)
{
	return &L->arena;
}

static void report(const struct kg_load_sink *sink, const char *display, unsigned line, unsigned col, const char *msg)
{
	struct kg_diag d;
	kg_diag_set(&d, display, line, col, "%s", msg);
	if (sink->error)
		sink->error(sink->ctx, &d);
}

/* A YAML document start marker: "---" at column 0 followed by a blank, a line break or the end. */
static bool marker_at(const char *p, size_t avail, bool eof, bool *need_more)
{
	*need_more = false;
	if (avail < 4) {
		if (!eof && (avail == 0 || memcmp(p, "---", avail < 3 ? avail : 3) == 0)) {
			*need_more = true;
			return false;
		}
		return avail == 3 && memcmp(p, "---", 3) == 0;
	}
	return p[0] == '-' && p[1] == '-' && p[2] == '-' &&
	       (p[3] == ' ' || p[3] == '\t' || p[3] == '\n' || p[3] == '\r');
}

/* Bytes of the YAML line break at p (libyaml's: LF, CR LF, CR, NEL, LS, PS), or 0. A CR that
 * ends the range is not counted: its LF may be in the next block. */
static size_t break_len(const char *p, size_t avail)
{
	unsigned char c = (unsigned char)p[0];
	if (c == '\n')
		return 1;
	if (c == '\r')
		return avail < 2 ? 0 : p[1] == '\n' ? 2 : 1;
	if (c == 0xC2 && avail >= 2 && (unsigned char)p[1] == 0x85)
		return 2;
	if (c == 0xE2 && avail >= 3 && (unsigned char)p[1] == 0x80 &&
	    ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9))
		return 3;
	return 0;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* High bit set in each byte of w equal to c (exact: no carry crosses bytes). */
static inline uint64_t bytes_eq(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (ONES * c);
	return ~(((x & ~HIGHS) + ~HIGHS) | x) & HIGHS;
}

/* Line breaks in p[0..n) (as break_len counts them). Runs of ASCII without CR are counted a word
 * at a time: only LF can end a line there. */
static unsigned count_lines(const char *p, size_t n)
{
	unsigned c = 0;
	for (size_t i = 0; i < n;) {
		if (n - i >= 8) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			/* no byte below 0x0E (LF and CR are) and none above 0x7F: no break at all */
			uint64_t odd = (((w - ONES * 0x0E) & ~w) | w) & HIGHS;
			if (!odd) {
				i += 8;
				continue;
			}
			if (!((w & HIGHS) | bytes_eq(w, '\r'))) {
				c += (unsigned)(((bytes_eq(w, '\n') >> 7) * ONES) >> 56);
				i += 8;
				continue;
			}
		}
		size_t b = break_len(p + i, n - i);
		if (b) {
			c++;
			i += b;
		} else {
			i++;
		}
	}
	return c;
}

void kg_offset_position(const char *buf, size_t off, unsigned first_line, unsigned *line, unsigned *col)
{
	unsigned l = first_line, c = 1;
	for (size_t i = 0; i < off;) {
		size_t b = break_len(buf + i, off + 1 - i);
		if (b) {
			l++;
			c = 1;
			i += b;
			continue;
		}
		if (((unsigned char)buf[i] & 0xC0) != 0x80)
			c++;
		i++;
	}
	*line = l;
	*col = c;
}

struct splitter {
	struct kg_loader *L;
	const char *display;
	const struct kg_load_sink *sink;
	unsigned line;      /* line number of data[0] */
	unsigned doc_index;
	int errors;
	bool skipping;      /* inside an oversized document: drop bytes until the next marker */
	bool stopped;       /* the sink asked to stop */
	size_t resume;      /* file reads: bytes of the kept data already searched for markers, so
			     * that a large document is scanned once, not once per block */
	unsigned resume_lf; /* line feeds in those bytes */
	bool lf_only;       /* no CR, NEL, LS or PS so far: the line feeds passed are the lines */
	bool odd;           /* the open piece has a line after its first that starts with % or ... */
};

/* Whether p[0..n) can hold a line break other than LF (a CR, or the lead byte of NEL, LS, PS).
 * memchr is far cheaper per byte than count_lines, and such inputs are rare. */
static bool other_breaks(const char *p, size_t n)
{
	return memchr(p, '\r', n) || memchr(p, 0xC2, n) || memchr(p, 0xE2, n);
}

struct stop_sink {
	const struct kg_load_sink *inner;
	struct splitter *sp;
};

static int stop_doc(void *ctx, const struct kg_doc *d)
{
	struct stop_sink *s = ctx;
	int r = s->inner->doc ? s->inner->doc(s->inner->ctx, d) : 0;
	if (r)
		s->sp->stopped = true;
	return r;
}

/* An error in rendered Helm output also names the chart file it came from: the fix is there. */
static void stop_err(void *ctx, const struct kg_diag *d)
{
	struct stop_sink *s = ctx;
	const char *from = s->sp->L->rendered_from; /* the piece's, set by load_piece */
	if (!s->inner->error)
		return;
	if (!from) {
		s->inner->error(s->inner->ctx, d);
		return;
	}
	struct kg_diag with = *d;
	kg_diag_set(&with, d->file, d->line, d->col, "%s (rendered from %s)", d->message, from);
	s->inner->error(s->inner->ctx, &with);
}

/* One piece with a parser of its own; from: its Helm source comment (kg_helm_source), or NULL. */
static void load_piece(struct splitter *sp, const char *p, size_t n, unsigned line, const char *from)
{
	if (sp->stopped)
		return;
	if (n > sp->L->lim.max_doc_bytes) {
		char msg[128];
		snprintf(msg, sizeof(msg), "document larger than %zu bytes; skipped", sp->L->lim.max_doc_bytes);
		report(sp->sink, sp->display, line, 1, msg);
		sp->errors++;
		return;
	}
	struct stop_sink ss = { sp->sink, sp };
	struct kg_load_sink wrap = { &ss, stop_doc, stop_err };
	sp->L->rendered_from = from;
	sp->errors += kg_yaml_load(sp->L, sp->display, p, n, line, &sp->doc_index, &wrap);
	sp->L->rendered_from = NULL;
}

/* Whether a line starting at p (n bytes left) is a directive (%) or a document end (...): a
 * stream with either is not cut the same way by a parser as by the splitter. A line cut short
 * by the end of the data counts as odd. */
static bool odd_line(const char *p, size_t n)
{
	return n && (p[0] == '%' || (p[0] == '.' && (n < 3 || (p[1] == '.' && p[2] == '.'))));
}

/* A UTF-16 byte order mark, which makes libyaml read the rest of its stream as UTF-16 (`---` lines
 * included): only the input's first piece can start with one (after a UTF-8 mark). */
static bool utf16_start(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	return n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF));
}

/* The queued pieces (data[off..]), in order. A parser costs more than a small document
 * (yaml_parser_initialize allocates 64 KB of buffers), so plain pieces share one: a `---` line is
 * a document start to libyaml wherever the splitter cuts, so each piece is one document, parsed
 * as in a stream of its own. At the first error (an unterminated quote runs into the next
 * piece, which its own parser would not see), the pieces from the failing document's on are
 * loaded one by one, so errors are exactly those of a parser per piece. */
static void flush_pieces(struct splitter *sp, const char *data)
{
	struct kg_loader *L = sp->L;
	const struct kg_piece *v = L->pieces;
	size_t n = L->npieces, from = 0;
	L->npieces = 0;
	if (n > 1 && !sp->stopped) {
		struct stop_sink ss = { sp->sink, sp };
		struct kg_load_sink wrap = { &ss, stop_doc, stop_err };
		size_t len = v[n - 1].off + v[n - 1].len - v[0].off;
		unsigned done;
		if (!kg_yaml_load_pieces(L, sp->display, data + v[0].off, len, v[0].line, &sp->doc_index, &wrap, &done))
			return;
		while (from + 1 < n && v[from + 1].line <= done)
			from++; /* the piece where the last document started, and those after it */
	}
	for (; from < n; from++) /* (a queued piece has no Helm source) */
		load_piece(sp, data + v[from].off, v[from].len, v[from].line, NULL);
}

/* The piece data[off..off+n) at the splitter's line: queued for a shared parser when plain,
 * else loaded on its own after the queue. */
static void piece(struct splitter *sp, const char *data, size_t off, size_t n)
{
	struct kg_loader *L = sp->L;
	const char *p = data + off;
	bool odd = sp->odd;
	sp->odd = false;
	if (sp->skipping || sp->stopped)
		return;
	char source[KG_HELM_SOURCE_MAX + 1];
	const char *from = kg_helm_source(p, n, source) ? source : NULL;
	if (odd || !sp->lf_only || L->parser_per_piece || n > L->lim.max_doc_bytes || utf16_start(p, n) || from) {
		flush_pieces(sp, data);
		load_piece(sp, p, n, sp->line, from);
		return;
	}
	L->pieces[L->npieces++] = (struct kg_piece){ off, n, sp->line };
	if (L->npieces == KG_PIECES_MAX)
		flush_pieces(sp, data);
}

/* A piece holding only directives (%YAML, %TAG), comments and blank lines belongs to the document
 * that follows it: it must not be parsed on its own. */
static bool directives_only(const char *p, size_t n)
{
	bool directive = false;
	size_t i = 0;
	while (i < n) {
		size_t k = i;
		while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k < n && p[k] == '%' && k == i)
			directive = true;
		else if (k < n && p[k] != '#' && p[k] != '\n')
			return false;
		const char *nl = memchr(p + i, '\n', n - i);
		i = nl ? (size_t)(nl - p) + 1 : n;
	}
	return directive;
}

/* Load every complete document in data[0..len); returns the bytes consumed. At eof, all of it. */
static size_t split(struct splitter *sp, const char *data, size_t len, bool eof)
{
	size_t start = 0; /* current document begins here */
	size_t i = sp->resume < len ? sp->resume : len;
	unsigned lf = sp->resume_lf; /* line feeds in data[start..i) */
	sp->resume = 0;
	sp->resume_lf = 0;
	while (i < len && !sp->stopped) {
		const char *nl = memchr(data + i, '\n', len - i);
		if (!nl) {
			i = len;
			break;
		}
		size_t ls = (size_t)(nl - data) + 1;
		lf++;
		bool need_more;
		if (marker_at(data + ls, len - ls, eof, &need_more) && !directives_only(data + start, ls - start)) {
			piece(sp, data, start, ls - start);
			sp->line += sp->lf_only ? lf : count_lines(data + start, ls - start);
			lf = 0;
			sp->skipping = false;
			start = ls;
		} else if (need_more) {
			sp->resume = ls - 1 - start; /* look at this line break again with more data */
			sp->resume_lf = lf - 1;
			flush_pieces(sp, data);
			return start;
		} else if (odd_line(data + ls, len - ls)) {
			sp->odd = true;
		}
		i = ls;
	}
	if (eof) {
		if (start < len)
			piece(sp, data, start, len - start);
		flush_pieces(sp, data);
		sp->line += sp->lf_only && i >= len ? lf : count_lines(data + start, len - start);
		return len;
	}
	flush_pieces(sp, data);
	sp->resume = i - start;
	sp->resume_lf = lf;
	return start;
}

static int load_utf16(struct kg_loader *L, const char *display, const char *buf, size_t len,
		      const struct kg_load_sink *sink)
{
	iconv_t cd = iconv_open("UTF-8", "UTF-16");
	if (cd == (iconv_t)-1) {
		report(sink, display, 1, 1, "cannot convert UTF-16 input");
		return 1;
	}
	size_t outcap = len * 2 + 16;
	char *out = malloc(outcap);
	if (!out)
		abort();
	char *in, *o = out;
	memcpy(&in, &buf, sizeof(in)); /* iconv's prototype is not const-correct; it only reads */
	size_t inleft = len, outleft = outcap;
	size_t r = iconv(cd, &in, &inleft, &o, &outleft);
	iconv_close(cd);
	int errors;
	if (r == (size_t)-1) {
		report(sink, display, 1, 1, "invalid UTF-16 input");
		errors = 1;
	} else {
		errors = kg_loader_buffer(L, display, out, (size_t)(o - out), sink);
	}
	free(out);
	return errors;
}

static bool is_utf16_bom(const unsigned char *p, size_t n)
{
	return n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF));
}

static bool looks_json(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		return c == '{';
	}
	return false;
}

int kg_loader_buffer(struct kg_loader *L, const char *display, const char *buf, size_t len,
		     const struct kg_load_sink *sink)
{
	if (is_utf16_bom((const unsigned char *)buf, len))
		return load_utf16(L, display, buf, len, sink);
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	if (looks_json(buf, len)) {
		if (len > L->lim.max_doc_bytes) {
			report(sink, display, 1, 1, "JSON input larger than the document size limit");
			return 1;
		}
		return kg_json_load(L, display, buf, len, sink);
	}
	struct splitter sp = { L, display, sink, 1, 0, 0, false, false, 0, 0, !other_breaks(buf, len), false };
	split(&sp, buf, len, true);
	return sp.errors;
}

/* A read that fails has no position in the input: 0:0. */
static int read_error(const struct kg_load_sink *sink, const char *display, int err)
{
	char msg[160];
	snprintf(msg, sizeof(msg), "cannot read: %s", strerror(err));
	report(sink, display, 0, 0, msg);
	return 1;
}

/* While skipping an oversized document, keep only what could still hold a marker: the last line
 * break and up to three bytes after it. */
static void trim_skipped(struct splitter *sp, struct kg_buf *c)
{
	sp->resume = 0; /* what is kept is at most a line break and three bytes */
	sp->resume_lf = 0;
	const char *last = c->len ? memrchr(c->data, '\n', c->len) : NULL;
	if (!last || c->len - (size_t)(last - c->data) - 1 > 3) {
		sp->line += count_lines(c->data, c->len);
		c->len = 0;
		return;
	}
	size_t keep = (size_t)(last - c->data);
	sp->line += count_lines(c->data, keep);
	memmove(c->data, c->data + keep, c->len - keep);
	c->len -= keep;
}

/* Where an input comes from: a stdio stream, or a descriptor read with read(2). */
struct input {
	FILE *fp;
	int fd;
	long long size; /* descriptor: the size fstat gave for a regular file, else -1 */
	long long got;  /* descriptor: bytes read so far */
	int err;        /* errno of a failed read */
};

/* Read up to n bytes into dst; short only at the end of the input or on an error, as fread. A
 * short read that reaches a regular file's size is its end: no further read to see 0. */
static size_t fill(struct input *in, char *dst, size_t n)
{
	if (in->fp) {
		size_t r = fread(dst, 1, n, in->fp);
		if (ferror(in->fp))
			in->err = errno;
		return r;
	}
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(in->fd, dst + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			in->err = errno;
		if (r <= 0)
			break;
		got += (size_t)r;
		in->got += r;
		if (got < n && in->got == in->size)
			break;
	}
	return got;
}

/* Read the next block into c->data + c->len (not yet counted in c->len): returns its size. */
static size_t read_block(struct input *in, struct kg_buf *c, bool *eof)
{
	size_t n = fill(in, c->data + c->len, READ_BLOCK);
	*eof = n < READ_BLOCK;
	return n;
}

/* Move the chunk buffer, once it outgrows small inputs, to an allocation of its whole cap that
 * asks for transparent huge pages: the largest documents (CRDs of 1-2 MB) otherwise fault in one
 * 4 KB page at a time, each fault costing far more than zeroing a huge page (measured 15 ms
 * against 0.3 ms for 1.4 MB on a paravirtualised VM). Untouched room costs nothing; without huge
 * pages it behaves as before. On failure the buffer grows by realloc as before. */
static void move_to_huge(struct kg_buf *c)
{
	if (!c->cap || c->cap > KG_LOAD_MAX_DOC_BYTES + 2 * READ_BLOCK)
		return;
	void *p = kg_huge_move(c->data, c->len + 1, c->cap + 1);
	if (!p)
		return;
	c->data = p;
	c->alloc = c->cap + 1;
}

/* kg_buf_reserve of a block behind the kept data, in the huge-page allocation once that is large. */
static int reserve_block(struct kg_loader *L)
{
	struct kg_buf *c = &L->chunk;
	if (c->data && c->len + READ_BLOCK + 1 > c->alloc && c->alloc >= KG_HUGE_PAGE / 16 && c->alloc <= c->cap)
		move_to_huge(c);
	return kg_buf_reserve(c, READ_BLOCK);
}

/* Blocks are read straight into the chunk buffer, behind the kept tail of the open document. */
static int load_input(struct kg_loader *L, const char *display, struct input *in, const struct kg_load_sink *sink)
{
	struct kg_buf *c = &L->chunk;
	bool eof;
	kg_buf_reset(c);
	if (reserve_block(L)) {
		report(sink, display, 1, 1, "internal error: document buffer overflow");
		return 1;
	}
	size_t n = read_block(in, c, &eof);
	if (in->err)
		return read_error(sink, display, in->err);
	bool bom8 = n >= 3 && memcmp(c->data, "\xEF\xBB\xBF", 3) == 0;
	if (is_utf16_bom((const unsigned char *)c->data, n) || looks_json(c->data + (bom8 ? 3 : 0), n - (bom8 ? 3 : 0))) {
		/* JSON and UTF-16 need the whole input; it is capped like one document. */
		for (;;) {
			c->len += n;
			c->data[c->len] = '\0';
			if (c->len > L->lim.max_doc_bytes) {
				report(sink, display, 1, 1, "input larger than the document size limit");
				return 1;
			}
			if (eof)
				break;
			if (reserve_block(L)) {
				report(sink, display, 1, 1, "input larger than the document size limit");
				return 1;
			}
			n = read_block(in, c, &eof);
			if (in->err)
				return read_error(sink, display, in->err);
		}
		return kg_loader_buffer(L, display, c->data, c->len, sink);
	}
	struct splitter sp = { L, display, sink, 1, 0, 0, false, false, 0, 0, true, false };
	if (bom8) {
		n -= 3;
		memmove(c->data, c->data + 3, n);
	}
	for (;;) {
		if (!sp.skipping && c->len + n > L->lim.max_doc_bytes) {
			/* The open document would pass the cap: refuse it and skip to the next marker. */
			char msg[128];
			snprintf(msg, sizeof(msg), "document larger than %zu bytes; skipped", L->lim.max_doc_bytes);
			report(sink, display, sp.line, 1, msg);
			sp.errors++;
			sp.skipping = true;
			size_t old = c->len;
			trim_skipped(&sp, c);
			memmove(c->data + c->len, c->data + old, n); /* the new block follows what is kept */
		}
		sp.lf_only = sp.lf_only && !other_breaks(c->data + c->len, n);
		c->len += n;
		c->data[c->len] = '\0';
		size_t used = split(&sp, c->data, c->len, eof);
		memmove(c->data, c->data + used, c->len - used);
		c->len -= used;
		if (sp.skipping)
			trim_skipped(&sp, c);
		if (eof || sp.stopped)
			break;
		if (reserve_block(L)) {
			report(sink, display, sp.line, 1, "internal error: document buffer overflow");
			return sp.errors + 1;
		}
		n = read_block(in, c, &eof);
		if (in->err)
			return sp.errors + read_error(sink, display, in->err);
	}
	c->len = 0;
	return sp.errors;
}

int kg_loader_file(struct kg_loader *L, const char *display, FILE *fp, const struct kg_load_sink *sink)
{
	struct input in = { fp, -1, -1, 0, 0 };
	return load_input(L, display, &in, sink);
}

int kg_loader_fd(struct kg_loader *L, const char *display, int fd, long long size, const struct kg_load_sink *sink)
{
	struct input in = { NULL, fd, size, 0, 0 };
	return load_input(L, display, &in, sink);
}
