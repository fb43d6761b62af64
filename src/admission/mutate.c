/* Secure defaults as a JSON Patch (RFC 6902) for /mutate (eval.h: kg_adm_patch). Only fields
 * that are unset (absent or null) are added; a missing securityContext or capabilities object is
 * created whole in one "add", so every operation's parent exists when it is applied. Fields the
 * API server would then reject are left alone: Linux-only fields on Windows pods,
 * allowPrivilegeEscalation on privileged or CAP_SYS_ADMIN containers, seccompProfile where the
 * legacy seccomp annotations are set (the API server requires the two to agree). */
#include <string.h>

#include "../core/k8s.h"
#include "../util/jsonw.h"
#include "eval_priv.h"

int kg_json_pointer_append(struct kg_buf *out, const char *token, size_t len)
{
	int r = kg_buf_addc(out, '/');
	for (size_t i = 0; i < len && !r; i++) {
		if (token[i] == '~')
			r = kg_buf_add(out, "~0", 2);
		else if (token[i] == '/')
			r = kg_buf_add(out, "~1", 2);
		else
			r = kg_buf_addc(out, token[i]);
	}
	return r;
}

/* A dotted path with [N] steps ("spec.tasks[1].template.spec") as a JSON Pointer. */
static void dotted_pointer(struct kg_buf *out, const char *dotted)
{
	const char *p = dotted;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t seg = dot ? (size_t)(dot - p) : strlen(p);
		const char *br = memchr(p, '[', seg);
		kg_json_pointer_append(out, p, br ? (size_t)(br - p) : seg);
		while (br && br < p + seg) {
			const char *end = memchr(br, ']', (size_t)(p + seg - br));
			if (!end)
				break;
			kg_json_pointer_append(out, br + 1, (size_t)(end - br - 1));
			br = end + 1 < p + seg && end[1] == '[' ? end + 1 : NULL;
		}
		p += seg;
		if (*p == '.')
			p++;
	}
}

struct patcher {
	struct kg_jw w;
	struct kg_buf ptr;
	const struct kg_node *old_spec;
	unsigned mutate, applied;
	bool ephemeral_only, windows;
	int nops;
	size_t base_len; /* ptr length of the pod spec's pointer */
	const struct kg_node *pod_meta;
};

static bool unset(const struct kg_node *n)
{
	return !n || n->type == KG_NULL;
}

/* "add" at ptr + suffix tokens with a JSON value. */
static void add_op(struct patcher *p, const char *const *tokens, unsigned ntok, const char *json)
{
	size_t keep = p->ptr.len;
	for (unsigned i = 0; i < ntok; i++)
		kg_json_pointer_append(&p->ptr, tokens[i], strlen(tokens[i]));
	kg_jw_obj(&p->w);
	kg_jw_kstr(&p->w, "op", "add");
	kg_jw_key(&p->w, "path");
	kg_jw_strn(&p->w, p->ptr.data, p->ptr.len);
	kg_jw_key(&p->w, "value");
	kg_jw_raw(&p->w, json);
	kg_jw_obj_end(&p->w);
	p->ptr.len = keep;
	p->ptr.data[keep] = '\0';
	p->nops++;
}

