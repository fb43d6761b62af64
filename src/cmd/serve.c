/* kguard serve: the admission webhook (validating and mutating) over HTTPS. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../admission/config.h"
#include "../admission/service.h"
#include "../rules/policy.h"
#include "../server/server.h"
#include "../util/jsonw.h"
#include "cli.h"
#include "commands.h"

static const char serve_help[] =
	"usage: kguard serve --listen ADDR:PORT --tls-cert FILE --tls-key FILE [options]\n"
	"\n"
	"Admission webhook for the Kubernetes API server (AdmissionReview v1 and v1beta1 over HTTPS):\n"
	"POST /validate (ValidatingWebhookConfiguration), POST /mutate (MutatingWebhookConfiguration),\n"
	"GET /healthz, /readyz and /metrics (Prometheus). Without --policy it enforces the Pod Security\n"
	"Standards' restricted level (latest) and returns every other finding as a warning.\n"
	"\n"
	"options:\n"
	"      --listen ADDR:PORT   address to listen on: 127.0.0.1:8443, [::1]:8443, :8443 (all)\n"
	"      --tls-cert FILE      certificate chain (PEM); re-read when the file changes\n"
	"      --tls-key FILE       private key (PEM); re-read when the file changes\n"
	"      --policy FILE        policy file (docs/policy.md, docs/serve.md); reloaded on SIGHUP\n"
	"                           and when the file changes; a bad policy is refused, the old one stays\n"
	"      --threads N          server threads (default 2)\n"
	"      --max-body BYTES     largest request body (default 3670016: the API server's 3 MiB + margin)\n"
	"      --max-conns N        simultaneous connections (default 512)\n"
	"      --per-ip-conns N     simultaneous connections from one address (default 256)\n"
	"      --idle-timeout SECS  close a connection idle for this long (default 30)\n"
	"      --request-timeout SECS  longest time to receive a request body (default 10)\n"
	"      --shutdown-delay SECS   on SIGTERM, report not ready and keep serving this long before\n"
	"                           draining, so endpoints stop routing here first (default 0)\n"
	"      --drain SECS         on SIGTERM, longest wait for requests in flight (default 10)\n"
	"  -h, --help               this help\n"
	"\n"
	"Decisions are logged on standard error, one JSON object per line. Exit codes: 0 after a clean\n"
	"shutdown, 2 usage, policy or certificate errors at startup (or no libmicrohttpd/GnuTLS),\n"
	"3 internal error.\n";

static volatile sig_atomic_t g_stop, g_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		g_hup = 1;
	else
		g_stop = 1;
}

static int num_opt(const char *name, const char *v, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	if (!v || !*v) {
		kg_usage_error("serve", "%s needs a number", name);
		return -1;
	}
	errno = 0;
	unsigned long x = strtoul(v, &end, 10);
	if (*end || errno || x < min || x > max || v[0] == '-') {
		kg_usage_error("serve", "%s takes a number from %lu to %lu, not '%s'", name, min, max, v);
		return -1;
	}
	*out = x;
	return 0;
}

struct stamp {
	bool ok;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

static struct stamp file_stamp(const char *path)
{
	struct stamp s = { false, 0, 0, 0, { 0, 0 } };
	struct stat st;
	if (path && !stat(path, &st)) {
		s.ok = true;
		s.dev = st.st_dev;
		s.ino = st.st_ino;
		s.size = st.st_size;
		s.mtime = st.st_mtim;
	}
	return s;
}

static bool same_stamp(const struct stamp *a, const struct stamp *b)
{
	return a->ok == b->ok && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Build settings from a policy file (NULL: defaults); NULL with d filled on error. */
static struct kg_adm_config *load_config(const char *policy_file, struct kg_diag *d)
{
	struct kg_policy *p = NULL;
	memset(d, 0, sizeof(*d));
	if (policy_file && !(p = kg_policy_load(policy_file, d)))
		return NULL;
	return kg_adm_config_new(p, d);
}

static void diag_json(struct kg_buf *b, const struct kg_diag *d)
{
	struct kg_jw w;
	kg_jw_init(&w, b, false);
	kg_jw_obj(&w);
	kg_jw_kstr(&w, "file", d->file ? d->file : "");
	kg_jw_kint(&w, "line", d->line);
	kg_jw_kint(&w, "column", d->col);
	kg_jw_kstr(&w, "error", d->message);
	kg_jw_obj_end(&w);
	/* as an extra for kg_adm_service_log: without the braces */
	if (b->len >= 2) {
		b->data[b->len - 1] = '\0';
		memmove(b->data, b->data + 1, b->len - 1);
		b->len -= 2;
	}
}

