/* kguard scan: load manifests, run the rule families, write the report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/layout.h"
#include "../core/load.h"
#include "../rules/baseline.h"
#include "../rules/engine.h"
#include "../rules/policy.h"
#include "../util/walk.h"
#include "cli.h"
#include "commands.h"

static const char scan_help[] =
	"usage: kguard scan [options] PATH...\n"
	"\n"
	"Check Kubernetes manifests. PATH is a file, a directory (searched recursively for .yaml, .yml\n"
	"and .json; hidden folders such as .git are skipped) or - for standard input, so that\n"
	"`helm template ... | kguard scan -` and `kubectl kustomize DIR | kguard scan -` work.\n"
	"In a directory, the templates of a Helm chart and the patches a kustomization names are\n"
	"not objects: they are not checked, and a note in the report names each one.\n"
	"\n"
	"options:\n"
	"      --level LEVEL       Pod Security Standards level: restricted (default) or baseline\n"
	"      --pss-version VER   policy version v1.0 ... v1.37, or latest (default)\n"
	"      --policy FILE       policy file (rules, severities, exemptions, parameters); by default\n"
	"                          .kguard.yaml is searched from the first PATH upward to the\n"
	"                          repository root (docs/policy.md)\n"
	"      --no-policy         do not search for .kguard.yaml\n"
	"      --baseline FILE     report only findings that are not in FILE\n"
	"      --write-baseline FILE  record this run's findings in FILE (exit 0 unless input errors)\n"
	"%s"
	"  -h, --help              this help\n"
	"\n"
	"Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error (everything\n"
	"else is still scanned and reported), 3 internal error.\n";

struct scan_run {
	struct kg_loader *loader;
	struct kg_engine *engine;
	struct kg_report report;
	struct kg_layout *layout; /* Helm charts and Kustomize patches under the directories named */
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
	char chart[4096];
	if (d->file && kg_layout_template_chart(d->file, chart, sizeof(chart))) {
		/* a template named on the command line: its YAML errors are those of Go template text */
		struct kg_diag hinted = *d;
		char hint[4200];
		int k = snprintf(hint, sizeof(hint),
				 " (a Helm chart template: scan the rendered chart: helm template %s | kguard scan -)", chart);
		size_t n = strlen(hinted.message), room = sizeof(hinted.message) - 1 - n;
		size_t len = k < 0 ? 0 : (size_t)k < room ? (size_t)k : room; /* (cut at the cap) */
		memcpy(hinted.message + n, hint, len);
		hinted.message[n + len] = '\0';
		kg_report_error(&s->report, &hinted);
		return;
	}
	kg_report_error(&s->report, d);
}

/* A file a directory walk meets: a manifest by its name, unless the layout of the folders says
 * it is a chart template or a patch (then a note says so, once per chart). */
static bool want_manifest(void *ctx, const char *path, const char *base)
{
	struct scan_run *s = ctx;
	const char *dot = strrchr(base, '.');
	if (!dot || (strcmp(dot, ".yaml") && strcmp(dot, ".yml") && strcmp(dot, ".json")))
		return false;
	struct kg_layout_role role = kg_layout_role(s->layout, path);
	char msg[9000], file[4200];
	switch (role.kind) {
	case KG_LAYOUT_HELM_TEMPLATE:
		if (role.first) {
			snprintf(msg, sizeof(msg),
				 "Helm chart templates are Go templates, not manifests: not scanned; scan the "
				 "rendered chart: helm template %s | kguard scan -", role.owner);
			snprintf(file, sizeof(file), "%s/templates", role.owner);
			kg_report_note(&s->report, file, msg);
		}
		return false;
	case KG_LAYOUT_KUSTOMIZE_PATCH:
		if (role.component)
			snprintf(msg, sizeof(msg),
				 "Kustomize patch named in the component %s: not an object on its own, not "
				 "scanned; scan an overlay built with the component: kubectl kustomize OVERLAY "
				 "| kguard scan -", role.owner);
		else {
			const char *slash = strrchr(role.owner, '/');
			snprintf(msg, sizeof(msg),
				 "Kustomize patch named in %s: not an object on its own, not scanned; scan the "
				 "built kustomization: kubectl kustomize %.*s | kguard scan -", role.owner,
				 slash ? (int)(slash - role.owner) : 1, slash ? role.owner : ".");
		}
		kg_report_note(&s->report, path, msg);
		return false;
	default:
		return true;
	}
}

static void scan_file(void *ctx, const struct kg_walk_file *f)
{
	struct scan_run *s = ctx;
	struct kg_load_sink sink = { s, on_doc, on_error };
	s->report.sum.files++;
	if (!strcmp(f->path, "-")) {
		kg_loader_file(s->loader, "<stdin>", stdin, &sink);
		return;
	}
	if (f->fd < 0) {
		struct kg_diag d;
		kg_diag_set(&d, f->path, 0, 0, "cannot open: %s", strerror(f->err));
		kg_report_error(&s->report, &d);
		return;
	}
	kg_loader_fd(s->loader, kg_report_str(&s->report, f->path), f->fd, f->size, &sink);
	close(f->fd);
}

