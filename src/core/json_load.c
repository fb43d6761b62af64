/* JSON -> document trees. A one-pass tokenizer finds the tokens (jsmn's strict token model;
 * jsmn itself searches backwards for the container a bracket closes, which costs O(depth) per
 * bracket: 10 s for a 16 MiB input of 1000-deep arrays, so the loader tokenizes on its own in
 * O(n)). The tree pass checks the separators between tokens, number and literal spelling,
 * string escapes, UTF-8 and control characters, so that only RFC 8259 JSON is accepted, and
 * feeds the shared tree builder (duplicate keys: last wins, as Kubernetes decodes).
 *
 * Speed (docs/performance.md, "audit JSON path"): strings are scanned 16 or 8 bytes at a time,
 * and the tokenizer marks the plain ones (printable ASCII, no escape) so that the tree pass
 * copies them instead of decoding them; keys are copied once; strings and scalar nodes come
 * from a few arena blocks per value; with lim.positions off, line/column are computed only for
 * an error (the tokenizer's structural errors still come first, as before). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"
#include "loader_priv.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_TOKENS (4u << 20)
#define TOK_OPEN SIZE_MAX /* end of a container not closed yet */

enum jtok_type { J_OBJECT = 1, J_ARRAY, J_STRING, J_PRIMITIVE };
/* A string whose bytes are all printable ASCII without a backslash: its value is its spelling,
 * so the tree pass copies it without decoding. */
#define J_PLAIN 1u

/* One token: strings exclude their quotes; size counts children (object: keys, key: values). */
struct jtok {
	uint8_t type;
	uint8_t flags; /* J_PLAIN */
	uint32_t size;
	int32_t parent; /* -1 at top level */
	size_t start, end;
};

struct jctx {
	struct kg_loader *L;
	struct kg_tree *t;
	struct kg_arena *arena; /* where nodes and strings go */
	const char *buf;
	size_t len;
	struct jtok *tok;
	size_t ntok;
	size_t i;     /* next token */
	size_t pos;   /* bytes before pos are consumed */
	size_t cur_off; /* position cache for offset -> line/col */
	unsigned cur_line, cur_col;
	bool positions; /* lim.positions: give nodes their line/col (else 0:0, computed on error) */
	size_t tree_off; /* offset of the item last passed to the tree builder (its error position) */
	bool pending;   /* the tokenizer failed: err holds its error, tokens stop before it */
	/* Strings and scalar nodes are carved from blocks taken from the arena, sized from what
	 * the tokenizer counted: a few arena calls per value instead of one or two per scalar and
	 * key (a small value takes one block of each, of its exact size at most). */
	char *sp, *se;               /* string block: next free byte, end */
	struct kg_node *np, *ne;     /* node block */
	size_t str_total, node_total; /* string bytes (NULs included) and scalar nodes in the input */
	struct kg_diag err;
};

/* Word-at-a-time scanning (8 bytes per step; 16 with SSE2, always there on x86-64) for the loops
 * that run over every input byte. The 8-byte flag tests are the classic "has a byte below n"
 * bit tricks: a borrow can only set false flags above a true one, so the lowest flagged byte
 * (the first one in memory on little-endian) is exact; elsewhere the word is rescanned byte by
 * byte. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static inline uint64_t load8(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* High bit set in the bytes below n (n <= 128), plus false flags above a true one. */
static inline uint64_t below(uint64_t w, unsigned char n)
{
	return (w - ONES * n) & ~w & HIGHS;
}

static inline uint64_t equal(uint64_t w, unsigned char c)
{
	return below(w ^ (ONES * c), 1);
}

/* Bytes that end a plain run inside a string: '"', '\\', control characters, non-ASCII. */
static inline uint64_t str_special(uint64_t w)
{
	return equal(w, '"') | equal(w, '\\') | below(w, 0x20) | (w & HIGHS);
}

