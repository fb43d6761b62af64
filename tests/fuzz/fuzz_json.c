/* libFuzzer target: kg_json_parse (request bodies, audit lines) on the raw input; an accepted
 * tree is walked, a refusal must carry a message and a position inside the input. */
#include <stddef.h>
#include <stdint.h>

#include "core/load.h"
#include "fuzz_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kg_loader *L;
	static struct kg_arena arena;
	if (!L) {
		L = kg_loader_new(NULL);
		kg_arena_init(&arena, 64 * 1024);
	}
	const struct kg_node *root = NULL;
	struct kg_diag err;
	if (kg_json_parse(L, &arena, (const char *)data, size, &root, &err) == 0) {
		long budget = 200000;
		fuzz_walk(root, 0, &budget);
	} else {
		unsigned lines = 1;
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		if (!err.message[0] || err.line < 1 || err.line > lines || err.col < 1 || root)
			abort();
	}
	kg_arena_reset(&arena);
	return 0;
}
