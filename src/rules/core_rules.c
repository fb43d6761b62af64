/* Rules about the document itself rather than its Kubernetes meaning. */
#include <stdio.h>

#include "../util/fmt.h"
#include "family.h"

static const struct kg_rule core_rules[] = {
	{ "yaml.duplicate-key", KG_SEV_MEDIUM, "document",
	  "Duplicate key hides a value",
	  "The same key appears twice in one mapping (or a merge key '<<' overrides a key written "
	  "explicitly). The API server keeps only the last value, so a reviewer reading the first one "
	  "sees a different object from the one the cluster gets; this is a known way to sneak a "
	  "setting such as privileged: true past review.",
	  "Delete the duplicate so that each key appears once, with the value you mean.",
	  "https://yaml.org/spec/1.2.2/#mapping https://github.com/kubernetes-sigs/yaml",
	  "" },
};

static const struct kg_rule *const dup_rule = &core_rules[0];

/* Called by the engine once per document, before its objects are checked. */
void kg_core_doc_findings(struct kg_check *c);
void kg_core_doc_findings(struct kg_check *c)
{
	for (unsigned i = 0; i < c->doc->ndups; i++) {
		const struct kg_dupkey *d = &c->doc->dups[i];
		struct kg_node at = { 0 };
		at.line = d->second_line;
		at.col = d->second_col;
		char first[48], second[48];
		/* columns only where lines alone cannot tell the two places apart (JSON on one line) */
		if (d->first_line == d->second_line) {
			kg_fmt(first, sizeof(first), "line %u column %u", d->first_line, d->first_col);
			kg_fmt(second, sizeof(second), "line %u column %u", d->second_line, d->second_col);
		} else {
			kg_fmt(first, sizeof(first), "line %u", d->first_line);
			kg_fmt(second, sizeof(second), "line %u", d->second_line);
		}
		if (d->by_merge)
			kg_emit(c, dup_rule, &at, d->path, NULL,
				"key '%s' written at %s is overridden by a merge key ('<<') at %s; "
				"the API server uses the merged value",
				d->path, first, second);
		else
			kg_emit(c, dup_rule, &at, d->path, NULL,
				"key '%s' appears at %s and again at %s; the API server keeps only "
				"the value at %s",
				d->path, first, second, second);
	}
}

const struct kg_family kg_family_core = {
	"core", core_rules, sizeof(core_rules) / sizeof(core_rules[0]), NULL, NULL, NULL, NULL,
};
