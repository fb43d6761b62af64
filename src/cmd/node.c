/* kguard node: CIS Kubernetes Benchmark checks of a node from its files (src/node). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../node/cis.h"
#include "../rules/policy.h"
#include "cli.h"
#include "commands.h"

static const char node_help[] =
	"usage: kguard node [options]\n"
	"\n"
	"Check a Kubernetes node against the CIS Kubernetes Benchmark (cis-1.12, with kube-bench's tests)\n"
	"from its files: static pod manifests, kubelet unit files, flags and config, kube-proxy and etcd\n"
	"configuration, the files the API server is pointed at (encryption, audit policy), permissions\n"
	"and owners. With --root / the running components' command lines (/proc) are read too.\n"
	"Section 5 (policies) is about the cluster's objects: `kguard scan` checks those.\n"
	"\n"
	"options:\n"
	"      --root DIR          the node's filesystem (default /); a mounted image or a copy is\n"
	"                          checked exactly like a live node\n"
	"      --role ROLE         master, etcd, node (comma-separated) or auto (default: from the\n"
	"                          files that exist)\n"
	"      --benchmark NAME    cis-1.12 (default and only)\n"
	"      --policy FILE       policy file: disable checks, change severities, accept values\n"
	"                          (parameters.nodeChecks, see docs/node.md); default: .kguard.yaml\n"
	"                          in the working directory or a parent (up to the repository root)\n"
	"      --no-policy         do not search for .kguard.yaml\n"
	"      --checks            text: list every evaluated check with its status first\n"
	"%s"
	"  -h, --help              this help\n"
	"\n"
	"Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error (the other\n"
	"checks still run and are reported), 3 internal error.\n";

static bool live_root(const char *root)
{
	while (*root == '/')
		root++;
	return *root == '\0';
}

int kg_cmd_node(int argc, char **argv)
{
	struct kg_cli_out out;
	struct kg_cis_opts opts;
	const char *policy_file = NULL;
	bool list = false, no_policy = false;
	memset(&opts, 0, sizeof(opts));
	opts.root = "/";
	kg_cli_out_init(&out);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		int r = kg_cli_out_option(&out, argc, argv, &i);
		if (r < 0)
			return KG_EXIT_INPUT;
		if (r > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf(node_help, kg_cli_out_help);
			return KG_EXIT_OK;
		} else if (kg_cli_is_opt(a, "--root", NULL)) {
			if (!(v = kg_cli_opt_value(argc, argv, &i, "--root")) || !*v)
				return kg_usage_error("node", "--root needs a directory");
			opts.root = v;
		} else if (kg_cli_is_opt(a, "--role", NULL)) {
			if (!(v = kg_cli_opt_value(argc, argv, &i, "--role")) || kg_cis_roles_parse(v, &opts.roles))
				return kg_usage_error("node", "--role takes master, etcd, node (comma-separated) or auto, not '%s'",
						      v ? v : "");
		} else if (kg_cli_is_opt(a, "--benchmark", NULL)) {
			if (!(v = kg_cli_opt_value(argc, argv, &i, "--benchmark")) || strcmp(v, "cis-1.12"))
				return kg_usage_error("node", "--benchmark takes cis-1.12, not '%s'", v ? v : "");
			opts.benchmark = v;
		} else if (kg_cli_is_opt(a, "--policy", NULL)) {
			if (!(v = kg_cli_opt_value(argc, argv, &i, "--policy")) || !*v)
				return kg_usage_error("node", "--policy needs a file name");
			policy_file = v;
		} else if (!strcmp(a, "--no-policy")) {
			no_policy = true;
		} else if (!strcmp(a, "--checks")) {
			list = true;
		} else {
			return kg_usage_error("node", a[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s' (use --root DIR)",
					      a);
		}
	}
	if (policy_file && no_policy)
		return kg_usage_error("node", "--policy and --no-policy contradict each other");
	struct kg_policy *policy = NULL;
	char found[4096];
	if (!policy_file && !no_policy && kg_policy_discover(NULL, found, sizeof(found)) == 0)
		policy_file = found;
	if (policy_file) {
		struct kg_diag err;
		memset(&err, 0, sizeof(err));
		policy = kg_policy_load(policy_file, &err);
		if (!policy) {
			if (err.line)
				fprintf(stderr, "kguard node: %s:%u:%u: error: %s\n", err.file ? err.file : policy_file, err.line,
					err.col, err.message);
			else
				fprintf(stderr, "kguard node: %s: error: %s\n", err.file ? err.file : policy_file, err.message);
			return KG_EXIT_INPUT;
		}
		opts.policy = policy;
		opts.params = kg_policy_param(policy, "nodeChecks");
		opts.params_file = policy_file;
	}
	if (live_root(opts.root))
		opts.proc_dir = "/proc";

	struct kg_report report;
	kg_report_init(&report);
	struct kg_cis_run *run = kg_cis_new(&opts);
	kg_cis_check(run, &report);

	int rc;
	FILE *fp = stdout;
	if (out.output && !(fp = fopen(out.output, "w"))) {
		fprintf(stderr, "kguard node: cannot write %s: %s\n", out.output, strerror(errno));
		rc = KG_EXIT_INPUT;
		goto done;
	}
	struct kg_write_opts wo = { false, out.quiet, "node" };
	if (out.color == 1)
		wo.color = true;
	else if (out.color == -1)
		wo.color = !out.output && isatty(fileno(stdout)) && !getenv("NO_COLOR") &&
			   !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	int wrc = kg_cis_write(fp, out.format, &report, run, &wo, list);
	if (out.output && fclose(fp) != 0)
		wrc = -1;
	if (wrc) {
		fprintf(stderr, "kguard node: failed to write the report\n");
		rc = KG_EXIT_INTERNAL;
	} else if (report.nerrors) {
		rc = KG_EXIT_INPUT;
	} else {
		enum kg_severity max = kg_report_max_severity(&report);
		rc = (out.fail_on != KG_SEV_NONE && max != KG_SEV_NONE && max >= out.fail_on) ? KG_EXIT_FINDINGS : KG_EXIT_OK;
	}
done:
	kg_cis_free(run);
	kg_report_release(&report);
	kg_policy_free(policy);
	return rc;
}
