/* HTTPS server plumbing shared by `kguard audit --listen` and `kguard serve`: libmicrohttpd with
 * GnuTLS, TLS 1.2 and 1.3 only, certificate and key read from files and re-read when either file
 * changes (checked at most once a second, on new handshakes; a broken new pair is reported and the
 * old one kept), a cap on request bodies (413 past it, rejected from Content-Length before
 * reading), connection limits (total and per client IP), an idle timeout, and a graceful stop
 * that stops accepting and waits for requests in flight.
 *
 * A handler sees one complete request (method, path, headers it asks for, body) and fills a
 * response. Handlers run on the server's threads (one by default, `threads` for a pool): they must
 * be thread-safe when threads > 1.
 *
 * Ownership: the server owns its daemon, credentials and per-connection buffers; request data is
 * valid during the handler call only. Errors: kg_server_start returns NULL with err filled (bad
 * address, unreadable or mismatched certificate/key, port in use); nothing is printed except
 * through the optional log callback. */
#ifndef KG_SERVER_H
#define KG_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/diag.h"

struct kg_server_opts {
	const char *listen;    /* "127.0.0.1:8443", "[::1]:8443", ":8443" (all addresses); port 0 picks one */
	const char *cert_file; /* PEM certificate chain */
	const char *key_file;  /* PEM private key */
	size_t max_body;       /* bytes */
	unsigned max_conns;    /* simultaneous connections */
	unsigned per_ip_conns; /* simultaneous connections from one client address */
	unsigned timeout_s;    /* idle connection timeout */
	unsigned drain_s;      /* graceful stop: longest wait for requests in flight */
	unsigned threads;      /* 1: one polling thread; more: a pool */
	unsigned request_timeout_s; /* longest time from a request's headers to its last body byte; a
				     * slower client is disconnected (0 = only the idle timeout) */
	/* Optional log sink for server-side events (TLS reloads, errors); may be NULL. */
	void (*log)(void *ctx, const char *msg);
	void *log_ctx;
};

void kg_server_opts_default(struct kg_server_opts *o);

struct kg_http_request {
	const char *method;
	const char *path;
	const char *content_type; /* "" when absent */
	const char *body;         /* NUL-terminated; body_len bytes */
	size_t body_len;
	const char *peer;         /* client address as text */
};

struct kg_http_response {
	unsigned status;
	const char *content_type;
	struct kg_buf body;       /* owned by the server, reset per request */
};

typedef void (*kg_http_handler)(void *ctx, const struct kg_http_request *req, struct kg_http_response *resp);

struct kg_server_stats {
	uint64_t requests;
	uint64_t too_large;     /* 413 answers */
	uint64_t tls_reloads;
	uint64_t tls_reload_errors;
	uint64_t timeouts;      /* requests cut for exceeding request_timeout_s */
};

struct kg_server;

struct kg_server *kg_server_start(const struct kg_server_opts *o, kg_http_handler h, void *ctx, struct kg_diag *err);
/* Stop accepting, wait up to drain_s for connections in flight, stop. Frees the server. */
void kg_server_stop(struct kg_server *s);
/* The bound port (useful with port 0). */
unsigned kg_server_port(const struct kg_server *s);
void kg_server_stats(const struct kg_server *s, struct kg_server_stats *out);
unsigned kg_server_connections(const struct kg_server *s);

#endif
