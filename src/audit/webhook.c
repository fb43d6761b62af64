/* The audit webhook (see webhook.h) on top of src/server. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../server/server.h"
#include "webhook.h"

void kg_webhook_opts_default(struct kg_webhook_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_body = 12u << 20; /* the k8saudit plugin's webhookMaxBatchSize */
	o->max_conns = 64;
	o->timeout_s = 30;
}

struct hook {
	struct kg_audit_reader *rd;
	pthread_mutex_t lock; /* the engine and reader are single-threaded */
	uint64_t batches;
};

static void reply(struct kg_http_response *resp, unsigned status, const char *msg)
{
	resp->status = status;
	if (kg_buf_printf(&resp->body, "{\"error\":\"%s\"}\n", msg))
		resp->status = 500;
}

static void on_request(void *ctx, const struct kg_http_request *req, struct kg_http_response *resp)
{
	struct hook *h = ctx;
	if (!strcmp(req->method, "GET") && (!strcmp(req->path, "/healthz") || !strcmp(req->path, "/readyz"))) {
		resp->content_type = "text/plain";
		kg_buf_adds(&resp->body, "ok\n");
		return;
	}
	if (strcmp(req->path, "/k8s-audit") && strcmp(req->path, "/")) {
		reply(resp, 404, "not found: the audit webhook is POST /k8s-audit");
		return;
	}
	if (strcmp(req->method, "POST")) {
		reply(resp, 405, "method not allowed");
		return;
	}
	if (!strstr(req->content_type, "application/json")) {
		reply(resp, 415, "wrong Content-Type: the audit webhook takes application/json");
		return;
	}
	pthread_mutex_lock(&h->lock);
	struct kg_audit_stats before = *h->rd->stats;
	char display[96];
	snprintf(display, sizeof(display), "webhook %s", req->peer);
	kg_audit_reader_value(h->rd, req->body, req->body_len, display, 0);
	h->batches++;
	const struct kg_audit_stats *after = h->rd->stats;
	uint64_t events = after->events - before.events;
	bool bad_json = after->rejected[KG_REJ_BAD_JSON] != before.rejected[KG_REJ_BAD_JSON] ||
			after->rejected[KG_REJ_TOO_LARGE] != before.rejected[KG_REJ_TOO_LARGE];
	bool not_audit = after->rejected[KG_REJ_NOT_AUDIT] != before.rejected[KG_REJ_NOT_AUDIT];
	pthread_mutex_unlock(&h->lock);
	if (bad_json) {
		reply(resp, 400, "bad request: body is not valid JSON");
	} else if (not_audit && !events) {
		reply(resp, 400, "data not recognized as a k8s audit event");
	} else {
		resp->status = 200;
		kg_buf_printf(&resp->body, "{\"events\":%llu}\n", (unsigned long long)events);
	}
}

static void log_line(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "kguard audit: %s\n", msg);
}

int kg_webhook_run(const struct kg_webhook_opts *o, struct kg_audit_reader *rd, volatile int *stop,
		   void (*on_idle)(void *ctx), void *idle_ctx)
{
	struct hook h;
	memset(&h, 0, sizeof(h));
	h.rd = rd;
	pthread_mutex_init(&h.lock, NULL);
	struct kg_server_opts so;
	kg_server_opts_default(&so);
	so.listen = o->listen;
	so.cert_file = o->cert_file;
	so.key_file = o->key_file;
	so.max_body = o->max_body;
	so.max_conns = o->max_conns;
	so.timeout_s = o->timeout_s;
	so.log = log_line;
	struct kg_diag err;
	struct kg_server *s = kg_server_start(&so, on_request, &h, &err);
	if (!s) {
		fprintf(stderr, "kguard audit: %s\n", err.message);
		pthread_mutex_destroy(&h.lock);
		return -1;
	}
	fprintf(stderr, "kguard audit: listening on %s (port %u)\n", o->listen, kg_server_port(s));
	while (!*stop) {
		struct timespec nap = { 0, 200 * 1000000L };
		nanosleep(&nap, NULL);
		if (on_idle) {
			pthread_mutex_lock(&h.lock);
			on_idle(idle_ctx);
			pthread_mutex_unlock(&h.lock);
		}
	}
	kg_server_stop(s);
	pthread_mutex_destroy(&h.lock);
	return 0;
}
