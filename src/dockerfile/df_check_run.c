/* RUN analysis: the script of a RUN (shell form, exec form with sh -c, or heredoc bodies) is
 * split into commands (df_shell.c) and each command is checked: downloads piped into shells,
 * TLS and signature checks turned off, sudo, chmod, package managers without versions or
 * without cleaning their caches, pipes without pipefail. Findings point at the command's own
 * line and column inside multi-line instructions. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "df_ck.h"

#define MAX_VIEWS 4096
#define MAX_OPS 256

struct view {
	struct kg_sh_view v;
	const struct ck_script *sc;
	const struct kg_sh *sh;
	unsigned idx; /* command index in sh */
};

struct run {
	struct ck *c;
	const struct kg_df_instr *in;
	struct ck_stage *s;
	struct view *v;
	unsigned n;
	bool has_pipe;
	bool pipefail_set;
};

static bool eq(const char *a, const char *b)
{
	return !strcmp(a, b);
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !strcmp(s + n - m, suf);
}

static bool is_shell(const char *n)
{
	return eq(n, "sh") || eq(n, "bash") || eq(n, "dash") || eq(n, "zsh") || eq(n, "ash") || eq(n, "ksh") ||
	       eq(n, "mksh");
}

static bool is_interp(const char *n)
{
	return !strncmp(n, "python", 6) || eq(n, "perl") || eq(n, "ruby") || eq(n, "node") || eq(n, "php");
}

static void at(const struct view *w, unsigned *line, unsigned *col)
{
	ck_pos(w->sc, w->v.cmd->off, line, col);
}

#define EMIT(r, w, rule, ...)                                                    \
	do {                                                                      \
		unsigned l_, c_;                                                  \
		at(w, &l_, &c_);                                                  \
		ck_emit((r)->c, rule, (r)->in, l_, c_, __VA_ARGS__);              \
	} while (0)

#define HOLD(r, w, rule, ...)                                                    \
	do {                                                                      \
		unsigned l_, c_;                                                  \
		at(w, &l_, &c_);                                                  \
		ck_hold((r)->c, rule, (r)->in, l_, c_, __VA_ARGS__);              \
	} while (0)

/* --mount=type=cache|tmpfs,...,target=<path containing frag> */
static bool cache_mount(const struct kg_df_instr *in, const char *frag)
{
	for (unsigned i = 0; i < in->nflags; i++) {
		const char *f = in->flags[i];
		if (strncmp(f, "--mount=", 8))
			continue;
		bool cache = false, hit = false;
		char buf[1024];
		snprintf(buf, sizeof(buf), "%s", f + 8);
		for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
			if (eq(kv, "type=cache") || eq(kv, "type=tmpfs"))
				cache = true;
			if ((!strncmp(kv, "target=", 7) || !strncmp(kv, "dst=", 4) || !strncmp(kv, "destination=", 12)) &&
			    strstr(kv, frag))
				hit = true;
		}
		if (cache && hit)
			return true;
	}
	return false;
}

/* A -x cluster ("-fsSLk") holding letter c, or --long / --long=v. */
static bool opt(const struct kg_sh_view *v, char c, const char *lng)
{
	for (unsigned i = 0; i < v->nargs; i++) {
		const char *a = v->args[i].s;
		if (a[0] != '-')
			continue;
		if (a[1] == '-') {
			if (lng) {
				size_t n = strcspn(a + 2, "=");
				if (n == strlen(lng) && !strncmp(a + 2, lng, n))
					return true;
			}
			continue;
		}
		if (!c)
			continue;
		bool letters = a[1] != '\0';
		for (const char *p = a + 1; *p; p++)
			if (!isalpha((unsigned char)*p))
				letters = false;
		if (letters && strchr(a + 1, c))
			return true;
	}
	return false;
}

static bool arg_prefix(const struct kg_sh_view *v, const char *prefix)
{
	for (unsigned i = 0; i < v->nargs; i++)
		if (!strncasecmp(v->args[i].s, prefix, strlen(prefix)))
			return true;
	return false;
}

static bool arg_contains_ci(const struct kg_sh_view *v, const char *needle)
{
	for (unsigned i = 0; i < v->nargs; i++)
		if (strcasestr(v->args[i].s, needle))
			return true;
	return false;
}

/* Names of packages that fail `pinned`, as "a, b, c"; false when all are pinned. */
static bool unpinned_list(const struct kg_sh_view *v, const char *const *takes_value, const char *const *skip,
			  bool (*pinned)(const char *), char *out, size_t size)
{
	const struct kg_sh_word *ops[MAX_OPS];
	unsigned n = kg_sh_operands(v, takes_value, ops, MAX_OPS), bad = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		const char *p = ops[i]->s;
		bool sk = false;
		for (unsigned k = 0; skip && skip[k]; k++)
			if (eq(p, skip[k]))
				sk = true;
		if (sk || (ops[i]->flags & KG_SH_EXPANDS) || !*p || pinned(p))
			continue;
		if (bad < 3) {
			size_t l = strlen(out);
			snprintf(out + l, size - l, "%s%s", bad ? ", " : "", p);
		} else if (bad == 3) {
			size_t l = strlen(out);
			snprintf(out + l, size - l, ", ...");
		}
		bad++;
	}
	return bad > 0;
}

/* ---- pinning predicates ---- */

static bool apt_pinned(const char *p)
{
	return strchr(p, '=') || strchr(p, '/') || ends_with(p, ".deb");
}

static bool apk_pinned(const char *p)
{
	return strpbrk(p, "=~<>") || ends_with(p, ".apk");
}

static bool zypper_pinned(const char *p)
{
	return strpbrk(p, "=<>") || ends_with(p, ".rpm");
}

static bool gem_pinned(const char *p)
{
	return strchr(p, ':') != NULL;
}

