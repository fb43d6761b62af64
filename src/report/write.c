/* Format selection, the sorted entry point, and helpers shared by the writers. */
#include "write.h"

#include <string.h>
#include <unistd.h>

#include "write_priv.h"

static const char *const format_names[] = { "text", "json", "sarif", "junit", "github" };

int kg_format_parse(const char *s, enum kg_format *out)
{
	for (int i = 0; i < (int)(sizeof(format_names) / sizeof(format_names[0])); i++)
		if (!strcmp(s, format_names[i])) {
			*out = (enum kg_format)i;
			return 0;
		}
	return -1;
}

int kg_report_write(FILE *out, enum kg_format fmt, struct kg_report *r, const struct kg_write_opts *o)
{
	static const struct kg_write_opts defaults = { false, false, "scan" };
	if (!o)
		o = &defaults;
	kg_report_sort(r);
	int rc;
	switch (fmt) {
	case KG_FMT_JSON: rc = kg_write_json(out, r, o); break;
	case KG_FMT_SARIF: rc = kg_write_sarif(out, r, o); break;
	case KG_FMT_JUNIT: rc = kg_write_junit(out, r, o); break;
	case KG_FMT_GITHUB: rc = kg_write_github(out, r, o); break;
	default: rc = kg_write_text(out, r, o); break;
	}
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	return rc;
}

void kg_wout_init(struct kg_wout *w, FILE *out)
{
	w->out = out;
	w->failed = 0;
	w->flushes = 0;
	kg_buf_init(&w->b, 0);
	if (kg_buf_reserve(&w->b, KG_WOUT_BLOCK - 1)) /* (cannot fail without a cap) */
		w->failed = 1;
}

void kg_wout_release(struct kg_wout *w)
{
	kg_buf_release(&w->b);
}

int kg_wout_flush(struct kg_wout *w)
{
	if (w->b.len && fwrite(w->b.data, 1, w->b.len, w->out) != w->b.len)
		w->failed = 1;
	kg_buf_reset(&w->b);
	w->flushes++;
	return w->failed ? -1 : 0;
}

bool kg_format_streams(enum kg_format fmt)
{
	return fmt == KG_FMT_TEXT || fmt == KG_FMT_JSON;
}

static int stream_chunk(struct kg_report_stream *s, struct kg_report *r)
{
	struct kg_stream_writer *w = (struct kg_stream_writer *)s;
	int rc = w->fmt == KG_FMT_JSON ? kg_write_json_findings(&w->o, w->json, r, &w->written)
				       : kg_write_text_findings(&w->o, r, &w->opts, &w->headed);
	if (w->each_chunk)
		rc |= kg_wout_flush(&w->o);
	if (rc)
		w->failed = 1;
	return rc;
}

int kg_stream_begin(struct kg_stream_writer *w, struct kg_report *r, FILE *out, enum kg_format fmt,
		    const struct kg_write_opts *o)
{
	memset(w, 0, sizeof(*w));
	if (!kg_format_streams(fmt))
		return -1;
	w->base.chunk = stream_chunk;
	w->out = out;
	w->fmt = fmt;
	w->opts = *o;
	r->stream = &w->base;
	kg_wout_init(&w->o, out);
	if (fmt == KG_FMT_JSON)
		w->json = kg_json_cache_new();
	int fd = fileno(out);
	w->each_chunk = fd >= 0 && isatty(fd);
	if (fmt == KG_FMT_JSON && kg_write_json_head(&w->o))
		w->failed = 1;
	return w->failed ? -1 : 0;
}

int kg_stream_end(struct kg_stream_writer *w, struct kg_report *r)
{
	if (kg_report_flush(r))
		w->failed = 1;
	r->stream = NULL;
	kg_report_sort(r); /* the errors */
	int rc = w->fmt == KG_FMT_JSON ? kg_write_json_tail(&w->o, r, w->written)
				       : kg_write_text_tail(&w->o, r, &w->opts);
	rc |= kg_wout_flush(&w->o);
	kg_wout_release(&w->o);
	kg_json_cache_free(w->json);
	w->json = NULL;
	if (rc || fflush(w->out) != 0 || ferror(w->out))
		w->failed = 1;
	return w->failed ? -1 : 0;
}

int kg_write_object_label(struct kg_buf *b, const struct kg_finding *f)
{
	if (!f->kind)
		return 0;
	const char *name = f->name ? f->name : "(unnamed)";
	if (f->namespace_)
		return kg_buf_printf(b, "%s %s/%s", f->kind, f->namespace_, name);
	return kg_buf_printf(b, "%s %s", f->kind, name);
}

int kg_write_family(struct kg_buf *b, const char *rule_id)
{
	const char *id = rule_id ? rule_id : "";
	const char *dot = strchr(id, '.');
	return kg_buf_add(b, id, dot ? (size_t)(dot - id) : strlen(id));
}

static int cmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

int kg_write_cmp_object(const struct kg_finding *a, const struct kg_finding *b)
{
	int c;
	if (a->doc_index != b->doc_index)
		return a->doc_index < b->doc_index ? -1 : 1;
	if ((c = cmp0(a->kind, b->kind)) || (c = cmp0(a->namespace_, b->namespace_)) || (c = cmp0(a->name, b->name)))
		return c;
	return cmp0(a->api_version, b->api_version);
}
