/* Field extraction from an audit event tree, following the k8saudit 0.18.0 plugin value by value
 * (tests/unit/test_cond_extract.c checks every field against what the upstream code extracts for
 * the conformance traces), except for the upstream bugs that docs/audit.md lists and fixes:
 * ka.sourceips, image repositories with a registry port, eff_run_as_user/group and
 * ka.req.binding.subject.has_name.
 *
 * Conventions copied from the plugin: a string leaf gives its text, any other JSON value its
 * compact JSON; a list field with zero values is "not available"; when the event has no auditID
 * no ka.* field is available. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_ids.h"

#define MAX_PATH_KEYS 8

void kg_xctx_init(struct kg_xctx *x, struct kg_arena *arena)
{
	memset(x, 0, sizeof(*x));
	x->arena = arena;
	kg_buf_init(&x->text, 0);
}

void kg_xctx_release(struct kg_xctx *x)
{
	free(x->vals);
	free(x->nodes);
	kg_buf_release(&x->text);
	memset(x, 0, sizeof(*x));
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * elem);
	if (!q)
		abort();
	*cap = n;
	return q;
}

static void add_val(struct kg_xctx *x, const char *s, size_t len)
{
	x->vals = grow(x->vals, &x->avals, x->nvals + 1, sizeof(*x->vals));
	x->vals[x->nvals++] = (struct kg_cval){ s, (uint32_t)len };
}

static void add_node(struct kg_xctx *x, const struct kg_node *n)
{
	x->nodes = grow(x->nodes, &x->anodes, x->nnodes + 1, sizeof(*x->nodes));
	x->nodes[x->nnodes++] = n;
}

/* Map lookup with a known key length (keys here are short literals). */
static const struct kg_node *get(const struct kg_node *n, const char *key)
{
	if (!n || n->type != KG_MAP)
		return NULL;
	size_t klen = strlen(key);
	for (uint32_t i = 0; i < n->len; i++) {
		const struct kg_pair *p = &n->v.pairs[i];
		if (p->key_len == klen && memcmp(p->key, key, klen) == 0)
			return p->value;
	}
	return NULL;
}

static const struct kg_node *path(const struct kg_node *n, const char *const *keys, int nkeys)
{
	for (int i = 0; i < nkeys && n; i++)
		n = get(n, keys[i]);
	return n;
}

/* Text of a value: a string's own bytes, else its compact JSON copied into the arena. */
static void as_text(struct kg_xctx *x, const struct kg_node *n, const char **s, size_t *len)
{
	if (n->type == KG_STR) {
		*s = n->v.s;
		*len = n->len;
		return;
	}
	kg_buf_reset(&x->text);
	if (kg_node_json(n, &x->text, false)) {
		*s = "";
		*len = 0;
		return;
	}
	*s = kg_arena_strndup(x->arena, x->text.data, x->text.len);
	*len = x->text.len;
}

static void add_text(struct kg_xctx *x, const struct kg_node *n)
{
	const char *s;
	size_t len;
	as_text(x, n, &s, &len);
	add_val(x, s, len);
}

/* The plugin's getValuesRecursive: walk keys; an array met before a key fans out over its items
 * (an item where the walk fails gives a NULL entry) or, with an index, selects that item. The
 * value at the last key is returned whole, arrays included. Returns -1 when not available. */
static int values_rec(struct kg_xctx *x, const struct kg_node *n, int64_t idx, const char *const *keys, int nkeys)
{
	for (int i = 0; i < nkeys; i++) {
		if (n->type == KG_SEQ) {
			if (idx < 0) {
				for (uint32_t k = 0; k < n->len; k++) {
					size_t mark = x->nnodes;
					if (values_rec(x, n->v.items[k], idx, keys + i, nkeys - i)) {
						x->nnodes = mark;
						add_node(x, NULL);
					}
				}
				return 0;
			}
			if ((uint64_t)idx >= n->len)
				return -1;
			n = n->v.items[idx];
		}
		if (keys[i][0])
			n = get(n, keys[i]);
		if (!n)
			return -1;
	}
	add_node(x, n);
	return 0;
}

