/* Report writers: reports built by hand, rendered to memory, checked piece by piece. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "report/finding.h"
#include "report/write.h"
#include "rules/rule.h"
#include "util/jsonw.h"
#include "util/utf8.h"

static char *render(enum kg_format fmt, struct kg_report *r, bool color, bool quiet)
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

static struct kg_finding mk(const char *rule, enum kg_severity sev, const char *file, unsigned line, unsigned col,
			    const char *kind, const char *ns, const char *name, const char *path, const char *msg)
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

static void add(struct kg_report *r, struct kg_finding f)
{
	kg_report_add(r, &f);
}

static void add_error(struct kg_report *r, const char *file, unsigned line, unsigned col, const char *msg)
{
	struct kg_diag d;
	kg_diag_set(&d, file, line, col, "%s", msg);
	kg_report_error(r, &d);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* position of needle in hay, or -1 */
static long at(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	return p ? (long)(p - hay) : -1;
}

/* ---- empty reports ---- */

TEST(empty_text)
{
	struct kg_report r;
	kg_report_init(&r);
	r.sum.files = 3;
	r.sum.documents = 1;
	r.sum.objects = 1;
	char *s = render(KG_FMT_TEXT, &r, false, false);
	CHECK_STR(s, "3 files, 1 document, 1 object: no findings\n");
	free(s);
	s = render(KG_FMT_TEXT, &r, false, true);
	CHECK_STR(s, "");
	free(s);
	kg_report_release(&r);
}

TEST(empty_json)
{
	struct kg_report r;
	kg_report_init(&r);
	char *s = render(KG_FMT_JSON, &r, false, false);
	static const char head[] = "{\n  \"findings\": [],\n  \"errors\": [],\n  \"notes\": [],\n  \"summary\": {";
	CHECK(s && !strncmp(s, head, sizeof(head) - 1));
	CHECK(s && strstr(s, "\"findings\": 0,"));
	CHECK(s && strstr(s, "\"errors\": 0,\n    \"notScanned\": 0,\n    \"suppressed\": 0,"));
	free(s);
	kg_report_release(&r);
}

TEST(empty_sarif)
{
	struct kg_report r;
	kg_report_init(&r);
	char *s = render(KG_FMT_SARIF, &r, false, false);
	CHECK(s != NULL);
	if (s) {
		CHECK(strstr(s, "\"version\": \"2.1.0\""));
		CHECK(strstr(s, "\"rules\": []"));
		CHECK(strstr(s, "\"results\": []"));
		CHECK(strstr(s, "\"executionSuccessful\": true"));
		CHECK(!strstr(s, "toolExecutionNotifications"));
		CHECK(!strstr(s, "automationDetails"));
		CHECK(s[strlen(s) - 1] == '\n');
	}
	free(s);
	kg_report_release(&r);
}

TEST(empty_junit)
{
	struct kg_report r;
	kg_report_init(&r);
	char *s = render(KG_FMT_JUNIT, &r, false, false);
	CHECK_STR(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<testsuites name=\"kguard scan\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
		     "  <testsuite name=\"kguard scan\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"
		     "    <testcase classname=\"kguard\" name=\"scan: no findings\"/>\n"
		     "  </testsuite>\n"
		     "</testsuites>\n");
	free(s);
	kg_report_release(&r);
}

/* ---- text ---- */

static void two_files(struct kg_report *r)
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

TEST(text_layout)
{
	struct kg_report r;
	two_files(&r);
	add_error(&r, "c.yaml", 4, 2, "invalid YAML: boom");
	add_error(&r, "missing.yaml", 0, 0, "cannot open: No such file or directory");
	add_error(&r, "d.yaml", 3, 0, "line only");
	char *s = render(KG_FMT_TEXT, &r, false, false);
	CHECK_STR(s, "a.yaml\n"
		     "  Deployment prod/api (v1)\n"
		     "    a.yaml:2:1: low: earlier [yaml.duplicate-key]\n"
		     "    a.yaml:7:5: high: later [yaml.duplicate-key]\n"
		     "      at spec.replicas\n"
		     "b.yaml\n"
		     "  Pod web (v1)\n"
		     "    b.yaml:9:3: medium: second [yaml.duplicate-key]\n"
		     "      at metadata.name\n"
		     "c.yaml:4:2: error: invalid YAML: boom\n"
		     "d.yaml:3: error: line only\n"
		     "missing.yaml: error: cannot open: No such file or directory\n"
		     "\n"
		     "2 files, 2 documents, 2 objects: 3 findings (1 high, 1 medium, 1 low), 3 errors\n");
	free(s);
	kg_report_release(&r);
}

TEST(text_container_and_no_object)
{
	struct kg_report r;
	kg_report_init(&r);
	struct kg_finding f = mk("x.rule", KG_SEV_CRITICAL, "k.yaml", 3, 4, "Pod", "ns", NULL, "spec.containers[0]", "m");
	f.container = "app";
	add(&r, f);
	add(&r, mk("x.rule", KG_SEV_INFO, "k.yaml", 1, 1, NULL, NULL, NULL, NULL, "no object"));
	r.sum.suppressed = 2;
	r.sum.skipped = 1;
	char *s = render(KG_FMT_TEXT, &r, false, false);
	CHECK_STR(s, "k.yaml\n"
		     "  k.yaml:1:1: info: no object [x.rule]\n"
		     "  Pod ns/(unnamed) (v1)\n"
		     "    k.yaml:3:4: critical: m [x.rule]\n"
		     "      at spec.containers[0], container app\n"
		     "\n"
		     "0 files, 0 documents, 0 objects (1 skipped): 2 findings (1 critical, 1 info), 2 suppressed\n");
	free(s);
	kg_report_release(&r);
}

TEST(text_escapes_terminal_controls)
{
	struct kg_report r;
	kg_report_init(&r);
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "e\x1b[2J.yaml", 1, 1, "Pod", NULL, "n\xc2\x9b" "31m",
		   "caf\xc3\xa9", "bad \xff byte\ttab\nnewline"));
	char *s = render(KG_FMT_TEXT, &r, false, true);
	CHECK(s && !strchr(s, '\x1b'));
	CHECK(s && strstr(s, "e\\x1b[2J.yaml:1:1: low: bad \\xff byte\\x09tab\\x0anewline"));
	CHECK(s && strstr(s, "Pod n\\xc2\\x9b31m (v1)"));
	CHECK(s && strstr(s, "at caf\xc3\xa9\n")); /* valid UTF-8 is kept */
	free(s);
	kg_report_release(&r);
}

TEST(text_color_only_when_asked)
{
	struct kg_report r;
	two_files(&r);
	char *plain = render(KG_FMT_TEXT, &r, false, false);
	char *col = render(KG_FMT_TEXT, &r, true, false);
	CHECK(plain && !strchr(plain, '\x1b'));
	CHECK(col && strstr(col, "\033[1;31mhigh\033[0m"));
	CHECK(col && strstr(col, "\033[33mmedium\033[0m"));
	free(plain);
	free(col);
	kg_report_release(&r);
}

/* ---- json ---- */

TEST(json_keys_order_and_escaping)
{
	struct kg_report r;
	two_files(&r);
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "q.yaml", 1, 1, NULL, NULL, NULL, NULL, "quote \" and \x01"));
	add_error(&r, "z.yaml", 0, 0, "bad");
	char *s = render(KG_FMT_JSON, &r, false, false);
	CHECK(s != NULL);
	if (s) {
		CHECK(at(s, "\"message\": \"earlier\"") < at(s, "\"message\": \"later\""));
		CHECK(at(s, "\"message\": \"later\"") < at(s, "\"message\": \"second\""));
		CHECK(strstr(s, "\"message\": \"quote \\\" and \\u0001\""));
		CHECK(strstr(s, "\"object\": null\n    }")); /* a finding with no Kubernetes object */
		CHECK(strstr(s, "\"errors\": [\n    {\n      \"file\": \"z.yaml\",\n      \"line\": 0,\n      \"column\": 0,\n      \"message\": \"bad\"\n    }\n  ]"));
		CHECK(strstr(s, "\"bySeverity\": {\n      \"critical\": 0,\n      \"high\": 1,\n      \"medium\": 1,\n      \"low\": 2,"));
	}
	free(s);
	kg_report_release(&r);
}

/* ---- sarif ---- */

static char *fingerprint_of(const char *sarif, int nth)
{
	const char *p = sarif;
	for (int i = 0; i <= nth; i++) {
		p = strstr(p, "\"kguard/v1\": \"");
		if (!p)
			return NULL;
		p += 14;
	}
	const char *e = strchr(p, '"');
	return e ? strndup(p, (size_t)(e - p)) : NULL;
}