/* Bytes to skip before the first flagged one (0 when that cannot be known). */
static inline size_t first_flag(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(m) >> 3;
#else
	(void)m;
	return 0;
#endif
}

#ifdef __SSE2__
/* Bit i set when p[i] (of 16) is '"', '\\', a control character or non-ASCII (exact). */
static inline unsigned str_special16(const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
	__m128i b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
	__m128i c = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)); /* signed: 0x80-0xFF are below too */
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(q, b), c));
}
#endif

/* The end of the run of plain bytes (printable ASCII but '"' and '\\') starting at k: an
 * index whose byte may need a look (the caller checks it byte by byte), or near limit. */
static inline size_t skip_plain(const char *s, size_t k, size_t limit)
{
#ifdef __SSE2__
	while (limit - k >= 16) {
		unsigned m = str_special16(s + k);
		if (m)
			return k + (size_t)__builtin_ctz(m);
		k += 16;
	}
#endif
	while (limit - k >= 8) {
		uint64_t m = str_special(load8(s + k));
		if (m)
			return k + first_flag(m);
		k += 8;
	}
	return k;
}

/* Offsets are visited in increasing order, so positions are computed incrementally. Lines end at
 * '\n'; columns count characters (bytes that are not UTF-8 continuation bytes). */
static void pos_at(struct jctx *j, size_t off, unsigned *line, unsigned *col)
{
	if (off < j->cur_off) {
		j->cur_off = 0;
		j->cur_line = 1;
		j->cur_col = 1;
	}
	const char *s = j->buf;
	size_t i = j->cur_off, end = off < j->len ? off : j->len;
	unsigned l = j->cur_line, c = j->cur_col;
	while (i < end) {
		if (end - i >= 8) {
			uint64_t w = load8(s + i);
			if (!equal(w, '\n')) {
				uint64_t cont = w & ~(w << 1) & HIGHS; /* 10xxxxxx bytes */
				c += 8 - (unsigned)(((cont >> 7) * ONES) >> 56);
				i += 8;
				continue;
			}
		}
		unsigned char ch = (unsigned char)s[i++];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	j->cur_off = off;
	j->cur_line = l;
	j->cur_col = c;
	*line = l;
	*col = c;
}

/* The position a node or key gets: its own with lim.positions, else 0:0 (and the offset is kept
 * so that an error from the tree builder still gets its position). */
static inline void node_pos(struct jctx *j, size_t off, unsigned *line, unsigned *col)
{
	j->tree_off = off;
	if (j->positions) {
		pos_at(j, off, line, col);
	} else {
		*line = 0;
		*col = 0;
	}
}

static int fail_at(struct jctx *j, size_t off, const char *msg)
{
	unsigned line, col;
	pos_at(j, off, &line, &col);
	kg_diag_set(&j->err, NULL, line, col, "invalid JSON: %s", msg);
	return -1;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Bytes [j->pos, to) must be blanks around exactly one `sep` (or only blanks when sep is 0). */
static int expect_gap_slow(struct jctx *j, size_t to, char sep, const char *what)
{
	size_t k = j->pos;
	bool seen = sep == 0;
	for (; k < to; k++) {
		char c = j->buf[k];
		if (is_ws(c))
			continue;
		if (!seen && c == sep) {
			seen = true;
			continue;
		}
		return fail_at(j, k, what);
	}
	if (!seen)
		return fail_at(j, to, what);
	j->pos = to;
	return 0;
}

/* Compact JSON: the gap is empty or exactly the separator. */
static inline int expect_gap(struct jctx *j, size_t to, char sep, const char *what)
{
	size_t k = j->pos;
	if (sep ? k + 1 == to && j->buf[k] == sep : k == to) {
		j->pos = to;
		return 0;
	}
	return expect_gap_slow(j, to, sep, what);
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) { o[0] = (char)cp; return 1; }
	if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F)); return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); return 4;
}

