/* libFuzzer target: the Falco rules loader and the condition language. The first byte picks the
 * mode: a condition (parsed, compiled against the real fields, evaluated on a fixed event) or a
 * whole rules file (loaded and compiled). Nothing may crash, leak or run unbounded. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cond/ruleset.h"
#include "core/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char EV[] = "{\"auditID\":\"1\",\"stage\":\"ResponseComplete\",\"verb\":\"create\",\"user\":{\"username\":\"u\","
			 "\"groups\":[\"g\"]},\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"ns\"},\"requestURI\":\"/x?a=b\","
			 "\"requestObject\":{\"spec\":{\"containers\":[{\"image\":\"r:5000/i:1\",\"securityContext\":{\"privileged\":true}}]}}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	struct kg_diag err;
	if (data[0] & 1) {
		struct kg_arena a;
		kg_arena_init(&a, 0);
		struct kg_slots slots = { 0 };
		struct kg_regex_list re = { 0 };
		struct kg_ast *ast;
		const struct kg_enode *n;
		struct kg_cond_cc cc = { &a, &slots, &re, NULL };
		if (kg_cond_parse(text, &a, &ast, &err) == 0 && kg_cond_compile(ast, &cc, &n, &err) == 0) {
			struct kg_loader *L = kg_loader_new(NULL);
			const struct kg_node *ev;
			if (kg_json_parse(L, &a, EV, sizeof(EV) - 1, &ev, &err) == 0) {
				struct kg_cond_eval e;
				kg_cond_eval_init(&e, &slots);
				struct kg_event_view v = { ev, 1, NULL };
				kg_cond_eval_begin(&e, &v);
				(void)kg_cond_eval(&e, n);
				kg_cond_eval_release(&e);
			}
			kg_loader_free(L);
		}
		kg_regex_list_free(&re);
		free(slots.v);
		kg_arena_release(&a);
	} else {
		struct kg_ruleset *rs = kg_ruleset_new();
		if (kg_ruleset_load_buffer(rs, "fuzz.yaml", text, size - 1, &err) == 0)
			(void)kg_ruleset_compile(rs, &err);
		kg_ruleset_free(rs);
	}
	free(text);
	return 0;
}