static bool rpm_pinned(const char *p)
{
	if (p[0] == '@' || ends_with(p, ".rpm"))
		return true;
	const char *dash = strchr(p, '-');
	if (!dash)
		return false;
	bool digit = false;
	for (const char *q = dash + 1; *q; q++) {
		if (*q == '-')
			continue;
		if (!(isalnum((unsigned char)*q) || strchr(".~^_:+", *q)))
			return false;
		if (isdigit((unsigned char)*q) && (q == dash + 1 || q[-1] == '-'))
			digit = true;
	}
	return digit;
}

static bool pip_pinned(const char *p)
{
	static const char *const vcs[] = { "git+", "git:", "hg+", "svn+", "svn:", "bzr+", NULL };
	bool is_vcs = false;
	for (int i = 0; vcs[i]; i++)
		if (!strncmp(p, vcs[i], strlen(vcs[i])))
			is_vcs = true;
	if (is_vcs)
		return strchr(p, '@') != NULL;
	return strpbrk(p, "=<>!~") || ends_with(p, ".whl") || ends_with(p, ".tar.gz") || ends_with(p, ".zip") ||
	       strchr(p, '/') || p[0] == '.';
}

static bool npm_pinned(const char *p)
{
	if (!strncmp(p, "git://", 6) || !strncmp(p, "git+", 4) || !strncmp(p, "github:", 7))
		return strchr(p, '#') != NULL;
	if (ends_with(p, ".tar") || ends_with(p, ".tar.gz") || ends_with(p, ".tgz"))
		return true;
	if (p[0] == '/' || !strncmp(p, "./", 2) || !strncmp(p, "../", 3) || !strncmp(p, "~/", 2) || !strncmp(p, "file:", 5))
		return true;
	const char *q = p;
	if (*q == '@') { /* @scope/name@version */
		q = strchr(q, '/');
		if (!q)
			return false;
	}
	const char *at = strchr(q, '@');
	return at && !eq(at + 1, "latest") && !eq(at + 1, "next");
}

static bool go_pinned(const char *p)
{
	if (eq(p, ".") || p[0] == '/' || p[0] == '.')
		return true;
	const char *at = strchr(p, '@');
	return at && !eq(at + 1, "latest") && !eq(at + 1, "none");
}

/* ---- chmod modes ---- */

struct mode_bits {
	bool world_writable, setid;
};

static bool parse_mode(const char *m, struct mode_bits *b)
{
	memset(b, 0, sizeof(*b));
	size_t n = strlen(m);
	if (n && n <= 5 && strspn(m, "01234567") == n) {
		unsigned long v = strtoul(m, NULL, 8);
		b->world_writable = (v & 02) && !(v & 01000);
		b->setid = (v & 06000) != 0;
		return true;
	}
	if (!n || strspn(m, "ugoarwxXst+-=,") != n)
		return false;
	const char *p = m;
	while (*p) {
		bool o = false, u_or_g = false, all = false;
		const char *who = p;
		while (*p && strchr("ugoa", *p)) {
			o |= *p == 'o';
			all |= *p == 'a';
			u_or_g |= *p == 'u' || *p == 'g';
			p++;
		}
		bool empty_who = p == who;
		while (*p && strchr("+-=", *p)) {
			char op = *p++;
			bool w = false, s = false;
			while (*p && strchr("rwxXst", *p)) {
				w |= *p == 'w';
				s |= *p == 's';
				p++;
			}
			if (op == '-')
				continue;
			if (w && (o || all))
				b->world_writable = true;
			if (s && (u_or_g || all || empty_who))
				b->setid = true;
		}
		if (*p == ',')
			p++;
		else if (*p)
			p++;
	}
	return true;
}

static void check_mode(struct run *r, const struct view *w, const char *mode, const char *target)
{
	struct mode_bits b;
	if (!parse_mode(mode, &b))
		return;
	const char *m = eq(w->v.name, "install") ? "-m " : "";
	if (b.world_writable)
		EMIT(r, w, DFR_CHMOD_WORLD, "%s %s%s%s%s makes files writable by every user", w->v.name, m, mode,
		     target ? " " : "", target ? target : "");
	if (b.setid)
		EMIT(r, w, DFR_SETUID, "%s %s%s%s%s sets the setuid/setgid bit", w->v.name, m, mode, target ? " " : "",
		     target ? target : "");
}

/* ---- downloads run by a shell ---- */

static bool is_fetcher(const struct kg_sh_view *v)
{
	if (eq(v->name, "curl"))
		return !opt(v, 'o', "output") && !opt(v, 'O', "remote-name");
	if (eq(v->name, "wget")) {
		for (unsigned i = 0; i < v->nargs; i++) {
			const char *a = v->args[i].s;
			size_t n = strlen(a);
			if ((n >= 3 && a[0] == '-' && a[1] != '-' && !strcmp(a + n - 2, "O-")) || eq(a, "--output-document=-") ||
			    eq(a, "-O/dev/stdout") || ((eq(a, "-O") || (a[0] == '-' && a[1] != '-' && a[n - 1] == 'O') ||
							 eq(a, "--output-document")) && i + 1 < v->nargs &&
							(eq(v->args[i + 1].s, "-") || eq(v->args[i + 1].s, "/dev/stdout"))))
				return true;
		}
		return false;
	}
	return false;
}

/* Does the interpreter read its program from standard input? */
static bool reads_program_from_stdin(const struct kg_sh_view *v)
{
	bool shell = is_shell(v->name);
	for (unsigned i = 0; i < v->nargs; i++) {
		const char *a = v->args[i].s;
		if (eq(a, "-") || (shell && eq(a, "-s")))
			return true;
		if (a[0] == '-' && a[1] != '-') {
			if (strchr(a + 1, 'c') || (!shell && (strchr(a + 1, 'e') || strchr(a + 1, 'm') ||
							      strchr(a + 1, 'r') || strchr(a + 1, 'E'))))
				return false;
			continue;
		}
		if (a[0] == '-')
			continue;
		return false; /* a script file name: stdin is data */
	}
	return true;
}

