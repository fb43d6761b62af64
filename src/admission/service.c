/* The admission service (service.h). */
#include "service.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../util/jsonw.h"
#include "eval.h"
#include "review.h"

/* A config with the number of users: the service's current pointer counts as one. */
struct holder {
	struct kg_adm_config *cfg;
	unsigned refs;
};

struct worker_slot {
	struct kg_adm_worker *w;
	struct holder *held; /* the config its family states were made with */
};

#define MAX_WORKERS 256

struct kg_adm_service {
	pthread_mutex_t lock; /* current, refs, workers */
	struct holder *current;
	struct worker_slot workers[MAX_WORKERS];
	unsigned nworkers;
	pthread_key_t key;
	struct kg_adm_metrics *metrics;
	struct kg_server *server;
	FILE *log;
	pthread_mutex_t log_lock;
	volatile bool ready;
};

static struct holder *holder_new(struct kg_adm_config *cfg)
{
	struct holder *h = calloc(1, sizeof(*h));
	if (!h)
		abort();
	h->cfg = cfg;
	h->refs = 1;
	return h;
}

/* Called with the lock held. */
static void holder_put(struct holder *h)
{
	if (h && --h->refs == 0) {
		kg_adm_config_free(h->cfg);
		free(h);
	}
}

struct kg_adm_service *kg_adm_service_new(struct kg_adm_config *cfg, FILE *log)
{
	struct kg_adm_service *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->log_lock, NULL);
	pthread_key_create(&s->key, NULL);
	s->current = holder_new(cfg);
	s->metrics = kg_adm_metrics_new();
	s->log = log;
	return s;
}

void kg_adm_service_free(struct kg_adm_service *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	for (unsigned i = 0; i < s->nworkers; i++) {
		kg_adm_worker_free(s->workers[i].w);
		holder_put(s->workers[i].held);
	}
	holder_put(s->current);
	pthread_mutex_unlock(&s->lock);
	pthread_key_delete(s->key);
	kg_adm_metrics_free(s->metrics);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->log_lock);
	free(s);
}

void kg_adm_service_swap(struct kg_adm_service *s, struct kg_adm_config *cfg)
{
	struct holder *h = holder_new(cfg);
	pthread_mutex_lock(&s->lock);
	struct holder *old = s->current;
	s->current = h;
	holder_put(old);
	pthread_mutex_unlock(&s->lock);
}

void kg_adm_service_set_server(struct kg_adm_service *s, struct kg_server *srv) { s->server = srv; }
void kg_adm_service_set_ready(struct kg_adm_service *s, bool ready) { s->ready = ready; }
struct kg_adm_metrics *kg_adm_service_metrics(struct kg_adm_service *s) { return s->metrics; }

/* This thread's worker with the current config held for it. */
static struct worker_slot *acquire(struct kg_adm_service *s)
{
	struct worker_slot *slot = pthread_getspecific(s->key);
	pthread_mutex_lock(&s->lock);
	if (!slot) {
		if (s->nworkers == MAX_WORKERS) {
			pthread_mutex_unlock(&s->lock);
			return NULL;
		}
		slot = &s->workers[s->nworkers++];
		struct kg_load_limits lim;
		kg_load_limits_default(&lim);
		lim.max_doc_bytes = 64u << 20; /* the server's body cap is the real limit */
		lim.max_depth = 512;
		slot->w = kg_adm_worker_new(&lim);
		pthread_setspecific(s->key, slot);
	}
	if (slot->held != s->current) {
		struct holder *old = slot->held;
		slot->held = s->current;
		slot->held->refs++;
		kg_adm_worker_use(slot->w, slot->held->cfg); /* drop states made with the old policy first */
		holder_put(old);
	}
	pthread_mutex_unlock(&s->lock);
	return slot;
}

/* ---- logging ---- */

static void timestamp(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t l = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + l, n - l, ".%03ldZ", ts.tv_nsec / 1000000);
}

static void emit(struct kg_adm_service *s, struct kg_buf *b)
{
	if (!s->log || !b->data)
		return;
	pthread_mutex_lock(&s->log_lock);
	fwrite(b->data, 1, b->len, s->log);
	fflush(s->log);
	pthread_mutex_unlock(&s->log_lock);
}

static void log_head(struct kg_jw *w, const char *level, const char *msg)
{
	char ts[40];
	timestamp(ts, sizeof(ts));
	kg_jw_obj(w);
	kg_jw_kstr(w, "time", ts);
	kg_jw_kstr(w, "level", level);
	kg_jw_kstr(w, "msg", msg);
}