TEST(sarif_rules_results_and_catalog_metadata)
{
	struct kg_report r;
	two_files(&r);
	add(&r, mk("zz.custom", KG_SEV_INFO, "a.yaml", 1, 1, "Pod", NULL, "p", NULL, "custom finding"));
	char *s = render(KG_FMT_SARIF, &r, false, false);
	CHECK(s != NULL);
	if (!s)
		return;
	/* two rules, sorted by id; results refer to them by index */
	CHECK_INT(count(s, "\"shortDescription\""), 2);
	CHECK(at(s, "\"id\": \"yaml.duplicate-key\"") < at(s, "\"id\": \"zz.custom\""));
	CHECK_INT(count(s, "\"ruleId\": \"yaml.duplicate-key\",\n          \"ruleIndex\": 0,"), 3);
	CHECK_INT(count(s, "\"ruleId\": \"zz.custom\",\n          \"ruleIndex\": 1,"), 1);
	/* catalog metadata of yaml.duplicate-key */
	CHECK(strstr(s, "\"name\": \"YamlDuplicateKey\""));
	CHECK(strstr(s, "\"helpUri\": \"https://yaml.org/spec/1.2.2/#mapping\""));
	CHECK(strstr(s, "Fix: Delete the duplicate"));
	CHECK(strstr(s, "**Fix:** Delete the duplicate"));
	CHECK(strstr(s, "\"tags\": [\n                  \"security\",\n                  \"document\",\n                  \"yaml\"\n                ]"));
	/* medium in the catalog, high at most in this run */
	CHECK(strstr(s, "\"level\": \"warning\"\n              },\n              \"properties\""));
	CHECK(strstr(s, "\"security-severity\": \"8.0\""));
	/* the unknown rule is described from its finding; info has no security-severity */
	CHECK(strstr(s, "\"name\": \"ZzCustom\""));
	CHECK(strstr(s, "\"text\": \"Hand-made rule\""));
	CHECK_INT(count(s, "security-severity"), 1);
	/* levels of results */
	CHECK_INT(count(s, "\"level\": \"error\""), 1);
	CHECK_INT(count(s, "\"level\": \"note\""), 3); /* low result, info result, info rule default */
	/* sorted: a.yaml line 1, 2, 7 then b.yaml */
	CHECK(at(s, "custom finding") < at(s, "\"earlier\""));
	CHECK(at(s, "\"earlier\"") < at(s, "\"later\""));
	CHECK(at(s, "\"later\"") < at(s, "\"second\""));
	CHECK(strstr(s, "\"uri\": \"a.yaml\",\n                  \"uriBaseId\": \"%SRCROOT%\""));
	CHECK(strstr(s, "\"region\": {\n                  \"startLine\": 7,\n                  \"startColumn\": 5\n                }"));
	CHECK(strstr(s, "\"fullyQualifiedName\": \"Deployment/prod/api\""));
	CHECK(strstr(s, "\"properties\": {\n            \"severity\": \"high\",\n            \"path\": \"spec.replicas\","));
	free(s);
	kg_report_release(&r);
}

TEST(sarif_uris)
{
	struct kg_report r;
	kg_report_init(&r);
	add(&r, mk("x.a", KG_SEV_LOW, "./././dir/my file#1%.yaml", 1, 1, NULL, NULL, NULL, NULL, "m1"));
	add(&r, mk("x.a", KG_SEV_LOW, "/abs/p\xc3\xa9.yaml", 1, 1, NULL, NULL, NULL, NULL, "m2"));
	add(&r, mk("x.a", KG_SEV_LOW, "<stdin>", 1, 1, NULL, NULL, NULL, NULL, "m3"));
	add(&r, mk("x.a", KG_SEV_LOW, "c:x.yaml", 1, 1, NULL, NULL, NULL, NULL, "m4"));
	char *s = render(KG_FMT_SARIF, &r, false, false);
	CHECK(s && strstr(s, "\"uri\": \"dir/my%20file%231%25.yaml\",\n                  \"uriBaseId\": \"%SRCROOT%\""));
	CHECK(s && strstr(s, "\"uri\": \"file:///abs/p%C3%A9.yaml\"\n"));
	CHECK(s && strstr(s, "\"uri\": \"%3Cstdin%3E\",\n                  \"description\""));
	CHECK(s && strstr(s, "\"uri\": \"c%3Ax.yaml\""));
	CHECK_INT(s ? count(s, "uriBaseId") : -1, 2);
	free(s);
	kg_report_release(&r);
}

TEST(sarif_missing_positions_and_errors)
{
	struct kg_report r;
	kg_report_init(&r);
	add(&r, mk("x.a", KG_SEV_MEDIUM, "f.yaml", 0, 0, NULL, NULL, NULL, NULL, ""));
	add(&r, mk("x.a", KG_SEV_MEDIUM, "f.yaml", 4, 0, NULL, NULL, NULL, NULL, "m"));
	add_error(&r, "g.yaml", 0, 0, "cannot open: gone");
	add_error(&r, NULL, 0, 0, "no file at all");
	add_error(&r, "g.yaml", 2, 9, "invalid \"YAML\"");
	char *s = render(KG_FMT_SARIF, &r, false, false);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT(count(s, "\"startLine\": 0"), 0);
	CHECK_INT(count(s, "\"startColumn\""), 1); /* only the error at 2:9 */
	CHECK(strstr(s, "\"region\": {\n                  \"startLine\": 1\n                }"));
	CHECK(strstr(s, "\"region\": {\n                  \"startLine\": 4\n                }"));
	/* an empty message falls back to the rule title */
	CHECK(strstr(s, "\"message\": {\n            \"text\": \"Hand-made rule\"\n          }"));
	CHECK(strstr(s, "\"executionSuccessful\": false"));
	CHECK_INT(count(s, "\"descriptor\": {\n                \"id\": \"input-error\",\n                \"index\": 0"), 3);
	CHECK(strstr(s, "\"text\": \"no file at all\"\n              },\n              \"descriptor\""));
	CHECK(strstr(s, "\"text\": \"invalid \\\"YAML\\\"\""));
	CHECK(strstr(s, "\"notifications\": [\n            {\n              \"id\": \"input-error\""));
	free(s);
	kg_report_release(&r);
}

TEST(sarif_fingerprints_stable_across_line_moves)
{
	struct kg_report r1, r2;
	kg_report_init(&r1);
	kg_report_init(&r2);
	add(&r1, mk("x.a", KG_SEV_LOW, "f.yaml", 5, 3, "Pod", "ns", "p", "spec.a", "appears at line 5"));
	add(&r1, mk("x.a", KG_SEV_LOW, "f.yaml", 9, 3, "Pod", "ns", "p", "spec.a", "appears at line 9"));
	add(&r1, mk("x.a", KG_SEV_LOW, "f.yaml", 12, 3, "Pod", "ns", "p", "spec.b", "other path"));
	/* the same findings, three lines further down, message text changed with them */
	add(&r2, mk("x.a", KG_SEV_LOW, "./f.yaml", 8, 1, "Pod", "ns", "p", "spec.a", "appears at line 8"));
	add(&r2, mk("x.a", KG_SEV_LOW, "./f.yaml", 12, 1, "Pod", "ns", "p", "spec.a", "appears at line 12"));
	add(&r2, mk("x.a", KG_SEV_LOW, "./f.yaml", 15, 1, "Pod", "ns", "p", "spec.b", "other path"));
	char *s1 = render(KG_FMT_SARIF, &r1, false, false), *s2 = render(KG_FMT_SARIF, &r2, false, false);
	CHECK(s1 && s2);
	if (s1 && s2) {
		char *a0 = fingerprint_of(s1, 0), *a1 = fingerprint_of(s1, 1), *a2 = fingerprint_of(s1, 2);
		char *b0 = fingerprint_of(s2, 0), *b1 = fingerprint_of(s2, 1), *b2 = fingerprint_of(s2, 2);
		CHECK(a0 && a1 && a2 && b0 && b1 && b2);
		if (a0 && a1 && a2 && b0 && b1 && b2) {
			CHECK_STR(a0, b0);
			CHECK_STR(a1, b1);
			CHECK_STR(a2, b2);
			CHECK_INT(strlen(a0), 18);
			CHECK(!strcmp(a0 + 16, ":1") && !strcmp(a1 + 16, ":2") && !strcmp(a2 + 16, ":1"));
			CHECK(!strncmp(a0, a1, 16));
			CHECK(strncmp(a0, a2, 16) != 0);
		}
		free(a0); free(a1); free(a2); free(b0); free(b1); free(b2);
	}
	free(s1);
	free(s2);
	kg_report_release(&r1);
	kg_report_release(&r2);
}

TEST(sarif_deterministic)
{
	struct kg_report r;
	two_files(&r);
	char *a = render(KG_FMT_SARIF, &r, false, false), *b = render(KG_FMT_SARIF, &r, false, false);
	CHECK(a && b && !strcmp(a, b));
	free(a);
	free(b);
	kg_report_release(&r);
}

/* ---- junit ---- */

