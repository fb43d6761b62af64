/* kguard audit: run Falco-compatible rules over Kubernetes audit events from log files, standard
 * input, a followed log (-f), or an HTTPS webhook (--listen); and `kguard audit policy` to check
 * an audit Policy against the rules. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../audit/alert.h"
#include "../audit/audit.h"
#include "../audit/policy.h"
#include "../audit/webhook.h"
#include "cli.h"
#include "commands.h"

#ifndef KG_RULES_DIR
#define KG_RULES_DIR "/usr/local/share/kguard/rules"
#endif

static const char audit_help[] =
	"usage: kguard audit [options] [FILE|-]...\n"
	"       kguard audit --listen ADDR:PORT --tls-cert FILE --tls-key FILE [options]\n"
	"       kguard audit policy [--recommend] [--rules FILE]... POLICY.yaml\n"
	"\n"
	"Detect threats in Kubernetes API-server audit events with Falco rules (source k8s_audit).\n"
	"FILE holds one JSON value per line (an Event, an EventList or an array), as the log backend\n"
	"writes them; - reads standard input. Without FILE, standard input is read.\n"
	"\n"
	"options:\n"
	"  -r, --rules FILE        Falco rules file, loaded in order (repeatable). Default: from\n"
	"                          $KGUARD_RULES_DIR or " KG_RULES_DIR ",\n"
	"                          k8s_audit_rules.yaml (upstream, if installed) then kguard_audit_rules.yaml\n"
	"  -F, --format FMT        text (default) or json (Falco's JSON alert, one per line)\n"
	"      --min-priority P    ignore rules below P: emergency, alert, critical, error, warning,\n"
	"                          notice, informational, debug (default: debug)\n"
	"      --rule-matching M   first (default: only the first matching rule alerts) or all\n"
	"  -f, --follow            keep reading FILE as it grows, across rotation (rename or truncate)\n"
	"      --listen ADDR:PORT  serve the audit webhook (HTTPS, POST of EventList batches)\n"
	"      --tls-cert FILE     server certificate (PEM), re-read when it changes\n"
	"      --tls-key FILE      server private key (PEM)\n"
	"      --max-body BYTES    webhook body cap (default 12582912)\n"
	"      --burst-window SECS window of kg.user.authz_failures (default 60)\n"
	"      --burst-users N     users tracked by kg.user.authz_failures (default 4096)\n"
	"      --max-line BYTES    longest accepted line (default 16777216)\n"
	"  -q, --quiet             no summary on exit\n"
	"  -h, --help              this help\n"
	"\n"
	"The summary (alerts per rule, input accounting) goes to standard error on exit, and on\n"
	"SIGUSR1 in follow and webhook modes. Exit codes: 0 no alert, 1 alerts, 2 usage, rules or\n"
	"input errors (bad lines are reported and skipped; with --listen also certificate errors or\n"
	"no libmicrohttpd/GnuTLS), 3 internal error.\n";

static volatile sig_atomic_t g_stop;
static volatile sig_atomic_t g_usr1;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		g_usr1 = 1;
	else
		g_stop = 1;
}

struct run {
	struct kg_ruleset *rs;
	struct kg_audit_engine *engine;
	struct kg_alert_writer writer;
	struct kg_audit_stats stats;
	bool quiet;
	bool write_failed;
	uint64_t reject_msgs;
};

static void on_alert(void *ctx, const struct kg_alert *a)
{
	struct run *r = ctx;
	if (kg_alert_write(&r->writer, a))
		r->write_failed = true;
}

#define MAX_REJECT_MESSAGES 100

static void on_reject(void *ctx, enum kg_audit_reject kind, const char *display, uint64_t line, const char *msg)
{
	struct run *r = ctx;
	(void)kind;
	/* Bounded: a garbage input must not turn into a flood on stderr; the summary has the counts. */
	if (++r->reject_msgs > MAX_REJECT_MESSAGES) {
		if (r->reject_msgs == MAX_REJECT_MESSAGES + 1)
			fprintf(stderr, "kguard audit: more rejected input; see the summary for counts\n");
		return;
	}
	if (line)
		fprintf(stderr, "kguard audit: %s:%llu: %s\n", display, (unsigned long long)line, msg);
	else
		fprintf(stderr, "kguard audit: %s: %s\n", display, msg);
}

