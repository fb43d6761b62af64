/* Dockerfile checks: walks the instructions stage by stage, keeping what BuildKit would know at
 * each point (ARG and ENV values, the stage's parent, USER, WORKDIR, SHELL), and reports the
 * df.* rules. RUN scripts are analysed in df_check_run.c; suppressions live in df_config.c. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../rules/image_ref.h"
#include "../rules/policy.h"
#include "df_ck.h"

static const struct kg_rule *rule_of(enum kg_dfr r)
{
	return &kg_dockerfile_rules[r];
}

static void add_finding(struct ck *c, enum kg_dfr rid, const struct kg_df_instr *in, unsigned line, unsigned col,
			const char *msg)
{
	const struct kg_rule *rule = rule_of(rid);
	if (ck_ignored(c, rule, in)) {
		c->r->sum.suppressed++;
		return;
	}
	enum kg_severity sev = ck_severity(c, rule);
	if (kg_policy_decide(c->cfg->policy, rule, NULL, &sev) == KG_POLICY_DROP) {
		c->r->sum.suppressed++;
		return;
	}
	struct kg_finding f;
	memset(&f, 0, sizeof(f));
	f.rule = rule;
	f.rule_id = rule->id;
	f.severity = sev;
	f.title = rule->title;
	f.message = msg;
	f.file = c->df->file;
	f.line = line;
	f.col = col;
	kg_report_add(c->r, &f);
}

void ck_emit(struct ck *c, enum kg_dfr rule, const struct kg_df_instr *in, unsigned line, unsigned col,
	     const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add_finding(c, rule, in, line, col, msg);
}

void ck_hold(struct ck *c, enum kg_dfr rule, const struct kg_df_instr *in, unsigned line, unsigned col,
	     const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->npend == c->apend) {
		unsigned na = c->apend ? c->apend * 2 : 16;
		struct ck_pending *np = kg_arena_alloc(c->a, na * sizeof(*np));
		if (c->npend)
			memcpy(np, c->pend, c->npend * sizeof(*np));
		c->pend = np;
		c->apend = na;
	}
	c->pend[c->npend++] = (struct ck_pending){ rule, in, line, col, kg_arena_strdup(c->a, msg), c->cur };
}

void ck_pos(const struct ck_script *sc, uint32_t off, unsigned *line, unsigned *col)
{
	if (sc->kind == 0) {
		kg_df_pos(sc->in, sc->in->rest_off + off, line, col);
	} else if (sc->kind == 1) {
		unsigned l = sc->hd->line, cl = 1;
		for (uint32_t i = 0; i < off && i < sc->len; i++) {
			if (sc->s[i] == '\n') {
				l++;
				cl = 1;
			} else {
				cl++;
			}
		}
		*line = l;
		*col = cl;
	} else {
		*line = sc->in->line;
		*col = sc->in->col;
	}
}

/* ---- stages and variables ---- */

