/* The finding store: what kg_report_add/addv copy (message and path, with their lengths), the path
 * join and its cap, and kg_report_sort's in-place reordering against qsort with the same order. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "report/finding.h"

static struct kg_finding *addv(struct kg_report *r, const struct kg_finding *f, const char *p0, const char *p1,
			       const char *p2, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static struct kg_finding *addv(struct kg_report *r, const struct kg_finding *f, const char *p0, const char *p1,
			       const char *p2, const char *fmt, ...)
{
	const char *const path[3] = { p0, p1, p2 };
	va_list ap;
	va_start(ap, fmt);
	struct kg_finding *c = kg_report_addv(r, f, path, fmt, ap);
	va_end(ap);
	return c;
}

/* The join as it was first written: parts into a 1,024-byte buffer, '.' between non-empty ones
 * while there is room, each part cut to the room left. */
static void ref_join(char *buf, const char *const p[3])
{
	size_t len = 0;
	for (int i = 0; i < 3; i++) {
		if (!p[i] || !*p[i])
			continue;
		if (len && len < 1023)
			buf[len++] = '.';
		size_t k = strnlen(p[i], 1023 - len);
		memcpy(buf + len, p[i], k);
		len += k;
	}
	buf[len] = '\0';
}

TEST(addv_joins_the_path)
{
	struct kg_report r;
	struct kg_finding f = { 0 };
	kg_report_init(&r);
	struct kg_finding *c = addv(&r, &f, NULL, NULL, NULL, "m %d", 1);
	CHECK(c->path == NULL);
	CHECK_INT(c->path_len, 0);
	CHECK_STR(c->message, "m 1");
	CHECK_INT(c->message_len, 3);
	c = addv(&r, &f, "", NULL, "", "x");
	CHECK_STR(c->path, "");
	CHECK_INT(c->path_len, 0);
	c = addv(&r, &f, "a", "", "b", "x");
	CHECK_STR(c->path, "a.b");
	c = addv(&r, &f, NULL, "spec", "containers[0]", "x");
	CHECK_STR(c->path, "spec.containers[0]");
	CHECK_INT(c->path_len, 18);
	kg_report_release(&r);
}

TEST(addv_caps_path_and_message)
{
	static char a[1100], b[20], c3[8], want[1024];
	struct kg_report r;
	struct kg_finding f = { 0 };
	kg_report_init(&r);
	for (size_t la = 1015; la <= 1026; la++)
		for (size_t lb = 0; lb < 4; lb++)
			for (size_t lc = 0; lc < 3; lc++) {
				memset(a, 'a', la);
				a[la] = '\0';
				memset(b, 'b', lb);
				b[lb] = '\0';
				memset(c3, 'c', lc);
				c3[lc] = '\0';
				const char *const p[3] = { a, b, c3 };
				ref_join(want, p);
				struct kg_finding *c = addv(&r, &f, a, b, c3, "%s", a);
				CHECK(c->path && !strcmp(c->path, want));
				CHECK_INT(c->path_len, strlen(want));
				CHECK_INT(c->message_len, la < 1023 ? la : 1023);
				CHECK_INT(strlen(c->message), c->message_len);
			}
	kg_report_release(&r);
}

TEST(add_keeps_lengths_and_file_names)
{
	struct kg_report r;
	kg_report_init(&r);
	const char *file = kg_report_str(&r, "deploy/web.yaml");
	struct kg_finding f = { 0 };
	f.file = file;
	f.message = "container 'app' is privileged";
	f.path = "spec.containers[0]";
	struct kg_finding *c = kg_report_add(&r, &f);
	CHECK(c->file == file); /* the report's own copy lives for the run: not copied again */
	CHECK(c->message != f.message && !strcmp(c->message, f.message));
	CHECK_INT(c->message_len, strlen(f.message));
	CHECK_INT(c->path_len, strlen(f.path));
	char other[] = "other.yaml";
	f.file = other;
	f.message = NULL;
	f.path = NULL;
	c = kg_report_add(&r, &f);
	CHECK(c->file != other && !strcmp(c->file, "other.yaml"));
	CHECK_STR(c->message, "");
	CHECK_INT(c->message_len, 0);
	CHECK(c->path == NULL);
	kg_report_release(&r);
}

