/* Loading and validating a policy file. Every mistake is an error with a position: an unknown
 * key, a misspelled rule id, a wrong type. A policy that loads is never partly ignored. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/fmt.h"
#include "../core/load.h"
#include "family.h"
#include "params.h"
#include "policy_int.h"
#include "policy_priv.h"
#include "policy_serve.h"

#define POLICY_MAX_BYTES (4u << 20)

struct loadctx {
	struct kg_policy *p;
	struct kg_diag *err;
	int ndocs;
	bool failed;
};

static int on_doc(void *ctx, const struct kg_doc *doc)
{
	struct loadctx *l = ctx;
	if (l->ndocs++) {
		kg_diag_set(l->err, l->p->path, doc->line, 1, "a policy file holds one YAML document");
		l->failed = true;
		return 1;
	}
	l->p->root = kg_node_clone(&l->p->arena, doc->root);
	if (doc->ndups) {
		const struct kg_dupkey *d = &doc->dups[0];
		kg_diag_set(l->err, l->p->path, d->second_line, d->second_col,
			    "key '%s' appears twice (first at line %u); a policy key must be written once", d->path,
			    d->first_line);
		l->failed = true;
		return 1;
	}
	return 0;
}

static void on_error(void *ctx, const struct kg_diag *d)
{
	struct loadctx *l = ctx;
	if (!l->failed) {
		*l->err = *d;
		l->err->file = l->p->path;
	}
	l->failed = true;
}

/* error at a node; always returns -1 */
static int fail(struct loadctx *l, const struct kg_node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct loadctx *l, const struct kg_node *n, const char *fmt, ...)
{
	char msg[sizeof(l->err->message)];
	va_list ap;
	va_start(ap, fmt);
	kg_vfmt(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kg_diag_set(l->err, l->p->path, n ? n->line : 0, n ? n->col : 0, "%s", msg);
	return -1;
}

static int fail_key(struct loadctx *l, const struct kg_pair *k, const char *where, const char *allowed)
{
	struct kg_node at = { 0 };
	at.line = k->line;
	at.col = k->col;
	return fail(l, &at, "unknown key '%s' in %s (expected one of: %s)", k->key, where, allowed);
}

static int need_map(struct loadctx *l, const struct kg_node *n, const char *what)
{
	if (kg_is_map(n))
		return 0;
	return fail(l, n, "%s must be an object, not %s", what, kg_type_name((enum kg_type)n->type));
}

static int need_str_list(struct loadctx *l, const struct kg_node *n, const char *what)
{
	if (!kg_is_seq(n))
		return fail(l, n, "%s must be a list of strings, not %s", what, kg_type_name((enum kg_type)n->type));
	for (uint32_t i = 0; i < n->len; i++)
		if (n->v.items[i]->type != KG_STR)
			return fail(l, n->v.items[i], "%s must be a list of strings; item %u is %s", what, i,
				    kg_type_name((enum kg_type)n->v.items[i]->type));
	return 0;
}

/* --- rules: --- */

static int rule_pattern_error(struct loadctx *l, const struct kg_node *at, const char *id)
{
	const char *sug = kg_is_glob(id) ? NULL : kg_rule_suggest(id);
	if (kg_is_glob(id))
		return fail(l, at, "rule pattern '%s' matches no rule (see `kguard rules`)", id);
	if (sug)
		return fail(l, at, "unknown rule id '%s' (did you mean '%s'?)", id, sug);
	return fail(l, at, "unknown rule id '%s' (see `kguard rules`)", id);
}

static int parse_severity_value(struct loadctx *l, const struct kg_node *v, int8_t *sev)
{
	enum kg_severity s;
	const char *str = kg_str(v);
	if (!str || kg_severity_parse(str, &s) || s == KG_SEV_NONE)
		return fail(l, v, "severity must be info, low, medium, high or critical");
	*sev = (int8_t)s;
	return 0;
}

static int load_rules(struct loadctx *l, const struct kg_node *rules)
{
	struct kg_policy *p = l->p;
	if (need_map(l, rules, "'rules'"))
		return -1;
	for (uint32_t i = 0; i < rules->len; i++) {
		const struct kg_pair *kp = &rules->v.pairs[i];
		const struct kg_node *v = kp->value;
		struct kg_node at = { 0 };
		at.line = kp->line;
		at.col = kp->col;
		int8_t enabled = -1, sev = -1;
		if (v->type == KG_BOOL) {
			enabled = v->v.b;
		} else if (v->type == KG_STR) {
			if (!strcmp(v->v.s, "off") || !strcmp(v->v.s, "on"))
				enabled = !strcmp(v->v.s, "on");
			else {
				enum kg_severity s;
				if (kg_severity_parse(v->v.s, &s) || s == KG_SEV_NONE)
					return fail(l, v, "rule setting must be off, on, a severity (info, low, medium, high, "
						    "critical) or an object with enabled/severity, not '%s'", v->v.s);
				sev = (int8_t)s;
			}
		} else if (kg_is_map(v)) {
			for (uint32_t k = 0; k < v->len; k++) {
				const struct kg_pair *q = &v->v.pairs[k];
				if (!strcmp(q->key, "enabled")) {
					bool b;
					if (!kg_as_bool(q->value, &b))
						return fail(l, q->value, "'enabled' must be true or false");
					enabled = b;
				} else if (!strcmp(q->key, "severity")) {
					if (parse_severity_value(l, q->value, &sev))
						return -1;
				} else {
					return fail_key(l, q, "a rule setting", "enabled, severity");
				}
			}
		} else {
			return fail(l, v, "rule setting must be off, on, a severity or an object, not %s",
				    kg_type_name((enum kg_type)v->type));
		}
		bool glob = kg_is_glob(kp->key), any = false;
		for (size_t r = 0; r < p->nrules; r++) {
			if (!kg_rule_pattern_match(kp->key, kp->key_len, kg_rule_at(r)->id))
				continue;
			any = true;
			struct kg_rule_setting *st = &p->settings[r];
			/* an exact id beats any glob; among globs the later line wins */
			if (glob && st->exact)
				continue;
			if (!glob)
				st->exact = 1;
			if (enabled >= 0)
				st->enabled = enabled;
			if (sev >= 0)
				st->severity = sev;
		}
		if (!any)
			return rule_pattern_error(l, &at, kp->key);
	}
	return 0;
}

/* --- parameters: --- */

static int load_params(struct loadctx *l, const struct kg_node *params)
{
	if (need_map(l, params, "'parameters'"))
		return -1;
	for (uint32_t i = 0; i < params->len; i++) {
		const struct kg_pair *kp = &params->v.pairs[i];
		int known = kg_rule_param_check(kp->key, kp->value, l->err);
		if (known < 0) {
			l->err->file = l->p->path;
			return -1;
		}
		if (!known) {
			struct kg_node at = { 0 };
			at.line = kp->line;
			at.col = kp->col;
			return fail(l, &at, "unknown parameter '%s' (docs/policy.md lists the parameters)", kp->key);
		}
	}
	l->p->params = params;
	return 0;
}

/* --- exemptions: --- */

static int set_rule_bits(struct loadctx *l, struct kg_exemption *ex, const struct kg_node *rules)
{
	struct kg_policy *p = l->p;
	if (need_str_list(l, rules, "'rules' of an exemption"))
		return -1;
	if (!rules->len)
		return fail(l, rules, "'rules' of an exemption must name at least one rule (or \"*\")");
	ex->rules = kg_arena_zalloc(&p->arena, p->nrules / 8 + 1);
	for (uint32_t i = 0; i < rules->len; i++) {
		const struct kg_node *id = rules->v.items[i];
		bool any = false;
		for (size_t r = 0; r < p->nrules; r++)
			if (kg_rule_pattern_match(id->v.s, id->len, kg_rule_at(r)->id)) {
				ex->rules[r / 8] |= (uint8_t)(1u << (r % 8));
				any = true;
			}
		if (!any)
			return rule_pattern_error(l, id, id->v.s);
	}
	return 0;
}

static bool valid_date(const char *s)
{
	/* YYYY-MM-DD with plausible month and day */
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static void today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int load_exemption(struct loadctx *l, const struct kg_node *e, struct kg_exemption *ex)
{
	if (need_map(l, e, "an exemption"))
		return -1;
	const struct kg_node *rules = NULL;
	ex->line = e->line;
	for (uint32_t k = 0; k < e->len; k++) {
		const struct kg_pair *q = &e->v.pairs[k];
		const struct kg_node *v = q->value;
		if (!strcmp(q->key, "rules")) {
			rules = v;
		} else if (!strcmp(q->key, "namespaces") || !strcmp(q->key, "names") || !strcmp(q->key, "kinds")) {
			if (need_str_list(l, v, q->key))
				return -1;
			if (!v->len)
				return fail(l, v, "'%s' of an exemption must not be empty", q->key);
			if (!strcmp(q->key, "namespaces"))
				ex->namespaces = v;
			else if (!strcmp(q->key, "names"))
				ex->names = v;
			else
				ex->kinds = v;
		} else if (!strcmp(q->key, "selector")) {
			if (kg_selector_check(v, l->err)) {
				l->err->file = l->p->path;
				return -1;
			}
			ex->selector = v;
		} else if (!strcmp(q->key, "reason")) {
			const char *s = kg_str(v);
			size_t n = s ? strspn(s, " \t\r\n") : 0;
			if (!s || !s[n])
				return fail(l, v, "'reason' must be a non-empty string");
			ex->reason = s;
		} else if (!strcmp(q->key, "expires")) {
			const char *s = kg_str(v);
			char now[11];
			if (!s || !valid_date(s))
				return fail(l, v, "'expires' must be a date written YYYY-MM-DD (quote it)");
			today(now);
			ex->expired = strcmp(now, s) > 0;
		} else {
			return fail_key(l, q, "an exemption", "rules, namespaces, names, kinds, selector, reason, expires");
		}
	}
	if (!rules)
		return fail(l, e, "an exemption needs 'rules' (rule ids or patterns; \"*\" for all)");
	if (!ex->reason)
		return fail(l, e, "an exemption needs a 'reason'");
	if (!ex->namespaces && !ex->names && !ex->kinds && !ex->selector)
		return fail(l, e, "an exemption needs namespaces, names, kinds or selector (to turn a rule off "
			    "everywhere, use 'rules:')");
	return set_rule_bits(l, ex, rules);
}

static int load_exemptions(struct loadctx *l, const struct kg_node *list)
{
	if (!kg_is_seq(list))
		return fail(l, list, "'exemptions' must be a list");
	l->p->ex = kg_arena_zalloc(&l->p->arena, (list->len + 1) * sizeof(*l->p->ex));
	for (uint32_t i = 0; i < list->len; i++)
		if (load_exemption(l, list->v.items[i], &l->p->ex[l->p->nex++]))
			return -1;
	return 0;
}

/* --- pss:, serve:, podTemplates: --- */

static int parse_minor(const char *v, int *minor)
{
	if (!strcmp(v, "latest")) {
		*minor = KG_PSS_LATEST_MINOR;
		return 0;
	}
	if (strncmp(v, "v1.", 3) != 0 || !v[3])
		return -1;
	char *end;
	long m = strtol(v + 3, &end, 10);
	if (*end || m < 0 || m > KG_PSS_LATEST_MINOR || v[3] == '+' || v[3] == '-')
		return -1;
	*minor = (int)m;
	return 0;
}

static int load_pss(struct loadctx *l, const struct kg_node *n)
{
	struct kg_policy *p = l->p;
	if (need_map(l, n, "'pss'"))
		return -1;
	for (uint32_t k = 0; k < n->len; k++) {
		const struct kg_pair *q = &n->v.pairs[k];
		const char *s = kg_str(q->value);
		if (!strcmp(q->key, "level")) {
			if (s && !strcmp(s, "baseline"))
				p->pss_level = KG_PSS_BASELINE;
			else if (s && !strcmp(s, "restricted"))
				p->pss_level = KG_PSS_RESTRICTED;
			else
				return fail(l, q->value, "pss.level must be baseline or restricted");
			p->has_level = true;
		} else if (!strcmp(q->key, "version")) {
			if (!s || parse_minor(s, &p->pss_minor))
				return fail(l, q->value, "pss.version must be v1.0 ... v1.%d or latest (quote it)",
					    KG_PSS_LATEST_MINOR);
			p->has_minor = true;
		} else {
			return fail_key(l, q, "'pss'", "level, version");
		}
	}
	return 0;
}

static int parse_mode(struct loadctx *l, const struct kg_node *v, enum kg_policy_mode *m)
{
	const char *s = kg_str(v);
	if (s && !strcmp(s, "enforce"))
		*m = KG_MODE_ENFORCE;
	else if (s && !strcmp(s, "warn"))
		*m = KG_MODE_WARN;
	else if (s && !strcmp(s, "audit"))
		*m = KG_MODE_AUDIT;
	else
		return fail(l, v, "mode must be enforce, warn or audit");
	return 0;
}

static int parse_fail_on(struct loadctx *l, const struct kg_node *v, enum kg_severity *s)
{
	const char *str = kg_str(v);
	if (!str || kg_severity_parse(str, s))
		return fail(l, v, "failOn must be info, low, medium, high, critical or none");
	return 0;
}

static int load_serve(struct loadctx *l, const struct kg_node *n)
{
	struct kg_policy *p = l->p;
	if (need_map(l, n, "'serve'"))
		return -1;
	for (uint32_t k = 0; k < n->len; k++) {
		const struct kg_pair *q = &n->v.pairs[k];
		if (!strcmp(q->key, "mode")) {
			if (parse_mode(l, q->value, &p->serve_mode))
				return -1;
		} else if (!strcmp(q->key, "failOn")) {
			if (parse_fail_on(l, q->value, &p->serve_fail_on))
				return -1;
		} else if (!strcmp(q->key, "namespaces")) {
			const struct kg_node *list = q->value;
			if (!kg_is_seq(list))
				return fail(l, list, "serve.namespaces must be a list");
			p->serve_ns = kg_arena_zalloc(&p->arena, (list->len + 1) * sizeof(*p->serve_ns));
			for (uint32_t i = 0; i < list->len; i++) {
				const struct kg_node *e = list->v.items[i];
				struct kg_serve_ns *s = &p->serve_ns[p->nserve_ns++];
				bool have_mode = false;
				if (need_map(l, e, "a serve.namespaces entry"))
					return -1;
				s->mode = p->serve_mode;
				s->fail_on = (enum kg_severity)255; /* inherit */
				for (uint32_t j = 0; j < e->len; j++) {
					const struct kg_pair *r = &e->v.pairs[j];
					if (!strcmp(r->key, "names")) {
						if (need_str_list(l, r->value, "names"))
							return -1;
						s->names = r->value;
					} else if (!strcmp(r->key, "mode")) {
						if (parse_mode(l, r->value, &s->mode))
							return -1;
						have_mode = true;
					} else if (!strcmp(r->key, "failOn")) {
						if (parse_fail_on(l, r->value, &s->fail_on))
							return -1;
					} else {
						/* kguard serve's own keys (policy_serve.h) */
						int known = kg_serve_policy_key(r->key, r->value, true, l->err);
						if (known < 0) {
							l->err->file = p->path;
							return -1;
						}
						if (!known)
							return fail_key(l, r, "a serve.namespaces entry",
									"names, mode, failOn, " KG_SERVE_POLICY_NS_KEYS);
						have_mode = true;
					}
				}
				if (!s->names)
					return fail(l, e, "a serve.namespaces entry needs 'names'");
				if (!have_mode && s->fail_on == (enum kg_severity)255)
					return fail(l, e, "a serve.namespaces entry needs 'mode' or 'failOn'");
			}
		} else {
			int known = kg_serve_policy_key(q->key, q->value, false, l->err);
			if (known < 0) {
				l->err->file = p->path;
				return -1;
			}
			if (!known)
				return fail_key(l, q, "'serve'", "mode, failOn, namespaces, " KG_SERVE_POLICY_KEYS);
		}
	}
	return 0;
}

static int load_pod_paths(struct loadctx *l, const struct kg_node *list)
{
	struct kg_policy *p = l->p;
	if (!kg_is_seq(list))
		return fail(l, list, "'podTemplates' must be a list of {apiGroup, kind, specPath, metadataPath}");
	p->pod_paths = kg_arena_zalloc(&p->arena, (list->len + 1) * sizeof(*p->pod_paths));
	for (uint32_t i = 0; i < list->len; i++) {
		const struct kg_node *e = list->v.items[i];
		struct kg_pod_path *pp = &p->pod_paths[p->npod_paths];
		if (need_map(l, e, "a podTemplates entry"))
			return -1;
		for (uint32_t k = 0; k < e->len; k++) {
			const struct kg_pair *q = &e->v.pairs[k];
			const char *s = kg_str(q->value);
			if (!s)
				return fail(l, q->value, "podTemplates.%s must be a string", q->key);
			if (!strcmp(q->key, "apiGroup"))
				pp->api_group = s;
			else if (!strcmp(q->key, "kind"))
				pp->kind = s;
			else if (!strcmp(q->key, "specPath"))
				pp->spec_path = s;
			else if (!strcmp(q->key, "metadataPath"))
				pp->meta_path = s;
			else
				return fail_key(l, q, "a podTemplates entry", "apiGroup, kind, specPath, metadataPath");
		}
		if (!pp->kind || !pp->spec_path)
			return fail(l, e, "a podTemplates entry needs kind and specPath");
		if (!pp->api_group)
			pp->api_group = "*";
		p->npod_paths++;
	}
	return 0;
}

static int load_root(struct loadctx *l)
{
	struct kg_policy *p = l->p;
	const struct kg_node *root = p->root;
	if (!root || root->type == KG_NULL)
		return 0; /* an empty policy changes nothing */
	if (need_map(l, root, "a policy"))
		return -1;
	for (uint32_t i = 0; i < root->len; i++) {
		const struct kg_pair *q = &root->v.pairs[i];
		const struct kg_node *v = q->value;
		int r;
		if (!strcmp(q->key, "version")) {
			int64_t x;
			r = (!kg_as_int(v, &x) || x != 1) ? fail(l, v, "version must be 1") : 0;
		} else if (!strcmp(q->key, "pss")) {
			r = load_pss(l, v);
		} else if (!strcmp(q->key, "rules")) {
			r = load_rules(l, v);
		} else if (!strcmp(q->key, "parameters")) {
			r = load_params(l, v);
		} else if (!strcmp(q->key, "exemptions")) {
			r = load_exemptions(l, v);
		} else if (!strcmp(q->key, "serve")) {
			r = load_serve(l, v);
		} else if (!strcmp(q->key, "podTemplates")) {
			r = load_pod_paths(l, v);
		} else {
			r = fail_key(l, q, "the policy", "version, pss, rules, parameters, exemptions, serve, podTemplates");
		}
		if (r)
			return -1;
	}
	return 0;
}

static struct kg_policy *policy_new(const char *path)
{
	struct kg_policy *p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	kg_arena_init(&p->arena, 16384);
	p->path = kg_arena_strdup(&p->arena, path);
	p->serve_mode = KG_MODE_ENFORCE;
	p->serve_fail_on = KG_SEV_HIGH;
	p->nrules = kg_rule_count();
	p->settings = kg_arena_alloc(&p->arena, (p->nrules + 1) * sizeof(*p->settings));
	for (size_t i = 0; i < p->nrules; i++)
		p->settings[i] = (struct kg_rule_setting){ -1, -1, 0, false, false };
	return p;
}

/* The per-rule facts every finding's decision reads, worked out once. */
static void index_rules(struct kg_policy *p)
{
	for (size_t r = 0; r < p->nrules; r++) {
		struct kg_rule_setting *st = &p->settings[r];
		st->drop = st->enabled == 0 || (st->enabled < 0 && kg_rule_default_off_at(r));
		st->exempt = false;
		for (size_t i = 0; i < p->nex && !st->exempt; i++)
			st->exempt = !p->ex[i].expired && (p->ex[i].rules[r / 8] & (1u << (r % 8)));
	}
}

/* Validate the loaded document; frees p and returns NULL on error. */
static struct kg_policy *policy_finish(struct loadctx *l, const char *path)
{
	if (!l->failed && !load_root(l)) {
		index_rules(l->p);
		return l->p;
	}
	/* the message may point at the policy's copy of the path: repoint it at the caller's */
	if (l->err->file)
		l->err->file = path;
	kg_policy_free(l->p);
	return NULL;
}

static struct kg_loader *policy_loader(void)
{
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.max_doc_bytes = POLICY_MAX_BYTES;
	return kg_loader_new(&lim);
}

struct kg_policy *kg_policy_load(const char *path, struct kg_diag *err)
{
	memset(err, 0, sizeof(*err));
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		kg_diag_set(err, path, 0, 0, "cannot open policy: %s", strerror(errno));
		return NULL;
	}
	struct loadctx l = { policy_new(path), err, 0, false };
	struct kg_loader *L = policy_loader();
	struct kg_load_sink sink = { &l, on_doc, on_error };
	kg_loader_file(L, l.p->path, fp, &sink);
	kg_loader_free(L);
	fclose(fp);
	return policy_finish(&l, path);
}

struct kg_policy *kg_policy_parse(const char *display, const char *buf, size_t len, struct kg_diag *err)
{
	memset(err, 0, sizeof(*err));
	struct loadctx l = { policy_new(display), err, 0, false };
	struct kg_loader *L = policy_loader();
	struct kg_load_sink sink = { &l, on_doc, on_error };
	kg_loader_buffer(L, l.p->path, buf, len, &sink);
	kg_loader_free(L);
	return policy_finish(&l, display);
}

void kg_policy_free(struct kg_policy *p)
{
	if (!p)
		return;
	kg_arena_release(&p->arena);
	free(p);
}
