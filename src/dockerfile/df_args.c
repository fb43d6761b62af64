/* BuildKit's per-instruction argument parsers (frontend/dockerfile/parser/line_parsers.go and
 * split_command.go), the JSON (exec) form, heredoc word detection, and the AST Dump() format.
 * The quirks are kept on purpose (byte-wise flag scanning, quotes kept in ENV/LABEL/ARG words,
 * legacy `ENV k v`), since they decide what an instruction means. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "df_priv.h"

#define MAX_JSON_DEPTH 1000

static const char *const kw_names[] = {
	"", "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
	"MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
};

enum kg_df_kw kg_df_keyword(const char *name)
{
	for (size_t i = 1; i < sizeof(kw_names) / sizeof(kw_names[0]); i++)
		if (!strcasecmp(name, kw_names[i]))
			return (enum kg_df_kw)i;
	return KG_DF_UNKNOWN;
}

const char *kg_df_kw_name(enum kg_df_kw kw)
{
	return (unsigned)kw < sizeof(kw_names) / sizeof(kw_names[0]) ? kw_names[kw] : "";
}

size_t kg_df_rune_len(const char *s, size_t n, size_t i)
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

size_t kg_df_space_at(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (!n)
		return 0;
	if (*u < 0x80)
		return (*u == ' ' || (*u >= '\t' && *u <= '\r')) ? 1 : 0;
	size_t k = kg_df_rune_len(s, n, 0);
	if (k == 2 && u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0))
		return 2;
	if (k == 3) {
		if ((u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80) ||
		    (u[0] == 0xE2 && u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF)) ||
		    (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) || (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80))
			return 3;
	}
	return 0;
}

/* Byte-wise unicode.IsSpace(rune(b)) as split_command.go and parseHealthConfig use it: Latin-1
 * bytes 0x85 and 0xA0 count as spaces there. */
static bool byte_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0;
}

/* Go's regexp class [\t\v\f\r ] (reWhitespace). */
static bool re_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* strings.TrimSpace bounds of s[b..e). */
static void trim_space(const char *s, size_t *b, size_t *e)
{
	size_t k;
	while (*b < *e && (k = kg_df_space_at(s + *b, *e - *b)))
		*b += k;
	size_t last = *b;
	for (size_t i = *b; i < *e;) {
		k = kg_df_space_at(s + i, *e - i);
		if (k) {
			i += k;
		} else {
			i += kg_df_rune_len(s, *e, i);
			last = i;
		}
	}
	*e = last;
}

/* ---- a tiny growable list of strings in the arena ---- */

struct strv {
	const char **v;
	uint32_t *lens;
	unsigned n, alloc;
};

/* s holds n bytes (JSON strings may hold NUL bytes; the rest of kguard sees them cut there,
 * as execve would). */
static void sv_addn(struct kg_arena *a, struct strv *sv, const char *s, size_t n)
{
	if (sv->n == sv->alloc) {
		unsigned na = sv->alloc ? sv->alloc * 2 : 8;
		const char **nv = kg_arena_alloc(a, na * sizeof(*nv));
		uint32_t *nl = kg_arena_alloc(a, na * sizeof(*nl));
		if (sv->n) {
			memcpy(nv, sv->v, sv->n * sizeof(*nv));
			memcpy(nl, sv->lens, sv->n * sizeof(*nl));
		}
		sv->v = nv;
		sv->lens = nl;
		sv->alloc = na;
	}
	sv->lens[sv->n] = (uint32_t)n;
	sv->v[sv->n++] = s;
}

static void sv_add(struct kg_arena *a, struct strv *sv, const char *s)
{
	sv_addn(a, sv, s, strlen(s));
}

/* Write the rune of one byte (Go's WriteRune(rune(line[pos]))): bytes >= 0x80 become U+0080..U+00FF. */
static int put_byte_rune(struct kg_buf *b, unsigned char c)
{
	if (c < 0x80)
		return kg_buf_addc(b, (char)c);
	char two[2] = { (char)(0xC0 | (c >> 6)), (char)(0x80 | (c & 0x3F)) };
	return kg_buf_add(b, two, 2);
}

