/* JSON report: {"findings": [...], "errors": [...], "notes": [...], "summary": {...}}; notes are
 * the inputs deliberately not scanned ({"file", "message"}). The keys are API: scripts
 * and the admission webhook's clients read them, so they only ever grow. Strings are escaped by
 * jsonw (invalid UTF-8 becomes U+FFFD); unknown values are null, unknown positions 0. A finding's
 * "renderedFrom" (the chart or Kustomize file of rendered output) is the one key written only
 * when known: most inputs are not rendered. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/jsonw.h"
#include "write.h"
#include "write_priv.h"

/* Findings are formatted straight into reserved buffer space. Most of a finding repeats an
 * earlier one: the rule block (id, severity, title) comes from the catalog, and file and object
 * identity are the same for every finding of an object in one chunk (mostly the same pointers: the
 * report interns them, and nothing is freed during one kg_write_json_findings call). Those parts
 * are copied from their first rendering earlier in the buffer; only message, position, path and
 * container are escaped each time. Rule parts are found by the pointers of id and title, which
 * live for the whole run (the report does not copy them), so they are kept from one chunk to the
 * next until the buffer is written out; file and object parts only within one chunk. */


/* A rendered part of an earlier finding: bytes [off, off+len) of the buffer. */
struct part {
	size_t off, len;
};

#define RULE_BITS 8
#define RULE_SLOTS (1 << RULE_BITS)
struct kg_json_cache {
	struct {
		const char *id, *title;
		enum kg_severity sev;
		unsigned long flushes; /* the part is in the buffer while this is the buffer's */
		struct part p;
	} rule[RULE_SLOTS];
	unsigned long flushes; /* the buffer's kg_wout.flushes the rule parts are from */
	bool have_file, have_obj;
	const char *file;
	const char *obj[5]; /* identity and rendered_from */
	struct part file_p, obj_p;
};

/* Equal strings (or both NULL); equal pointers are the common case. */
static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Forget the parts that are no longer in w's buffer (rule parts by their stamp: clearing 10 KB of
 * slots at every block written cost more than the stamps). */
static void cache_sync(struct kg_json_cache *c, const struct kg_wout *w)
{
	if (c->flushes == w->flushes)
		return;
	c->have_file = c->have_obj = false;
	c->flushes = w->flushes;
}

struct kg_json_cache *kg_json_cache_new(void)
{
	struct kg_json_cache *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	return c;
}

void kg_json_cache_free(struct kg_json_cache *c)
{
	free(c);
}

/* Worst-case size of str(s) with n = strlen(s). */
static size_t str_max(const char *s, size_t n)
{
	return s ? KG_JSON_ESC_MAX(n) + 2 : 4;
}

/* A string value or null; n is strlen(s) and the room was reserved. */
static char *str(char *d, const char *s, size_t n)
{
	if (!s)
		return kg_wp_put(d, KG_LIT("null"));
	*d++ = '"';
	d = kg_json_escape_to(d, s, n);
	*d++ = '"';
	return d;
}

/* Copy an earlier part to the end of the buffer. */
static int copy_part(struct kg_buf *b, struct part p)
{
	char *d = kg_wp_room(b, p.len);
	if (!d)
		return -1;
	kg_wp_done(b, kg_wp_put(d, b->data + p.off, p.len));
	return 0;
}

/* {"rule", "severity", "title" and the "message" key. */
static int rule_part(struct kg_buf *b, struct kg_json_cache *c, const struct kg_finding *f)
{
	/* by catalog rank: dense, so the catalog's rules do not collide (a hash of the id pointer
	 * depended on where the linker put the strings); unranked rules by that hash */
	size_t h = f->rule_rank ? f->rule_rank & (RULE_SLOTS - 1)
				: (size_t)(((uint64_t)(uintptr_t)f->rule_id * 0x9E3779B97F4A7C15u) >> (64 - RULE_BITS));
	if (c->rule[h].p.len && c->rule[h].flushes == c->flushes && c->rule[h].id == f->rule_id &&
	    c->rule[h].title == f->title && c->rule[h].sev == f->severity)
		return copy_part(b, c->rule[h].p);
	const char *sev = kg_severity_name(f->severity);
	size_t li = kg_wp_len0(f->rule_id), ls = strlen(sev), lt = kg_wp_len0(f->title);
	char *d = kg_wp_room(b, 96 + str_max(f->rule_id, li) + str_max(sev, ls) + str_max(f->title, lt));
	if (!d)
		return -1;
	size_t off = b->len;
	d = kg_wp_put(d, KG_LIT("{\n      \"rule\": "));
	d = str(d, f->rule_id, li);
	d = kg_wp_put(d, KG_LIT(",\n      \"severity\": "));
	d = str(d, sev, ls);
	d = kg_wp_put(d, KG_LIT(",\n      \"title\": "));
	d = str(d, f->title, lt);
	d = kg_wp_put(d, KG_LIT(",\n      \"message\": "));
	kg_wp_done(b, d);
	c->rule[h].id = f->rule_id;
	c->rule[h].title = f->title;
	c->rule[h].sev = f->severity;
	c->rule[h].flushes = c->flushes;
	c->rule[h].p = (struct part){ off, b->len - off };
	return 0;
}

