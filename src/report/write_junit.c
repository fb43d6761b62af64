/* JUnit XML writer for CI test reporters (Jenkins, GitLab, GitHub test-report actions).
 *
 *   <testsuites name="kguard scan" tests=".." failures=".." errors=".." [skipped=".."]>
 *     <testsuite name="FILE" ...>                 one per file with findings, errors or notes
 *       <testcase classname="FILE" name="Kind ns/name: family">
 *         <failure type="SEVERITY" message="...">one line per finding</failure> (after "rendered
 *                                                  from FILE" for rendered Helm or Kustomize output)
 *       </testcase>
 *       <testcase classname="FILE" name="input"><error type="input-error" ...>errors</error></testcase>
 *       <testcase classname="FILE" name="not scanned"><skipped message="..."/></testcase>
 *     </testsuite>
 *   </testsuites>
 *
 * A test case is one object and one rule family (the rule id before its first '.'); its failure
 * lists that family's findings on the object with their lines. Each note (an input deliberately not
 * scanned: a Helm chart's templates, a Kustomize patch) is a skipped test case of its own, counted
 * in tests and skipped; testsuites has skipped only when there are notes. The report holds no
 * record of objects without findings, so passing objects do not appear; a run with no findings and
 * no errors gets one passing test case (notes or not), since several CI reporters fail on a report
 * without tests, or without a passing one.
 * Output is plain XML 1.0: markup characters are escaped, and characters XML cannot carry (control
 * characters, invalid UTF-8, U+FFFE/U+FFFF) become U+FFFD. No timestamps, durations or host names. */
#include <stdlib.h>
#include <string.h>

#include "write.h"
#include "write_priv.h"

struct jw {
	FILE *out;
	struct kg_buf b;
	int failed;
	const struct kg_report *r;
	struct kg_buf file_text, file_attr; /* the suite's file name, escaped for text and attributes */
	struct kg_buf name;                 /* scratch: a test case's name */
};

/* Output goes through reserved room (see write_priv.h): one bounds check per piece. */
static char *room(struct jw *j, size_t n)
{
	char *d = kg_wp_room(&j->b, n);
	if (!d)
		j->failed = 1;
	return d;
}

static void put_n(struct jw *j, const char *s, size_t n)
{
	char *d = room(j, n);
	if (d)
		kg_wp_done(&j->b, kg_wp_put(d, s, n));
}

#define PUT(j, lit) put_n(j, lit, sizeof(lit) - 1)

static void put(struct jw *j, const char *s)
{
	put_n(j, s, strlen(s));
}

static void put_uint(struct jw *j, uint64_t v)
{
	char *d = room(j, 24);
	if (d)
		kg_wp_done(&j->b, kg_put_uint(d, v));
}

/* ":N" */
static char *pos(char *d, unsigned v)
{
	*d++ = ':';
	return kg_put_uint(d, v);
}

static void flush(struct jw *j)
{
	if (j->b.len && fwrite(j->b.data, 1, j->b.len, j->out) != j->b.len)
		j->failed = 1;
	kg_buf_reset(&j->b);
}

/* Escaped s (NULL: nothing) into reserved room; n = kg_wp_len0(s). */
static char *esc_to(char *d, const char *s, size_t n, bool attr)
{
	return s ? kg_xml_escape_to(d, s, n, attr) : d;
}

/* Escape text for XML; attr: inside a double-quoted attribute (kg_xml_escape_to). */
static void esc(struct jw *j, const char *s, bool attr)
{
	size_t n = kg_wp_len0(s);
	char *d = room(j, KG_XML_ESC_MAX(n));
	if (d)
		kg_wp_done(&j->b, esc_to(d, s, n, attr));
}

/* Escape s into its own buffer, for a piece written many times. */
static void esc_buf(struct jw *j, struct kg_buf *b, const char *s, bool attr)
{
	size_t n = kg_wp_len0(s);
	kg_buf_reset(b);
	char *d = kg_wp_room(b, KG_XML_ESC_MAX(n));
	if (!d) {
		j->failed = 1;
		return;
	}
	kg_wp_done(b, esc_to(d, s, n, attr));
}

