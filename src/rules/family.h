/* Rule families: a family owns a set of rules (catalog data) and the code that checks objects for
 * them. A family reports only rules of its own table: the engine does not run a family whose
 * rules the policy turns off, so a rule reported from another family's code would vanish. The
 * scan engine calls check() for every object and finish() once after all inputs, for checks
 * across objects. Families that need cross-object state keep it in *state, which the engine
 * creates with state_new() and frees with state_free(); state must copy what it keeps, since
 * documents are freed after check() returns. Outside an engine (admission, c->engine NULL)
 * finish() never runs: a family keeps nothing then and reports at once what it would otherwise
 * decide across objects, and its state, made once, is reused object after object. Families
 * never print. */
#ifndef KG_FAMILY_H
#define KG_FAMILY_H

#include <stdarg.h>
#include <stdbool.h>

#include "../core/k8s.h"
#include "../report/finding.h"
#include "rule.h"

struct kg_policy;
struct kg_obj_ignores;
struct kg_engine;

/* What the user asked for. */
struct kg_scan_opts {
	int pss_level;           /* KG_PSS_BASELINE or KG_PSS_RESTRICTED */
	int pss_minor;           /* Pod Security Standards version v1.<minor> */
	const struct kg_policy *policy; /* may be NULL */
};

enum { KG_PSS_PRIVILEGED = 0, KG_PSS_BASELINE = 1, KG_PSS_RESTRICTED = 2 };
#define KG_PSS_LATEST_MINOR 37

struct kg_check {
	const struct kg_scan_opts *opts;
	struct kg_report *report;
	const struct kg_object *obj;   /* NULL in finish() */
	const struct kg_doc *doc;      /* NULL in finish() */
	void *state;                   /* the family's own state */
	bool *handled;                 /* set *handled = true when the object is of a kind this
					* family checks; objects no family handles are counted as
					* skipped in the summary */
	struct kg_obj_ignores *ignores; /* the object's suppression annotations, looked up once for
					 * all its findings; NULL: looked up per finding */
	struct kg_engine *engine;       /* the engine checking obj, whose per-object policy memo
					 * its findings share; NULL outside an engine (admission),
					 * where finish() never runs */
};

/* Report a finding against the current object. at: the offending node, or its nearest existing
 * parent (gives file:line:col); path: the field path; container: a container name or NULL.
 * The policy may drop the finding or change its severity. */
void kg_emit(struct kg_check *c, const struct kg_rule *rule, const struct kg_node *at, const char *path,
	     const char *container, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* kg_emit with the arguments as a va_list and the field path in two parts, path and sub, joined
 * with '.' when sub is neither NULL nor empty (saves the caller a formatting pass). */
void kg_emitv(struct kg_check *c, const struct kg_rule *rule, const struct kg_node *at, const char *path,
	      const char *sub, const char *container, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

/* Like kg_emit, for findings not tied to the current object (cross-object checks, other inputs). */
void kg_emit_at(struct kg_check *c, const struct kg_rule *rule, const struct kg_finding *where,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* kg_emit_at with the arguments as a va_list. */
void kg_emit_atv(struct kg_check *c, const struct kg_rule *rule, const struct kg_finding *where, const char *fmt,
		 va_list ap) __attribute__((format(printf, 4, 0)));

struct kg_family {
	const char *name;
	const struct kg_rule *rules;
	size_t nrules;
	void (*check)(struct kg_check *c);   /* per object; may be NULL */
	void (*finish)(struct kg_check *c);  /* after all inputs; may be NULL */
	void *(*state_new)(const struct kg_scan_opts *opts);
	void (*state_free)(void *state);
};

/* Every family, NULL-terminated (catalog.c). */
extern const struct kg_family *const kg_families[];

#endif
