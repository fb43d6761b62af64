#include "finding.h"

#include "../util/fmt.h"
#include "../util/huge.h"

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
	free(r->order);
	free(r->errors);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

void kg_report_reset(struct kg_report *r)
{
	kg_arena_reset(&r->arena);
	kg_arena_reset(&r->names);
	r->nfindings = r->nerrors = r->nnotes = 0;
	r->flushed = 0;
	memset(&r->sum, 0, sizeof(r->sum));
	memset(r->last_interned, 0, sizeof(r->last_interned));
	memset(r->last_name, 0, sizeof(r->last_name));
	r->owner_live = r->owner_copied = false;
	r->seq = 0;
	r->input = 0;
}

void kg_report_owner(struct kg_report *r, const char *const ident[4])
{
	r->owner_live = ident != NULL;
	r->owner_copied = false;
	if (ident)
		memcpy(r->owner, ident, sizeof(r->owner));
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

/* Copy s into arena a unless *last (the previous finding's copy of the same field) equals it. */
static inline const char *intern1(struct kg_arena *a, const char **last, const char *s)
{
	if (!s)
		return NULL;
	if (*last && (*last == s || !strcmp(*last, s)))
		return *last;
	return *last = kg_arena_strdup(a, s);
}

/* f->file: most often a kg_report_str copy, which lives for the whole run and needs no copy. */
static const char *own_name(struct kg_report *r, const char *s)
{
	for (int i = 0; i < 4; i++)
		if (s == r->last_name[i])
			return s;
	return intern1(&r->arena, &r->last_interned[0], s);
}

const char *kg_report_str(struct kg_report *r, const char *s)
{
	return intern(&r->names, r->last_name, s);
}

size_t kg_report_total(const struct kg_report *r)
{
	return r->flushed + r->nfindings;
}

static const struct kg_finding **sort_order(struct kg_report *r);

int kg_report_flush_part(struct kg_report *r)
{
	if (!r->stream)
		return 0;
	if (r->keep)
		kg_report_filter(r, r->keep, r->keep_ctx);
	/* the writer reads the findings through the sorted pointers: no need to move them (errors
	 * stay for the end: sorting them at every flush was quadratic) */
	r->sorted = r->nfindings > 1 ? sort_order(r) : NULL;
	int rc = r->nfindings ? r->stream->chunk(r->stream, r) : 0;
	r->sorted = NULL;
	r->flushed += r->nfindings;
	r->nfindings = 0;
	kg_arena_reset(&r->arena);
	memset(r->last_interned, 0, sizeof(r->last_interned));
	r->owner_copied = false;
	return rc;
}

int kg_report_flush(struct kg_report *r)
{
	int rc = kg_report_flush_part(r);
	r->input++;
	return rc;
}

/* Room for need elements of p (used of them in use). Past 256 KB the array moves to huge pages in
 * whole 2 MB steps (util/huge.h): the largest inputs hold thousands of findings until their
 * flush, and SARIF/JUnit runs all of them, which would otherwise fault in 4 KB at a time. */
static void *grow(void *p, size_t *alloc, size_t used, size_t need, size_t elem)
{
	if (need <= *alloc)
		return p;
	size_t n = *alloc ? *alloc * 2 : 64;
	while (n < need)
		n *= 2;
	void *q = NULL;
	if (n * elem >= KG_HUGE_PAGE / 8) {
		size_t bytes = (n * elem + KG_HUGE_PAGE - 1) & ~(KG_HUGE_PAGE - 1);
		if ((q = kg_huge_move(p, used * elem, bytes)))
			n = bytes / elem;
	}
	if (!q && !(q = realloc(p, n * elem)))
		abort();
	*alloc = n;
	return q;
}

/* Rare (rendered inputs only), so kept out of add_common, where intern1 is inlined. */
__attribute__((noinline)) static const char *own_rendered_from(struct kg_report *r, const char *s)
{
	return intern1(&r->arena, &r->last_interned[6], s);
}

static struct kg_finding *add_common(struct kg_report *r, const struct kg_finding *f)
{
	r->findings = grow(r->findings, &r->afindings, r->nfindings, r->nfindings + 1, sizeof(*r->findings));
	struct kg_finding *c = &r->findings[r->nfindings++];
	const char **last = r->last_interned;
	*c = *f;
	c->file = own_name(r, f->file);
	c->container = intern1(&r->arena, &last[1], f->container);
	if (f->rendered_from)
		c->rendered_from = own_rendered_from(r, f->rendered_from);
	const char *const *own = r->owner;
	bool owned = r->owner_live && f->api_version == own[0] && f->kind == own[1] &&
		     f->namespace_ == own[2] && f->name == own[3];
	if (owned && r->owner_copied) {
		c->api_version = r->owner_copy[0];
		c->kind = r->owner_copy[1];
		c->namespace_ = r->owner_copy[2];
		c->name = r->owner_copy[3];
	} else {
		c->api_version = intern1(&r->arena, &last[2], f->api_version);
		c->kind = intern1(&r->arena, &last[3], f->kind);
		c->namespace_ = intern1(&r->arena, &last[4], f->namespace_);
		c->name = intern1(&r->arena, &last[5], f->name);
		if (owned) {
			r->owner_copy[0] = c->api_version;
			r->owner_copy[1] = c->kind;
			r->owner_copy[2] = c->namespace_;
			r->owner_copy[3] = c->name;
			r->owner_copied = true;
		}
	}
	c->seq = r->seq++;
	if ((unsigned)c->severity < KG_SEV_COUNT)
		r->sum.by_severity[c->severity]++;
	return c;
}

struct kg_finding *kg_report_add(struct kg_report *r, const struct kg_finding *f)
{
	struct kg_finding *c = add_common(r, f);
	size_t lm = f->message ? strlen(f->message) : 0, lp = f->path ? strlen(f->path) : 0;
	c->message = kg_arena_strndup(&r->arena, f->message ? f->message : "", lm);
	c->path = f->path ? kg_arena_strndup(&r->arena, f->path, lp) : NULL;
	c->message_len = (uint32_t)lm;
	c->path_len = (uint32_t)lp;
	return c;
}

enum { TEXT_MAX = 1024 }; /* message and path caps, with their NUL */

struct kg_finding *kg_report_addv(struct kg_report *r, const struct kg_finding *f, const char *const path[3],
				  const char *fmt, va_list ap)
{
	struct kg_finding *c = add_common(r, f);
	/* formatted straight into the arena when the current chunk has room for the longest message */
	char *m = kg_arena_reserve(&r->arena, TEXT_MAX), buf[TEXT_MAX];
	int n = kg_vfmt(m ? m : buf, TEXT_MAX, fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n < TEXT_MAX ? (size_t)n : TEXT_MAX - 1;
	if (m) {
		m[len] = '\0'; /* kg_vfmt's own NUL, except when vsnprintf failed (n < 0) */
		kg_arena_commit(&r->arena, len + 1);
		c->message = m;
	} else {
		c->message = kg_arena_strndup(&r->arena, buf, len);
	}
	c->message_len = (uint32_t)len;
	c->path = NULL;
	c->path_len = 0;
	if (!path[0] && !path[1] && !path[2])
		return c;
	/* the parts that are there and their lengths (as capped when joined), then one copy straight
	 * into the arena */
	const char *part[3];
	size_t k[3], np = 0;
	len = 0;
	for (int i = 0; i < 3; i++) {
		if (!path[i] || !*path[i])
			continue;
		if (np && len < TEXT_MAX - 1)
			len++;
		part[np] = path[i];
		k[np] = strnlen(path[i], TEXT_MAX - 1 - len);
		len += k[np++];
	}
	char *d = kg_arena_alloc(&r->arena, len + 1), *p = d;
	for (size_t i = 0; i < np; i++) {
		if (i && (size_t)(p - d) < TEXT_MAX - 1)
			*p++ = '.';
		memcpy(p, part[i], k[i]);
		p += k[i];
	}
	*p = '\0';
	c->path = d;
	c->path_len = (uint32_t)len;
	return c;
}

void kg_report_error(struct kg_report *r, const struct kg_diag *d)
{
	r->errors = grow(r->errors, &r->aerrors, r->nerrors, r->nerrors + 1, sizeof(*r->errors));
	struct kg_error_rec *e = &r->errors[r->nerrors++];
	e->file = kg_report_str(r, d->file ? d->file : "");
	e->line = d->line;
	e->col = d->col;
	e->message = kg_arena_strdup(&r->names, d->message); /* errors outlive flushes */
}

void kg_report_note(struct kg_report *r, const char *file, const char *message)
{
	r->notes = grow(r->notes, &r->anotes, r->nnotes, r->nnotes + 1, sizeof(*r->notes));
	struct kg_error_rec *e = &r->notes[r->nnotes++];
	e->file = kg_report_str(r, file);
	e->line = e->col = 0;
	e->message = kg_arena_strdup(&r->names, message);
}

static int strcmp0(const char *a, const char *b)
{
	if (a == b) /* interned: most comparisons within a chunk are of one copy */
		return 0;
	return strcmp(a ? a : "", b ? b : "");
}

static inline int cmp_finding(const struct kg_finding *a, const struct kg_finding *b)
{
	int c = strcmp0(a->file, b->file);
	if (c) return c;
	if (a->doc_index != b->doc_index) return a->doc_index < b->doc_index ? -1 : 1;
	if (a->line != b->line) return a->line < b->line ? -1 : 1;
	if (a->col != b->col) return a->col < b->col ? -1 : 1;
	if (a->rule_rank && b->rule_rank) {
		if (a->rule_rank != b->rule_rank) return a->rule_rank < b->rule_rank ? -1 : 1;
	} else if ((c = strcmp0(a->rule_id, b->rule_id))) {
		return c;
	}
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

/* Merge sort of pointers (runs of 8 by insertion first), then one pass that moves the findings
 * into order. glibc's qsort sorts large elements indirectly too, but through a comparator pointer
 * and with its own bookkeeping: this was 5% of a scan. */
static void sort_ptrs(const struct kg_finding **a, const struct kg_finding **tmp, size_t n)
{
	enum { RUN = 8 };
	for (size_t lo = 0; lo < n; lo += RUN) {
		size_t hi = lo + RUN < n ? lo + RUN : n;
		for (size_t i = lo + 1; i < hi; i++) {
			const struct kg_finding *x = a[i];
			size_t j = i;
			for (; j > lo && cmp_finding(a[j - 1], x) > 0; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
	}
	const struct kg_finding **src = a, **dst = tmp;
	for (size_t w = RUN; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			if (mid == hi || cmp_finding(src[mid - 1], src[mid]) <= 0) {
				/* already in order, as findings mostly arrive: one copy, no merge */
				memcpy(dst + lo, src + lo, (hi - lo) * sizeof(*src));
				continue;
			}
			while (i < mid && j < hi)
				dst[k++] = cmp_finding(src[j], src[i]) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		const struct kg_finding **t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

/* The findings in order, as pointers (r->order), or NULL when they already are. */
static const struct kg_finding **sort_order(struct kg_report *r)
{
	size_t n = r->nfindings, s = 1;
	while (s < n && cmp_finding(&r->findings[s - 1], &r->findings[s]) <= 0)
		s++;
	if (s == n)
		return NULL;
	if (2 * n > r->aorder) {
		size_t bytes = 2 * r->afindings * sizeof(*r->order);
		free(r->order);
		r->order = bytes >= KG_HUGE_PAGE / 8 ? kg_huge_alloc(bytes) : NULL;
		if (!r->order && !(r->order = malloc(bytes)))
			abort();
		r->aorder = 2 * r->afindings;
	}
	const struct kg_finding **order = r->order;
	for (size_t i = 0; i < n; i++)
		order[i] = &r->findings[i];
	sort_ptrs(order, order + n, n);
	return order;
}

/* Sorts pointers, then moves the findings into order in place, one cycle of the permutation at a
 * time (order[i] is the finding that belongs at i): no second array of findings to touch. */
static void sort_findings(struct kg_report *r)
{
	const struct kg_finding **order = sort_order(r);
	if (!order)
		return;
	struct kg_finding *a = r->findings;
	for (size_t i = 0, n = r->nfindings; i < n; i++) {
		if (order[i] == &a[i])
			continue;
		struct kg_finding t = a[i];
		size_t j = i;
		for (;;) {
			size_t k = (size_t)(order[j] - a);
			order[j] = &a[j];
			if (k == i) {
				a[j] = t;
				break;
			}
			a[j] = a[k];
			j = k;
		}
	}
}

void kg_report_sort(struct kg_report *r)
{
	if (r->nfindings > 1)
		sort_findings(r);
	if (r->nerrors > 1)
		qsort(r->errors, r->nerrors, sizeof(*r->errors), cmp_error);
	if (r->nnotes > 1)
		qsort(r->notes, r->nnotes, sizeof(*r->notes), cmp_error);
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
