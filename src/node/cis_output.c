/* Writing a node report. JSON is kguard's usual report (the shared writer's output, unchanged)
 * with two more top-level keys: "checks" (every evaluated check and its status) and "totals"
 * (counts like kube-bench's). Text is the shared text report followed by the section-5 note
 * and a totals line; --checks lists every check first. JUnit has one test case per check
 * (PASS passes, FAIL and failing Manual checks fail, the rest are skipped with their reason), so
 * CI shows the benchmark as it is. SARIF is the shared writer (findings). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/jsonw.h"
#include "../util/utf8.h"
#include "cis_priv.h"

static const char *const role_names[] = { "master", "etcd", "node" };

static void roles_text(unsigned roles, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int i = 0; i < 3; i++)
		if (roles & (1u << i))
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? ", " : "", role_names[i]);
	if (!buf[0])
		snprintf(buf, size, "none");
}

static const char *status_color(enum kg_cis_status s)
{
	switch (s) {
	case KG_CIS_PASS: return "\033[32m";
	case KG_CIS_FAIL: return "\033[1;31m";
	case KG_CIS_WARN: return "\033[33m";
	default: return "\033[36m";
	}
}

static int write_text(FILE *out, struct kg_report *r, const struct kg_cis_run *run, const struct kg_write_opts *o,
		      bool list)
{
	const char *reset = o->color ? "\033[0m" : "";
	if (list) {
		for (size_t i = 0; i < run->nresults; i++) {
			const struct kg_cis_result *c = &run->results[i];
			fprintf(out, "%s[%s]%s %-7s %s%s%s%s\n", o->color ? status_color(c->status) : "", kg_cis_status_name(c->status),
				reset, c->id, c->title ? c->title : "", c->reason ? " (" : "", c->reason ? c->reason : "",
				c->reason ? ")" : "");
		}
		fputc('\n', out);
	}
	kg_report_sort(r);
	if (kg_write_text(out, r, o))
		return -1;
	if (!o->quiet && run->nresults) {
		char roles[64];
		roles_text(run->roles, roles, sizeof(roles));
		if (!list)
			fprintf(out, "INFO 5 Kubernetes Policies: checked by `kguard scan` on the cluster's manifests, not on the node\n");
		fprintf(out, "%s (%s): %zu checks: %u PASS, %u FAIL, %u WARN, %u INFO\n", run->benchmark, roles, run->nresults,
			run->totals[KG_CIS_PASS], run->totals[KG_CIS_FAIL], run->totals[KG_CIS_WARN], run->totals[KG_CIS_INFO]);
	}
	return ferror(out) ? -1 : 0;
}

static void write_checks(struct kg_jw *w, const struct kg_cis_run *run)
{
	kg_jw_key(w, "checks");
	kg_jw_arr(w);
	for (size_t i = 0; i < run->nresults; i++) {
		const struct kg_cis_result *c = &run->results[i];
		kg_jw_obj(w);
		kg_jw_kstr(w, "id", c->id);
		kg_jw_kstr(w, "rule", c->rule_id);
		kg_jw_kstr(w, "section", c->section);
		kg_jw_kstr(w, "title", c->title);
		kg_jw_kstr(w, "type", c->automated ? "automated" : "manual");
		kg_jw_kstr(w, "status", kg_cis_status_name(c->status));
		kg_jw_kstr(w, "severity", c->severity != KG_SEV_NONE ? kg_severity_name(c->severity) : NULL);
		kg_jw_kstr(w, "actual", c->actual);
		kg_jw_kstr(w, "expected", c->expected);
		kg_jw_kstr(w, "reason", c->reason);
		kg_jw_kstr(w, "file", c->file);
		kg_jw_kint(w, "line", c->line);
		kg_jw_obj_end(w);
	}
	kg_jw_arr_end(w);
	kg_jw_key(w, "totals");
	kg_jw_obj(w);
	kg_jw_kstr(w, "benchmark", run->benchmark);
	kg_jw_key(w, "roles");
	kg_jw_arr(w);
	for (int i = 0; i < 3; i++)
		if (run->roles & (1u << i))
			kg_jw_str(w, role_names[i]);
	kg_jw_arr_end(w);
	kg_jw_kint(w, "checks", (int64_t)run->nresults);
	kg_jw_kint(w, "pass", run->totals[KG_CIS_PASS]);
	kg_jw_kint(w, "fail", run->totals[KG_CIS_FAIL]);
	kg_jw_kint(w, "warn", run->totals[KG_CIS_WARN]);
	kg_jw_kint(w, "info", run->totals[KG_CIS_INFO]);
	kg_jw_obj_end(w);
}

/* The shared writer's object with our keys added before its closing brace. */
static int write_json(FILE *out, struct kg_report *r, const struct kg_cis_run *run, const struct kg_write_opts *o)
{
	char *base = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&base, &len);
	if (!m)
		return -1;
	kg_report_sort(r);
	int rc = kg_write_json(m, r, o);
	if (fclose(m) != 0)
		rc = -1;
	while (rc == 0 && len && (base[len - 1] == '\n' || base[len - 1] == ' ' || base[len - 1] == '\r'))
		len--;
	if (rc == 0 && (!len || base[len - 1] != '}'))
		rc = -1; /* not an object: leave it to the caller to fail */
	if (rc) {
		free(base);
		return -1;
	}
	len--;
	while (len && (base[len - 1] == '\n' || base[len - 1] == ' '))
		len--;
	struct kg_buf b;
	struct kg_jw w;
	kg_buf_init(&b, 0);
	kg_jw_init(&w, &b, true);
	kg_jw_obj(&w);
	w.need_comma[w.depth] = true; /* after the shared writer's keys */
	write_checks(&w, run);
	kg_jw_obj_end(&w);
	kg_buf_addc(&b, '\n');
	if (fwrite(base, 1, len, out) != len || fwrite(b.data + 1, 1, b.len - 1, out) != b.len - 1 || w.failed)
		rc = -1;
	kg_buf_release(&b);
	free(base);
	return rc;
}