static bool pass_through(const char *n)
{
	return eq(n, "tee") || eq(n, "cat") || eq(n, "gunzip") || eq(n, "zcat") || eq(n, "base64") || eq(n, "sed") ||
	       eq(n, "tr") || eq(n, "gzip") || eq(n, "bzcat") || eq(n, "xzcat");
}

static const struct view *view_of(const struct run *r, const struct kg_sh *sh, int idx)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->v[i].sh == sh && (int)r->v[i].idx == idx)
			return &r->v[i];
	return NULL;
}

static void curl_pipe(struct run *r, const struct view *w)
{
	const struct kg_sh *sh = w->sh;
	const struct kg_sh_cmd *cmd = w->v.cmd;
	/* curl ... | [tee|gunzip ...|] sh */
	int next = cmd->pipe_to;
	for (unsigned hops = 0; next >= 0 && hops < 8; hops++) {
		const struct view *t = view_of(r, sh, next);
		if (!t)
			break;
		if ((is_shell(t->v.name) || is_interp(t->v.name)) && reads_program_from_stdin(&t->v)) {
			EMIT(r, w, DFR_CURL_PIPE_SHELL, "%s output is piped into %s and run without verification",
			     w->v.name, t->v.name);
			return;
		}
		if (!pass_through(t->v.name))
			break;
		next = t->v.cmd->pipe_to;
	}
	/* sh -c "$(curl ...)", bash <(curl ...), eval "$(curl ...)", source <(curl ...) */
	if (cmd->parent < 0)
		return;
	const struct view *p = view_of(r, sh, cmd->parent);
	if (!p || !(is_shell(p->v.name) || is_interp(p->v.name) || eq(p->v.name, "eval") || eq(p->v.name, "source") ||
		    eq(p->v.name, ".")))
		return;
	const struct kg_sh_cmd *pc = p->v.cmd;
	for (unsigned i = 0; i < pc->nw; i++) {
		const struct kg_sh_word *pw = &pc->w[i];
		if (cmd->off < pw->off || cmd->off >= pw->off + pw->len)
			continue;
		const char *src = w->sc->s + pw->off;
		if (!strncmp(src, "$(", 2) || !strncmp(src, "\"$(", 3) || !strncmp(src, "<(", 2) || src[0] == '`' ||
		    !strncmp(src, "\"`", 2))
			EMIT(r, w, DFR_CURL_PIPE_SHELL, "%s output is run by %s without verification", w->v.name, p->v.name);
		return;
	}
}

/* ---- TLS and signatures ---- */

const char *ck_tls_env(const char *name, const char *value)
{
	if (!value)
		return NULL;
	if (eq(name, "NODE_TLS_REJECT_UNAUTHORIZED") && eq(value, "0"))
		return "makes Node.js accept any TLS certificate";
	if (eq(name, "PYTHONHTTPSVERIFY") && eq(value, "0"))
		return "makes Python skip HTTPS certificate checks";
	if (eq(name, "GIT_SSL_NO_VERIFY") && *value)
		return "makes git skip TLS certificate checks";
	if ((eq(name, "NPM_CONFIG_STRICT_SSL") || eq(name, "npm_config_strict_ssl")) && !strcasecmp(value, "false"))
		return "makes npm accept any TLS certificate";
	if (eq(name, "PIP_TRUSTED_HOST") && *value)
		return "makes pip skip TLS checks for those hosts";
	if ((eq(name, "CURL_INSECURE") || eq(name, "GONOSUMDB") || eq(name, "GOINSECURE")) && *value)
		return eq(name, "GONOSUMDB") ? "turns off Go checksum database verification" : "turns off TLS verification";
	return NULL;
}

static void tls_assignments(struct run *r, const struct view *w, const struct kg_sh_word *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const char *eqs = strchr(a[i].s, '=');
		if (!eqs)
			continue;
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)(eqs - a[i].s), a[i].s);
		const char *why = ck_tls_env(name, eqs + 1);
		if (why)
			EMIT(r, w, DFR_TLS_DISABLED, "%s %s", a[i].s, why);
	}
}

