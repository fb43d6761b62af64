#include "finding.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const sev_names[KG_SEV_COUNT] = { "none", "info", "low", "medium", "high", "critical" };

const char *kg_severity_name(enum kg_severity s)
{
	return (unsigned)s < KG_SEV_COUNT ? sev_names[s] : "unknown";
}

int kg_severity_parse(const char *s, enum kg_severity *out)
{
	for (int i = 0; i < KG_SEV_COUNT; i++)
		if (!strcasecmp(s, sev_names[i])) {
			*out = (enum kg_severity)i;
			return 0;
		}
	return -1;
}

void kg_report_init(struct kg_report *r)
{
	memset(r, 0, sizeof(*r));
	kg_arena_init(&r->arena, 64 * 1024);
	kg_arena_init(&r->names, 16 * 1024);
}

void kg_report_release(struct kg_report *r)
{
	kg_arena_release(&r->arena);
	kg_arena_release(&r->names);
	free(r->findings);
	free(r->errors);
	memset(r, 0, sizeof(*r));
}

void kg_report_reset(struct kg_report *r)
{
	kg_arena_reset(&r->arena);
	kg_arena_reset(&r->names);
	r->nfindings = r->nerrors = 0;
	r->flushed = 0;
	memset(&r->sum, 0, sizeof(r->sum));
	memset(r->last_interned, 0, sizeof(r->last_interned));
	memset(r->last_name, 0, sizeof(r->last_name));
	r->seq = 0;
}

/* Copy s into arena a, reusing one of the four most recent copies (cache) when equal. */
static const char *intern(struct kg_arena *a, const char **cache, const char *s)
{
	if (!s)
		return NULL;
	for (int i = 0; i < 4; i++)
		if (cache[i] && (cache[i] == s || !strcmp(cache[i], s)))
			return cache[i];
	const char *c = kg_arena_strdup(a, s);
	memmove(cache + 1, cache, 3 * sizeof(*cache));
	cache[0] = c;
	return c;
}

const char *kg_report_str(struct kg_report *r, const char *s)
{
	return intern(&r->names, r->last_name, s);
}

size_t kg_report_total(const struct kg_report *r)
{
	return r->flushed + r->nfindings;
}

int kg_report_flush(struct kg_report *r)
{
	if (!r->stream)
		return 0;
	if (r->keep)
		kg_report_filter(r, r->keep, r->keep_ctx);
	kg_report_sort(r);
	int rc = r->nfindings ? r->stream->chunk(r->stream, r) : 0;
	r->flushed += r->nfindings;
	r->nfindings = 0;
	kg_arena_reset(&r->arena);
	memset(r->last_interned, 0, sizeof(r->last_interned));
	return rc;
}

static void *grow(void *p, size_t *alloc, size_t need, size_t elem)
{
	if (need <= *alloc)
		return p;
	size_t n = *alloc ? *alloc * 2 : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * elem);
	if (!q)
		abort();
	*alloc = n;
	return q;
}

struct kg_finding *kg_report_add(struct kg_report *r, const struct kg_finding *f)
{
	r->findings = grow(r->findings, &r->afindings, r->nfindings + 1, sizeof(*r->findings));
	struct kg_finding *c = &r->findings[r->nfindings++];
	*c = *f;
	c->message = kg_arena_strdup(&r->arena, f->message ? f->message : "");
	c->file = intern(&r->arena, r->last_interned, f->file);
	c->path = f->path ? kg_arena_strdup(&r->arena, f->path) : NULL;
	c->container = intern(&r->arena, r->last_interned, f->container);
	c->api_version = intern(&r->arena, r->last_interned, f->api_version);
	c->kind = intern(&r->arena, r->last_interned, f->kind);
	c->namespace_ = intern(&r->arena, r->last_interned, f->namespace_);
	c->name = intern(&r->arena, r->last_interned, f->name);
	c->seq = r->seq++;
	if ((unsigned)c->severity < KG_SEV_COUNT)
		r->sum.by_severity[c->severity]++;
	return c;
}

void kg_report_error(struct kg_report *r, const struct kg_diag *d)
{
	r->errors = grow(r->errors, &r->aerrors, r->nerrors + 1, sizeof(*r->errors));
	struct kg_error_rec *e = &r->errors[r->nerrors++];
	e->file = kg_report_str(r, d->file ? d->file : "");
	e->line = d->line;
	e->col = d->col;
	e->message = kg_arena_strdup(&r->names, d->message); /* errors outlive flushes */
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct kg_finding *a = pa, *b = pb;
	int c = strcmp0(a->file, b->file);
	if (c) return c;
	if (a->doc_index != b->doc_index) return a->doc_index < b->doc_index ? -1 : 1;
	if (a->line != b->line) return a->line < b->line ? -1 : 1;
	if (a->col != b->col) return a->col < b->col ? -1 : 1;
	if ((c = strcmp0(a->rule_id, b->rule_id))) return c;
	if ((c = strcmp0(a->path, b->path))) return c;
	if ((c = strcmp0(a->message, b->message))) return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_error(const void *pa, const void *pb)
{
	const struct kg_error_rec *a = pa, *b = pb;
	int c = strcmp0(a->file, b->file);
	if (c) return c;
	if (a->line != b->line) return a->line < b->line ? -1 : 1;
	if (a->col != b->col) return a->col < b->col ? -1 : 1;
	return strcmp0(a->message, b->message);
}

void kg_report_sort(struct kg_report *r)
{
	if (r->nfindings > 1)
		qsort(r->findings, r->nfindings, sizeof(*r->findings), cmp_finding);
	if (r->nerrors > 1)
		qsort(r->errors, r->nerrors, sizeof(*r->errors), cmp_error);
}

void kg_report_filter(struct kg_report *r, int (*keep)(void *ctx, const struct kg_finding *f), void *ctx)
{
	size_t w = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		if (keep(ctx, &r->findings[i])) {
			r->findings[w++] = r->findings[i];
		} else {
			if ((unsigned)r->findings[i].severity < KG_SEV_COUNT)
				r->sum.by_severity[r->findings[i].severity]--;
			r->sum.suppressed++;
		}
	}
	r->nfindings = w;
}

enum kg_severity kg_report_max_severity(const struct kg_report *r)
{
	for (int s = KG_SEV_COUNT - 1; s > 0; s--)
		if (r->sum.by_severity[s])
			return (enum kg_severity)s;
	return KG_SEV_NONE;
}
