/* Options shared by the front ends that write reports (scan, dockerfile, node, ...): output format,
 * failure threshold, quiet, colour, output file; and the exit code they imply. */
#ifndef KG_CLI_H
#define KG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../report/finding.h"
#include "../report/write.h"

struct kg_cli_out {
	enum kg_format format;
	enum kg_severity fail_on; /* exit 1 when a finding is at or above; KG_SEV_NONE = never */
	bool quiet;
	int color;                /* -1 auto (terminal and no NO_COLOR), 0 never, 1 always */
	const char *output;       /* file to write, NULL = stdout */
	struct kg_stream_writer *stream; /* set by kg_cli_begin for streamed formats */
};

void kg_cli_out_init(struct kg_cli_out *o);
/* Consume a report option at argv[*i] (advancing *i for its value). Returns 1 when consumed,
 * 0 when not a report option, -1 on a bad value (message printed). */
int kg_cli_out_option(struct kg_cli_out *o, int argc, char **argv, int *i);
/* Help text lines for the shared options. */
extern const char kg_cli_out_help[];
/* Optional, before the run: text and JSON reports are then written input by input as the engine
 * flushes (memory stays flat). Returns 0, or an exit code when the output cannot be opened. */
int kg_cli_begin(struct kg_cli_out *o, struct kg_report *r, const char *command);
/* Write the report (or finish the streamed one) and compute the exit code. */
int kg_cli_finish(const struct kg_cli_out *o, struct kg_report *r, const char *command);
/* Whether argument a is the option long_name (alone or as long_name=value) or short_name
 * (may be NULL). */
bool kg_cli_is_opt(const char *a, const char *long_name, const char *short_name);
/* The value of option name at argv[*i]: the text after "name=", or the next argument (advancing
 * *i); NULL when it is missing. */
const char *kg_cli_opt_value(int argc, char **argv, int *i, const char *name);

/* The long-running commands' signals: handler for SIGINT, SIGTERM and extra (SIGHUP, SIGUSR1),
 * SIGPIPE ignored (a client that goes away must not kill the process). */
void kg_cli_signals(void (*handler)(int), int extra);
/* "kguard CMD: message" on stderr; returns KG_EXIT_INPUT. */
int kg_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
