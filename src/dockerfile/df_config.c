/* Suppressions and configuration of the Dockerfile checks: inline pragmas (kguard and
 * hadolint), the `# check=skip=` directive, .hadolint.yaml, and the heuristics that decide
 * what looks like a secret (variable names, credential formats, key files). Also the
 * instruction-level validation `docker build` applies after parsing. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/load.h"
#include "../rules/secret_detect.h"
#include "df_ck.h"

/* ---- rule ids and peers ---- */

/* Does `id` name this rule: its own id, or a peer code such as DL3008 or CKV_DOCKER_5?
 * only_tool limits peers to one tool ("hadolint", "buildkit"). */
static bool id_matches(const char *id, const struct kg_rule *rule, const char *only_tool)
{
	if (!only_tool && !strcmp(id, rule->id))
		return true;
	const char *p = rule->peers ? rule->peers : "";
	size_t idl = strlen(id);
	while (*p) {
		size_t n = strcspn(p, " ");
		const char *colon = memchr(p, ':', n);
		if (colon) {
			size_t tl = (size_t)(colon - p), cl = n - tl - 1;
			if ((!only_tool || (strlen(only_tool) == tl && !strncmp(p, only_tool, tl))) && cl == idl &&
			    !strncmp(colon + 1, id, idl))
				return true;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return false;
}

static bool list_matches(const struct ck_ignore *l, const struct kg_rule *rule, const char *only_tool)
{
	for (unsigned i = 0; i < l->n; i++) {
		if (!strcmp(l->ids[i], "all") && only_tool && !strcmp(only_tool, "buildkit") && strstr(rule->peers, "buildkit:"))
			return true;
		if (id_matches(l->ids[i], rule, only_tool))
			return true;
	}
	return false;
}

/* ---- pragmas ---- */

struct idlist {
	const char **v;
	unsigned n, alloc;
};

static void idl_add(struct kg_arena *a, struct idlist *l, const char *s)
{
	if (l->n == l->alloc) {
		unsigned na = l->alloc ? l->alloc * 2 : 8;
		const char **nv = kg_arena_alloc(a, na * sizeof(*nv));
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
		l->alloc = na;
	}
	l->v[l->n++] = s;
}

enum scope { SCOPE_NEXT, SCOPE_STAGE, SCOPE_GLOBAL };

static bool id_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

/* "kguard ignore=a,b", "kguard global ignore=a", "hadolint stage ignore=DL3008 # why".
 * Returns the number of ids added to *out, or -1 when the comment is not such a pragma. */
static int parse_pragma(struct kg_arena *a, const char *t, const char *tool, enum scope *scope, struct idlist *out)
{
	size_t tl = strlen(tool);
	const char *p = t;
	if (strncmp(p, tool, tl) || (p[tl] != ' ' && p[tl] != '\t'))
		return -1;
	p += tl;
	while (*p == ' ' || *p == '\t')
		p++;
	*scope = SCOPE_NEXT;
	if (!strncmp(p, "global", 6) && (p[6] == ' ' || p[6] == '\t')) {
		*scope = SCOPE_GLOBAL;
		p += 6;
	} else if (!strncmp(p, "stage", 5) && (p[5] == ' ' || p[5] == '\t')) {
		*scope = SCOPE_STAGE;
		p += 5;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "ignore", 6))
		return -1;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '=')
		return -1;
	unsigned before = out->n;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *s = p;
		while (id_char(*p))
			p++;
		if (p == s)
			return -1;
		idl_add(a, out, kg_arena_strndup(a, s, (size_t)(p - s)));
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != ',')
			break;
		p++;
	}
	if (*p && *p != '#' && strncmp(p, "--", 2)) {
		out->n = before;
		return -1;
	}
	return (int)(out->n - before);
}

static int pragma(const struct ck *c, const char *text, enum scope *scope, struct idlist *out)
{
	int n = parse_pragma(c->a, text, "kguard", scope, out);
	if (n >= 0)
		return n;
	if (c->cfg->hadolint && c->cfg->hadolint->disable_ignore_pragma)
		return -1;
	return parse_pragma(c->a, text, "hadolint", scope, out);
}

