#include "jsonw.h"

#include "utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void kg_jw_init(struct kg_jw *w, struct kg_buf *b, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->pretty = pretty;
}

static void put(struct kg_jw *w, const char *s, size_t n)
{
	if (kg_buf_add(w->b, s, n))
		w->failed = true;
}

static void newline(struct kg_jw *w)
{
	if (!w->pretty)
		return;
	put(w, "\n", 1);
	for (int i = 0; i < w->depth; i++)
		put(w, "  ", 2);
}

/* Before any value: a comma if needed, and indentation. */
static void pre_value(struct kg_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth])
			put(w, ",", 1);
		w->need_comma[w->depth] = true;
		newline(w);
	}
}

static void open(struct kg_jw *w, char c)
{
	pre_value(w);
	put(w, &c, 1);
	if (w->depth + 1 < KG_JW_MAX_DEPTH)
		w->depth++;
	else
		w->failed = true;
	w->need_comma[w->depth] = false;
}

static void close_(struct kg_jw *w, char c)
{
	bool had = w->need_comma[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (had)
		newline(w);
	put(w, &c, 1);
}

void kg_jw_obj(struct kg_jw *w) { open(w, '{'); }
void kg_jw_obj_end(struct kg_jw *w) { close_(w, '}'); }
void kg_jw_arr(struct kg_jw *w) { open(w, '['); }
void kg_jw_arr_end(struct kg_jw *w) { close_(w, ']'); }

int kg_json_escape(struct kg_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	int rc = 0;
	while (i < n) {
		unsigned char c = p[i];
		size_t len = 1;
		bool ok = true;
		if (c >= 0x80) {
			uint32_t cp;
			len = kg_utf8_decode(p + i, n - i, &cp);
			ok = len != 0;
			if (ok) {
				run += len;
				i += len;
				continue;
			}
			len = 1;
		} else if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			i++;
			continue;
		}
		rc |= kg_buf_add(b, s + i - run, run);
		run = 0;
		char esc[8];
		if (!ok) {
			rc |= kg_buf_adds(b, "\\ufffd");
		} else {
			switch (c) {
			case '"': rc |= kg_buf_adds(b, "\\\""); break;
			case '\\': rc |= kg_buf_adds(b, "\\\\"); break;
			case '\n': rc |= kg_buf_adds(b, "\\n"); break;
			case '\r': rc |= kg_buf_adds(b, "\\r"); break;
			case '\t': rc |= kg_buf_adds(b, "\\t"); break;
			default:
				esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
				esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
				rc |= kg_buf_add(b, esc, 6);
			}
		}
		i += len;
	}
	rc |= kg_buf_add(b, s + i - run, run);
	return rc ? -1 : 0;
}

void kg_jw_strn(struct kg_jw *w, const char *s, size_t n)
{
	pre_value(w);
	put(w, "\"", 1);
	if (kg_json_escape(w->b, s, n))
		w->failed = true;
	put(w, "\"", 1);
}

void kg_jw_str(struct kg_jw *w, const char *s)
{
	if (!s) {
		kg_jw_null(w);
		return;
	}
	kg_jw_strn(w, s, strlen(s));
}

void kg_jw_key(struct kg_jw *w, const char *k)
{
	pre_value(w);
	put(w, "\"", 1);
	if (kg_json_escape(w->b, k, strlen(k)))
		w->failed = true;
	put(w, w->pretty ? "\": " : "\":", w->pretty ? 3 : 2);
	w->after_key = true;
}

void kg_jw_raw(struct kg_jw *w, const char *json)
{
	pre_value(w);
	put(w, json, strlen(json));
}

void kg_jw_int(struct kg_jw *w, int64_t v)
{
	char t[32];
	snprintf(t, sizeof(t), "%" PRId64, v);
	kg_jw_raw(w, t);
}

void kg_jw_uint(struct kg_jw *w, uint64_t v)
{
	char t[32];
	snprintf(t, sizeof(t), "%" PRIu64, v);
	kg_jw_raw(w, t);
}

void kg_jw_double(struct kg_jw *w, double v)
{
	char t[40];
	if (!isfinite(v)) {
		kg_jw_null(w);
		return;
	}
	snprintf(t, sizeof(t), "%.17g", v);
	kg_jw_raw(w, t);
}

void kg_jw_bool(struct kg_jw *w, bool v) { kg_jw_raw(w, v ? "true" : "false"); }
void kg_jw_null(struct kg_jw *w) { kg_jw_raw(w, "null"); }

void kg_jw_kstr(struct kg_jw *w, const char *k, const char *v)
{
	kg_jw_key(w, k);
	kg_jw_str(w, v);
}

void kg_jw_kint(struct kg_jw *w, const char *k, int64_t v)
{
	kg_jw_key(w, k);
	kg_jw_int(w, v);
}

void kg_jw_kbool(struct kg_jw *w, const char *k, bool v)
{
	kg_jw_key(w, k);
	kg_jw_bool(w, v);
}
