/* libFuzzer target: the EKS aws-auth ConfigMap. Its data.mapRoles / mapUsers / mapAccounts values
 * are YAML documents inside strings, parsed again by the rbac family with their own position
 * mapping (block scalars map inner lines to lines of the file). The input becomes all three values,
 * once as block scalars and once as flow strings, of an aws-auth ConfigMap run through the engine
 * with every rule on; every finding must carry a rule and a message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s.h"
#include "core/load.h"
#include "report/finding.h"
#include "rules/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kg_node scalar(const char *s, uint32_t len, uint32_t line, uint32_t col)
{
	return (struct kg_node){ .type = KG_STR, .line = line, .col = col, .len = len, .v.s = s, .text = s };
}

static struct kg_pair pair(const char *key, uint32_t line, uint32_t col, struct kg_node *value)
{
	return (struct kg_pair){ .key = key, .key_len = (uint32_t)strlen(key), .line = line, .col = col, .value = value };
}

static void run(const char *text, uint32_t len, uint32_t value_col)
{
	struct kg_node av = scalar("v1", 2, 1, 13), kind = scalar("ConfigMap", 9, 2, 7),
		       name = scalar("aws-auth", 8, 4, 9), ns = scalar("kube-system", 11, 5, 14);
	struct kg_node vals[3] = { scalar(text, len, 7, value_col), scalar(text, len, 20, value_col),
				   scalar(text, len, 40, value_col) };
	struct kg_pair meta_p[2] = { pair("name", 4, 3, &name), pair("namespace", 5, 3, &ns) };
	struct kg_node meta = { .type = KG_MAP, .line = 4, .col = 3, .len = 2, .v.pairs = meta_p };
	struct kg_pair data_p[3] = { pair("mapRoles", 7, 3, &vals[0]), pair("mapUsers", 20, 3, &vals[1]),
				     pair("mapAccounts", 40, 3, &vals[2]) };
	struct kg_node dat = { .type = KG_MAP, .line = 7, .col = 3, .len = 3, .v.pairs = data_p };
	struct kg_pair root_p[4] = { pair("apiVersion", 1, 1, &av), pair("kind", 2, 1, &kind),
				     pair("metadata", 3, 1, &meta), pair("data", 6, 1, &dat) };
	struct kg_node root = { .type = KG_MAP, .line = 1, .col = 1, .len = 4, .v.pairs = root_p };

	struct kg_scan_opts opts = { KG_PSS_RESTRICTED, KG_PSS_LATEST_MINOR, NULL };
	struct kg_engine *e = kg_engine_new(&opts);
	struct kg_report r;
	kg_report_init(&r);
	struct kg_doc doc = { .root = &root, .file = "aws-auth.yaml" };
	kg_engine_doc(e, &doc, &r);
	kg_engine_finish(e, &r);
	for (size_t i = 0; i < r.nfindings; i++)
		if (!r.findings[i].rule || !r.findings[i].message)
			abort();
	kg_report_release(&r);
	kg_engine_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	run(text, (uint32_t)size, 15); /* `mapRoles: |` block: inner lines follow the key's line */
	run(text, (uint32_t)size, 0);
	free(text);
	return 0;
}