void ck_pragmas(struct ck *c)
{
	const struct kg_df *df = c->df;
	struct idlist global = { 0 }, stage = { 0 };
	enum scope sc;
	for (unsigned i = 0; i < df->ncomments; i++) {
		struct idlist tmp = { 0 };
		if (pragma(c, df->comments[i].text, &sc, &tmp) > 0 && sc == SCOPE_GLOBAL)
			for (unsigned k = 0; k < tmp.n; k++)
				idl_add(c->a, &global, tmp.v[k]);
	}
	/* `# check=skip=A,B;error=true` skips BuildKit checks by their names */
	if (df->check) {
		const char *s = strstr(df->check, "skip=");
		if (s) {
			s += 5;
			while (*s && *s != ';') {
				size_t n = strcspn(s, ",;");
				char *id = kg_arena_strndup(c->a, s, n);
				for (char *q = id; *q; q++)
					if (*q == ' ')
						*q = '\0';
				idl_add(c->a, &global, kg_arena_printf(c->a, "buildkit/%s", id));
				s += n;
				if (*s == ',')
					s++;
			}
		}
	}
	c->global.ids = global.v;
	c->global.n = global.n;
	c->per = kg_arena_zalloc(c->a, df->n * sizeof(*c->per));
	for (unsigned i = 0; i < df->n; i++) {
		const struct kg_df_instr *in = &df->ins[i];
		struct idlist next = { 0 };
		if (in->kw == KG_DF_FROM)
			stage.n = 0;
		for (unsigned k = 0; k < in->ncomments; k++) {
			struct idlist tmp = { 0 };
			if (pragma(c, in->comments[k].text, &sc, &tmp) <= 0)
				continue;
			for (unsigned j = 0; j < tmp.n; j++)
				if (sc == SCOPE_NEXT)
					idl_add(c->a, &next, tmp.v[j]);
				else if (sc == SCOPE_STAGE)
					idl_add(c->a, &stage, tmp.v[j]);
		}
		for (unsigned j = 0; j < stage.n; j++)
			idl_add(c->a, &next, stage.v[j]);
		c->per[i].ids = next.v;
		c->per[i].n = next.n;
	}
}

bool ck_ignored(const struct ck *c, const struct kg_rule *rule, const struct kg_df_instr *in)
{
	for (unsigned i = 0; i < c->global.n; i++) {
		const char *id = c->global.ids[i];
		if (!strncmp(id, "buildkit/", 9)) {
			struct ck_ignore one = { &c->global.ids[i], 1 };
			const char *name = id + 9;
			one.ids = &name;
			if (list_matches(&one, rule, "buildkit"))
				return true;
		} else if (id_matches(id, rule, NULL)) {
			return true;
		}
	}
	if (in && c->per && in->index < c->df->n && list_matches(&c->per[in->index], rule, NULL))
		return true;
	const struct kg_hl_config *hl = c->cfg->hadolint;
	if (hl) {
		struct ck_ignore l = { hl->ignored, hl->nignored };
		if (list_matches(&l, rule, NULL))
			return true;
	}
	return false;
}

enum kg_severity ck_severity(const struct ck *c, const struct kg_rule *rule)
{
	const struct kg_hl_config *hl = c->cfg->hadolint;
	for (unsigned i = 0; hl && i < hl->noverride; i++)
		if (id_matches(hl->override[i].code, rule, "hadolint") || !strcmp(hl->override[i].code, rule->id))
			return hl->override[i].severity;
	return rule->severity;
}

/* ---- .hadolint.yaml ---- */

int kg_hl_severity(const char *level)
{
	static const struct {
		const char *name;
		enum kg_severity sev;
	} m[] = { { "error", KG_SEV_HIGH }, { "warning", KG_SEV_MEDIUM }, { "info", KG_SEV_LOW },
		  { "style", KG_SEV_INFO }, { "ignore", KG_SEV_INFO }, { "none", KG_SEV_NONE } };
	for (unsigned i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcasecmp(level, m[i].name))
			return (int)m[i].sev;
	return -1;
}

struct hl_load {
	struct kg_arena *a;
	struct kg_hl_config *out;
	struct kg_diag *err;
	const char *path;
	int failed;
};

static int bad(struct hl_load *l, const struct kg_node *n, const char *msg)
{
	if (!l->failed)
		kg_diag_set(l->err, l->path, n ? n->line : 0, n ? n->col : 0, "%s", msg);
	l->failed = 1;
	return 1;
}