/* "file" and the "line" key. */
static int file_part(struct kg_buf *b, struct kg_json_cache *c, const char *file)
{
	if (c->have_file && same(c->file, file))
		return copy_part(b, c->file_p);
	size_t n = kg_wp_len0(file);
	char *d = kg_wp_room(b, 48 + str_max(file, n));
	if (!d)
		return -1;
	size_t off = b->len;
	d = kg_wp_put(d, KG_LIT(",\n      \"file\": "));
	d = str(d, file, n);
	d = kg_wp_put(d, KG_LIT(",\n      \"line\": "));
	kg_wp_done(b, d);
	c->have_file = true;
	c->file = file;
	c->file_p = (struct part){ off, b->len - off };
	return 0;
}

/* "object" (and "renderedFrom", present only when known) to the end of the finding. */
static int object_part(struct kg_buf *b, struct kg_json_cache *c, const struct kg_finding *f)
{
	const char *id[5] = { f->api_version, f->kind, f->namespace_, f->name, f->rendered_from };
	if (c->have_obj && same(c->obj[0], id[0]) && same(c->obj[1], id[1]) && same(c->obj[2], id[2]) &&
	    same(c->obj[3], id[3]) && same(c->obj[4], id[4]))
		return copy_part(b, c->obj_p);
	size_t n[5], max = 200;
	for (int i = 0; i < 5; i++) {
		n[i] = kg_wp_len0(id[i]);
		max += str_max(id[i], n[i]);
	}
	char *d = kg_wp_room(b, max);
	if (!d)
		return -1;
	size_t off = b->len;
	if (!id[0] && !id[1] && !id[2] && !id[3]) {
		/* findings about files rather than Kubernetes objects (Dockerfiles, node files) */
		d = kg_wp_put(d, KG_LIT(",\n      \"object\": null"));
	} else {
		d = kg_wp_put(d, KG_LIT(",\n      \"object\": {\n        \"apiVersion\": "));
		d = str(d, id[0], n[0]);
		d = kg_wp_put(d, KG_LIT(",\n        \"kind\": "));
		d = str(d, id[1], n[1]);
		d = kg_wp_put(d, KG_LIT(",\n        \"namespace\": "));
		d = str(d, id[2], n[2]);
		d = kg_wp_put(d, KG_LIT(",\n        \"name\": "));
		d = str(d, id[3], n[3]);
		d = kg_wp_put(d, KG_LIT("\n      }"));
	}
	if (id[4]) {
		d = kg_wp_put(d, KG_LIT(",\n      \"renderedFrom\": "));
		d = str(d, id[4], n[4]);
	}
	d = kg_wp_put(d, KG_LIT("\n    }"));
	kg_wp_done(b, d);
	c->have_obj = true;
	memcpy(c->obj, id, sizeof(id));
	c->obj_p = (struct part){ off, b->len - off };
	return 0;
}

/* One finding, formatted exactly as kg_jw would at this depth (findings[] of the top object). */
static int finding(struct kg_buf *b, struct kg_json_cache *c, const struct kg_finding *f, bool comma)
{
	char *d = kg_wp_room(b, 8);
	if (!d)
		return -1;
	kg_wp_done(b, comma ? kg_wp_put(d, KG_LIT(",\n    ")) : kg_wp_put(d, KG_LIT("\n    ")));
	if (rule_part(b, c, f))
		return -1;
	size_t lm = f->message_len;
	d = kg_wp_room(b, str_max(f->message, lm));
	if (!d)
		return -1;
	kg_wp_done(b, str(d, f->message, lm));
	if (file_part(b, c, f->file))
		return -1;
	size_t lp = f->path_len, lc = kg_wp_len0(f->container);
	d = kg_wp_room(b, 96 + 2 * 10 + str_max(f->path, lp) + str_max(f->container, lc));
	if (!d)
		return -1;
	d = kg_put_uint(d, f->line);
	d = kg_wp_put(d, KG_LIT(",\n      \"column\": "));
	d = kg_put_uint(d, f->col);
	d = kg_wp_put(d, KG_LIT(",\n      \"path\": "));
	d = str(d, f->path, lp);
	d = kg_wp_put(d, KG_LIT(",\n      \"container\": "));
	d = str(d, f->container, lc);
	kg_wp_done(b, d);
	return object_part(b, c, f);
}