static uint32_t hex4(const char *s)
{
	uint32_t v = 0;
	for (int k = 0; k < 4; k++) {
		char c = s[k];
		v = v * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* Decode the string body [start, end) into o (room for end - start + 1 bytes), NUL-terminated.
 * Lone surrogates become U+FFFD as Go does. Runs of plain bytes are copied a word at a time. */
static int decode_into(struct jctx *j, size_t start, size_t end, char *o, size_t *outlen)
{
	const char *s = j->buf;
	size_t n = 0;
	for (size_t k = start; k < end;) {
		size_t run = skip_plain(s, k, end);
		if (run > k) {
			memcpy(o + n, s + k, run - k);
			n += run - k;
			k = run;
			continue;
		}
		unsigned char c = (unsigned char)s[k];
		if (c < 0x20)
			return fail_at(j, k, "control character in string (escape it)");
		if (c != '\\') {
			uint32_t cp_unused;
			size_t l = kg_utf8_decode((const unsigned char *)s + k, end - k, &cp_unused);
			if (!l)
				return fail_at(j, k, "invalid UTF-8 in string");
			memcpy(o + n, s + k, l);
			n += l;
			k += l;
			continue;
		}
		char e = s[k + 1]; /* the tokenizer checked the escape */
		k += 2;
		switch (e) {
		case '"': o[n++] = '"'; break;
		case '\\': o[n++] = '\\'; break;
		case '/': o[n++] = '/'; break;
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u': {
			if (end - k < 4)
				return fail_at(j, k - 2, "truncated \\u escape");
			uint32_t cp = hex4(s + k);
			k += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && end - k >= 6 && s[k] == '\\' && s[k + 1] == 'u') {
				uint32_t lo = hex4(s + k + 2);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					k += 6;
				} else {
					cp = 0xFFFD;
				}
			} else if (cp >= 0xD800 && cp <= 0xDFFF) {
				cp = 0xFFFD;
			}
			n += put_utf8(o + n, cp);
			break;
		}
		default:
			return fail_at(j, k - 2, "invalid escape in string");
		}
	}
	o[n] = '\0';
	*outlen = n;
	return 0;
}

/* A string token's value in o (room for its length + 1 bytes). */
static inline int string_into(struct jctx *j, const struct jtok *tk, char *o, size_t *outlen)
{
	size_t len = tk->end - tk->start;
	if (tk->flags & J_PLAIN) { /* the tokenizer saw nothing to decode or check */
		memcpy(o, j->buf + tk->start, len);
		o[len] = '\0';
		*outlen = len;
		return 0;
	}
	return decode_into(j, tk->start, tk->end, o, outlen);
}

#define STR_BLOCK 16384u /* largest string block taken at once (unless one string needs more) */
#define NODE_BLOCK 256u  /* nodes per node block at most */

/* need bytes for a string (its NUL included). */
static inline char *str_room(struct jctx *j, size_t need)
{
	if ((size_t)(j->se - j->sp) < need) {
		size_t block = j->str_total < STR_BLOCK ? j->str_total : STR_BLOCK;
		if (block < need)
			block = need;
		j->sp = kg_arena_alloc(j->arena, block);
		j->se = j->sp + block;
	}
	char *p = j->sp;
	j->sp += need;
	return p;
}

/* A scalar node, initialised as kg_tree_scalar does. */
static inline struct kg_node *new_scalar(struct jctx *j, enum kg_type type, unsigned line, unsigned col)
{
	if (j->np == j->ne) {
		size_t block = j->node_total < NODE_BLOCK ? j->node_total : NODE_BLOCK;
		if (!block)
			block = 1;
		j->np = kg_arena_alloc(j->arena, block * sizeof(*j->np));
		j->ne = j->np + block;
	}
	struct kg_node *n = j->np++;
	*n = (struct kg_node){ .type = (uint8_t)type, .line = line, .col = col, .weight = 1, .v = { .u = 0 } };
	return n;
}

