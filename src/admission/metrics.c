/* Prometheus metrics registry (metrics.h): a few families of counters kept in small open
 * tables keyed by their label values, one mutex. */
#include "metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fam { F_REQUESTS, F_DENIALS, F_WARNINGS, F_ERRORS, F_RELOADS, F_NFAM };

struct series {
	char *labels; /* rendered: endpoint="validate",operation="CREATE",... */
	uint64_t count;
};

struct table {
	struct series *v;
	size_t n, alloc;
};

static const double buckets[] = { 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))
enum { EP_VALIDATE, EP_MUTATE, EP_N };

struct kg_adm_metrics {
	pthread_mutex_t lock;
	struct table t[F_NFAM];
	uint64_t hist[EP_N][NBUCKETS + 1];
	double hist_sum[EP_N];
	uint64_t hist_count[EP_N];
};

struct kg_adm_metrics *kg_adm_metrics_new(void)
{
	struct kg_adm_metrics *m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

void kg_adm_metrics_free(struct kg_adm_metrics *m)
{
	if (!m)
		return;
	for (int f = 0; f < F_NFAM; f++) {
		for (size_t i = 0; i < m->t[f].n; i++)
			free(m->t[f].v[i].labels);
		free(m->t[f].v);
	}
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* Label value escaping of the text format: backslash, double quote, newline. */
static void label(struct kg_buf *b, const char *name, const char *value, bool first)
{
	kg_buf_printf(b, "%s%s=\"", first ? "" : ",", name);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\\' || *p == '"')
			kg_buf_addc(b, '\\'), kg_buf_addc(b, *p);
		else if (*p == '\n')
			kg_buf_adds(b, "\\n");
		else
			kg_buf_addc(b, *p);
	}
	kg_buf_addc(b, '"');
}

/* Count one event for the rendered label set; called with the lock held. */
static void bump(struct table *t, const char *labels, const char *overflow)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].labels, labels)) {
			t->v[i].count++;
			return;
		}
	if (t->n >= KG_METRICS_MAX_SERIES) {
		if (overflow && strcmp(labels, overflow))
			bump(t, overflow, NULL);
		return;
	}
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->v = realloc(t->v, t->alloc * sizeof(*t->v));
		if (!t->v)
			abort();
	}
	t->v[t->n].labels = strdup(labels);
	if (!t->v[t->n].labels)
		abort();
	t->v[t->n++].count = 1;
}

void kg_adm_metrics_request(struct kg_adm_metrics *m, const char *endpoint, const char *operation, const char *kind,
			    const char *decision, bool dry_run, double seconds)
{
	struct kg_buf b, o;
	kg_buf_init(&b, 4096);
	kg_buf_init(&o, 4096);
	label(&b, "endpoint", endpoint, true);
	label(&b, "operation", operation, false);
	label(&b, "kind", kind, false);
	label(&b, "decision", decision, false);
	label(&b, "dry_run", dry_run ? "true" : "false", false);
	label(&o, "endpoint", endpoint, true);
	label(&o, "operation", "other", false);
	label(&o, "kind", "other", false);
	label(&o, "decision", decision, false);
	label(&o, "dry_run", dry_run ? "true" : "false", false);
	int ep = !strcmp(endpoint, "mutate") ? EP_MUTATE : EP_VALIDATE;
	pthread_mutex_lock(&m->lock);
	bump(&m->t[F_REQUESTS], b.data ? b.data : "", o.data);
	size_t k = 0;
	while (k < NBUCKETS && seconds > buckets[k])
		k++;
	m->hist[ep][k]++;
	m->hist_sum[ep] += seconds;
	m->hist_count[ep]++;
	pthread_mutex_unlock(&m->lock);
	kg_buf_release(&b);
	kg_buf_release(&o);
}