/* A string or a list of strings, copied into the arena. */
static int str_list(struct hl_load *l, const struct kg_node *n, const char ***out, unsigned *nout, const char *msg)
{
	if (kg_str(n)) {
		const char **v = kg_arena_alloc(l->a, sizeof(*v));
		v[0] = kg_arena_strdup(l->a, kg_str(n));
		*out = v;
		*nout = 1;
		return 0;
	}
	if (n && n->type == KG_NULL) {
		*nout = 0;
		return 0;
	}
	if (!kg_is_seq(n))
		return bad(l, n, msg);
	const char **v = kg_arena_alloc(l->a, (n->len + 1) * sizeof(*v));
	for (uint32_t i = 0; i < n->len; i++) {
		const char *s = kg_str(n->v.items[i]);
		if (!s)
			return bad(l, n->v.items[i], msg);
		v[i] = kg_arena_strdup(l->a, s);
	}
	*out = v;
	*nout = n->len;
	return 0;
}

static int hl_doc(void *ctx, const struct kg_doc *doc)
{
	struct hl_load *l = ctx;
	struct kg_hl_config *o = l->out;
	const struct kg_node *root = doc->root;
	if (root->type == KG_NULL)
		return 0;
	if (!kg_is_map(root))
		return bad(l, root, "a hadolint configuration must be a mapping");
	const struct kg_node *n;
	if ((n = kg_map_get(root, "ignored")) &&
	    str_list(l, n, &o->ignored, &o->nignored, "ignored must be a list of rule codes"))
		return 1;
	if ((n = kg_map_get(root, "trustedRegistries"))) {
		if (str_list(l, n, &o->trusted, &o->ntrusted, "trustedRegistries must be a registry or a list of registries"))
			return 1;
		o->has_trusted = true;
	}
	if ((n = kg_map_get(root, "override"))) {
		if (n->type != KG_NULL && !kg_is_map(n))
			return bad(l, n, "override must map error/warning/info/style to lists of rule codes");
		unsigned total = 0;
		for (uint32_t i = 0; kg_is_map(n) && i < n->len; i++)
			total += kg_is_seq(n->v.pairs[i].value) ? n->v.pairs[i].value->len : 1;
		struct kg_hl_override *ov = kg_arena_alloc(l->a, (total + 1) * sizeof(*ov));
		o->override = ov;
		o->noverride = 0;
		for (uint32_t i = 0; kg_is_map(n) && i < n->len; i++) {
			const struct kg_pair *p = &n->v.pairs[i];
			int sev = kg_hl_severity(p->key);
			if (sev <= 0 || !strcmp(p->key, "ignore")) {
				struct kg_node at = { 0 };
				at.line = p->line;
				at.col = p->col;
				return bad(l, &at, "override levels are error, warning, info and style");
			}
			const char **codes;
			unsigned nc;
			if (str_list(l, p->value, &codes, &nc, "override lists must hold rule codes"))
				return 1;
			for (unsigned k = 0; k < nc; k++)
				ov[o->noverride++] = (struct kg_hl_override){ codes[k], (enum kg_severity)sev };
		}
	}
	if ((n = kg_map_get(root, "failure-threshold"))) {
		int sev = kg_str(n) ? kg_hl_severity(kg_str(n)) : -1;
		if (sev < 0)
			return bad(l, n, "failure-threshold must be error, warning, info, style, ignore or none");
		o->failure_threshold = sev;
	}
	if ((n = kg_map_get(root, "no-fail"))) {
		if (n->type != KG_BOOL)
			return bad(l, n, "no-fail must be true or false");
		o->no_fail = n->v.b;
	}
	if ((n = kg_map_get(root, "disable-ignore-pragma"))) {
		if (n->type != KG_BOOL)
			return bad(l, n, "disable-ignore-pragma must be true or false");
		o->disable_ignore_pragma = n->v.b;
	}
	return 0;
}

static void hl_error(void *ctx, const struct kg_diag *d)
{
	struct hl_load *l = ctx;
	if (!l->failed)
		*l->err = *d;
	l->failed = 1;
}

