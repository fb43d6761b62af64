/* kguard serve's settings from the policy's `serve:` section (config.h). The same parsers
 * validate the keys when the policy is loaded (kg_serve_policy_key, called by the policy loader)
 * and build the settings when kguard serve starts or reloads, so a policy that loads always
 * builds. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rules/policy_priv.h"
#include "../rules/policy_serve.h"

/* Rules that make sense for files in a repository but not for objects at admission. */
static const char *const serve_off[] = {
	"secret.plain-secret", /* every Secret the API server sees carries plain values */
};

const char *kg_adm_action_name(enum kg_adm_action a)
{
	switch (a) {
	case KG_ADM_ENFORCE: return "enforce";
	case KG_ADM_WARN: return "warn";
	case KG_ADM_AUDIT: return "audit";
	case KG_ADM_OFF: break;
	}
	return "off";
}

const char *kg_adm_exempt_name(enum kg_adm_exempt e)
{
	switch (e) {
	case KG_ADM_EXEMPT_USER: return "user";
	case KG_ADM_EXEMPT_NAMESPACE: return "namespace";
	case KG_ADM_EXEMPT_RUNTIME_CLASS: return "runtimeClass";
	case KG_ADM_NOT_EXEMPT: break;
	}
	return "";
}

void kg_adm_level_name(const struct kg_adm_level *l, char *buf, unsigned size)
{
	static const char *const names[] = { "privileged", "baseline", "restricted" };
	const char *n = l->level >= 0 && l->level <= 2 ? names[l->level] : "?";
	if (l->latest)
		snprintf(buf, size, "%s:latest", n);
	else
		snprintf(buf, size, "%s:v1.%d", n, l->minor);
}

/* ---- parsers: each fills err at the offending node and returns -1 ---- */