static void tls_and_signatures(struct run *r, const struct view *w)
{
	const struct kg_sh_view *v = &w->v;
	const char *n = v->name;
	tls_assignments(r, w, v->cmd->assign, v->cmd->nassign);
	if (eq(n, "export") || eq(n, "declare"))
		tls_assignments(r, w, v->args, v->nargs);
	if (eq(n, "curl") && opt(v, 'k', "insecure"))
		EMIT(r, w, DFR_TLS_DISABLED, "curl -k/--insecure accepts any TLS certificate");
	if (eq(n, "wget") && opt(v, 0, "no-check-certificate"))
		EMIT(r, w, DFR_TLS_DISABLED, "wget --no-check-certificate accepts any TLS certificate");
	if ((!strncmp(n, "pip", 3) || (!strncmp(n, "python", 6) && kg_sh_has_arg(v, "pip"))) &&
	    (opt(v, 0, "trusted-host") || arg_contains_ci(v, "trusted-host")))
		EMIT(r, w, DFR_TLS_DISABLED, "pip --trusted-host skips TLS verification for that host");
	if (eq(n, "git") && arg_contains_ci(v, "sslverify")) {
		for (unsigned i = 0; i < v->nargs; i++) {
			const char *a = v->args[i].s;
			const char *nx = i + 1 < v->nargs ? v->args[i + 1].s : "";
			if (strcasestr(a, "sslverify") &&
			    (strcasestr(a, "=false") || strstr(a, "=0") || !strcasecmp(nx, "false") || eq(nx, "0"))) {
				EMIT(r, w, DFR_TLS_DISABLED, "git http.sslVerify=false accepts any TLS certificate");
				break;
			}
		}
	}
	if ((eq(n, "npm") || eq(n, "yarn") || eq(n, "pnpm")) && arg_contains_ci(v, "strict-ssl")) {
		for (unsigned i = 0; i < v->nargs; i++) {
			const char *a = v->args[i].s;
			const char *nx = i + 1 < v->nargs ? v->args[i + 1].s : "";
			if (strcasestr(a, "strict-ssl") && (strcasestr(a, "=false") || !strcasecmp(nx, "false"))) {
				EMIT(r, w, DFR_TLS_DISABLED, "%s strict-ssl false accepts any TLS certificate", n);
				break;
			}
		}
	}
	if (eq(n, "conda") && arg_contains_ci(v, "ssl_verify") && (kg_sh_has_arg(v, "false") || kg_sh_has_arg(v, "False")))
		EMIT(r, w, DFR_TLS_DISABLED, "conda ssl_verify false accepts any TLS certificate");
	for (unsigned i = 0; i < v->nargs; i++) {
		const char *a = v->args[i].s, *sv = strcasestr(a, "sslverify=");
		if (!strncmp(a, "--setopt", 8) && sv) {
			const char *val = sv + 10;
			if (*val == '\'' || *val == '"')
				val++;
			if (*val == '0' || !strncasecmp(val, "false", 5) || !strncasecmp(val, "no", 2))
				EMIT(r, w, DFR_TLS_DISABLED, "%s %s turns off TLS verification for the repositories", n, a);
		}
	}
	/* package signatures */
	if (eq(n, "apk") && opt(v, 0, "allow-untrusted"))
		EMIT(r, w, DFR_SIGNATURE_DISABLED, "apk --allow-untrusted installs unsigned packages");
	if ((eq(n, "apt-get") || eq(n, "apt") || eq(n, "aptitude")) &&
	    (opt(v, 0, "allow-unauthenticated") || opt(v, 0, "force-yes") || opt(v, 0, "allow-insecure-repositories") ||
	     arg_contains_ci(v, "AllowUnauthenticated=true") || arg_contains_ci(v, "AllowInsecureRepositories=true") ||
	     arg_contains_ci(v, "AllowUnauthenticated=1")))
		EMIT(r, w, DFR_SIGNATURE_DISABLED, "%s is told to accept unauthenticated packages", n);
	if ((eq(n, "yum") || eq(n, "dnf") || eq(n, "microdnf") || eq(n, "tdnf")) &&
	    (opt(v, 0, "nogpgcheck") || arg_contains_ci(v, "gpgcheck=0") || arg_contains_ci(v, "gpgcheck=false")))
		EMIT(r, w, DFR_SIGNATURE_DISABLED, "%s --nogpgcheck installs packages without checking signatures", n);
	if (eq(n, "rpm") && (opt(v, 0, "nosignature") || opt(v, 0, "nodigest") || opt(v, 0, "noverify") ||
			     opt(v, 0, "nofiledigest")))
		EMIT(r, w, DFR_SIGNATURE_DISABLED, "rpm is told not to verify package signatures or digests");
	if (eq(n, "echo") || eq(n, "printf") || eq(n, "tee")) {
		for (unsigned i = 0; i < v->nargs; i++) {
			const char *a = v->args[i].s;
			if (strstr(a, "[trusted=yes]") || strstr(a, "trusted=yes]") || strstr(a, "allow-insecure=yes")) {
				EMIT(r, w, DFR_SIGNATURE_DISABLED, "an apt source marked trusted=yes skips signature checks");
				break;
			}
			if (strstr(a, "gpgcheck=0")) {
				EMIT(r, w, DFR_SIGNATURE_DISABLED, "a repository written with gpgcheck=0 skips signature checks");
				break;
			}
		}
	}
}

/* ---- package managers ---- */

static const char *const apt_vals[] = { "t", "target-release", "o", "c", NULL };
static const char *const apk_vals[] = { "t", "virtual", "repository", "X", "root", "p", "keys-dir", NULL };
static const char *const pip_vals[] = { "abi", "b", "build", "e", "editable", "extra-index-url", "f", "find-links",
					"i", "index-url", "implementation", "no-binary", "only-binary", "platform",
					"prefix", "progress-bar", "proxy", "python", "python-version", "root",
					"root-user-action", "src", "t", "target", "trusted-host", "upgrade-strategy",
					"c", "constraint", "r", "requirement", "log", "cache-dir", "timeout",
					"retries", "exists-action", "cert", "client-cert", NULL };
static const char *const npm_vals[] = { "loglevel", "registry", "prefix", "cache", "userconfig", "tag", "workspace",
					"w", NULL };
static const char *const gem_vals[] = { "s", "source", "i", "install-dir", "n", "bindir", "platform", "P",
					"trust-policy", "g", "file", NULL };
static const char *const rpm_vals[] = { "c", "config", "releasever", "installroot", "enablerepo", "disablerepo",
					"repo", "repofrom", "x", "exclude", "setopt", "downloaddir", "destdir", NULL };
static const char *const zyp_vals[] = { "r", "repo", "from", "t", "type", "c", "config", "root", "R", NULL };

/* yum/dnf install operands without a version; `module install` needs name:stream. A package
 * word with $VAR is judged with the stage's ARG/ENV values: an undeclared variable is empty at
 * build time, a declared one without a value is supplied by the builder (assumed pinned). */
