/* Text report for people: findings grouped by file and object, errors, one summary line. */
#include <string.h>

#include "write.h"

static const char *sev_color(enum kg_severity s)
{
	switch (s) {
	case KG_SEV_CRITICAL: return "\033[1;35m";
	case KG_SEV_HIGH: return "\033[1;31m";
	case KG_SEV_MEDIUM: return "\033[33m";
	case KG_SEV_LOW: return "\033[36m";
	default: return "\033[2m";
	}
}

static int same(const char *a, const char *b)
{
	return (a == b) || (a && b && !strcmp(a, b));
}

int kg_write_text(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	const char *bold = o->color ? "\033[1m" : "", *reset = o->color ? "\033[0m" : "";
	const struct kg_finding *prev = NULL;
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct kg_finding *f = &r->findings[i];
		if (!prev || !same(prev->file, f->file))
			fprintf(out, "%s%s%s\n", bold, f->file ? f->file : "-", reset);
		if (!prev || !same(prev->file, f->file) || prev->doc_index != f->doc_index ||
		    !same(prev->kind, f->kind) || !same(prev->name, f->name) || !same(prev->namespace_, f->namespace_)) {
			if (f->kind)
				fprintf(out, "  %s %s%s%s\n", f->kind, f->namespace_ ? f->namespace_ : "",
					f->namespace_ ? "/" : "", f->name ? f->name : "(unnamed)");
		}
		fprintf(out, "    %u:%u %s%-8s%s %s  %s\n", f->line, f->col, o->color ? sev_color(f->severity) : "",
			kg_severity_name(f->severity), reset, f->rule_id, f->message);
		if (f->path)
			fprintf(out, "           at %s%s%s\n", f->path, f->container ? " in container " : "",
				f->container ? f->container : "");
		prev = f;
	}
	for (size_t i = 0; i < r->nerrors; i++) {
		const struct kg_error_rec *e = &r->errors[i];
		fprintf(out, "%s%s:%u:%u: error: %s%s\n", o->color ? "\033[1;31m" : "", e->file, e->line, e->col,
			e->message, reset);
	}
	if (!o->quiet) {
		fprintf(out, "%u files, %u documents, %u objects: %zu findings (%u critical, %u high, %u medium, %u low, %u info), %zu errors",
			r->sum.files, r->sum.documents, r->sum.objects, r->nfindings, r->sum.by_severity[KG_SEV_CRITICAL],
			r->sum.by_severity[KG_SEV_HIGH], r->sum.by_severity[KG_SEV_MEDIUM], r->sum.by_severity[KG_SEV_LOW],
			r->sum.by_severity[KG_SEV_INFO], r->nerrors);
		if (r->sum.suppressed)
			fprintf(out, ", %u suppressed", r->sum.suppressed);
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}
