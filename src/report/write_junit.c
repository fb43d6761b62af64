/* JUnit XML writer for CI test reporters (Jenkins, GitLab, GitHub test-report actions).
 *
 *   <testsuites name="kguard scan" tests=".." failures=".." errors="..">
 *     <testsuite name="FILE" ...>                       one per file with findings or errors
 *       <testcase classname="FILE" name="Kind ns/name: family">
 *         <failure type="SEVERITY" message="...">one line per finding</failure>
 *       </testcase>
 *       <testcase classname="FILE" name="input"><error type="input-error" ...>errors</error></testcase>
 *     </testsuite>
 *   </testsuites>
 *
 * A test case is one object and one rule family (the rule id before its first '.'); its failure
 * lists that family's findings on the object with their lines. The report holds no record of
 * objects without findings, so passing objects do not appear; a run with no findings and no errors
 * gets one passing test case, since several CI reporters fail on a report without tests.
 * Output is plain XML 1.0: markup characters are escaped, and characters XML cannot carry (control
 * characters, invalid UTF-8, U+FFFE/U+FFFF) become U+FFFD. No timestamps, durations or host names. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "write.h"
#include "write_priv.h"

struct jw {
	FILE *out;
	struct kg_buf b;
	int failed;
	const struct kg_report *r;
};

static void put(struct jw *j, const char *s)
{
	if (kg_buf_adds(&j->b, s))
		j->failed = 1;
}

static void putf(struct jw *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct jw *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (kg_buf_vprintf(&j->b, fmt, ap))
		j->failed = 1;
	va_end(ap);
}

/* ":N" without printf: this runs for every finding */
static void put_pos(struct jw *j, unsigned v)
{
	char t[16];
	size_t i = sizeof(t);
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	t[--i] = ':';
	if (kg_buf_add(&j->b, t + i, sizeof(t) - i))
		j->failed = 1;
}

static void flush(struct jw *j)
{
	if (j->b.len && fwrite(j->b.data, 1, j->b.len, j->out) != j->b.len)
		j->failed = 1;
	kg_buf_reset(&j->b);
}

/* Escape text for XML; attr: inside a double-quoted attribute (where newlines and tabs must be
 * character references to survive attribute-value normalisation). */
static void esc_n(struct jw *j, const char *s, size_t n, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t i = 0, run = 0; /* bytes copied as they are, in runs */
	while (i < n) {
		unsigned char c = p[i];
		size_t len = 1;
		const char *rep = NULL;
		if (c >= 0x80) {
			uint32_t cp;
			len = kg_utf8_decode(p + i, n - i, &cp);
			if (!len) {
				rep = "\xef\xbf\xbd";
				len = 1;
			} else if (cp == 0xFFFE || cp == 0xFFFF) {
				rep = "\xef\xbf\xbd";
			}
		} else if (c == '&') {
			rep = "&amp;";
		} else if (c == '<') {
			rep = "&lt;";
		} else if (c == '>') {
			rep = "&gt;";
		} else if (c == '"' && attr) {
			rep = "&quot;";
		} else if (c == '\n' || c == '\t') {
			rep = attr ? (c == '\n' ? "&#10;" : "&#9;") : NULL;
		} else if (c == '\r') {
			rep = "&#13;";
		} else if (c < 0x20) {
			rep = "\xef\xbf\xbd";
		}
		if (!rep) {
			i += len;
			run += len;
			continue;
		}
		if (run && kg_buf_add(&j->b, p + i - run, run))
			j->failed = 1;
		run = 0;
		put(j, rep);
		i += len;
	}
	if (run && kg_buf_add(&j->b, p + i - run, run))
		j->failed = 1;
}

static void esc(struct jw *j, const char *s, bool attr)
{
	esc_n(j, s, s ? strlen(s) : 0, attr);
}

static int cmp0(const char *a, const char *b)
{
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

static void finding_line(struct jw *j, const struct kg_finding *f)
{
	esc(j, file_of(f->file), false);
	if (f->line) {
		put_pos(j, f->line);
		if (f->col)
			put_pos(j, f->col);
	}
	put(j, ": ");
	put(j, kg_severity_name(f->severity));
	put(j, ": ");
	esc(j, f->message, false);
	put(j, " [");
	esc(j, f->rule_id, false);
	put(j, "]\n");
	if (f->path || f->container) {
		put(j, "  ");
		if (f->path) {
			put(j, "at ");
			esc(j, f->path, false);
		}
		if (f->container) {
			put(j, f->path ? ", container " : "container ");
			esc(j, f->container, false);
		}
		put(j, "\n");
	}
}

static void testcase(struct jw *j, const struct kg_finding *const *g, size_t n)
{
	const struct kg_finding *f = g[0];
	struct kg_buf name = KG_BUF_INIT;
	if (f->kind)
		kg_write_object_label(&name, f);
	else
		kg_buf_printf(&name, "document %u", f->doc_index + 1);
	kg_buf_adds(&name, ": ");
	kg_write_family(&name, f->rule_id);
	enum kg_severity max = KG_SEV_NONE;
	for (size_t i = 0; i < n; i++)
		if (g[i]->severity > max)
			max = g[i]->severity;
	put(j, "    <testcase classname=\"");
	esc(j, file_of(f->file), true);
	put(j, "\" name=\"");
	esc(j, name.data, true);
	putf(j, "\">\n      <failure type=\"%s\" message=\"", kg_severity_name(max));
	if (n == 1) {
		esc(j, f->message, true);
		put(j, " [");
		esc(j, f->rule_id, true);
		put(j, "]");
	} else {
		putf(j, "%zu findings, highest %s: ", n, kg_severity_name(max));
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
				put(j, ", ...");
				break;
			}
			if (shown++)
				put(j, ", ");
			esc(j, g[i]->rule_id, true);
		}
	}
	put(j, "\">");
	for (size_t i = 0; i < n; i++)
		finding_line(j, g[i]);
	put(j, "</failure>\n    </testcase>\n");
	kg_buf_release(&name);
}

