/* libFuzzer target: a kustomization file in a scanned repository is untrusted input. Learn its
 * patches from arbitrary bytes, then ask the role of paths made from the same bytes, so the path
 * clean-up sees arbitrary components ("..", "//", very long names) on both sides. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/layout.h"
#include "core/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kg_loader *L;
	if (!L)
		L = kg_loader_new(NULL);
	struct kg_layout *l = kg_layout_new();
	kg_layout_add_kustomization(l, L, "repo/overlays/prod/kustomization.yaml", (const char *)data, size);
	/* each line of the input as a path, relative to the kustomization's folder and bare */
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	char path[8192];
	for (char *line = text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		snprintf(path, sizeof(path), "repo/overlays/prod/%s", line);
		(void)kg_layout_role(l, path);
		(void)kg_layout_role(l, line);
		char out[64];
		(void)kg_layout_clean_path(line, out, sizeof(out));
	}
	free(text);
	kg_layout_free(l);
	return 0;
}
