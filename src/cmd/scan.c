/* kguard scan: load manifests, run the rule families, write the report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/load.h"
#include "../rules/engine.h"
#include "../util/walk.h"
#include "cli.h"
#include "commands.h"

static const char scan_help[] =
	"usage: kguard scan [options] PATH...\n"
	"\n"
	"Check Kubernetes manifests. PATH is a file, a directory (searched recursively for .yaml, .yml\n"
	"and .json; hidden folders such as .git are skipped) or - for standard input, so that\n"
	"`helm template ... | kguard scan -` and `kubectl kustomize DIR | kguard scan -` work.\n"
	"\n"
	"options:\n"
	"      --level LEVEL       Pod Security Standards level: restricted (default) or baseline\n"
	"      --pss-version VER   policy version v1.0 ... v1.37, or latest (default)\n"
	"%s"
	"  -h, --help              this help\n"
	"\n"
	"Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error (everything\n"
	"else is still scanned and reported), 3 internal error.\n";

struct scan_run {
	struct kg_loader *loader;
	struct kg_engine *engine;
	struct kg_report report;
};

static int on_doc(void *ctx, const struct kg_doc *doc)
{
	struct scan_run *s = ctx;
	kg_engine_doc(s->engine, doc, &s->report);
	return 0;
}

static void on_error(void *ctx, const struct kg_diag *d)
{
	struct scan_run *s = ctx;
	kg_report_error(&s->report, d);
}

static bool want_manifest(void *ctx, const char *path, const char *base)
{
	(void)ctx;
	(void)path;
	const char *dot = strrchr(base, '.');
	return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json"));
}

static void scan_file(void *ctx, const char *path)
{
	struct scan_run *s = ctx;
	struct kg_load_sink sink = { s, on_doc, on_error };
	s->report.sum.files++;
	if (!strcmp(path, "-")) {
		kg_loader_file(s->loader, "<stdin>", stdin, &sink);
		return;
	}
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		struct kg_diag d;
		kg_diag_set(&d, path, 0, 0, "cannot open: %s", strerror(errno));
		kg_report_error(&s->report, &d);
		return;
	}
	kg_loader_file(s->loader, kg_report_str(&s->report, path), fp, &sink);
	fclose(fp);
}

static void walk_error(void *ctx, const char *path, const char *message)
{
	struct scan_run *s = ctx;
	struct kg_diag d;
	kg_diag_set(&d, path, 0, 0, "%s", message);
	kg_report_error(&s->report, &d);
}

int kg_parse_pss_version(const char *v, int *minor);
int kg_parse_pss_version(const char *v, int *minor)
{
	if (!strcmp(v, "latest")) {
		*minor = KG_PSS_LATEST_MINOR;
		return 0;
	}
	char *end;
	if (strncmp(v, "v1.", 3) != 0)
		return -1;
	long m = strtol(v + 3, &end, 10);
	if (*end || end == v + 3 || m < 0 || m > KG_PSS_LATEST_MINOR)
		return -1;
	*minor = (int)m;
	return 0;
}

int kg_cmd_scan(int argc, char **argv)
{
	struct kg_cli_out out;
	struct kg_scan_opts opts = { KG_PSS_RESTRICTED, KG_PSS_LATEST_MINOR, NULL };
	const char **paths = calloc((size_t)argc + 1, sizeof(*paths));
	int npaths = 0;
	if (!paths)
		return KG_EXIT_INTERNAL;
	kg_cli_out_init(&out);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = kg_cli_out_option(&out, argc, argv, &i);
		if (r < 0)
			goto usage;
		if (r > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf(scan_help, kg_cli_out_help);
			free(paths);
			return KG_EXIT_OK;
		} else if (!strcmp(a, "--level") || !strncmp(a, "--level=", 8)) {
			const char *v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : "");
			if (!strcmp(v, "baseline"))
				opts.pss_level = KG_PSS_BASELINE;
			else if (!strcmp(v, "restricted"))
				opts.pss_level = KG_PSS_RESTRICTED;
			else {
				kg_usage_error("scan", "--level takes baseline or restricted, not '%s'", v);
				goto usage;
			}
		} else if (!strcmp(a, "--pss-version") || !strncmp(a, "--pss-version=", 14)) {
			const char *v = a[13] == '=' ? a + 14 : (i + 1 < argc ? argv[++i] : "");
			if (kg_parse_pss_version(v, &opts.pss_minor)) {
				kg_usage_error("scan", "--pss-version takes v1.0 ... v1.%d or latest, not '%s'",
					       KG_PSS_LATEST_MINOR, v);
				goto usage;
			}
		} else if (a[0] == '-' && a[1]) {
			kg_usage_error("scan", "unknown option '%s'", a);
			goto usage;
		} else {
			paths[npaths++] = a;
		}
	}
	if (!npaths) {
		kg_usage_error("scan", "no PATH given (use - for standard input)");
		goto usage;
	}
	struct scan_run s;
	s.loader = kg_loader_new(NULL);
	s.engine = kg_engine_new(&opts);
	kg_report_init(&s.report);
	struct kg_walk w = { &s, want_manifest, scan_file, walk_error };
	for (int i = 0; i < npaths; i++)
		kg_walk_path(&w, paths[i]);
	kg_engine_finish(s.engine, &s.report);
	int rc = kg_cli_finish(&out, &s.report, "scan");
	kg_report_release(&s.report);
	kg_engine_free(s.engine);
	kg_loader_free(s.loader);
	free(paths);
	return rc;
usage:
	free(paths);
	return KG_EXIT_INPUT;
}
