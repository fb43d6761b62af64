/* Internals shared by eval.c (running the families), verdict.c (decisions and texts) and
 * mutate.c (JSON Patch). Not a public API. */
#ifndef KG_ADM_EVAL_PRIV_H
#define KG_ADM_EVAL_PRIV_H

#include <stdint.h>

#include "../core/k8s.h"
#include "eval.h"

struct kg_adm_worker {
	struct kg_loader *loader;
	struct kg_arena arena;    /* the request: body tree, texts of the decision */
	struct kg_report rep;     /* the object (without kguard.io/ignore when it has one) */
	struct kg_report old_rep; /* UPDATE: the old object */
	struct kg_report orig_rep; /* the object as sent, when it carries kguard.io/ignore */
	void **states;            /* per family, made for config `serial` */
	size_t nfam;
	uint64_t serial;
	struct kg_buf scratch;    /* patches, messages */
};

/* Findings of one evaluation: [lo, hi) in the report per PSS mode, and the other families'. */
struct kg_adm_ranges {
	size_t other_lo, other_hi;
	size_t lo[KG_ADM_PSS_NMODES], hi[KG_ADM_PSS_NMODES];
	bool handled;
};

struct kg_adm_keyset {
	uint64_t *v; /* sorted */
	size_t n;
};

void kg_adm_worker_begin(struct kg_adm_worker *w);
void kg_adm_object_init(struct kg_object *obj, struct kg_doc *doc, const struct kg_node *node,
			const struct kg_adm_request *rq, struct kg_arena *a);
uint64_t kg_adm_finding_key(const struct kg_finding *f);
void kg_adm_keyset_build(struct kg_adm_keyset *k, struct kg_arena *a, const struct kg_report *r);
bool kg_adm_keyset_has(const struct kg_adm_keyset *k, uint64_t key);
const struct kg_node *kg_adm_strip_ignore(struct kg_arena *a, const struct kg_node *root,
					  const struct kg_adm_request *rq);
/* Evaluate rq->object with settings s and fill d->items and the counts. */
void kg_adm_collect(struct kg_adm_worker *w, const struct kg_adm_config *cfg, const struct kg_adm_settings *s,
		    const struct kg_adm_request *rq, struct kg_adm_decision *d);

#endif