/* extractBuilderFlags: leading --flags (quotes and escapes processed) and the offset where the
 * arguments start. */
static int extract_flags(struct kg_arena *a, const char *line, size_t len, char esc, struct strv *flags,
			 size_t *args_at)
{
	enum { SPACES, WORD, QUOTE } phase = SPACES;
	struct kg_buf sb = KG_BUF_INIT;
	bool blank_ok = false;
	char quote = 0;
	int rc = 0;
	kg_buf_init(&sb, KG_DF_MAX_INSTR);
	*args_at = len;
	for (size_t pos = 0; pos <= len; pos++) {
		unsigned char ch = pos < len ? (unsigned char)line[pos] : 0;
		if (phase == SPACES) {
			if (pos == len)
				break;
			if (byte_space(ch))
				continue;
			if (ch != '-' || pos + 1 == len || line[pos + 1] != '-') {
				*args_at = pos;
				goto out;
			}
			phase = WORD;
		}
		if (pos == len) {
			const char *w = sb.data ? sb.data : "";
			if (strcmp(w, "--") && (blank_ok || sb.len))
				sv_add(a, flags, kg_arena_strndup(a, w, sb.len));
			break;
		}
		if (phase == WORD) {
			if (byte_space(ch)) {
				const char *w = sb.data ? sb.data : "";
				phase = SPACES;
				if (sb.len == 2 && !strcmp(w, "--")) {
					*args_at = pos;
					goto out;
				}
				if (blank_ok || sb.len)
					sv_add(a, flags, kg_arena_strndup(a, w, sb.len));
				kg_buf_reset(&sb);
				blank_ok = false;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = (char)ch;
				blank_ok = true;
				phase = QUOTE;
				continue;
			}
			if (ch == (unsigned char)esc) {
				if (pos + 1 == len)
					continue;
				ch = (unsigned char)line[++pos];
			}
			if ((rc = put_byte_rune(&sb, ch)))
				goto out;
			continue;
		}
		/* QUOTE */
		if (ch == (unsigned char)quote) {
			phase = WORD;
			continue;
		}
		if (ch == (unsigned char)esc) {
			if (pos + 1 == len) {
				phase = WORD;
				continue;
			}
			ch = (unsigned char)line[++pos];
		}
		if ((rc = put_byte_rune(&sb, ch)))
			goto out;
	}
out:
	kg_buf_release(&sb);
	return rc;
}

/* parseWords: words split at spaces, quotes and escapes kept in the words. */
static void parse_words(struct kg_arena *a, const char *rest, size_t len, char esc, struct strv *out)
{
	enum { SPACES, WORD, QUOTE } phase = SPACES;
	char *w = kg_arena_alloc(a, len + 1);
	size_t wl = 0, k = 0;
	bool blank_ok = false;
	char quote = 0;
	for (size_t pos = 0; pos <= len; pos += k) {
		k = pos < len ? kg_df_rune_len(rest, len, pos) : 0;
		const char *ch = rest + pos;
		if (phase == SPACES) {
			if (pos == len)
				break;
			if (kg_df_space_at(ch, len - pos))
				continue;
			phase = WORD;
		}
		if (pos == len) {
			if (blank_ok || wl)
				sv_add(a, out, kg_arena_strndup(a, w, wl));
			break;
		}
		if (phase == WORD) {
			if (kg_df_space_at(ch, len - pos)) {
				phase = SPACES;
				if (blank_ok || wl)
					sv_add(a, out, kg_arena_strndup(a, w, wl));
				wl = 0;
				blank_ok = false;
				continue;
			}
			if (*ch == '\'' || *ch == '"') {
				quote = *ch;
				blank_ok = true;
				phase = QUOTE;
			}
			if (*ch == esc) {
				if (pos + k == len)
					continue;
				w[wl++] = *ch;
				pos += k;
				k = kg_df_rune_len(rest, len, pos);
				ch = rest + pos;
			}
			memcpy(w + wl, ch, k);
			wl += k;
			continue;
		}
		/* QUOTE */
		if (*ch == quote)
			phase = WORD;
		if (*ch == esc && quote != '\'') {
			if (pos + k == len) {
				phase = WORD;
				continue;
			}
			w[wl++] = *ch;
			pos += k;
			k = kg_df_rune_len(rest, len, pos);
			ch = rest + pos;
		}
		memcpy(w + wl, ch, k);
		wl += k;
	}
}