void kg_adm_service_log(struct kg_adm_service *s, const char *level, const char *msg, const char *extra)
{
	struct kg_buf b;
	kg_buf_init(&b, 64 * 1024);
	struct kg_jw w;
	kg_jw_init(&w, &b, false);
	log_head(&w, level, msg);
	if (extra && *extra) {
		kg_buf_addc(&b, ',');
		kg_buf_adds(&b, extra);
	}
	kg_jw_obj_end(&w);
	kg_buf_addc(&b, '\n');
	emit(s, &b);
	kg_buf_release(&b);
}

static void rule_list(struct kg_jw *w, const char *key, const struct kg_adm_decision *d, enum kg_adm_action a)
{
	kg_jw_key(w, key);
	kg_jw_arr(w);
	unsigned shown = 0;
	for (size_t i = 0; i < d->nitems && shown < 64; i++) {
		if (d->items[i].action != a)
			continue;
		/* one entry per rule */
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = d->items[j].action == a && d->items[j].f->rule_id == d->items[i].f->rule_id;
		if (!dup) {
			kg_jw_str(w, d->items[i].f->rule_id);
			shown++;
		}
	}
	kg_jw_arr_end(w);
}

static const char *decision_word(const struct kg_adm_decision *d, bool mutate)
{
	if (mutate)
		return d->resp.patch ? "patch" : "unchanged";
	if (!d->allowed)
		return "deny";
	if (!d->evaluated)
		return d->exempt ? "exempt" : "skip";
	return d->nwarn ? "warn" : "allow";
}

static void log_decision(struct kg_adm_service *s, const char *endpoint, const struct kg_adm_request *rq,
			 const struct kg_adm_decision *d, bool mutate, double secs)
{
	struct kg_buf b;
	kg_buf_init(&b, 64 * 1024);
	struct kg_jw w;
	kg_jw_init(&w, &b, false);
	log_head(&w, "info", "admission decision");
	kg_jw_kstr(&w, "endpoint", endpoint);
	kg_jw_kstr(&w, "uid", rq->uid);
	kg_jw_kstr(&w, "operation", rq->operation);
	kg_jw_kstr(&w, "kind", rq->kind);
	if (*rq->sub_resource)
		kg_jw_kstr(&w, "subResource", rq->sub_resource);
	kg_jw_kstr(&w, "namespace", rq->namespace_);
	kg_jw_kstr(&w, "name", rq->name);
	kg_jw_kstr(&w, "user", rq->username);
	kg_jw_kbool(&w, "allowed", d->allowed);
	kg_jw_kstr(&w, "decision", decision_word(d, mutate));
	if (!d->allowed)
		kg_jw_kint(&w, "code", d->code);
	kg_jw_kbool(&w, "dryRun", rq->dry_run);
	if (d->exempt)
		kg_jw_kstr(&w, "exempt", kg_adm_exempt_name(d->exempt));
	if (d->skip)
		kg_jw_kstr(&w, "skipped", d->skip);
	rule_list(&w, "rules", d, KG_ADM_ENFORCE);
	rule_list(&w, "warned", d, KG_ADM_WARN);
	rule_list(&w, "audited", d, KG_ADM_AUDIT);
	if (d->mutated)
		kg_jw_kstr(&w, "mutated", d->mutated);
	kg_jw_key(&w, "durationMs");
	kg_jw_double(&w, secs * 1000.0);
	kg_jw_obj_end(&w);
	kg_buf_addc(&b, '\n');
	emit(s, &b);
	kg_buf_release(&b);
}

/* ---- HTTP ---- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void http_error(struct kg_adm_service *s, struct kg_http_response *resp, unsigned status, const char *reason,
		       const char *msg, const struct kg_http_request *req)
{
	resp->status = status;
	resp->content_type = "application/json";
	kg_buf_reset(&resp->body);
	struct kg_jw w;
	kg_jw_init(&w, &resp->body, false);
	kg_jw_obj(&w);
	kg_jw_kstr(&w, "error", msg);
	kg_jw_obj_end(&w);
	kg_buf_addc(&resp->body, '\n');
	kg_adm_metrics_error(s->metrics, reason);
	struct kg_buf extra;
	kg_buf_init(&extra, 8192);
	struct kg_jw x;
	kg_jw_init(&x, &extra, false);
	/* the writer needs an object context; strip its braces afterwards */
	kg_jw_obj(&x);
	kg_jw_kint(&x, "status", status);
	kg_jw_kstr(&x, "reason", reason);
	kg_jw_kstr(&x, "detail", msg);
	kg_jw_kstr(&x, "method", req->method);
	kg_jw_kstr(&x, "path", req->path);
	kg_jw_kstr(&x, "peer", req->peer);
	kg_jw_obj_end(&x);
	if (extra.len >= 2) {
		extra.data[extra.len - 1] = '\0';
		kg_adm_service_log(s, "warn", "request rejected", extra.data + 1);
	}
	kg_buf_release(&extra);
}

