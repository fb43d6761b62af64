/* libFuzzer target for the Dockerfile front end: parser (directives, continuations, heredocs,
 * JSON forms), validation, word expansion, the shell splitter and every check, on one input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dockerfile/df.h"
#include "dockerfile/df_check.h"
#include "dockerfile/df_shell.h"
#include "report/finding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *ctx, const struct kg_diag *d)
{
	(void)ctx;
	(void)d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const trusted[] = { "docker.io", "*.corp.example", "gcr.io/team" };
	struct kg_arena a;
	struct kg_report r;
	struct kg_buf b = KG_BUF_INIT;
	kg_arena_init(&a, 16 * 1024);
	kg_report_init(&r);
	kg_buf_init(&b, 1u << 20);
	struct kg_df *df = kg_df_parse(&a, "fuzz", (const char *)data, size, NULL, ignore, NULL);
	kg_df_validate(df, ignore, NULL);
	for (unsigned i = 0; i < df->n; i++) {
		const struct kg_df_instr *in = &df->ins[i];
		unsigned line, col;
		kg_df_dump(in, &b);
		kg_df_pos(in, (uint32_t)strlen(in->text), &line, &col);
		struct kg_df_lex lx = { df->escape, false, false, true, NULL, NULL };
		char *out, **words, err[128];
		unsigned nw;
		(void)kg_df_expand(&lx, &a, in->rest, strlen(in->rest), &out, err, sizeof(err));
		(void)kg_df_expand_words(&lx, &a, in->rest, strlen(in->rest), &words, &nw, err, sizeof(err));
		struct kg_sh sh;
		kg_sh_parse(&a, in->rest, strlen(in->rest), &sh);
	}
	struct kg_df_config cfg = { NULL, NULL, trusted, 3, ignore, NULL };
	kg_df_check(df, &cfg, &a, &r);
	kg_buf_release(&b);
	kg_report_release(&r);
	kg_arena_release(&a);
	return 0;
}
