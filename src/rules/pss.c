/* Pod Security Standards: the rule family that evaluates every pod-bearing object the way Pod
 * Security Admission (k8s.io/pod-security-admission, policy/) evaluates a Pod at a level and a
 * policy version. This file holds the check registry (levels, minimum versions, overrides), the
 * dispatcher and the helpers the checks share; the checks live in pss_baseline.c and
 * pss_restricted.c, the catalog text in pss_catalog.c. Semantics notes: docs/pss.md. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "engine.h"
#include "pss_priv.h"

/* The registry, as PSA builds it: a check applies from its minimum version on; at the restricted
 * level a restricted check that applies hides the baseline check it overrides. */
struct pss_def {
	enum kg_pss_id id;
	int level;            /* KG_PSS_BASELINE or KG_PSS_RESTRICTED */
	int min_minor;        /* first policy version v1.<min_minor> */
	int overrides;        /* baseline check hidden by this one, or -1 */
	void (*run)(struct kg_pss_ctx *x);
};

static const struct pss_def defs[] = {
	/* baseline, in PSA's order (sorted by ID) */
	{ KG_PSS_ID_APPARMOR, KG_PSS_BASELINE, 0, -1, kg_pss_apparmor },
	{ KG_PSS_ID_CAPS_BASELINE, KG_PSS_BASELINE, 0, -1, kg_pss_caps_baseline },
	{ KG_PSS_ID_HOST_NAMESPACES, KG_PSS_BASELINE, 0, -1, kg_pss_host_namespaces },
	{ KG_PSS_ID_HOST_PATH, KG_PSS_BASELINE, 0, -1, kg_pss_host_path },
	{ KG_PSS_ID_HOST_PORTS, KG_PSS_BASELINE, 0, -1, kg_pss_host_ports },
	{ KG_PSS_ID_HOST_PROBES, KG_PSS_BASELINE, 34, -1, kg_pss_host_probes },
	{ KG_PSS_ID_PRIVILEGED, KG_PSS_BASELINE, 0, -1, kg_pss_privileged },
	{ KG_PSS_ID_PROC_MOUNT, KG_PSS_BASELINE, 0, -1, kg_pss_proc_mount },
	{ KG_PSS_ID_SECCOMP_BASELINE, KG_PSS_BASELINE, 0, -1, kg_pss_seccomp_baseline },
	{ KG_PSS_ID_SELINUX, KG_PSS_BASELINE, 0, -1, kg_pss_selinux },
	{ KG_PSS_ID_SYSCTLS, KG_PSS_BASELINE, 0, -1, kg_pss_sysctls },
	{ KG_PSS_ID_WINDOWS_HOST_PROCESS, KG_PSS_BASELINE, 0, -1, kg_pss_windows_host_process },
	/* restricted */
	{ KG_PSS_ID_ALLOW_PRIV_ESC, KG_PSS_RESTRICTED, 8, -1, kg_pss_allow_priv_esc },
	{ KG_PSS_ID_CAPS_RESTRICTED, KG_PSS_RESTRICTED, 22, KG_PSS_ID_CAPS_BASELINE, kg_pss_caps_restricted },
	{ KG_PSS_ID_PROC_MOUNT_RESTRICTED, KG_PSS_RESTRICTED, 35, KG_PSS_ID_PROC_MOUNT, kg_pss_proc_mount_restricted },
	{ KG_PSS_ID_RESTRICTED_VOLUMES, KG_PSS_RESTRICTED, 0, KG_PSS_ID_HOST_PATH, kg_pss_restricted_volumes },
	{ KG_PSS_ID_RUN_AS_NON_ROOT, KG_PSS_RESTRICTED, 0, -1, kg_pss_run_as_non_root },
	{ KG_PSS_ID_RUN_AS_USER, KG_PSS_RESTRICTED, 23, -1, kg_pss_run_as_user },
	{ KG_PSS_ID_SECCOMP_RESTRICTED, KG_PSS_RESTRICTED, 19, KG_PSS_ID_SECCOMP_BASELINE, kg_pss_seccomp_restricted },
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

#define PSS_CACHED_CONTAINERS 16 /* a pod with more is walked again by every check */

/* The baseline checks that restricted checks of policy version minor hide, as a bit set of ids. */
_Static_assert(KG_PSS_ID_NCHECKS <= 32, "check ids fit a uint32_t bit set");
static uint32_t overridden(int minor)
{
	uint32_t set = 0;
	for (size_t i = 0; i < NDEFS; i++)
		if (defs[i].overrides >= 0 && defs[i].min_minor <= minor)
			set |= (uint32_t)1 << defs[i].overrides;
	return set;
}

static void pss_check(struct kg_check *c)
{
	if (!kg_kind_has_pod(c->obj))
		return;
	*c->handled = true;
	int level = c->opts->pss_level;
	if (level != KG_PSS_BASELINE && level != KG_PSS_RESTRICTED)
		return; /* privileged: no checks */
	struct kg_pod_ref ref;
	if (!kg_pod_locate(c->obj, &ref))
		return; /* no pod spec to judge (the API server would reject a Pod without one) */
	int minor = c->opts->pss_minor;
	if (minor < 0)
		minor = 0;
	if (minor > KG_PSS_LATEST_MINOR)
		minor = KG_PSS_LATEST_MINOR;

	struct kg_pss_ctx x = { 0 };
	x.c = c;
	x.spec = ref.spec;
	x.meta = ref.meta;
	x.psc = kg_pss_map(ref.spec, "securityContext");
	x.meta_near = ref.meta ? ref.meta : (ref.meta_path ? kg_nearest(c->obj->node, ref.meta_path) : c->obj->node);
	x.spec_path = ref.spec_path;
	x.meta_path = ref.meta_path ? ref.meta_path : "metadata";
	x.minor = minor;
	char vb[64];
	x.windows = kg_pss_str_eq(kg_pss_strv(kg_map_get(kg_map_get(ref.spec, "os"), "name"), vb, sizeof(vb)), "windows");
	x.user_ns = kg_pss_bool(kg_map_get(ref.spec, "hostUsers")) == 0;
	/* most checks visit every container: gather them once */
	struct kg_pss_container cts[PSS_CACHED_CONTAINERS], spill;
	struct kg_pss_iter it = { 0 };
	unsigned n = 0;
	while (n < PSS_CACHED_CONTAINERS && kg_pss_next_container(&x, &it, &cts[n]))
		n++;
	x.spill = &spill;
	if (n < PSS_CACHED_CONTAINERS || !kg_pss_next_container(&x, &it, &spill)) {
		x.cts = cts;
		x.ncts = n;
	}

	uint32_t hidden = level == KG_PSS_RESTRICTED ? overridden(minor) : 0;
	for (size_t i = 0; i < NDEFS; i++) {
		const struct pss_def *d = &defs[i];
		if (d->level > level || minor < d->min_minor)
			continue;
		if (d->level == KG_PSS_BASELINE && (hidden >> d->id & 1))
			continue;
		x.rule = &kg_pss_rules[d->id];
		d->run(&x);
	}
}

const struct kg_pss_container *kg_pss_next_ct(const struct kg_pss_ctx *x, struct kg_pss_iter *it)
{
	if (x->cts)
		return it->n < x->ncts ? &x->cts[it->n++] : NULL;
	return kg_pss_next_container(x, it, x->spill) ? x->spill : NULL;
}

/* ---- helpers shared by the checks ---- */

bool kg_pss_is_set(const struct kg_node *n)
{
	return n && n->type != KG_NULL;
}

struct kg_pss_str kg_pss_strv(const struct kg_node *n, char *buf, size_t size)
{
	struct kg_pss_str v = { "", 0 };
	if (!n || n->type == KG_NULL || n->type == KG_MAP || n->type == KG_SEQ)
		return v;
	if (n->type == KG_STR) {
		v.s = n->v.s;
		v.len = n->len;
		return v;
	}
	kg_scalar_text(n, buf, size);
	v.s = buf;
	v.len = strlen(buf);
	return v;
}

bool kg_pss_str_eq(struct kg_pss_str v, const char *lit)
{
	size_t n = strlen(lit);
	return v.len == n && memcmp(v.s, lit, n) == 0;
}

bool kg_pss_str_prefix(struct kg_pss_str v, const char *prefix)
{
	size_t n = strlen(prefix);
	return v.len >= n && memcmp(v.s, prefix, n) == 0;
}

bool kg_pss_str_in(struct kg_pss_str v, const char *const *set)
{
	for (; *set; set++)
		if (kg_pss_str_eq(v, *set))
			return true;
	return false;
}

int kg_pss_bool(const struct kg_node *n)
{
	bool b;
	if (!kg_as_bool(n, &b))
		return -1;
	return b ? 1 : 0;
}

void kg_pss_quote_append(char *buf, size_t size, const char *item)
{
	size_t len = strlen(buf);
	if (len + 6 >= size || (len >= 3 && !strcmp(buf + len - 3, "...")))
		return;
	int n = kg_fmt(buf + len, size - len, "%s\"%s\"", len ? ", " : "", item);
	if (n < 0 || (size_t)n >= size - len) {
		/* did not fit: cut back to the last complete item and mark the cut */
		buf[len] = '\0';
		kg_fmt(buf + len, size - len, "%s...", len ? ", " : "");
	}
}

static const char *const kind_words[3] = { "init container", "container", "ephemeral container" };

bool kg_pss_next_container(const struct kg_pss_ctx *x, struct kg_pss_iter *it, struct kg_pss_container *out)
{
	for (; it->list < 3; it->list++, it->i = 0) {
		const struct kg_node *list =
			kg_map_getn(x->spec, kg_container_fields[it->list], kg_container_field_len[it->list]);
		if (!kg_is_seq(list))
			continue;
		while (it->i < list->len) {
			uint32_t i = it->i++;
			const struct kg_node *ct = list->v.items[i];
			if (!kg_is_map(ct))
				continue;
			out->node = ct;
			out->sc = kg_pss_map(ct, "securityContext");
			out->name = kg_str(kg_map_get(ct, "name"));
			out->has_name = out->name != NULL;
			if (!out->name)
				out->name = "";
			out->kind = (enum kg_container_kind)it->list;
			out->index = i;
			kg_container_path(out->path, sizeof(out->path), x->spec_path, out->kind, i);
			/* `%s "%.256s"` or "%s %s[%u]", built without a formatting pass */
			size_t len = 0;
			const char *kw = kind_words[it->list];
			kg_cat(out->label, sizeof(out->label), &len, kw, sizeof(out->label)); /* up to its NUL */
			if (out->has_name) {
				kg_cat(out->label, sizeof(out->label), &len, " \"", 2);
				kg_cat(out->label, sizeof(out->label), &len, out->name, 256);
				kg_cat(out->label, sizeof(out->label), &len, "\"", 1);
			} else {
				const char *f = kg_container_fields[it->list];
				kg_cat(out->label, sizeof(out->label), &len, " ", 1);
				kg_cat(out->label, sizeof(out->label), &len, f, kg_container_field_len[it->list]);
				kg_cat(out->label, sizeof(out->label), &len, "[", 1);
				kg_cat_uint(out->label, sizeof(out->label), &len, i);
				kg_cat(out->label, sizeof(out->label), &len, "]", 1);
			}
			return true;
		}
	}
	return false;
}

/* Position for a field rel below base: the value when the whole path exists; otherwise the key
 * of the deepest existing step (where the missing field belongs), or base itself. */
static const struct kg_node *locate(const struct kg_node *base, const char *rel, struct kg_node *key_pos)
{
	const struct kg_node *n = base;
	const struct kg_pair *last = NULL;
	const char *p = rel;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (len >= 128) /* no field is that long */
			break;
		const struct kg_pair *pair = kg_map_pairn(n, p, len);
		if (!pair)
			break;
		last = pair;
		n = pair->value;
		p += len + (dot ? 1 : 0);
		if (!dot)
			return n; /* the whole path exists */
	}
	if (!last)
		return base;
	memset(key_pos, 0, sizeof(*key_pos));
	key_pos->line = last->line;
	key_pos->col = last->col;
	return key_pos;
}

