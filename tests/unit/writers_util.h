/* Test helpers for the report writer tests (test_writers_*.c): reports built by hand (mk, add,
 * add_error, two_files, add_notes), rendered to memory whole (render) or streamed (stream_open,
 * stream_close), and two string probes (count, at). Static functions only; it brings harness.h. */
#ifndef KG_WRITERS_UTIL_H
#define KG_WRITERS_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "report/finding.h"
#include "report/write.h"
#include "rules/rule.h"

__attribute__((unused)) static char *render(enum kg_format fmt, struct kg_report *r, bool color, bool quiet)
{
	char *data = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&data, &len);
	struct kg_write_opts o = { color, quiet, "scan" };
	if (!m)
		abort();
	int rc = kg_report_write(m, fmt, r, &o);
	fclose(m);
	if (rc) {
		free(data);
		return NULL;
	}
	return data;
}

__attribute__((unused)) static struct kg_finding mk(const char *rule, enum kg_severity sev, const char *file,
						     unsigned line, unsigned col, const char *kind, const char *ns,
						     const char *name, const char *path, const char *msg)
{
	struct kg_finding f = { 0 };
	f.rule = kg_rule_find(rule);
	f.rule_id = rule;
	f.severity = sev;
	f.title = f.rule ? f.rule->title : "Hand-made rule";
	f.message = msg;
	f.file = file;
	f.line = line;
	f.col = col;
	f.kind = kind;
	f.api_version = kind ? "v1" : NULL;
	f.namespace_ = ns;
	f.name = name;
	f.path = path;
	return f;
}

__attribute__((unused)) static void add(struct kg_report *r, struct kg_finding f)
{
	kg_report_add(r, &f);
}

__attribute__((unused)) static void add_error(struct kg_report *r, const char *file, unsigned line, unsigned col, const char *msg)
{
	struct kg_diag d;
	kg_diag_set(&d, file, line, col, "%s", msg);
	kg_report_error(r, &d);
}

__attribute__((unused)) static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* position of needle in hay, or -1 */
__attribute__((unused)) static long at(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	return p ? (long)(p - hay) : -1;
}

__attribute__((unused)) static void two_files(struct kg_report *r)
{
	kg_report_init(r);
	r->sum.files = 2;
	r->sum.documents = 2;
	r->sum.objects = 2;
	/* added out of order on purpose */
	add(r, mk("yaml.duplicate-key", KG_SEV_MEDIUM, "b.yaml", 9, 3, "Pod", NULL, "web", "metadata.name", "second"));
	add(r, mk("yaml.duplicate-key", KG_SEV_HIGH, "a.yaml", 7, 5, "Deployment", "prod", "api", "spec.replicas", "later"));
	add(r, mk("yaml.duplicate-key", KG_SEV_LOW, "a.yaml", 2, 1, "Deployment", "prod", "api", NULL, "earlier"));
}

/* A streamed report written to memory: stream_open initialises r and attaches the writer,
 * stream_close ends it and returns the text (the caller frees it). */
struct mstream {
	struct kg_stream_writer w;
	FILE *m;
	char *data;
	size_t len;
};

__attribute__((unused)) static void stream_open(struct mstream *s, struct kg_report *r, enum kg_format fmt, bool quiet)
{
	struct kg_write_opts o = { false, quiet, "scan" };
	s->data = NULL;
	s->len = 0;
	s->m = open_memstream(&s->data, &s->len);
	if (!s->m)
		abort();
	kg_report_init(r);
	CHECK_INT(kg_stream_begin(&s->w, r, s->m, fmt, &o), 0);
}

__attribute__((unused)) static char *stream_close(struct mstream *s, struct kg_report *r)
{
	CHECK_INT(kg_stream_end(&s->w, r), 0);
	fclose(s->m);
	return s->data;
}

#define HELM_NOTE "Helm chart templates are Go templates, not manifests: not scanned; scan the rendered chart: " \
		  "helm template charts/web | kguard scan -"
#define PATCH_NOTE "Kustomize patch named in k/prod/kustomization.yaml: a partial object, not scanned; scan the " \
		   "built kustomization: kubectl kustomize k/prod | kguard scan -"

/* Two notes, added out of order: they are written sorted by file. */
__attribute__((unused)) static void add_notes(struct kg_report *r)
{
	kg_report_note(r, "k/prod/patch.yaml", PATCH_NOTE);
	kg_report_note(r, "charts/web/templates", HELM_NOTE);
}

#endif
