/* Policy decisions (per finding, read-only) and the accessors the front ends use. */
#include "../util/fmt.h"
#include "policy.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_int.h"
#include "policy_priv.h"

size_t kg_policy_rule_index(const struct kg_rule *rule)
{
	size_t rank = kg_rule_rank(rule);
	if (rank != (size_t)-1)
		return rank;
	/* a copy of a catalog rule (tests build some): find it by id */
	size_t lo = 0, hi = kg_rule_count();
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct kg_rule *r = kg_rule_at(mid);
		if (r == rule)
			return mid;
		int c = strcmp(r->id, rule->id);
		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

struct match_ctx {
	const char *id;
	bool hit;
};

static int match_item(void *ctx, const struct kg_suppress_item *it)
{
	struct match_ctx *m = ctx;
	/* a suppression without a reason is not honoured (it is reported instead) */
	if (it->reason_len && it->id_len && kg_rule_pattern_match(it->id, it->id_len, m->id)) {
		m->hit = true;
		return 1;
	}
	return 0;
}

/* The ignore annotation of a metadata map, NULL when absent or too long to honour. */
static const char *ignore_annotation(const struct kg_node *meta)
{
	const struct kg_node *n = kg_map_get(kg_map_get(meta, "annotations"), KG_IGNORE_ANNOTATION);
	const char *v = kg_str(n);
	return v && n->len <= KG_IGNORE_MAX_BYTES ? v : NULL;
}

static bool value_suppresses(const char *v, const char *id)
{
	if (!v)
		return false;
	struct match_ctx m = { id, false };
	kg_suppress_each(v, match_item, &m);
	return m.hit;
}

static void resolve_ignores(const struct kg_object *obj, struct kg_obj_ignores *ign)
{
	ign->resolved = true;
	ign->meta = ignore_annotation(kg_map_get(obj->node, "metadata"));
	ign->pod = NULL;
	struct kg_pod_ref ref;
	if (obj->kind && strcmp(obj->kind, "Pod") && kg_kind_has_pod(obj)) {
		kg_pod_locate(obj, &ref);
		if (ref.meta)
			ign->pod = ignore_annotation(ref.meta);
	}
}

bool kg_policy_obj_ignores(const struct kg_object *obj, struct kg_obj_ignores *ign)
{
	if (!ign->resolved)
		resolve_ignores(obj, ign);
	return ign->meta || ign->pod;
}

static bool inline_suppressed(const struct kg_rule *rule, const struct kg_object *obj, struct kg_obj_ignores *ign)
{
	/* most objects: no annotation, nothing to match */
	if (ign->resolved ? !ign->meta && !ign->pod : !kg_policy_obj_ignores(obj, ign))
		return false;
	/* the findings about suppressions themselves cannot be silenced from the same annotation */
	if (!strncmp(rule->id, "policy.", 7))
		return false;
	return value_suppresses(ign->meta, rule->id) || value_suppresses(ign->pod, rule->id);
}

static bool any_glob(const struct kg_node *list, const char *s)
{
	for (uint32_t i = 0; i < list->len; i++)
		if (kg_glob_match(list->v.items[i]->v.s, s))
			return true;
	return false;
}

/* Whether obj is in the scope of ex (the rule-independent part of an exemption). */
static bool exempt_obj(const struct kg_exemption *ex, const struct kg_object *obj)
{
	if (ex->namespaces) {
		const char *ns = obj->namespace_;
		if (obj->kind && !strcmp(obj->kind, "Namespace"))
			ns = obj->name; /* a namespace's own findings belong to it */
		if (!any_glob(ex->namespaces, ns ? ns : ""))
			return false;
	}
	if (ex->names && !any_glob(ex->names, obj->name ? obj->name : ""))
		return false;
	if (ex->kinds) {
		bool hit = false;
		for (uint32_t i = 0; i < ex->kinds->len && !hit; i++)
			hit = obj->kind && !strcmp(ex->kinds->v.items[i]->v.s, obj->kind);
		if (!hit)
			return false;
	}
	if (ex->selector &&
	    kg_selector_match(ex->selector, kg_map_get(kg_map_get(obj->node, "metadata"), "labels")) != 1)
		return false;
	return true;
}

static bool exempt(const struct kg_exemption *ex, size_t i, size_t idx, const struct kg_object *obj,
		   struct kg_policy_exmemo *m)
{
	if (ex->expired || !(ex->rules[idx / 8] & (1u << (idx % 8))))
		return false;
	if (!m || i >= 64)
		return exempt_obj(ex, obj);
	uint64_t bit = (uint64_t)1 << i;
	if (!(m->known & bit)) {
		m->known |= bit;
		if (exempt_obj(ex, obj))
			m->hit |= bit;
	}
	return m->hit & bit;
}

enum kg_policy_verdict kg_policy_decide(const struct kg_policy *p, const struct kg_rule *rule,
					const struct kg_object *obj, enum kg_severity *severity)
{
	return kg_policy_decide_obj(p, rule, obj, NULL, severity);
}

enum kg_policy_verdict kg_policy_decide_obj(const struct kg_policy *p, const struct kg_rule *rule,
					    const struct kg_object *obj, struct kg_obj_ignores *ign,
					    enum kg_severity *severity)
{
	return kg_policy_decide_at(p, rule, kg_rule_rank(rule), obj, ign, NULL, severity);
}

enum kg_policy_verdict kg_policy_decide_at(const struct kg_policy *p, const struct kg_rule *rule, size_t rank,
					   const struct kg_object *obj, struct kg_obj_ignores *ign,
					   struct kg_policy_exmemo *ex, enum kg_severity *severity)
{
	if (obj && obj->node) {
		struct kg_obj_ignores once;
		if (!ign) {
			once = (struct kg_obj_ignores){ 0 };
			ign = &once;
		}
		if (inline_suppressed(rule, obj, ign))
			return KG_POLICY_DROP;
	}
	/* rank -1: a copy of a catalog rule (tests build some), found by id */
	size_t idx = rank != (size_t)-1 ? rank : kg_policy_rule_index(rule);
	if (!p && idx == (size_t)-1) /* not in the catalog: the default-off list decides by id */
		return kg_rule_default_off(rule) ? KG_POLICY_DROP : KG_POLICY_REPORT;
	enum kg_policy_verdict v;
	if (kg_policy_rule_fixed(p, idx, &v, severity))
		return v;
	/* an exemption in force names the rule: the object decides */
	if (obj && obj->node)
		for (size_t i = 0; i < p->nex; i++)
			if (exempt(&p->ex[i], i, idx, obj, ex))
				return KG_POLICY_DROP;
	if (p->settings[idx].severity >= 0)
		*severity = (enum kg_severity)p->settings[idx].severity;
	return KG_POLICY_REPORT;
}

bool kg_policy_rule_fixed(const struct kg_policy *p, size_t rank, enum kg_policy_verdict *v,
			  enum kg_severity *severity)
{
	if (!p) {
		*v = kg_rule_default_off_at(rank) ? KG_POLICY_DROP : KG_POLICY_REPORT;
		return true;
	}
	if (rank >= p->nrules) {
		*v = KG_POLICY_REPORT;
		return true;
	}
	const struct kg_rule_setting *st = &p->settings[rank];
	if (st->drop) {
		*v = KG_POLICY_DROP;
		return true;
	}
	if (st->exempt)
		return false;
	if (st->severity >= 0)
		*severity = (enum kg_severity)st->severity;
	*v = KG_POLICY_REPORT;
	return true;
}

const struct kg_node *kg_policy_param(const struct kg_policy *p, const char *name)
{
	return p ? kg_map_get(p->params, name) : NULL;
}

const char *kg_policy_path(const struct kg_policy *p)
{
	return p ? p->path : NULL;
}

bool kg_policy_pss(const struct kg_policy *p, int *level, int *minor)
{
	if (!p)
		return false;
	if (p->has_level)
		*level = p->pss_level;
	if (p->has_minor)
		*minor = p->pss_minor;
	return p->has_level || p->has_minor;
}

unsigned kg_policy_pod_paths(const struct kg_policy *p, const struct kg_pod_path **paths)
{
	*paths = p ? p->pod_paths : NULL;
	return p ? p->npod_paths : 0;
}

enum kg_policy_mode kg_policy_serve_mode(const struct kg_policy *p, const char *namespace_,
					 enum kg_severity *fail_on)
{
	*fail_on = p ? p->serve_fail_on : KG_SEV_HIGH;
	if (!p)
		return KG_MODE_ENFORCE;
	for (size_t i = 0; i < p->nserve_ns; i++) {
		const struct kg_serve_ns *s = &p->serve_ns[i];
		if (any_glob(s->names, namespace_ ? namespace_ : "")) {
			if (s->fail_on != (enum kg_severity)255)
				*fail_on = s->fail_on;
			return s->mode;
		}
	}
	return p->serve_mode;
}

/* --- discovery --- */

static bool exists(const char *path, bool want_dir)
{
	struct stat st;
	if (stat(path, &st))
		return false;
	return want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/* Express abs relative to the working directory when that is shorter to read. */
static void relative_to_cwd(const char *abs, char *buf, size_t size)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		kg_fmt(buf, size, "%s", abs);
		return;
	}
	size_t common = 0, i = 0;
	/* longest common prefix ending at a component boundary */
	while (abs[i] && cwd[i] && abs[i] == cwd[i]) {
		i++;
		if (abs[i] == '/' && (cwd[i] == '/' || cwd[i] == '\0'))
			common = i;
	}
	if (!strcmp(cwd, "/"))
		common = 0;
	size_t ups = 0;
	for (const char *c = cwd + common; *c; c++)
		if (*c == '/')
			ups++;
	if (ups > 3) {
		kg_fmt(buf, size, "%s", abs);
		return;
	}
	buf[0] = '\0';
	size_t len = 0;
	for (size_t k = 0; k < ups && len + 3 < size; k++)
		len += (size_t)kg_fmt(buf + len, size - len, "../");
	kg_fmt(buf + len, size - len, "%s", abs + common + 1);
}

int kg_policy_discover(const char *start, char *buf, size_t size)
{
	char dir[PATH_MAX], cand[PATH_MAX + 32];
	if (!start || !strcmp(start, "-"))
		start = ".";
	if (!realpath(start, dir))
		return -1;
	if (!exists(dir, true)) {
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir)
			*slash = '\0';
		else
			kg_fmt(dir, sizeof(dir), "/");
	}
	for (;;) {
		static const char *const names[] = { ".kguard.yaml", ".kguard.yml" };
		for (int k = 0; k < 2; k++) {
			kg_fmt(cand, sizeof(cand), "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", names[k]);
			if (exists(cand, false)) {
				relative_to_cwd(cand, buf, size);
				return 0;
			}
		}
		kg_fmt(cand, sizeof(cand), "%s%s.git", dir, strcmp(dir, "/") ? "/" : "");
		struct stat st;
		if (!strcmp(dir, "/") || !stat(cand, &st))
			return -1;
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
	}
}
