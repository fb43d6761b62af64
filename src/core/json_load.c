/* JSON -> document trees. jsmn (header-only, Debian libjsmn-dev) finds the tokens; this file
 * checks what jsmn does not (the separators between tokens, number and literal spelling, string
 * escapes, UTF-8, control characters), so that only RFC 8259 JSON is accepted, and feeds the
 * shared tree builder (duplicate keys: last wins, as Kubernetes decodes). */
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader_priv.h"

#define MAX_TOKENS (4u << 20)

struct jctx {
	struct kg_loader *L;
	struct kg_tree *t;
	struct kg_arena *arena; /* where nodes and strings go */
	const char *buf;
	size_t len;
	jsmntok_t *tok;
	int ntok;
	int i;        /* next token */
	size_t pos;   /* bytes before pos are consumed */
	size_t cur_off; /* position cache for offset -> line/col */
	unsigned cur_line, cur_col;
	struct kg_diag err;
};

void kg_offset_position(const char *buf, size_t off, unsigned first_line, unsigned *line, unsigned *col)
{
	unsigned l = first_line, c = 1;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* Offsets are visited in increasing order, so positions are computed incrementally. */
static void pos_at(struct jctx *j, size_t off, unsigned *line, unsigned *col)
{
	if (off < j->cur_off) {
		j->cur_off = 0;
		j->cur_line = 1;
		j->cur_col = 1;
	}
	for (size_t i = j->cur_off; i < off && i < j->len; i++) {
		unsigned char ch = (unsigned char)j->buf[i];
		if (ch == '\n') {
			j->cur_line++;
			j->cur_col = 1;
		} else if ((ch & 0xC0) != 0x80) {
			j->cur_col++;
		}
	}
	j->cur_off = off;
	*line = j->cur_line;
	*col = j->cur_col;
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
static int expect_gap(struct jctx *j, size_t to, char sep, const char *what)
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

/* Validate UTF-8 at s[0..]: returns the sequence length, or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	uint32_t cp;
	if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
	else return 0;
	if (avail < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
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

/* Decode the string body [start, end) into the arena. Lone surrogates become U+FFFD as Go does. */
static int decode_string(struct jctx *j, size_t start, size_t end, char **out, size_t *outlen)
{
	const char *s = j->buf;
	char *o = kg_arena_alloc(j->arena, end - start + 1);
	size_t n = 0;
	for (size_t k = start; k < end;) {
		unsigned char c = (unsigned char)s[k];
		if (c < 0x20)
			return fail_at(j, k, "control character in string (escape it)");
		if (c != '\\') {
			size_t l = utf8_len((const unsigned char *)s + k, end - k);
			if (!l)
				return fail_at(j, k, "invalid UTF-8 in string");
			memcpy(o + n, s + k, l);
			n += l;
			k += l;
			continue;
		}
		char e = s[k + 1]; /* jsmn checked that an escape character follows */
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
	*out = o;
	*outlen = n;
	return 0;
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

static int primitive(struct jctx *j, const jsmntok_t *tk, struct kg_node **out)
{
	const char *s = j->buf + tk->start;
	size_t len = (size_t)(tk->end - tk->start);
	unsigned line, col;
	pos_at(j, (size_t)tk->start, &line, &col);
	struct kg_node *n;
	bool is_int;
	if (len == 4 && memcmp(s, "true", 4) == 0) {
		n = kg_tree_scalar(j->t, KG_BOOL, line, col);
		n->v.b = true;
	} else if (len == 5 && memcmp(s, "false", 5) == 0) {
		n = kg_tree_scalar(j->t, KG_BOOL, line, col);
	} else if (len == 4 && memcmp(s, "null", 4) == 0) {
		n = kg_tree_scalar(j->t, KG_NULL, line, col);
	} else if (json_number(s, len, &is_int)) {
		int64_t iv;
		if (is_int && parse_dec(s, len, &iv) == 0) {
			n = kg_tree_scalar(j->t, KG_INT, line, col);
			n->v.i = iv;
		} else {
			char *num = kg_arena_strndup(j->arena, s, len);
			n = kg_tree_scalar(j->t, KG_FLOAT, line, col);
			n->v.f = strtod(num, NULL);
		}
	} else {
		return fail_at(j, (size_t)tk->start, "unexpected value (expected a string, number, true, false or null)");
	}
	n->text = kg_arena_strndup(j->arena, s, len);
	*out = n;
	return 0;
}

static int value(struct jctx *j, unsigned depth);

static int tree_fail(struct jctx *j)
{
	j->err = j->t->err;
	return -1;
}

static int container(struct jctx *j, const jsmntok_t *tk, unsigned depth)
{
	bool is_map = tk->type == JSMN_OBJECT;
	unsigned line, col;
	pos_at(j, (size_t)tk->start, &line, &col);
	if (kg_tree_open(j->t, is_map, line, col, NULL))
		return tree_fail(j);
	j->pos = (size_t)tk->start + 1;
	for (int k = 0; k < tk->size; k++) {
		if (j->i >= j->ntok)
			return fail_at(j, j->len, "unexpected end of input");
		const jsmntok_t *c = &j->tok[j->i];
		size_t cstart = (size_t)c->start - (c->type == JSMN_STRING ? 1 : 0);
		if (expect_gap(j, cstart, k ? ',' : 0, is_map ? "expected ',' or '}'" : "expected ',' or ']'"))
			return -1;
		if (is_map) {
			if (c->type != JSMN_STRING || c->size != 1)
				return fail_at(j, cstart, "expected a string key followed by ':'");
			char *key;
			size_t klen;
			if (decode_string(j, (size_t)c->start, (size_t)c->end, &key, &klen))
				return -1;
			pos_at(j, cstart, &line, &col);
			if (kg_tree_key(j->t, key, klen, line, col, false))
				return tree_fail(j);
			j->i++;
			j->pos = (size_t)c->end + 1;
			if (j->i >= j->ntok)
				return fail_at(j, j->len, "unexpected end of input");
			const jsmntok_t *v = &j->tok[j->i];
			size_t vstart = (size_t)v->start - (v->type == JSMN_STRING ? 1 : 0);
			if (expect_gap(j, vstart, ':', "expected ':' after the key"))
				return -1;
		}
		if (value(j, depth + 1))
			return -1;
	}
	if (expect_gap(j, (size_t)tk->end - 1, 0, is_map ? "expected ',' or '}'" : "expected ',' or ']'"))
		return -1;
	j->pos = (size_t)tk->end;
	struct kg_node *n;
	if (kg_tree_close(j->t, &n))
		return tree_fail(j);
	return 0;
}

static int value(struct jctx *j, unsigned depth)
{
	const jsmntok_t *tk = &j->tok[j->i++];
	if (tk->type == JSMN_OBJECT || tk->type == JSMN_ARRAY)
		return container(j, tk, depth);
	struct kg_node *n;
	if (tk->type == JSMN_STRING) {
		if (tk->size)
			return fail_at(j, (size_t)tk->end + 1, "unexpected ':'");
		char *s;
		size_t len;
		if (decode_string(j, (size_t)tk->start, (size_t)tk->end, &s, &len))
			return -1;
		unsigned line, col;
		pos_at(j, (size_t)tk->start - 1, &line, &col);
		n = kg_tree_scalar(j->t, KG_STR, line, col);
		n->v.s = s;
		n->len = (uint32_t)len;
		n->text = s;
		n->flags |= KG_NODE_QUOTED;
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

/* Tokenize the whole input; grows the token array up to MAX_TOKENS. */
static int tokenize(struct jctx *j)
{
	struct kg_loader *L = j->L;
	jsmn_parser p;
	jsmn_init(&p);
	if (memchr(j->buf, '\0', j->len))
		return fail_at(j, (size_t)((const char *)memchr(j->buf, '\0', j->len) - j->buf), "NUL byte in input");
	for (;;) {
		if (!L->tokens) {
			L->atokens = 4096;
			L->tokens = malloc(L->atokens * sizeof(jsmntok_t));
			if (!L->tokens)
				abort();
		}
		int r = jsmn_parse(&p, j->buf, j->len, L->tokens, (unsigned)L->atokens);
		if (r == JSMN_ERROR_NOMEM) {
			if (L->atokens >= MAX_TOKENS)
				return fail_at(j, p.pos, "too many values in one JSON input");
			L->atokens *= 2;
			void *q = realloc(L->tokens, L->atokens * sizeof(jsmntok_t));
			if (!q)
				abort();
			L->tokens = q;
			continue;
		}
		if (r == JSMN_ERROR_INVAL)
			return fail_at(j, p.pos, "unexpected character");
		if (r == JSMN_ERROR_PART)
			return fail_at(j, j->len, "unexpected end of input (unclosed string, object or array)");
		j->tok = L->tokens;
		j->ntok = r;
		return 0;
	}
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
	if (expect_gap(&j, (size_t)j.tok[0].start - (j.tok[0].type == JSMN_STRING ? 1 : 0), 0, "unexpected character") ||
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
	if (tokenize(&j) == 0) {
		unsigned index = 0;
		while (j.i < j.ntok) {
			kg_arena_reset(&L->arena);
			kg_tree_reset(&L->tree);
			const jsmntok_t *tk = &j.tok[j.i];
			size_t start = (size_t)tk->start - (tk->type == JSMN_STRING ? 1 : 0);
			if (expect_gap(&j, start, 0, "unexpected data between JSON values"))
				break;
			if (value(&j, 0))
				break;
			const struct kg_node *root = L->tree.root;
			if (root && root->type != KG_NULL) {
				struct kg_doc d = { root, display, index++, root->line, L->tree.dups,
						    (unsigned)L->tree.ndups, &L->arena };
				if (sink->doc && sink->doc(sink->ctx, &d))
					return 0;
			}
		}
		if (j.err.message[0] == '\0' && expect_gap(&j, len, 0, "unexpected data after the JSON value") == 0)
			return 0;
	}
	j.err.file = display;
	if (sink->error)
		sink->error(sink->ctx, &j.err);
	return 1;
}