TEST(junit_grouping_and_counts)
{
	struct kg_report r;
	kg_report_init(&r);
	add(&r, mk("pss.one", KG_SEV_HIGH, "a.yaml", 9, 1, "Pod", NULL, "p", "spec.x", "x is bad"));
	add(&r, mk("pss.two", KG_SEV_MEDIUM, "a.yaml", 5, 1, "Pod", NULL, "p", NULL, "y is bad"));
	add(&r, mk("yaml.duplicate-key", KG_SEV_MEDIUM, "a.yaml", 3, 1, "Pod", NULL, "p", "metadata.name", "dup"));
	add(&r, mk("pss.one", KG_SEV_LOW, "b.yaml", 1, 1, NULL, NULL, NULL, NULL, "no object"));
	add_error(&r, "b.yaml", 2, 0, "trailing junk");
	add_error(&r, "b.yaml", 1, 1, "first");
	add_error(&r, "c.yaml", 0, 0, "cannot open");
	char *s = render(KG_FMT_JUNIT, &r, false, false);
	CHECK_STR(s,
		  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<testsuites name=\"kguard scan\" tests=\"5\" failures=\"3\" errors=\"2\">\n"
		  "  <testsuite name=\"a.yaml\" tests=\"2\" failures=\"2\" errors=\"0\" skipped=\"0\">\n"
		  "    <testcase classname=\"a.yaml\" name=\"Pod p: pss\">\n"
		  "      <failure type=\"high\" message=\"2 findings, highest high: pss.two, pss.one\">"
		  "a.yaml:5:1: medium: y is bad [pss.two]\n"
		  "a.yaml:9:1: high: x is bad [pss.one]\n"
		  "  at spec.x\n"
		  "</failure>\n"
		  "    </testcase>\n"
		  "    <testcase classname=\"a.yaml\" name=\"Pod p: yaml\">\n"
		  "      <failure type=\"medium\" message=\"dup [yaml.duplicate-key]\">"
		  "a.yaml:3:1: medium: dup [yaml.duplicate-key]\n"
		  "  at metadata.name\n"
		  "</failure>\n"
		  "    </testcase>\n"
		  "  </testsuite>\n"
		  "  <testsuite name=\"b.yaml\" tests=\"2\" failures=\"1\" errors=\"1\" skipped=\"0\">\n"
		  "    <testcase classname=\"b.yaml\" name=\"document 1: pss\">\n"
		  "      <failure type=\"low\" message=\"no object [pss.one]\">b.yaml:1:1: low: no object [pss.one]\n"
		  "</failure>\n"
		  "    </testcase>\n"
		  "    <testcase classname=\"b.yaml\" name=\"input\">\n"
		  "      <error type=\"input-error\" message=\"2 input errors\">b.yaml:1:1: error: first\n"
		  "b.yaml:2: error: trailing junk\n"
		  "</error>\n"
		  "    </testcase>\n"
		  "  </testsuite>\n"
		  "  <testsuite name=\"c.yaml\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n"
		  "    <testcase classname=\"c.yaml\" name=\"input\">\n"
		  "      <error type=\"input-error\" message=\"cannot open\">c.yaml: error: cannot open\n"
		  "</error>\n"
		  "    </testcase>\n"
		  "  </testsuite>\n"
		  "</testsuites>\n");
	free(s);
	kg_report_release(&r);
}

TEST(junit_escaping)
{
	struct kg_report r;
	kg_report_init(&r);
	add(&r, mk("x.a", KG_SEV_LOW, "a&b<c>.yaml", 1, 1, "Pod", NULL, "n\"q'", "caf\xc3\xa9 \xe2\x82\xac",
		   "ctl\x01\x1b and \xff bad, tab\tnl\ncr\r <tag> & \xef\xbf\xbe end"));
	char *s = render(KG_FMT_JUNIT, &r, false, false);
	CHECK(s != NULL);
	if (s) {
		CHECK(strstr(s, "<testsuite name=\"a&amp;b&lt;c&gt;.yaml\""));
		CHECK(strstr(s, "name=\"Pod n&quot;q': x\""));
		/* attribute: newline, tab, CR as references; controls and invalid bytes as U+FFFD */
		CHECK(strstr(s, "message=\"ctl\xef\xbf\xbd\xef\xbf\xbd and \xef\xbf\xbd bad, tab&#9;nl&#10;cr&#13; &lt;tag&gt; &amp; \xef\xbf\xbd end [x.a]\""));
		/* text: newline and tab kept */
		CHECK(strstr(s, ">a&amp;b&lt;c&gt;.yaml:1:1: low: ctl\xef\xbf\xbd\xef\xbf\xbd and \xef\xbf\xbd bad, tab\tnl\ncr&#13; &lt;tag&gt; &amp; \xef\xbf\xbd end [x.a]\n"));
		CHECK(strstr(s, "  at caf\xc3\xa9 \xe2\x82\xac\n</failure>")); /* valid UTF-8 is kept */
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			if (*p < 0x20 && *p != '\n' && *p != '\t') {
				CHECK(!"control character in XML output");
				break;
			}
	}
	free(s);
	kg_report_release(&r);
}

/* ---- errors ---- */

TEST(write_failure_is_reported)
{
	FILE *full = fopen("/dev/full", "w");
	CHECK(full != NULL);
	if (!full)
		return;
	struct kg_report r;
	two_files(&r);
	struct kg_write_opts o = { false, false, "scan" };
	for (int f = KG_FMT_TEXT; f <= KG_FMT_JUNIT; f++) {
		CHECK_INT(kg_report_write(full, (enum kg_format)f, &r, &o), -1);
		clearerr(full);
	}
	fclose(full);
	kg_report_release(&r);
}

TEST(format_names)
{
	enum kg_format f;
	CHECK(!kg_format_parse("sarif", &f) && f == KG_FMT_SARIF);
	CHECK(!kg_format_parse("junit", &f) && f == KG_FMT_JUNIT);
	CHECK(kg_format_parse("xml", &f) == -1);
	CHECK(kg_format_parse("SARIF", &f) == -1);
}

TEST(sarif_path_normalisation)
{
	static const char *const cases[][2] = {
		{ "/work/main/../shared/c/x.yaml", "\"uri\": \"file:///work/shared/c/x.yaml\"" },
		{ "/../../a//./b.yaml", "\"uri\": \"file:///a/b.yaml\"" },
		{ "../../up/./x/../y.yaml", "\"uri\": \"../../up/y.yaml\"" },
		{ "a/b/../../../c.yaml", "\"uri\": \"../c.yaml\"" },
		{ ".//k8s/./app.yaml", "\"uri\": \"k8s/app.yaml\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kg_report r;
		kg_report_init(&r);
		add(&r, mk("x.a", KG_SEV_LOW, cases[i][0], 1, 1, NULL, NULL, NULL, NULL, "m"));
		char *s = render(KG_FMT_SARIF, &r, false, false);
		CHECK(s && strstr(s, cases[i][1]));
		if (s && !strstr(s, cases[i][1]))
			fprintf(stderr, "  for %s\n", cases[i][0]);
		free(s);
		kg_report_release(&r);
	}
}

TEST(junit_failure_message_lists_each_rule_once)
{
	struct kg_report r;
	kg_report_init(&r);
	add(&r, mk("pss.a", KG_SEV_LOW, "f.yaml", 1, 1, "Pod", NULL, "p", NULL, "one"));
	add(&r, mk("pss.b", KG_SEV_MEDIUM, "f.yaml", 2, 1, "Pod", NULL, "p", NULL, "two"));
	add(&r, mk("pss.a", KG_SEV_LOW, "f.yaml", 3, 1, "Pod", NULL, "p", NULL, "three"));
	char *s = render(KG_FMT_JUNIT, &r, false, false);
	CHECK(s && strstr(s, "<failure type=\"medium\" message=\"3 findings, highest medium: pss.a, pss.b\">"));
	free(s);
	kg_report_release(&r);
}

/* ---- streaming ---- */

/* A streamed report written to memory: stream_open initialises r and attaches the writer,
 * stream_close ends it and returns the text (the caller frees it). */
struct mstream {
	struct kg_stream_writer w;
	FILE *m;
	char *data;
	size_t len;
};

static void stream_open(struct mstream *s, struct kg_report *r, enum kg_format fmt, bool quiet)
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

static char *stream_close(struct mstream *s, struct kg_report *r)
{
	CHECK_INT(kg_stream_end(&s->w, r), 0);
	fclose(s->m);
	return s->data;
}

/* The streamed JSON report: chunks flushed per input, each sorted, counted in the summary, with
 * the same bytes as the whole-report writer when there is only one chunk. */
TEST(json_stream_chunks)
{
	struct kg_report r;
	struct mstream ms;
	stream_open(&ms, &r, KG_FMT_JSON, false);
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "b.yaml", 9, 1, "Pod", "ns", "p", "spec.x", "b-late"));
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "b.yaml", 2, 1, "Pod", "ns", "p", "spec.y", "b-early"));
	CHECK_INT(kg_report_flush(&r), 0);
	CHECK_INT(r.nfindings, 0);
	CHECK_INT(kg_report_total(&r), 2);
	add(&r, mk("yaml.duplicate-key", KG_SEV_HIGH, "a.yaml", 1, 1, "Pod", "ns", "q", "spec.z", "a-only"));
	add_error(&r, "c.yaml", 3, 4, "bad");
	char *data = stream_close(&ms, &r);
	/* input order is kept (b before a), findings sorted inside each input */
	CHECK(at(data, "b-early") < at(data, "b-late"));
	CHECK(at(data, "b-late") < at(data, "a-only"));
	CHECK(strstr(data, "\"findings\": 3,"));
	CHECK(strstr(data, "\"errors\": 1,"));
	CHECK(strstr(data, "\"high\": 1,"));
	CHECK(strstr(data, "\"message\": \"bad\""));
	CHECK(r.stream == NULL);
	free(data);
	kg_report_release(&r);

	/* one chunk: byte-identical to kg_report_write */
	struct kg_report r1, r3;
	two_files(&r1);
	char *whole = render(KG_FMT_JSON, &r1, false, false);
	struct kg_write_opts o = { false, false, "scan" };
	size_t len = 0;
	data = NULL;
	FILE *m = open_memstream(&data, &len);
	if (!m)
		abort();
	struct kg_stream_writer w;
	two_files(&r3); /* (it initialises the report) */
	CHECK_INT(kg_stream_begin(&w, &r3, m, KG_FMT_JSON, &o), 0);
	CHECK_INT(kg_stream_end(&w, &r3), 0);
	fclose(m);
	CHECK(whole && data && !strcmp(whole, data));
	free(whole);
	free(data);
	kg_report_release(&r1);
	kg_report_release(&r3);
}