static int cmp0(const char *a, const char *b)
{
	if (a == b) /* the report interns file names: the common case */
		return 0;
	return strcmp(a ? a : "", b ? b : "");
}

static const char *file_of(const char *f)
{
	return f && *f ? f : "(unknown)";
}

/* --- grouping ----------------------------------------------------------------------------- */

static int family_cmp(const char *a, const char *b)
{
	a = a ? a : "";
	b = b ? b : "";
	size_t na = strcspn(a, "."), nb = strcspn(b, ".");
	int c = strncmp(a, b, na < nb ? na : nb);
	if (c)
		return c;
	return na < nb ? -1 : na > nb;
}

static int cmp_case(const void *pa, const void *pb)
{
	const struct kg_finding *const *a = pa, *const *b = pb;
	int c = kg_write_cmp_object(*a, *b);
	if (c || (c = family_cmp((*a)->rule_id, (*b)->rule_id)))
		return c;
	return *a < *b ? -1 : *a > *b; /* report order */
}

static bool same_case(const struct kg_finding *a, const struct kg_finding *b)
{
	return !kg_write_cmp_object(a, b) && !family_cmp(a->rule_id, b->rule_id);
}

/* Sorting into test case order compares precomputed ranks, not strings: each finding gets its
 * family's rank among the report's families and its object's rank among its file's objects, and
 * a file's findings are sorted by (object, family, report order) packed in 64 bits. More than
 * FAM_MAX families or 2^24 objects in a file (neither happens with the catalog) fall back to
 * comparing strings. */
#define FAM_MAX 256
#define PTR_SLOTS 64

struct grouping {
	const struct kg_finding **tmp; /* the findings in test case order */
	bool *starts;                  /* tmp[i] begins a test case */
	uint8_t *fam;                  /* per finding (report order), its family's rank */
	uint64_t *key;                 /* scratch for one file */
	struct obj_ent {
		const struct kg_finding *f;
		uint32_t e;
	} *ent;                        /* scratch: a file's object changes */
	uint32_t *rank;                /* scratch: rank of each entry */
};

struct fam {
	const char *s;
	size_t n;
};

static int fam_cmp(const struct fam *a, const struct fam *b)
{
	int c = strncmp(a->s, b->s, a->n < b->n ? a->n : b->n);
	return c ? c : a->n < b->n ? -1 : a->n > b->n;
}

