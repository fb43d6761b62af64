/* Report writers: the JUnit format (a suite per file, a case per object and rule family, XML
 * escaping, notes as skipped cases); the helpers are in writers_util.h. */
#include "writers_util.h"

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
