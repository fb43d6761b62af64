/* Text report for people:
 *
 *   deploy/web.yaml
 *     Deployment prod/web (apps/v1)
 *       deploy/web.yaml:21:13: high: container 'app' is privileged [pss.privileged]
 *         at spec.template.spec.containers[0].securityContext.privileged, container app
 *   charts/web/templates: note: Helm chart templates are Go templates, not manifests: ...
 *   deploy/bad.yaml:4:1: error: invalid YAML: ...
 *
 *   2 files, 2 documents, 1 object: 1 finding (1 high), 1 error, 1 input not scanned
 *
 * Findings are grouped under their file and object; every finding line starts with
 * file:line:col so editors and terminals can jump to it, and errors use the compiler format
 * `file:line:col: error: message`. Unknown positions are left out (`file: error: ...`). Notes
 * (inputs deliberately not scanned) read `file: note: message` and do not change the exit code.
 * Everything taken from the input is escaped: control characters, C1 controls and invalid UTF-8
 * are shown as \xNN so that a manifest cannot send escape sequences to the reader's terminal. */
#include <string.h>

#include "write.h"
#include "write_priv.h"

struct tw {
	struct kg_wout *w; /* output goes out in its blocks */
	bool color;
	struct kg_buf file; /* the current file's name, made safe: every finding line starts with it */
};

/* Room for n more bytes (plus the NUL); the write position, or NULL (and failed) when full. */
static char *room(struct tw *t, size_t n)
{
	char *d = kg_wp_room(&t->w->b, n);
	if (!d)
		t->w->failed = 1;
	return d;
}

static void done(struct tw *t, char *end)
{
	kg_wp_done(&t->w->b, end);
}

static void raw(struct tw *t, const char *s)
{
	if (kg_buf_adds(&t->w->b, s))
		t->w->failed = 1;
}

static void style(struct tw *t, const char *sgr)
{
	if (t->color)
		raw(t, sgr);
}

static char *style_to(const struct tw *t, char *d, const char *sgr)
{
	return t->color ? kg_wp_put(d, sgr, strlen(sgr)) : d;
}

/* Most that text_to writes for n input bytes: \xNN for each. */
#define TEXT_MAX(n) ((n) * 4)

/* Input text made safe for a terminal, written at d (room for TEXT_MAX(n)). Printable ASCII
 * is found a block at a time and copied in runs: this runs for every character of every
 * finding. */
static char *text_to(char *d, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	for (;;) {
		size_t run = kg_print_ascii_len(s + i, n - i);
		d = kg_wp_put(d, s + i, run);
		i += run;
		if (i == n)
			return d;
		size_t len = 1;
		if (p[i] >= 0x80) {
			uint32_t cp;
			len = kg_utf8_decode(p + i, n - i, &cp);
			if (len && cp > 0x9f) {
				d = kg_wp_put(d, s + i, len);
				i += len;
				continue;
			}
			if (!len) /* invalid: one byte at a time, a valid sequence may follow */
				len = 1;
		}
		for (size_t k = 0; k < len; k++) {
			*d++ = '\\';
			*d++ = 'x';
			*d++ = hex[p[i + k] >> 4];
			*d++ = hex[p[i + k] & 15];
		}
		i += len;
	}
}

static void text(struct tw *t, const char *s)
{
	size_t n = kg_wp_len0(s);
	char *d = room(t, TEXT_MAX(n));
	if (d)
		done(t, text_to(d, s ? s : "", n));
}