static bool in_old_ephemeral(const struct patcher *p, const char *name)
{
	const struct kg_node *es = kg_map_get(p->old_spec, "ephemeralContainers");
	for (uint32_t i = 0; name && kg_is_seq(es) && i < es->len; i++) {
		const char *n = kg_str(kg_map_get(es->v.items[i], "name"));
		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

static bool adds_sys_admin(const struct kg_node *caps)
{
	const struct kg_node *add = kg_map_get(caps, "add");
	for (uint32_t i = 0; kg_is_seq(add) && i < add->len; i++) {
		const char *c = kg_str(add->v.items[i]);
		if (c && (!strcmp(c, "SYS_ADMIN") || !strcmp(c, "CAP_SYS_ADMIN")))
			return true;
	}
	return false;
}

static void on_container(void *ctx, const struct kg_node *c, enum kg_container_kind kind, unsigned index)
{
	struct patcher *p = ctx;
	if (!kg_is_map(c))
		return;
	if (p->ephemeral_only && (kind != KG_EPHEMERAL_CONTAINER || in_old_ephemeral(p, kg_str(kg_map_get(c, "name")))))
		return;
	char idx[16];
	snprintf(idx, sizeof(idx), "%u", index);
	const char *list = kg_container_fields[kind];
	if ((p->mutate & KG_ADM_MUT_PULL_ALWAYS) && unset(kg_map_get(c, "imagePullPolicy"))) {
		const char *t[] = { list, idx, "imagePullPolicy" };
		add_op(p, t, 3, "\"Always\"");
		p->applied |= KG_ADM_MUT_PULL_ALWAYS;
	}
	if (p->windows)
		return;
	const struct kg_node *sc = kg_map_get(c, "securityContext");
	if (!unset(sc) && !kg_is_map(sc))
		return; /* malformed: validation reports it */
	const struct kg_node *caps = kg_map_get(sc, "capabilities");
	bool ape = (p->mutate & KG_ADM_MUT_APE) && unset(kg_map_get(sc, "allowPrivilegeEscalation")) &&
		   !kg_is_true(kg_map_get(sc, "privileged")) && !adds_sys_admin(caps);
	bool drop = (p->mutate & KG_ADM_MUT_DROP_ALL) && (unset(caps) || kg_is_map(caps)) &&
		    unset(kg_map_get(caps, "drop"));
	if (ape)
		p->applied |= KG_ADM_MUT_APE;
	if (drop)
		p->applied |= KG_ADM_MUT_DROP_ALL;
	if (unset(sc)) {
		if (!ape && !drop)
			return;
		const char *t[] = { list, idx, "securityContext" };
		add_op(p, t, 3,
		       ape && drop ? "{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}"
		       : ape       ? "{\"allowPrivilegeEscalation\":false}"
				   : "{\"capabilities\":{\"drop\":[\"ALL\"]}}");
		return;
	}
	if (ape) {
		const char *t[] = { list, idx, "securityContext", "allowPrivilegeEscalation" };
		add_op(p, t, 4, "false");
	}
	if (drop && unset(caps)) {
		const char *t[] = { list, idx, "securityContext", "capabilities" };
		add_op(p, t, 4, "{\"drop\":[\"ALL\"]}");
	} else if (drop) {
		const char *t[] = { list, idx, "securityContext", "capabilities", "drop" };
		add_op(p, t, 5, "[\"ALL\"]");
	}
}

static bool has_seccomp_annotations(const struct kg_node *meta)
{
	const struct kg_node *ann = kg_map_get(meta, "annotations");
	for (uint32_t i = 0; kg_is_map(ann) && i < ann->len; i++) {
		const char *k = ann->v.pairs[i].key;
		if (!strcmp(k, "seccomp.security.alpha.kubernetes.io/pod") ||
		    !strncmp(k, "container.seccomp.security.alpha.kubernetes.io/", 47))
			return true;
	}
	return false;
}

struct walk {
	struct patcher *p;
};

static void on_pod(void *ctx, const struct kg_pod_ref *ref)
{
	struct patcher *p = ctx;
	kg_buf_reset(&p->ptr);
	dotted_pointer(&p->ptr, ref->spec_path);
	const char *os = kg_str(kg_node_get(ref->spec, "os.name"));
	p->windows = os && !strcmp(os, "windows");
	if (!p->ephemeral_only) {
		const struct kg_node *psc = kg_map_get(ref->spec, "securityContext");
		if ((p->mutate & KG_ADM_MUT_SECCOMP) && !p->windows && !has_seccomp_annotations(ref->meta) &&
		    (unset(psc) || kg_is_map(psc)) && unset(kg_map_get(psc, "seccompProfile"))) {
			if (unset(psc)) {
				const char *t[] = { "securityContext" };
				add_op(p, t, 1, "{\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}");
			} else {
				const char *t[] = { "securityContext", "seccompProfile" };
				add_op(p, t, 2, "{\"type\":\"RuntimeDefault\"}");
			}
			p->applied |= KG_ADM_MUT_SECCOMP;
		}
		if ((p->mutate & KG_ADM_MUT_NO_AUTOMOUNT) && unset(kg_map_get(ref->spec, "automountServiceAccountToken"))) {
			const char *t[] = { "automountServiceAccountToken" };
			add_op(p, t, 1, "false");
			p->applied |= KG_ADM_MUT_NO_AUTOMOUNT;
		}
	}
	kg_each_container(ref->spec, on_container, p);
}

int kg_adm_patch(const struct kg_node *object, const struct kg_node *old_object, bool ephemeral_only,
		 const char *api_version, const char *kind, unsigned mutate, struct kg_buf *out, struct kg_buf *what)
{
	struct kg_object obj;
	kg_object_init(&obj, object, NULL, NULL);
	if (!obj.api_version)
		obj.api_version = api_version;
	if (!obj.kind)
		obj.kind = kind;
	struct patcher p;
	memset(&p, 0, sizeof(p));
	kg_jw_init(&p.w, out, false);
	kg_buf_init(&p.ptr, 1u << 16);
	p.mutate = mutate;
	p.ephemeral_only = ephemeral_only;
	p.old_spec = kg_map_get(old_object, "spec");
	kg_jw_arr(&p.w);
	if (kg_is_map(object) && kg_kind_has_pod(&obj))
		kg_pod_each(&obj, on_pod, &p);
	kg_jw_arr_end(&p.w);
	kg_buf_release(&p.ptr);
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ KG_ADM_MUT_APE, "allowPrivilegeEscalation" },
		{ KG_ADM_MUT_SECCOMP, "seccompProfile" },
		{ KG_ADM_MUT_DROP_ALL, "dropAllCapabilities" },
		{ KG_ADM_MUT_PULL_ALWAYS, "imagePullPolicyAlways" },
		{ KG_ADM_MUT_NO_AUTOMOUNT, "automountServiceAccountToken" },
	};
	if (what)
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (p.applied & names[i].bit)
				kg_buf_printf(what, "%s%s", what->len ? "," : "", names[i].name);
	return p.w.failed ? -1 : p.nops;
}