static bool rpm_unpinned(struct run *r, const struct kg_sh_view *v, char *out, size_t size)
{
	const struct kg_sh_word *ops[MAX_OPS];
	unsigned n = kg_sh_operands(v, rpm_vals, ops, MAX_OPS), bad = 0;
	bool module = kg_sh_has_arg(v, "module");
	out[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		const char *p = ops[i]->s;
		if (eq(p, "install") || eq(p, "module") || !*p)
			continue;
		if (ops[i]->flags & KG_SH_EXPANDS) {
			p = ck_expand_declared(r->c, p);
			if (!p)
				continue;
		}
		if (module ? strchr(p, ':') != NULL : rpm_pinned(p))
			continue;
		size_t l = strlen(out);
		if (bad < 3)
			snprintf(out + l, size - l, "%s%s", bad ? ", " : "", ops[i]->s);
		else if (bad == 3)
			snprintf(out + l, size - l, ", ...");
		bad++;
	}
	return bad > 0;
}

static bool pip_install(const struct kg_sh_view *v)
{
	if (!strncmp(v->name, "pip", 3) && strncmp(v->name, "pipenv", 6))
		return kg_sh_has_arg(v, "install");
	if (!strncmp(v->name, "python", 6))
		for (unsigned i = 0; i + 2 < v->nargs; i++)
			if (eq(v->args[i].s, "-m") && eq(v->args[i + 1].s, "pip") && eq(v->args[i + 2].s, "install"))
				return true;
	return false;
}

static bool truthy(const char *v)
{
	static const char *const t[] = { "1", "true", "on", "yes", NULL };
	for (int i = 0; v && t[i]; i++)
		if (!strcasecmp(v, t[i]))
			return true;
	return false;
}

static int find_cmd(const struct run *r, const char *const *names, const char *const *args, unsigned from)
{
	for (unsigned i = from; i < r->n; i++) {
		bool name = false;
		for (unsigned k = 0; names[k]; k++)
			if (eq(r->v[i].v.name, names[k]))
				name = true;
		if (!name)
			continue;
		for (unsigned k = 0; args[k]; k++)
			if (kg_sh_has_arg(&r->v[i].v, args[k]))
				return (int)i;
	}
	return -1;
}

static bool rm_path(const struct kg_sh_view *v, const char *prefix)
{
	return eq(v->name, "rm") && arg_prefix(v, prefix);
}

/* Cleanup of a cache after the command at index i (a later command in the same RUN). */
static bool cleaned_after(const struct run *r, unsigned i, bool (*is_clean)(const struct kg_sh_view *))
{
	for (unsigned k = i + 1; k < r->n; k++)
		if (is_clean(&r->v[k].v))
			return true;
	return false;
}

static bool apk_clean(const struct kg_sh_view *v)
{
	return rm_path(v, "/var/cache/apk") || (eq(v->name, "apk") && kg_sh_has_arg(v, "cache") && kg_sh_has_arg(v, "clean"));
}

static bool yum_clean(const struct kg_sh_view *v)
{
	return (eq(v->name, "yum") && kg_sh_has_arg(v, "clean")) || rm_path(v, "/var/cache/yum");
}

static bool dnf_rm(const struct kg_sh_view *v)
{
	return rm_path(v, "/var/cache/dnf") || rm_path(v, "/var/cache/libdnf5") || rm_path(v, "/var/cache/yum");
}

/* `dnf clean` cleans dnf's cache, `microdnf clean` microdnf's: the tool must match */
static bool dnf_clean(const struct kg_sh_view *v)
{
	return (eq(v->name, "dnf") && kg_sh_has_arg(v, "clean")) || dnf_rm(v);
}

static bool microdnf_clean(const struct kg_sh_view *v)
{
	return (eq(v->name, "microdnf") && kg_sh_has_arg(v, "clean")) || dnf_rm(v);
}

static bool zypper_clean(const struct kg_sh_view *v)
{
	return (eq(v->name, "zypper") && (kg_sh_has_arg(v, "clean") || kg_sh_has_arg(v, "cc"))) ||
	       rm_path(v, "/var/cache/zypp");
}

static bool yarn_clean(const struct kg_sh_view *v)
{
	return eq(v->name, "yarn") && kg_sh_has_arg(v, "cache") && kg_sh_has_arg(v, "clean");
}

static bool apt_lists_clean(const struct kg_sh_view *v)
{
	return rm_path(v, "/var/lib/apt/lists");
}

static void apt_get(struct run *r, const struct view *w)
{
	const struct kg_sh_view *v = &w->v;
	char names[256];
	if (!kg_sh_has_arg(v, "install"))
		return;
	static const char *const skip[] = { "install", NULL };
	if (unpinned_list(v, apt_vals, skip, apt_pinned, names, sizeof(names)))
		EMIT(r, w, DFR_APT_UNPINNED, "apt-get install %s without a version (pkg=version)", names);
	if (!opt(v, 0, "no-install-recommends") && !arg_contains_ci(v, "Install-Recommends=false") &&
	    !arg_contains_ci(v, "Install-Recommends=0") && !r->s->apt_no_recommends)
		EMIT(r, w, DFR_APT_RECOMMENDS, "apt-get install without --no-install-recommends");
	if (!(kg_sh_has_flag(v, "y") || kg_sh_has_flag(v, "yes") || kg_sh_has_flag(v, "assume-yes") ||
	      kg_sh_has_flag(v, "qq") || kg_sh_count_flag(v, "q") >= 2 || kg_sh_count_flag(v, "quiet") >= 2 ||
	      kg_sh_has_arg(v, "-q=2") || arg_contains_ci(v, "Assume-Yes=true") || r->s->apt_assume_yes))
		EMIT(r, w, DFR_APT_YES, "apt-get install without -y stops at the confirmation prompt");
}

