/* GitHub Actions workflow commands: one annotation per finding, input error and note, which the
 * runner shows on the pull request's diff and in the job summary. Works in any repository (code
 * scanning, which SARIF needs, does not exist for every private one).
 *
 *   ::error file=FILE,line=L,col=C,title=RULE (SEVERITY)::MESSAGE%0AKind ns/name, at PATH, ...
 *
 * critical and high are "error", medium "warning", low and info "notice" (as SARIF's levels).
 * The runner reads a command per line: data escapes % CR LF, properties also : and ,. Other
 * control characters and invalid UTF-8 would reach the log as they are (a manifest could colour
 * or garble it), so they are written as %XX and U+FFFD, which the runner leaves alone. */
#include <stdint.h>
#include <string.h>

#include "../util/utf8.h"
#include "write.h"
#include "write_priv.h"

static const char *command(enum kg_severity s)
{
	return s >= KG_SEV_HIGH ? "error" : s == KG_SEV_MEDIUM ? "warning" : "notice";
}

/* s[0..n) made safe for a command line: data (prop false) or a property value. */
static void put_escaped(struct kg_buf *b, const char *s, size_t n, bool prop)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t k = kg_print_ascii_len(s + i, n - i);
		for (size_t j = i; j < i + k; j++) {
			unsigned char c = p[j];
			if (c == '%' || (prop && (c == ':' || c == ','))) {
				char e[3] = { '%', hex[c >> 4], hex[c & 15] };
				kg_buf_add(b, e, 3);
			} else {
				kg_buf_addc(b, (char)c);
			}
		}
		i += k;
		if (i >= n)
			break;
		uint32_t cp;
		size_t u = p[i] >= 0x80 ? kg_utf8_decode(p + i, n - i, &cp) : 0;
		if (u) {
			kg_buf_add(b, s + i, u);
			i += u;
		} else if (p[i] >= 0x80) {
			kg_buf_adds(b, "\xEF\xBF\xBD"); /* U+FFFD */
			i++;
		} else {
			char e[3] = { '%', hex[p[i] >> 4], hex[p[i] & 15] };
			kg_buf_add(b, e, 3);
			i++;
		}
	}
}

static void put_str(struct kg_buf *b, const char *s, bool prop)
{
	if (s)
		put_escaped(b, s, strlen(s), prop);
}

/* "::CMD file=F,line=L,col=C,title=" (no file for standard input or an unknown one, no position
 * when unknown), then the title's value is the caller's. */
static void head(struct kg_buf *b, const char *cmd, const char *file, unsigned line, unsigned col)
{
	char num[24];
	kg_buf_adds(b, "::");
	kg_buf_adds(b, cmd);
	kg_buf_addc(b, ' ');
	if (file && *file && strcmp(file, "<stdin>")) {
		kg_buf_adds(b, "file=");
		put_str(b, file, true);
		if (line) {
			kg_buf_adds(b, ",line=");
			kg_buf_add(b, num, (size_t)(kg_put_uint(num, line) - num));
			if (col) {
				kg_buf_adds(b, ",col=");
				kg_buf_add(b, num, (size_t)(kg_put_uint(num, col) - num));
			}
		}
		kg_buf_addc(b, ',');
	}
	kg_buf_adds(b, "title=");
}

static void finding(struct kg_buf *b, const struct kg_finding *f, struct kg_buf *label)
{
	head(b, command(f->severity), f->file, f->line, f->col);
	put_str(b, f->rule_id, true);
	kg_buf_adds(b, " (");
	kg_buf_adds(b, kg_severity_name(f->severity));
	kg_buf_adds(b, ")::");
	put_str(b, f->message, false);
	/* where, on a second line: the object, the field, the container, the rendered-from file */
	kg_buf_reset(label);
	kg_write_object_label(label, f);
	const char *sep = "%0A";
	if (label->len) {
		kg_buf_adds(b, sep);
		put_escaped(b, label->data, label->len, false);
		sep = ", ";
	}
	if (f->path) {
		kg_buf_adds(b, sep);
		kg_buf_adds(b, "at ");
		put_str(b, f->path, false);
		sep = ", ";
	}
	if (f->container) {
		kg_buf_adds(b, sep);
		kg_buf_adds(b, "container ");
		put_str(b, f->container, false);
		sep = ", ";
	}
	if (f->rendered_from) {
		kg_buf_adds(b, sep);
		kg_buf_adds(b, "rendered from ");
		put_str(b, f->rendered_from, false);
	}
	kg_buf_addc(b, '\n');
}

/* Input errors are errors (the run exits 2); inputs not scanned are notices. */
static void diagnostic(struct kg_buf *b, const struct kg_error_rec *e, const char *cmd, const char *title)
{
	head(b, cmd, e->file, e->line, e->col);
	kg_buf_adds(b, title);
	kg_buf_adds(b, "::");
	if (e->file && *e->file && (!e->line || !strcmp(e->file, "<stdin>"))) {
		put_str(b, e->file, false); /* the file is not a location the runner shows for them */
		kg_buf_adds(b, ": ");
	}
	put_str(b, e->message, false);
	kg_buf_addc(b, '\n');
}

int kg_write_github(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	(void)o;
	struct kg_wout w;
	struct kg_buf label;
	kg_wout_init(&w, out);
	kg_buf_init(&label, 0);
	for (size_t i = 0; i < r->nfindings; i++) {
		finding(&w.b, &r->findings[i], &label);
		kg_wout_full(&w);
	}
	for (size_t i = 0; i < r->nerrors; i++) {
		diagnostic(&w.b, &r->errors[i], "error", "kguard%3A input error");
		kg_wout_full(&w);
	}
	for (size_t i = 0; i < r->nnotes; i++) {
		diagnostic(&w.b, &r->notes[i], "notice", "kguard%3A not scanned");
		kg_wout_full(&w);
	}
	int rc = kg_wout_flush(&w);
	kg_buf_release(&label);
	kg_wout_release(&w);
	return rc;
}
