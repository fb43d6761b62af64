/* Helm's provenance comment: `helm template` writes "---\n# Source: CHART/templates/FILE\n" before
 * every document it renders. Only the lines before a document's content are read, so this costs a
 * few bytes per document. */
#include <string.h>

#include "loader_priv.h"

#define SOURCE_TAG "# Source: "

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