static void packages(struct run *r, const struct view *w, unsigned i)
{
	const struct kg_sh_view *v = &w->v;
	const char *n = v->name;
	char names[256];
	if (eq(n, "apt-get")) {
		apt_get(r, w);
	} else if (eq(n, "apt")) {
		EMIT(r, w, DFR_APT_CLI, "apt is meant for interactive use; use apt-get in scripts");
	} else if (eq(n, "apk") && kg_sh_has_arg(v, "add")) {
		static const char *const skip[] = { "add", NULL };
		if (unpinned_list(v, apk_vals, skip, apk_pinned, names, sizeof(names)))
			EMIT(r, w, DFR_APK_UNPINNED, "apk add %s without a version (pkg=version)", names);
		if (!opt(v, 0, "no-cache") && !cache_mount(r->in, "/var/cache/apk") && !cleaned_after(r, i, apk_clean))
			HOLD(r, w, DFR_APK_CACHE, "apk add without --no-cache keeps the package index in the layer");
	} else if (pip_install(v)) {
		if (!opt(v, 'r', "requirement") && !opt(v, 'c', "constraint") && !kg_sh_has_arg(v, ".")) {
			static const char *const skip[] = { "install", "-m", "pip", NULL };
			if (unpinned_list(v, pip_vals, skip, pip_pinned, names, sizeof(names)))
				EMIT(r, w, DFR_PIP_UNPINNED, "pip install %s without a version (pkg==version)", names);
		}
		const char *set = strstr(r->in->text, "PIP_NO_CACHE_DIR=");
		char val[8] = "";
		if (set)
			snprintf(val, sizeof(val), "%.*s", (int)strcspn(set + 17, " \t;&|'\""), set + 17);
		bool nocache = kg_sh_has_arg(v, "--no-cache-dir") || truthy(ck_lookup(r->c, "PIP_NO_CACHE_DIR")) ||
			       cache_mount(r->in, ".cache/pip") || truthy(val) || !strncmp(v->name, "pipx", 4);
		if (!nocache)
			HOLD(r, w, DFR_PIP_CACHE, "pip install without --no-cache-dir keeps downloaded packages in the layer");
	} else if (eq(n, "npm") && (kg_sh_has_arg(v, "install") || kg_sh_has_arg(v, "i"))) {
		const struct kg_sh_word *ops[MAX_OPS];
		unsigned k = kg_sh_operands(v, npm_vals, ops, MAX_OPS);
		if (k && (eq(ops[0]->s, "install") || eq(ops[0]->s, "i"))) {
			static const char *const skip[] = { "install", "i", NULL };
			if (unpinned_list(v, npm_vals, skip, npm_pinned, names, sizeof(names)))
				EMIT(r, w, DFR_NPM_UNPINNED, "npm install %s without a version (pkg@version)", names);
		}
	} else if (eq(n, "gem") && (kg_sh_has_arg(v, "install") || kg_sh_has_arg(v, "i"))) {
		if (!opt(v, 'v', "version")) {
			static const char *const skip[] = { "install", "i", "true", "false", NULL };
			struct kg_sh_view gv = *v;
			for (unsigned k = 0; k < gv.nargs; k++)
				if (eq(gv.args[k].s, "--")) /* the rest are build options for the gem */
					gv.nargs = k;
			if (unpinned_list(&gv, gem_vals, skip, gem_pinned, names, sizeof(names)))
				EMIT(r, w, DFR_GEM_UNPINNED, "gem install %s without a version (gem:version or -v)", names);
		}
	} else if (eq(n, "go") && v->nargs && (eq(v->args[0].s, "install") || eq(v->args[0].s, "get") ||
					       eq(v->args[0].s, "run"))) {
		const struct kg_sh_word *ops[MAX_OPS];
		unsigned k = kg_sh_operands(v, NULL, ops, MAX_OPS);
		bool run = eq(v->args[0].s, "run");
		for (unsigned j = 1; j < k && (!run || j <= 1); j++) {
			if (eq(ops[j]->s, "tool") || (ops[j]->flags & KG_SH_EXPANDS) || go_pinned(ops[j]->s))
				continue;
			EMIT(r, w, DFR_GO_UNPINNED, "go %s %s without @version", v->args[0].s, ops[j]->s);
			break;
		}
	} else if (eq(n, "yum")) {
		bool install = kg_sh_has_arg(v, "install") || kg_sh_has_arg(v, "groupinstall") || kg_sh_has_arg(v, "localinstall");
		if (install && !opt(v, 'y', "assumeyes"))
			EMIT(r, w, DFR_YUM_YES, "yum install without -y stops at the confirmation prompt");
		if (kg_sh_has_arg(v, "install") && rpm_unpinned(r, v, names, sizeof(names)))
			EMIT(r, w, DFR_YUM_UNPINNED, "yum install %s without a version (pkg-version, module:stream)", names);
		if (kg_sh_has_arg(v, "install") && !cleaned_after(r, i, yum_clean) && !cache_mount(r->in, "/var/cache/yum"))
			HOLD(r, w, DFR_YUM_CACHE, "yum install without a later yum clean all in the same RUN");
	} else if (eq(n, "dnf") || eq(n, "microdnf")) {
		bool install = kg_sh_has_arg(v, "install") || kg_sh_has_arg(v, "groupinstall") || kg_sh_has_arg(v, "localinstall");
		if (install && !opt(v, 'y', "assumeyes"))
			EMIT(r, w, DFR_DNF_YES, "%s install without -y stops at the confirmation prompt", n);
		if (kg_sh_has_arg(v, "install") && !kg_sh_has_arg(v, "group") && rpm_unpinned(r, v, names, sizeof(names)))
			EMIT(r, w, DFR_DNF_UNPINNED, "%s install %s without a version (pkg-version, module:stream)", n, names);
		static const char *const inst[] = { "install", "in", "upgrade", "up", "upgrade-minimal", "up-min",
						    "reinstall", "rei", NULL };
		bool any = false;
		for (unsigned k = 0; inst[k]; k++)
			any |= kg_sh_has_arg(v, inst[k]);
		if (any && !cleaned_after(r, i, eq(n, "dnf") ? dnf_clean : microdnf_clean) && !cache_mount(r->in, "/var/cache/libdnf5") &&
		    !cache_mount(r->in, ".cache/libdnf5") && !cache_mount(r->in, "/var/cache/dnf"))
			HOLD(r, w, DFR_DNF_CACHE, "%s install without a later %s clean all in the same RUN", n, n);
	} else if (eq(n, "zypper")) {
		static const char *const inst[] = { "install", "in", "remove", "rm", "source-install", "si", "patch", NULL };
		bool any = false;
		for (unsigned k = 0; inst[k]; k++)
			any |= kg_sh_has_arg(v, inst[k]);
		if (any && !(kg_sh_has_flag(v, "non-interactive") || kg_sh_has_flag(v, "n") ||
			     kg_sh_has_flag(v, "no-confirm") || kg_sh_has_flag(v, "y")))
			EMIT(r, w, DFR_ZYPPER_YES, "zypper without -n/-y stops at the confirmation prompt");
		if (kg_sh_has_arg(v, "dist-upgrade") || kg_sh_has_arg(v, "dup"))
			EMIT(r, w, DFR_ZYPPER_DIST_UPGRADE, "zypper dist-upgrade inside an image build");
		if (kg_sh_has_arg(v, "install") || kg_sh_has_arg(v, "in")) {
			static const char *const skip[] = { "install", "in", NULL };
			if (unpinned_list(v, zyp_vals, skip, zypper_pinned, names, sizeof(names)))
				EMIT(r, w, DFR_ZYPPER_UNPINNED, "zypper install %s without a version (pkg=version)", names);
			if (!cleaned_after(r, i, zypper_clean) && !cache_mount(r->in, "/var/cache/zypp"))
				HOLD(r, w, DFR_ZYPPER_CACHE, "zypper install without a later zypper clean in the same RUN");
		}
	} else if (eq(n, "yarn") && kg_sh_has_arg(v, "install")) {
		if (!cleaned_after(r, i, yarn_clean) && !cache_mount(r->in, ".cache/yarn"))
			HOLD(r, w, DFR_YARN_CACHE, "yarn install without a later yarn cache clean in the same RUN");
	}
}