/* reWhitespace.Split(s, limit) (limit 0 = all). */
static void split_ws(struct kg_arena *a, const char *s, size_t len, unsigned limit, struct strv *out)
{
	size_t start = 0, i = 0;
	while (i < len) {
		if (re_ws(s[i]) && (!limit || out->n + 1 < limit)) {
			size_t j = i;
			while (j < len && re_ws(s[j]))
				j++;
			sv_add(a, out, kg_arena_strndup(a, s + start, i - start));
			start = i = j;
		} else {
			i++;
		}
	}
	sv_add(a, out, kg_arena_strndup(a, s + start, len - start));
}

/* ---- JSON (encoding/json into []any) ---- */

struct json {
	const char *s;
	size_t n, i;
	struct kg_arena *a;
	int depth;
};

static void j_ws(struct json *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' || j->s[j->i] == '\r'))
		j->i++;
}

static int hexv(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int j_hex4(struct json *j, unsigned *out)
{
	unsigned v = 0;
	if (j->i + 4 > j->n)
		return -1;
	for (int k = 0; k < 4; k++) {
		int h = hexv(j->s[j->i + (size_t)k]);
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	j->i += 4;
	*out = v;
	return 0;
}

static void put_utf8(struct kg_buf *b, unsigned cp)
{
	char u[4];
	if (cp < 0x80) {
		kg_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		kg_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		kg_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		kg_buf_add(b, u, 4);
	}
}

/* A JSON string at j->i (the opening quote); decoded into b when b is not NULL. */
static int j_string(struct json *j, struct kg_buf *b)
{
	j->i++;
	while (j->i < j->n) {
		unsigned char c = (unsigned char)j->s[j->i];
		if (c == '"') {
			j->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (++j->i >= j->n)
				return -1;
			char e = j->s[j->i++];
			unsigned cp;
			switch (e) {
			case '"': cp = '"'; break;
			case '\\': cp = '\\'; break;
			case '/': cp = '/'; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (j_hex4(j, &cp))
					return -1;
				if (cp >= 0xD800 && cp < 0xDC00) {
					unsigned lo;
					size_t save = j->i;
					if (j->i + 1 < j->n && j->s[j->i] == '\\' && j->s[j->i + 1] == 'u') {
						j->i += 2;
						if (j_hex4(j, &lo))
							return -1;
						if (lo >= 0xDC00 && lo < 0xE000) {
							cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
						} else {
							cp = 0xFFFD;
							j->i = save;
						}
					} else {
						cp = 0xFFFD;
					}
				} else if (cp >= 0xDC00 && cp < 0xE000) {
					cp = 0xFFFD;
				}
				break;
			default:
				return -1;
			}
			if (b)
				put_utf8(b, cp);
			continue;
		}
		size_t k = kg_df_rune_len(j->s, j->n, j->i);
		if (b) {
			if (c >= 0x80 && k == 1)
				put_utf8(b, 0xFFFD); /* Go replaces invalid UTF-8 */
			else
				kg_buf_add(b, j->s + j->i, k);
		}
		j->i += k;
	}
	return -1;
}

static int j_digits(struct json *j)
{
	size_t s = j->i;
	while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
		j->i++;
	return j->i > s ? 0 : -1;
}

static int j_value(struct json *j);

static int j_number(struct json *j)
{
	if (j->s[j->i] == '-')
		j->i++;
	if (j->i < j->n && j->s[j->i] == '0')
		j->i++;
	else if (j_digits(j))
		return -1;
	if (j->i < j->n && j->s[j->i] == '.') {
		j->i++;
		if (j_digits(j))
			return -1;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (j_digits(j))
			return -1;
	}
	return 0;
}

static int j_container(struct json *j, char close, bool object)
{
	if (++j->depth > MAX_JSON_DEPTH)
		return -1;
	j->i++;
	j_ws(j);
	if (j->i < j->n && j->s[j->i] == close) {
		j->i++;
		j->depth--;
		return 0;
	}
	for (;;) {
		j_ws(j);
		if (object) {
			if (j->i >= j->n || j->s[j->i] != '"' || j_string(j, NULL))
				return -1;
			j_ws(j);
			if (j->i >= j->n || j->s[j->i++] != ':')
				return -1;
			j_ws(j);
		}
		if (j_value(j))
			return -1;
		j_ws(j);
		if (j->i >= j->n)
			return -1;
		char c = j->s[j->i++];
		if (c == close)
			break;
		if (c != ',')
			return -1;
	}
	j->depth--;
	return 0;
}

static int j_value(struct json *j)
{
	if (j->i >= j->n)
		return -1;
	char c = j->s[j->i];
	if (c == '"')
		return j_string(j, NULL);
	if (c == '[')
		return j_container(j, ']', false);
	if (c == '{')
		return j_container(j, '}', true);
	if (c == '-' || (c >= '0' && c <= '9'))
		return j_number(j);
	static const char *const lits[] = { "true", "false", "null" };
	for (int k = 0; k < 3; k++) {
		size_t l = strlen(lits[k]);
		if (j->n - j->i >= l && !memcmp(j->s + j->i, lits[k], l)) {
			j->i += l;
			return 0;
		}
	}
	return -1;
}

enum { JSON_OK = 0, JSON_INVALID = -1, JSON_NOT_STRINGS = -2 };

/* parseJSON: a JSON array of strings (leading spaces allowed, nothing after the array). */
static int parse_json(struct kg_arena *a, const char *rest, size_t len, struct strv *out)
{
	size_t b = 0, k;
	while (b < len && (k = kg_df_space_at(rest + b, len - b)))
		b += k;
	if (b >= len || rest[b] != '[')
		return JSON_INVALID;
	struct json j = { rest, len, b, a, 0 };
	if (j_value(&j))
		return JSON_INVALID;
	j_ws(&j);
	if (j.i != len)
		return JSON_INVALID;
	/* valid JSON: now every element must be a string */
	j.i = b + 1;
	j.depth = 0;
	struct kg_buf sb = KG_BUF_INIT;
	kg_buf_init(&sb, 0);
	int rc = JSON_OK;
	j_ws(&j);
	while (j.s[j.i] != ']') {
		j_ws(&j);
		if (j.s[j.i] != '"') {
			rc = JSON_NOT_STRINGS;
			break;
		}
		kg_buf_reset(&sb);
		(void)j_string(&j, &sb);
		sv_addn(a, out, kg_arena_strndup(a, sb.data ? sb.data : "", sb.len), sb.len);
		j_ws(&j);
		if (j.s[j.i] == ',')
			j.i++;
		j_ws(&j);
	}
	kg_buf_release(&sb);
	return rc;
}

static const char err_not_strings[] = "when using JSON array syntax, arrays must be comprised of strings only";

static int maybe_json(struct kg_arena *a, struct kg_df_instr *in, const char *rest, size_t len, struct strv *out,
		      bool to_list, char *err, size_t errsz)
{
	if (!len && !to_list)
		return 0;
	int r = parse_json(a, rest, len, out);
	if (r == JSON_OK) {
		in->json = true;
		return 0;
	}
	if (r == JSON_NOT_STRINGS) {
		snprintf(err, errsz, "%s", err_not_strings);
		return -1;
	}
	if (!len)
		return 0;
	if (to_list)
		split_ws(a, rest, len, 0, out);
	else
		sv_add(a, out, kg_arena_strndup(a, rest, len));
	return 0;
}

/* Go's %q of a string, for error messages. */
static void goq(char *dst, size_t size, const char *s)
{
	struct kg_buf b = KG_BUF_INIT;
	kg_buf_init(&b, 0);
	kg_df_goquote(&b, s, strlen(s));
	snprintf(dst, size, "%s", b.data ? b.data : "\"\"");
	kg_buf_release(&b);
}

/* parseNameVal (ENV, LABEL): `k v` (legacy) or k=v pairs; args come in triples (key, value, sep). */
static int name_val(struct kg_arena *a, const char *key, const char *rest, size_t len, char esc, struct strv *out,
		    char *err, size_t errsz)
{
	struct strv words = { 0 };
	parse_words(a, rest, len, esc, &words);
	if (!words.n)
		return 0;
	if (!strchr(words.v[0], '=')) {
		struct strv parts = { 0 };
		split_ws(a, rest, len, 2, &parts);
		if (parts.n < 2) {
			snprintf(err, errsz, "%s must have two arguments", key);
			return -1;
		}
		sv_add(a, out, parts.v[0]);
		sv_add(a, out, parts.v[1]);
		sv_add(a, out, "");
		return 0;
	}
	for (unsigned i = 0; i < words.n; i++) {
		const char *eq = strchr(words.v[i], '=');
		if (!eq) {
			char q[300];
			goq(q, sizeof(q), words.v[i]);
			snprintf(err, errsz, "Syntax error - can't find = in %s. Must be of the form: name=value", q);
			return -1;
		}
		sv_add(a, out, kg_arena_strndup(a, words.v[i], (size_t)(eq - words.v[i])));
		sv_add(a, out, eq + 1);
		sv_add(a, out, "=");
	}
	return 0;
}

int kg_df_node_from_line(struct kg_arena *a, struct kg_df_instr *in, const char *text, size_t len, char escape,
			 char *err, size_t errsz)
{
	size_t b = 0, e = len;
	trim_space(text, &b, &e);
	size_t c = b;
	while (c < e && !re_ws(text[c]))
		c++;
	in->text = text;
	in->name = kg_arena_strndup(a, text + b, c - b);
	in->kw = kg_df_keyword(in->name);
	struct strv flags = { 0 }, args = { 0 };
	size_t rb = e, re = e;
	if (c < e) {
		size_t s = c;
		while (s < e && re_ws(text[s]))
			s++;
		size_t at;
		if (extract_flags(a, text + s, e - s, escape, &flags, &at)) {
			snprintf(err, errsz, "instruction longer than the limit");
			return -1;
		}
		rb = s + at;
		re = e;
		trim_space(text, &rb, &re);
	}
	in->flags = flags.v;
	in->nflags = flags.n;
	in->rest = kg_arena_strndup(a, text + rb, re - rb);
	in->rest_off = (uint32_t)rb;
	const char *rest = in->rest;
	size_t rlen = re - rb;
	int rc = 0;
	switch (in->kw) {
	case KG_DF_ADD:
	case KG_DF_COPY:
	case KG_DF_VOLUME:
		rc = maybe_json(a, in, rest, rlen, &args, true, err, errsz);
		break;
	case KG_DF_CMD:
	case KG_DF_ENTRYPOINT:
	case KG_DF_RUN:
	case KG_DF_SHELL:
		rc = maybe_json(a, in, rest, rlen, &args, false, err, errsz);
		break;
	case KG_DF_ARG:
		parse_words(a, rest, rlen, escape, &args);
		break;
	case KG_DF_ENV:
	case KG_DF_LABEL:
		rc = name_val(a, in->kw == KG_DF_ENV ? "ENV" : "LABEL", rest, rlen, escape, &args, err, errsz);
		break;
	case KG_DF_EXPOSE:
	case KG_DF_FROM:
		if (rlen)
			split_ws(a, rest, rlen, 0, &args);
		break;
	case KG_DF_MAINTAINER:
	case KG_DF_STOPSIGNAL:
	case KG_DF_USER:
	case KG_DF_WORKDIR:
		if (rlen)
			sv_add(a, &args, rest);
		break;
	case KG_DF_HEALTHCHECK: {
		size_t sep = 0, next;
		while (sep < rlen && !byte_space((unsigned char)rest[sep]))
			sep++;
		for (next = sep; next < rlen && byte_space((unsigned char)rest[next]); next++)
			;
		if (!sep)
			break;
		struct strv cmd = { 0 };
		sv_add(a, &args, kg_arena_strndup(a, rest, sep));
		rc = maybe_json(a, in, rest + next, rlen - next, &cmd, false, err, errsz);
		for (unsigned i = 0; !rc && i < cmd.n; i++)
			sv_addn(a, &args, cmd.v[i], cmd.lens[i]);
		break;
	}
	case KG_DF_ONBUILD:
		if (rlen) {
			struct kg_df_instr *sub = kg_arena_zalloc(a, sizeof(*sub));
			rc = kg_df_node_from_line(a, sub, rest, rlen, escape, err, errsz);
			if (!rc) {
				sub->text_off = in->text_off + in->rest_off;
				sub->segs = in->segs;
				sub->nsegs = in->nsegs;
				sub->line = in->line;
				sub->end_line = in->end_line;
				sub->index = in->index;
				unsigned l, col;
				kg_df_pos(sub, (uint32_t)0, &l, &col);
				sub->col = col;
				in->sub = sub;
			}
		}
		break;
	case KG_DF_UNKNOWN:
		break;
	}
	in->args = args.v;
	in->arg_lens = args.lens;
	in->nargs = args.n;
	return rc;
}

bool kg_df_can_heredoc(const struct kg_df_instr *in)
{
	if (in->kw == KG_DF_ONBUILD && in->sub)
		in = in->sub;
	return (in->kw == KG_DF_ADD || in->kw == KG_DF_COPY || in->kw == KG_DF_RUN) && !in->json;
}

/* ^(\d*)<<(-?)\s*([^<]*)$ on one word, then the word's unquoted and raw forms decide expand. */
static int heredoc_word(struct kg_arena *a, const char *w, struct kg_df_heredoc *h, char *err, size_t errsz)
{
	size_t i = 0, n = strlen(w);
	unsigned long fd = 0;
	bool fd_ok = true;
	while (i < n && w[i] >= '0' && w[i] <= '9') {
		if (fd > 0xFFFFFFFFul / 10)
			fd_ok = false;
		fd = fd * 10 + (unsigned long)(w[i] - '0');
		i++;
	}
	if (n - i < 2 || w[i] != '<' || w[i + 1] != '<')
		return 0;
	i += 2;
	bool chomp = false;
	if (i < n && w[i] == '-') {
		chomp = true;
		i++;
	}
	while (i < n && (w[i] == ' ' || w[i] == '\t' || w[i] == '\n' || w[i] == '\f' || w[i] == '\r'))
		i++;
	if (strchr(w + i, '<') || i >= n)
		return 0;
	const char *rest = w + i;
	struct kg_df_lex lx = { '\\', false, false, true, NULL, NULL };
	char **words, **raw;
	unsigned nw, nr;
	if (kg_df_expand_words(&lx, a, rest, n - i, &words, &nw, err, errsz))
		return -1;
	if (nw != 1)
		return 0;
	lx.raw_quotes = true;
	if (kg_df_expand_words(&lx, a, rest, n - i, &raw, &nr, err, errsz))
		return -1;
	if (nr != nw) {
		snprintf(err, errsz, "internal lexing of heredoc produced inconsistent results: %s", rest);
		return -1;
	}
	unsigned q1 = 0, q2 = 0;
	for (const char *p = words[0]; *p; p++)
		q1 += *p == '\'' || *p == '"';
	for (const char *p = raw[0]; *p; p++)
		q2 += *p == '\'' || *p == '"';
	h->name = words[0];
	h->expand = q1 == q2;
	h->chomp = chomp;
	h->fd = fd_ok ? (unsigned)fd : 0;
	return 1;
}

int kg_df_heredocs_from_line(struct kg_arena *a, const char *line, size_t len, struct kg_df_heredoc *out,
			     unsigned max, char *err, size_t errsz)
{
	struct kg_df_lex lx = { '\\', true, true, true, NULL, NULL };
	char **words;
	unsigned nw, n = 0;
	if (kg_df_expand_words(&lx, a, line, len, &words, &nw, err, errsz)) {
		err[0] = '\0'; /* BuildKit ignores lexing errors here: no heredocs */
		return 0;
	}
	for (unsigned i = 0; i < nw; i++) {
		struct kg_df_heredoc h = { 0 };
		int r = heredoc_word(a, words[i], &h, err, errsz);
		if (r < 0)
			return -1;
		if (!r)
			continue;
		if (n >= max) {
			snprintf(err, errsz, "more than %u heredocs in one instruction", max);
			return -1;
		}
		out[n++] = h;
	}
	return (int)n;
}

/* ---- Dump ---- */

static bool go_unprintable(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD || (cp >= 0x2000 && cp <= 0x200F) ||
	       (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 ||
	       cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xD800 && cp < 0xE000);
}

int kg_df_goquote(struct kg_buf *b, const char *s, size_t n)
{
	int rc = kg_buf_addc(b, '"');
	for (size_t i = 0; i < n && !rc;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = kg_df_rune_len(s, n, i);
		if (c >= 0x80 && k == 1) {
			rc = kg_buf_printf(b, "\\x%02x", c);
		} else if (k > 1) {
			unsigned cp = k == 2 ? ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu)
				: k == 3 ? ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu)
				: ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
			rc = go_unprintable(cp) ? kg_buf_printf(b, "\\u%04x", cp) : kg_buf_add(b, s + i, k);
		} else {
			switch (c) {
			case '\a': rc = kg_buf_adds(b, "\\a"); break;
			case '\b': rc = kg_buf_adds(b, "\\b"); break;
			case '\f': rc = kg_buf_adds(b, "\\f"); break;
			case '\n': rc = kg_buf_adds(b, "\\n"); break;
			case '\r': rc = kg_buf_adds(b, "\\r"); break;
			case '\t': rc = kg_buf_adds(b, "\\t"); break;
			case '\v': rc = kg_buf_adds(b, "\\v"); break;
			case '\\': rc = kg_buf_adds(b, "\\\\"); break;
			case '"': rc = kg_buf_adds(b, "\\\""); break;
			default:
				rc = (c < 0x20 || c == 0x7F) ? kg_buf_printf(b, "\\x%02x", c) : kg_buf_addc(b, (char)c);
			}
		}
		i += k;
	}
	return rc ? rc : kg_buf_addc(b, '"');
}

int kg_df_dump(const struct kg_df_instr *in, struct kg_buf *b)
{
	int rc = 0;
	for (const char *p = in->name; *p && !rc; p++)
		rc = kg_buf_addc(b, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
	if (in->nflags) {
		rc |= kg_buf_adds(b, " [");
		for (unsigned i = 0; i < in->nflags; i++) {
			if (i)
				rc |= kg_buf_addc(b, ' ');
			rc |= kg_df_goquote(b, in->flags[i], strlen(in->flags[i]));
		}
		rc |= kg_buf_addc(b, ']');
	}
	if (in->sub) {
		rc |= kg_buf_adds(b, " (");
		rc |= kg_df_dump(in->sub, b);
		rc |= kg_buf_addc(b, ')');
	}
	for (unsigned i = 0; i < in->nargs; i++) {
		rc |= kg_buf_addc(b, ' ');
		rc |= kg_df_goquote(b, in->args[i], in->arg_lens ? in->arg_lens[i] : strlen(in->args[i]));
	}
	return rc ? -1 : 0;
}
