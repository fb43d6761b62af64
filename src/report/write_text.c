/* Text report for people:
 *
 *   deploy/web.yaml
 *     Deployment prod/web (apps/v1)
 *       deploy/web.yaml:21:13: high: container 'app' is privileged [pss.privileged]
 *         at spec.template.spec.containers[0].securityContext.privileged, container app
 *   deploy/bad.yaml:4:1: error: invalid YAML: ...
 *
 *   2 files, 2 documents, 1 object: 1 finding (1 high), 1 error
 *
 * Findings are grouped under their file and object; every finding line starts with
 * file:line:col so editors and terminals can jump to it, and errors use the compiler format
 * `file:line:col: error: message`. Unknown positions are left out (`file: error: ...`).
 * Everything taken from the input is escaped: control characters, C1 controls and invalid UTF-8
 * are shown as \xNN so that a manifest cannot send escape sequences to the reader's terminal. */
#include <string.h>

#include "write.h"
#include "write_priv.h"

#define FLUSH_AT (64 * 1024)

struct tw {
	FILE *out;
	struct kg_buf b;
	bool color;
	int failed;
};

static void flush(struct tw *t)
{
	if (t->b.len && fwrite(t->b.data, 1, t->b.len, t->out) != t->b.len)
		t->failed = 1;
	kg_buf_reset(&t->b);
}

static void raw(struct tw *t, const char *s)
{
	if (kg_buf_adds(&t->b, s))
		t->failed = 1;
}

static void style(struct tw *t, const char *sgr)
{
	if (t->color)
		raw(t, sgr);
}

/* Input text, made safe for a terminal. Safe bytes are copied in runs: this runs for every
 * character of every finding. */
static void text(struct tw *t, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, run = 0;
	while (i < n) {
		unsigned char c = p[i];
		size_t len = 1;
		if (c >= 0x20 && c < 0x7f) {
			i++;
			run++;
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;
			len = kg_utf8_decode(p + i, n - i, &cp);
			if (len && cp > 0x9f) {
				i += len;
				run += len;
				continue;
			}
			if (!len) /* invalid: one byte at a time, a valid sequence may follow */
				len = 1;
		}
		if (run && kg_buf_add(&t->b, p + i - run, run))
			t->failed = 1;
		run = 0;
		for (size_t k = 0; k < len; k++) {
			char e[4] = { '\\', 'x', hex[p[i + k] >> 4], hex[p[i + k] & 15] };
			if (kg_buf_add(&t->b, e, 4))
				t->failed = 1;
		}
		i += len;
	}
	if (run && kg_buf_add(&t->b, p + i - run, run))
		t->failed = 1;
}

static void num(struct tw *t, unsigned v)
{
	char d[16];
	size_t i = sizeof(d);
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (kg_buf_add(&t->b, d + i, sizeof(d) - i))
		t->failed = 1;
}

static const char *sev_style(enum kg_severity s)
{
	switch (s) {
	case KG_SEV_CRITICAL: return "\033[1;35m";
	case KG_SEV_HIGH: return "\033[1;31m";
	case KG_SEV_MEDIUM: return "\033[33m";
	case KG_SEV_LOW: return "\033[36m";
	default: return "\033[2m";
	}
}

/* file:line:col as far as it is known */
static void location(struct tw *t, const char *file, unsigned line, unsigned col)
{
	text(t, file && *file ? file : "(unknown)");
	if (line) {
		raw(t, ":");
		num(t, line);
		if (col) {
			raw(t, ":");
			num(t, col);
		}
	}
	raw(t, ": ");
}

static int same(const char *a, const char *b)
{
	return (a == b) || (a && b && !strcmp(a, b));
}

static bool same_object(const struct kg_finding *a, const struct kg_finding *b)
{
	return a->doc_index == b->doc_index && same(a->kind, b->kind) && same(a->namespace_, b->namespace_) &&
	       same(a->name, b->name) && same(a->api_version, b->api_version);
}

static void object_header(struct tw *t, const struct kg_finding *f)
{
	struct kg_buf label;
	kg_buf_init(&label, 0);
	if (kg_write_object_label(&label, f))
		t->failed = 1;
	raw(t, "  ");
	style(t, "\033[1m");
	text(t, label.data);
	style(t, "\033[0m");
	if (f->api_version) {
		raw(t, " (");
		text(t, f->api_version);
		raw(t, ")");
	}
	raw(t, "\n");
	kg_buf_release(&label);
}

