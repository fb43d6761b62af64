/* The decisions of /validate and /mutate (eval.h): which requests are checked, and the texts the
 * API server passes on: denial message and causes, warnings (each at most 256 bytes, 4 KiB in
 * all, as the API server keeps), audit annotations. */
#include <stdio.h>
#include <string.h>

#include "../core/k8s.h"
#include "eval_priv.h"

#define WARNING_MAX 256        /* the API server truncates longer warnings */
#define WARNINGS_TOTAL 4000    /* and drops warnings past 4 KiB in all */
#define MESSAGE_MAX (16u << 10)
#define ANNOTATION_MAX 4096
#define CAUSES_MAX 100

/* Copy of s (n bytes) with control characters turned into spaces, cut at max bytes on a UTF-8
 * boundary with "..." when longer. */
static char *clean(struct kg_arena *a, const char *s, size_t n, size_t max)
{
	bool cut = n > max;
	size_t keep = cut ? max - 3 : n;
	while (cut && keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--; /* do not split a UTF-8 sequence */
	char *o = kg_arena_alloc(a, keep + 4);
	for (size_t i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)s[i];
		o[i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	if (cut)
		memcpy(o + keep, "...", 3), keep += 3;
	o[keep] = '\0';
	return o;
}

/* "[rule] would violate PodSecurity "restricted:latest": message" into b. */
static void item_text(struct kg_buf *b, const struct kg_adm_settings *s, const struct kg_adm_item *it)
{
	kg_buf_printf(b, "[%s] ", it->f->rule_id);
	if (it->pss_mode >= 0) {
		char lvl[48];
		kg_adm_level_name(&s->pss[it->pss_mode], lvl, sizeof(lvl));
		kg_buf_printf(b, "%s PodSecurity \"%s\": ", it->action == KG_ADM_ENFORCE ? "violates" : "would violate", lvl);
	}
	if (it->preexisting)
		kg_buf_adds(b, "(already in the old object, not denied on update) ");
	kg_buf_adds(b, it->f->message ? it->f->message : it->f->title);
	if (it->inline_refused)
		kg_buf_adds(b, " (kguard.io/ignore does not waive an enforced rule at admission)");
}

static void add_annotation(struct kg_adm_worker *w, struct kg_adm_kv *kv, size_t *n, const char *key, const char *value)
{
	(void)w;
	kv[(*n)++] = (struct kg_adm_kv){ key, value };
}

static const char *object_name(struct kg_adm_worker *w, const struct kg_adm_request *rq)
{
	if (*rq->name)
		return rq->name;
	const struct kg_node *meta = kg_map_get(rq->object, "metadata");
	const char *n = kg_str(kg_map_get(meta, "name"));
	if (n && *n)
		return n;
	const char *gn = kg_str(kg_map_get(meta, "generateName"));
	if (gn)
		return kg_arena_printf(&w->arena, "%s*", gn);
	return "";
}

/* Fill d->resp from the items. */
static void build_response(struct kg_adm_worker *w, const struct kg_adm_settings *s, const struct kg_adm_request *rq,
			   struct kg_adm_decision *d, struct kg_adm_kv *ann, size_t nann)
{
	struct kg_arena *a = &w->arena;
	struct kg_buf *b = &w->scratch;
	d->allowed = d->ndeny == 0;
	d->resp.allowed = d->allowed;
	if (!d->allowed) {
		struct kg_adm_cause *causes = kg_arena_alloc(a, (CAUSES_MAX + 1) * sizeof(*causes));
		size_t nc = 0, shown = 0;
		kg_buf_reset(b);
		kg_buf_printf(b, "%s \"%s\"%s%s%s violates the kguard policy (%zu finding%s): ", *rq->kind ? rq->kind : "object",
			      object_name(w, rq), *rq->namespace_ ? " in namespace \"" : "", rq->namespace_,
			      *rq->namespace_ ? "\"" : "", d->ndeny, d->ndeny == 1 ? "" : "s");
		for (size_t i = 0; i < d->nitems; i++) {
			const struct kg_adm_item *it = &d->items[i];
			if (it->action != KG_ADM_ENFORCE)
				continue;
			size_t start = b->len;
			if (shown)
				kg_buf_adds(b, "; ");
			size_t text = b->len;
			item_text(b, s, it);
			if (nc < CAUSES_MAX) {
				causes[nc].field = it->f->path;
				causes[nc].message = clean(a, b->data + text, b->len - text, 1024);
				nc++;
			}
			if (b->len > MESSAGE_MAX) {
				b->len = start;
				b->data[start] = '\0';
				kg_buf_printf(b, "; ... and %zu more", d->ndeny - shown);
				break;
			}
			shown++;
		}
		d->code = 403;
		d->reason = "Forbidden";
		d->resp.code = 403;
		d->resp.reason = "Forbidden";
		d->resp.message = clean(a, b->data, b->len, MESSAGE_MAX + 64);
		d->resp.causes = causes;
		d->resp.ncauses = nc;
	}
	/* warnings: Pod Security first, then by severity, so the 4 KiB the API server keeps hold the
	 * most important ones */
	const char **warn = kg_arena_alloc(a, (d->nwarn + 2) * sizeof(*warn));
	size_t nw = 0, total = 0, dropped = 0;
	const struct kg_adm_item **order = kg_arena_alloc(a, (d->nitems + 1) * sizeof(*order));
	size_t no = 0;
	for (int pass = KG_SEV_CRITICAL + 1; pass >= KG_SEV_NONE; pass--)
		for (size_t i = 0; i < d->nitems; i++) {
			const struct kg_adm_item *it = &d->items[i];
			if (it->action == KG_ADM_WARN &&
			    (pass == KG_SEV_CRITICAL + 1 ? it->pss_mode >= 0 : it->pss_mode < 0 && (int)it->f->severity == pass))
				order[no++] = it;
		}
	for (size_t i = 0; i < no; i++) {
		const struct kg_adm_item *it = order[i];
		kg_buf_reset(b);
		item_text(b, s, it);
		char *t = clean(a, b->data, b->len, WARNING_MAX);
		size_t tl = strlen(t);
		if (total + tl > WARNINGS_TOTAL - 100) {
			dropped++;
			continue;
		}
		total += tl;
		warn[nw++] = t;
	}
	if (dropped)
		warn[nw++] = kg_arena_printf(a, "kguard: %zu more warning%s not shown (run kguard scan on the object)", dropped,
					     dropped == 1 ? "" : "s");
	d->resp.warnings = warn;
	d->resp.nwarnings = nw;
	/* audit annotations */
	if (d->naudit) {
		kg_buf_reset(b);
		size_t shown = 0;
		for (size_t i = 0; i < d->nitems; i++) {
			const struct kg_adm_item *it = &d->items[i];
			if (it->action != KG_ADM_AUDIT)
				continue;
			size_t start = b->len;
			if (shown)
				kg_buf_adds(b, "; ");
			item_text(b, s, it);
			if (b->len > ANNOTATION_MAX) {
				b->len = start;
				b->data[start] = '\0';
				kg_buf_printf(b, "; ... and %zu more", d->naudit - shown);
				break;
			}
			shown++;
		}
		add_annotation(w, ann, &nann, "audit-violations", clean(a, b->data, b->len, ANNOTATION_MAX + 64));
	}
	d->resp.annotations = ann;
	d->resp.nannotations = nann;
}

static bool is_pod(const struct kg_adm_request *rq)
{
	return !strcmp(rq->resource, "pods") || (!*rq->resource && !strcmp(rq->kind, "Pod"));
}

/* PSA's rule for Pod UPDATEs: only changes of images, of the container lists and of the seccomp
 * annotations of containers are evaluated (the rest of a pod spec is immutable or harmless). */
static bool container_changed(const struct kg_node *c, const struct kg_node *oc, const struct kg_node *ann,
			      const struct kg_node *oann)
{
	const char *img = kg_str(kg_map_get(c, "image")), *oimg = kg_str(kg_map_get(oc, "image"));
	if ((img == NULL) != (oimg == NULL) || (img && strcmp(img, oimg)))
		return true;
	const char *name = kg_str(kg_map_get(c, "name"));
	char key[320];
	snprintf(key, sizeof(key), "container.seccomp.security.alpha.kubernetes.io/%s", name ? name : "");
	const char *v = kg_str(kg_map_get(ann, key)), *ov = kg_str(kg_map_get(oann, key));
	return (v == NULL) != (ov == NULL) || (v && strcmp(v, ov));
}

static bool significant_pod_update(const struct kg_node *pod, const struct kg_node *old)
{
	const struct kg_node *spec = kg_map_get(pod, "spec"), *ospec = kg_map_get(old, "spec");
	const struct kg_node *ann = kg_node_get(pod, "metadata.annotations"), *oann = kg_node_get(old, "metadata.annotations");
	static const char *const lists[] = { "containers", "initContainers" };
	for (int l = 0; l < 2; l++) {
		const struct kg_node *cs = kg_map_get(spec, lists[l]), *ocs = kg_map_get(ospec, lists[l]);
		uint32_t n = kg_is_seq(cs) ? cs->len : 0, on = kg_is_seq(ocs) ? ocs->len : 0;
		if (n != on)
			return true;
		for (uint32_t i = 0; i < n; i++)
			if (container_changed(cs->v.items[i], ocs->v.items[i], ann, oann))
				return true;
	}
	const struct kg_node *es = kg_map_get(spec, "ephemeralContainers"), *oes = kg_map_get(ospec, "ephemeralContainers");
	for (uint32_t i = 0; kg_is_seq(es) && i < es->len; i++) {
		const char *name = kg_str(kg_map_get(es->v.items[i], "name"));
		const struct kg_node *match = NULL;
		for (uint32_t j = 0; kg_is_seq(oes) && j < oes->len && !match; j++) {
			const char *on = kg_str(kg_map_get(oes->v.items[j], "name"));
			if (name && on && !strcmp(name, on))
				match = oes->v.items[j];
		}
		if (!match || container_changed(es->v.items[i], match, ann, oann))
			return true;
	}
	return false;
}

static void deny_bad_request(struct kg_adm_decision *d, const char *msg)
{
	d->allowed = false;
	d->code = 400;
	d->reason = "BadRequest";
	d->resp.allowed = false;
	d->resp.code = 400;
	d->resp.reason = "BadRequest";
	d->resp.message = msg;
}

static const char *runtime_class(struct kg_adm_worker *w, const struct kg_adm_request *rq)
{
	struct kg_object obj;
	struct kg_doc doc;
	struct kg_pod_ref ref;
	kg_adm_object_init(&obj, &doc, rq->object, rq, &w->arena);
	if (!kg_pod_locate(&obj, &ref))
		return NULL;
	return kg_str(kg_map_get(ref.spec, "runtimeClassName"));
}

static void connect_decision(struct kg_adm_worker *w, const struct kg_adm_settings *s, const struct kg_adm_request *rq,
			     struct kg_adm_decision *d, struct kg_adm_kv *ann, size_t nann)
{
	static const char *const ops[KG_ADM_NCONNECT] = { "exec", "attach", "portforward" };
	int op;
	for (op = 0; op < KG_ADM_NCONNECT; op++)
		if (!strcmp(rq->sub_resource, ops[op]))
			break;
	if (op == KG_ADM_NCONNECT || !is_pod(rq) || s->connect[op] == KG_ADM_OFF) {
		d->skip = "CONNECT is allowed by the policy";
		d->resp.annotations = ann;
		d->resp.nannotations = nann;
		return;
	}
	d->evaluated = true;
	const char *text = kg_arena_printf(&w->arena, "pods/%s into pod \"%s\"%s%s%s is %s by the kguard policy (serve.connect.%s: %s)",
					   ops[op], rq->name, *rq->namespace_ ? " in namespace \"" : "", rq->namespace_,
					   *rq->namespace_ ? "\"" : "",
					   s->connect[op] == KG_ADM_ENFORCE ? "not allowed" : "recorded", ops[op],
					   kg_adm_action_name(s->connect[op]));
	if (s->connect[op] == KG_ADM_ENFORCE) {
		d->ndeny = 1;
		d->allowed = false;
		d->code = 403;
		d->reason = "Forbidden";
		d->resp.code = 403;
		d->resp.reason = "Forbidden";
		d->resp.message = text;
	} else if (s->connect[op] == KG_ADM_WARN) {
		const char **wv = kg_arena_alloc(&w->arena, sizeof(*wv));
		wv[0] = text;
		d->nwarn = 1;
		d->resp.warnings = wv;
		d->resp.nwarnings = 1;
	} else {
		d->naudit = 1;
		add_annotation(w, ann, &nann, "audit-violations", text);
	}
	d->resp.allowed = d->allowed;
	d->resp.annotations = ann;
	d->resp.nannotations = nann;
}

void kg_adm_validate(struct kg_adm_worker *w, const struct kg_adm_config *cfg, const struct kg_adm_request *rq,
		     struct kg_adm_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->allowed = d->resp.allowed = true;
	struct kg_adm_kv *ann = kg_arena_alloc(&w->arena, 4 * sizeof(*ann));
	size_t nann = 0;
	const struct kg_adm_settings *s = kg_adm_config_for(cfg, rq->namespace_);
	const char *op = rq->operation;
	d->exempt = kg_adm_config_exempt(cfg, rq->username, rq->namespace_);
	if (!d->exempt && !strcmp(op, "CONNECT")) {
		connect_decision(w, s, rq, d, ann, nann);
		return;
	}
	if (!d->exempt && (!strcmp(op, "CREATE") || !strcmp(op, "UPDATE")) && kg_is_map(rq->object) &&
	    kg_adm_config_exempt_runtime_class(cfg, runtime_class(w, rq)))
		d->exempt = KG_ADM_EXEMPT_RUNTIME_CLASS;
	if (d->exempt) {
		d->skip = "exempt";
		add_annotation(w, ann, &nann, "exempt", kg_adm_exempt_name(d->exempt));
	} else if (strcmp(op, "CREATE") && strcmp(op, "UPDATE")) {
		d->skip = !strcmp(op, "DELETE") ? "DELETE is not checked" : "operation is not checked";
	} else if (*rq->sub_resource && !(is_pod(rq) && !strcmp(rq->sub_resource, "ephemeralcontainers"))) {
		d->skip = "subresource is not checked";
	} else if (!rq->object) {
		deny_bad_request(d, "kguard: request.object is missing");
		return;
	} else if (!kg_is_map(rq->object)) {
		deny_bad_request(d, "kguard: request.object is not a JSON object");
		return;
	} else if (!s->ratchet && !strcmp(op, "UPDATE") && is_pod(rq) && kg_is_map(rq->old_object) &&
		   !significant_pod_update(rq->object, rq->old_object)) {
		d->skip = "pod update changes no image (Pod Security Admission's rule)";
	}
	if (d->skip) {
		d->resp.annotations = ann;
		d->resp.nannotations = nann;
		return;
	}
	if (s->pss[KG_ADM_PSS_ENFORCE].level != KG_PSS_PRIVILEGED) {
		char lvl[48];
		kg_adm_level_name(&s->pss[KG_ADM_PSS_ENFORCE], lvl, sizeof(lvl));
		add_annotation(w, ann, &nann, "enforce-policy", kg_arena_strdup(&w->arena, lvl));
	}
	kg_adm_collect(w, cfg, s, rq, d);
	build_response(w, s, rq, d, ann, nann);
}

void kg_adm_mutate(struct kg_adm_worker *w, const struct kg_adm_config *cfg, const struct kg_adm_request *rq,
		   struct kg_adm_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->allowed = d->resp.allowed = true;
	const struct kg_adm_settings *s = kg_adm_config_for(cfg, rq->namespace_);
	const char *op = rq->operation;
	bool ephemeral = false;
	d->exempt = kg_adm_config_exempt(cfg, rq->username, rq->namespace_);
	if (!d->exempt && kg_is_map(rq->object) && kg_adm_config_exempt_runtime_class(cfg, runtime_class(w, rq)))
		d->exempt = KG_ADM_EXEMPT_RUNTIME_CLASS;
	if (d->exempt)
		d->skip = "exempt";
	else if (!s->mutate)
		d->skip = "no default is enabled";
	else if (strcmp(op, "CREATE") && strcmp(op, "UPDATE"))
		d->skip = "operation is not mutated";
	else if (!kg_is_map(rq->object))
		d->skip = "no object";
	else if (*rq->sub_resource && !(ephemeral = is_pod(rq) && !strcmp(rq->sub_resource, "ephemeralcontainers")))
		d->skip = "subresource is not mutated";
	else if (is_pod(rq) && !strcmp(op, "UPDATE") && !ephemeral)
		d->skip = "a pod's spec cannot change on update";
	if (d->skip)
		return;
	d->evaluated = true;
	struct kg_buf what;
	kg_buf_init(&what, 4096);
	kg_buf_reset(&w->scratch);
	char av[256];
	snprintf(av, sizeof(av), "%s%s%s", rq->group, *rq->group ? "/" : "", rq->version);
	int n = kg_adm_patch(rq->object, rq->old_object, ephemeral, av, rq->kind, s->mutate, &w->scratch, &what);
	if (n > 0) {
		char *p = kg_arena_alloc(&w->arena, w->scratch.len + 1);
		memcpy(p, w->scratch.data, w->scratch.len + 1);
		d->resp.patch = p;
		d->resp.patch_len = w->scratch.len;
		d->mutated = kg_arena_strdup(&w->arena, what.data);
		struct kg_adm_kv *ann = kg_arena_alloc(&w->arena, sizeof(*ann));
		ann[0] = (struct kg_adm_kv){ "mutated", d->mutated };
		d->resp.annotations = ann;
		d->resp.nannotations = 1;
	}
	kg_buf_release(&what);
}