static void errors_case(struct jw *j, const struct kg_error_rec *e, size_t n)
{
	put(j, "    <testcase classname=\"");
	esc(j, file_of(e[0].file), true);
	put(j, "\" name=\"input\">\n      <error type=\"input-error\" message=\"");
	if (n == 1)
		esc(j, e[0].message, true);
	else
		putf(j, "%zu input errors", n);
	put(j, "\">");
	for (size_t i = 0; i < n; i++) {
		esc(j, file_of(e[i].file), false);
		if (e[i].line) {
			put_pos(j, e[i].line);
			if (e[i].col)
				put_pos(j, e[i].col);
		}
		put(j, ": error: ");
		esc(j, e[i].message, false);
		put(j, "\n");
	}
	put(j, "</error>\n    </testcase>\n");
}

/* One file: findings [f0, f1) of the sorted report (sorted by file first), already put in test
 * case order in tmp[f0, f1) by count_cases; errors [e0, e1). */
static void suite(struct jw *j, const char *file, size_t f0, size_t f1, size_t e0, size_t e1, const struct kg_finding **all)
{
	const struct kg_report *r = j->r;
	const struct kg_finding **tmp = all + f0;
	size_t n = f1 - f0, ncases = 0;
	for (size_t i = 0; i < n; i++)
		if (!i || !same_case(tmp[i - 1], tmp[i]))
			ncases++;
	size_t nerr = e1 > e0;
	put(j, "  <testsuite name=\"");
	esc(j, file, true);
	putf(j, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\">\n", ncases + nerr, ncases, nerr);
	for (size_t i = 0; i < n;) {
		size_t k = i + 1;
		while (k < n && same_case(tmp[i], tmp[k]))
			k++;
		testcase(j, tmp + i, k - i);
		i = k;
		if (j->b.len > 1 << 20)
			flush(j);
	}
	if (nerr)
		errors_case(j, &r->errors[e0], e1 - e0);
	put(j, "  </testsuite>\n");
}

static size_t count_cases(const struct kg_report *r, const struct kg_finding **tmp)
{
	/* cases never span files: sort each file's run of findings into test case order (the
	 * suites are written from it) and count the cases */
	size_t n = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		tmp[i] = &r->findings[i];
	for (size_t i = 0; i < r->nfindings;) {
		size_t k = i + 1;
		while (k < r->nfindings && !cmp0(tmp[i]->file, tmp[k]->file))
			k++;
		qsort(tmp + i, k - i, sizeof(*tmp), cmp_case);
		for (size_t m = i; m < k; m++)
			if (m == i || !same_case(tmp[m - 1], tmp[m]))
				n++;
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

int kg_write_junit(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	struct jw j = { out, KG_BUF_INIT, 0, r };
	const char *command = o && o->command ? o->command : "scan";
	const struct kg_finding **tmp = malloc((r->nfindings ? r->nfindings : 1) * sizeof(*tmp));
	if (!tmp)
		return -1;
	size_t failures = count_cases(r, tmp), errors = count_error_files(r);
	put(&j, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kguard ");
	esc(&j, command, true);
	if (!failures && !errors) {
		putf(&j, "\" tests=\"1\" failures=\"0\" errors=\"0\">\n  <testsuite name=\"kguard ");
		esc(&j, command, true);
		put(&j, "\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <testcase classname=\"kguard\" name=\"");
		esc(&j, command, true);
		put(&j, ": no findings\"/>\n  </testsuite>\n");
	} else {
		putf(&j, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", failures + errors, failures, errors);
	}
	/* merge the file runs of findings and errors, both sorted by file name */
	size_t fi = 0, ei = 0;
	while (fi < r->nfindings || ei < r->nerrors) {
		const char *ff = fi < r->nfindings ? r->findings[fi].file : NULL;
		const char *ef = ei < r->nerrors ? r->errors[ei].file : NULL;
		const char *file;
		if (fi >= r->nfindings)
			file = ef;
		else if (ei >= r->nerrors)
			file = ff;
		else
			file = cmp0(ff, ef) <= 0 ? ff : ef;
		size_t f1 = fi, e1 = ei;
		while (f1 < r->nfindings && !cmp0(r->findings[f1].file, file))
			f1++;
		while (e1 < r->nerrors && !cmp0(r->errors[e1].file, file))
			e1++;
		suite(&j, file_of(file), fi, f1, ei, e1, tmp);
		fi = f1;
		ei = e1;
		flush(&j);
	}
	put(&j, "</testsuites>\n");
	flush(&j);
	free(tmp);
	kg_buf_release(&j.b);
	return j.failed ? -1 : 0;
}