static void one_label(struct kg_adm_metrics *m, int fam, const char *name, const char *value)
{
	struct kg_buf b;
	kg_buf_init(&b, 1024);
	label(&b, name, value, true);
	char other[64];
	snprintf(other, sizeof(other), "%s=\"other\"", name);
	pthread_mutex_lock(&m->lock);
	bump(&m->t[fam], b.data ? b.data : "", other);
	pthread_mutex_unlock(&m->lock);
	kg_buf_release(&b);
}

void kg_adm_metrics_rule(struct kg_adm_metrics *m, bool denial, const char *rule)
{
	one_label(m, denial ? F_DENIALS : F_WARNINGS, "rule", rule);
}

void kg_adm_metrics_error(struct kg_adm_metrics *m, const char *reason)
{
	one_label(m, F_ERRORS, "reason", reason);
}

void kg_adm_metrics_policy_reload(struct kg_adm_metrics *m, bool ok)
{
	one_label(m, F_RELOADS, "result", ok ? "success" : "error");
}

static void family(struct kg_buf *out, const char *name, const char *help, const struct table *t)
{
	kg_buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (size_t i = 0; i < t->n; i++)
		kg_buf_printf(out, "%s{%s} %llu\n", name, t->v[i].labels, (unsigned long long)t->v[i].count);
}

static void counter(struct kg_buf *out, const char *name, const char *help, uint64_t v)
{
	kg_buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name, (unsigned long long)v);
}

void kg_adm_metrics_write(struct kg_adm_metrics *m, struct kg_buf *out, const struct kg_server_stats *st,
			  unsigned connections)
{
	static const char *const eps[EP_N] = { "validate", "mutate" };
	pthread_mutex_lock(&m->lock);
	family(out, "kguard_admission_requests_total", "Admission requests by endpoint, operation, kind and decision.",
	       &m->t[F_REQUESTS]);
	family(out, "kguard_admission_denials_total", "Findings that denied an admission request, by rule.",
	       &m->t[F_DENIALS]);
	family(out, "kguard_admission_warnings_total", "Findings returned as admission warnings, by rule.",
	       &m->t[F_WARNINGS]);
	family(out, "kguard_admission_errors_total", "Requests answered with an HTTP error, by reason.", &m->t[F_ERRORS]);
	family(out, "kguard_policy_reloads_total", "Policy reloads by result.", &m->t[F_RELOADS]);
	kg_buf_adds(out, "# HELP kguard_admission_duration_seconds Time from the request body to the answer.\n"
			 "# TYPE kguard_admission_duration_seconds histogram\n");
	for (int e = 0; e < EP_N; e++) {
		uint64_t cum = 0;
		for (size_t k = 0; k <= NBUCKETS; k++) {
			cum += m->hist[e][k];
			if (k < NBUCKETS)
				kg_buf_printf(out, "kguard_admission_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
					      eps[e], buckets[k], (unsigned long long)cum);
			else
				kg_buf_printf(out, "kguard_admission_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n",
					      eps[e], (unsigned long long)cum);
		}
		kg_buf_printf(out, "kguard_admission_duration_seconds_sum{endpoint=\"%s\"} %.9f\n", eps[e], m->hist_sum[e]);
		kg_buf_printf(out, "kguard_admission_duration_seconds_count{endpoint=\"%s\"} %llu\n", eps[e],
			      (unsigned long long)m->hist_count[e]);
	}
	pthread_mutex_unlock(&m->lock);
	if (st) {
		counter(out, "kguard_tls_reloads_total", "TLS certificate reloads after a rotation.", st->tls_reloads);
		counter(out, "kguard_tls_reload_errors_total", "TLS reloads that failed (the previous pair stays).",
			st->tls_reload_errors);
		counter(out, "kguard_http_requests_total", "HTTP requests received.", st->requests);
		counter(out, "kguard_http_too_large_total", "Requests refused with 413 (body cap).", st->too_large);
		kg_buf_printf(out, "# HELP kguard_http_connections Open connections.\n# TYPE kguard_http_connections gauge\n"
				   "kguard_http_connections %u\n", connections);
	}
}