/* Text streaming writes each chunk's findings and the summary counts every chunk. */
TEST(text_stream_summary)
{
	struct kg_report r;
	struct mstream ms;
	stream_open(&ms, &r, KG_FMT_TEXT, false);
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "b.yaml", 9, 1, "Pod", "ns", "p", "spec.x", "first"));
	CHECK_INT(kg_report_flush(&r), 0);
	add(&r, mk("yaml.duplicate-key", KG_SEV_MEDIUM, "a.yaml", 1, 1, "Pod", "ns", "q", "spec.z", "second"));
	char *data = stream_close(&ms, &r);
	CHECK(at(data, "first") < at(data, "second"));
	CHECK(strstr(data, "2 findings (1 medium, 1 low)"));
	free(data);
	kg_report_release(&r);
}

/* An input handed over in parts (a chunk per document) keeps one file header; the same name as a
 * new input (scanned again) gets its own. */
TEST(text_stream_parts_of_one_input_share_the_header)
{
	struct kg_report r;
	struct mstream ms;
	stream_open(&ms, &r, KG_FMT_TEXT, true);
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "d.yaml", 2, 1, "Pod", "ns", "p", "spec.x", "doc-one"));
	CHECK_INT(kg_report_flush_part(&r), 0);
	CHECK_INT(kg_report_flush_part(&r), 0); /* a document without findings */
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "d.yaml", 9, 1, "Pod", "ns", "q", "spec.x", "doc-two"));
	CHECK_INT(kg_report_flush(&r), 0);
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "d.yaml", 2, 1, "Pod", "ns", "p", "spec.x", "again"));
	char *data = stream_close(&ms, &r);
	CHECK(data && at(data, "doc-one") < at(data, "doc-two") && at(data, "doc-two") < at(data, "again"));
	CHECK_INT(count(data, "d.yaml\n"), 2); /* headers: the first input, then the second */
	CHECK_INT(count(data, "  Pod ns/q"), 1); /* the second document's object has its header */
	CHECK(data && strstr(data, "d.yaml:9:1: low: doc-two")); /* and its location the file name */
	free(data);
	kg_report_release(&r);
}

/* Errors are sorted once, when the report ends: a flush per document that sorted every error so
 * far made a stream of 20,000 broken documents quadratic (6.7 s instead of 0.07 s). */
TEST(stream_flush_leaves_errors_for_the_end)
{
	struct kg_report r;
	struct mstream ms;
	stream_open(&ms, &r, KG_FMT_JSON, false);
	add_error(&r, "s.yaml", 9, 1, "late");
	add_error(&r, "s.yaml", 2, 1, "early");
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "s.yaml", 5, 1, "Pod", "ns", "p", "spec.x", "f"));
	CHECK_INT(kg_report_flush_part(&r), 0);
	CHECK_INT(kg_report_flush(&r), 0);
	CHECK_INT(r.nerrors, 2);
	CHECK(r.nerrors == 2 && !strcmp(r.errors[0].message, "late")); /* untouched by the flushes */
	char *data = stream_close(&ms, &r);
	CHECK(data && at(data, "\"early\"") < at(data, "\"late\"")); /* written sorted */
	free(data);
	kg_report_release(&r);
}

/* ---- the JSON findings writer against the generic kg_jw writer ---- */

/* The "findings" array as kg_jw writes it, for r's findings in their current order. */
static char *jw_findings(const struct kg_report *r)
{
	struct kg_buf b;
	struct kg_jw w;
	kg_buf_init(&b, 0);
	kg_jw_init(&w, &b, true);
	kg_jw_obj(&w);
	kg_jw_key(&w, "findings");
	kg_jw_arr(&w);
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct kg_finding *f = &r->findings[i];
		kg_jw_obj(&w);
		kg_jw_kstr(&w, "rule", f->rule_id);
		kg_jw_kstr(&w, "severity", kg_severity_name(f->severity));
		kg_jw_kstr(&w, "title", f->title);
		kg_jw_kstr(&w, "message", f->message);
		kg_jw_kstr(&w, "file", f->file);
		kg_jw_kint(&w, "line", f->line);
		kg_jw_kint(&w, "column", f->col);
		kg_jw_kstr(&w, "path", f->path);
		kg_jw_kstr(&w, "container", f->container);
		kg_jw_key(&w, "object");
		if (!f->api_version && !f->kind && !f->namespace_ && !f->name) {
			kg_jw_null(&w);
		} else {
			kg_jw_obj(&w);
			kg_jw_kstr(&w, "apiVersion", f->api_version);
			kg_jw_kstr(&w, "kind", f->kind);
			kg_jw_kstr(&w, "namespace", f->namespace_);
			kg_jw_kstr(&w, "name", f->name);
			kg_jw_obj_end(&w);
		}
		kg_jw_obj_end(&w);
	}
	kg_jw_arr_end(&w);
	return b.data;
}

/* Renders r as JSON and checks that its findings array is what kg_jw writes. */
static void check_json_findings(struct kg_report *r)
{
	char *s = render(KG_FMT_JSON, r, false, false); /* sorts r */
	char *want = jw_findings(r);
	CHECK(s && want);
	if (s && want) {
		size_t n = strlen(want);
		int same = !strncmp(s, want, n) && !strncmp(s + n, ",\n  \"errors\"", 12);
		if (!same) {
			size_t k = 0;
			while (s[k] && s[k] == want[k])
				k++;
			fprintf(stderr, "  first difference at byte %zu: ...%.60s\n", k, s + (k > 20 ? k - 20 : 0));
		}
		CHECK(same);
	}
	free(s);
	free(want);
}

/* Object identity is written once per object and copied for its next findings: a change in
 * any one field, to another string of the same length, to NULL or from NULL, shows. */
TEST(json_object_block_follows_every_identity_field)
{
	static const char *const variants[][4] = {
		{ "v1", "Pod", "ns", "web" },
		{ "v1", "Pod", "ns", "web" }, /* same: copied */
		{ "v2", "Pod", "ns", "web" },
		{ "v2", "Pod", "ns", "wex" },
		{ "v2", "Pox", "ns", "wex" },
		{ "v2", "Pox", "nt", "wex" },
		{ "v2", "Pox", NULL, "wex" },
		{ "v2", "Pox", "nt", "wex" },
		{ NULL, "Pox", "nt", "wex" },
		{ NULL, NULL, NULL, NULL },
		{ NULL, NULL, NULL, "wex" },
		{ "v2", "Pox", "nt", NULL },
		{ "v\"2", "P\nox", "n\\t", "w\x01" },
		{ "v\"2", "P\nox", "n\\t", "w\x02" },
	};
	struct kg_report r;
	kg_report_init(&r);
	size_t nv = sizeof(variants) / sizeof(*variants);
	for (size_t i = 0; i < nv; i++)
		for (int k = 0; k < 2; k++) {
			struct kg_finding f = mk("yaml.duplicate-key", KG_SEV_LOW, "same.yaml", (unsigned)(2 * i + (size_t)k + 1), 1,
						 variants[i][1], variants[i][2], variants[i][3], "spec.x", "m");
			f.api_version = variants[i][0];
			add(&r, f);
		}
	check_json_findings(&r);
	kg_report_release(&r);

	/* the same content at different addresses is still the same object */
	char a[2][8], b[2][8];
	kg_report_init(&r);
	for (int k = 0; k < 2; k++) {
		strcpy(a[k], "Pod");
		strcpy(b[k], "web");
		add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "same.yaml", (unsigned)k + 1, 1, a[k], "ns", b[k], NULL, "m"));
	}
	check_json_findings(&r);
	char *s = render(KG_FMT_JSON, &r, false, false);
	CHECK(s && count(s, "\"kind\": \"Pod\"") == 2);
	free(s);
	kg_report_release(&r);
}

/* Files change within one chunk (cross-object findings), rule blocks repeat in any order, and
 * more distinct rules than the writer remembers, titles and ids that need escaping. */
TEST(json_files_and_rules_in_any_order)
{
	static char ids[150][16], titles[150][24];
	static const char *const files[] = { "a.yaml", "b.yaml", "dir/\"q\".yaml", "c\xff.yaml" };
	struct kg_report r;
	kg_report_init(&r);
	for (int i = 0; i < 150; i++) {
		snprintf(ids[i], sizeof(ids[i]), "fam.rule-%d", i);
		snprintf(titles[i], sizeof(titles[i]), i % 7 ? "Title %d" : "Ti\"tle\t%d", i);
	}
	for (unsigned i = 0; i < 900; i++) {
		unsigned rule = i % 3 ? i % 20 : (i * 37) % 150; /* a few rules often, and many */
		struct kg_finding f = mk(ids[rule], (enum kg_severity)(1 + (i / 30) % 5), files[(i / 50) % 4], i, i % 9,
					 "Pod", "ns", i % 3 ? "web" : "db", i % 4 ? "spec.containers[0].image" : NULL,
					 i % 5 ? "a message that is long enough to cross a few sixteen byte blocks" : "m\xc3\xa9");
		f.title = titles[(rule + 20 * (i / 40)) % 150]; /* same id, another title (a policy) */
		f.container = i % 6 ? "app" : NULL;
		add(&r, f);
	}
	check_json_findings(&r);
	kg_report_release(&r);
}

