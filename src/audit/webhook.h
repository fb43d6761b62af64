/* The audit webhook backend: an HTTPS endpoint the API server POSTs EventList batches to
 * (--audit-webhook-config-file). Built on src/server (libmicrohttpd + GnuTLS). Each body is
 * parsed and evaluated on the server's thread, serialised by a mutex, and answered 200 once
 * accepted, 400 when it is not JSON or not audit events, 413 over the size cap, 405/415 for other
 * methods or content types. Errors: kg_webhook_run returns -1 when the server cannot start. */
#ifndef KG_AUDIT_WEBHOOK_H
#define KG_AUDIT_WEBHOOK_H

#include <stddef.h>

#include "audit.h"

struct kg_webhook_opts {
	const char *listen;    /* "127.0.0.1:8443" or "[::1]:8443" */
	const char *cert_file;
	const char *key_file;
	size_t max_body;       /* bytes; default 12 MiB (the plugin's webhookMaxBatchSize) */
	unsigned max_conns;
	unsigned timeout_s;
};

void kg_webhook_opts_default(struct kg_webhook_opts *o);

/* Serve until *stop; on_idle(idle_ctx) is called about every 200 ms from the calling thread
 * (SIGUSR1 summaries). */
int kg_webhook_run(const struct kg_webhook_opts *o, struct kg_audit_reader *rd, volatile int *stop,
		   void (*on_idle)(void *ctx), void *idle_ctx);

#endif