static bool json_content_type(const char *ct)
{
	while (*ct == ' ')
		ct++;
	size_t n = strlen("application/json");
	return !strncasecmp(ct, "application/json", n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void admission(struct kg_adm_service *s, const struct kg_http_request *req, struct kg_http_response *resp,
		      bool mutate)
{
	const char *endpoint = mutate ? "mutate" : "validate";
	if (strcmp(req->method, "POST")) {
		http_error(s, resp, 405, "method", "method not allowed: POST an AdmissionReview", req);
		return;
	}
	if (!json_content_type(req->content_type)) {
		http_error(s, resp, 415, "content_type", "unsupported Content-Type: the webhook takes application/json", req);
		return;
	}
	double t0 = now_s();
	struct worker_slot *slot = acquire(s);
	if (!slot) {
		http_error(s, resp, 503, "workers", "too many server threads", req);
		return;
	}
	struct kg_adm_worker *w = slot->w;
	const struct kg_adm_config *cfg = slot->held->cfg;
	const struct kg_node *root;
	struct kg_diag err;
	if (kg_adm_worker_parse(w, req->body, req->body_len, &root, &err)) {
		char msg[600];
		snprintf(msg, sizeof(msg), "the body is not valid JSON: %u:%u: %s", err.line, err.col, err.message);
		http_error(s, resp, 400, "bad_json", msg, req);
		return;
	}
	struct kg_adm_request rq;
	char msg[256];
	if (kg_adm_request_parse(root, &rq, msg, sizeof(msg))) {
		http_error(s, resp, 400, "not_admission_review", msg, req);
		return;
	}
	struct kg_adm_decision d;
	if (mutate)
		kg_adm_mutate(w, cfg, &rq, &d);
	else
		kg_adm_validate(w, cfg, &rq, &d);
	kg_buf_reset(&resp->body);
	if (kg_adm_response_write(&resp->body, &rq, &d.resp)) {
		http_error(s, resp, 500, "response", "response too large", req);
		return;
	}
	resp->status = 200;
	resp->content_type = "application/json";
	double secs = now_s() - t0;
	kg_adm_metrics_request(s->metrics, endpoint, rq.operation, rq.kind, decision_word(&d, mutate), rq.dry_run, secs);
	for (size_t i = 0; i < d.nitems; i++) {
		/* one count per rule and request */
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = d.items[j].action == d.items[i].action && d.items[j].f->rule_id == d.items[i].f->rule_id;
		if (!dup && d.items[i].action != KG_ADM_AUDIT)
			kg_adm_metrics_rule(s->metrics, d.items[i].action == KG_ADM_ENFORCE, d.items[i].f->rule_id);
	}
	if (!d.allowed && !d.nitems)
		kg_adm_metrics_rule(s->metrics, true, d.code == 400 ? "request.bad-object" : "connect");
	log_decision(s, endpoint, &rq, &d, mutate, secs);
}

void kg_adm_service_handle(void *ctx, const struct kg_http_request *req, struct kg_http_response *resp)
{
	struct kg_adm_service *s = ctx;
	if (!strcmp(req->path, "/validate")) {
		admission(s, req, resp, false);
		return;
	}
	if (!strcmp(req->path, "/mutate")) {
		admission(s, req, resp, true);
		return;
	}
	bool get = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");
	if (get && !strcmp(req->path, "/healthz")) {
		resp->content_type = "text/plain";
		kg_buf_adds(&resp->body, "ok\n");
		return;
	}
	if (get && !strcmp(req->path, "/readyz")) {
		resp->content_type = "text/plain";
		resp->status = s->ready ? 200 : 503;
		kg_buf_adds(&resp->body, s->ready ? "ok\n" : "not ready\n");
		return;
	}
	if (get && !strcmp(req->path, "/metrics")) {
		struct kg_server_stats st;
		if (s->server)
			kg_server_stats(s->server, &st);
		resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
		kg_adm_metrics_write(s->metrics, &resp->body, s->server ? &st : NULL,
				     s->server ? kg_server_connections(s->server) : 0);
		return;
	}
	if (!strcmp(req->path, "/healthz") || !strcmp(req->path, "/readyz") || !strcmp(req->path, "/metrics")) {
		http_error(s, resp, 405, "method", "method not allowed: use GET", req);
		return;
	}
	http_error(s, resp, 404, "not_found", "not found: the webhook serves /validate and /mutate", req);
}