int kg_hl_config_load(const char *path, struct kg_arena *arena, struct kg_hl_config *out, struct kg_diag *err)
{
	memset(out, 0, sizeof(*out));
	out->failure_threshold = -1;
	out->path = kg_arena_strdup(arena, path);
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		kg_diag_set(err, out->path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct kg_loader *L = kg_loader_new(NULL);
	struct hl_load l = { arena, out, err, out->path, 0 };
	struct kg_load_sink sink = { &l, hl_doc, hl_error };
	kg_loader_file(L, out->path, fp, &sink);
	kg_loader_free(L);
	fclose(fp);
	return l.failed ? -1 : 0;
}

/* ---- what looks like a secret ---- */

static bool in_set(const char *w, const char *const *set)
{
	for (unsigned i = 0; set[i]; i++)
		if (!strcmp(w, set[i]))
			return true;
	return false;
}

bool ck_secret_name(const char *name)
{
	static const char *const strong[] = { "password", "passwd", "pwd", "pword", "pass", "passphrase", "secret",
					      "secrets", "token", "tokens", "apikey", "credential", "credentials",
					      "creds", "privatekey", NULL };
	static const char *const keyed[] = { "api", "private", "access", "secret", "ssh", "signing", "encryption",
					     "encrypt", "master", "client", "app", "account", "service", "license",
					     "aws", "session", "consumer", "deploy", "webhook", "jwt", "hmac", "ssl",
					     "tls", "crypt", "cookie", "storage", NULL };
	static const char *const excl[] = { "public", "pub", "file", "files", "path", "dir", "url", "uri", "id",
					    "version", "name", "names", "length", "len", "size", "type", "mode",
					    "format", "algorithm", "algo", "ttl", "expiry", "expires", "expiration",
					    "location", "host", "endpoint", "policy", "enabled", "enable", "required",
					    "prefix", "suffix", "fingerprint", "gpg", "pgp", "keyring", "keyserver",
					    "count", "max", "min", "timeout", "header", "rotation", "index", "field",
					    "regex", "pattern", "provider", "kind", "hint", "strength", "user",
					    "username", "dist", "example", "sample", NULL };
	if (!strcasecmp(name, "AWS_ACCESS_KEY_ID"))
		return true; /* the key's other half; always leaked together */
	char words[16][32];
	unsigned nw = 0;
	size_t wl = 0;
	for (const char *p = name;; p++) {
		bool sep = !*p || *p == '_' || *p == '-' || *p == '.';
		bool camel = *p && p > name && islower((unsigned char)p[-1]) && isupper((unsigned char)*p);
		if ((sep || camel) && wl) {
			words[nw][wl] = '\0';
			if (++nw == 16)
				break;
			wl = 0;
		}
		if (!*p)
			break;
		if (!sep && wl < 31)
			words[nw][wl++] = (char)tolower((unsigned char)*p);
	}
	bool hit = false;
	for (unsigned i = 0; i < nw; i++) {
		if (in_set(words[i], excl))
			return false;
		if (in_set(words[i], strong) || (!strcmp(words[i], "key") && (nw == 1 || (i && in_set(words[i - 1], keyed)))) ||
		    (i == nw - 1 && i && (!strcmp(words[i], "auth") || !strcmp(words[i], "pat"))))
			hit = true;
	}
	return hit;
}

/* The shared detector's fixed-shape formats (private keys, cloud and forge tokens, JWTs, URLs with
 * a password); the name-based test stays ck_secret_name's. */
const char *ck_secret_value(const char *v)
{
	struct kg_secret_hit hit;
	if (!v || !kg_secret_scan_value(NULL, v, strlen(v), &hit))
		return NULL;
	return kg_secret_kind_name(hit.kind);
}

static bool contains_any(const char *s, const char *const *needles)
{
	for (unsigned i = 0; needles[i]; i++)
		if (strstr(s, needles[i]))
			return true;
	return false;
}

const char *ck_secret_path(const char *path)
{
	char low[512];
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= sizeof(low))
		return NULL;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)path[i]);
	low[n] = '\0';
	const char *base = strrchr(low, '/') ? strrchr(low, '/') + 1 : low;
	static const char *const sshkeys[] = { "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk",
					       "id_ed25519_sk", NULL };
	static const char *const credfiles[] = { ".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".pgpass",
						 ".htpasswd", ".dockercfg", ".vault-token", ".s3cfg", ".boto", NULL };
	static const char *const envok[] = { ".example", ".sample", ".template", ".dist", ".defaults", ".tpl", NULL };
	static const char *const certish[] = { "cert", "chain", "bundle", "ca-", "ca.", "_ca", "-ca", "public", "pub",
					       "root", "trust", NULL };
	static const char *const pubkey[] = { "gpg", "pub", "public", "asc", "signing", "archive", "keyring", "repo",
					      "release", NULL };
	if (in_set(base, sshkeys))
		return "SSH private key";
	if (!strcmp(base, ".env") || (!strncmp(base, ".env.", 5) && !contains_any(base + 4, envok)))
		return "environment file, usually with secrets";
	if (in_set(base, credfiles))
		return "credentials file";
	if (!strcmp(low, ".aws/credentials") || strstr(low, "/.aws/credentials") || !strcmp(low, ".aws") ||
	    (n >= 5 && !strcmp(low + n - 5, "/.aws")))
		return "AWS credentials";
	if (strstr(low, ".docker/config.json"))
		return "Docker registry credentials";
	if (!strcmp(base, "kubeconfig") || strstr(low, ".kube/config") || !strcmp(low, ".kube") ||
	    (n >= 6 && !strcmp(low + n - 6, "/.kube")))
		return "Kubernetes credentials";
	if (!strcmp(base, ".ssh"))
		return "SSH directory";
	if ((strstr(low, "/.ssh/") || !strncmp(low, ".ssh/", 5)) && strcmp(base, "known_hosts") && strcmp(base, "config") &&
	    strcmp(base, "authorized_keys") && !strstr(base, ".pub"))
		return "file from an SSH directory";
	if (!strcmp(base, ".gnupg") || strstr(low, ".gnupg/private-keys"))
		return "GnuPG private keyring";
	size_t bl = strlen(base);
	if (bl > 4 && !strcmp(base + bl - 4, ".pem") && !contains_any(base, certish))
		return "PEM file, usually a private key";
	if (bl > 4 && !strcmp(base + bl - 4, ".key") && !contains_any(base, pubkey))
		return "private key";
	if (bl > 4 && (!strcmp(base + bl - 4, ".p12") || !strcmp(base + bl - 4, ".pfx") ||
		       !strcmp(base + bl - 4, ".jks") || !strcmp(base + bl - 4, ".ppk")))
		return "key store";
	if (bl > 9 && !strcmp(base + bl - 9, ".keystore"))
		return "key store";
	if ((strstr(base, "service-account") || strstr(base, "serviceaccount") || strstr(base, "credentials")) &&
	    bl > 5 && !strcmp(base + bl - 5, ".json"))
		return "cloud credentials";
	return NULL;
}

