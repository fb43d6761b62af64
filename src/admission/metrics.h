/* Prometheus metrics of kguard serve, written in the text exposition format (version 0.0.4).
 *
 *   kguard_admission_requests_total{endpoint,operation,kind,decision,dry_run}
 *   kguard_admission_denials_total{rule}         findings that denied a request
 *   kguard_admission_warnings_total{rule}        findings returned as warnings
 *   kguard_admission_duration_seconds{endpoint}  histogram of decision latency (parse to answer)
 *   kguard_admission_errors_total{reason}        requests answered with an HTTP error
 *   kguard_policy_reloads_total{result}          success / error
 *   kguard_tls_reloads_total, kguard_tls_reload_errors_total, kguard_http_requests_total,
 *   kguard_http_too_large_total, kguard_http_connections (from the server)
 *
 * Label sets are bounded: at most KG_METRICS_MAX_SERIES per family; past that the kind or rule
 * label reads "other", so a client sending made-up kinds cannot grow memory.
 *
 * Ownership: the registry owns its series. Thread-safe (one mutex). Never fails: allocation
 * failure aborts like the arenas. */
#ifndef KG_ADM_METRICS_H
#define KG_ADM_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "../server/server.h"
#include "../util/buf.h"

#define KG_METRICS_MAX_SERIES 512

struct kg_adm_metrics;

struct kg_adm_metrics *kg_adm_metrics_new(void);
void kg_adm_metrics_free(struct kg_adm_metrics *m);

void kg_adm_metrics_request(struct kg_adm_metrics *m, const char *endpoint, const char *operation, const char *kind,
			    const char *decision, bool dry_run, double seconds);
void kg_adm_metrics_rule(struct kg_adm_metrics *m, bool denial, const char *rule);
void kg_adm_metrics_error(struct kg_adm_metrics *m, const char *reason);
void kg_adm_metrics_policy_reload(struct kg_adm_metrics *m, bool ok);

/* The whole exposition; st (server statistics) may be NULL. */
void kg_adm_metrics_write(struct kg_adm_metrics *m, struct kg_buf *out, const struct kg_server_stats *st,
			  unsigned connections);

#endif