/* A finding the policy keeps (kg_emit_wanted gave sev): its position is worked out only then. */
static void vemit(struct kg_pss_ctx *x, enum kg_severity sev, const struct kg_node *base, const char *base_path,
		  const char *rel, const char *container, const char *fmt, va_list ap)
{
	struct kg_node key_pos;
	const struct kg_node *at = base;
	if (rel && *rel)
		at = locate(base, rel, &key_pos);
	kg_emit_decidedv(x->c, x->rule, sev, at, base_path, rel, container, fmt, ap);
}

void kg_pss_emit(struct kg_pss_ctx *x, const struct kg_node *base, const char *base_path, const char *rel,
		 const char *container, const char *fmt, ...)
{
	enum kg_severity sev;
	if (!kg_emit_wanted(x->c, x->rule, &sev))
		return;
	va_list ap;
	va_start(ap, fmt);
	vemit(x, sev, base, base_path, rel, container, fmt, ap);
	va_end(ap);
}

void kg_pss_emit_pod(struct kg_pss_ctx *x, const char *rel, const char *fmt, ...)
{
	enum kg_severity sev;
	if (!kg_emit_wanted(x->c, x->rule, &sev))
		return;
	va_list ap;
	va_start(ap, fmt);
	vemit(x, sev, x->spec, x->spec_path, rel, NULL, fmt, ap);
	va_end(ap);
}