static int collect(struct kg_xctx *x, const struct kg_node *root, int64_t idx, const char *const *keys, int nkeys)
{
	x->nnodes = 0;
	return values_rec(x, root, idx, keys, nkeys);
}

static int container_values(struct kg_xctx *x, const struct kg_node *root, const char *list, int64_t idx,
			    const char *const *sub, int nsub)
{
	const char *keys[MAX_PATH_KEYS] = { "requestObject", "spec", list };
	for (int i = 0; i < nsub; i++)
		keys[3 + i] = sub[i];
	return collect(x, root, idx, keys, 3 + nsub);
}

/* arrayAsStringsSkipNil over the collected nodes. */
static void texts_skip_nil(struct kg_xctx *x)
{
	for (size_t i = 0; i < x->nnodes; i++)
		if (x->nodes[i])
			add_text(x, x->nodes[i]);
}

/* arrayAsStrings: any NULL makes the field unavailable. */
static int texts_all(struct kg_xctx *x)
{
	for (size_t i = 0; i < x->nnodes; i++)
		if (!x->nodes[i])
			return -1;
	texts_skip_nil(x);
	return 0;
}

/* extractFromKeys: a single value, or for list fields the items of an array. */
static void from_keys(struct kg_xctx *x, const struct kg_node *root, bool list, const char *const *keys, int nkeys)
{
	const struct kg_node *n = path(root, keys, nkeys);
	if (!n)
		return;
	if (!list) {
		add_text(x, n);
		return;
	}
	if (n->type != KG_SEQ)
		return;
	for (uint32_t i = 0; i < n->len; i++)
		add_text(x, n->v.items[i]);
}

