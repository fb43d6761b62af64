/* Rule family 'workload': checks on every pod spec (core workload kinds and the CRDs listed in
 * k8s.c, every pod template of kinds that hold several) and every container in it (regular,
 * init and ephemeral). This file walks the pods and containers and holds the shared helpers;
 * the checks live in workload_*.c and image_rules.c, the catalog in workload_catalog.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/fmt.h"
#include "policy.h"
#include "workload_priv.h"

void wl_emit(const struct wl_pod *pod, const struct wl_ctr *ctr, enum wl_rule_id r, const struct kg_node *at,
	     const char *sub, const char *fmt, ...)
{
	if (!at)
		at = ctr ? ctr->node : pod->spec;
	va_list ap;
	va_start(ap, fmt);
	kg_emitv(pod->c, &kg_workload_rules[r], at, ctr ? ctr->path : pod->ref->spec_path, sub,
		 ctr ? ctr->name : NULL, fmt, ap);
	va_end(ap);
}

void wl_ctr_init(struct wl_ctr *ctr, const struct wl_pod *pod, const struct kg_node *node, enum kg_container_kind kind,
		 unsigned index)
{
	static const char *const kinds[] = { "init container", "container", "ephemeral container" };
	memset(ctr, 0, offsetof(struct wl_ctr, path));
	ctr->node = node;
	ctr->kind = kind;
	ctr->index = index;
	const struct kg_node *name = kg_map_get(node, "name");
	ctr->name = kg_str(name);
	ctr->sc = kg_map_get(node, "securityContext");
	if (!kg_is_map(ctr->sc))
		ctr->sc = NULL;
	const char *rp = kg_str(kg_map_get(node, "restartPolicy"));
	ctr->sidecar = kind == KG_INIT_CONTAINER && rp && !strcmp(rp, "Always");
	kg_container_path(ctr->path, sizeof(ctr->path), pod->ref->spec_path, kind, index);
	/* what "%s '%s'" or "%s #%u" would give, without a formatting pass per container */
	const char *k = ctr->sidecar ? "sidecar container" : kinds[kind];
	size_t len = 0;
	kg_cat(ctr->label, sizeof(ctr->label), &len, k, sizeof(ctr->label)); /* up to its NUL */
	if (ctr->name) {
		kg_cat(ctr->label, sizeof(ctr->label), &len, " '", 2);
		kg_cat(ctr->label, sizeof(ctr->label), &len, ctr->name, name->len);
		kg_cat(ctr->label, sizeof(ctr->label), &len, "'", 1);
	} else {
		kg_cat(ctr->label, sizeof(ctr->label), &len, " #", 2);
		kg_cat_uint(ctr->label, sizeof(ctr->label), &len, index);
	}
}

const struct kg_node *wl_effective(const struct wl_pod *pod, const struct wl_ctr *ctr, const char *field,
				   bool *from_pod)
{
	size_t n = strlen(field);
	const struct kg_node *v = ctr ? kg_map_getn(ctr->sc, field, n) : NULL;
	if (v && v->type != KG_NULL) {
		*from_pod = false;
		return v;
	}
	v = kg_map_getn(pod->psc, field, n);
	*from_pod = true;
	return v && v->type != KG_NULL ? v : NULL;
}

/* Kinds whose pods run to completion: probes and the like do not apply. */
static bool batch_kind(const struct kg_object *obj)
{
	static const char *const kinds[] = { "CronJob", "AdvancedCronJob", "CronWorkflow", NULL };
	const char *k = obj->kind;
	if (!k)
		return false;
	size_t n = strlen(k);
	if (n >= 3 && !strcmp(k + n - 3, "Job")) /* Job, BroadcastJob, ScaledJob, PyTorchJob, RayJob, ... */
		return true;
	if (!strcmp(k, "JobSet"))
		return true;
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(k, kinds[i]))
			return true;
	return false;
}

struct wl_walk {
	struct kg_check *c;
	const struct wl_cfg *cfg;
	struct wl_defer *defer;
};

static void on_container(void *ctx, const struct kg_node *node, enum kg_container_kind kind, unsigned index)
{
	const struct wl_pod *pod = ctx;
	struct wl_ctr ctr;
	wl_ctr_init(&ctr, pod, node, kind, index);

	wl_check_resources(pod, &ctr);
	wl_check_security(pod, &ctr);
	wl_check_ports(pod, &ctr);
	wl_check_probes(pod, &ctr);
	wl_check_image(pod, &ctr);
}

static void on_pod(void *ctx, const struct kg_pod_ref *ref)
{
	struct wl_walk *w = ctx;
	struct wl_pod pod;
	memset(&pod, 0, sizeof(pod));
	pod.c = w->c;
	pod.cfg = w->cfg;
	pod.defer = w->defer;
	pod.ref = ref;
	pod.spec = ref->spec;
	pod.psc = kg_map_get(ref->spec, "securityContext");
	if (!kg_is_map(pod.psc))
		pod.psc = NULL;
	const struct kg_node *res = kg_map_get(ref->spec, "resources");
	pod.res_limits = kg_map_get(res, "limits");
	pod.res_requests = kg_map_get(res, "requests");
	const char *os = kg_str(kg_map_get(kg_map_get(ref->spec, "os"), "name"));
	pod.windows = os && !strcmp(os, "windows");
	const char *rp = kg_str(kg_map_get(ref->spec, "restartPolicy"));
	pod.batch = batch_kind(w->c->obj) || (rp && strcmp(rp, "Always"));
	const char *av = w->c->obj->api_version; /* API group serving.knative.dev */
	pod.knative = av && !strncmp(av, "serving.knative.dev/", 20);
	bool hu;
	pod.host_users_off = kg_as_bool(kg_map_get(ref->spec, "hostUsers"), &hu) && !hu;

	wl_check_pod_security(&pod);
	wl_check_host(&pod);
	wl_check_service_account(&pod);
	kg_each_container(ref->spec, on_container, &pod);
}

static bool is_service_account(const struct kg_object *o)
{
	return o->kind && o->api_version && !strcmp(o->kind, "ServiceAccount") && !strcmp(o->api_version, "v1");
}

static void workload_check(struct kg_check *c)
{
	struct wl_state *st = c->state;
	/* a pod's ServiceAccount decides whether its token is mounted (finish() judges) */
	struct wl_defer *defer = c->engine ? st->defer : NULL;
	if (!kg_kind_has_pod(c->obj)) {
		if (defer && is_service_account(c->obj))
			wl_defer_service_account(defer, c);
		return;
	}
	*c->handled = true;
	struct wl_walk w = { c, &st->cfg, defer };
	kg_pod_each(c->obj, on_pod, &w);
}

static void workload_finish(struct kg_check *c)
{
	struct wl_state *st = c->state;
	wl_defer_finish(st->defer, c);
}

static void *workload_state_new(const struct kg_scan_opts *opts)
{
	struct wl_state *st = calloc(1, sizeof(*st));
	if (!st)
		abort();
	wl_cfg_default(&st->cfg);
	wl_cfg_from_policy(&st->cfg, opts->policy);
	st->defer = wl_defer_new();
	return st;
}

static void workload_state_free(void *state)
{
	struct wl_state *st = state;
	if (!st)
		return;
	wl_cfg_release(&st->cfg);
	wl_defer_free(st->defer);
	free(st);
}

const struct kg_family kg_family_workload = {
	"workload", kg_workload_rules, WL_NRULES, workload_check, workload_finish, workload_state_new,
	workload_state_free,
};
