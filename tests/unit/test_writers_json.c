/* Report writers: the JSON format, whole and streamed, checked piece by piece and against the
 * generic kg_jw writer; the helpers are in writers_util.h. */
#include "util/jsonw.h"
#include "writers_util.h"

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

/* ---- streaming ---- */

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

/* ---- notes: inputs deliberately not scanned ---- */

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
