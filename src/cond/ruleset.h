/* Falco rules files (YAML) for the k8s_audit source: lists, macros, rules, append / override,
 * exceptions, enabled, priorities, tags, required_engine_version and required_plugin_versions,
 * loaded in order and compiled once into evaluation trees and output formats.
 *
 * Semantics follow Falco's rule loader: definitions keep the position of their first definition;
 * lists are substituted into condition text before parsing; macros are resolved on the syntax
 * tree (a macro sees the macros defined before its last definition or append, a rule sees all);
 * exceptions become `(cond) and not (...)`. Rules of other sources (e.g. syscall) are skipped with
 * a warning, as Falco skips rules of sources it has not loaded.
 *
 * Ownership: the ruleset owns everything it compiled (one arena) and is read-only after
 * kg_ruleset_compile, so threads may share it. Errors: loading stops at the first error, returned
 * as -1 with a kg_diag naming the file, line, column and the list/macro/rule; warnings are
 * collected for the caller to show. */
#ifndef KG_RULESET_H
#define KG_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/diag.h"
#include "../util/jsonw.h"
#include "cond.h"

enum kg_priority {
	KG_PRI_EMERGENCY,
	KG_PRI_ALERT,
	KG_PRI_CRITICAL,
	KG_PRI_ERROR,
	KG_PRI_WARNING,
	KG_PRI_NOTICE,
	KG_PRI_INFORMATIONAL,
	KG_PRI_DEBUG,
};
#define KG_PRI_COUNT 8

/* "Emergency" ... "Debug" (Falco's spelling, "Informational" for INFO). */
const char *kg_priority_name(enum kg_priority p);
/* Case-insensitive name, "info" accepted; 0 or -1. */
int kg_priority_parse(const char *s, enum kg_priority *out);

/* A compiled output format: literal text and field slots. */
struct kg_oseg {
	const char *lit; /* NULL for a field */
	uint32_t len;
	uint32_t slot;
};
struct kg_output {
	const struct kg_oseg *segs;
	uint32_t n;
};

struct kg_crule {
	const char *name;
	const char *desc;
	const char *source;
	const char *output_text;
	enum kg_priority priority;
	bool enabled;
	const char *const *tags; /* sorted, unique */
	uint32_t ntags;
	const struct kg_enode *cond;
	struct kg_output output;
	const char *file; /* where it was first defined */
	unsigned line;
};

/* The engine and plugin versions kguard implements (required_* entries are checked against them). */
#define KG_FALCO_ENGINE_VERSION "0.43.0"
#define KG_K8SAUDIT_PLUGIN_VERSION "0.18.0"
#define KG_JSON_PLUGIN_VERSION "0.7.3"

struct kg_ruleset;

struct kg_ruleset *kg_ruleset_new(void);
void kg_ruleset_free(struct kg_ruleset *rs);

__attribute__((warn_unused_result))
int kg_ruleset_load_file(struct kg_ruleset *rs, const char *path, struct kg_diag *err);
/* display names the input in diagnostics and must outlive the ruleset. */
__attribute__((warn_unused_result))
int kg_ruleset_load_buffer(struct kg_ruleset *rs, const char *display, const char *buf, size_t len, struct kg_diag *err);
/* Resolve lists, macros and exceptions and compile every k8s_audit rule. Call once, after loading. */
__attribute__((warn_unused_result))
int kg_ruleset_compile(struct kg_ruleset *rs, struct kg_diag *err);

/* Compiled rules in definition order (enabled or not). */
size_t kg_ruleset_nrules(const struct kg_ruleset *rs);
const struct kg_crule *kg_ruleset_rule(const struct kg_ruleset *rs, size_t i);
const struct kg_slots *kg_ruleset_slots(const struct kg_ruleset *rs);
size_t kg_ruleset_nwarnings(const struct kg_ruleset *rs);
const struct kg_diag *kg_ruleset_warning(const struct kg_ruleset *rs, size_t i);
/* Whether a compiled rule or output reads the field with this name (e.g. to keep state only
 * when some rule needs it). */
bool kg_ruleset_uses_field(const struct kg_ruleset *rs, const char *name);

/* Compile an output format ("%ka.user.name ...") into segments; used for rule outputs. */
__attribute__((warn_unused_result))
int kg_output_compile(const char *fmt, struct kg_arena *arena, struct kg_slots *slots, struct kg_output *out,
		      struct kg_diag *err);
/* Render an output for the current event of e: missing fields as <NA>, list fields as (a,b). */
int kg_output_text(const struct kg_output *o, struct kg_cond_eval *e, struct kg_buf *b);
/* output_fields object members: "field": "value" | null | ["a","b"]. */
void kg_output_fields_json(const struct kg_output *o, struct kg_cond_eval *e, const struct kg_slots *slots,
			   struct kg_jw *w);

#endif