static void print_summary(struct run *r)
{
	if (r->quiet)
		return;
	kg_audit_summary(stderr, r->rs, kg_audit_engine_counts(r->engine), kg_audit_engine_total(r->engine), &r->stats);
}

static void on_idle(void *ctx)
{
	if (g_usr1) {
		g_usr1 = 0;
		print_summary(ctx);
	}
}

static void print_diag(const char *prefix, const struct kg_diag *d)
{
	if (d->file && d->line)
		fprintf(stderr, "kguard audit: %s%s:%u:%u: %s\n", prefix, d->file, d->line, d->col, d->message);
	else if (d->file)
		fprintf(stderr, "kguard audit: %s%s: %s\n", prefix, d->file, d->message);
	else
		fprintf(stderr, "kguard audit: %s%s\n", prefix, d->message);
}

/* Load and compile the rules; prints errors and warnings (policy.h). */
struct kg_ruleset *kg_audit_load_rules(const char **files, int nfiles)
{
	struct kg_ruleset *rs = kg_ruleset_new();
	struct kg_diag err;
	char defaults[2][4096];
	const char *deflist[2];
	if (!nfiles) {
		/* The upstream Falco rules when installed next to kguard's pack, then kguard's pack. */
		const char *dir = getenv("KGUARD_RULES_DIR");
		if (!dir || !*dir)
			dir = KG_RULES_DIR;
		snprintf(defaults[0], sizeof(defaults[0]), "%s/k8s_audit_rules.yaml", dir);
		snprintf(defaults[1], sizeof(defaults[1]), "%s/kguard_audit_rules.yaml", dir);
		if (access(defaults[0], R_OK) == 0)
			deflist[nfiles++] = defaults[0];
		deflist[nfiles++] = defaults[1];
		files = deflist;
	}
	for (int i = 0; i < nfiles; i++) {
		if (kg_ruleset_load_file(rs, files[i], &err)) {
			print_diag("", &err);
			kg_ruleset_free(rs);
			return NULL;
		}
	}
	int rc = kg_ruleset_compile(rs, &err);
	for (size_t i = 0; i < kg_ruleset_nwarnings(rs); i++)
		print_diag("warning: ", kg_ruleset_warning(rs, i));
	if (rc) {
		print_diag("", &err);
		kg_ruleset_free(rs);
		return NULL;
	}
	return rs;
}

static int parse_size(const char *v, size_t min, size_t max, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || !*v || *end || x < min || x > max)
		return -1;
	*out = (size_t)x;
	return 0;
}