/* --- JUnit: one test case per benchmark check, grouped by section --- */

/* XML 1.0 text or attribute value (the report writers' escaper: invalid UTF-8 and characters XML
 * cannot carry become U+FFFD; in attributes newline and tab become character references). */
static void xml(struct kg_buf *b, const char *s, bool attr)
{
	size_t n = s ? strlen(s) : 0;
	if (kg_buf_reserve(b, KG_XML_ESC_MAX(n) + 1))
		return;
	char *end = kg_xml_escape_to(b->data + b->len, s ? s : "", n, attr);
	b->len = (size_t)(end - b->data);
	b->data[b->len] = '\0';
}

static int write_junit(FILE *out, struct kg_report *r, const struct kg_cis_run *run)
{
	static const char *const sections[] = { "master", "etcd", "controlplane", "node", "policies" };
	struct kg_buf b;
	unsigned fail = 0, skip = 0;
	kg_buf_init(&b, 0);
	kg_report_sort(r);
	for (size_t i = 0; i < run->nresults; i++) {
		const struct kg_cis_result *c = &run->results[i];
		fail += c->status == KG_CIS_FAIL || (c->status == KG_CIS_WARN && !c->reason);
		skip += c->status == KG_CIS_INFO || (c->status == KG_CIS_WARN && c->reason);
	}
	kg_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kguard node ");
	xml(&b, run->benchmark, true);
	kg_buf_printf(&b, "\" tests=\"%zu\" failures=\"%u\" errors=\"%zu\" skipped=\"%u\">\n", run->nresults + (r->nerrors ? 1 : 0),
		      fail, r->nerrors ? (size_t)1 : 0, skip);
	for (size_t s = 0; s < 5; s++) {
		unsigned n = 0, f = 0, k = 0;
		for (size_t i = 0; i < run->nresults; i++) {
			const struct kg_cis_result *c = &run->results[i];
			if (strcmp(c->section, sections[s]))
				continue;
			n++;
			f += c->status == KG_CIS_FAIL || (c->status == KG_CIS_WARN && !c->reason);
			k += c->status == KG_CIS_INFO || (c->status == KG_CIS_WARN && c->reason);
		}
		if (!n)
			continue;
		kg_buf_printf(&b, "  <testsuite name=\"%s %s\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\">\n",
			      run->benchmark, sections[s], n, f, k);
		for (size_t i = 0; i < run->nresults; i++) {
			const struct kg_cis_result *c = &run->results[i];
			if (strcmp(c->section, sections[s]))
				continue;
			kg_buf_printf(&b, "    <testcase classname=\"%s.%s\" name=\"", run->benchmark, sections[s]);
			xml(&b, c->id, true);
			kg_buf_addc(&b, ' ');
			xml(&b, c->title, true);
			kg_buf_adds(&b, "\"");
			bool failed = c->status == KG_CIS_FAIL || (c->status == KG_CIS_WARN && !c->reason);
			if (c->status == KG_CIS_PASS) {
				kg_buf_adds(&b, "/>\n");
				continue;
			}
			if (!failed) {
				kg_buf_adds(&b, ">\n      <skipped message=\"");
				xml(&b, c->reason ? c->reason : kg_cis_status_name(c->status), true);
				kg_buf_adds(&b, "\"/>\n    </testcase>\n");
				continue;
			}
			kg_buf_printf(&b, ">\n      <failure type=\"%s\" message=\"", kg_severity_name(c->severity));
			xml(&b, c->actual ? c->actual : kg_cis_status_name(c->status), true);
			kg_buf_adds(&b, "\">");
			for (size_t k2 = 0; k2 < r->nfindings; k2++) {
				const struct kg_finding *f2 = &r->findings[k2];
				if (!c->rule_id || strcmp(f2->rule_id, c->rule_id))
					continue;
				xml(&b, f2->file, false);
				if (f2->line)
					kg_buf_printf(&b, ":%u:%u", f2->line, f2->col);
				kg_buf_printf(&b, ": %s: ", kg_severity_name(f2->severity));
				xml(&b, f2->message, false);
				kg_buf_addc(&b, '\n');
			}
			kg_buf_adds(&b, "</failure>\n    </testcase>\n");
		}
		kg_buf_adds(&b, "  </testsuite>\n");
	}
	if (r->nerrors) {
		kg_buf_printf(&b, "  <testsuite name=\"input\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n"
				  "    <testcase classname=\"%s.input\" name=\"files read\">\n      <error message=\"%zu input error%s\">",
			      run->benchmark, r->nerrors, r->nerrors == 1 ? "" : "s");
		for (size_t i = 0; i < r->nerrors; i++) {
			const struct kg_error_rec *e = &r->errors[i];
			xml(&b, e->file, false);
			if (e->line)
				kg_buf_printf(&b, ":%u:%u", e->line, e->col);
			kg_buf_adds(&b, ": ");
			xml(&b, e->message, false);
			kg_buf_addc(&b, '\n');
		}
		kg_buf_adds(&b, "</error>\n    </testcase>\n  </testsuite>\n");
	}
	kg_buf_adds(&b, "</testsuites>\n");
	int rc = fwrite(b.data, 1, b.len, out) == b.len ? 0 : -1;
	kg_buf_release(&b);
	return rc;
}

int kg_cis_write(FILE *out, enum kg_format fmt, struct kg_report *r, const struct kg_cis_run *run,
		 const struct kg_write_opts *o, bool list_checks)
{
	int rc;
	switch (fmt) {
	case KG_FMT_JSON:
		rc = write_json(out, r, run, o);
		break;
	case KG_FMT_TEXT:
		rc = write_text(out, r, run, o, list_checks);
		break;
	case KG_FMT_JUNIT:
		rc = write_junit(out, r, run);
		break;
	default:
		return kg_report_write(out, fmt, r, o);
	}
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	return rc;
}
