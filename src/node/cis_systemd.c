/* systemd unit files and environment files, read the way systemd builds the kubelet's command
 * line: Environment= and EnvironmentFile= assignments (files override Environment=, later lines
 * override earlier ones), the last ExecStart= after any empty "ExecStart=" reset, and $VAR /
 * ${VAR} expansion. Every word remembers the line that produced it. */
#include <ctype.h>
#include <string.h>

#include "cis_priv.h"

void kg_cis_unit_init(struct kg_cis_unit *u, struct kg_arena *a)
{
	memset(u, 0, sizeof(*u));
	u->a = a;
}

const struct kg_cis_var *kg_cis_var_get(const struct kg_cis_var *vars, size_t n, const char *name)
{
	/* the last assignment wins */
	for (size_t i = n; i-- > 0;)
		if (!strcmp(vars[i].name, name))
			return &vars[i];
	return NULL;
}

static bool valid_name(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

static int set_var(struct kg_arena *a, struct kg_cis_var **vars, size_t *nvars, size_t *alloc, const char *name,
		   size_t nlen, const char *value, const struct kg_cis_loc *at, struct kg_diag *err)
{
	if (*nvars >= KG_CIS_MAX_VARS) {
		kg_diag_set(err, at->file, at->line, at->col, "more than %u environment variables", KG_CIS_MAX_VARS);
		return -1;
	}
	*vars = kg_cis_grow(a, *vars, alloc, *nvars + 1, sizeof(**vars));
	struct kg_cis_var *v = &(*vars)[(*nvars)++];
	v->name = kg_arena_strndup(a, name, nlen);
	v->value = value;
	v->at = *at;
	return 0;
}

/* One logical line (continuations joined) starting at *pos; returns its length, 0 at the end. */
static size_t logical_line(struct kg_arena *a, const char *text, size_t len, size_t *pos, unsigned *lineno,
			   unsigned *first_line, const char **out)
{
	if (*pos >= len)
		return 0;
	struct kg_buf b;
	kg_buf_init(&b, 0);
	*first_line = *lineno;
	for (;;) {
		const char *s = text + *pos, *nl = memchr(s, '\n', len - *pos);
		size_t n = nl ? (size_t)(nl - s) : len - *pos;
		*pos += n + (nl ? 1 : 0);
		(*lineno)++;
		size_t m = n;
		if (m && s[m - 1] == '\r')
			m--;
		if (m && s[m - 1] == '\\' && nl) {
			kg_buf_add(&b, s, m - 1);
			kg_buf_addc(&b, ' ');
			continue;
		}
		kg_buf_add(&b, s, m);
		break;
	}
	*out = kg_arena_strndup(a, b.data ? b.data : "", b.len);
	size_t r = b.len + 1; /* nonzero even for an empty line */
	kg_buf_release(&b);
	return r;
}

int kg_cis_unit_parse(struct kg_cis_unit *u, const char *file, const char *text, size_t len, struct kg_diag *err)
{
	size_t pos = 0;
	unsigned lineno = 1, first;
	const char *line;
	bool service = false;
	while (logical_line(u->a, text, len, &pos, &lineno, &first, &line)) {
		const char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			service = !strncmp(s, "[Service]", 9);
			continue;
		}
		const char *eq = strchr(s, '=');
		if (!service || !eq)
			continue;
		const char *ke = eq;
		while (ke > s && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		const char *v = eq + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t vlen = strlen(v);
		while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		struct kg_cis_loc at = { file, first, (unsigned)(v - line) + 1, NULL, NULL };
		size_t klen = (size_t)(ke - s);
		if (klen == 11 && !strncmp(s, "Environment", 11)) {
			if (!vlen) {
				u->nenv = 0;
				continue;
			}
			struct kg_cis_arg *words = NULL;
			size_t nw = 0, aw = 0;
			if (kg_cis_split_words(u->a, v, vlen, &at, &words, &nw, &aw, err))
				return -1;
			for (size_t i = 0; i < nw; i++) {
				const char *w = words[i].text, *weq = strchr(w, '=');
				if (!weq || !valid_name(w, (size_t)(weq - w))) {
					kg_diag_set(err, file, first, words[i].at.col,
						    "Environment= expects NAME=VALUE assignments, not '%s'", w);
					return -1;
				}
				/* the value's column: words of $VAR expansions are placed from there */
				struct kg_cis_loc vat = words[i].at;
				size_t off = vat.col - at.col;
				vat.col += (unsigned)(weq - w) + 1 + (off < vlen && (v[off] == '"' || v[off] == '\'') ? 1 : 0);
				if (set_var(u->a, &u->env, &u->nenv, &u->aenv, w, (size_t)(weq - w), weq + 1, &vat, err))
					return -1;
			}
		} else if (klen == 15 && !strncmp(s, "EnvironmentFile", 15)) {
			if (!vlen) {
				u->nfiles = 0;
				continue;
			}
			bool optional = v[0] == '-';
			u->files = kg_cis_grow(u->a, u->files, &u->afiles, u->nfiles + 1, sizeof(*u->files));
			struct kg_cis_envfile *f = &u->files[u->nfiles++];
			f->optional = optional;
			f->path = kg_arena_strndup(u->a, v + optional, vlen - optional);
			f->at = at;
		} else if (klen == 9 && !strncmp(s, "ExecStart", 9)) {
			if (!vlen) {
				u->exec = NULL; /* "ExecStart=" clears the commands set so far */
				continue;
			}
			u->exec = kg_arena_strndup(u->a, v, vlen);
			u->exec_at = at;
		}
	}
	return 0;
}

int kg_cis_envfile_parse(struct kg_arena *a, const char *file, const char *text, size_t len,
			 struct kg_cis_var **vars, size_t *nvars, size_t *alloc, struct kg_diag *err)
{
	size_t pos = 0;
	unsigned lineno = 1, first;
	const char *line;
	while (logical_line(a, text, len, &pos, &lineno, &first, &line)) {
		const char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#' || *s == ';')
			continue;
		const char *eq = strchr(s, '=');
		if (!eq)
			continue; /* systemd ignores such lines */
		const char *ke = eq;
		while (ke > s && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		if (!valid_name(s, (size_t)(ke - s)))
			continue;
		const char *v = eq + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		/* the value's column (inside its quotes): words split from it are placed from there */
		struct kg_cis_loc at = { file, first, (unsigned)(v - line) + 1 + (*v == '"' || *v == '\'' ? 1 : 0), NULL, NULL };
		char *val = kg_arena_alloc(a, strlen(v) + 1);
		size_t o = 0;
		if (*v == '"' || *v == '\'') {
			char q = *v++;
			while (*v && *v != q) {
				if (q == '"' && *v == '\\' && v[1])
					v++;
				val[o++] = *v++;
			}
			if (*v != q) {
				kg_diag_set(err, file, first, at.col - 1, "unterminated %s quote in the value of %.*s",
					    q == '"' ? "double" : "single", (int)(ke - s), s);
				return -1;
			}
		} else {
			for (; *v; v++) {
				if (*v == '\\' && v[1])
					v++;
				val[o++] = *v;
			}
			while (o && (val[o - 1] == ' ' || val[o - 1] == '\t'))
				o--;
		}
		val[o] = '\0';
		if (set_var(a, vars, nvars, alloc, s, (size_t)(ke - s), val, &at, err))
			return -1;
	}
	return 0;
}

/* "${NAME}" substitution and "$$" inside one word */
static const char *substitute(struct kg_arena *a, const char *w, const struct kg_cis_var *vars, size_t nvars)
{
	if (!strchr(w, '$'))
		return w;
	struct kg_buf b;
	kg_buf_init(&b, KG_CIS_MAX_FILE);
	for (const char *p = w; *p;) {
		if (p[0] == '$' && p[1] == '$') {
			kg_buf_addc(&b, '$');
			p += 2;
		} else if (p[0] == '$' && p[1] == '{' && strchr(p, '}')) {
			const char *end = strchr(p, '}');
			char *name = kg_arena_strndup(a, p + 2, (size_t)(end - p - 2));
			const struct kg_cis_var *v = kg_cis_var_get(vars, nvars, name);
			if (v)
				kg_buf_adds(&b, v->value);
			p = end + 1;
		} else {
			kg_buf_addc(&b, *p++);
		}
	}
	const char *r = kg_arena_strndup(a, b.data ? b.data : "", b.len);
	kg_buf_release(&b);
	return r;
}

int kg_cis_exec_expand(struct kg_arena *a, const char *exec, const struct kg_cis_loc *at,
		       const struct kg_cis_var *vars, size_t nvars, const char **argv0, struct kg_cis_arg **args,
		       size_t *nargs, struct kg_diag *err)
{
	struct kg_cis_arg *words = NULL;
	size_t nw = 0, aw = 0, aargs = 0;
	*args = NULL;
	*nargs = 0;
	*argv0 = NULL;
	if (kg_cis_split_words(a, exec, strlen(exec), at, &words, &nw, &aw, err))
		return -1;
	if (!nw)
		return 0;
	/* special executable prefixes: @ (next word is argv[0]), -, :, +, ! */
	const char *prog = words[0].text;
	bool at_prefix = false;
	while (*prog && strchr("@-:+!|", *prog))
		at_prefix |= *prog++ == '@';
	*argv0 = prog;
	size_t first = at_prefix ? 2 : 1;
	for (size_t i = first; i < nw; i++) {
		const char *w = words[i].text;
		if (w[0] == '$' && w[1] != '{' && valid_name(w + 1, strlen(w + 1))) {
			const struct kg_cis_var *v = kg_cis_var_get(vars, nvars, w + 1);
			if (v && kg_cis_split_words(a, v->value, strlen(v->value), &v->at, args, nargs, &aargs, err))
				return -1;
			continue;
		}
		const struct kg_cis_loc *loc = &words[i].at;
		size_t wl = strlen(w);
		if (w[0] == '$' && w[1] == '{' && wl > 3 && w[wl - 1] == '}') {
			char *name = kg_arena_strndup(a, w + 2, wl - 3);
			const struct kg_cis_var *v = kg_cis_var_get(vars, nvars, name);
			if (v && !strchr(name, '$'))
				loc = &v->at;
		}
		if (*nargs >= KG_CIS_MAX_ARGS) {
			kg_diag_set(err, at->file, at->line, at->col, "more than %u words on one command line", KG_CIS_MAX_ARGS);
			return -1;
		}
		*args = kg_cis_grow(a, *args, &aargs, *nargs + 1, sizeof(**args));
		(*args)[*nargs].text = substitute(a, w, vars, nvars);
		(*args)[*nargs].at = *loc;
		(*nargs)++;
	}
	return 0;
}
