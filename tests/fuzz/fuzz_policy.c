/* libFuzzer target: a policy file (.kguard.yaml) is user input: load and validate it, then use
 * every accessor and a decision on an object carrying a kguard.io/ignore annotation made from the
 * same bytes, so the suppression parser sees arbitrary text too. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s.h"
#include "rules/family.h"
#include "rules/policy.h"
#include "rules/policy_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_item(void *ctx, const struct kg_suppress_item *it)
{
	*(size_t *)ctx += it->id_len + it->reason_len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kg_diag err;
	struct kg_policy *p = kg_policy_parse("fuzz.yaml", (const char *)data, size, &err);
	/* the annotation text: the input up to the first NUL */
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	size_t total = 0;
	kg_suppress_each(text, count_item, &total);

	struct kg_node val = { 0 }, ann = { 0 }, meta = { 0 }, root = { 0 };
	struct kg_pair ann_pair = { KG_IGNORE_ANNOTATION, (uint32_t)strlen(KG_IGNORE_ANNOTATION), 1, 1, &val };
	struct kg_pair meta_pair = { "annotations", 11, 1, 1, &ann };
	struct kg_pair root_pair = { "metadata", 8, 1, 1, &meta };
	val.type = KG_STR;
	val.v.s = text;
	val.len = (uint32_t)strlen(text);
	ann.type = KG_MAP;
	ann.len = 1;
	ann.v.pairs = &ann_pair;
	meta.type = KG_MAP;
	meta.len = 1;
	meta.v.pairs = &meta_pair;
	root.type = KG_MAP;
	root.len = 1;
	root.v.pairs = &root_pair;
	struct kg_object obj;
	kg_object_init(&obj, &root, NULL, NULL);
	obj.kind = "Role";
	obj.name = "fuzz";
	obj.namespace_ = "kube-system";
	for (size_t i = 0; i < kg_rule_count(); i += 7) {
		enum kg_severity sev = kg_rule_at(i)->severity;
		kg_policy_decide(p, kg_rule_at(i), &obj, &sev);
		kg_policy_decide(p, kg_rule_at(i), NULL, &sev);
	}
	int level = 0, minor = 0;
	enum kg_severity fail_on;
	const struct kg_pod_path *pp;
	kg_policy_pss(p, &level, &minor);
	kg_policy_pod_paths(p, &pp);
	kg_policy_serve_mode(p, "kube-system", &fail_on);
	kg_policy_param(p, "trustedRegistries");
	kg_policy_free(p);
	free(text);
	return 0;
}
