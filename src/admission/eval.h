/* Admission decisions: run the rule families on the object of one AdmissionReview request, sort
 * each finding into deny, warn or audit with the namespace's settings (config.h), and produce
 * the response (review.h); for /mutate, the JSON Patch of secure defaults.
 *
 * A worker holds what one thread reuses between requests (loader, per-request arena, reports,
 * the families' states); one worker per thread. Everything a decision points to lives in the
 * worker until its next request. Errors: decisions never fail; an unreadable object gives a
 * denial with code 400. Nothing here prints. */
#ifndef KG_ADM_EVAL_H
#define KG_ADM_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/load.h"
#include "../report/finding.h"
#include "../util/buf.h"
#include "config.h"
#include "review.h"

struct kg_adm_item {
	const struct kg_finding *f;
	enum kg_adm_action action; /* ENFORCE (deny), WARN or AUDIT */
	int pss_mode;              /* the KG_ADM_PSS_* evaluation that found it, -1 for other rules */
	bool preexisting;          /* UPDATE, ratchet: the old object had it too */
	bool inline_refused;       /* kguard.io/ignore names it, but it is enforced */
};

struct kg_adm_decision {
	bool allowed;
	bool evaluated;            /* false: skipped (DELETE, subresource, exempt, ...) */
	const char *skip;          /* why it was not evaluated, or NULL */
	enum kg_adm_exempt exempt;
	unsigned code;             /* denial code */
	const char *reason;
	struct kg_adm_item *items;
	size_t nitems;
	size_t ndeny, nwarn, naudit;
	struct kg_adm_response resp; /* ready to write */
	const char *mutated;       /* /mutate: comma-separated defaults set, or NULL */
};

struct kg_adm_worker;

struct kg_adm_worker *kg_adm_worker_new(const struct kg_load_limits *lim);
void kg_adm_worker_free(struct kg_adm_worker *w);

/* Make the worker's family states for cfg now (they may keep pointers into its policy), so that
 * the config they were made for can be released right after. */
void kg_adm_worker_use(struct kg_adm_worker *w, const struct kg_adm_config *cfg);

/* Parse a request body into the worker's arena: 0, or -1 with err filled. */
int kg_adm_worker_parse(struct kg_adm_worker *w, const char *body, size_t len, const struct kg_node **root,
			struct kg_diag *err);

/* Decide a validating request. cfg must stay alive while the decision is used. */
void kg_adm_validate(struct kg_adm_worker *w, const struct kg_adm_config *cfg, const struct kg_adm_request *rq,
		     struct kg_adm_decision *d);
/* Decide a mutating request: always allowed; d->resp.patch set when a default was applied. */
void kg_adm_mutate(struct kg_adm_worker *w, const struct kg_adm_config *cfg, const struct kg_adm_request *rq,
		   struct kg_adm_decision *d);

/* JSON Patch of the enabled defaults (KG_ADM_MUT_*) for an object; for the ephemeralcontainers
 * subresource only the containers not in old_object are touched. Appends to out (a JSON array,
 * "[]" when nothing applies) and returns the number of operations; names the defaults applied in
 * what (comma-separated). Exposed for tests. */
int kg_adm_patch(const struct kg_node *object, const struct kg_node *old_object, bool ephemeral_only,
		 const char *api_version, const char *kind, unsigned mutate, struct kg_buf *out, struct kg_buf *what);

/* A JSON Pointer token with ~ and / escaped (~0, ~1), appended after a '/'. */
int kg_json_pointer_append(struct kg_buf *out, const char *token, size_t len);

#endif