int kg_cmd_audit(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "policy"))
		return kg_cmd_audit_policy(argc - 1, argv + 1);
	const char **rules = calloc((size_t)argc + 1, sizeof(*rules));
	const char **inputs = calloc((size_t)argc + 1, sizeof(*inputs));
	int nrules = 0, ninputs = 0, rc = KG_EXIT_INPUT;
	if (!rules || !inputs)
		return KG_EXIT_INTERNAL;
	struct kg_audit_opts opts;
	kg_audit_opts_default(&opts);
	enum kg_alert_format fmt = KG_ALERT_TEXT;
	bool follow = false, quiet = false;
	struct kg_webhook_opts wopts;
	kg_webhook_opts_default(&wopts);
	size_t max_line = KG_AUDIT_MAX_LINE;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		size_t num;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(audit_help, stdout);
			rc = KG_EXIT_OK;
			goto out;
		} else if (kg_cli_is_opt(a, "--rules", "-r")) {
			if (!(v = kg_cli_opt_value(argc, argv, &i, "--rules"))) {
				kg_usage_error("audit", "--rules needs a file name");
				goto out;
			}
			rules[nrules++] = v;
		} else if (kg_cli_is_opt(a, "--format", "-F")) {
			v = kg_cli_opt_value(argc, argv, &i, "--format");
			if (v && !strcmp(v, "text"))
				fmt = KG_ALERT_TEXT;
			else if (v && !strcmp(v, "json"))
				fmt = KG_ALERT_JSON;
			else {
				kg_usage_error("audit", "--format takes text or json");
				goto out;
			}
		} else if (kg_cli_is_opt(a, "--min-priority", NULL)) {
			v = kg_cli_opt_value(argc, argv, &i, "--min-priority");
			if (!v || kg_priority_parse(v, &opts.min_priority)) {
				kg_usage_error("audit", "--min-priority takes emergency, alert, critical, error, warning, notice, "
							"informational or debug");
				goto out;
			}
		} else if (kg_cli_is_opt(a, "--rule-matching", NULL)) {
			v = kg_cli_opt_value(argc, argv, &i, "--rule-matching");
			if (v && !strcmp(v, "first"))
				opts.matching = KG_MATCH_FIRST;
			else if (v && !strcmp(v, "all"))
				opts.matching = KG_MATCH_ALL;
			else {
				kg_usage_error("audit", "--rule-matching takes first or all");
				goto out;
			}
		} else if (!strcmp(a, "-f") || !strcmp(a, "--follow")) {
			follow = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = true;
		} else if (kg_cli_is_opt(a, "--listen", NULL)) {
			if (!(wopts.listen = kg_cli_opt_value(argc, argv, &i, "--listen"))) {
				kg_usage_error("audit", "--listen needs ADDR:PORT");
				goto out;
			}
		} else if (kg_cli_is_opt(a, "--tls-cert", NULL)) {
			if (!(wopts.cert_file = kg_cli_opt_value(argc, argv, &i, "--tls-cert"))) {
				kg_usage_error("audit", "--tls-cert needs a file name");
				goto out;
			}
		} else if (kg_cli_is_opt(a, "--tls-key", NULL)) {
			if (!(wopts.key_file = kg_cli_opt_value(argc, argv, &i, "--tls-key"))) {
				kg_usage_error("audit", "--tls-key needs a file name");
				goto out;
			}
		} else if (kg_cli_is_opt(a, "--max-body", NULL)) {
			v = kg_cli_opt_value(argc, argv, &i, "--max-body");
			if (!v || parse_size(v, 1024, 256u << 20, &wopts.max_body)) {
				kg_usage_error("audit", "--max-body takes a size in bytes between 1024 and 268435456");
				goto out;
			}
		} else if (kg_cli_is_opt(a, "--max-line", NULL)) {
			v = kg_cli_opt_value(argc, argv, &i, "--max-line");
			if (!v || parse_size(v, 1024, 256u << 20, &max_line)) {
				kg_usage_error("audit", "--max-line takes a size in bytes between 1024 and 268435456");
				goto out;
			}
		} else if (kg_cli_is_opt(a, "--burst-window", NULL)) {
			v = kg_cli_opt_value(argc, argv, &i, "--burst-window");
			if (!v || parse_size(v, 1, 86400, &num)) {
				kg_usage_error("audit", "--burst-window takes seconds between 1 and 86400");
				goto out;
			}
			opts.burst_window_ns = (uint64_t)num * 1000000000ull;
		} else if (kg_cli_is_opt(a, "--burst-users", NULL)) {
			v = kg_cli_opt_value(argc, argv, &i, "--burst-users");
			if (!v || parse_size(v, 16, 1u << 24, &num)) {
				kg_usage_error("audit", "--burst-users takes a count between 16 and 16777216");
				goto out;
			}
			opts.burst_users = (uint32_t)num;
		} else if (a[0] == '-' && a[1]) {
			kg_usage_error("audit", "unknown option '%s'", a);
			goto out;
		} else {
			inputs[ninputs++] = a;
		}
	}
	if (wopts.listen && (ninputs || follow)) {
		kg_usage_error("audit", "--listen reads events from the webhook only: no FILE or --follow with it");
		goto out;
	}
	if (wopts.listen && (!wopts.cert_file || !wopts.key_file)) {
		kg_usage_error("audit", "--listen needs --tls-cert and --tls-key (the API server only talks HTTPS to webhooks)");
		goto out;
	}
	if (follow && (ninputs != 1 || !strcmp(inputs[0], "-"))) {
		kg_usage_error("audit", "--follow takes exactly one FILE (not -)");
		goto out;
	}
	if (max_line > KG_LOAD_MAX_DOC_BYTES)
		max_line = KG_LOAD_MAX_DOC_BYTES;
	if (!ninputs && !wopts.listen)
		inputs[ninputs++] = "-";

	struct run r;
	memset(&r, 0, sizeof(r));
	r.quiet = quiet;
	r.rs = kg_audit_load_rules(rules, nrules);
	if (!r.rs)
		goto out;
	kg_alert_writer_init(&r.writer, fmt, stdout);
	r.writer.flush_each = follow || wopts.listen;
	r.engine = kg_audit_engine_new(r.rs, &opts, on_alert, &r);

	kg_cli_signals(on_signal, SIGUSR1);

	bool input_error = false;
	if (wopts.listen) {
		struct kg_audit_reader rd;
		kg_audit_reader_init(&rd, r.engine, &r.stats, wopts.max_body);
		rd.reject = on_reject;
		rd.ctx = &r;
		int wrc = kg_webhook_run(&wopts, &rd, (volatile int *)&g_stop, on_idle, &r);
		kg_audit_reader_release(&rd);
		if (wrc)
			input_error = true;
	} else {
		struct kg_audit_reader rd;
		kg_audit_reader_init(&rd, r.engine, &r.stats, max_line);
		rd.reject = on_reject;
		rd.ctx = &r;
		for (int i = 0; i < ninputs && !g_stop; i++) {
			if (follow) {
				if (kg_audit_follow(&rd, inputs[i], max_line, (volatile int *)&g_stop, on_idle, &r, 200)) {
					fprintf(stderr, "kguard audit: %s: %s\n", inputs[i], strerror(errno));
					input_error = true;
				}
				continue;
			}
			FILE *fp = strcmp(inputs[i], "-") ? fopen(inputs[i], "rb") : stdin;
			const char *display = strcmp(inputs[i], "-") ? inputs[i] : "<stdin>";
			if (!fp) {
				fprintf(stderr, "kguard audit: %s: cannot open: %s\n", inputs[i], strerror(errno));
				input_error = true;
				continue;
			}
			if (kg_audit_read_stream(&rd, fp, display, max_line, (volatile int *)&g_stop)) {
				fprintf(stderr, "kguard audit: %s: read error: %s\n", display, strerror(errno));
				input_error = true;
			}
			if (fp != stdin)
				fclose(fp);
		}
		kg_audit_reader_release(&rd);
	}
	if (fflush(stdout))
		r.write_failed = true;
	print_summary(&r);
	uint64_t rejected = 0;
	for (int k = 0; k < KG_REJ_COUNT; k++)
		rejected += r.stats.rejected[k];
	if (r.write_failed) {
		fprintf(stderr, "kguard audit: failed to write alerts\n");
		rc = KG_EXIT_INTERNAL;
	} else if (input_error || rejected) {
		rc = KG_EXIT_INPUT;
	} else {
		rc = kg_audit_engine_total(r.engine) ? KG_EXIT_FINDINGS : KG_EXIT_OK;
	}
	kg_audit_engine_free(r.engine);
	kg_alert_writer_release(&r.writer);
	kg_ruleset_free(r.rs);
out:
	free(rules);
	free(inputs);
	return rc;
}