/* The documented order: file, document, line, column, rule (rank, else id), path, message, seq. */
static int ref_cmp(const void *pa, const void *pb)
{
	const struct kg_finding *a = pa, *b = pb;
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (c) return c;
	if (a->doc_index != b->doc_index) return a->doc_index < b->doc_index ? -1 : 1;
	if (a->line != b->line) return a->line < b->line ? -1 : 1;
	if (a->col != b->col) return a->col < b->col ? -1 : 1;
	if (a->rule_rank && b->rule_rank) {
		if (a->rule_rank != b->rule_rank) return a->rule_rank < b->rule_rank ? -1 : 1;
	} else if ((c = strcmp(a->rule_id ? a->rule_id : "", b->rule_id ? b->rule_id : ""))) {
		return c;
	}
	if ((c = strcmp(a->path ? a->path : "", b->path ? b->path : ""))) return c;
	if ((c = strcmp(a->message ? a->message : "", b->message ? b->message : ""))) return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* kg_report_sort(r) puts r's findings in qsort's order under ref_cmp (seq breaks every tie). */
static bool sorts_as_qsort(struct kg_report *r)
{
	size_t n = r->nfindings;
	struct kg_finding *want = malloc((n ? n : 1) * sizeof(*want));
	if (!want)
		abort();
	if (n)
		memcpy(want, r->findings, n * sizeof(*want));
	qsort(want, n, sizeof(*want), ref_cmp);
	kg_report_sort(r);
	bool same = r->nfindings == n;
	for (size_t i = 0; same && i < n; i++)
		same = r->findings[i].seq == want[i].seq && r->findings[i].message == want[i].message;
	free(want);
	return same;
}

TEST(sort_matches_qsort)
{
	static const char *const files[] = { "b.yaml", "a.yaml", "c/d.yaml" };
	static const char *const rules[] = { "pss.a", "pss.b", "x.custom" };
	static const char *const paths[] = { "spec.a", "spec.b", NULL };
	uint64_t x = 0x9E3779B97F4A7C15u;
	for (size_t n = 0; n < 300; n += n < 20 ? 1 : 37) {
		struct kg_report r;
		kg_report_init(&r);
		for (size_t i = 0; i < n; i++) {
			xorshift(&x);
			struct kg_finding f = { 0 };
			char msg[16];
			snprintf(msg, sizeof(msg), "m%u", (unsigned)(x % 3));
			f.file = files[x % 3];
			f.doc_index = (unsigned)(x >> 8) % 2;
			f.line = (unsigned)(x >> 12) % 4;
			f.col = (unsigned)(x >> 16) % 2;
			unsigned k = (unsigned)(x >> 20) % 3;
			f.rule_id = rules[k];
			f.rule_rank = k < 2 ? k + 1 : 0;
			f.path = paths[(x >> 24) % 3];
			f.message = msg;
			kg_report_add(&r, &f);
		}
		CHECK(sorts_as_qsort(&r));
		kg_report_release(&r);
	}
}

/* A finding of a.yaml at line:col with the rule of the given rank (the sort tests' unit). */
static void add_ranked(struct kg_report *r, unsigned line, unsigned col, unsigned rank)
{
	struct kg_finding f = { 0 };
	f.file = "a.yaml";
	f.message = "m";
	f.line = line;
	f.col = col;
	f.rule_rank = rank;
	kg_report_add(r, &f);
}

/* Findings mostly arrive in order: sorted input (left alone), and sorted runs with a few strays
 * (runs copied without merging, the rest merged), against qsort. */
TEST(sort_nearly_sorted)
{
	uint64_t x = 0x243F6A8885A308D3u;
	for (size_t n = 2; n < 700; n += n < 40 ? 1 : 53) {
		for (int strays = 0; strays < 3; strays++) {
			struct kg_report r;
			kg_report_init(&r);
			for (size_t i = 0; i < n; i++) {
				xorshift(&x);
				unsigned line = (unsigned)(i / 3) + 1;
				if (strays && x % (strays == 1 ? 97 : 7) == 0)
					line = (unsigned)(x >> 16) % (unsigned)(n / 3 + 1);
				add_ranked(&r, line, 0, (unsigned)(i % 3) + 1);
			}
			CHECK(sorts_as_qsort(&r));
			kg_report_release(&r);
		}
	}
}

/* The findings array moves to huge pages in 2 MB steps once it passes 256 KB (and the sort's
 * pointer array with it): every finding survives the moves, and sorting a large, shuffled input
 * gives qsort's order. */
TEST(large_report_keeps_every_finding)
{
	uint64_t x = 0x9E3779B97F4A7C15u;
	size_t n = 40000; /* ~5 MB of findings: several moves */
	struct kg_report r;
	kg_report_init(&r);
	for (size_t i = 0; i < n; i++) {
		xorshift(&x);
		add_ranked(&r, (unsigned)(x % 5000) + 1, (unsigned)i, (unsigned)(i % 5) + 1);
	}
	CHECK_INT(r.nfindings, n);
	int intact = 1;
	for (size_t i = 0; i < n; i++)
		intact &= r.findings[i].col == (unsigned)i && r.findings[i].message && !strcmp(r.findings[i].message, "m");
	CHECK(intact);
	CHECK(sorts_as_qsort(&r));
	kg_report_release(&r);
}

/* kg_report_owner: an object's findings share one copy of its identity, and a new owner (even at
 * the same addresses, as a freed document's memory is reused) gets its own. */
TEST(owner_identity_is_copied_once)
{
	struct kg_report r;
	kg_report_init(&r);
	char kind[16] = "Deployment", name[16] = "web";
	const char *id[4] = { "apps/v1", kind, NULL, name };
	struct kg_finding f = { 0 };
	f.api_version = id[0];
	f.kind = kind;
	f.name = name;
	kg_report_owner(&r, id);
	struct kg_finding *a = addv(&r, &f, NULL, NULL, NULL, "one");
	struct kg_finding *b = addv(&r, &f, NULL, NULL, NULL, "two");
	CHECK(a->kind == b->kind && a->name == b->name && a->kind != kind);
	CHECK_STR(b->kind, "Deployment");
	CHECK(b->namespace_ == NULL);
	kg_report_owner(&r, NULL);
	strcpy(kind, "Pod");
	strcpy(name, "api");
	kg_report_owner(&r, id);
	b = addv(&r, &f, NULL, NULL, NULL, "three");
	CHECK_STR(b->kind, "Pod");
	CHECK_STR(b->name, "api");
	CHECK_STR(a->kind, "Deployment");
	kg_report_owner(&r, NULL);
	strcpy(kind, "Job");
	b = addv(&r, &f, NULL, NULL, NULL, "four"); /* no owner: compared as before */
	CHECK_STR(b->kind, "Job");
	kg_report_release(&r);
}
