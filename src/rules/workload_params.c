/* Parameters of the workload family, read from the policy's `parameters:` map once per run.
 * Names, types and defaults are documented in docs/rules-workload.md. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util/fmt.h"
#include "params.h"
#include "policy.h"
#include "workload_priv.h"

#define ID_MAX 2147483647LL /* runAsUser and friends are int64 in the API but the kernel takes 31 bits */

static void range_text(const struct wl_range *r, char *buf, size_t size)
{
	if (r->max >= ID_MAX)
		kg_fmt(buf, size, "%lld or above", (long long)r->min);
	else
		kg_fmt(buf, size, "%lld-%lld", (long long)r->min, (long long)r->max);
}

static void cfg_texts(struct wl_cfg *cfg)
{
	range_text(&cfg->uid, cfg->uid_text, sizeof(cfg->uid_text));
	range_text(&cfg->gid, cfg->gid_text, sizeof(cfg->gid_text));
}

void wl_cfg_default(struct wl_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->uid.min = 10000;
	cfg->uid.max = ID_MAX;
	cfg->gid.min = 10000;
	cfg->gid.max = ID_MAX;
	cfg_texts(cfg);
}

static void free_list(char **items, unsigned *n)
{
	for (unsigned i = 0; i < *n; i++)
		free(items[i]);
	*n = 0;
}

void wl_cfg_release(struct wl_cfg *cfg)
{
	free_list(cfg->trusted, &cfg->ntrusted);
	free_list(cfg->caps, &cfg->ncaps);
	free_list(cfg->host_paths, &cfg->nhost_paths);
}

static int bad(struct kg_diag *err, const struct kg_node *at, const char *name, const char *what)
{
	kg_diag_set(err, NULL, at ? at->line : 0, at ? at->col : 0, "parameter %s: %s", name, what);
	return -1;
}

/* Decimal integer in [0, ID_MAX]; the whole of s[0..len). */
static bool parse_id(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	if (!len || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > ID_MAX)
		return false;
	*out = v;
	return true;
}

/* An ID range: an integer (the minimum), "MIN-MAX", "MIN-" or "-MAX", or {min: N, max: N}. */
static int parse_range(const char *name, const struct kg_node *v, struct wl_range *out, struct kg_diag *err)
{
	struct wl_range r = { 0, ID_MAX };
	int64_t n;
	const char *s;
	if (kg_as_int(v, &n)) {
		if (n < 0 || n > ID_MAX)
			return bad(err, v, name, "must be between 0 and 2147483647");
		r.min = n;
	} else if (kg_as_str(v, &s)) {
		const char *dash = strchr(s, '-');
		if (!dash) {
			if (!parse_id(s, strlen(s), &r.min))
				return bad(err, v, name, "expected MIN-MAX, MIN- or -MAX with decimal IDs (e.g. \"10000-65535\")");
		} else {
			size_t left = (size_t)(dash - s), right = strlen(dash + 1);
			if ((!left && !right) || (left && !parse_id(s, left, &r.min)) ||
			    (right && !parse_id(dash + 1, right, &r.max)))
				return bad(err, v, name, "expected MIN-MAX, MIN- or -MAX with decimal IDs (e.g. \"10000-65535\")");
		}
	} else if (kg_is_map(v)) {
		for (uint32_t i = 0; i < v->len; i++) {
			const struct kg_pair *p = &v->v.pairs[i];
			int64_t *dst = !strcmp(p->key, "min") ? &r.min : !strcmp(p->key, "max") ? &r.max : NULL;
			if (!dst)
				return bad(err, p->value, name, "only the keys min and max are allowed");
			if (!kg_as_int(p->value, &n) || n < 0 || n > ID_MAX)
				return bad(err, p->value, name, "min and max must be integers between 0 and 2147483647");
			*dst = n;
		}
	} else {
		return bad(err, v, name, "expected an integer, a string \"MIN-MAX\" or a map {min, max}");
	}
	if (r.min > r.max)
		return bad(err, v, name, "the minimum is above the maximum");
	*out = r;
	return 0;
}

/* A list of non-empty strings (or one string); replaces *n items. */
static int parse_list(const char *name, const struct kg_node *v, char **items, unsigned *n, struct kg_diag *err)
{
	char *tmp[WL_MAX_LIST];
	unsigned count = 0;
	const struct kg_node *one[1] = { v };
	const struct kg_node *const *list = one;
	uint32_t len = 1;
	if (kg_is_seq(v)) {
		list = (const struct kg_node *const *)v->v.items;
		len = v->len;
	}
	if (len > WL_MAX_LIST)
		return bad(err, v, name, "too many entries (at most 64)");
	for (uint32_t i = 0; i < len; i++) {
		const char *s;
		if (!kg_as_str(list[i], &s) || !*s || strlen(s) > WL_MAX_ITEM) {
			for (unsigned j = 0; j < count; j++)
				free(tmp[j]);
			return bad(err, list[i], name, "entries must be non-empty strings of at most 256 bytes");
		}
		tmp[count] = strdup(s);
		if (!tmp[count])
			abort();
		count++;
	}
	free_list(items, n);
	memcpy(items, tmp, count * sizeof(*tmp));
	*n = count;
	return 0;
}

int wl_cfg_set(struct wl_cfg *cfg, const char *name, const struct kg_node *value, struct kg_diag *err)
{
	int r;
	if (!strcmp(name, "uidRange"))
		r = parse_range(name, value, &cfg->uid, err);
	else if (!strcmp(name, "gidRange"))
		r = parse_range(name, value, &cfg->gid, err);
	else if (!strcmp(name, "trustedRegistries"))
		r = parse_list(name, value, cfg->trusted, &cfg->ntrusted, err);
	else if (!strcmp(name, "dangerousCapabilities"))
		r = parse_list(name, value, cfg->caps, &cfg->ncaps, err);
	else if (!strcmp(name, "sensitiveHostPaths"))
		r = parse_list(name, value, cfg->host_paths, &cfg->nhost_paths, err);
	else
		return 0;
	cfg_texts(cfg);
	return r < 0 ? -1 : 1;
}

static const char *const wl_param_names[] = {
	"uidRange", "gidRange", "trustedRegistries", "dangerousCapabilities", "sensitiveHostPaths", NULL,
};

void wl_cfg_from_policy(struct wl_cfg *cfg, const struct kg_policy *policy)
{
	struct kg_diag err;
	enum kg_severity sev = kg_workload_rules[WL_EPHEMERAL].severity;
	/* an opt-in rule: skip the work unless the policy turns it on (findings dropped by a policy
	 * would otherwise be counted as suppressed) */
	cfg->ephemeral_on = kg_policy_decide(policy, &kg_workload_rules[WL_EPHEMERAL], NULL, &sev) == KG_POLICY_REPORT;
	for (int i = 0; wl_param_names[i]; i++) {
		const struct kg_node *v = kg_policy_param(policy, wl_param_names[i]);
		if (v)
			(void)wl_cfg_set(cfg, wl_param_names[i], v, &err); /* malformed: keep the default */
	}
}

int kg_workload_param_check(const char *name, const struct kg_node *value, struct kg_diag *err)
{
	struct wl_cfg tmp;
	wl_cfg_default(&tmp);
	int r = wl_cfg_set(&tmp, name, value, err);
	wl_cfg_release(&tmp);
	return r;
}