/* ---- what `docker build` rejects after parsing ---- */

static bool flag_allowed(enum kg_df_kw kw, const char *name, size_t n)
{
	static const char *const from[] = { "platform", NULL };
	static const char *const copy[] = { "from", "chown", "chmod", "link", "parents", "exclude", NULL };
	static const char *const add[] = { "chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack", NULL };
	static const char *const run[] = { "mount", "network", "security", "device", NULL };
	static const char *const hc[] = { "interval", "timeout", "start-period", "start-interval", "retries", NULL };
	const char *const *set = kw == KG_DF_FROM ? from : kw == KG_DF_COPY ? copy : kw == KG_DF_ADD ? add
				 : kw == KG_DF_RUN ? run : kw == KG_DF_HEALTHCHECK ? hc : NULL;
	for (unsigned i = 0; set && set[i]; i++)
		if (strlen(set[i]) == n && !strncmp(set[i], name, n))
			return true;
	return false;
}

static unsigned validate_one(const struct kg_df *df, const struct kg_df_instr *in, kg_df_error_fn on_error, void *ctx)
{
	struct kg_diag d;
	unsigned errs = 0;
#define ERR(...)                                                             \
	do {                                                                  \
		kg_diag_set(&d, df->file, in->line, in->col, __VA_ARGS__);    \
		if (on_error)                                                 \
			on_error(ctx, &d);                                    \
		errs++;                                                       \
	} while (0)
	const char *kw = kg_df_kw_name(in->kw);
	if (in->kw == KG_DF_UNKNOWN) {
		ERR("unknown instruction: %s", in->name);
		return errs;
	}
	for (unsigned i = 0; i < in->nflags; i++) {
		const char *f = in->flags[i];
		const char *name = f[0] == '-' && f[1] == '-' ? f + 2 : f;
		size_t n = strcspn(name, "=");
		if (!flag_allowed(in->kw, name, n))
			ERR("unknown flag: %.*s", (int)n, name);
	}
	unsigned nargs = in->nargs;
	switch (in->kw) {
	case KG_DF_FROM:
		if (nargs != 1 && !(nargs == 3 && !strcasecmp(in->args[1], "as")))
			ERR("FROM requires either one or three arguments");
		break;
	case KG_DF_COPY:
	case KG_DF_ADD:
		if (nargs < 2)
			ERR("%s requires at least two arguments, but only %u provided", kw, nargs);
		break;
	case KG_DF_ARG:
	case KG_DF_ENV:
	case KG_DF_LABEL:
	case KG_DF_EXPOSE:
	case KG_DF_VOLUME:
	case KG_DF_CMD:
	case KG_DF_ENTRYPOINT:
	case KG_DF_RUN:
		if (!nargs && !(in->kw == KG_DF_CMD || in->kw == KG_DF_ENTRYPOINT) && !in->json)
			ERR("%s requires at least one argument", kw);
		break;
	case KG_DF_ONBUILD:
		if (!in->sub)
			ERR("ONBUILD requires at least one argument");
		break;
	case KG_DF_USER:
	case KG_DF_WORKDIR:
	case KG_DF_STOPSIGNAL:
	case KG_DF_MAINTAINER:
		if (nargs != 1)
			ERR("%s requires exactly one argument", kw);
		break;
	case KG_DF_SHELL:
		if (!in->json)
			ERR("SHELL requires the arguments to be in JSON form");
		else if (!nargs)
			ERR("SHELL requires at least one argument");
		break;
	case KG_DF_HEALTHCHECK:
		if (nargs && strcasecmp(in->args[0], "CMD") && strcasecmp(in->args[0], "NONE"))
			ERR("Unknown type \"%s\" in HEALTHCHECK (try CMD)", in->args[0]);
		else if (nargs == 1 && !strcasecmp(in->args[0], "CMD"))
			ERR("Missing command after HEALTHCHECK CMD");
		break;
	default:
		break;
	}
	/* words BuildKit expands before it uses them: an unbalanced quote fails the build */
	bool expands = in->kw == KG_DF_LABEL || in->kw == KG_DF_ENV || in->kw == KG_DF_ARG || in->kw == KG_DF_USER ||
		       in->kw == KG_DF_WORKDIR || in->kw == KG_DF_EXPOSE || in->kw == KG_DF_FROM ||
		       in->kw == KG_DF_STOPSIGNAL || ((in->kw == KG_DF_COPY || in->kw == KG_DF_ADD || in->kw == KG_DF_VOLUME) &&
						      !in->json);
	for (unsigned i = 0; expands && i < nargs; i++) {
		struct kg_df_lex lx = { df->escape, false, false, true, NULL, NULL };
		struct kg_arena a;
		char *out, err[256];
		if ((in->kw == KG_DF_ENV || in->kw == KG_DF_LABEL) && i % 3 == 2)
			continue; /* the separator of a triple */
		kg_arena_init(&a, 1024);
		if (kg_df_expand(&lx, &a, in->args[i], strlen(in->args[i]), &out, err, sizeof(err))) {
			struct kg_buf q = KG_BUF_INIT;
			kg_buf_init(&q, 0);
			kg_df_goquote(&q, in->args[i], strlen(in->args[i]));
			ERR("failed to process %.200s: %s", q.data, err);
			kg_buf_release(&q);
		}
		kg_arena_release(&a);
	}
	if (in->sub)
		errs += validate_one(df, in->sub, on_error, ctx);
#undef ERR
	return errs;
}

unsigned kg_df_validate(const struct kg_df *df, kg_df_error_fn on_error, void *ctx)
{
	unsigned errs = 0;
	for (unsigned i = 0; i < df->n; i++)
		errs += validate_one(df, &df->ins[i], on_error, ctx);
	return errs;
}