/* Every finding's family rank into g->fam; -1 when there are more than FAM_MAX families. */
static int family_ranks(const struct kg_report *r, struct grouping *g)
{
	struct fam fams[FAM_MAX];
	uint8_t order[FAM_MAX], rank[FAM_MAX];
	struct {
		const char *id;
		uint8_t e;
	} cache[PTR_SLOTS];
	size_t nf = 0;
	memset(cache, 0, sizeof(cache));
	for (size_t i = 0; i < r->nfindings; i++) {
		const char *id = r->findings[i].rule_id ? r->findings[i].rule_id : "";
		size_t c = (size_t)(((uint64_t)(uintptr_t)id * 0x9E3779B97F4A7C15u) >> 58) & (PTR_SLOTS - 1);
		if (cache[c].id != id) {
			struct fam f = { id, strcspn(id, ".") };
			size_t e = 0;
			while (e < nf && (fams[e].n != f.n || memcmp(fams[e].s, f.s, f.n)))
				e++;
			if (e == nf) {
				if (nf == FAM_MAX)
					return -1;
				fams[nf++] = f;
			}
			cache[c].id = id;
			cache[c].e = (uint8_t)e;
		}
		g->fam[i] = cache[c].e;
	}
	for (size_t e = 0; e < nf; e++) { /* insertion sort: a handful of families */
		size_t k = e;
		for (; k > 0 && fam_cmp(&fams[order[k - 1]], &fams[e]) > 0; k--)
			order[k] = order[k - 1];
		order[k] = (uint8_t)e;
	}
	for (size_t k = 0; k < nf; k++)
		rank[order[k]] = (uint8_t)k;
	for (size_t i = 0; i < r->nfindings; i++)
		g->fam[i] = rank[g->fam[i]];
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_object(const struct kg_finding *a, const struct kg_finding *b)
{
	return a->doc_index == b->doc_index && same_str(a->kind, b->kind) && same_str(a->namespace_, b->namespace_) &&
	       same_str(a->name, b->name) && same_str(a->api_version, b->api_version);
}

static int cmp_ent(const void *pa, const void *pb)
{
	const struct obj_ent *a = pa, *b = pb;
	int c = kg_write_cmp_object(a->f, b->f);
	return c ? c : a->e < b->e ? -1 : a->e > b->e;
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return a < b ? -1 : a > b;
}

static void grouping_release(struct grouping *g)
{
	free(g->tmp);
	free(g->starts);
	free(g->fam);
	free(g->key);
	free(g->ent);
	free(g->rank);
}

/* One file's findings f[0..n) into test case order at g->tmp + base. */
static void order_file(struct grouping *g, const struct kg_finding *f, size_t n, size_t base, bool by_rank)
{
	const struct kg_finding **tmp = g->tmp + base;
	bool *starts = g->starts + base;
	if (by_rank && n < (1u << 24)) {
		/* objects: an entry per change from the previous finding; equal entries share a rank */
		size_t ne = 0;
		for (size_t i = 0; i < n; i++)
			if (!i || !same_object(&f[i - 1], &f[i])) {
				g->ent[ne].f = &f[i];
				g->ent[ne].e = (uint32_t)ne;
				ne++;
			}
		qsort(g->ent, ne, sizeof(*g->ent), cmp_ent);
		uint32_t rk = 0;
		for (size_t k = 0; k < ne; k++) {
			if (k && kg_write_cmp_object(g->ent[k - 1].f, g->ent[k].f))
				rk++;
			g->rank[g->ent[k].e] = rk;
		}
		for (size_t i = 0, e = 0; i < n; i++) {
			if (i && !same_object(&f[i - 1], &f[i]))
				e++;
			g->key[i] = (uint64_t)g->rank[e] << 40 | (uint64_t)g->fam[base + i] << 32 | i;
		}
		qsort(g->key, n, sizeof(*g->key), cmp_u64);
		for (size_t i = 0; i < n; i++) {
			tmp[i] = &f[g->key[i] & 0xffffffffu];
			starts[i] = !i || g->key[i] >> 32 != g->key[i - 1] >> 32;
		}
		return;
	}
	for (size_t i = 0; i < n; i++)
		tmp[i] = &f[i];
	qsort(tmp, n, sizeof(*tmp), cmp_case);
	for (size_t i = 0; i < n; i++)
		starts[i] = !i || !same_case(tmp[i - 1], tmp[i]);
}

/* "FILE:LINE:COL: SEVERITY: MESSAGE [RULE]\n" and "  at PATH, container NAME\n" when known. */
static void finding_line(struct jw *j, const struct kg_finding *f)
{
	const char *sev = kg_severity_name(f->severity);
	size_t nm = f->message_len, nr = kg_wp_len0(f->rule_id), np = f->path_len, nc = kg_wp_len0(f->container);
	size_t max = j->file_text.len + 80 + strlen(sev) + KG_XML_ESC_MAX(nm + nr + np + nc);
	char *d = room(j, max);
	if (!d)
		return;
	d = kg_wp_put(d, j->file_text.data, j->file_text.len);
	if (f->line) {
		d = pos(d, f->line);
		if (f->col)
			d = pos(d, f->col);
	}
	d = kg_wp_put(d, KG_LIT(": "));
	d = kg_wp_put(d, sev, strlen(sev));
	d = kg_wp_put(d, KG_LIT(": "));
	d = esc_to(d, f->message, nm, false);
	d = kg_wp_put(d, KG_LIT(" ["));
	d = esc_to(d, f->rule_id, nr, false);
	d = kg_wp_put(d, KG_LIT("]\n"));
	if (f->path || f->container) {
		d = kg_wp_put(d, KG_LIT("  "));
		if (f->path) {
			d = kg_wp_put(d, KG_LIT("at "));
			d = esc_to(d, f->path, np, false);
		}
		if (f->container) {
			d = f->path ? kg_wp_put(d, KG_LIT(", container ")) : kg_wp_put(d, KG_LIT("container "));
			d = esc_to(d, f->container, nc, false);
		}
		*d++ = '\n';
	}
	kg_wp_done(&j->b, d);
}

/* A test case's name: the object's label as kg_write_object_label writes it ("Kind ns/name",
 * "Kind name", "Kind (unnamed)"; built here without printf), or "document N", then ": family". */
static void case_name(struct kg_buf *b, const struct kg_finding *f)
{
	kg_buf_reset(b);
	if (f->kind) {
		kg_buf_adds(b, f->kind);
		kg_buf_addc(b, ' ');
		if (f->namespace_) {
			kg_buf_adds(b, f->namespace_);
			kg_buf_addc(b, '/');
		}
		kg_buf_adds(b, f->name ? f->name : "(unnamed)");
	} else {
		char t[24];
		kg_buf_adds(b, "document ");
		kg_buf_add(b, t, (size_t)(kg_put_uint(t, (uint64_t)f->doc_index + 1) - t));
	}
	kg_buf_adds(b, ": ");
	kg_write_family(b, f->rule_id);
}

static void testcase(struct jw *j, const struct kg_finding *const *g, size_t n)
{
	const struct kg_finding *f = g[0];
	case_name(&j->name, f);
	enum kg_severity max = KG_SEV_NONE;
	for (size_t i = 0; i < n; i++)
		if (g[i]->severity > max)
			max = g[i]->severity;
	PUT(j, "    <testcase classname=\"");
	put_n(j, j->file_attr.data, j->file_attr.len);
	PUT(j, "\" name=\"");
	esc(j, j->name.data, true);
	PUT(j, "\">\n      <failure type=\"");
	put(j, kg_severity_name(max));
	PUT(j, "\" message=\"");
	if (n == 1) {
		esc(j, f->message, true);
		PUT(j, " [");
		esc(j, f->rule_id, true);
		PUT(j, "]");
	} else {
		put_uint(j, n);
		PUT(j, " findings, highest ");
		put(j, kg_severity_name(max));
		PUT(j, ": ");
		/* distinct rule ids in order of first appearance; the quadratic check is capped so
		 * that a huge object cannot make it expensive */
		size_t shown = 0;
		for (size_t i = 0; i < n; i++) {
			bool seen = false;
			for (size_t k = 0; k < i && k < 64 && !seen; k++)
				seen = !cmp0(g[i]->rule_id, g[k]->rule_id);
			if (seen)
				continue;
			if (i >= 64) {
				PUT(j, ", ...");
				break;
			}
			if (shown++)
				PUT(j, ", ");
			esc(j, g[i]->rule_id, true);
		}
	}
	PUT(j, "\">");
	if (f->rendered_from) { /* one object: one chart file */
		PUT(j, "rendered from ");
		esc(j, f->rendered_from, false);
		PUT(j, "\n");
	}
	for (size_t i = 0; i < n; i++)
		finding_line(j, g[i]);
	PUT(j, "</failure>\n    </testcase>\n");
}

static void errors_case(struct jw *j, const struct kg_error_rec *e, size_t n)
{
	PUT(j, "    <testcase classname=\"");
	put_n(j, j->file_attr.data, j->file_attr.len);
	PUT(j, "\" name=\"input\">\n      <error type=\"input-error\" message=\"");
	if (n == 1) {
		esc(j, e[0].message, true);
	} else {
		put_uint(j, n);
		PUT(j, " input errors");
	}
	PUT(j, "\">");
	for (size_t i = 0; i < n; i++) {
		put_n(j, j->file_text.data, j->file_text.len);
		char *d = room(j, 24);
		if (d && e[i].line) {
			d = pos(d, e[i].line);
			if (e[i].col)
				d = pos(d, e[i].col);
			kg_wp_done(&j->b, d);
		}
		PUT(j, ": error: ");
		esc(j, e[i].message, false);
		PUT(j, "\n");
	}
	PUT(j, "</error>\n    </testcase>\n");
}

/* A note: the input was not scanned, and why. */
static void note_case(struct jw *j, const struct kg_error_rec *e)
{
	PUT(j, "    <testcase classname=\"");
	put_n(j, j->file_attr.data, j->file_attr.len);
	PUT(j, "\" name=\"not scanned\">\n      <skipped message=\"");
	esc(j, e->message, true);
	PUT(j, "\"/>\n    </testcase>\n");
}

/* The runs of one file in the report's lists (each sorted by file first): findings [f0, f1),
 * already put in test case order in g->tmp[f0, f1) by count_cases; errors [e0, e1); notes
 * [n0, n1). */
struct span {
	size_t f0, f1, e0, e1, n0, n1;
};

static void suite(struct jw *j, const char *file, const struct span *sp, const struct grouping *g)
{
	const struct kg_report *r = j->r;
	const struct kg_finding **tmp = g->tmp + sp->f0;
	const bool *starts = g->starts + sp->f0;
	size_t n = sp->f1 - sp->f0, ncases = 0;
	for (size_t i = 0; i < n; i++)
		ncases += starts[i];
	size_t nerr = sp->e1 > sp->e0, nskip = sp->n1 - sp->n0;
	esc_buf(j, &j->file_text, file, false);
	esc_buf(j, &j->file_attr, file, true);
	PUT(j, "  <testsuite name=\"");
	put_n(j, j->file_attr.data, j->file_attr.len);
	PUT(j, "\" tests=\"");
	put_uint(j, ncases + nerr + nskip);
	PUT(j, "\" failures=\"");
	put_uint(j, ncases);
	PUT(j, "\" errors=\"");
	put_uint(j, nerr);
	PUT(j, "\" skipped=\"");
	put_uint(j, nskip);
	PUT(j, "\">\n");
	for (size_t i = 0; i < n;) {
		size_t k = i + 1;
		while (k < n && !starts[k])
			k++;
		testcase(j, tmp + i, k - i);
		i = k;
		if (j->b.len > KG_WOUT_FLUSH_AT)
			flush(j);
	}
	if (nerr)
		errors_case(j, &r->errors[sp->e0], sp->e1 - sp->e0);
	for (size_t i = sp->n0; i < sp->n1; i++)
		note_case(j, &r->notes[i]);
	PUT(j, "  </testsuite>\n");
}

/* Cases never span files: each file's run of findings is put into test case order (the suites
 * are written from it). Returns the number of cases. */
static size_t count_cases(const struct kg_report *r, struct grouping *g)
{
	bool by_rank = !family_ranks(r, g);
	size_t n = 0;
	for (size_t i = 0; i < r->nfindings;) {
		size_t k = i + 1;
		while (k < r->nfindings && !cmp0(r->findings[i].file, r->findings[k].file))
			k++;
		order_file(g, &r->findings[i], k - i, i, by_rank);
		for (size_t m = i; m < k; m++)
			n += g->starts[m];
		i = k;
	}
	return n;
}

static size_t count_error_files(const struct kg_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nerrors; i++)
		if (!i || cmp0(r->errors[i - 1].file, r->errors[i].file))
			n++;
	return n;
}

