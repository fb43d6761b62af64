/* Where a rendered object came from, as the renderers record it: Helm's `# Source:` comment before
 * each document, Kustomize's config.kubernetes.io/origin annotation on each object. */
#include <string.h>

#include "k8s.h"
#include "loader_priv.h"

#define SOURCE_TAG "# Source: "

/* `helm template` writes "---\n# Source: CHART/templates/FILE\n" before every document it renders.
 * Only the lines before the document's content are read, so this costs a few bytes per document. */
bool kg_helm_source(const char *p, size_t n, char out[KG_HELM_SOURCE_MAX + 1])
{
	size_t i = 0;
	if (n >= 3 && p[0] == '-' && p[1] == '-' && p[2] == '-') {
		for (i = 3; i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'); i++)
			;
		if (i < n && p[i] != '\n' && p[i] != '#')
			return false; /* content on the marker line: no comment can come before it */
	}
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n, next = nl ? end + 1 : n;
		size_t k = i;
		while (k < end && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k < end && p[k] != '#')
			return false; /* the content starts */
		size_t tag = sizeof(SOURCE_TAG) - 1;
		if (k == i && end - i > tag && memcmp(p + i, SOURCE_TAG, tag) == 0) {
			size_t a = i + tag, z = end;
			while (z > a && (p[z - 1] == ' ' || p[z - 1] == '\t' || p[z - 1] == '\r'))
				z--;
			if (z == a || z - a > KG_HELM_SOURCE_MAX || memchr(p + a, '\0', z - a))
				return false;
			memcpy(out, p + a, z - a);
			out[z - a] = '\0';
			return true;
		}
		i = next;
	}
	return false;
}

/* The value of "KEY: VALUE" at column 0 of the lines in t[0..n), blanks trimmed and one pair of
 * quotes removed (Kustomize quotes only unusual paths); *len 0 when absent. */
static const char *origin_field(const char *t, size_t n, const char *key, size_t *len)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - t) : n;
		if (end - i > kl + 1 && memcmp(t + i, key, kl) == 0 && t[i + kl] == ':' && t[i + kl + 1] == ' ') {
			size_t a = i + kl + 2, z = end;
			while (a < z && t[a] == ' ')
				a++;
			while (z > a && (t[z - 1] == ' ' || t[z - 1] == '\r'))
				z--;
			if (z - a >= 2 && (t[a] == '"' || t[a] == '\'') && t[z - 1] == t[a]) {
				a++;
				z--;
			}
			*len = z - a;
			return t + a;
		}
		i = nl ? end + 1 : n;
	}
	*len = 0;
	return NULL;
}

const char *kg_kustomize_origin(const struct kg_node *meta, struct kg_arena *a)
{
	const struct kg_node *v = kg_map_get(kg_map_get(meta, "annotations"), KG_KUSTOMIZE_ORIGIN);
	const char *t = kg_str(v);
	if (!t || !a)
		return NULL;
	size_t np, nr, nf, nc;
	const char *path = origin_field(t, v->len, "path", &np);
	const char *repo = origin_field(t, v->len, "repo", &nr);
	const char *ref = origin_field(t, v->len, "ref", &nf);
	const char *conf = origin_field(t, v->len, "configuredIn", &nc);
	if (np > KG_HELM_SOURCE_MAX || nr > KG_HELM_SOURCE_MAX || nf > KG_HELM_SOURCE_MAX || nc > KG_HELM_SOURCE_MAX)
		return NULL; /* not Kustomize's (a label repeated in every finding stays short) */
	if (np && nr) /* a remote base, in Kustomize's own URL form */
		return kg_arena_printf(a, "%.*s//%.*s%s%.*s", (int)nr, repo, (int)np, path, nf ? "?ref=" : "", (int)nf,
				       nf ? ref : "");
	if (np)
		return kg_arena_strndup(a, path, np);
	if (nc) /* made by a generator: the kustomization that configures it */
		return kg_arena_strndup(a, conf, nc);
	return NULL;
}
