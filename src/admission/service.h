/* The admission service behind kguard serve's HTTPS server: routes /validate, /mutate, /healthz,
 * /readyz and /metrics, keeps the current settings (swapped atomically on a policy reload while
 * requests in flight finish with the settings they started with), one worker per server thread,
 * the metrics registry and the decision log (one JSON line per decision on the log stream).
 *
 * Ownership: the service owns its configs, workers and metrics; kg_adm_service_free after the
 * server has stopped. Thread-safe: kg_adm_service_handle runs on any server thread. */
#ifndef KG_ADM_SERVICE_H
#define KG_ADM_SERVICE_H

#include <stdbool.h>
#include <stdio.h>

#include "../core/load.h"
#include "../server/server.h"
#include "config.h"
#include "metrics.h"

struct kg_adm_service;

/* cfg becomes the service's; log is where decision lines go (stderr). */
struct kg_adm_service *kg_adm_service_new(struct kg_adm_config *cfg, FILE *log);
void kg_adm_service_free(struct kg_adm_service *s);

/* The HTTP handler (server.h kg_http_handler); ctx is the service. */
void kg_adm_service_handle(void *ctx, const struct kg_http_request *req, struct kg_http_response *resp);

/* Replace the settings; requests in flight keep the old ones until they finish. */
void kg_adm_service_swap(struct kg_adm_service *s, struct kg_adm_config *cfg);
/* Server statistics for /metrics (may be set after start). */
void kg_adm_service_set_server(struct kg_adm_service *s, struct kg_server *srv);
/* /readyz answers 200 only when ready (and not draining). */
void kg_adm_service_set_ready(struct kg_adm_service *s, bool ready);
struct kg_adm_metrics *kg_adm_service_metrics(struct kg_adm_service *s);
/* A JSON log line {"level":..., "msg":..., extra} (extra: a JSON object body without braces, or NULL). */
void kg_adm_service_log(struct kg_adm_service *s, const char *level, const char *msg, const char *extra);

#endif
