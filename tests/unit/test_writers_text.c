/* Report writers: the text format, and what every format shares (write errors, format names,
 * notes leaving the exit code alone). Reports built by hand, rendered to memory, checked piece by
 * piece; the helpers are in writers_util.h. */
#include <stdint.h>

#include "util/utf8.h"
#include "writers_util.h"

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

/* ---- streaming ---- */

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

/* ---- notes: inputs deliberately not scanned ---- */

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