static void num(struct tw *t, unsigned v)
{
	char *d = room(t, 16);
	if (d)
		done(t, kg_put_uint(d, v));
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

/* "Kind namespace/name (apiVersion)", as kg_write_object_label spells it, and the file it was
 * rendered from when known; each part is made safe on its own, which is the same as making
 * the whole safe: the separators are ASCII. */
static void object_header(struct tw *t, const struct kg_finding *f)
{
	raw(t, "  ");
	style(t, "\033[1m");
	text(t, f->kind);
	raw(t, " ");
	if (f->namespace_) {
		text(t, f->namespace_);
		raw(t, "/");
	}
	text(t, f->name ? f->name : "(unnamed)");
	style(t, "\033[0m");
	if (f->api_version) {
		raw(t, " (");
		text(t, f->api_version);
		raw(t, ")");
	}
	if (f->rendered_from) {
		raw(t, ", rendered from ");
		text(t, f->rendered_from);
	}
	raw(t, "\n");
}

/* One finding (two lines), written through a pointer into space reserved once. */
static void finding(struct tw *t, const struct kg_finding *f, bool in_object)
{
	size_t lm = f->message_len, lr = kg_wp_len0(f->rule_id), lp = f->path_len, lc = kg_wp_len0(f->container);
	char *d = room(t, t->file.len + TEXT_MAX(lm + lr + lp + lc) + 160);
	if (!d)
		return;
	d = in_object ? kg_wp_put(d, KG_LIT("    ")) : kg_wp_put(d, KG_LIT("  "));
	d = kg_wp_put(d, t->file.data, t->file.len);
	if (f->line) {
		*d++ = ':';
		d = kg_put_uint(d, f->line);
		if (f->col) {
			*d++ = ':';
			d = kg_put_uint(d, f->col);
		}
	}
	d = kg_wp_put(d, KG_LIT(": "));
	d = style_to(t, d, sev_style(f->severity));
	const char *sev = kg_severity_name(f->severity);
	d = kg_wp_put(d, sev, strlen(sev));
	d = style_to(t, d, "\033[0m");
	d = kg_wp_put(d, KG_LIT(": "));
	d = text_to(d, f->message ? f->message : "", lm);
	*d++ = ' ';
	d = style_to(t, d, "\033[2m");
	*d++ = '[';
	d = text_to(d, f->rule_id ? f->rule_id : "", lr);
	*d++ = ']';
	d = style_to(t, d, "\033[0m");
	*d++ = '\n';
	if (f->path || f->container) {
		d = in_object ? kg_wp_put(d, KG_LIT("      ")) : kg_wp_put(d, KG_LIT("    "));
		if (f->path) {
			d = kg_wp_put(d, KG_LIT("at "));
			d = text_to(d, f->path, lp);
		}
		if (f->container) {
			d = f->path ? kg_wp_put(d, KG_LIT(", container ")) : kg_wp_put(d, KG_LIT("container "));
			d = text_to(d, f->container, lc);
		}
		*d++ = '\n';
	}
	done(t, d);
}

static void plural(struct tw *t, size_t n, const char *one, const char *many)
{
	if (kg_buf_printf(&t->w->b, "%zu %s", n, n == 1 ? one : many))
		t->w->failed = 1;
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
	if (r->nnotes) {
		raw(t, ", ");
		plural(t, r->nnotes, "input not scanned", "inputs not scanned");
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
int kg_write_text_findings(struct kg_wout *w, const struct kg_report *r, const struct kg_write_opts *o,
			   unsigned long *headed)
{
	struct tw t = { w, o->color, KG_BUF_INIT };
	const struct kg_finding *prev = NULL;
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct kg_finding *f = kg_report_at(r, i);
		bool new_file = !prev || !same(prev->file, f->file);
		if (new_file) {
			const char *name = f->file && *f->file ? f->file : "(unknown)";
			size_t n = strlen(name);
			kg_buf_reset(&t.file);
			if (kg_buf_reserve(&t.file, TEXT_MAX(n)))
				w->failed = 1;
			else
				kg_wp_done(&t.file, text_to(t.file.data, name, n));
		}
		/* a chunk that goes on with an input whose header is out starts without one */
		if (new_file && (prev || !headed || *headed != r->input + 1)) {
			if (headed)
				*headed = r->input + 1;
			style(&t, "\033[1;4m");
			if (kg_buf_add(&w->b, t.file.data ? t.file.data : "", t.file.len))
				w->failed = 1;
			style(&t, "\033[0m");
			raw(&t, "\n");
		}
		if (f->kind && (!prev || new_file || !same_object(prev, f)))
			object_header(&t, f);
		finding(&t, f, f->kind != NULL);
		prev = f;
		kg_wout_full(w);
	}
	kg_buf_release(&t.file);
	return w->failed || ferror(w->out) ? -1 : 0;
}

/* "file:line:col: word: message" lines of errors or notes, word in its colour. */
static void diagnostics(struct tw *t, const struct kg_error_rec *e, size_t n, const char *sgr, const char *word)
{
	for (size_t i = 0; i < n; i++) {
		location(t, e[i].file, e[i].line, e[i].col);
		style(t, sgr);
		raw(t, word);
		style(t, "\033[0m");
		raw(t, " ");
		text(t, e[i].message);
		raw(t, "\n");
		kg_wout_full(t->w);
	}
}

/* Notes, errors and the summary line, after all findings. Notes come first: they say which inputs
 * were left out, which explains findings or errors that are missing. */
int kg_write_text_tail(struct kg_wout *w, const struct kg_report *r, const struct kg_write_opts *o)
{
	struct tw t = { w, o->color, KG_BUF_INIT };
	diagnostics(&t, r->notes, r->nnotes, "\033[1;36m", "note:");
	diagnostics(&t, r->errors, r->nerrors, "\033[1;31m", "error:");
	if (!o->quiet) {
		if (kg_report_total(r) || r->nerrors || r->nnotes)
			raw(&t, "\n");
		summary(&t, r);
	}
	return w->failed || ferror(w->out) ? -1 : 0;
}

int kg_write_text(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	struct kg_wout w;
	kg_wout_init(&w, out);
	int rc = kg_write_text_findings(&w, r, o, NULL);
	rc |= kg_write_text_tail(&w, r, o);
	rc |= kg_wout_flush(&w);
	kg_wout_release(&w);
	return rc ? -1 : 0;
}