void kg_pss_emit_ct(struct kg_pss_ctx *x, const struct kg_pss_container *ct, const char *rel, const char *fmt, ...)
{
	enum kg_severity sev;
	if (!kg_emit_wanted(x->c, x->rule, &sev))
		return;
	va_list ap;
	va_start(ap, fmt);
	vemit(x, sev, ct->node, ct->path, rel, ct->has_name ? ct->name : NULL, fmt, ap);
	va_end(ap);
}

void kg_pss_emit_annotation(struct kg_pss_ctx *x, const char *key, const struct kg_node *value, const char *fmt, ...)
{
	enum kg_severity sev;
	if (!kg_emit_wanted(x->c, x->rule, &sev))
		return;
	char path[KG_PSS_PATH_MAX];
	const struct kg_node *at = value;
	if (!at)
		at = kg_map_get(x->meta, "annotations");
	if (!at)
		at = x->meta_near;
	kg_fmt(path, sizeof(path), "%s.annotations['%.300s']", x->meta_path, key);
	va_list ap;
	va_start(ap, fmt);
	vemit(x, sev, at, path, NULL, NULL, fmt, ap);
	va_end(ap);
}

const struct kg_family kg_family_pss = {
	"pss", kg_pss_rules, KG_PSS_ID_NCHECKS, pss_check, NULL, NULL, NULL,
};