static void finding(struct tw *t, const struct kg_finding *f, bool in_object)
{
	raw(t, in_object ? "    " : "  ");
	location(t, f->file, f->line, f->col);
	style(t, sev_style(f->severity));
	raw(t, kg_severity_name(f->severity));
	style(t, "\033[0m");
	raw(t, ": ");
	text(t, f->message);
	raw(t, " ");
	style(t, "\033[2m");
	raw(t, "[");
	text(t, f->rule_id);
	raw(t, "]");
	style(t, "\033[0m");
	raw(t, "\n");
	if (f->path || f->container) {
		raw(t, in_object ? "      " : "    ");
		if (f->path) {
			raw(t, "at ");
			text(t, f->path);
		}
		if (f->container) {
			raw(t, f->path ? ", container " : "container ");
			text(t, f->container);
		}
		raw(t, "\n");
	}
}

static void plural(struct tw *t, size_t n, const char *one, const char *many)
{
	if (kg_buf_printf(&t->b, "%zu %s", n, n == 1 ? one : many))
		t->failed = 1;
}

static void summary(struct tw *t, const struct kg_report *r)
{
	style(t, "\033[1m");
	plural(t, r->sum.files, "file", "files");
	raw(t, ", ");
	plural(t, r->sum.documents, "document", "documents");
	raw(t, ", ");
	plural(t, r->sum.objects, "object", "objects");
	if (r->sum.skipped) {
		raw(t, " (");
		num(t, r->sum.skipped);
		raw(t, " skipped)");
	}
	raw(t, ": ");
	if (!kg_report_total(r)) {
		raw(t, "no findings");
	} else {
		plural(t, kg_report_total(r), "finding", "findings");
		raw(t, " (");
		const char *sep = "";
		for (int s = KG_SEV_CRITICAL; s >= KG_SEV_INFO; s--) {
			if (!r->sum.by_severity[s])
				continue;
			raw(t, sep);
			num(t, r->sum.by_severity[s]);
			raw(t, " ");
			raw(t, kg_severity_name((enum kg_severity)s));
			sep = ", ";
		}
		raw(t, ")");
	}
	if (r->nerrors) {
		raw(t, ", ");
		plural(t, r->nerrors, "error", "errors");
	}
	if (r->sum.suppressed) {
		raw(t, ", ");
		num(t, r->sum.suppressed);
		raw(t, " suppressed");
	}
	style(t, "\033[0m");
	raw(t, "\n");
}

/* The findings held in r, grouped by file and object (one chunk of a streamed report). */
int kg_write_text_findings(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	struct tw t = { out, KG_BUF_INIT, o->color, 0 };
	const struct kg_finding *prev = NULL;
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct kg_finding *f = &r->findings[i];
		bool new_file = !prev || !same(prev->file, f->file);
		if (new_file) {
			style(&t, "\033[1;4m");
			text(&t, f->file && *f->file ? f->file : "(unknown)");
			style(&t, "\033[0m");
			raw(&t, "\n");
		}
		if (f->kind && (new_file || !same_object(prev, f)))
			object_header(&t, f);
		finding(&t, f, f->kind != NULL);
		prev = f;
		if (t.b.len > FLUSH_AT)
			flush(&t);
	}
	flush(&t);
	kg_buf_release(&t.b);
	return t.failed || ferror(out) ? -1 : 0;
}

/* Errors and the summary line, after all findings. */
int kg_write_text_tail(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	struct tw t = { out, KG_BUF_INIT, o->color, 0 };
	for (size_t i = 0; i < r->nerrors; i++) {
		const struct kg_error_rec *e = &r->errors[i];
		location(&t, e->file, e->line, e->col);
		style(&t, "\033[1;31m");
		raw(&t, "error:");
		style(&t, "\033[0m");
		raw(&t, " ");
		text(&t, e->message);
		raw(&t, "\n");
		if (t.b.len > FLUSH_AT)
			flush(&t);
	}
	if (!o->quiet) {
		if (kg_report_total(r) || r->nerrors)
			raw(&t, "\n");
		summary(&t, r);
	}
	flush(&t);
	kg_buf_release(&t.b);
	return t.failed || ferror(out) ? -1 : 0;
}

int kg_write_text(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	int rc = kg_write_text_findings(out, r, o);
	return kg_write_text_tail(out, r, o) | rc;
}