#define KEYS(...) (const char *const[]){ __VA_ARGS__ }, (int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Go's url.QueryUnescape of s[0..n) into out (n+1 bytes); -1 on a bad escape. */
static int query_unescape(const char *s, size_t n, char *out, size_t *olen)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
				return -1;
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (s[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	*olen = o;
	return 0;
}

/* ka.uri.param: url.Parse + url.ParseQuery; any malformed escape or a ';' separator makes the
 * whole field unavailable (Go returns an error), else the first value of the key. */
static void uri_param(struct kg_xctx *x, const struct kg_node *root, const char *key)
{
	const struct kg_node *u = get(root, "requestURI");
	if (!u)
		return;
	const char *s;
	size_t len;
	as_text(x, u, &s, &len);
	const char *hash = memchr(s, '#', len);
	if (hash)
		len = (size_t)(hash - s);
	const char *q = memchr(s, '?', len);
	for (const char *p = s; p < (q ? q : s + len); p++)
		if (*p == '%' && (p + 2 >= s + len || hexval(p[1]) < 0 || hexval(p[2]) < 0))
			return;
	if (!q)
		return;
	q++;
	const char *end = s + len;
	if (memchr(q, ';', (size_t)(end - q)))
		return;
	char *buf = kg_arena_alloc(x->arena, (size_t)(end - q) + 1);
	const char *found = NULL;
	size_t found_len = 0;
	for (const char *p = q; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pe = amp ? amp : end;
		if (pe > p) {
			const char *eq = memchr(p, '=', (size_t)(pe - p));
			const char *ke = eq ? eq : pe;
			size_t klen, vlen;
			if (query_unescape(p, (size_t)(ke - p), buf, &klen))
				return;
			bool match = !found && strlen(key) == klen && memcmp(buf, key, klen) == 0;
			char *val = kg_arena_alloc(x->arena, (size_t)(pe - ke) + 1);
			if (query_unescape(eq ? eq + 1 : pe, eq ? (size_t)(pe - eq - 1) : 0, val, &vlen))
				return;
			if (match) {
				found = val;
				found_len = vlen;
			}
		}
		p = amp ? amp + 1 : end;
	}
	if (found)
		add_val(x, found, found_len);
}

static void subject_names(struct kg_xctx *x, const struct kg_node *root, const char *kind, bool with_ns)
{
	const struct kg_node *subs = path(root, KEYS("requestObject", "subjects"));
	if (!subs || subs->type != KG_SEQ)
		return;
	for (uint32_t i = 0; i < subs->len; i++) {
		const struct kg_node *sub = subs->v.items[i];
		const struct kg_node *k = get(sub, "kind"), *nm = get(sub, "name");
		if (!k || !nm)
			continue;
		const char *ks, *ns;
		size_t kl, nl;
		as_text(x, k, &ks, &kl);
		if (kl != strlen(kind) || memcmp(ks, kind, kl) != 0)
			continue;
		as_text(x, nm, &ns, &nl);
		if (!with_ns) {
			add_val(x, ns, nl);
			continue;
		}
		const struct kg_node *sn = get(sub, "namespace");
		if (!sn)
			continue;
		const char *ss;
		size_t sl;
		as_text(x, sn, &ss, &sl);
		char *t = kg_arena_alloc(x->arena, sl + nl + 2);
		memcpy(t, ss, sl);
		t[sl] = ':';
		memcpy(t + sl + 1, ns, nl);
		t[sl + nl + 1] = '\0';
		add_val(x, t, sl + nl + 1);
	}
}

/* Repository of an image reference: without the tag (a ':' after the last '/') and digest
 * ('@...'). The plugin cut at the first ':', which turns "registry:5000/app:1" into "registry"
 * (docs/audit.md). */
static void add_repo(struct kg_xctx *x, const char *img, size_t len)
{
	const char *at = memchr(img, '@', len);
	size_t n = at ? (size_t)(at - img) : len;
	const char *slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (img[i] == '/')
			slash = img + i;
	const char *from = slash ? slash : img;
	const char *colon = memchr(from, ':', n - (size_t)(from - img));
	if (colon)
		n = (size_t)(colon - img);
	add_val(x, n == len ? img : kg_arena_strndup(x->arena, img, n), n);
}

/* args / command: each container's string array joined with single spaces. */
static void joined(struct kg_xctx *x, const struct kg_node *root, const char *list, int64_t idx, const char *key)
{
	if (container_values(x, root, list, idx, (const char *const[]){ key }, 1))
		return;
	size_t mark = x->nvals;
	for (size_t i = 0; i < x->nnodes; i++) {
		const struct kg_node *a = x->nodes[i];
		if (!a)
			continue;
		if (a->type != KG_SEQ) {
			x->nvals = mark;
			return;
		}
		size_t total = 0;
		for (uint32_t k = 0; k < a->len; k++) {
			if (a->v.items[k]->type != KG_STR) {
				x->nvals = mark;
				return;
			}
			total += a->v.items[k]->len + 1;
		}
		char *t = kg_arena_alloc(x->arena, total + 1), *o = t;
		for (uint32_t k = 0; k < a->len; k++) {
			if (k)
				*o++ = ' ';
			memcpy(o, a->v.items[k]->v.s, a->v.items[k]->len);
			o += a->v.items[k]->len;
		}
		*o = '\0';
		add_val(x, t, (size_t)(o - t));
	}
}

static void host_ports(struct kg_xctx *x, const struct kg_node *root, const char *list, int64_t idx)
{
	if (container_values(x, root, list, idx, (const char *const[]){ "ports" }, 1))
		return;
	size_t mark = x->nvals;
	for (size_t i = 0; i < x->nnodes; i++) {
		const struct kg_node *ports = x->nodes[i];
		if (!ports)
			continue;
		if (ports->type != KG_SEQ) {
			x->nvals = mark;
			return;
		}
		for (uint32_t k = 0; k < ports->len; k++) {
			const struct kg_node *hp = get(ports->v.items[k], "hostPort");
			if (!hp)
				hp = get(ports->v.items[k], "containerPort");
			if (hp)
				add_text(x, hp);
		}
	}
}

/* Effective runAsUser/runAsGroup: the container's securityContext value, else the pod's
 * spec.securityContext value, else "0". (The plugin read <container>.runAsUser and
 * spec.runAsUser, which the API does not have: docs/audit.md.) */
static void effective(struct kg_xctx *x, const struct kg_node *root, const char *list, int64_t idx, const char *key)
{
	const struct kg_node *pod = path(root, (const char *const[]){ "requestObject", "spec", "securityContext", key }, 4);
	const char *def = "0";
	size_t deflen = 1;
	if (pod)
		as_text(x, pod, &def, &deflen);
	const struct kg_node *cs = path(root, (const char *const[]){ "requestObject", "spec", list }, 3);
	if (!cs || cs->type != KG_SEQ)
		return;
	uint32_t from = 0, to = cs->len;
	if (idx >= 0) {
		if ((uint64_t)idx >= cs->len)
			return;
		from = (uint32_t)idx;
		to = from + 1;
	}
	for (uint32_t i = from; i < to; i++) {
		const struct kg_node *v = path(cs->v.items[i], (const char *const[]){ "securityContext", key }, 2);
		if (v && v->type != KG_NULL)
			add_text(x, v);
		else
			add_val(x, def, deflen);
	}
}

static const char *const ct_lists[] = { "containers", "initContainers", "ephemeralContainers" };

static void container_field(struct kg_xctx *x, const struct kg_node *root, int id, int64_t idx)
{
	int list = (id - KA_CT_BASE) / 16, sub = (id - KA_CT_BASE) % 16;
	const char *ln = ct_lists[list];
	const char *sc = "securityContext";
	switch (sub) {
	case CT_ARGS: joined(x, root, ln, idx, "args"); return;
	case CT_COMMAND: joined(x, root, ln, idx, "command"); return;
	case CT_NAME:
	case CT_IMAGE:
	case CT_REPO: {
		if (container_values(x, root, ln, idx, (const char *const[]){ sub == CT_NAME ? "name" : "image" }, 1))
			return;
		size_t mark = x->nvals;
		if (texts_all(x))
			return;
		if (sub == CT_REPO) {
			size_t end = x->nvals;
			for (size_t i = mark; i < end; i++)
				add_repo(x, x->vals[i].s, x->vals[i].len);
			memmove(x->vals + mark, x->vals + end, (x->nvals - end) * sizeof(*x->vals));
			x->nvals -= end - mark;
		}
		return;
	}
	case CT_HOST_PORT: host_ports(x, root, ln, idx); return;
	case CT_PRIVILEGED:
		if (!container_values(x, root, ln, idx, (const char *const[]){ sc, "privileged" }, 2))
			texts_skip_nil(x);
		return;
	case CT_APE:
		if (!container_values(x, root, ln, idx, (const char *const[]){ sc, "allowPrivilegeEscalation" }, 2))
			texts_skip_nil(x);
		return;
	case CT_ROFS:
		if (!container_values(x, root, ln, idx, (const char *const[]){ sc, "readOnlyRootFilesystem" }, 2))
			texts_skip_nil(x);
		return;
	case CT_RUN_AS_USER:
		if (!container_values(x, root, ln, idx, (const char *const[]){ sc, "runAsUser" }, 2))
			texts_skip_nil(x);
		return;
	case CT_RUN_AS_GROUP:
		if (!container_values(x, root, ln, idx, (const char *const[]){ sc, "runAsGroup" }, 2))
			texts_skip_nil(x);
		return;
	case CT_PROC_MOUNT:
		if (!container_values(x, root, ln, idx, (const char *const[]){ sc, "procMount" }, 2))
			texts_skip_nil(x);
		return;
	case CT_ADD_CAPS:
		if (!container_values(x, root, ln, idx, (const char *const[]){ sc, "capabilities", "add" }, 3))
			texts_skip_nil(x);
		return;
	case CT_EFF_USER: effective(x, root, ln, idx, "runAsUser"); return;
	case CT_EFF_GROUP: effective(x, root, ln, idx, "runAsGroup"); return;
	}
}

static void rules_field(struct kg_xctx *x, const struct kg_node *root, int64_t idx, const char *key)
{
	if (collect(x, root, idx, (const char *const[]){ "requestObject", "rules", key }, 3))
		return;
	for (size_t i = 0; i < x->nnodes; i++) {
		const struct kg_node *a = x->nodes[i];
		if (a && a->type == KG_SEQ)
			for (uint32_t k = 0; k < a->len; k++)
				add_text(x, a->v.items[k]);
	}
}

static void volume_hostpath_match(struct kg_xctx *x, const struct kg_node *root, const char *arg)
{
	if (collect(x, root, -1, KEYS("requestObject", "spec", "volumes", "hostPath", "path")))
		return;
	size_t alen = strlen(arg);
	bool prefix = alen && arg[alen - 1] == '*';
	for (size_t i = 0; i < x->nnodes; i++) {
		if (!x->nodes[i])
			continue;
		const char *s;
		size_t len;
		as_text(x, x->nodes[i], &s, &len);
		if ((prefix && len >= alen - 1 && memcmp(s, arg, alen - 1) == 0) ||
		    (len == alen && memcmp(s, arg, alen) == 0)) {
			add_val(x, "true", 4);
			return;
		}
	}
	add_val(x, "false", 5);
}

/* json.value: RFC 6901 pointer ("~1" is '/', "~0" is '~'); arrays take decimal indexes. */
static void json_pointer(struct kg_xctx *x, const struct kg_node *root, const char *arg)
{
	const struct kg_node *n = root;
	if (!*arg) {
		add_text(x, n);
		return;
	}
	const char *p = arg[0] == '/' ? arg + 1 : arg;
	char key[512];
	for (;;) {
		size_t k = 0;
		while (*p && *p != '/') {
			char c = *p++;
			if (c == '~' && (*p == '1' || *p == '0'))
				c = *p++ == '1' ? '/' : '~';
			if (k + 1 >= sizeof(key))
				return;
			key[k++] = c;
		}
		key[k] = '\0';
		if (n->type == KG_SEQ) {
			if (!k)
				return;
			uint64_t i = 0;
			for (size_t j = 0; j < k; j++) {
				if (key[j] < '0' || key[j] > '9' || i > 100000000)
					return;
				i = i * 10 + (uint64_t)(key[j] - '0');
			}
			if (i >= n->len)
				return;
			n = n->v.items[i];
		} else {
			n = get(n, key);
			if (!n)
				return;
		}
		if (!*p)
			break;
		p++;
	}
	add_text(x, n);
}

static void put_u64(struct kg_xctx *x, uint64_t v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%llu", (unsigned long long)v);
	add_val(x, kg_arena_strndup(x->arena, t, (size_t)n), (size_t)n);
}

static void extract_ka(struct kg_xctx *x, const struct kg_field *f, const char *arg, int64_t idx,
		       const struct kg_node *r)
{
	switch (f->id) {
	case KA_AUDITID: from_keys(x, r, false, KEYS("auditID")); return;
	case KA_STAGE: from_keys(x, r, false, KEYS("stage")); return;
	case KA_AUTH_DECISION: from_keys(x, r, false, KEYS("annotations", "authorization.k8s.io/decision")); return;
	case KA_AUTH_REASON: from_keys(x, r, false, KEYS("annotations", "authorization.k8s.io/reason")); return;
	case KA_AUTH_OS_DECISION: from_keys(x, r, false, KEYS("annotations", "authentication.openshift.io/decision")); return;
	case KA_VAP_FAILURE: from_keys(x, r, false, KEYS("annotations", "validation.policy.admission.k8s.io/validation_failure")); return;
	case KA_PSA_VIOLATIONS: from_keys(x, r, false, KEYS("annotations", "pod-security.kubernetes.io/audit-violations")); return;
	case KA_AUTH_OS_USERNAME: from_keys(x, r, false, KEYS("annotations", "authentication.openshift.io/username")); return;
	case KA_USER_NAME: from_keys(x, r, false, KEYS("user", "username")); return;
	case KA_USER_GROUPS: from_keys(x, r, true, KEYS("user", "groups")); return;
	case KA_IMPUSER_NAME: from_keys(x, r, false, KEYS("impersonatedUser", "username")); return;
	case KA_VERB: from_keys(x, r, false, KEYS("verb")); return;
	case KA_URI: from_keys(x, r, false, KEYS("requestURI")); return;
	case KA_URI_PARAM: uri_param(x, r, arg); return;
	case KA_TARGET_NAME:
	case KA_CONFIGMAP_NAME: from_keys(x, r, false, KEYS("objectRef", "name")); return;
	case KA_TARGET_NAMESPACE: from_keys(x, r, false, KEYS("objectRef", "namespace")); return;
	case KA_TARGET_RESOURCE: from_keys(x, r, false, KEYS("objectRef", "resource")); return;
	case KA_TARGET_SUBRESOURCE: from_keys(x, r, false, KEYS("objectRef", "subresource")); return;
	case KA_TARGET_POD_NAME: {
		const char *res = kg_str(path(r, KEYS("objectRef", "resource")));
		const char *sub = kg_str(path(r, KEYS("objectRef", "subresource")));
		if (res && !strcmp(res, "pods") && (!sub || !*sub))
			from_keys(x, r, false, KEYS("responseObject", "metadata", "name"));
		return;
	}
	case KA_BINDING_SUBJECTS: from_keys(x, r, true, KEYS("requestObject", "subjects")); return;
	case KA_BINDING_USER_NAMES: subject_names(x, r, "User", false); return;
	case KA_BINDING_SA_NAMES: subject_names(x, r, "ServiceAccount", false); return;
	case KA_BINDING_SA_NS_NAMES: subject_names(x, r, "ServiceAccount", true); return;
	case KA_BINDING_GROUP_NAMES: subject_names(x, r, "Group", false); return;
	case KA_BINDING_ROLE: from_keys(x, r, false, KEYS("requestObject", "roleRef", "name")); return;
	case KA_BINDING_HAS_NAME: {
		/* The plugin always answered "true" (docs/audit.md): kguard looks at the subjects. */
		const struct kg_node *subs = path(r, KEYS("requestObject", "subjects"));
		if (!subs || subs->type != KG_SEQ)
			return;
		bool has = false;
		for (uint32_t i = 0; i < subs->len && !has; i++) {
			const char *nm = kg_str(get(subs->v.items[i], "name"));
			has = nm && !strcmp(nm, arg);
		}
		add_val(x, has ? "true" : "false", has ? 4 : 5);
		return;
	}
	case KA_CONFIGMAP_OBJ: from_keys(x, r, false, KEYS("requestObject", "data")); return;
	case KA_CONTAINER_IMAGE:
	case KA_CONTAINER_REPO:
		if (container_values(x, r, "containers", 0, (const char *const[]){ "image" }, 1) || texts_all(x))
			return;
		if (f->id == KA_CONTAINER_REPO) {
			struct kg_cval img = x->vals[0];
			x->nvals = 0;
			add_repo(x, img.s, img.len);
		}
		return;
	case KA_POD_HOST_IPC: from_keys(x, r, false, KEYS("requestObject", "spec", "hostIPC")); return;
	case KA_POD_HOST_NETWORK:
	case KA_CONTAINER_HOST_NETWORK: from_keys(x, r, false, KEYS("requestObject", "spec", "hostNetwork")); return;
	case KA_POD_HOST_PID: from_keys(x, r, false, KEYS("requestObject", "spec", "hostPID")); return;
	case KA_CONTAINER_PRIVILEGED: {
		if (container_values(x, r, "containers", -1, (const char *const[]){ "securityContext", "privileged" }, 2))
			return;
		bool any = false;
		for (size_t i = 0; i < x->nnodes; i++)
			any |= x->nodes[i] && kg_is_true(x->nodes[i]);
		add_val(x, any ? "true" : "false", any ? 4 : 5);
		return;
	}
	case KA_POD_RUN_AS_USER: from_keys(x, r, false, KEYS("requestObject", "spec", "securityContext", "runAsUser")); return;
	case KA_POD_RUN_AS_GROUP: from_keys(x, r, false, KEYS("requestObject", "spec", "securityContext", "runAsGroup")); return;
	case KA_POD_FS_GROUP: from_keys(x, r, false, KEYS("requestObject", "spec", "securityContext", "fsGroup")); return;
	case KA_POD_SUPPL_GROUPS: from_keys(x, r, true, KEYS("requestObject", "spec", "securityContext", "supplementalGroups")); return;
	case KA_ROLE_RULES: from_keys(x, r, true, KEYS("requestObject", "rules")); return;
	case KA_ROLE_APIGROUPS: rules_field(x, r, idx, "apiGroups"); return;
	case KA_ROLE_NRURLS: rules_field(x, r, idx, "nonResourceURLs"); return;
	case KA_ROLE_VERBS: rules_field(x, r, idx, "verbs"); return;
	case KA_ROLE_RESOURCES: rules_field(x, r, idx, "resources"); return;
	case KA_SERVICE_TYPE: from_keys(x, r, false, KEYS("requestObject", "spec", "type")); return;
	case KA_SERVICE_PORTS:
		if (!collect(x, r, idx, KEYS("requestObject", "spec", "ports")))
			texts_skip_nil(x);
		return;
	case KA_VOLUME_HOSTPATH: volume_hostpath_match(x, r, arg); return;
	case KA_VOLUMES_HOSTPATH:
		if (!collect(x, r, idx, KEYS("requestObject", "spec", "volumes", "hostPath", "path")))
			texts_skip_nil(x);
		return;
	case KA_VOLUMES_FLEX:
		if (!collect(x, r, idx, KEYS("requestObject", "spec", "volumes", "flexVolume", "driver")))
			texts_skip_nil(x);
		return;
	case KA_VOLUMES_TYPE:
		if (collect(x, r, idx, KEYS("requestObject", "spec", "volumes", "")))
			return;
		for (size_t i = 0; i < x->nnodes; i++) {
			const struct kg_node *v = x->nodes[i];
			if (!v || v->type != KG_MAP)
				continue;
			for (uint32_t k = 0; k < v->len; k++)
				if (strcmp(v->v.pairs[k].key, "name"))
					add_val(x, v->v.pairs[k].key, v->v.pairs[k].key_len);
		}
		return;
	case KA_RESP_NAME: from_keys(x, r, false, KEYS("responseObject", "metadata", "name")); return;
	case KA_RESPONSE_CODE: from_keys(x, r, false, KEYS("responseStatus", "code")); return;
	case KA_RESPONSE_REASON: from_keys(x, r, false, KEYS("responseStatus", "reason")); return;
	case KA_USERAGENT: from_keys(x, r, false, KEYS("userAgent")); return;
	case KA_SOURCEIPS: {
		/* The plugin read requestObject.rules[*].sourceIPs (docs/audit.md): kguard reads the
		 * event's own sourceIPs. */
		const struct kg_node *ips = get(r, "sourceIPs");
		if (!ips || ips->type != KG_SEQ)
			return;
		uint32_t from = 0, to = ips->len;
		if (idx >= 0) {
			if ((uint64_t)idx >= ips->len)
				return;
			from = (uint32_t)idx;
			to = from + 1;
		}
		for (uint32_t i = from; i < to; i++)
			if (ips->v.items[i]->type != KG_NULL)
				add_text(x, ips->v.items[i]);
		return;
	}
	case KA_CLUSTER_NAME: from_keys(x, r, false, KEYS("annotations", "cluster_name")); return;
	}
	if (f->id >= KA_CT_BASE && f->id < KA_CT_BASE + 3 * 16)
		container_field(x, r, f->id, idx);
}

void kg_field_extract(const struct kg_field *f, const char *arg, int64_t idx, const struct kg_event_view *ev,
		      struct kg_xctx *x, struct kg_cvals *out)
{
	x->nvals = 0;
	x->nnodes = 0;
	out->n = 0;
	out->v = NULL;
	const struct kg_node *r = ev->root;
	switch (f->id) {
	case KJ_VALUE:
		json_pointer(x, r, arg ? arg : "");
		break;
	case KJ_OBJ:
		kg_buf_reset(&x->text);
		if (kg_node_json(r, &x->text, true) == 0)
			add_val(x, kg_arena_strndup(x->arena, x->text.data, x->text.len), x->text.len);
		break;
	case KJ_RAWTIME:
		put_u64(x, ev->ts_ns);
		break;
	case KG_AUTHZ_FAILURES:
		if (ev->state)
			put_u64(x, kg_field_state_authz_failures(ev->state));
		break;
	default:
		/* The plugin discards events that have no auditID. */
		if (r->type == KG_MAP && get(r, "auditID"))
			extract_ka(x, f, arg, idx, r);
		break;
	}
	if (!x->nvals)
		return;
	struct kg_cval *v = kg_arena_alloc(x->arena, x->nvals * sizeof(*v));
	memcpy(v, x->vals, x->nvals * sizeof(*v));
	out->v = v;
	out->n = (uint32_t)x->nvals;
}