/* A report far larger than the writer's output block. */
TEST(json_large_report)
{
	static char msg[400];
	memset(msg, 'm', sizeof(msg) - 1);
	msg[100] = '"';
	struct kg_report r;
	kg_report_init(&r);
	for (unsigned i = 0; i < 3000; i++)
		add(&r, mk(i % 2 ? "yaml.duplicate-key" : "pss.privileged", KG_SEV_HIGH, i < 1500 ? "one.yaml" : "two.yaml",
			   i + 1, 2, "Deployment", "prod", i % 10 ? "web" : "api", "spec.template", msg));
	check_json_findings(&r);
	kg_report_release(&r);
}

/* Streamed chunks: the next chunk's strings may sit where the previous chunk's were (the report's
 * arena is reset), so nothing may be carried over from one chunk to the next. */
TEST(json_stream_chunks_do_not_share_parts)
{
	struct kg_report r;
	struct mstream ms;
	stream_open(&ms, &r, KG_FMT_JSON, false);
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "aaa.yaml", 1, 1, "Pod", "ns", "p1", "spec.x", "first"));
	CHECK_INT(kg_report_flush(&r), 0);
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "bbb.yaml", 1, 1, "Pod", "nt", "p2", "spec.x", "second"));
	char *data = stream_close(&ms, &r);
	CHECK(data && strstr(data, "\"file\": \"bbb.yaml\""));
	CHECK(data && strstr(data, "\"namespace\": \"nt\",\n        \"name\": \"p2\""));
	CHECK(data && count(data, "\"file\": \"aaa.yaml\"") == 1);
	free(data);
	kg_report_release(&r);
}

/* ---- text: what is made safe for a terminal ---- */

/* The text writers' escaping written out one byte at a time: printable ASCII as is, valid
 * UTF-8 above U+009F as is, everything else (controls, DEL, C1 controls, invalid UTF-8) as \xNN
 * per byte. */
static char *ref_text(const char *s)
{
	static char out[1024];
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = 1;
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			out[o++] = (char)p[i++];
			continue;
		}
		if (p[i] >= 0x80) {
			len = kg_utf8_decode(p + i, n - i, &cp);
			if (len && cp > 0x9f) {
				memcpy(out + o, p + i, len);
				o += len;
				i += len;
				continue;
			}
			if (!len)
				len = 1;
		}
		for (size_t k = 0; k < len; k++, i++)
			o += (size_t)snprintf(out + o, 5, "\\x%02x", p[i]);
	}
	out[o] = '\0';
	return out;
}

static void check_text_finding(const char *msg, const char *path, const char *ctr, const char *ns)
{
	struct kg_report r;
	kg_report_init(&r);
	struct kg_finding f = mk("x.rule", KG_SEV_LOW, "f\x01.yaml", 1, 2, "Pod", ns, "n\xc2\x85", path, msg);
	f.container = ctr;
	add(&r, f);
	char *s = render(KG_FMT_TEXT, &r, false, true);
	char want[4096];
	int k = snprintf(want, sizeof(want), "f\\x01.yaml\n  Pod %s%sn\\xc2\\x85 (v1)\n    f\\x01.yaml:1:2: low: %s [x.rule]\n",
			 ns ? ref_text(ns) : "", ns ? "/" : "", ref_text(msg));
	if (path || ctr) {
		k += snprintf(want + k, sizeof(want) - (size_t)k, "      ");
		if (path)
			k += snprintf(want + k, sizeof(want) - (size_t)k, "at %s", ref_text(path));
		if (ctr)
			k += snprintf(want + k, sizeof(want) - (size_t)k, "%scontainer %s", path ? ", " : "", ref_text(ctr));
		snprintf(want + k, sizeof(want) - (size_t)k, "\n");
	}
	if (!s || strcmp(s, want))
		fprintf(stderr, "  got:\n%s  want:\n%s", s ? s : "(null)", want);
	CHECK(s && !strcmp(s, want));
	free(s);
	kg_report_release(&r);
}

/* Each special sequence at positions 0..17 and at the end of messages of 1..40 bytes, and in
 * the path, container and namespace. */
TEST(text_escaping_at_every_position)
{
	static const char *const specials[] = {
		"\x01", "\x1b", "\t", "\n", "\x7f", "\x80", "\xff", "\xc2\x85", "\xc2\xa0", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xe2\x82", "\xed\xa0\x80", "\\", "\"",
	};
	char s[48];
	for (size_t k = 0; k < sizeof(specials) / sizeof(*specials); k++) {
		size_t sl = strlen(specials[k]);
		for (size_t len = sl; len <= 40; len++) {
			for (size_t pos = 0; pos + sl <= len && pos <= 17; pos++) {
				memset(s, 'x', sizeof(s));
				memcpy(s + pos, specials[k], sl);
				s[len] = '\0';
				check_text_finding(s, pos % 2 ? s : "spec.x", pos % 3 ? NULL : s, pos % 4 ? NULL : s);
			}
			memset(s, 'y', sizeof(s));
			memcpy(s + len - sl, specials[k], sl);
			s[len] = '\0';
			check_text_finding(s, NULL, s, NULL);
		}
	}
}

TEST(text_colors_exact)
{
	struct kg_report r;
	kg_report_init(&r);
	struct kg_finding f = mk("x.rule", KG_SEV_CRITICAL, "k.yaml", 3, 4, "Pod", "ns", "web", "spec.x", "m\x1b");
	f.container = "app";
	add(&r, f);
	add(&r, mk("y.rule", KG_SEV_MEDIUM, "k.yaml", 1, 0, NULL, NULL, NULL, NULL, "file-level"));
	char *s = render(KG_FMT_TEXT, &r, true, true);
	CHECK_STR(s, "\033[1;4mk.yaml\033[0m\n"
		     "  k.yaml:1: \033[33mmedium\033[0m: file-level \033[2m[y.rule]\033[0m\n"
		     "  \033[1mPod ns/web\033[0m (v1)\n"
		     "    k.yaml:3:4: \033[1;35mcritical\033[0m: m\\x1b \033[2m[x.rule]\033[0m\n"
		     "      at spec.x, container app\n");
	free(s);
	kg_report_release(&r);
}

/* ---- result caches ---- */

/* The n-th (0-based) SARIF result object of s, with ruleIndex and the fingerprint's occurrence
 * number taken out (they depend on the other results); NULL when there is none. */
static char *sarif_result(const char *s, int nth)
{
	const char *p = strstr(s, "\"results\": [");
	for (int i = 0; p && i <= nth; i++)
		if ((p = strstr(p, "\n        {\n          \"ruleId\"")))
			p++;
	const char *e = p ? strstr(p, "\n        }") : NULL;
	if (!e)
		return NULL;
	char *out = malloc((size_t)(e - p) + 1), *d = out;
	if (!out)
		abort();
	for (const char *q = p; q < e;) {
		if (!strncmp(q, "\"ruleIndex\": ", 13)) {
			q += 13;
			while (*q >= '0' && *q <= '9')
				q++;
			continue;
		}
		if (!strncmp(q, "\"kguard/v1\": \"", 14) && strlen(q) > 30 && q[30] == ':') {
			memcpy(d, q, 30); /* the key and the hash, without ":N" */
			d += 30;
			for (q += 31; *q >= '0' && *q <= '9';)
				q++;
			continue;
		}
		*d++ = *q++;
	}
	*d = '\0';
	return out;
}

/* A report of findings that each differ from the previous one in one field. */
static void one_field_changes(struct kg_report *r)
{
	static char absent[] = "";
	struct kg_finding f[24];
	int n = 0;
	f[n++] = mk("x.a", KG_SEV_LOW, "f.yaml", 1, 2, "Pod", "ns1", "p1", "spec.a", "m");
	f[n] = f[n - 1], f[n].line = 2, f[n].severity = KG_SEV_HIGH, n++;
	f[n] = f[n - 1], f[n].line = 3, f[n].namespace_ = "ns2", n++;
	f[n] = f[n - 1], f[n].line = 4, f[n].name = "p2", n++;
	f[n] = f[n - 1], f[n].line = 5, f[n].api_version = "apps/v1", n++;
	f[n] = f[n - 1], f[n].line = 6, f[n].kind = "Deployment", n++;
	f[n] = f[n - 1], f[n].line = 7, f[n].namespace_ = NULL, n++;
	f[n] = f[n - 1], f[n].line = 8, f[n].name = NULL, n++;
	f[n] = f[n - 1], f[n].line = 9, f[n].kind = NULL, f[n].api_version = NULL, n++;
	f[n] = f[n - 1], f[n].line = 10, f[n].kind = "Pod", f[n].api_version = "v1", f[n].container = "c1", n++;
	f[n] = f[n - 1], f[n].line = 11, f[n].container = "c2", n++;
	f[n] = f[n - 1], f[n].line = 12, f[n].path = "spec.b", n++;
	f[n] = f[n - 1], f[n].line = 13, f[n].message = absent, n++; /* the title instead */
	f[n] = mk("y.b", KG_SEV_MEDIUM, "f.yaml", 14, 0, "Pod", NULL, "p1", "spec.a", "other rule");
	n++;
	f[n] = f[n - 1], f[n].line = 15, f[n].rule_id = "x.a", f[n].rule = NULL, n++; /* back to x.a */
	f[n] = f[n - 1], f[n].line = 0, n++;
	f[n] = f[n - 1], f[n].file = "g.yaml", n++; /* same rule and object, another file */
	f[n] = f[n - 1], f[n].file = "/abs/g.yaml", n++;
	f[n] = f[n - 1], f[n].file = "<stdin>", n++;
	f[n] = f[n - 1], f[n].file = NULL, n++;
	f[n] = f[n - 1], f[n].file = "g.yaml", f[n].severity = KG_SEV_CRITICAL, n++;
	for (int i = 0; i < n; i++)
		add(r, f[i]);
}

