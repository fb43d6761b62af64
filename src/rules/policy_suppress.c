/* Validation of inline suppressions (the kguard.io/ignore annotation). Honouring them is
 * kg_policy_decide's job (policy.c); this reports the ones that cannot be honoured. */
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "cluster_priv.h"
#include "policy_priv.h"

struct sup_ctx {
	struct kg_check *c;
	const struct kg_node *at;
	const char *path;
	unsigned reported;
};

/* Findings about one annotation, at most (a generated annotation must not flood the report). */
#define MAX_REPORTS 16

/* Room for one more finding about this annotation; past the cap one last finding says so. */
static bool room(struct sup_ctx *s)
{
	if (s->reported++ < MAX_REPORTS)
		return true;
	kg_emit(s->c, kg_cluster_rule("policy.suppression-unknown-rule"), s->at, s->path, NULL,
		"%s has more than %d problems; the rest is not checked", KG_IGNORE_ANNOTATION, MAX_REPORTS);
	return false;
}

static int check_item(void *ctx, const struct kg_suppress_item *it)
{
	struct sup_ctx *s = ctx;
	char id[128];
	kg_fmt(id, sizeof(id), "%.*s", (int)(it->id_len < 120 ? it->id_len : 120), it->id);
	bool unknown = it->id_len && !kg_rule_pattern_known(it->id, it->id_len);
	if (!it->id_len || unknown || !it->reason_len) {
		if (!room(s))
			return 1;
	}
	if (!it->id_len) {
		kg_emit(s->c, kg_cluster_rule("policy.suppression-unknown-rule"), s->at, s->path, NULL,
			"%s has an entry without a rule id", KG_IGNORE_ANNOTATION);
	} else if (unknown) {
		const char *sug = kg_is_glob(id) ? NULL : kg_rule_suggest(id);
		kg_emit(s->c, kg_cluster_rule("policy.suppression-unknown-rule"), s->at, s->path, NULL,
			"%s names unknown rule '%s'%s%s%s: it suppresses nothing", KG_IGNORE_ANNOTATION, id,
			sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
	} else if (!it->reason_len) {
		kg_emit(s->c, kg_cluster_rule("policy.suppression-no-reason"), s->at, s->path, NULL,
			"%s suppresses '%s' without a reason, so it is not honoured (write \"%s: why\")",
			KG_IGNORE_ANNOTATION, id, id);
	}
	return 0;
}

static void check_meta(struct kg_check *c, const struct kg_node *meta, const char *meta_path)
{
	const struct kg_node *ann = kg_map_get(meta, "annotations");
	const struct kg_node *v = kg_map_get(ann, KG_IGNORE_ANNOTATION);
	if (!v)
		return;
	char path[256];
	kg_fmt(path, sizeof(path), "%s.annotations.%s", meta_path, KG_IGNORE_ANNOTATION);
	if (v->type != KG_STR) {
		kg_emit(c, kg_cluster_rule("policy.suppression-unknown-rule"), v, path, NULL,
			"%s must be a string of \"rule-id: reason\" entries", KG_IGNORE_ANNOTATION);
		return;
	}
	if (v->len > KG_IGNORE_MAX_BYTES) {
		kg_emit(c, kg_cluster_rule("policy.suppression-unknown-rule"), v, path, NULL,
			"%s is longer than %u bytes and is ignored", KG_IGNORE_ANNOTATION, KG_IGNORE_MAX_BYTES);
		return;
	}
	struct sup_ctx s = { c, v, path, 0 };
	kg_suppress_each(v->v.s, check_item, &s);
}

void kg_suppression_check(struct kg_check *c)
{
	const struct kg_object *o = c->obj;
	check_meta(c, kg_map_get(o->node, "metadata"), "metadata");
	struct kg_pod_ref ref;
	if (strcmp(o->kind, "Pod") && kg_kind_has_pod(o)) {
		kg_pod_locate(o, &ref);
		if (ref.meta)
			check_meta(c, ref.meta, ref.meta_path);
	}
}