/* Forget the blocks (the arena they came from was reset). */
static void drop_blocks(struct jctx *j)
{
	j->sp = j->se = NULL;
	j->np = j->ne = NULL;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? ; sets *is_int when no fraction or exponent. */
static bool json_number(const char *s, size_t len, bool *is_int)
{
	size_t k = 0;
	*is_int = true;
	if (k < len && s[k] == '-')
		k++;
	if (k >= len)
		return false;
	if (s[k] == '0') {
		k++;
	} else if (s[k] >= '1' && s[k] <= '9') {
		while (k < len && s[k] >= '0' && s[k] <= '9')
			k++;
	} else {
		return false;
	}
	if (k < len && s[k] == '.') {
		*is_int = false;
		size_t d = ++k;
		while (k < len && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == d)
			return false;
	}
	if (k < len && (s[k] == 'e' || s[k] == 'E')) {
		*is_int = false;
		k++;
		if (k < len && (s[k] == '+' || s[k] == '-'))
			k++;
		size_t d = k;
		while (k < len && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == d)
			return false;
	}
	return k == len;
}

/* A JSON integer that fits int64; larger ones are kept as floats, as Go's unstructured decoding does. */
static int parse_dec(const char *s, size_t len, int64_t *out)
{
	bool neg = s[0] == '-';
	uint64_t v = 0;
	for (size_t k = neg; k < len; k++) {
		unsigned d = (unsigned)(s[k] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
		return -1;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int primitive(struct jctx *j, const struct jtok *tk, struct kg_node **out)
{
	const char *s = j->buf + tk->start;
	size_t len = (size_t)(tk->end - tk->start);
	unsigned line, col;
	node_pos(j, (size_t)tk->start, &line, &col);
	struct kg_node *n;
	bool is_int;
	/* the spelling of a literal is the literal: text points to a constant */
	if (len == 4 && memcmp(s, "true", 4) == 0) {
		n = new_scalar(j, KG_BOOL, line, col);
		n->v.b = true;
		n->text = "true";
	} else if (len == 5 && memcmp(s, "false", 5) == 0) {
		n = new_scalar(j, KG_BOOL, line, col);
		n->text = "false";
	} else if (len == 4 && memcmp(s, "null", 4) == 0) {
		n = new_scalar(j, KG_NULL, line, col);
		n->text = "null";
	} else if (json_number(s, len, &is_int)) {
		int64_t iv;
		bool whole = is_int && parse_dec(s, len, &iv) == 0;
		n = new_scalar(j, whole ? KG_INT : KG_FLOAT, line, col);
		char *text = str_room(j, len + 1);
		memcpy(text, s, len);
		text[len] = '\0';
		n->text = text;
		if (whole) {
			n->v.i = iv;
		} else {
			double f = strtod(text, NULL);
			if (isinf(f)) /* Go's ParseFloat fails, and so does the API server's decoding */
				return fail_at(j, (size_t)tk->start, "number out of range");
			n->v.f = f;
		}
	} else {
		return fail_at(j, (size_t)tk->start, "unexpected value (expected a string, number, true, false or null)");
	}
	*out = n;
	return 0;
}

static int value(struct jctx *j, unsigned depth);

/* An error of the tree builder; without positions its line/col were 0:0, so they are computed
 * now from the offset of the item it refused. */
static int tree_fail(struct jctx *j)
{
	j->err = j->t->err;
	if (!j->positions)
		pos_at(j, j->tree_off, &j->err.line, &j->err.col);
	return -1;
}

static int container(struct jctx *j, const struct jtok *tk, unsigned depth)
{
	bool is_map = tk->type == J_OBJECT;
	unsigned line, col;
	node_pos(j, (size_t)tk->start, &line, &col);
	if (kg_tree_open(j->t, is_map, line, col, NULL))
		return tree_fail(j);
	j->pos = (size_t)tk->start + 1;
	for (uint32_t k = 0; k < tk->size; k++) {
		if (j->i >= j->ntok)
			return fail_at(j, j->len, "unexpected end of input");
		const struct jtok *c = &j->tok[j->i];
		size_t cstart = (size_t)c->start - (c->type == J_STRING ? 1 : 0);
		if (expect_gap(j, cstart, k ? ',' : 0, is_map ? "expected ',' or '}'" : "expected ',' or ']'"))
			return -1;
		if (is_map) {
			if (c->type != J_STRING)
				return fail_at(j, cstart, "expected a string key followed by ':'");
			if (c->size == 0) { /* no ':' came after the key */
				size_t k2 = c->end + 1;
				while (k2 < j->len && is_ws(j->buf[k2]))
					k2++;
				return fail_at(j, k2, "expected ':' after the key");
			}
			/* size > 1: a ',' is missing after the value; the gap check below finds it */
			char *key = str_room(j, c->end - c->start + 1);
			size_t klen;
			if (string_into(j, c, key, &klen))
				return -1;
			node_pos(j, cstart, &line, &col);
			if (kg_tree_key_owned(j->t, key, klen, line, col))
				return tree_fail(j);
			j->i++;
			j->pos = (size_t)c->end + 1;
			if (j->i >= j->ntok)
				return fail_at(j, j->len, "unexpected end of input");
			const struct jtok *v = &j->tok[j->i];
			size_t vstart = (size_t)v->start - (v->type == J_STRING ? 1 : 0);
			if (expect_gap(j, vstart, ':', "expected ':' after the key"))
				return -1;
		}
		if (value(j, depth + 1))
			return -1;
	}
	size_t close = tk->end - 1, k2 = j->pos;
	while (k2 < close && is_ws(j->buf[k2]))
		k2++;
	if (k2 < close && j->buf[k2] == ',' && tk->size) {
		size_t k3 = k2 + 1;
		while (k3 < close && is_ws(j->buf[k3]))
			k3++;
		if (k3 == close)
			return fail_at(j, k2, is_map ? "trailing comma before '}'" : "trailing comma before ']'");
	}
	if (expect_gap(j, close, 0, is_map ? "expected ',' or '}'" : "expected ',' or ']'"))
		return -1;
	j->pos = (size_t)tk->end;
	j->tree_off = (size_t)tk->start; /* the builder reports a closing error at the opening */
	struct kg_node *n;
	if (kg_tree_close(j->t, &n))
		return tree_fail(j);
	return 0;
}

static int value(struct jctx *j, unsigned depth)
{
	const struct jtok *tk = &j->tok[j->i++];
	if (tk->type == J_OBJECT || tk->type == J_ARRAY)
		return container(j, tk, depth);
	struct kg_node *n;
	if (tk->type == J_STRING) {
		if (tk->size)
			return fail_at(j, (size_t)tk->end + 1, "unexpected ':'");
		char *s = str_room(j, tk->end - tk->start + 1); /* decoding never makes it longer */
		size_t len;
		if (string_into(j, tk, s, &len))
			return -1;
		unsigned line, col;
		node_pos(j, (size_t)tk->start - 1, &line, &col);
		n = new_scalar(j, KG_STR, line, col);
		n->flags = KG_NODE_QUOTED;
		n->len = (uint32_t)len;
		n->v.s = s;
		n->text = s;
		j->pos = (size_t)tk->end + 1;
	} else {
		if (primitive(j, tk, &n))
			return -1;
		j->pos = (size_t)tk->end;
	}
	if (kg_tree_value(j->t, n))
		return tree_fail(j);
	return 0;
}

static struct jtok *grow_tokens(struct jctx *j, size_t *n)
{
	struct kg_loader *L = j->L;
	if (L->atokens >= MAX_TOKENS)
		return NULL;
	L->atokens = L->atokens ? L->atokens * 2 : 4096;
	void *q = realloc(L->tokens, L->atokens * sizeof(struct jtok));
	if (!q)
		abort();
	L->tokens = q;
	j->tok = q;
	return &j->tok[(*n)++];
}

static inline struct jtok *new_token(struct jctx *j, size_t *n)
{
	if (*n >= j->L->atokens)
		return grow_tokens(j, n);
	return &j->tok[(*n)++];
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* A value where an object wants a key (super is that object), or a second value for a key. */
static const char *key_error(const struct jctx *j, long super, size_t n)
{
	if (j->tok[super].type == J_STRING)
		return "expected ',' or '}'";
	if (n && j->tok[n - 1].type == J_STRING && j->tok[n - 1].parent == super && j->tok[n - 1].size == 0 &&
	    (long)n - 1 != super)
		return "expected ':' after the key";
	return "expected a string key followed by ':'";
}

/* What a byte outside strings starts (the tokenizer's dispatch). */
enum jclass { C_BAD = 0, C_OPEN, C_CLOSE, C_QUOTE, C_BLANK, C_COLON, C_COMMA, C_PRIM };
static const uint8_t jclass[256] = {
	['{'] = C_OPEN, ['['] = C_OPEN, ['}'] = C_CLOSE, [']'] = C_CLOSE, ['"'] = C_QUOTE,
	[' '] = C_BLANK, ['\t'] = C_BLANK, ['\n'] = C_BLANK, ['\r'] = C_BLANK, [':'] = C_COLON,
	[','] = C_COMMA, ['-'] = C_PRIM, ['0'] = C_PRIM, ['1'] = C_PRIM, ['2'] = C_PRIM, ['3'] = C_PRIM,
	['4'] = C_PRIM, ['5'] = C_PRIM, ['6'] = C_PRIM, ['7'] = C_PRIM, ['8'] = C_PRIM, ['9'] = C_PRIM,
	['t'] = C_PRIM, ['f'] = C_PRIM, ['n'] = C_PRIM,
};

/* Tokenize the input in one pass (jsmn's strict rules, with the innermost open container
 * tracked so that a closing bracket costs O(1)). On a syntax error the tokens found so far are
 * kept (j->tok, j->ntok) so that the complete values before the error can still be delivered,
 * and the error is left in j->err with j->pending set. */
static int tokenize(struct jctx *j)
{
	const char *s = j->buf;
	const char *nul = memchr(s, '\0', j->len);
	size_t limit = nul ? (size_t)(nul - s) : j->len, n = 0;
	long super = -1, open = -1; /* token that takes the next child; innermost open container */
	int rc = 0;
	/* locals, not j's fields: the token stores (uint8_t members) could alias them */
	struct jtok *tok = j->tok = j->L->tokens;
	size_t str_total = 0, node_total = 0;
	for (size_t pos = 0; pos < limit && !rc; pos++) {
		char c = s[pos];
		struct jtok *t;
		switch ((enum jclass)jclass[(unsigned char)c]) {
		case C_OPEN:
			if (super != -1 && tok[super].type == J_OBJECT) {
				rc = fail_at(j, pos, key_error(j, super, n));
				break;
			}
			if (!(t = new_token(j, &n))) {
				rc = fail_at(j, pos, "too many values in one JSON input");
				break;
			}
			tok = j->tok; /* moved when it grew */
			if (super != -1)
				tok[super].size++;
			*t = (struct jtok){ c == '{' ? J_OBJECT : J_ARRAY, 0, 0, (int32_t)super, pos, TOK_OPEN };
			super = open = (long)(n - 1);
			break;
		case C_CLOSE:
			if (open == -1 || tok[open].type != (c == '}' ? J_OBJECT : J_ARRAY)) {
				rc = fail_at(j, pos, "unexpected character");
				break;
			}
			tok[open].end = pos + 1;
			super = tok[open].parent;
			/* the next open container: the parent, or past the key that holds this value */
			open = super;
			if (open != -1 && tok[open].type == J_STRING)
				open = tok[open].parent;
			break;
		case C_QUOTE: {
			size_t k = pos + 1;
			uint8_t flags = J_PLAIN;
			for (;;) {
				k = skip_plain(s, k, limit);
				if (k >= limit || s[k] == '"')
					break;
				unsigned char b = (unsigned char)s[k];
				if (b != '\\') {
					if (b < 0x20 || b >= 0x80) /* checked and reported by the tree pass */
						flags = 0;
					k++;
					continue;
				}
				flags = 0;
				if (k + 1 >= limit) { /* a backslash ends the input: the string is not closed */
					k = limit;
					break;
				}
				char e = s[k + 1];
				if (e == 'u') {
					size_t h = 0;
					while (h < 4 && k + 2 + h < limit && is_hex(s[k + 2 + h]))
						h++;
					if (h < 4 && k + 2 + h < limit) {
						rc = fail_at(j, k, "invalid \\u escape in string");
						break;
					}
					k += 2 + h;
				} else if (strchr("\"\\/bfnrt", e)) {
					k += 2;
				} else {
					rc = fail_at(j, k, "invalid escape in string");
					break;
				}
			}
			if (rc)
				break;
			if (k >= limit) {
				rc = nul ? fail_at(j, limit, "NUL byte in input")
					 : fail_at(j, limit, "unexpected end of input (unclosed string, object or array)");
				break;
			}
			if (!(t = new_token(j, &n))) {
				rc = fail_at(j, pos, "too many values in one JSON input");
				break;
			}
			tok = j->tok; /* moved when it grew */
			if (super != -1)
				tok[super].size++;
			*t = (struct jtok){ J_STRING, flags, 0, (int32_t)super, pos + 1, k };
			str_total += k - pos; /* the bytes and a NUL */
			node_total++;
			pos = k;
			if (k + 1 < limit && s[k + 1] == ':') { /* a key: what case C_COLON does */
				pos++;
				super = (long)n - 1;
				node_total--; /* a key has no node */
			}
			break;
		}
		case C_BLANK:
			break;
		case C_COLON:
			super = (long)n - 1;
			if (node_total)
				node_total--; /* that string is a key: it has no node */
			break;
		case C_COMMA:
			if (super != -1 && tok[super].type != J_ARRAY && tok[super].type != J_OBJECT)
				super = tok[super].parent;
			break;
		case C_PRIM: {
			/* a primitive cannot be a key, nor a second value of a key */
			if (super != -1 && (tok[super].type == J_OBJECT ||
					    (tok[super].type == J_STRING && tok[super].size != 0))) {
				rc = fail_at(j, pos, key_error(j, super, n));
				break;
			}
			size_t k = pos;
			for (; k < limit; k++) {
				unsigned char b = (unsigned char)s[k];
				if (b > ' ' && b < 127 && b != ',' && b != ']' && b != '}')
					continue;
				if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == ',' || b == ']' || b == '}')
					break;
				rc = fail_at(j, k, "unexpected character");
				break;
			}
			if (rc)
				break;
			if (!(t = new_token(j, &n))) {
				rc = fail_at(j, pos, "too many values in one JSON input");
				break;
			}
			tok = j->tok; /* moved when it grew */
			if (super != -1)
				tok[super].size++;
			*t = (struct jtok){ J_PRIMITIVE, 0, 0, (int32_t)super, pos, k };
			str_total += k - pos + 1;
			node_total++;
			pos = k - 1;
			break;
		}
		case C_BAD:
			rc = fail_at(j, pos, "unexpected character");
		}
	}
	if (!rc && open != -1)
		rc = nul ? fail_at(j, limit, "NUL byte in input")
			 : fail_at(j, limit, "unexpected end of input (unclosed string, object or array)");
	if (!rc && nul)
		rc = fail_at(j, limit, "NUL byte in input");
	j->ntok = n;
	j->str_total = str_total;
	j->node_total = node_total;
	j->pending = rc != 0;
	return rc;
}

/* Whether top-level token i was finished before the tokenizer stopped. */
static bool complete(const struct jctx *j, size_t i)
{
	return i < j->ntok && j->tok[i].end != TOK_OPEN;
}

static void jctx_init(struct jctx *j, struct kg_loader *L, struct kg_arena *arena, const char *buf, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->L = L;
	j->arena = arena;
	j->t = &L->tree;
	j->buf = buf;
	j->len = len;
	j->cur_line = 1;
	j->cur_col = 1;
	j->positions = L->lim.positions;
}

int kg_json_parse(struct kg_loader *L, struct kg_arena *arena, const char *buf, size_t len,
		  const struct kg_node **root, struct kg_diag *err)
{
	struct jctx j;
	struct kg_arena *saved = L->tree.arena;
	int rc = -1;
	*root = NULL;
	if (len > L->lim.max_doc_bytes) {
		kg_diag_set(err, NULL, 1, 1, "invalid JSON: input larger than %zu bytes", L->lim.max_doc_bytes);
		return -1;
	}
	jctx_init(&j, L, arena, buf, len);
	L->tree.arena = arena;
	kg_tree_reset(&L->tree);
	if (tokenize(&j))
		goto out;
	if (j.ntok == 0) {
		fail_at(&j, len, "empty input");
		goto out;
	}
	if (expect_gap(&j, (size_t)j.tok[0].start - (j.tok[0].type == J_STRING ? 1 : 0), 0, "unexpected character") ||
	    value(&j, 0))
		goto out;
	if (j.i != j.ntok) {
		fail_at(&j, (size_t)j.tok[j.i].start, "unexpected data after the JSON value");
		goto out;
	}
	if (expect_gap(&j, len, 0, "unexpected data after the JSON value"))
		goto out;
	*root = L->tree.root;
	rc = 0;
out:
	if (rc)
		*err = j.err;
	L->tree.arena = saved;
	return rc;
}

int kg_json_load(struct kg_loader *L, const char *display, const char *buf, size_t len,
		 const struct kg_load_sink *sink)
{
	struct jctx j;
	jctx_init(&j, L, &L->arena, buf, len);
	kg_arena_reset(&L->arena);
	kg_tree_reset(&L->tree);
	(void)tokenize(&j); /* on failure, first deliver the values that were complete before it */
	struct kg_diag pending = j.err;
	bool failed = j.pending;
	unsigned index = 0;
	j.err.message[0] = '\0';
	while (j.i < j.ntok && complete(&j, j.i)) {
		kg_arena_reset(&L->arena);
		drop_blocks(&j);
		kg_tree_reset(&L->tree);
		const struct jtok *tk = &j.tok[j.i];
		size_t start = (size_t)tk->start - (tk->type == J_STRING ? 1 : 0);
		if (expect_gap(&j, start, 0, "unexpected data between JSON values") || value(&j, 0))
			goto error;
		const struct kg_node *root = L->tree.root;
		if (root && root->type != KG_NULL) {
			struct kg_doc d = { root, display, index++, root->line, L->tree.dups,
					    (unsigned)L->tree.ndups, &L->arena, NULL };
			if (sink->doc && sink->doc(sink->ctx, &d))
				return 0;
		}
	}
	if (failed) {
		/* data between the last complete value and the tokenizer's error is checked first */
		if (j.i < j.ntok) {
			const struct jtok *tk = &j.tok[j.i];
			size_t start = (size_t)tk->start - (tk->type == J_STRING ? 1 : 0);
			if (expect_gap(&j, start, 0, "unexpected data between JSON values"))
				goto error;
		}
		j.err = pending;
		goto error;
	}
	if (expect_gap(&j, len, 0, "unexpected data after the JSON value") == 0)
		return 0;
error:
	j.err.file = display;
	if (sink->error)
		sink->error(sink->ctx, &j.err);
	return 1;
}
