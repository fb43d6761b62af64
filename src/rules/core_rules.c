/* Rules about the document itself rather than its Kubernetes meaning. */
#include <stdio.h>

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
		if (d->by_merge)
			kg_emit(c, dup_rule, &at, d->path, NULL,
				"key '%s' written at line %u is overridden by a merge key ('<<') at line %u; "
				"the API server uses the merged value",
				d->path, d->first_line, d->second_line);
		else
			kg_emit(c, dup_rule, &at, d->path, NULL,
				"key '%s' appears at line %u and again at line %u; the API server keeps only "
				"the value at line %u",
				d->path, d->first_line, d->second_line, d->second_line);
	}
}

const struct kg_family kg_family_core = {
	"core", core_rules, sizeof(core_rules) / sizeof(core_rules[0]), NULL, NULL, NULL, NULL,
};