/* Every result reads as it does when its finding is alone in a report: nothing cached from an
 * earlier finding leaks into a later one. */
TEST(sarif_result_caches_follow_every_field)
{
	struct kg_report r;
	kg_report_init(&r);
	one_field_changes(&r);
	char *all = render(KG_FMT_SARIF, &r, false, false); /* sorts r */
	CHECK(all != NULL);
	for (size_t i = 0; all && i < r.nfindings; i++) {
		struct kg_report one;
		kg_report_init(&one);
		kg_report_add(&one, &r.findings[i]);
		char *s = render(KG_FMT_SARIF, &one, false, false);
		char *a = sarif_result(all, (int)i), *b = s ? sarif_result(s, 0) : NULL;
		CHECK(a && b);
		if (a && b && strcmp(a, b)) {
			fprintf(stderr, "  result %zu differs:\n%s\n  alone:\n%s\n", i, a, b);
			CHECK(!"result differs from its finding alone");
		}
		free(a);
		free(b);
		free(s);
		kg_report_release(&one);
	}
	CHECK(all && !sarif_result(all, (int)r.nfindings));
	free(all);
	kg_report_release(&r);
}

/* The suite of "a.yaml" in a JUnit report. */
static char *junit_suite(const char *s, const char *file)
{
	char head[64];
	snprintf(head, sizeof(head), "<testsuite name=\"%s\"", file);
	const char *p = strstr(s, head), *e = p ? strstr(p, "</testsuite>") : NULL;
	return e ? strndup(p, (size_t)(e - p)) : NULL;
}

/* Test case order from precomputed ranks is the order of the string comparisons it replaces
 * (which a report with more than 256 rule families still uses). */
TEST(junit_case_order_by_rank_matches_strings)
{
	struct kg_report r1, r2;
	kg_report_init(&r1);
	kg_report_init(&r2);
	struct kg_finding f[] = {
		mk("pss.b", KG_SEV_LOW, "a.yaml", 1, 1, "Pod", "ns", "p", NULL, "one"),
		mk("workload.x", KG_SEV_MEDIUM, "a.yaml", 2, 1, "Pod", "ns", "p", NULL, "two"),
		mk("pss.a", KG_SEV_HIGH, "a.yaml", 3, 1, "Pod", "ns", "p", NULL, "three"),
		mk("pss-x.a", KG_SEV_LOW, "a.yaml", 4, 1, "Pod", "ns", "p", NULL, "family pss-x"),
		mk("ps.a", KG_SEV_LOW, "a.yaml", 5, 1, "Pod", "ns", "p", NULL, "family ps"),
		mk("nodot", KG_SEV_LOW, "a.yaml", 6, 1, "Pod", "ns", "p", NULL, "family nodot"),
		mk("pss.c", KG_SEV_LOW, "a.yaml", 1, 1, NULL, NULL, NULL, NULL, "no object"),
		mk("pss.c", KG_SEV_LOW, "a.yaml", 1, 1, "Pod", NULL, "b", NULL, "list item b"),
		mk("pss.c", KG_SEV_LOW, "a.yaml", 2, 1, "Pod", NULL, "a", NULL, "list item a"),
		mk("pss.d", KG_SEV_LOW, "a.yaml", 3, 1, "Pod", NULL, "b", NULL, "b again"),
		mk("pss.d", KG_SEV_LOW, "a.yaml", 4, 1, "Pod", "", "a", NULL, "a, empty namespace"),
		mk("pss.e", KG_SEV_LOW, "a.yaml", 5, 1, "Pod", NULL, NULL, NULL, "unnamed"),
	};
	unsigned docs[] = { 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 3 };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		f[i].doc_index = docs[i];
		add(&r1, f[i]);
		add(&r2, f[i]);
	}
	char ids[300][16];
	for (int i = 0; i < 300; i++) { /* 300 families in another file */
		snprintf(ids[i], sizeof(ids[i]), "f%03d.x", i);
		add(&r2, mk(ids[i], KG_SEV_LOW, "z.yaml", 1, 1, "Pod", NULL, "z", NULL, "m"));
	}
	char *s1 = render(KG_FMT_JUNIT, &r1, false, false), *s2 = render(KG_FMT_JUNIT, &r2, false, false);
	char *a = s1 ? junit_suite(s1, "a.yaml") : NULL, *b = s2 ? junit_suite(s2, "a.yaml") : NULL;
	CHECK(a && b);
	if (a && b)
		CHECK_STR(a, b);
	CHECK(a && strstr(a, "tests=\"9\""));
	CHECK(a && at(a, "name=\"Pod ns/p: nodot\"") < at(a, "name=\"Pod ns/p: ps\""));
	CHECK(a && at(a, "name=\"Pod ns/p: ps\"") < at(a, "name=\"Pod ns/p: pss\""));
	CHECK(a && at(a, "name=\"Pod ns/p: pss\"") < at(a, "name=\"Pod ns/p: pss-x\""));
	CHECK(a && strstr(a, "message=\"2 findings, highest high: pss.b, pss.a\""));
	CHECK(a && strstr(a, "name=\"document 2: pss\""));
	/* the items of one document: a (with NULL and empty namespace: one object), then b */
	CHECK(a && at(a, "name=\"Pod a: pss\"") >= 0 && at(a, "name=\"Pod a: pss\"") < at(a, "name=\"Pod b: pss\""));
	CHECK(a && strstr(a, "message=\"2 findings, highest low: pss.c, pss.d\">a.yaml:2:1: low: list item a [pss.c]\n"
			     "a.yaml:4:1: low: a, empty namespace [pss.d]\n"));
	CHECK(a && strstr(a, "name=\"Pod (unnamed): pss\""));
	CHECK(s2 && strstr(s2, "<testsuite name=\"z.yaml\" tests=\"300\" failures=\"300\""));
	free(a);
	free(b);
	free(s1);
	free(s2);
	kg_report_release(&r1);
	kg_report_release(&r2);
}

/* The fingerprint hash, byte at a time: FNV-1a over rule, normalised file, kind, namespace, name,
 * path and container, each followed by 0xff (0xfe for a missing one). It is API: GitHub tracks
 * alerts by it across runs. */
static uint64_t ref_fnv(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return (h ^ (s ? 0xff : 0xfe)) * 0x100000001b3ULL;
}

TEST(sarif_fingerprint_values)
{
	struct kg_report r;
	kg_report_init(&r);
	one_field_changes(&r);
	char *s = render(KG_FMT_SARIF, &r, false, false);
	CHECK(s != NULL);
	for (size_t i = 0; s && i < r.nfindings; i++) {
		const struct kg_finding *f = &r.findings[i];
		const char *file = f->file ? f->file : ""; /* already normalised */
		const char *v[7] = { f->rule_id, file, f->kind, f->namespace_, f->name, f->path, f->container };
		uint64_t h = 0xcbf29ce484222325ULL;
		for (int k = 0; k < 7; k++)
			h = ref_fnv(h, v[k]);
		char want[17], *got = fingerprint_of(s, (int)i);
		snprintf(want, sizeof(want), "%016llx", (unsigned long long)h);
		CHECK(got && !strncmp(got, want, 16));
		free(got);
	}
	free(s);
	kg_report_release(&r);
}

/* ---- notes: inputs deliberately not scanned ---- */

#define HELM_NOTE "Helm chart templates are Go templates, not manifests: not scanned; scan the rendered chart: " \
		  "helm template charts/web | kguard scan -"
#define PATCH_NOTE "Kustomize patch named in k/prod/kustomization.yaml: a partial object, not scanned; scan the " \
		   "built kustomization: kubectl kustomize k/prod | kguard scan -"

/* Two notes, added out of order: they are written sorted by file. */
static void add_notes(struct kg_report *r)
{
	kg_report_note(r, "k/prod/patch.yaml", PATCH_NOTE);
	kg_report_note(r, "charts/web/templates", HELM_NOTE);
}

/* Notes change nothing the exit code is made of (errors and the highest severity), nor the counts. */
TEST(notes_leave_exit_code_inputs_alone)
{
	struct kg_report r;
	two_files(&r);
	struct kg_summary before = r.sum;
	add_notes(&r);
	CHECK_INT(r.nnotes, 2);
	CHECK_INT(r.nerrors, 0);
	CHECK_INT(kg_report_max_severity(&r), KG_SEV_HIGH);
	CHECK_INT(kg_report_total(&r), 3);
	CHECK(!memcmp(&before, &r.sum, sizeof(before)));
	for (int f = KG_FMT_TEXT; f <= KG_FMT_JUNIT; f++) { /* nor does writing them */
		free(render((enum kg_format)f, &r, false, false));
		CHECK_INT(r.nerrors, 0);
		CHECK_INT(r.nnotes, 2);
		CHECK_INT(kg_report_max_severity(&r), KG_SEV_HIGH);
	}
	kg_report_reset(&r);
	CHECK_INT(r.nnotes, 0);
	kg_report_release(&r);

	kg_report_init(&r);
	add_notes(&r);
	CHECK_INT(kg_report_max_severity(&r), KG_SEV_NONE);
	CHECK_INT(r.nerrors, 0);
	CHECK_INT(kg_report_total(&r), 0);
	kg_report_release(&r);
}

