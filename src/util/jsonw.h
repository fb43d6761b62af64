/* A streaming JSON writer into a kg_buf. Commas, nesting and string escaping are handled here;
 * callers only say what comes next. Invalid UTF-8 in strings is written as U+FFFD so output is
 * always valid JSON. Write errors (buffer cap reached) are sticky in jw->failed. */
#ifndef KG_JSONW_H
#define KG_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define KG_JW_MAX_DEPTH 64

struct kg_jw {
	struct kg_buf *b;
	bool pretty;
	int depth;
	bool need_comma[KG_JW_MAX_DEPTH];
	bool after_key;
	bool failed;
};

void kg_jw_init(struct kg_jw *w, struct kg_buf *b, bool pretty);
void kg_jw_obj(struct kg_jw *w);      /* { */
void kg_jw_obj_end(struct kg_jw *w);  /* } */
void kg_jw_arr(struct kg_jw *w);      /* [ */
void kg_jw_arr_end(struct kg_jw *w);  /* ] */
void kg_jw_key(struct kg_jw *w, const char *k);
void kg_jw_str(struct kg_jw *w, const char *s);            /* NULL writes null */
void kg_jw_strn(struct kg_jw *w, const char *s, size_t n);
void kg_jw_int(struct kg_jw *w, int64_t v);
void kg_jw_uint(struct kg_jw *w, uint64_t v);
void kg_jw_double(struct kg_jw *w, double v);
void kg_jw_bool(struct kg_jw *w, bool v);
void kg_jw_null(struct kg_jw *w);
void kg_jw_raw(struct kg_jw *w, const char *json); /* a pre-formatted JSON value */
/* key + value shorthands */
void kg_jw_kstr(struct kg_jw *w, const char *k, const char *v);
void kg_jw_kint(struct kg_jw *w, const char *k, int64_t v);
void kg_jw_kbool(struct kg_jw *w, const char *k, bool v);
/* Append the escaped form of s (without quotes) to b. */
int kg_json_escape(struct kg_buf *b, const char *s, size_t n);
/* For writers that reserve first and then write through a pointer: the escaped form of s[0..n)
 * written at dst, which must have room for KG_JSON_ESC_MAX(n) bytes; returns the end. */
#define KG_JSON_ESC_MAX(n) ((n) * 6)
char *kg_json_escape_to(char *dst, const char *s, size_t n);
/* Length of the longest prefix of s[0..n) that needs no escaping (printable ASCII). */
size_t kg_json_plain_len(const char *s, size_t n);

#endif