static void reload(struct kg_adm_service *svc, const char *policy_file, const char *why)
{
	struct kg_diag d;
	struct kg_adm_config *cfg = load_config(policy_file, &d);
	struct kg_buf extra;
	kg_buf_init(&extra, 8192);
	if (!cfg) {
		diag_json(&extra, &d);
		kg_adm_metrics_policy_reload(kg_adm_service_metrics(svc), false);
		kg_adm_service_log(svc, "error", "policy reload failed; the previous policy stays in force", extra.data);
	} else {
		const struct kg_pod_path *pp;
		if (kg_policy_pod_paths(cfg->policy, &pp))
			kg_buf_adds(&extra, "\"note\":\"podTemplates are read at startup; restart to apply changes to them\",");
		kg_buf_printf(&extra, "\"trigger\":\"%s\"", why);
		kg_adm_service_swap(svc, cfg);
		kg_adm_metrics_policy_reload(kg_adm_service_metrics(svc), true);
		kg_adm_service_log(svc, "info", "policy reloaded", extra.data);
	}
	kg_buf_release(&extra);
}

/* Pod-template locations from the startup policy, copied so that the policy can be replaced. */
static void register_pod_paths(const struct kg_policy *p)
{
	const struct kg_pod_path *pp;
	unsigned n = kg_policy_pod_paths(p, &pp);
	if (!n)
		return;
	struct kg_pod_path *copy = calloc(n, sizeof(*copy));
	if (!copy)
		abort();
	for (unsigned i = 0; i < n; i++) {
		copy[i].api_group = pp[i].api_group ? strdup(pp[i].api_group) : NULL;
		copy[i].kind = pp[i].kind ? strdup(pp[i].kind) : NULL;
		copy[i].spec_path = pp[i].spec_path ? strdup(pp[i].spec_path) : NULL;
		copy[i].meta_path = pp[i].meta_path ? strdup(pp[i].meta_path) : NULL;
	}
	kg_pod_paths_add(copy, n); /* kept for the life of the process */
}

static void server_log(void *ctx, const char *msg)
{
	struct kg_adm_service *svc = ctx;
	kg_adm_service_log(svc, strstr(msg, "failed") ? "error" : "info", msg, NULL);
}