/* two_files, an error and the notes, up to the summary */
#define NOTES_BODY "a.yaml\n" \
	"  Deployment prod/api (v1)\n" \
	"    a.yaml:2:1: low: earlier [yaml.duplicate-key]\n" \
	"    a.yaml:7:5: high: later [yaml.duplicate-key]\n" \
	"      at spec.replicas\n" \
	"b.yaml\n" \
	"  Pod web (v1)\n" \
	"    b.yaml:9:3: medium: second [yaml.duplicate-key]\n" \
	"      at metadata.name\n" \
	"charts/web/templates: note: " HELM_NOTE "\n" \
	"k/prod/patch.yaml: note: " PATCH_NOTE "\n" \
	"c.yaml:4:2: error: invalid YAML: boom\n"

TEST(text_notes_before_errors_and_in_summary)
{
	struct kg_report r;
	two_files(&r);
	add_error(&r, "c.yaml", 4, 2, "invalid YAML: boom");
	add_notes(&r);
	char *s = render(KG_FMT_TEXT, &r, false, false);
	CHECK_STR(s, NOTES_BODY "\n2 files, 2 documents, 2 objects: 3 findings (1 high, 1 medium, 1 low), 1 error, "
			  "2 inputs not scanned\n");
	free(s);
	s = render(KG_FMT_TEXT, &r, false, true); /* --quiet keeps notes, like errors */
	CHECK_STR(s, NOTES_BODY);
	free(s);
	kg_report_release(&r);
}

/* Only notes: still the blank line before the summary, "1 input" in the singular, and the
 * message made safe for a terminal like any text from the input. */
TEST(text_notes_only)
{
	struct kg_report r;
	kg_report_init(&r);
	r.sum.files = 1;
	kg_report_note(&r, "charts/web/templates", "Go \x1b[31mtemplates");
	char *s = render(KG_FMT_TEXT, &r, false, false);
	CHECK_STR(s, "charts/web/templates: note: Go \\x1b[31mtemplates\n"
		     "\n"
		     "1 file, 0 documents, 0 objects: no findings, 1 input not scanned\n");
	free(s);
	s = render(KG_FMT_TEXT, &r, false, true);
	CHECK_STR(s, "charts/web/templates: note: Go \\x1b[31mtemplates\n");
	free(s);
	kg_report_release(&r);
}

TEST(text_note_colors)
{
	struct kg_report r;
	kg_report_init(&r);
	kg_report_note(&r, "charts/web/templates", "not scanned");
	add_error(&r, "c.yaml", 4, 2, "boom");
	char *s = render(KG_FMT_TEXT, &r, true, true);
	CHECK_STR(s, "charts/web/templates: \033[1;36mnote:\033[0m not scanned\n"
		     "c.yaml:4:2: \033[1;31merror:\033[0m boom\n");
	free(s);
	kg_report_release(&r);
}

TEST(json_notes_array_and_count)
{
	struct kg_report r;
	two_files(&r);
	add_error(&r, "c.yaml", 4, 2, "boom");
	add_notes(&r);
	char *s = render(KG_FMT_JSON, &r, false, false);
	CHECK(s && strstr(s, "\"message\": \"boom\"\n    }\n  ],\n"
			     "  \"notes\": [\n"
			     "    {\n      \"file\": \"charts/web/templates\",\n      \"message\": \"" HELM_NOTE "\"\n    },\n"
			     "    {\n      \"file\": \"k/prod/patch.yaml\",\n      \"message\": \"" PATCH_NOTE "\"\n    }\n"
			     "  ],\n  \"summary\": {\n"));
	CHECK(s && strstr(s, "\"findings\": 3,\n    \"errors\": 1,\n    \"notScanned\": 2,\n    \"suppressed\": 0,\n"));
	free(s);
	kg_report_release(&r);

	/* notes only, with text that needs escaping */
	kg_report_init(&r);
	kg_report_note(&r, "dir/\"x\".yaml", "tab\there \xff");
	s = render(KG_FMT_JSON, &r, false, false);
	CHECK(s && strstr(s, "\"errors\": [],\n  \"notes\": [\n    {\n      \"file\": \"dir/\\\"x\\\".yaml\",\n"
			     "      \"message\": \"tab\\there \\ufffd\"\n    }\n  ],"));
	CHECK(s && strstr(s, "\"errors\": 0,\n    \"notScanned\": 1,"));
	free(s);
	kg_report_release(&r);
}

/* ---- notes in SARIF ---- */

/* The ids of driver.notifications, in order, into ids[0..max); returns how many. */
static int sarif_descriptor_ids(const char *s, char ids[][16], int max)
{
	const char *p = strstr(s, "\"notifications\": ["), *end = strstr(s, "\"invocations\": [");
	int n = 0;
	while (p && end && (p = strstr(p, "\n              \"id\": \"")) && p < end && n < max) {
		p += 22;
		size_t k = strcspn(p, "\"");
		snprintf(ids[n++], 16, "%.*s", (int)k, p);
	}
	return n;
}

/* Every toolExecutionNotifications descriptor points (by index) at the driver's descriptor of its
 * id; returns how many references there are, -1 when one is wrong. */
static int sarif_descriptor_refs(const char *s)
{
	char ids[4][16];
	int nids = sarif_descriptor_ids(s, ids, 4), n = 0;
	static const char key[] = "\"descriptor\": {\n                \"id\": \"";
	for (const char *p = strstr(s, key); p; p = strstr(p, key)) {
		p += sizeof(key) - 1;
		char id[16];
		int k = (int)strcspn(p, "\"");
		snprintf(id, sizeof(id), "%.*s", k, p);
		const char *ix = strstr(p, "\"index\": ");
		int index = ix ? atoi(ix + 9) : -1;
		if (index < 0 || index >= nids || strcmp(ids[index], id)) {
			fprintf(stderr, "  descriptor %s has index %d\n", id, index);
			return -1;
		}
		n++;
	}
	return n;
}

/* Which descriptors the driver lists, and where the notifications point, for each mix of
 * errors and notes; executionSuccessful follows the errors only. */
TEST(sarif_notification_descriptors)
{
	static const struct {
		int errors, notes;
		const char *ids; /* driver.notifications ids, space-separated */
		bool success;
	} cases[] = {
		{ 0, 0, "", true },
		{ 2, 0, "input-error", false },
		{ 0, 2, "not-scanned", true },
		{ 2, 2, "input-error not-scanned", false },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
		struct kg_report r;
		two_files(&r);
		if (cases[c].errors) {
			add_error(&r, "c.yaml", 4, 2, "boom");
			add_error(&r, "missing.yaml", 0, 0, "cannot open");
		}
		if (cases[c].notes)
			add_notes(&r);
		char *s = render(KG_FMT_SARIF, &r, false, false);
		CHECK(s != NULL);
		if (!s) {
			kg_report_release(&r);
			continue;
		}
		char ids[4][16], got[80] = "";
		int n = sarif_descriptor_ids(s, ids, 4);
		for (int i = 0; i < n; i++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "", ids[i]);
		CHECK_STR(got, cases[c].ids);
		CHECK_INT(sarif_descriptor_refs(s), cases[c].errors + cases[c].notes);
		CHECK(strstr(s, cases[c].success ? "\"executionSuccessful\": true" : "\"executionSuccessful\": false"));
		CHECK_INT(count(s, "\"toolExecutionNotifications\""), cases[c].errors || cases[c].notes);
		int not_scanned = cases[c].errors ? 1 : 0; /* the index of not-scanned */
		char ref[120];
		snprintf(ref, sizeof(ref), "\"descriptor\": {\n                \"id\": \"not-scanned\",\n                \"index\": %d\n", not_scanned);
		CHECK_INT(count(s, ref), cases[c].notes);
		CHECK_INT(count(s, "\"descriptor\": {\n                \"id\": \"input-error\",\n                \"index\": 0\n"), cases[c].errors);
		if (cases[c].errors && cases[c].notes) /* errors first */
			CHECK(at(s, "\"text\": \"boom\"") < at(s, "\"text\": \"" HELM_NOTE "\""));
		free(s);
		kg_report_release(&r);
	}
}