/* What a folder is (a chart, a kustomization) is learnt before any of its files is judged. */
static void enter_dir(void *ctx, const char *dir, const char *const *names, const unsigned char *types, size_t n)
{
	struct scan_run *s = ctx;
	kg_layout_enter(s->layout, s->loader, dir, names, types, n);
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

static void print_diag(const struct kg_diag *d)
{
	if (d->line)
		fprintf(stderr, "kguard scan: %s:%u:%u: error: %s\n", d->file ? d->file : "-", d->line, d->col, d->message);
	else
		fprintf(stderr, "kguard scan: %s: error: %s\n", d->file ? d->file : "-", d->message);
}

/* The value of --opt VALUE or --opt=VALUE; NULL when missing. */
int kg_cmd_scan(int argc, char **argv)
{
	struct kg_cli_out out;
	struct kg_scan_opts opts = { KG_PSS_RESTRICTED, KG_PSS_LATEST_MINOR, NULL };
	const char *policy_file = NULL, *baseline_file = NULL, *write_baseline = NULL;
	bool no_policy = false, level_set = false, version_set = false;
	struct kg_policy *policy = NULL;
	struct kg_baseline *baseline = NULL;
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
			level_set = true;
		} else if (!strcmp(a, "--pss-version") || !strncmp(a, "--pss-version=", 14)) {
			const char *v = a[13] == '=' ? a + 14 : (i + 1 < argc ? argv[++i] : "");
			if (kg_parse_pss_version(v, &opts.pss_minor)) {
				kg_usage_error("scan", "--pss-version takes v1.0 ... v1.%d or latest, not '%s'",
					       KG_PSS_LATEST_MINOR, v);
				goto usage;
			}
			version_set = true;
		} else if (kg_cli_is_opt(a, "--policy", NULL)) {
			if (!(policy_file = kg_cli_opt_value(argc, argv, &i, "--policy")) || !*policy_file) {
				kg_usage_error("scan", "--policy needs a file name");
				goto usage;
			}
		} else if (!strcmp(a, "--no-policy")) {
			no_policy = true;
		} else if (kg_cli_is_opt(a, "--baseline", NULL)) {
			if (!(baseline_file = kg_cli_opt_value(argc, argv, &i, "--baseline")) || !*baseline_file) {
				kg_usage_error("scan", "--baseline needs a file name");
				goto usage;
			}
		} else if (kg_cli_is_opt(a, "--write-baseline", NULL)) {
			if (!(write_baseline = kg_cli_opt_value(argc, argv, &i, "--write-baseline")) || !*write_baseline) {
				kg_usage_error("scan", "--write-baseline needs a file name");
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
	if (policy_file && no_policy) {
		kg_usage_error("scan", "--policy and --no-policy contradict each other");
		goto usage;
	}
	char found[4096];
	if (!policy_file && !no_policy && kg_policy_discover(paths[0], found, sizeof(found)) == 0)
		policy_file = found;
	if (policy_file) {
		struct kg_diag d;
		if (!(policy = kg_policy_load(policy_file, &d))) {
			print_diag(&d);
			goto usage;
		}
		int level = opts.pss_level, minor = opts.pss_minor;
		if (kg_policy_pss(policy, &level, &minor)) {
			if (!level_set)
				opts.pss_level = level;
			if (!version_set)
				opts.pss_minor = minor;
		}
		const struct kg_pod_path *pp;
		unsigned npp = kg_policy_pod_paths(policy, &pp);
		if (npp)
			kg_pod_paths_add(pp, npp);
		opts.policy = policy;
	}
	if (baseline_file) {
		struct kg_diag d;
		if (!(baseline = kg_baseline_load(baseline_file, &d))) {
			print_diag(&d);
			goto usage;
		}
	}
	struct scan_run s;
	s.loader = kg_loader_new(NULL);
	s.engine = kg_engine_new(&opts);
	kg_report_init(&s.report);
	/* Without a baseline to record or apply, findings are written input by input: memory stays
	 * flat however many findings the run has (text and JSON). */
	if (!write_baseline && !baseline) {
		int brc = kg_cli_begin(&out, &s.report, "scan");
		if (brc) {
			kg_report_release(&s.report);
			kg_engine_free(s.engine);
			kg_loader_free(s.loader);
			kg_policy_free(policy);
			free(paths);
			return brc;
		}
	}
	s.layout = kg_layout_new();
	struct kg_walk w = { &s, want_manifest, scan_file, walk_error, enter_dir };
	for (int i = 0; i < npaths; i++)
		kg_walk_path(&w, paths[i]);
	kg_layout_free(s.layout);
	kg_engine_finish(s.engine, &s.report);
	int rc = KG_EXIT_OK;
	if (write_baseline) {
		/* recording is the point of this run: findings do not fail it */
		struct kg_diag d;
		if (kg_baseline_write(write_baseline, &s.report, &d)) {
			print_diag(&d);
			rc = KG_EXIT_INPUT;
		}
		out.fail_on = KG_SEV_NONE;
	}
	if (baseline)
		kg_baseline_apply(baseline, &s.report);
	int wrc = kg_cli_finish(&out, &s.report, "scan");
	if (rc == KG_EXIT_OK)
		rc = wrc;
	kg_report_release(&s.report);
	kg_engine_free(s.engine);
	kg_loader_free(s.loader);
	kg_baseline_free(baseline);
	kg_policy_free(policy);
	free(paths);
	return rc;
usage:
	kg_baseline_free(baseline);
	kg_policy_free(policy);
	free(paths);
	return KG_EXIT_INPUT;
}
