#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

const char kg_cli_out_help[] =
	"  -f, --format FORMAT   text (default), json, sarif, junit or github\n"
	"      --fail-on SEV     exit 1 when a finding is at or above SEV: info (default), low,\n"
	"                        medium, high, critical, or none (never)\n"
	"  -o, --output FILE     write the report to FILE instead of standard output\n"
	"  -q, --quiet           text: print findings and errors only, no summary line\n"
	"      --color WHEN      auto (default: on a terminal unless NO_COLOR is set), always, never\n";

void kg_cli_out_init(struct kg_cli_out *o)
{
	o->format = KG_FMT_TEXT;
	o->fail_on = KG_SEV_INFO;
	o->quiet = false;
	o->color = -1;
	o->output = NULL;
	o->stream = NULL;
}

int kg_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "kguard %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kguard %s --help'.\n", cmd);
	return KG_EXIT_INPUT;
}

const char *kg_cli_opt_value(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (!strncmp(a, name, n) && a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

bool kg_cli_is_opt(const char *a, const char *long_name, const char *short_name)
{
	size_t n = strlen(long_name);
	if (!strncmp(a, long_name, n) && (a[n] == '\0' || a[n] == '='))
		return true;
	return short_name && !strcmp(a, short_name);
}

int kg_cli_out_option(struct kg_cli_out *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v;
	const char *cmd = argv[0];
	if (kg_cli_is_opt(a, "--format", "-f")) {
		if (!(v = kg_cli_opt_value(argc, argv, i, "--format")) || kg_format_parse(v, &o->format))
			return kg_usage_error(cmd, "--format takes text, json, sarif, junit or github"), -1;
		return 1;
	}
	if (kg_cli_is_opt(a, "--fail-on", NULL)) {
		if (!(v = kg_cli_opt_value(argc, argv, i, "--fail-on")) || kg_severity_parse(v, &o->fail_on))
			return kg_usage_error(cmd, "--fail-on takes info, low, medium, high, critical or none"), -1;
		return 1;
	}
	if (kg_cli_is_opt(a, "--output", "-o")) {
		if (!(v = kg_cli_opt_value(argc, argv, i, "--output")))
			return kg_usage_error(cmd, "--output needs a file name"), -1;
		o->output = v;
		return 1;
	}
	if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
		o->quiet = true;
		return 1;
	}
	if (kg_cli_is_opt(a, "--color", NULL)) {
		if (!(v = kg_cli_opt_value(argc, argv, i, "--color")))
			return kg_usage_error(cmd, "--color takes auto, always or never"), -1;
		if (!strcmp(v, "auto")) o->color = -1;
		else if (!strcmp(v, "always")) o->color = 1;
		else if (!strcmp(v, "never")) o->color = 0;
		else return kg_usage_error(cmd, "--color takes auto, always or never"), -1;
		return 1;
	}
	return 0;
}

static struct kg_write_opts write_opts(const struct kg_cli_out *o, const char *command)
{
	struct kg_write_opts wo = { false, o->quiet, command };
	if (o->color == 1)
		wo.color = true;
	else if (o->color == -1)
		wo.color = !o->output && isatty(fileno(stdout)) && !getenv("NO_COLOR") &&
			   !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	return wo;
}

static FILE *open_output(const struct kg_cli_out *o, const char *command)
{
	if (!o->output)
		return stdout;
	FILE *out = fopen(o->output, "w");
	if (!out)
		fprintf(stderr, "kguard %s: cannot write %s: %s\n", command, o->output, strerror(errno));
	return out;
}

int kg_cli_begin(struct kg_cli_out *o, struct kg_report *r, const char *command)
{
	if (!kg_format_streams(o->format))
		return 0;
	FILE *out = open_output(o, command);
	if (!out)
		return KG_EXIT_INPUT;
	o->stream = calloc(1, sizeof(*o->stream));
	if (!o->stream)
		abort();
	struct kg_write_opts wo = write_opts(o, command);
	kg_stream_begin(o->stream, r, out, o->format, &wo);
	return 0;
}

static int exit_code(const struct kg_cli_out *o, const struct kg_report *r)
{
	if (r->nerrors)
		return KG_EXIT_INPUT;
	if (o->fail_on != KG_SEV_NONE) {
		enum kg_severity max = kg_report_max_severity(r);
		if (max != KG_SEV_NONE && max >= o->fail_on)
			return KG_EXIT_FINDINGS;
	}
	return KG_EXIT_OK;
}

int kg_cli_finish(const struct kg_cli_out *o, struct kg_report *r, const char *command)
{
	int rc;
	FILE *out;
	if (o->stream) {
		out = o->stream->out;
		rc = kg_stream_end(o->stream, r);
		free(o->stream);
	} else {
		out = open_output(o, command);
		if (!out)
			return KG_EXIT_INPUT;
		struct kg_write_opts wo = write_opts(o, command);
		rc = kg_report_write(out, o->format, r, &wo);
	}
	if (o->output && fclose(out) != 0)
		rc = -1;
	if (rc) {
		fprintf(stderr, "kguard %s: failed to write the report\n", command);
		return KG_EXIT_INTERNAL;
	}
	return exit_code(o, r);
}

void kg_cli_signals(void (*handler)(int), int extra)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(extra, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