/* A note: level note, its message, the file at line 1 without a column, and the descriptor's text. */
TEST(sarif_note_notification)
{
	struct kg_report r;
	kg_report_init(&r);
	add_notes(&r);
	kg_report_note(&r, "z.yaml", ""); /* SARIF needs a message text */
	char *s = render(KG_FMT_SARIF, &r, false, false);
	CHECK(s && strstr(s, "\"toolExecutionNotifications\": [\n"
			     "            {\n"
			     "              \"level\": \"note\",\n"
			     "              \"message\": {\n"
			     "                \"text\": \"" HELM_NOTE "\"\n"
			     "              },\n"
			     "              \"locations\": [\n"
			     "                {\n"
			     "                  \"physicalLocation\": {\n"
			     "                    \"artifactLocation\": {\n"
			     "                      \"uri\": \"charts/web/templates\",\n"
			     "                      \"uriBaseId\": \"%SRCROOT%\"\n"
			     "                    },\n"
			     "                    \"region\": {\n"
			     "                      \"startLine\": 1\n"
			     "                    }\n"
			     "                  }\n"
			     "                }\n"
			     "              ],\n"
			     "              \"descriptor\": {\n"
			     "                \"id\": \"not-scanned\",\n"
			     "                \"index\": 0\n"
			     "              }\n"
			     "            },\n"));
	CHECK(s && at(s, "\"text\": \"" HELM_NOTE "\"") < at(s, "\"text\": \"" PATCH_NOTE "\""));
	CHECK(s && strstr(s, "\"text\": \"not scanned\"\n              },\n              \"locations\""));
	CHECK_INT(s ? count(s, "\"level\": \"note\",\n              \"message\"") : -1, 3);
	CHECK_INT(s ? count(s, "\"level\": \"error\"") : -1, 0);
	CHECK(s && strstr(s, "\"id\": \"not-scanned\",\n              \"name\": \"NotScanned\",\n"
			     "              \"shortDescription\": {\n                \"text\": \"Input not scanned\"\n"));
	CHECK(s && strstr(s, "\"defaultConfiguration\": {\n                \"level\": \"note\"\n              }\n            }\n          ]"));
	CHECK(s && strstr(s, "(helm template CHART | kguard scan -)"));
	CHECK(s && strstr(s, "(kubectl kustomize DIR | kguard scan -)"));
	free(s);
	kg_report_release(&r);
}

/* ---- notes in JUnit ---- */

TEST(junit_notes_are_skipped_cases)
{
	struct kg_report r;
	kg_report_init(&r);
	add(&r, mk("pss.one", KG_SEV_HIGH, "a.yaml", 9, 1, "Pod", NULL, "p", NULL, "x is bad"));
	add_error(&r, "c.yaml", 0, 0, "cannot open");
	add_notes(&r);
	kg_report_note(&r, "c.yaml", "also a note"); /* (not from a scan, but one suite holds all) */
	kg_report_note(&r, "b/patch.yaml", "between"); /* a suite of notes between the others */
	char *s = render(KG_FMT_JUNIT, &r, false, false);
	CHECK_STR(s,
		  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<testsuites name=\"kguard scan\" tests=\"6\" failures=\"1\" errors=\"1\" skipped=\"4\">\n"
		  "  <testsuite name=\"a.yaml\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\">\n"
		  "    <testcase classname=\"a.yaml\" name=\"Pod p: pss\">\n"
		  "      <failure type=\"high\" message=\"x is bad [pss.one]\">a.yaml:9:1: high: x is bad [pss.one]\n"
		  "</failure>\n"
		  "    </testcase>\n"
		  "  </testsuite>\n"
		  "  <testsuite name=\"b/patch.yaml\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n"
		  "    <testcase classname=\"b/patch.yaml\" name=\"not scanned\">\n"
		  "      <skipped message=\"between\"/>\n"
		  "    </testcase>\n"
		  "  </testsuite>\n"
		  "  <testsuite name=\"c.yaml\" tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"1\">\n"
		  "    <testcase classname=\"c.yaml\" name=\"input\">\n"
		  "      <error type=\"input-error\" message=\"cannot open\">c.yaml: error: cannot open\n"
		  "</error>\n"
		  "    </testcase>\n"
		  "    <testcase classname=\"c.yaml\" name=\"not scanned\">\n"
		  "      <skipped message=\"also a note\"/>\n"
		  "    </testcase>\n"
		  "  </testsuite>\n"
		  "  <testsuite name=\"charts/web/templates\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n"
		  "    <testcase classname=\"charts/web/templates\" name=\"not scanned\">\n"
		  "      <skipped message=\"" HELM_NOTE "\"/>\n"
		  "    </testcase>\n"
		  "  </testsuite>\n"
		  "  <testsuite name=\"k/prod/patch.yaml\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n"
		  "    <testcase classname=\"k/prod/patch.yaml\" name=\"not scanned\">\n"
		  "      <skipped message=\"" PATCH_NOTE "\"/>\n"
		  "    </testcase>\n"
		  "  </testsuite>\n"
		  "</testsuites>\n");
	free(s);
	kg_report_release(&r);
}

/* Only notes: the run passed, so the passing case stays, and the notes are counted next to it. */
TEST(junit_notes_only)
{
	struct kg_report r;
	kg_report_init(&r);
	kg_report_note(&r, "x&y/templates", "a \"b\" <c> & d\ne");
	char *s = render(KG_FMT_JUNIT, &r, false, false);
	CHECK_STR(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<testsuites name=\"kguard scan\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\">\n"
		     "  <testsuite name=\"kguard scan\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"
		     "    <testcase classname=\"kguard\" name=\"scan: no findings\"/>\n"
		     "  </testsuite>\n"
		     "  <testsuite name=\"x&amp;y/templates\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n"
		     "    <testcase classname=\"x&amp;y/templates\" name=\"not scanned\">\n"
		     "      <skipped message=\"a &quot;b&quot; &lt;c&gt; &amp; d&#10;e\"/>\n"
		     "    </testcase>\n"
		     "  </testsuite>\n"
		     "</testsuites>\n");
	free(s);
	kg_report_release(&r);
}

/* ---- notes in streamed reports (kg_stream_end writes them with the errors) ---- */

/* A note made before a flush outlives it (the flush resets the findings' arena). */
TEST(text_stream_writes_notes)
{
	struct kg_report r;
	struct mstream ms;
	stream_open(&ms, &r, KG_FMT_TEXT, false);
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "b.yaml", 9, 1, "Pod", "ns", "p", NULL, "first"));
	kg_report_note(&r, "k/prod/patch.yaml", PATCH_NOTE);
	CHECK_INT(kg_report_flush(&r), 0);
	add(&r, mk("yaml.duplicate-key", KG_SEV_MEDIUM, "a.yaml", 1, 1, "Pod", "ns", "q", NULL, "second"));
	kg_report_note(&r, "charts/web/templates", HELM_NOTE);
	add_error(&r, "c.yaml", 3, 4, "bad");
	char *data = stream_close(&ms, &r);
	CHECK_STR(data, "b.yaml\n"
			"  Pod ns/p (v1)\n"
			"    b.yaml:9:1: low: first [yaml.duplicate-key]\n"
			"a.yaml\n"
			"  Pod ns/q (v1)\n"
			"    a.yaml:1:1: medium: second [yaml.duplicate-key]\n"
			"charts/web/templates: note: " HELM_NOTE "\n"
			"k/prod/patch.yaml: note: " PATCH_NOTE "\n"
			"c.yaml:3:4: error: bad\n"
			"\n"
			"0 files, 0 documents, 0 objects: 2 findings (1 medium, 1 low), 1 error, 2 inputs not scanned\n");
	free(data);
	kg_report_release(&r);

	stream_open(&ms, &r, KG_FMT_TEXT, true); /* quiet, notes only */
	kg_report_note(&r, "charts/web/templates", HELM_NOTE);
	CHECK_INT(kg_report_flush(&r), 0);
	data = stream_close(&ms, &r);
	CHECK_STR(data, "charts/web/templates: note: " HELM_NOTE "\n");
	free(data);
	kg_report_release(&r);
}

TEST(json_stream_writes_notes)
{
	struct kg_report r;
	struct mstream ms;
	stream_open(&ms, &r, KG_FMT_JSON, false);
	kg_report_note(&r, "k/prod/patch.yaml", PATCH_NOTE);
	add(&r, mk("yaml.duplicate-key", KG_SEV_LOW, "b.yaml", 9, 1, "Pod", "ns", "p", NULL, "first"));
	CHECK_INT(kg_report_flush(&r), 0);
	kg_report_note(&r, "charts/web/templates", HELM_NOTE);
	char *data = stream_close(&ms, &r);
	CHECK(data && strstr(data, "  \"errors\": [],\n  \"notes\": [\n"
				   "    {\n      \"file\": \"charts/web/templates\",\n      \"message\": \"" HELM_NOTE "\"\n    },\n"
				   "    {\n      \"file\": \"k/prod/patch.yaml\",\n      \"message\": \"" PATCH_NOTE "\"\n    }\n  ],\n"));
	CHECK(data && strstr(data, "\"findings\": 1,\n    \"errors\": 0,\n    \"notScanned\": 2,"));
	free(data);
	kg_report_release(&r);

	/* one chunk: byte-identical to kg_report_write, notes included */
	struct kg_report r1, r2;
	two_files(&r1);
	add_notes(&r1);
	char *whole = render(KG_FMT_JSON, &r1, false, false);
	struct kg_write_opts o = { false, false, "scan" };
	size_t len = 0;
	data = NULL;
	FILE *m = open_memstream(&data, &len);
	if (!m)
		abort();
	struct kg_stream_writer w;
	two_files(&r2);
	add_notes(&r2);
	CHECK_INT(kg_stream_begin(&w, &r2, m, KG_FMT_JSON, &o), 0);
	CHECK_INT(kg_stream_end(&w, &r2), 0);
	fclose(m);
	CHECK(whole && strstr(whole, "\"notScanned\": 2,"));
	CHECK(whole && data && !strcmp(whole, data));
	free(whole);
	free(data);
	kg_report_release(&r1);
	kg_report_release(&r2);
}