/* Whole-RUN checks for apt: lists left behind, update without install. */
static void apt_run(struct run *r)
{
	static const char *const upd_names[] = { "apt-get", "apt", "aptitude", NULL };
	static const char *const upd[] = { "update", NULL };
	static const char *const inst[] = { "install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep",
					    "reinstall", NULL };
	int u = find_cmd(r, upd_names, upd, 0);
	if (u >= 0) {
		bool cleaned = cleaned_after(r, (unsigned)u, apt_lists_clean) || cache_mount(r->in, "/var/lib/apt/lists") ||
			       (cache_mount(r->in, "/var/lib/apt") && cache_mount(r->in, "/var/cache/apt"));
		if (!cleaned)
			HOLD(r, &r->v[u], DFR_APT_LISTS, "apt-get update without rm -rf /var/lib/apt/lists/* in the same RUN");
		if (find_cmd(r, upd_names, inst, 0) < 0)
			EMIT(r, &r->v[u], DFR_APT_UPDATE_ALONE,
			     "%s update without an install in the same RUN: a later install uses a cached, stale index",
			     r->v[u].v.name);
	}
	static const char *const apk[] = { "apk", NULL };
	static const char *const apk_upd[] = { "update", NULL };
	static const char *const apk_inst[] = { "add", "upgrade", NULL };
	int a = find_cmd(r, apk, apk_upd, 0);
	if (a >= 0 && find_cmd(r, apk, apk_inst, 0) < 0)
		EMIT(r, &r->v[a], DFR_APT_UPDATE_ALONE,
		     "apk update without an add in the same RUN: a later add uses a cached, stale index");
}

static void command(struct run *r, const struct view *w, unsigned i)
{
	const struct kg_sh_view *v = &w->v;
	const char *n = v->name;
	if (v->via_sudo || eq(n, "sudo"))
		EMIT(r, w, DFR_SUDO, "sudo in RUN; run the step as the right USER instead");
	if (eq(n, "cd"))
		EMIT(r, w, DFR_CD_IN_RUN, "cd in RUN; use WORKDIR");
	if (eq(n, "ln") && kg_sh_has_arg(v, "/bin/sh"))
		EMIT(r, w, DFR_SHELL_SYMLINK, "ln replaces /bin/sh; use the SHELL instruction");
	if (eq(n, "chmod")) {
		const struct kg_sh_word *ops[MAX_OPS];
		unsigned k = kg_sh_operands(v, NULL, ops, MAX_OPS);
		if (k)
			check_mode(r, w, ops[0]->s, k > 1 ? ops[1]->s : NULL);
	}
	if (eq(n, "install")) {
		for (unsigned k = 0; k + 1 < v->nargs; k++)
			if (eq(v->args[k].s, "-m") || eq(v->args[k].s, "--mode"))
				check_mode(r, w, v->args[k + 1].s, k + 2 < v->nargs ? v->args[v->nargs - 1].s : NULL);
	}
	if (eq(n, "chpasswd") || (eq(n, "passwd") && kg_sh_has_arg(v, "--stdin")))
		EMIT(r, w, DFR_CHPASSWD, "%s sets a password inside the image", n);
	if ((eq(n, "useradd") || eq(n, "usermod") || eq(n, "adduser")) && (kg_sh_has_arg(v, "-p") || arg_prefix(v, "--password")))
		EMIT(r, w, DFR_CHPASSWD, "%s sets a password inside the image", n);
	if (is_fetcher(v))
		curl_pipe(r, w);
	tls_and_signatures(r, w);
	packages(r, w, i);
	if (eq(n, "set")) {
		for (unsigned k = 0; k < v->nargs; k++)
			if (eq(v->args[k].s, "pipefail") || strstr(v->args[k].s, "pipefail"))
				r->pipefail_set = true;
	}
	/* apt configured once for the whole stage */
	if ((eq(n, "echo") || eq(n, "printf")) && arg_contains_ci(v, "Install-Recommends") &&
	    (arg_contains_ci(v, "\"false\"") || arg_contains_ci(v, "false") || arg_contains_ci(v, "\"0\"")))
		r->s->apt_no_recommends = true;
	if ((eq(n, "echo") || eq(n, "printf")) && arg_contains_ci(v, "Assume-Yes"))
		r->s->apt_assume_yes = true;
}