static int bad(struct kg_diag *err, const struct kg_node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(struct kg_diag *err, const struct kg_node *n, const char *fmt, ...)
{
	char msg[sizeof(err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kg_diag_set(err, NULL, n ? n->line : 0, n ? n->col : 0, "%s", msg);
	return -1;
}

static int bad_key(struct kg_diag *err, const struct kg_pair *k, const char *where, const char *allowed)
{
	kg_diag_set(err, NULL, k->line, k->col, "unknown key '%s' in %s (expected one of: %s)", k->key, where, allowed);
	return -1;
}

static int need_map(struct kg_diag *err, const struct kg_node *n, const char *what)
{
	if (kg_is_map(n))
		return 0;
	return bad(err, n, "%s must be an object, not %s", what, kg_type_name((enum kg_type)n->type));
}

static int need_str_list(struct kg_diag *err, const struct kg_node *n, const char *what)
{
	if (!kg_is_seq(n))
		return bad(err, n, "%s must be a list of strings, not %s", what, kg_type_name((enum kg_type)n->type));
	for (uint32_t i = 0; i < n->len; i++)
		if (n->v.items[i]->type != KG_STR)
			return bad(err, n->v.items[i], "%s must be a list of strings; item %u is %s", what, i,
				   kg_type_name((enum kg_type)n->v.items[i]->type));
	return 0;
}

static int parse_version(const char *v, struct kg_adm_level *l)
{
	if (!strcmp(v, "latest")) {
		l->minor = KG_PSS_LATEST_MINOR;
		l->latest = true;
		return 0;
	}
	if (strncmp(v, "v1.", 3) != 0 || v[3] < '0' || v[3] > '9')
		return -1;
	char *end;
	long m = strtol(v + 3, &end, 10);
	if (*end || m < 0 || m > KG_PSS_LATEST_MINOR)
		return -1;
	l->minor = (int)m;
	l->latest = false;
	return 0;
}

static int parse_pss(const struct kg_node *n, struct kg_adm_settings *s, struct kg_diag *err)
{
	static const char *const modes[] = { "enforce", "warn", "audit" };
	if (need_map(err, n, "serve.pss"))
		return -1;
	for (uint32_t i = 0; i < n->len; i++) {
		const struct kg_pair *q = &n->v.pairs[i];
		const char *v = kg_str(q->value);
		int m;
		for (m = 0; m < KG_ADM_PSS_NMODES; m++) {
			size_t ml = strlen(modes[m]);
			if (!strncmp(q->key, modes[m], ml) && (!q->key[ml] || !strcmp(q->key + ml, "-version")))
				break;
		}
		if (m == KG_ADM_PSS_NMODES)
			return bad_key(err, q, "serve.pss",
				       "enforce, enforce-version, warn, warn-version, audit, audit-version");
		struct kg_adm_level *l = &s->pss[m];
		if (strchr(q->key, '-')) {
			if (!v || parse_version(v, l))
				return bad(err, q->value, "serve.pss.%s must be v1.0 ... v1.%d or latest (quote it)", q->key,
					   KG_PSS_LATEST_MINOR);
		} else if (v && !strcmp(v, "privileged")) {
			l->level = KG_PSS_PRIVILEGED;
		} else if (v && !strcmp(v, "baseline")) {
			l->level = KG_PSS_BASELINE;
		} else if (v && !strcmp(v, "restricted")) {
			l->level = KG_PSS_RESTRICTED;
		} else {
			return bad(err, q->value, "serve.pss.%s must be privileged, baseline or restricted", q->key);
		}
	}
	return 0;
}

static int parse_action(const struct kg_node *v, bool allow_off, const char *off_word, enum kg_adm_action *a,
			struct kg_diag *err, const char *what)
{
	const char *s = kg_str(v);
	bool b;
	if (s && !strcmp(s, "enforce"))
		*a = KG_ADM_ENFORCE;
	else if (s && !strcmp(s, "warn"))
		*a = KG_ADM_WARN;
	else if (s && !strcmp(s, "audit"))
		*a = KG_ADM_AUDIT;
	else if (allow_off && ((s && !strcmp(s, off_word)) || (kg_as_bool(v, &b) && !b)))
		*a = KG_ADM_OFF;
	else if (allow_off)
		return bad(err, v, "%s must be enforce, warn, audit or %s", what, off_word);
	else
		return bad(err, v, "%s must be enforce, warn or audit", what);
	return 0;
}

/* A pattern of serve.rules: known, and naming at least one rule other than pss.* */
static int check_rule_pattern(const struct kg_pair *q, struct kg_diag *err)
{
	struct kg_node at = { 0 };
	at.line = q->line;
	at.col = q->col;
	size_t len = strlen(q->key);
	if (!kg_rule_pattern_known(q->key, len)) {
		const char *sug = kg_is_glob(q->key) ? NULL : kg_rule_suggest(q->key);
		if (kg_is_glob(q->key))
			return bad(err, &at, "rule pattern '%s' matches no rule (see `kguard rules`)", q->key);
		if (sug)
			return bad(err, &at, "unknown rule id '%s' (did you mean '%s'?)", q->key, sug);
		return bad(err, &at, "unknown rule id '%s' (see `kguard rules`)", q->key);
	}
	for (size_t i = 0; i < kg_rule_count(); i++) {
		const char *id = kg_rule_at(i)->id;
		if (strncmp(id, "pss.", 4) && kg_rule_pattern_match(q->key, len, id))
			return 0;
	}
	return bad(err, &at, "serve.rules: '%s' names only Pod Security rules, which follow serve.pss", q->key);
}

static int parse_rules(const struct kg_node *n, struct kg_adm_settings *s, size_t nrules, struct kg_diag *err)
{
	if (need_map(err, n, "serve.rules"))
		return -1;
	/* validate everything first, then apply: patterns in file order, exact ids last (they win) */
	for (uint32_t i = 0; i < n->len; i++) {
		enum kg_adm_action a;
		if (check_rule_pattern(&n->v.pairs[i], err) ||
		    parse_action(n->v.pairs[i].value, true, "off", &a, err, "a serve.rules value"))
			return -1;
	}
	if (!s || !s->rule_action)
		return 0;
	for (int exact = 0; exact < 2; exact++)
		for (uint32_t i = 0; i < n->len; i++) {
			const struct kg_pair *q = &n->v.pairs[i];
			if (kg_is_glob(q->key) == (exact == 1))
				continue;
			enum kg_adm_action a = KG_ADM_OFF;
			if (parse_action(q->value, true, "off", &a, err, "a serve.rules value"))
				return -1;
			size_t len = strlen(q->key);
			for (size_t r = 0; r < nrules; r++) {
				const char *id = kg_rule_at(r)->id;
				if (strncmp(id, "pss.", 4) && kg_rule_pattern_match(q->key, len, id))
					s->rule_action[r] = (int8_t)a;
			}
		}
	return 0;
}

static int parse_mutate(const struct kg_node *n, struct kg_adm_settings *s, struct kg_diag *err)
{
	static const struct {
		const char *key;
		unsigned bit;
	} keys[] = {
		{ "allowPrivilegeEscalation", KG_ADM_MUT_APE },
		{ "seccompProfile", KG_ADM_MUT_SECCOMP },
		{ "dropAllCapabilities", KG_ADM_MUT_DROP_ALL },
		{ "imagePullPolicyAlways", KG_ADM_MUT_PULL_ALWAYS },
		{ "automountServiceAccountToken", KG_ADM_MUT_NO_AUTOMOUNT },
	};
	bool b;
	if (kg_as_bool(n, &b)) { /* mutate: true / false switches every default */
		s->mutate = b ? 0x1fu : 0;
		return 0;
	}
	if (need_map(err, n, "serve.mutate"))
		return -1;
	for (uint32_t i = 0; i < n->len; i++) {
		const struct kg_pair *q = &n->v.pairs[i];
		size_t k;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(q->key, keys[k].key))
				break;
		if (k == sizeof(keys) / sizeof(keys[0]))
			return bad_key(err, q, "serve.mutate",
				       "allowPrivilegeEscalation, seccompProfile, dropAllCapabilities, imagePullPolicyAlways, "
				       "automountServiceAccountToken");
		if (!kg_as_bool(q->value, &b))
			return bad(err, q->value, "serve.mutate.%s must be true or false", q->key);
		if (b)
			s->mutate |= keys[k].bit;
		else
			s->mutate &= ~keys[k].bit;
	}
	return 0;
}

static int parse_connect(const struct kg_node *n, struct kg_adm_settings *s, struct kg_diag *err)
{
	static const char *const ops[KG_ADM_NCONNECT] = { "exec", "attach", "portforward" };
	if (need_map(err, n, "serve.connect"))
		return -1;
	for (uint32_t i = 0; i < n->len; i++) {
		const struct kg_pair *q = &n->v.pairs[i];
		int op;
		for (op = 0; op < KG_ADM_NCONNECT; op++)
			if (!strcmp(q->key, ops[op]))
				break;
		if (op == KG_ADM_NCONNECT)
			return bad_key(err, q, "serve.connect", "exec, attach, portforward");
		if (parse_action(q->value, true, "allow", &s->connect[op], err, "a serve.connect value"))
			return -1;
	}
	return 0;
}

static int parse_exemptions(const struct kg_node *n, struct kg_adm_config *c, struct kg_diag *err)
{
	if (need_map(err, n, "serve.exemptions"))
		return -1;
	for (uint32_t i = 0; i < n->len; i++) {
		const struct kg_pair *q = &n->v.pairs[i];
		const struct kg_node **slot;
		if (!strcmp(q->key, "usernames"))
			slot = c ? &c->ex_users : NULL;
		else if (!strcmp(q->key, "namespaces"))
			slot = c ? &c->ex_namespaces : NULL;
		else if (!strcmp(q->key, "runtimeClasses"))
			slot = c ? &c->ex_runtime_classes : NULL;
		else
			return bad_key(err, q, "serve.exemptions", "usernames, namespaces, runtimeClasses");
		char what[64];
		snprintf(what, sizeof(what), "serve.exemptions.%s", q->key);
		if (need_str_list(err, q->value, what))
			return -1;
		if (slot)
			*slot = q->value;
	}
	return 0;
}

/* One key of serve's own (not mode, failOn, namespaces, names). 1 known, 0 unknown, -1 invalid.
 * s may have no rule_action table (validation only); c is NULL when validating. */
static int apply_key(const struct kg_pair *q, bool in_ns, struct kg_adm_settings *s, size_t nrules,
		     struct kg_adm_config *c, struct kg_diag *err)
{
	const struct kg_node *v = q->value;
	const char *str = kg_str(v);
	if (!strcmp(q->key, "pss"))
		return parse_pss(v, s, err) ? -1 : 1;
	if (!strcmp(q->key, "rules"))
		return parse_rules(v, s, nrules, err) ? -1 : 1;
	if (!strcmp(q->key, "mutate"))
		return parse_mutate(v, s, err) ? -1 : 1;
	if (!strcmp(q->key, "connect"))
		return parse_connect(v, s, err) ? -1 : 1;
	if (!strcmp(q->key, "updates")) {
		if (str && !strcmp(str, "ratchet"))
			s->ratchet = true;
		else if (str && !strcmp(str, "full"))
			s->ratchet = false;
		else
			return bad(err, v, "serve.updates must be ratchet or full");
		return 1;
	}
	if (!strcmp(q->key, "inlineSuppressions")) {
		if (str && !strcmp(str, "nonEnforced"))
			s->inline_sup = KG_ADM_INLINE_NON_ENFORCED;
		else if (str && !strcmp(str, "all"))
			s->inline_sup = KG_ADM_INLINE_ALL;
		else if (str && !strcmp(str, "none"))
			s->inline_sup = KG_ADM_INLINE_NONE;
		else
			return bad(err, v, "serve.inlineSuppressions must be nonEnforced, all or none");
		return 1;
	}
	if (!in_ns && !strcmp(q->key, "exemptions"))
		return parse_exemptions(v, c, err) ? -1 : 1;
	return 0;
}

static void settings_default(struct kg_adm_settings *s)
{
	memset(s, 0, sizeof(*s));
	for (int m = 0; m < KG_ADM_PSS_NMODES; m++)
		s->pss[m] = (struct kg_adm_level){ KG_PSS_RESTRICTED, KG_PSS_LATEST_MINOR, true };
	s->mode = KG_ADM_WARN;
	s->fail_on = KG_SEV_HIGH;
	s->ratchet = true;
	s->inline_sup = KG_ADM_INLINE_NON_ENFORCED;
}

int kg_serve_policy_key(const char *key, const struct kg_node *value, bool in_namespace_entry, struct kg_diag *err)
{
	struct kg_adm_settings scratch;
	settings_default(&scratch);
	struct kg_pair q = { key, (uint32_t)strlen(key), value->line, value->col, (struct kg_node *)(uintptr_t)value };
	return apply_key(&q, in_namespace_entry, &scratch, 0, NULL, err);
}

/* ---- building ---- */

static int parse_mode_failon(const struct kg_pair *q, struct kg_adm_settings *s, struct kg_diag *err)
{
	if (!strcmp(q->key, "mode"))
		return parse_action(q->value, false, "", &s->mode, err, "mode") ? -1 : 1;
	if (!strcmp(q->key, "failOn")) {
		const char *str = kg_str(q->value);
		if (!str || kg_severity_parse(str, &s->fail_on))
			return bad(err, q->value, "failOn must be info, low, medium, high, critical or none");
		return 1;
	}
	return 0;
}

static int build_settings(struct kg_adm_config *c, const struct kg_node *map, bool in_ns, struct kg_adm_settings *s,
			  struct kg_diag *err)
{
	for (uint32_t i = 0; i < map->len; i++) {
		const struct kg_pair *q = &map->v.pairs[i];
		if (!strcmp(q->key, "namespaces") || !strcmp(q->key, "names"))
			continue;
		int r = parse_mode_failon(q, s, err);
		if (!r)
			r = apply_key(q, in_ns, s, c->nrules, c, err);
		if (r < 0)
			return -1;
		if (!r)
			return bad_key(err, q, in_ns ? "a serve.namespaces entry" : "'serve'",
				       in_ns ? "names, mode, failOn, " KG_SERVE_POLICY_NS_KEYS
					     : "mode, failOn, namespaces, " KG_SERVE_POLICY_KEYS);
	}
	return 0;
}

static int8_t *new_rule_table(struct kg_adm_config *c, const int8_t *from)
{
	int8_t *t = kg_arena_alloc(&c->arena, c->nrules + 1);
	if (from)
		memcpy(t, from, c->nrules);
	else
		memset(t, -1, c->nrules);
	return t;
}

struct kg_adm_config *kg_adm_config_new(struct kg_policy *policy, struct kg_diag *err)
{
	memset(err, 0, sizeof(*err));
	struct kg_adm_config *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	static _Atomic uint64_t serials;
	c->serial = ++serials;
	c->policy = policy;
	c->opts.pss_level = KG_PSS_RESTRICTED;
	c->opts.pss_minor = KG_PSS_LATEST_MINOR;
	c->opts.policy = policy;
	kg_arena_init(&c->arena, 8192);
	c->nrules = kg_rule_count();
	settings_default(&c->base);
	c->defaults = new_rule_table(c, NULL);
	for (size_t i = 0; i < sizeof(serve_off) / sizeof(serve_off[0]); i++)
		for (size_t r = 0; r < c->nrules; r++)
			if (!strcmp(kg_rule_at(r)->id, serve_off[i]))
				c->defaults[r] = KG_ADM_OFF;
	c->base.rule_action = new_rule_table(c, c->defaults);
	const struct kg_node *serve = kg_policy_section(policy, "serve");
	if (!serve || serve->type == KG_NULL)
		return c;
	if (need_map(err, serve, "'serve'") || build_settings(c, serve, false, &c->base, err))
		goto fail;
	const struct kg_node *list = kg_map_get(serve, "namespaces");
	if (!list)
		return c;
	if (!kg_is_seq(list)) {
		bad(err, list, "serve.namespaces must be a list");
		goto fail;
	}
	c->ns = kg_arena_zalloc(&c->arena, (list->len + 1) * sizeof(*c->ns));
	for (uint32_t i = 0; i < list->len; i++) {
		const struct kg_node *e = list->v.items[i];
		struct kg_adm_ns *ns = &c->ns[c->nns++];
		if (need_map(err, e, "a serve.namespaces entry"))
			goto fail;
		ns->names = kg_map_get(e, "names");
		if (!ns->names) {
			bad(err, e, "a serve.namespaces entry needs 'names'");
			goto fail;
		}
		if (need_str_list(err, ns->names, "names"))
			goto fail;
		ns->s = c->base;
		/* an entry that sets mode starts from the built-in rule actions, not the top level's
		 * serve.rules: `mode: audit` for a sandbox means every rule */
		ns->s.rule_action = new_rule_table(c, kg_map_get(e, "mode") ? c->defaults : c->base.rule_action);
		if (build_settings(c, e, true, &ns->s, err))
			goto fail;
	}
	return c;
fail:
	if (policy && !err->file)
		err->file = kg_policy_path(policy);
	/* the message may point at the policy's path, which dies with it */
	static __thread char path_copy[1024];
	if (err->file) {
		snprintf(path_copy, sizeof(path_copy), "%s", err->file);
		err->file = path_copy;
	}
	kg_adm_config_free(c);
	return NULL;
}

void kg_adm_config_free(struct kg_adm_config *c)
{
	if (!c)
		return;
	kg_policy_free(c->policy);
	kg_arena_release(&c->arena);
	free(c);
}

static bool any_glob(const struct kg_node *list, const char *s)
{
	if (!list)
		return false;
	for (uint32_t i = 0; i < list->len; i++)
		if (kg_glob_match(list->v.items[i]->v.s, s))
			return true;
	return false;
}

const struct kg_adm_settings *kg_adm_config_for(const struct kg_adm_config *c, const char *namespace_)
{
	const char *ns = namespace_ ? namespace_ : "";
	for (size_t i = 0; i < c->nns; i++)
		if (any_glob(c->ns[i].names, ns))
			return &c->ns[i].s;
	return &c->base;
}

static size_t rule_index(const struct kg_rule *rule, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int d = strcmp(kg_rule_at(mid)->id, rule->id);
		if (!d)
			return mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

enum kg_adm_action kg_adm_rule_action(const struct kg_adm_settings *s, const struct kg_rule *rule, enum kg_severity sev)
{
	size_t n = kg_rule_count();
	size_t i = rule ? rule_index(rule, n) : (size_t)-1;
	enum kg_adm_action a = s->mode;
	if (i != (size_t)-1 && s->rule_action && s->rule_action[i] >= 0)
		a = (enum kg_adm_action)s->rule_action[i];
	if (a == KG_ADM_ENFORCE && (s->fail_on == KG_SEV_NONE || sev < s->fail_on))
		a = KG_ADM_WARN; /* below the threshold: reported, not denied */
	return a;
}

enum kg_adm_exempt kg_adm_config_exempt(const struct kg_adm_config *c, const char *user, const char *namespace_)
{
	if (user && any_glob(c->ex_users, user))
		return KG_ADM_EXEMPT_USER;
	if (namespace_ && *namespace_ && any_glob(c->ex_namespaces, namespace_))
		return KG_ADM_EXEMPT_NAMESPACE;
	return KG_ADM_NOT_EXEMPT;
}

bool kg_adm_config_exempt_runtime_class(const struct kg_adm_config *c, const char *runtime_class)
{
	return runtime_class && any_glob(c->ex_runtime_classes, runtime_class);
}