/* The first file name among the next finding, error and note; NULL is a name (sorted as ""). */
static const char *next_file(const struct kg_report *r, const struct span *sp)
{
	const char *file = NULL;
	bool have = false;
	if (sp->f0 < r->nfindings) {
		file = r->findings[sp->f0].file;
		have = true;
	}
	if (sp->e0 < r->nerrors && (!have || cmp0(r->errors[sp->e0].file, file) < 0)) {
		file = r->errors[sp->e0].file;
		have = true;
	}
	if (sp->n0 < r->nnotes && (!have || cmp0(r->notes[sp->n0].file, file) < 0))
		file = r->notes[sp->n0].file;
	return file;
}

/* The counts of testsuites; skipped only with notes (the attribute was not there before them). */
static void suites_counts(struct jw *j, size_t tests, size_t failures, size_t errors, size_t skipped)
{
	PUT(j, "\" tests=\"");
	put_uint(j, tests);
	PUT(j, "\" failures=\"");
	put_uint(j, failures);
	PUT(j, "\" errors=\"");
	put_uint(j, errors);
	if (skipped) {
		PUT(j, "\" skipped=\"");
		put_uint(j, skipped);
	}
	PUT(j, "\">\n");
}

int kg_write_junit(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	struct jw j = { out, KG_BUF_INIT, 0, r, KG_BUF_INIT, KG_BUF_INIT, KG_BUF_INIT };
	const char *command = o && o->command ? o->command : "scan";
	size_t nf = r->nfindings ? r->nfindings : 1;
	struct grouping g = { malloc(nf * sizeof(*g.tmp)), malloc(nf * sizeof(*g.starts)), malloc(nf * sizeof(*g.fam)),
			      malloc(nf * sizeof(*g.key)), malloc(nf * sizeof(*g.ent)), malloc(nf * sizeof(*g.rank)) };
	if (!g.tmp || !g.starts || !g.fam || !g.key || !g.ent || !g.rank) {
		grouping_release(&g);
		return -1;
	}
	size_t failures = count_cases(r, &g), errors = count_error_files(r);
	PUT(&j, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kguard ");
	esc(&j, command, true);
	if (!failures && !errors) {
		suites_counts(&j, 1 + r->nnotes, 0, 0, r->nnotes);
		PUT(&j, "  <testsuite name=\"kguard ");
		esc(&j, command, true);
		PUT(&j, "\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <testcase classname=\"kguard\" name=\"");
		esc(&j, command, true);
		PUT(&j, ": no findings\"/>\n  </testsuite>\n");
	} else {
		suites_counts(&j, failures + errors + r->nnotes, failures, errors, r->nnotes);
	}
	/* merge the file runs of findings, errors and notes, each sorted by file name */
	struct span sp = { 0 };
	while (sp.f0 < r->nfindings || sp.e0 < r->nerrors || sp.n0 < r->nnotes) {
		const char *file = next_file(r, &sp);
		sp.f1 = sp.f0;
		sp.e1 = sp.e0;
		sp.n1 = sp.n0;
		while (sp.f1 < r->nfindings && !cmp0(r->findings[sp.f1].file, file))
			sp.f1++;
		while (sp.e1 < r->nerrors && !cmp0(r->errors[sp.e1].file, file))
			sp.e1++;
		while (sp.n1 < r->nnotes && !cmp0(r->notes[sp.n1].file, file))
			sp.n1++;
		suite(&j, file_of(file), &sp, &g);
		sp.f0 = sp.f1;
		sp.e0 = sp.e1;
		sp.n0 = sp.n1;
		if (j.b.len > KG_WOUT_FLUSH_AT)
			flush(&j);
	}
	PUT(&j, "</testsuites>\n");
	flush(&j);
	grouping_release(&g);
	kg_buf_release(&j.b);
	kg_buf_release(&j.file_text);
	kg_buf_release(&j.file_attr);
	kg_buf_release(&j.name);
	return j.failed ? -1 : 0;
}