/* Script(s) of this RUN. */
static unsigned scripts(struct ck *c, const struct kg_df_instr *in, struct ck_script *out, unsigned max,
			struct kg_sh *shells)
{
	unsigned n = 0;
	if (in->json) {
		if (in->nargs >= 3) {
			const char *sh = strrchr(in->args[0], '/') ? strrchr(in->args[0], '/') + 1 : in->args[0];
			for (unsigned i = 1; i + 1 < in->nargs && is_shell(sh); i++)
				if (in->args[i][0] == '-' && strchr(in->args[i], 'c')) {
					out[n++] = (struct ck_script){ in, in->args[i + 1], strlen(in->args[i + 1]), 2, NULL };
					return n;
				}
		}
		/* a plain program with arguments: join them as words */
		struct kg_buf b = KG_BUF_INIT;
		kg_buf_init(&b, 0);
		for (unsigned i = 0; i < in->nargs; i++) {
			if (i)
				kg_buf_addc(&b, ' ');
			kg_buf_addc(&b, '\'');
			for (const char *p = in->args[i]; *p; p++)
				if (*p == '\'')
					kg_buf_adds(&b, "'\\''");
				else
					kg_buf_addc(&b, *p);
			kg_buf_addc(&b, '\'');
		}
		char *s = kg_arena_strndup(c->a, b.data ? b.data : "", b.len);
		kg_buf_release(&b);
		out[n++] = (struct ck_script){ in, s, strlen(s), 2, NULL };
		return n;
	}
	out[n++] = (struct ck_script){ in, in->rest, strlen(in->rest), 0, NULL };
	if (!in->nheredocs)
		return n;
	/* RUN <<EOF (the body is the script) or RUN bash <<EOF (the shell reads it) */
	kg_sh_parse(c->a, in->rest, strlen(in->rest), &shells[0]);
	bool body_is_script = true;
	for (unsigned i = 0; i < shells[0].n; i++) {
		struct kg_sh_view v;
		if (kg_sh_view(&shells[0].cmds[i], &v) && !(is_shell(v.name) && reads_program_from_stdin(&v)))
			body_is_script = false;
	}
	for (unsigned h = 0; h < in->nheredocs && n < max && body_is_script; h++)
		out[n++] = (struct ck_script){ in, in->heredocs[h].content, in->heredocs[h].len, 1, &in->heredocs[h] };
	return n;
}

void ck_run(struct ck *c, const struct kg_df_instr *in)
{
	struct ck_stage *s = ck_stage(c);
	if (s->nonposix && !in->json)
		return;
	/* images named by --mount=...,from=<image> */
	for (unsigned i = 0; i < in->nflags; i++) {
		const char *f = in->flags[i], *from = strstr(f, "from=");
		if (strncmp(f, "--mount=", 8) || !from || (from != f + 8 && from[-1] != ','))
			continue;
		char img[512];
		snprintf(img, sizeof(img), "%.*s", (int)strcspn(from + 5, ","), from + 5);
		if (ck_stage_index(c, img) < 0 && !strchr(img, '$'))
			ck_check_registry(c, in, img, "RUN --mount from");
	}
	struct ck_script sc[1 + KG_DF_MAX_HEREDOCS];
	struct kg_sh sh[1 + KG_DF_MAX_HEREDOCS];
	memset(sh, 0, sizeof(sh));
	unsigned ns = scripts(c, in, sc, sizeof(sc) / sizeof(sc[0]), sh);
	struct run r;
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.in = in;
	r.s = s;
	unsigned total = 0;
	for (unsigned k = 0; k < ns; k++) {
		kg_sh_parse(c->a, sc[k].s, sc[k].len, &sh[k]);
		total += sh[k].n;
	}
	if (total > MAX_VIEWS)
		total = MAX_VIEWS;
	r.v = kg_arena_alloc(c->a, (total + 1) * sizeof(*r.v));
	for (unsigned k = 0; k < ns; k++) {
		r.has_pipe |= sh[k].has_pipe;
		for (unsigned i = 0; i < sh[k].n && r.n < MAX_VIEWS; i++) {
			struct view *w = &r.v[r.n];
			if (!kg_sh_view(&sh[k].cmds[i], &w->v))
				continue;
			w->sc = &sc[k];
			w->sh = &sh[k];
			w->idx = i;
			r.n++;
		}
	}
	for (unsigned i = 0; i < r.n; i++)
		command(&r, &r.v[i], i);
	apt_run(&r);
	if (r.has_pipe && !in->json && !s->pipefail && !r.pipefail_set)
		ck_emit(c, DFR_PIPEFAIL, in, in->line, in->col,
			"RUN uses a pipe without `set -o pipefail` or SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]: a "
			"failing command before the pipe goes unnoticed");
}