struct ck_stage *ck_stage(struct ck *c)
{
	if (c->cur < 0) { /* instructions before any FROM get an implicit stage */
		if (c->nst == c->ast) {
			unsigned na = c->ast ? c->ast * 2 : 8;
			struct ck_stage *ns = kg_arena_alloc(c->a, na * sizeof(*ns));
			if (c->nst)
				memcpy(ns, c->st, c->nst * sizeof(*ns));
			c->st = ns;
			c->ast = na;
		}
		memset(&c->st[c->nst], 0, sizeof(c->st[0]));
		c->st[c->nst].parent = -1;
		c->cur = (int)c->nst++;
	}
	return &c->st[c->cur];
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct ck_vent *vm_slot(const struct ck_vmap *m, const char *name)
{
	if (!m->cap)
		return NULL;
	for (unsigned i = hash(name) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
		if (!m->e[i].name || !strcmp(m->e[i].name, name))
			return &m->e[i];
}

static const char *var_find(const struct ck_vmap *m, const char *name, bool *found)
{
	const struct ck_vent *e = vm_slot(m, name);
	if (e && e->name) {
		*found = true;
		return e->value;
	}
	return NULL;
}

static void vm_grow(struct ck *c, struct ck_vmap *m, unsigned cap)
{
	struct ck_vmap nm = { kg_arena_zalloc(c->a, cap * sizeof(*m->e)), cap, 0 };
	for (unsigned i = 0; i < m->cap; i++)
		if (m->e[i].name) {
			*vm_slot(&nm, m->e[i].name) = m->e[i];
			nm.n++;
		}
	*m = nm;
}

static void vm_put(struct ck *c, struct ck_vmap *m, const char *name, const char *value, int idx)
{
	if ((m->n + 1) * 2 > m->cap)
		vm_grow(c, m, m->cap ? m->cap * 2 : 16);
	struct ck_vent *e = vm_slot(m, name);
	if (!e->name)
		m->n++;
	*e = (struct ck_vent){ name, value, idx };
}

static void vm_copy(struct ck *c, struct ck_vmap *dst, const struct ck_vmap *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src->n)
		vm_grow(c, dst, src->cap);
	for (unsigned i = 0; i < src->cap; i++)
		if (src->e[i].name)
			vm_put(c, dst, src->e[i].name, src->e[i].value, src->e[i].idx);
}

const char *ck_lookup(const struct ck *c, const char *name)
{
	bool found = false;
	const char *v;
	if (c->cur < 0)
		return var_find(&c->meta, name, &found);
	const struct ck_stage *s = &c->st[c->cur];
	v = var_find(&s->env, name, &found); /* ENV wins over ARG of the same name */
	if (found)
		return v;
	return var_find(&s->args, name, &found);
}

static const char *getenv_cb(void *ctx, const char *name)
{
	return ck_lookup(ctx, name);
}

static const char *meta_cb(void *ctx, const char *name)
{
	bool found = false;
	return var_find(&((const struct ck *)ctx)->meta, name, &found);
}

const char *ck_expand(struct ck *c, const char *word)
{
	struct kg_df_lex lx = { c->df->escape, false, false, true, getenv_cb, c };
	char *out, err[200];
	if (kg_df_expand(&lx, c->a, word, strlen(word), &out, err, sizeof(err)))
		return NULL;
	return out;
}

struct declared {
	struct ck *c;
	bool unknown;
};

static const char *declared_cb(void *ctx, const char *name)
{
	struct declared *d = ctx;
	const struct ck *c = d->c;
	bool found = false;
	const char *v;
	if (c->cur < 0) {
		v = var_find(&c->meta, name, &found);
	} else {
		v = var_find(&c->st[c->cur].env, name, &found);
		if (!found)
			v = var_find(&c->st[c->cur].args, name, &found);
	}
	if (found && !v)
		d->unknown = true;
	if (found)
		return v ? v : "";
	/* an ARG declared elsewhere (globally or in another stage) is taken as supplied by the
	 * builder, as hadolint does; an unknown ENV of another stage is not visible here */
	bool any = false;
	var_find(&c->meta, name, &any);
	for (unsigned i = 0; i < c->nst && !any; i++)
		var_find(&c->st[i].args, name, &any);
	if (any)
		d->unknown = true;
	return "";
}

const char *ck_expand_declared(struct ck *c, const char *word)
{
	struct declared d = { c, false };
	struct kg_df_lex lx = { c->df->escape, false, false, false, declared_cb, &d };
	char *out, err[200];
	if (strstr(word, "$(") || strchr(word, '`'))
		return NULL;
	if (kg_df_expand(&lx, c->a, word, strlen(word), &out, err, sizeof(err)) || d.unknown)
		return NULL;
	return out;
}

static const char *expand_meta(struct ck *c, const char *word)
{
	struct kg_df_lex lx = { c->df->escape, false, false, true, meta_cb, c };
	char *out, err[200];
	if (kg_df_expand(&lx, c->a, word, strlen(word), &out, err, sizeof(err)))
		return NULL;
	return out;
}

static void cap_reached(struct ck *c, const struct kg_df_instr *in, const char *what)
{
	struct kg_diag d;
	kg_diag_set(&d, c->df->file, in->line, in->col, "%s: the rest of the file is not checked", what);
	if (c->cfg->on_error)
		c->cfg->on_error(c->cfg->ctx, &d);
	c->stopped = true;
}

/* Define a variable; false (and the check stops) past KG_DF_MAX_VARS definitions. */
static bool define(struct ck *c, const struct kg_df_instr *in, struct ck_vmap *m, const char *name, const char *value)
{
	if (++c->nvars > KG_DF_MAX_VARS) {
		cap_reached(c, in, "more than 16384 ARG and ENV definitions");
		return false;
	}
	vm_put(c, m, name, value, 0);
	return true;
}

static bool unresolved(const char *s)
{
	return !s || strchr(s, '$');
}

static char *lower(struct ck *c, const char *s)
{
	char *d = kg_arena_strdup(c->a, s);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

/* The stage of that name defined before the current instruction, or -1. */
static int stage_by_name(const struct ck *c, const char *name)
{
	char low[256];
	size_t n = strlen(name);
	if (n >= sizeof(low))
		return -1;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	const struct ck_vent *e = vm_slot(&c->names, low);
	return e && e->name ? e->idx : -1;
}

int ck_stage_index(const struct ck *c, const char *name)
{
	return stage_by_name(c, name);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ---- image references ---- */

struct imgref {
	const char *registry; /* NULL for Docker Hub */
	const char *path, *tag, *digest;
};

static void parse_image(struct ck *c, const char *ref, struct imgref *o)
{
	char *s = kg_arena_strdup(c->a, ref);
	memset(o, 0, sizeof(*o));
	char *at = strchr(s, '@');
	if (at) {
		*at = '\0';
		o->digest = at + 1;
	}
	char *slash = strchr(s, '/');
	if (slash && (memchr(s, '.', (size_t)(slash - s)) || memchr(s, ':', (size_t)(slash - s)) ||
		      !strncmp(s, "localhost/", 10))) {
		*slash = '\0';
		o->registry = s;
		s = slash + 1;
	}
	char *last = strrchr(s, '/');
	char *colon = strchr(last ? last : s, ':');
	if (colon) {
		*colon = '\0';
		o->tag = colon + 1;
	}
	o->path = s;
}

bool kg_df_registry_match(const char *pattern, const char *registry)
{
	size_t pl = strlen(pattern), rl = strlen(registry);
	if (!strcmp(pattern, "*"))
		return true;
	if (pattern[0] == '*')
		return rl >= pl - 1 && !strcasecmp(registry + rl - (pl - 1), pattern + 1);
	if (pl && pattern[pl - 1] == '*')
		return !strncasecmp(registry, pattern, pl - 1);
	return !strcasecmp(pattern, registry);
}

static bool is_hub(const char *r)
{
	return !r || !strcasecmp(r, "docker.io") || !strcasecmp(r, "index.docker.io") ||
	       !strcasecmp(r, "registry-1.docker.io") || !strcasecmp(r, "registry.hub.docker.com") ||
	       !strcasecmp(r, "hub.docker.com");
}

/* Entries as the policy's trustedRegistries takes them ("host", "host/path", "*.domain") plus
 * hadolint's wildcards ("*", "prefix*"); Docker Hub under any of its names. */
static bool registry_trusted(const struct ck *c, const struct kg_image_ref *ref)
{
	const char *host = is_hub(ref->registry) ? "docker.io" : ref->registry;
	for (unsigned i = 0; i < c->cfg->ntrusted; i++) {
		const char *p = c->cfg->trusted[i];
		if (kg_image_registry_match(ref, p) || (strchr(p, '*') && kg_df_registry_match(p, host)) ||
		    (is_hub(host) && is_hub(p)))
			return true;
	}
	return false;
}

/* An image used by FROM, COPY --from or RUN --mount from=; `what` names the place. */
void ck_check_registry(struct ck *c, const struct kg_df_instr *in, const char *image, const char *what)
{
	struct kg_image_ref ref;
	if (!c->cfg->ntrusted || unresolved(image) || !strcasecmp(image, "scratch") || kg_image_parse(image, &ref))
		return;
	if (registry_trusted(c, &ref))
		return;
	ck_emit(c, DFR_UNTRUSTED_REGISTRY, in, in->line, in->col,
		"%s image '%s' comes from registry '%s', which is not in trustedRegistries", what, image, ref.registry);
}

/* ---- FROM ---- */

static void do_from(struct ck *c, const struct kg_df_instr *in)
{
	if (c->nst >= KG_DF_MAX_STAGES) {
		cap_reached(c, in, "more than 4096 build stages");
		return;
	}
	if (c->nst == c->ast) {
		unsigned na = c->ast ? c->ast * 2 : 8;
		struct ck_stage *ns = kg_arena_alloc(c->a, na * sizeof(*ns));
		if (c->nst)
			memcpy(ns, c->st, c->nst * sizeof(*ns));
		c->st = ns;
		c->ast = na;
	}
	unsigned idx = c->nst++;
	struct ck_stage *s = &c->st[idx];
	memset(s, 0, sizeof(*s));
	s->from = in;
	s->parent = -1;
	c->cur = (int)idx;
	if (!in->nargs)
		return;
	const char *raw = in->args[0];
	const char *image = expand_meta(c, raw);
	s->image = image ? image : raw;
	if (in->nargs >= 3 && !strcasecmp(in->args[1], "as"))
		s->name = lower(c, in->args[2]);
	int parent = stage_by_name(c, s->image);
	if (parent >= 0) {
		struct ck_stage *p = &c->st[parent];
		s->parent = parent;
		vm_copy(c, &s->env, &p->env); /* ENV, WORKDIR, SHELL and HEALTHCHECK carry over */
		s->workdir_abs = p->workdir_abs;
		s->workdir_any = p->workdir_any;
		s->healthcheck = p->healthcheck;
		s->pipefail = p->pipefail;
		s->nonposix = p->nonposix;
		s->apt_no_recommends = p->apt_no_recommends;
		s->apt_assume_yes = p->apt_assume_yes;
	}
	if (s->name) {
		if (stage_by_name(c, s->name) >= 0)
			ck_emit(c, DFR_STAGE_DUPLICATE, in, in->line, in->col, "stage name '%s' is already used by an earlier stage",
				s->name);
		if (strlen(s->name) < 256)
			vm_put(c, &c->names, s->name, NULL, (int)idx);
		if (!strcmp(s->name, "scratch") || !strcmp(s->name, "context"))
			ck_emit(c, DFR_STAGE_RESERVED, in, in->line, in->col, "stage name '%s' is a reserved word", s->name);
	}
	if (parent >= 0 || !strcasecmp(s->image, "scratch"))
		return;
	ck_check_registry(c, in, s->image, "base");
	if (unresolved(s->image))
		return;
	struct imgref r;
	parse_image(c, s->image, &r);
	const char *shown = strcmp(raw, s->image) ? s->image : raw;
	if (r.digest)
		return;
	if (!r.tag) {
		ck_emit(c, DFR_BASE_UNTAGGED, in, in->line, in->col,
			"base image '%s' has no tag: the build uses whatever 'latest' is at the time", shown);
		return;
	}
	if (!strcmp(r.tag, "latest")) {
		ck_emit(c, DFR_BASE_LATEST, in, in->line, in->col, "base image '%s' uses the moving 'latest' tag", shown);
		return;
	}
	ck_emit(c, DFR_BASE_UNPINNED, in, in->line, in->col, "base image '%s' is not pinned by digest (@sha256:...)",
		shown);
}

/* ---- ARG / ENV ---- */

static bool boolean_word(const char *v)
{
	static const char *const w[] = { "true", "false", "yes", "no", "on", "off", "0", "1", "none", "null", "" };
	for (unsigned i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (!strcasecmp(v, w[i]))
			return true;
	return false;
}

/* A literal that could be a secret: not empty, not only a variable reference, not a path. */
static bool literal_secret(const char *raw, const char *value)
{
	if (!value || !*value || boolean_word(value))
		return false;
	if (raw && raw[0] == '$' && unresolved(value))
		return false;
	if (value[0] == '/' || !strncmp(value, "./", 2) || !strncmp(value, "~/", 2))
		return false;
	return true;
}

static void check_var(struct ck *c, const struct kg_df_instr *in, const char *kind, const char *name,
		      const char *raw, const char *value, bool has_value)
{
	const char *what = ck_secret_value(value ? value : "");
	if (what) {
		ck_emit(c, DFR_SECRET_ENV, in, in->line, in->col, "%s %s holds a credential (%s)", kind, name, what);
		return;
	}
	const char *tls = ck_tls_env(name, value);
	if (tls)
		ck_emit(c, DFR_TLS_DISABLED, in, in->line, in->col, "%s %s=%s %s", kind, name, value ? value : "", tls);
	if (!ck_secret_name(name))
		return;
	if (has_value && literal_secret(raw, value))
		ck_emit(c, DFR_SECRET_ENV, in, in->line, in->col,
			"%s %s sets a secret-looking variable to a literal value, stored in the image for anyone "
			"who can pull it", kind, name);
	else if (!strcmp(kind, "ARG"))
		ck_emit(c, DFR_SECRET_ARG, in, in->line, in->col,
			"ARG %s looks like a secret: build arguments are recorded in the image history", name);
}

static void do_arg(struct ck *c, const struct kg_df_instr *in)
{
	for (unsigned i = 0; i < in->nargs; i++) {
		const char *w = in->args[i], *eq = strchr(w, '=');
		char *name = kg_arena_strndup(c->a, w, eq ? (size_t)(eq - w) : strlen(w));
		const char *value = NULL, *raw = eq ? eq + 1 : NULL;
		if (eq) {
			value = c->cur < 0 ? expand_meta(c, raw) : ck_expand(c, raw);
		} else if (c->cur >= 0) {
			bool found = false;
			value = var_find(&c->meta, name, &found); /* ARG NAME in a stage takes the global default */
		}
		check_var(c, in, "ARG", name, raw, value, eq != NULL);
		if (!define(c, in, c->cur < 0 ? &c->meta : &ck_stage(c)->args, name, value))
			return;
	}
}

/* $name or ${name...} in s, name not followed by a name character. */
static bool refers_to(const char *s, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strchr(s, '$'); p; p = strchr(p + 1, '$')) {
		const char *q = p + 1;
		if (*q == '{')
			q++;
		if (!strncmp(q, name, n)) {
			char e = q[n];
			if (!(isalnum((unsigned char)e) || e == '_'))
				return true;
		}
	}
	return false;
}

static void do_env(struct ck *c, const struct kg_df_instr *in)
{
	struct ck_stage *s = ck_stage(c);
	unsigned np = in->nargs / 3;
	const char **vals = kg_arena_alloc(c->a, (np + 1) * sizeof(*vals));
	/* every value is expanded with the variables as they were before this ENV */
	for (unsigned i = 0; i < np; i++) {
		const char *raw = in->args[3 * i + 1];
		const char *v = ck_expand(c, raw);
		vals[i] = v ? v : raw;
	}
	for (unsigned i = 0; i < np && np > 1; i++) {
		const char *name = in->args[3 * i];
		if (ck_lookup(c, name))
			continue;
		bool found = false;
		var_find(&s->env, name, &found);
		var_find(&s->args, name, &found);
		if (found)
			continue;
		for (unsigned j = 0; j < np; j++)
			if (j != i && refers_to(in->args[3 * j + 1], name)) {
				ck_emit(c, DFR_ENV_SELF_REFERENCE, in, in->line, in->col,
					"%s is defined and used in the same ENV: the use sees the value from before this "
					"instruction", name);
				break;
			}
	}
	for (unsigned i = 0; i < np; i++) {
		const char *name = in->args[3 * i];
		check_var(c, in, "ENV", name, in->args[3 * i + 1], vals[i], true);
		if (!define(c, in, &s->env, name, vals[i]))
			return;
	}
}

/* ---- USER / WORKDIR / EXPOSE / SHELL ---- */

static bool is_root_user(const char *u)
{
	size_t n = strcspn(u, ":");
	return (n == 4 && !strncmp(u, "root", 4)) || (n == 1 && u[0] == '0') ||
	       (n > 1 && strspn(u, "0") == n); /* 00 is uid 0 too */
}

static void do_user(struct ck *c, const struct kg_df_instr *in)
{
	struct ck_stage *s = ck_stage(c);
	if (!in->nargs)
		return;
	const char *u = ck_expand(c, in->args[0]);
	if (!u)
		u = in->args[0];
	s->user = u;
	s->user_in = in;
	if (unresolved(u))
		return;
	char *uid = kg_arena_strndup(c->a, u, strcspn(u, ":"));
	if (!all_digits(uid))
		ck_emit(c, DFR_USER_NOT_NUMERIC, in, in->line, in->col,
			"USER %s is not numeric: Kubernetes cannot verify runAsNonRoot for a user name", u);
}

static bool windows_abs(const char *p)
{
	return isalpha((unsigned char)p[0]) && p[1] == ':';
}

static void do_workdir(struct ck *c, const struct kg_df_instr *in)
{
	struct ck_stage *s = ck_stage(c);
	if (!in->nargs)
		return;
	const char *w = ck_expand(c, in->args[0]);
	if (!w)
		w = in->args[0];
	char first = w[0] == '"' || w[0] == '\'' ? w[1] : w[0];
	bool abs = first == '/' || first == '\\' || windows_abs(w[0] == '"' || w[0] == '\'' ? w + 1 : w);
	if (!abs && !unresolved(w) && !s->workdir_abs)
		ck_emit(c, DFR_WORKDIR_RELATIVE, in, in->line, in->col,
			"WORKDIR %s is relative and no absolute WORKDIR was set before it", w);
	if (abs || unresolved(w))
		s->workdir_abs = true;
	s->workdir_any = true;
}

static void do_expose(struct ck *c, const struct kg_df_instr *in)
{
	for (unsigned i = 0; i < in->nargs; i++) {
		const char *p = ck_expand(c, in->args[i]);
		if (!p || unresolved(p))
			continue;
		char *spec = kg_arena_strndup(c->a, p, strcspn(p, "/"));
		const char *proto = strchr(p, '/') ? strchr(p, '/') + 1 : "tcp";
		char *dash = strchr(spec, '-');
		if (dash)
			*dash = '\0';
		const char *lo_s = strrchr(spec, ':') ? strrchr(spec, ':') + 1 : spec; /* ip:host:container forms */
		if (!all_digits(lo_s) || (dash && !all_digits(dash + 1)))
			continue;
		unsigned long lo = strtoul(lo_s, NULL, 10), hi = dash ? strtoul(dash + 1, NULL, 10) : lo;
		if (strlen(lo_s) > 6 || (dash && strlen(dash + 1) > 6) || lo > 65535 || hi > 65535) {
			ck_emit(c, DFR_EXPOSE_INVALID, in, in->line, in->col, "EXPOSE %s: ports range from 0 to 65535", p);
			continue;
		}
		if (lo <= 22 && hi >= 22 && !strcasecmp(proto, "tcp"))
			ck_emit(c, DFR_EXPOSE_SSH, in, in->line, in->col, "EXPOSE %s exposes the SSH port 22", p);
	}
}

static void do_shell(struct ck *c, const struct kg_df_instr *in)
{
	struct ck_stage *s = ck_stage(c);
	s->pipefail = false;
	s->nonposix = false;
	if (!in->nargs)
		return;
	const char *sh = strrchr(in->args[0], '/') ? strrchr(in->args[0], '/') + 1 : in->args[0];
	if (strstr(sh, "pwsh") || strstr(sh, "powershell") || !strncasecmp(sh, "cmd", 3)) {
		s->nonposix = true;
		s->pipefail = true;
		return;
	}
	bool o = false;
	/* /bin/sh (dash on Debian) has no pipefail; hadolint counts bash, zsh and ash (busybox) */
	if (strcmp(sh, "bash") && strcmp(sh, "zsh") && strcmp(sh, "ash") && strcmp(sh, "ksh") && strcmp(sh, "mksh"))
		return;
	for (unsigned i = 1; i < in->nargs; i++) {
		const char *a = in->args[i];
		if (!strcmp(a, "pipefail") && o)
			s->pipefail = true;
		o = a[0] == '-' && a[1] != '-' && strchr(a, 'o');
	}
}

/* ---- COPY / ADD ---- */

static const char *flag_value(const struct kg_df_instr *in, const char *name)
{
	size_t n = strlen(name);
	for (unsigned i = 0; i < in->nflags; i++) {
		const char *f = in->flags[i];
		if (!strncmp(f, "--", 2) && !strncmp(f + 2, name, n) && f[2 + n] == '=')
			return f + 3 + n;
	}
	return NULL;
}

static bool is_url(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

static bool is_git_url(const char *s)
{
	size_t n = strlen(s);
	const char *hash = strchr(s, '#');
	size_t base = hash ? (size_t)(hash - s) : n;
	return !strncmp(s, "git@", 4) || !strncmp(s, "git://", 6) || (base > 4 && !strncmp(s + base - 4, ".git", 4));
}

static bool pinned_git(const char *s)
{
	const char *hash = strchr(s, '#');
	if (!hash)
		return false;
	hash++;
	size_t n = strcspn(hash, ":");
	if (n != 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)hash[i]))
			return false;
	return true;
}

static bool is_archive(const char *p)
{
	static const char *const ext[] = { ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".tar.xz",
					   ".txz", ".tar.zst", ".tzst", ".tar.lz", ".tlz", ".tar.lzma", ".tar.Z",
					   ".tZ", ".gz", ".bz2", ".xz", ".zst", ".lz", ".lzma", ".Z", ".tpz" };
	size_t n = strlen(p);
	for (unsigned i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);
		if (n > e && !strcmp(p + n - e, ext[i]))
			return true;
	}
	return false;
}

static const char *unquote(struct ck *c, const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
		return kg_arena_strndup(c->a, s + 1, n - 2);
	return s;
}

static void do_copy(struct ck *c, const struct kg_df_instr *in, bool onbuild)
{
	bool add = in->kw == KG_DF_ADD;
	struct ck_stage *s = ck_stage(c);
	if (in->nargs < 2)
		return;
	const char **v = kg_arena_alloc(c->a, in->nargs * sizeof(*v));
	for (unsigned i = 0; i < in->nargs; i++) {
		const char *e = ck_expand(c, in->args[i]);
		v[i] = e ? e : unquote(c, in->args[i]);
	}
	unsigned nsrc = in->nargs - 1;
	const char *dest = v[nsrc];
	const char *from = flag_value(in, "from");
	if (from) {
		const char *f = ck_expand(c, from);
		from = f ? f : from;
	}
	/* sources */
	bool all_archive_or_url = true;
	for (unsigned i = 0; i < nsrc; i++) {
		const char *src = v[i];
		if (!strncmp(in->args[i], "<<", 2) && in->nheredocs)
			continue; /* inline heredoc content */
		const char *what = ck_secret_path(src);
		if (what)
			ck_emit(c, DFR_SECRET_FILE, in, in->line, in->col, "%s copies %s (%s) into the image",
				add ? "ADD" : "COPY", src, what);
		if (add) {
			if (is_url(src) || is_git_url(src)) {
				if (!flag_value(in, "checksum") && !pinned_git(src))
					ck_emit(c, DFR_ADD_URL, in, in->line, in->col,
						"ADD %s downloads at build time without --checksum: the content is not "
						"verified and can change", src);
			} else if (!is_archive(src)) {
				all_archive_or_url = false;
			}
		}
	}
	if (add && !all_archive_or_url)
		ck_emit(c, DFR_ADD_LOCAL, in, in->line, in->col, "ADD used for local files or folders; use COPY");
	const char *dwhat = ck_secret_path(dest);
	if (dwhat && !strchr(dest, '*'))
		ck_emit(c, DFR_SECRET_FILE, in, in->line, in->col, "%s writes %s (%s) into the image",
			add ? "ADD" : "COPY", dest, dwhat);
	size_t dl = strlen(dest);
	if (nsrc > 1 && dl && dest[dl - 1] != '/' && !unresolved(dest))
		ck_emit(c, DFR_COPY_DEST_SLASH, in, in->line, in->col,
			"%s has %u sources, so the destination %s must end with /", add ? "ADD" : "COPY", nsrc, dest);
	if (!add && !onbuild && dl && dest[0] != '/' && dest[0] != '\\' && !windows_abs(dest) && !unresolved(dest) &&
	    !s->workdir_any)
		ck_emit(c, DFR_COPY_RELATIVE_DEST, in, in->line, in->col,
			"COPY to the relative path %s with no WORKDIR set: it lands wherever the base image's "
			"working directory is", dest);
	if (!from || add)
		return;
	if (!unresolved(from)) {
		int target = stage_by_name(c, from);
		if (s->name && !strcasecmp(from, s->name))
			ck_emit(c, DFR_COPY_FROM_SELF, in, in->line, in->col, "COPY --from=%s refers to the stage it is in", from);
		else if (target < 0 && !strchr(from, ':') && !strchr(from, '@') &&
			 !(all_digits(from) && strtoul(from, NULL, 10) < (unsigned long)c->cur))
			ck_emit(c, DFR_COPY_FROM_UNDEFINED, in, in->line, in->col,
				"COPY --from=%s names no earlier stage, so the image '%s' is pulled from a registry",
				from, from);
		if (target < 0 && !all_digits(from))
			ck_check_registry(c, in, from, "COPY --from");
	}
	for (unsigned i = 0; i < nsrc; i++)
		if (!strcmp(v[i], "/") && !strcmp(dest, "/")) {
			ck_emit(c, DFR_COPY_ENTIRE_FS, in, in->line, in->col,
				"COPY --from=%s / / copies the whole filesystem of that stage", from);
			break;
		}
}

/* ---- CMD / ENTRYPOINT / HEALTHCHECK ---- */

static void do_cmd(struct ck *c, const struct kg_df_instr *in)
{
	struct ck_stage *s = ck_stage(c);
	bool cmd = in->kw == KG_DF_CMD;
	unsigned n = cmd ? ++s->ncmd : ++s->nentry;
	if (n > 1)
		ck_emit(c, cmd ? DFR_CMD_MULTIPLE : DFR_ENTRYPOINT_MULTIPLE, in, in->line, in->col,
			"%s appears %u times in this stage; only the last one takes effect", cmd ? "CMD" : "ENTRYPOINT", n);
	if (!in->json && in->nargs && !s->nonposix)
		ck_emit(c, DFR_CMD_SHELL_FORM, in, in->line, in->col,
			"%s in shell form runs under /bin/sh -c, which does not forward SIGTERM to the program",
			cmd ? "CMD" : "ENTRYPOINT");
}

/* Instructions that only look at themselves (also under ONBUILD). */
static void local_checks(struct ck *c, const struct kg_df_instr *in, bool onbuild)
{
	switch (in->kw) {
	case KG_DF_RUN:
		ck_run(c, in);
		break;
	case KG_DF_COPY:
	case KG_DF_ADD:
		do_copy(c, in, onbuild);
		break;
	case KG_DF_MAINTAINER:
		ck_emit(c, DFR_MAINTAINER, in, in->line, in->col, "MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors");
		break;
	default:
		break;
	}
}

static void do_onbuild(struct ck *c, const struct kg_df_instr *in)
{
	const struct kg_df_instr *sub = in->sub;
	if (!sub)
		return;
	if (sub->kw == KG_DF_ONBUILD || sub->kw == KG_DF_FROM || sub->kw == KG_DF_MAINTAINER) {
		ck_emit(c, DFR_ONBUILD_FORBIDDEN, in, in->line, in->col, "ONBUILD %s is not allowed", kg_df_kw_name(sub->kw));
		return;
	}
	local_checks(c, sub, true);
}

/* ---- after the last instruction ---- */

static bool ships(const struct ck *c, int stage)
{
	int f = (int)c->nst - 1;
	for (int s = f; s >= 0; s = c->st[s].parent)
		if (s == stage)
			return true;
	return false;
}

static void final_checks(struct ck *c)
{
	if (!c->nst)
		return;
	const struct ck_stage *fin = &c->st[c->nst - 1];
	const struct kg_df_instr *at = fin->from ? fin->from : &c->df->ins[0];
	/* USER of the final stage, through its parents */
	const struct ck_stage *s = fin;
	while (!s->user && s->parent >= 0)
		s = &c->st[s->parent];
	if (s->user) {
		if (!unresolved(s->user) && is_root_user(s->user))
			ck_emit(c, DFR_ROOT_USER, s->user_in, s->user_in->line, s->user_in->col,
				"the final stage runs as USER %s%s", s->user,
				s != fin ? " (set in the stage it builds on)" : "");
	} else if (s->from && s->image && !unresolved(s->image) && !strstr(s->image, "nonroot")) {
		if (!strcasecmp(s->image, "scratch"))
			ck_emit(c, DFR_ROOT_USER, at, at->line, at->col,
				"the final stage sets no USER: a scratch image runs as uid 0");
		else
			ck_emit(c, DFR_ROOT_USER, at, at->line, at->col,
				"the final stage sets no USER: it runs as the base image's user (root unless %s sets one)",
				s->image);
	}
	if (!fin->healthcheck && fin->from)
		ck_emit(c, DFR_HEALTHCHECK_MISSING, at, at->line, at->col,
			"the final stage has no HEALTHCHECK (Kubernetes uses probes instead)");
	for (unsigned i = 0; i < c->npend; i++) {
		const struct ck_pending *p = &c->pend[i];
		if (ships(c, p->stage))
			add_finding(c, p->rule, p->in, p->line, p->col, p->msg);
	}
}

static void empty_continuations(struct ck *c)
{
	const struct kg_df *df = c->df;
	unsigned k = 0;
	for (unsigned i = 0; i < df->nempty_cont; i++) {
		uint32_t line = df->empty_cont[i];
		while (k < df->n && df->ins[k].end_line < line)
			k++;
		if (k < df->n)
			ck_emit(c, DFR_EMPTY_CONTINUATION, &df->ins[k], line, 1,
				"empty line inside the %s instruction that starts at line %u", df->ins[k].name,
				(unsigned)df->ins[k].line);
	}
}

unsigned kg_df_check(const struct kg_df *df, const struct kg_df_config *cfg, struct kg_arena *a, struct kg_report *r)
{
	struct ck c;
	memset(&c, 0, sizeof(c));
	c.df = df;
	c.cfg = cfg;
	c.a = a;
	c.r = r;
	c.cur = -1;
	if (!df->n)
		return 0;
	ck_pragmas(&c);
	bool seen_from = false;
	size_t mem0 = a->used;
	for (unsigned i = 0; i < df->n && !c.stopped; i++) {
		const struct kg_df_instr *in = &df->ins[i];
		if (a->used - mem0 > KG_DF_MAX_CHECK_MEM) {
			cap_reached(&c, in, "the check needs more than 128 MiB for this file");
			break;
		}
		if (!seen_from && in->kw != KG_DF_FROM && in->kw != KG_DF_ARG && in->kw != KG_DF_UNKNOWN)
			ck_emit(&c, DFR_BEFORE_FROM, in, in->line, in->col, "%s before the first FROM", in->name);
		switch (in->kw) {
		case KG_DF_FROM:
			seen_from = true;
			do_from(&c, in);
			break;
		case KG_DF_ARG:
			do_arg(&c, in);
			break;
		case KG_DF_ENV:
			do_env(&c, in);
			break;
		case KG_DF_USER:
			do_user(&c, in);
			break;
		case KG_DF_WORKDIR:
			do_workdir(&c, in);
			break;
		case KG_DF_EXPOSE:
			do_expose(&c, in);
			break;
		case KG_DF_SHELL:
			do_shell(&c, in);
			break;
		case KG_DF_CMD:
		case KG_DF_ENTRYPOINT:
			do_cmd(&c, in);
			break;
		case KG_DF_HEALTHCHECK: {
			struct ck_stage *s = ck_stage(&c);
			if (++s->nhealth > 1)
				ck_emit(&c, DFR_HEALTHCHECK_MULTIPLE, in, in->line, in->col,
					"HEALTHCHECK appears %u times in this stage; only the last one takes effect", s->nhealth);
			s->healthcheck = true;
			break;
		}
		case KG_DF_ONBUILD:
			ck_stage(&c);
			do_onbuild(&c, in);
			break;
		case KG_DF_RUN:
		case KG_DF_COPY:
		case KG_DF_ADD:
		case KG_DF_MAINTAINER:
			ck_stage(&c);
			local_checks(&c, in, false);
			break;
		default:
			break;
		}
	}
	final_checks(&c);
	empty_continuations(&c);
	unsigned n = 0;
	for (unsigned i = 0; i < c.nst; i++)
		n += c.st[i].from != NULL;
	return n;
}