int kg_cmd_serve(int argc, char **argv)
{
	struct kg_server_opts so;
	kg_server_opts_default(&so);
	so.max_body = 3u * 1024 * 1024 + 512 * 1024;
	so.max_conns = 512;
	so.per_ip_conns = 256;
	so.timeout_s = 30;
	so.request_timeout_s = 10;
	so.drain_s = 10;
	so.threads = 2;
	const char *policy_file = NULL;
	unsigned long shutdown_delay = 0, x;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(serve_help, stdout);
			return KG_EXIT_OK;
		} else if (kg_cli_is_opt(a, "--listen", NULL)) {
			if (!(so.listen = kg_cli_opt_value(argc, argv, &i, "--listen")) || !*so.listen)
				return kg_usage_error("serve", "--listen needs ADDR:PORT");
		} else if (kg_cli_is_opt(a, "--tls-cert", NULL)) {
			if (!(so.cert_file = kg_cli_opt_value(argc, argv, &i, "--tls-cert")) || !*so.cert_file)
				return kg_usage_error("serve", "--tls-cert needs a file name");
		} else if (kg_cli_is_opt(a, "--tls-key", NULL)) {
			if (!(so.key_file = kg_cli_opt_value(argc, argv, &i, "--tls-key")) || !*so.key_file)
				return kg_usage_error("serve", "--tls-key needs a file name");
		} else if (kg_cli_is_opt(a, "--policy", NULL)) {
			if (!(policy_file = kg_cli_opt_value(argc, argv, &i, "--policy")) || !*policy_file)
				return kg_usage_error("serve", "--policy needs a file name");
		} else if (kg_cli_is_opt(a, "--threads", NULL)) {
			if (num_opt("--threads", kg_cli_opt_value(argc, argv, &i, "--threads"), 1, 64, &x))
				return KG_EXIT_INPUT;
			so.threads = (unsigned)x;
		} else if (kg_cli_is_opt(a, "--max-body", NULL)) {
			if (num_opt("--max-body", kg_cli_opt_value(argc, argv, &i, "--max-body"), 1024, 64ul << 20, &x))
				return KG_EXIT_INPUT;
			so.max_body = x;
		} else if (kg_cli_is_opt(a, "--max-conns", NULL)) {
			if (num_opt("--max-conns", kg_cli_opt_value(argc, argv, &i, "--max-conns"), 1, 65536, &x))
				return KG_EXIT_INPUT;
			so.max_conns = (unsigned)x;
		} else if (kg_cli_is_opt(a, "--per-ip-conns", NULL)) {
			if (num_opt("--per-ip-conns", kg_cli_opt_value(argc, argv, &i, "--per-ip-conns"), 1, 65536, &x))
				return KG_EXIT_INPUT;
			so.per_ip_conns = (unsigned)x;
		} else if (kg_cli_is_opt(a, "--idle-timeout", NULL)) {
			if (num_opt("--idle-timeout", kg_cli_opt_value(argc, argv, &i, "--idle-timeout"), 1, 3600, &x))
				return KG_EXIT_INPUT;
			so.timeout_s = (unsigned)x;
		} else if (kg_cli_is_opt(a, "--request-timeout", NULL)) {
			if (num_opt("--request-timeout", kg_cli_opt_value(argc, argv, &i, "--request-timeout"), 1, 3600, &x))
				return KG_EXIT_INPUT;
			so.request_timeout_s = (unsigned)x;
		} else if (kg_cli_is_opt(a, "--drain", NULL)) {
			if (num_opt("--drain", kg_cli_opt_value(argc, argv, &i, "--drain"), 0, 3600, &x))
				return KG_EXIT_INPUT;
			so.drain_s = (unsigned)x;
		} else if (kg_cli_is_opt(a, "--shutdown-delay", NULL)) {
			if (num_opt("--shutdown-delay", kg_cli_opt_value(argc, argv, &i, "--shutdown-delay"), 0, 3600, &shutdown_delay))
				return KG_EXIT_INPUT;
		} else {
			return kg_usage_error("serve", "unknown argument '%s' (see kguard serve --help)", a);
		}
	}
	if (!so.listen)
		return kg_usage_error("serve", "--listen ADDR:PORT is required");
	if (!so.cert_file || !so.key_file)
		return kg_usage_error("serve", "--tls-cert and --tls-key are required (the API server calls webhooks over HTTPS)");
	if (so.per_ip_conns > so.max_conns)
		so.per_ip_conns = so.max_conns;

	struct kg_diag d;
	struct kg_adm_config *cfg = load_config(policy_file, &d);
	if (!cfg) {
		if (d.line)
			fprintf(stderr, "kguard serve: %s:%u:%u: error: %s\n", d.file ? d.file : "-", d.line, d.col, d.message);
		else
			fprintf(stderr, "kguard serve: %s: error: %s\n", d.file ? d.file : "-", d.message);
		return KG_EXIT_INPUT;
	}
	register_pod_paths(cfg->policy);
	struct kg_adm_service *svc = kg_adm_service_new(cfg, stderr);
	so.log = server_log;
	so.log_ctx = svc;

	kg_cli_signals(on_signal, SIGHUP);

	struct kg_server *srv = kg_server_start(&so, kg_adm_service_handle, svc, &d);
	if (!srv) {
		fprintf(stderr, "kguard serve: %s\n", d.message);
		kg_adm_service_free(svc);
		return KG_EXIT_INPUT;
	}
	kg_adm_service_set_server(svc, srv);
	kg_adm_service_set_ready(svc, true);
	{
		char extra[512];
		snprintf(extra, sizeof(extra), "\"listen\":\"%s\",\"port\":%u,\"policy\":\"%s\",\"threads\":%u", so.listen,
			 kg_server_port(srv), policy_file ? policy_file : "(defaults)", so.threads);
		kg_adm_service_log(svc, "info", "kguard serve started", extra);
	}
	struct stamp last = file_stamp(policy_file);
	time_t last_check = time(NULL);
	while (!g_stop) {
		struct timespec nap = { 0, 100 * 1000000L };
		nanosleep(&nap, NULL);
		if (g_hup) {
			g_hup = 0;
			last = file_stamp(policy_file);
			reload(svc, policy_file, "SIGHUP");
		}
		time_t now = time(NULL);
		if (policy_file && now != last_check) {
			last_check = now;
			struct stamp st = file_stamp(policy_file);
			if (st.ok && !same_stamp(&st, &last)) {
				last = st;
				reload(svc, policy_file, "file changed");
			}
		}
	}
	kg_adm_service_set_ready(svc, false);
	kg_adm_service_log(svc, "info", "shutting down: not ready, draining requests in flight", NULL);
	for (unsigned long t = 0; t < shutdown_delay * 10; t++) {
		struct timespec nap = { 0, 100 * 1000000L };
		nanosleep(&nap, NULL);
	}
	kg_server_stop(srv);
	kg_adm_service_log(svc, "info", "kguard serve stopped", NULL);
	kg_adm_service_free(svc);
	return KG_EXIT_OK;
}
