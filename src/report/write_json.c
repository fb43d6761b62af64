/* JSON report: {"findings": [...], "errors": [...], "summary": {...}}. The keys are API: scripts
 * and the admission webhook's clients read them, so they only ever grow. Strings are escaped by
 * jsonw (invalid UTF-8 becomes U+FFFD); unknown values are null, unknown positions 0. */
#include <string.h>

#include "../util/jsonw.h"
#include "write.h"

/* A string value or null. Most strings are plain ASCII that needs no escaping: those are found
 * with one quick pass and copied whole; anything else goes through kg_json_escape. */
static int str(struct kg_buf *b, const char *s)
{
	if (!s)
		return kg_buf_add(b, "null", 4);
	const unsigned char *p = (const unsigned char *)s;
	while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
		p++;
	size_t n = (size_t)((const char *)p - s);
	if (!*p) {
		if (kg_buf_reserve(b, n + 2))
			return -1;
		b->data[b->len++] = '"';
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len++] = '"';
		b->data[b->len] = '\0';
		return 0;
	}
	int rc = kg_buf_addc(b, '"');
	rc |= kg_json_escape(b, s, n + strlen((const char *)p));
	return rc | kg_buf_addc(b, '"');
}

/* Decimal digits of v appended to b. */
static int uint_(struct kg_buf *b, unsigned v)
{
	char t[16];
	int i = sizeof(t);
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return kg_buf_add(b, t + i, sizeof(t) - (size_t)i);
}

static int key(struct kg_buf *b, const char *k)
{
	return kg_buf_adds(b, k);
}

/* One finding, formatted exactly as kg_jw would at this depth (findings[] of the top object),
 * but written in a few appends: this loop runs once per finding and dominated the writer. */
static int finding(struct kg_buf *b, const struct kg_finding *f)
{
	int rc = key(b, "{\n      \"rule\": ");
	rc |= str(b, f->rule_id);
	rc |= key(b, ",\n      \"severity\": ");
	rc |= str(b, kg_severity_name(f->severity));
	rc |= key(b, ",\n      \"title\": ");
	rc |= str(b, f->title);
	rc |= key(b, ",\n      \"message\": ");
	rc |= str(b, f->message);
	rc |= key(b, ",\n      \"file\": ");
	rc |= str(b, f->file);
	rc |= key(b, ",\n      \"line\": ");
	rc |= uint_(b, f->line);
	rc |= key(b, ",\n      \"column\": ");
	rc |= uint_(b, f->col);
	rc |= key(b, ",\n      \"path\": ");
	rc |= str(b, f->path);
	rc |= key(b, ",\n      \"container\": ");
	rc |= str(b, f->container);
	if (!f->api_version && !f->kind && !f->namespace_ && !f->name) {
		/* findings about files rather than Kubernetes objects (Dockerfiles, node files) */
		rc |= key(b, ",\n      \"object\": null\n    }");
		return rc;
	}
	rc |= key(b, ",\n      \"object\": {\n        \"apiVersion\": ");
	rc |= str(b, f->api_version);
	rc |= key(b, ",\n        \"kind\": ");
	rc |= str(b, f->kind);
	rc |= key(b, ",\n        \"namespace\": ");
	rc |= str(b, f->namespace_);
	rc |= key(b, ",\n        \"name\": ");
	rc |= str(b, f->name);
	rc |= key(b, "\n      }\n    }");
	return rc;
}

int kg_write_json_head(FILE *out)
{
	return fputs("{\n  \"findings\": [", out) < 0 ? -1 : 0;
}

/* The findings held in r, continuing the array after *written earlier ones. */
int kg_write_json_findings(FILE *out, const struct kg_report *r, size_t *written)
{
	struct kg_buf b = KG_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		rc |= kg_buf_adds(&b, (*written)++ ? ",\n    " : "\n    ");
		rc |= finding(&b, &r->findings[i]);
		if (b.len > 1 << 20) {
			if (fwrite(b.data, 1, b.len, out) != b.len)
				rc = -1;
			kg_buf_reset(&b);
		}
	}
	if (b.len && fwrite(b.data, 1, b.len, out) != b.len)
		rc = -1;
	kg_buf_release(&b);
	return rc ? -1 : 0;
}

/* Closes the findings array, then errors and summary. */
int kg_write_json_tail(FILE *out, const struct kg_report *r, size_t written)
{
	struct kg_buf b;
	struct kg_jw w;
	int rc = 0;
	kg_buf_init(&b, 0);
	/* The writer continues inside the top-level object, after "findings". */
	kg_jw_init(&w, &b, true);
	w.depth = 1;
	w.need_comma[1] = true;
	kg_buf_adds(&b, written ? "\n  ]" : "]");
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
	kg_jw_kint(&w, "suppressed", r->sum.suppressed);
	kg_jw_key(&w, "bySeverity");
	kg_jw_obj(&w);
	for (int s = KG_SEV_CRITICAL; s >= KG_SEV_INFO; s--)
		kg_jw_kint(&w, kg_severity_name((enum kg_severity)s), r->sum.by_severity[s]);
	kg_jw_obj_end(&w);
	kg_jw_obj_end(&w);
	kg_jw_obj_end(&w);
	kg_buf_addc(&b, '\n');
	if (fwrite(b.data, 1, b.len, out) != b.len || w.failed)
		rc = -1;
	kg_buf_release(&b);
	return rc;
}

int kg_write_json(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	(void)o;
	size_t written = 0;
	int rc = kg_write_json_head(out);
	rc |= kg_write_json_findings(out, r, &written);
	rc |= kg_write_json_tail(out, r, written);
	return rc ? -1 : 0;
}
