/* JSON report: {"findings": [...], "errors": [...], "summary": {...}} */
#include <string.h>

#include "../util/jsonw.h"
#include "write.h"

static void finding(struct kg_jw *w, const struct kg_finding *f)
{
	kg_jw_obj(w);
	kg_jw_kstr(w, "rule", f->rule_id);
	kg_jw_kstr(w, "severity", kg_severity_name(f->severity));
	kg_jw_kstr(w, "title", f->title);
	kg_jw_kstr(w, "message", f->message);
	kg_jw_kstr(w, "file", f->file);
	kg_jw_kint(w, "line", f->line);
	kg_jw_kint(w, "column", f->col);
	kg_jw_kstr(w, "path", f->path);
	kg_jw_kstr(w, "container", f->container);
	kg_jw_key(w, "object");
	kg_jw_obj(w);
	kg_jw_kstr(w, "apiVersion", f->api_version);
	kg_jw_kstr(w, "kind", f->kind);
	kg_jw_kstr(w, "namespace", f->namespace_);
	kg_jw_kstr(w, "name", f->name);
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
}

int kg_write_json(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	(void)o;
	struct kg_buf b;
	struct kg_jw w;
	kg_buf_init(&b, 0);
	kg_jw_init(&w, &b, true);
	kg_jw_obj(&w);
	kg_jw_key(&w, "findings");
	kg_jw_arr(&w);
	for (size_t i = 0; i < r->nfindings; i++) {
		finding(&w, &r->findings[i]);
		if (b.len > 1 << 20) { /* stream large reports instead of building them whole */
			fwrite(b.data, 1, b.len, out);
			kg_buf_reset(&b);
		}
	}
	kg_jw_arr_end(&w);
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
	kg_jw_kint(&w, "findings", (int64_t)r->nfindings);
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
	size_t n = fwrite(b.data, 1, b.len, out);
	int rc = (n == b.len && !w.failed) ? 0 : -1;
	kg_buf_release(&b);
	return rc;
}