int kg_write_json_head(struct kg_wout *w)
{
	return kg_buf_adds(&w->b, "{\n  \"findings\": [") ? -1 : 0;
}

/* The findings held in r, continuing the array after *written earlier ones. */
int kg_write_json_findings(struct kg_wout *w, struct kg_json_cache *c, const struct kg_report *r, size_t *written)
{
	int rc = 0;
	cache_sync(c, w);
	c->have_file = c->have_obj = false; /* the strings they were made from may be gone */
	for (size_t i = 0; i < r->nfindings; i++) {
		rc |= finding(&w->b, c, kg_report_at(r, i), (*written)++ > 0);
		if (kg_wout_full(w))
			cache_sync(c, w);
	}
	return rc || w->failed ? -1 : 0;
}

/* Closes the findings array, then errors and summary. */
int kg_write_json_tail(struct kg_wout *out, const struct kg_report *r, size_t written)
{
	struct kg_buf *b = &out->b;
	struct kg_jw w;
	/* The writer continues inside the top-level object, after "findings". */
	kg_jw_init(&w, b, true);
	w.depth = 1;
	w.need_comma[1] = true;
	kg_buf_adds(b, written ? "\n  ]" : "]");
	kg_jw_key(&w, "errors");
	kg_jw_arr(&w);
	for (size_t i = 0; i < r->nerrors; i++) {
		const struct kg_error_rec *e = &r->errors[i];
		kg_jw_obj(&w);
		kg_jw_kstr(&w, "file", e->file);
		kg_jw_kint(&w, "line", e->line);
		kg_jw_kint(&w, "column", e->col);
		kg_jw_kstr(&w, "message", e->message);
		kg_jw_obj_end(&w);
		kg_wout_full(out);
	}
	kg_jw_arr_end(&w);
	/* no position: a note is about a whole file or directory */
	kg_jw_key(&w, "notes");
	kg_jw_arr(&w);
	for (size_t i = 0; i < r->nnotes; i++) {
		kg_jw_obj(&w);
		kg_jw_kstr(&w, "file", r->notes[i].file);
		kg_jw_kstr(&w, "message", r->notes[i].message);
		kg_jw_obj_end(&w);
		kg_wout_full(out);
	}
	kg_jw_arr_end(&w);
	kg_jw_key(&w, "summary");
	kg_jw_obj(&w);
	kg_jw_kint(&w, "files", r->sum.files);
	kg_jw_kint(&w, "documents", r->sum.documents);
	kg_jw_kint(&w, "objects", r->sum.objects);
	kg_jw_kint(&w, "skipped", r->sum.skipped);
	kg_jw_kint(&w, "findings", (int64_t)kg_report_total(r));
	kg_jw_kint(&w, "errors", (int64_t)r->nerrors);
	kg_jw_kint(&w, "notScanned", (int64_t)r->nnotes);
	kg_jw_kint(&w, "suppressed", r->sum.suppressed);
	kg_jw_key(&w, "bySeverity");
	kg_jw_obj(&w);
	for (int s = KG_SEV_CRITICAL; s >= KG_SEV_INFO; s--)
		kg_jw_kint(&w, kg_severity_name((enum kg_severity)s), r->sum.by_severity[s]);
	kg_jw_obj_end(&w);
	kg_jw_obj_end(&w);
	kg_jw_obj_end(&w);
	kg_buf_addc(b, '\n');
	return w.failed || out->failed ? -1 : 0;
}

int kg_write_json(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	(void)o;
	struct kg_wout w;
	struct kg_json_cache c;
	size_t written = 0;
	kg_wout_init(&w, out);
	memset(&c, 0, sizeof(c));
	int rc = kg_write_json_head(&w);
	rc |= kg_write_json_findings(&w, &c, r, &written);
	rc |= kg_write_json_tail(&w, r, written);
	rc |= kg_wout_flush(&w);
	kg_wout_release(&w);
	return rc ? -1 : 0;
}
