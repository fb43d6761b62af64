/* Command lines of Kubernetes components as spf13/pflag reads them, word splitting with shell-like
 * quoting (args files, unit files), and Go durations. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cis_priv.h"

void *kg_cis_grow(struct kg_arena *a, void *p, size_t *alloc, size_t need, size_t elem)
{
	if (need <= *alloc)
		return p;
	size_t n = *alloc ? *alloc * 2 : 16;
	while (n < need)
		n *= 2;
	void *q = kg_arena_alloc(a, n * elem);
	if (p && *alloc)
		memcpy(q, p, *alloc * elem);
	*alloc = n;
	return q;
}

/* Boolean flags of the components (pflag NoOptDefVal "true"): "--name value" does not take the
 * next word as its value. */
static const char *const bool_flags[] = {
	"add-dir-header", "allocate-node-cidrs", "allow-privileged", "alsologtostderr", "anonymous-auth",
	"authentication-skip-lookup", "auto-tls", "cgroups-per-qos", "cleanup", "client-cert-auth",
	"configure-cloud-routes", "contention-profiling", "enable-aggregator-routing", "enable-bootstrap-token-auth",
	"enable-controller-attach-detach", "enable-debugging-handlers", "enable-dynamic-provisioning",
	"enable-garbage-collector", "enable-grpc-gateway", "enable-hostpath-provisioner", "enable-load-reader",
	"enable-logs-handler", "enable-pprof", "enable-priority-and-fairness", "enable-server", "enable-v2",
	"exit-on-lock-contention", "experimental-initial-corrupt-check", "fail-swap-on", "help",
	"insecure-skip-tls-verify", "keep-terminated-pod-volumes", "kernel-memcg-notification", "leader-elect",
	"logtostderr", "make-iptables-util-chains", "masquerade-all", "one-output", "peer-auto-tls",
	"peer-client-cert-auth", "profiling", "protect-kernel-defaults", "register-node", "register-schedulable",
	"rotate-certificates", "rotate-server-certificates", "seccomp-default", "serialize-image-pulls",
	"service-account-extend-token-expiration", "service-account-lookup", "skip-headers", "skip-log-headers",
	"strict-reconfig-check", "use-service-account-credentials", "v2-deprecation",
};

/* Flags whose repeated occurrences add up (pflag slices and maps) instead of replacing. */
static const char *const list_flags[] = {
	"admission-control", "allowed-unsafe-sysctls", "api-audiences", "authorization-mode",
	"cors-allowed-origins", "disable-admission-plugins", "enable-admission-plugins", "eviction-hard",
	"feature-gates", "node-labels", "register-with-taints", "runtime-config", "service-account-issuer",
	"service-account-key-file", "tls-cipher-suites", "tls-sni-cert-key",
};

static bool in_set(const char *const *set, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(set[i], name))
			return true;
	return false;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static bool starts_flag(const char *t)
{
	return t[0] == '-' && t[1] == '-' && t[2] && t[2] != '-' && t[2] != '=';
}

void kg_cis_flags_parse(struct kg_arena *a, const struct kg_cis_arg *args, size_t nargs, struct kg_cis_flags *out)
{
	out->v = nargs ? kg_arena_alloc(a, nargs * sizeof(*out->v)) : NULL;
	out->n = 0;
	for (size_t i = 0; i < nargs; i++) {
		const char *t = args[i].text;
		if (!strcmp(t, "--"))
			break; /* pflag: the rest are positional arguments */
		if (!starts_flag(t))
			continue; /* positional words and -x shorthands are not component settings */
		const char *name = t + 2, *eq = strchr(name, '='), *value;
		char *nm = kg_arena_strndup(a, name, eq ? (size_t)(eq - name) : strlen(name));
		struct kg_cis_loc at = args[i].at;
		if (eq)
			value = eq + 1;
		else if (in_set(bool_flags, NELEM(bool_flags), nm))
			value = "true";
		else if (i + 1 < nargs && !starts_flag(args[i + 1].text) && strcmp(args[i + 1].text, "--"))
			value = args[++i].text;
		else
			value = "true"; /* bare flag, as kube-bench reads it */
		struct kg_cis_flag *f = NULL;
		for (size_t k = 0; k < out->n; k++)
			if (!strcmp(out->v[k].name, nm))
				f = &out->v[k];
		if (!f) {
			f = &out->v[out->n++];
			f->name = nm;
			f->count = 0;
			f->value = NULL;
		}
		if (f->value && f->value[0] && in_set(list_flags, NELEM(list_flags), nm))
			f->value = kg_arena_printf(a, "%s,%s", f->value, value);
		else
			f->value = value;
		f->at = at;
		f->count++;
	}
}

const struct kg_cis_flag *kg_cis_flags_get(const struct kg_cis_flags *f, const char *name)
{
	if (name[0] == '-' && name[1] == '-')
		name += 2;
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			return &f->v[i];
	return NULL;
}

bool kg_cis_duration_zero(const char *s)
{
	static const char *const units[] = { "ns", "us", "\xc2\xb5s", "\xce\xbcs", "ms", "s", "m", "h" };
	if (*s == '+' || *s == '-')
		s++;
	if (!strcmp(s, "0"))
		return true;
	if (!*s)
		return false;
	while (*s) {
		bool digits = false, nonzero = false;
		while (isdigit((unsigned char)*s)) {
			digits = true;
			nonzero |= *s++ != '0';
		}
		if (*s == '.') {
			s++;
			while (isdigit((unsigned char)*s)) {
				digits = true;
				nonzero |= *s++ != '0';
			}
		}
		if (!digits || nonzero)
			return false;
		size_t best = 0;
		for (size_t u = 0; u < NELEM(units); u++) {
			size_t n = strlen(units[u]);
			if (n > best && !strncmp(s, units[u], n))
				best = n;
		}
		if (!best)
			return false; /* Go requires a unit after every number but a lone "0" */
		s += best;
	}
	return true;
}

int kg_cis_split_words(struct kg_arena *a, const char *line, size_t len, const struct kg_cis_loc *loc,
		       struct kg_cis_arg **args, size_t *nargs, size_t *alloc, struct kg_diag *err)
{
	char *buf = kg_arena_alloc(a, len + 1);
	size_t i = 0;
	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r'))
			i++;
		if (i >= len)
			break;
		size_t start = i, o = 0;
		while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\n' && line[i] != '\r') {
			char c = line[i];
			if (c == '\'' || c == '"') {
				size_t q = i++;
				while (i < len && line[i] != c) {
					if (c == '"' && line[i] == '\\' && i + 1 < len)
						i++;
					buf[o++] = line[i++];
				}
				if (i >= len) {
					kg_diag_set(err, loc->file, loc->line, loc->col + (unsigned)q,
						    "unterminated %s quote", c == '"' ? "double" : "single");
					return -1;
				}
				i++;
			} else if (c == '\\' && i + 1 < len) {
				buf[o++] = line[i + 1];
				i += 2;
			} else {
				buf[o++] = c;
				i++;
			}
		}
		if (*nargs >= KG_CIS_MAX_ARGS) {
			kg_diag_set(err, loc->file, loc->line, loc->col + (unsigned)start,
				    "more than %u words on one command line", KG_CIS_MAX_ARGS);
			return -1;
		}
		*args = kg_cis_grow(a, *args, alloc, *nargs + 1, sizeof(**args));
		struct kg_cis_arg *w = &(*args)[(*nargs)++];
		w->text = kg_arena_strndup(a, buf, o);
		w->at = *loc;
		w->at.col = loc->col + (unsigned)start;
	}
	return 0;
}
