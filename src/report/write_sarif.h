/* Private to the SARIF writer (write_sarif.c: results and the log; write_sarif_rules.c: the rules
 * of the run and their descriptors). Memory belongs to struct kg_sarif, freed by kg_write_sarif. */
#ifndef KG_WRITE_SARIF_H
#define KG_WRITE_SARIF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../util/buf.h"
#include "../util/jsonw.h"
#include "finding.h"

struct kg_rule;

/* A rendered part, bytes [off, off+len) of struct kg_sarif's parts buffer. */
struct kg_sarif_part {
	size_t off, len;
};

struct kg_sarif_rule {
	const char *id;
	const struct kg_rule *rule;        /* NULL when the catalog does not know the id */
	const struct kg_finding *first;    /* for rules described from their findings */
	enum kg_severity max;              /* highest effective severity in this run */
	size_t index;                      /* ruleIndex: place in the sorted list */
	struct kg_sarif_part head[KG_SEV_COUNT]; /* a result's opening up to its message, per level */
	/* The fingerprint hash of id fp_id after the file (of generation file_gen) and after the
	 * object (of generation obj_gen): a rule's findings repeat in a file and on an object. */
	const char *fp_id;
	unsigned file_gen, obj_gen;
	uint64_t file_state, obj_state;
};

struct kg_sarif {
	struct kg_jw w;
	struct kg_buf b, tmp, tmp2;
	FILE *out;
	int failed;
	struct kg_sarif_rule *rules;       /* in order of first appearance; by_id sorts them */
	struct kg_sarif_rule **by_id;
	size_t nrules;
	uint32_t *rule_of;                 /* per finding, its entry in rules */
	/* the last file seen, normalised and as a URI: findings come sorted by file */
	const char *cache_file;
	struct kg_buf cache_norm, cache_uri;
	bool cache_base;                   /* relative: the URI takes uriBaseId %SRCROOT% */
	/* Result parts that repeat: rule heads (kept for the run), the file's location opening and
	 * the object's logical location and properties (rebuilt when they change). */
	struct kg_buf parts, file_part, logical_part, object_part, related_part;
	const char *obj[5];                /* apiVersion, kind, namespace, name, rendered_from */
	size_t obj_len[5];
	bool have_obj;
	unsigned file_gen, obj_gen;        /* bumped when the file (and the object) changes */
	/* occurrence counts of fingerprints: open addressing, power-of-two size */
	uint64_t *fp_keys;
	unsigned *fp_counts;
	size_t fp_size;
};

/* SARIF level of a severity: critical/high error, medium warning, else note. */
static inline const char *kg_sarif_level(enum kg_severity s)
{
	switch (s) {
	case KG_SEV_CRITICAL:
	case KG_SEV_HIGH: return "error";
	case KG_SEV_MEDIUM: return "warning";
	default: return "note";
	}
}

static inline bool kg_sarif_nonempty(const char *s)
{
	return s && *s;
}

/* "key": {"text": text} */
static inline void kg_sarif_text(struct kg_jw *w, const char *key, const char *text)
{
	kg_jw_key(w, key);
	kg_jw_obj(w);
	kg_jw_kstr(w, "text", text);
	kg_jw_obj_end(w);
}

/* The rules that have findings, sorted by id, and each finding's entry (s->rules, s->by_id,
 * s->rule_of). 0, or -1 when out of memory. */
int kg_sarif_collect_rules(struct kg_sarif *s, const struct kg_report *r);
/* The reportingDescriptor of a rule, through s->w. */
void kg_sarif_rule_descriptor(struct kg_sarif *s, const struct kg_sarif_rule *sr);

#endif
