/* Report writers: the SARIF format (rules and results, URIs, fingerprints, result caches, the
 * notifications of errors and notes); the helpers are in writers_util.h. */
#include <stdint.h>

#include "writers_util.h"

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
