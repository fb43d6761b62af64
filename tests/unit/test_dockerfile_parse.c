/* Dockerfile parser (src/dockerfile/df_parse.c, df_args.c): structure, positions, and every
 * error message with its position. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockerfile/df.h"
#include "dockerfile/df_check.h"
#include "harness.h"

struct errs {
	int n;
	struct kg_diag d[8];
};

static void collect(void *ctx, const struct kg_diag *d)
{
	struct errs *e = ctx;
	if (e->n < 8)
		e->d[e->n] = *d;
	e->n++;
}

static struct kg_arena arena;

static struct kg_df *parse(const char *text, struct errs *e)
{
	kg_arena_reset(&arena);
	memset(e, 0, sizeof(*e));
	return kg_df_parse(&arena, "Dockerfile", text, strlen(text), NULL, collect, e);
}

static const char *dump(const struct kg_df_instr *in)
{
	static char out[1024];
	struct kg_buf b = KG_BUF_INIT;
	kg_buf_init(&b, 0);
	kg_df_dump(in, &b);
	snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	kg_buf_release(&b);
	return out;
}

#define CHECK_ERR(e, i, l_, c_, msg)                      \
	do {                                             \
		CHECK((e).n > (i));                      \
		if ((e).n > (i)) {                       \
			CHECK_INT((e).d[i].line, l_);    \
			CHECK_INT((e).d[i].col, c_);     \
			CHECK_STR((e).d[i].message, msg); \
		}                                        \
	} while (0)

__attribute__((constructor)) static void setup(void)
{
	kg_arena_init(&arena, 4096);
}

TEST(instructions_and_positions)
{
	struct errs e;
	struct kg_df *df = parse("# syntax=docker/dockerfile:1\n\n  FROM alpine:3.19 AS base\nRUN apk add \\\n"
				 "    # a comment inside\n\n      curl \\\n  && echo done\n",
				 &e);
	CHECK_INT(e.n, 0);
	CHECK_INT(df->n, 2);
	CHECK_STR(df->syntax, "docker/dockerfile:1");
	CHECK_STR(dump(&df->ins[0]), "from \"alpine:3.19\" \"AS\" \"base\"");
	CHECK_INT(df->ins[0].line, 3);
	CHECK_INT(df->ins[0].col, 3);
	const struct kg_df_instr *run = &df->ins[1];
	CHECK_STR(run->rest, "apk add       curl   && echo done");
	CHECK_INT(run->line, 4);
	CHECK_INT(run->end_line, 8);
	CHECK_INT(df->nempty_cont, 1);
	CHECK_INT(df->empty_cont[0], 6);
	/* "curl" sits on line 7, column 7; "&&" on line 8, column 3 */
	unsigned l, c;
	const char *curl = strstr(run->text, "curl");
	kg_df_pos(run, (uint32_t)(curl - run->text), &l, &c);
	CHECK_INT(l, 7);
	CHECK_INT(c, 7);
	kg_df_pos(run, (uint32_t)(strstr(run->text, "&&") - run->text), &l, &c);
	CHECK_INT(l, 8);
	CHECK_INT(c, 3);
}

TEST(escape_directive_and_comments)
{
	struct errs e;
	struct kg_df *df = parse("# escape=`\n# kguard ignore=df.sudo\nFROM x\nRUN echo a `\n  b\n", &e);
	CHECK_INT(e.n, 0);
	CHECK_INT(df->escape, '`');
	CHECK_INT(df->n, 2);
	CHECK_INT(df->ins[0].ncomments, 1);
	CHECK_STR(df->ins[0].comments[0].text, "kguard ignore=df.sudo");
	CHECK_STR(df->ins[1].rest, "echo a   b");
	/* a directive after another line is a plain comment */
	df = parse("FROM x\n# escape=`\nRUN a \\\n b\n", &e);
	CHECK_INT(df->escape, '\\');
	CHECK_STR(df->ins[1].rest, "a  b");
}

TEST(json_and_onbuild)
{
	struct errs e;
	struct kg_df *df = parse("FROM x\nCMD [\"a\", \"b c\"]\nCMD ['a']\nONBUILD COPY --from=b . /\n"
				 "HEALTHCHECK --interval=5s CMD [\"curl\", \"-f\"]\nENV A=1 B=\"x y\"\nENV K v w\n", &e);
	CHECK_INT(e.n, 0);
	CHECK(df->ins[1].json);
	CHECK_STR(dump(&df->ins[1]), "cmd \"a\" \"b c\"");
	CHECK(!df->ins[2].json);
	CHECK_STR(dump(&df->ins[3]), "onbuild (copy [\"--from=b\"] \".\" \"/\")");
	CHECK(df->ins[3].sub != NULL && df->ins[3].sub->kw == KG_DF_COPY);
	CHECK_STR(dump(&df->ins[4]), "healthcheck [\"--interval=5s\"] \"CMD\" \"curl\" \"-f\"");
	CHECK_STR(dump(&df->ins[5]), "env \"A\" \"1\" \"=\" \"B\" \"\\\"x y\\\"\" \"=\"");
	CHECK_STR(dump(&df->ins[6]), "env \"K\" \"v w\" \"\"");
}

TEST(heredocs)
{
	struct errs e;
	struct kg_df *df = parse("FROM x\nRUN <<EOF bash\necho hi\nEOF\nCOPY <<-'A' <<B /d/\n\tone $X\n\tA\ntwo\nB\nRUN x\n", &e);
	CHECK_INT(e.n, 0);
	CHECK_INT(df->n, 4);
	CHECK_INT(df->ins[1].nheredocs, 1);
	CHECK_STR(df->ins[1].heredocs[0].name, "EOF");
	CHECK_STR(df->ins[1].heredocs[0].content, "echo hi\n");
	CHECK_INT(df->ins[1].heredocs[0].line, 3);
	CHECK_INT(df->ins[2].nheredocs, 2);
	CHECK(df->ins[2].heredocs[0].chomp && !df->ins[2].heredocs[0].expand);
	CHECK_STR(df->ins[2].heredocs[0].content, "\tone $X\n");
	CHECK_STR(df->ins[2].heredocs[1].content, "two\n");
	CHECK_INT(df->ins[2].end_line, 9);
	CHECK_INT(df->ins[3].line, 10);
}

TEST(parser_errors)
{
	struct errs e;
	parse("", &e);
	CHECK_ERR(e, 0, 1, 1, "file with no instructions");
	parse("# only\n# comments\n\n", &e);
	CHECK_ERR(e, 0, 3, 1, "file with no instructions");
	struct kg_df *df = parse("FROM x\n  ENV PATH\nLABEL a\nENV a=1 b\nRUN ok\n", &e);
	CHECK_INT(e.n, 3);
	CHECK_ERR(e, 0, 2, 3, "ENV must have two arguments");
	CHECK_ERR(e, 1, 3, 1, "LABEL must have two arguments");
	CHECK_ERR(e, 2, 4, 1, "Syntax error - can't find = in \"b\". Must be of the form: name=value");
	CHECK_INT(df->n, 2); /* the bad instructions are dropped, the rest is kept */
	parse("FROM x\nCMD [\"a\", 1]\n", &e);
	CHECK_ERR(e, 0, 2, 1, "when using JSON array syntax, arrays must be comprised of strings only");
	parse("# escape=`\n# escape=\\\nFROM x\n", &e);
	CHECK_ERR(e, 0, 2, 1, "only one escape parser directive can be used");
	parse("# escape=x\nFROM x\n", &e);
	CHECK_ERR(e, 0, 1, 10, "invalid escape token 'x' does not match ` or \\");
	df = parse("FROM x\nRUN <<EOF\nnever ends\n", &e);
	CHECK_ERR(e, 0, 2, 1, "unterminated heredoc");
	CHECK_INT(df->n, 1);
	parse("FROM x\nRUN a\0b\n", &e);
	/* strlen stops at the NUL: give the length explicitly */
	kg_arena_reset(&arena);
	memset(&e, 0, sizeof(e));
	kg_df_parse(&arena, "f", "FROM x\nRUN a\0b\n", 14, NULL, collect, &e);
	CHECK_ERR(e, 0, 2, 6, "NUL byte: not a text file");
}

TEST(limits)
{
	struct errs e;
	struct kg_df_limits lim;
	kg_df_limits_default(&lim);
	lim.max_line = 10;
	kg_arena_reset(&arena);
	memset(&e, 0, sizeof(e));
	kg_df_parse(&arena, "f", "FROM x\nRUN 0123456789\n", 22, &lim, collect, &e);
	CHECK_ERR(e, 0, 2, 1, "line longer than 10 bytes");
	kg_df_limits_default(&lim);
	lim.max_instr = 8;
	memset(&e, 0, sizeof(e));
	kg_df_parse(&arena, "f", "FROM x\nRUN a \\\n b \\\n c\n", 22, &lim, collect, &e);
	CHECK_ERR(e, 0, 2, 1, "instruction longer than 8 bytes");
	kg_df_limits_default(&lim);
	lim.max_instrs = 2;
	memset(&e, 0, sizeof(e));
	struct kg_df *df = kg_df_parse(&arena, "f", "FROM x\nRUN a\nRUN b\n", 18, &lim, collect, &e);
	CHECK_ERR(e, 0, 3, 1, "more than 2 instructions");
	CHECK_INT(df->n, 2);
	kg_df_limits_default(&lim);
	lim.max_file = 5;
	memset(&e, 0, sizeof(e));
	kg_df_parse(&arena, "f", "FROM x\n", 7, &lim, collect, &e);
	CHECK_ERR(e, 0, 1, 1, "file larger than 5 bytes");
	kg_df_limits_default(&lim);
	lim.max_heredocs = 1;
	memset(&e, 0, sizeof(e));
	kg_df_parse(&arena, "f", "FROM x\nCOPY <<A <<B /\na\nA\nb\nB\n", 29, &lim, collect, &e);
	CHECK_ERR(e, 0, 2, 1, "more than 1 heredocs in one instruction");
}

TEST(validation_errors)
{
	struct errs e;
	struct kg_df *df = parse("FROM a b\nFROM --platform=x c AS d\nCOPY --chmod=644 --foo a b\nCOPY a\nWORKDIR\n"
				 "SHELL sh -c\nHEALTHCHECK CONNECT x\nHEALTHCHECK CMD\nBOGUS x\nONBUILD\nEXPOSE\n"
				 "ONBUILD ADD --nope a b\n", &e);
	struct errs v;
	memset(&v, 0, sizeof(v));
	CHECK_INT(kg_df_validate(df, collect, &v), 11);
	CHECK_ERR(v, 0, 1, 1, "FROM requires either one or three arguments");
	CHECK_ERR(v, 1, 3, 1, "unknown flag: foo");
	CHECK_ERR(v, 2, 4, 1, "COPY requires at least two arguments, but only 1 provided");
	CHECK_ERR(v, 3, 5, 1, "WORKDIR requires exactly one argument");
	CHECK_ERR(v, 4, 6, 1, "SHELL requires the arguments to be in JSON form");
	CHECK_ERR(v, 5, 7, 1, "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)");
	CHECK_ERR(v, 6, 8, 1, "Missing command after HEALTHCHECK CMD");
	CHECK_ERR(v, 7, 9, 1, "unknown instruction: BOGUS");
	/* v.d holds the first 8; the rest are counted */
	struct errs v2;
	memset(&v2, 0, sizeof(v2));
	df = parse("FROM x\nONBUILD\nEXPOSE\nONBUILD ADD --nope a b\nSHELL []\n", &e);
	CHECK_INT(kg_df_validate(df, collect, &v2), 4);
	CHECK_ERR(v2, 0, 2, 1, "ONBUILD requires at least one argument");
	CHECK_ERR(v2, 1, 3, 1, "EXPOSE requires at least one argument");
	CHECK_ERR(v2, 2, 4, 9, "unknown flag: nope");
	CHECK_ERR(v2, 3, 5, 1, "SHELL requires at least one argument");
	struct errs v3;
	memset(&v3, 0, sizeof(v3));
	df = parse("FROM x\nLABEL a=\"b c\nUSER ${X\nCOPY [\"'a\", \"/b\"]\n", &e);
	CHECK_INT(kg_df_validate(df, collect, &v3), 2);
	CHECK_ERR(v3, 0, 2, 1, "failed to process \"\\\"b c\": unexpected end of statement while looking for matching double-quote");
	CHECK_ERR(v3, 1, 3, 1, "failed to process \"${X\": unsupported modifier () in substitution");
}

TEST(check_caps)
{
	struct errs e, ce;
	struct kg_report r;
	/* more than KG_DF_MAX_STAGES stages */
	size_t cap = 6u << 20, n = 0;
	char *text = malloc(cap);
	for (unsigned i = 0; i <= KG_DF_MAX_STAGES; i++)
		n += (size_t)snprintf(text + n, cap - n, "FROM alpine:3 AS s%u\n", i);
	kg_arena_reset(&arena);
	memset(&e, 0, sizeof(e));
	struct kg_df *df = kg_df_parse(&arena, "f", text, n, NULL, collect, &e);
	memset(&ce, 0, sizeof(ce));
	struct kg_df_config cfg = { NULL, NULL, NULL, 0, collect, &ce };
	kg_report_init(&r);
	CHECK_INT(kg_df_check(df, &cfg, &arena, &r), KG_DF_MAX_STAGES);
	CHECK_ERR(ce, 0, KG_DF_MAX_STAGES + 1, 1, "more than 4096 build stages: the rest of the file is not checked");
	kg_report_release(&r);
	/* more than KG_DF_MAX_VARS variables */
	n = (size_t)snprintf(text, cap, "FROM a\n");
	for (unsigned i = 0; i <= KG_DF_MAX_VARS; i++)
		n += (size_t)snprintf(text + n, cap - n, "ENV V%u=1\n", i);
	kg_arena_reset(&arena);
	df = kg_df_parse(&arena, "f", text, n, NULL, collect, &e);
	memset(&ce, 0, sizeof(ce));
	kg_report_init(&r);
	kg_df_check(df, &cfg, &arena, &r);
	CHECK_ERR(ce, 0, KG_DF_MAX_VARS + 2, 1, "more than 16384 ARG and ENV definitions: the rest of the file is not checked");
	kg_report_release(&r);
	/* the memory budget: every stage doubles a value and copies all variables */
	n = (size_t)snprintf(text, cap, "FROM a AS s0\nENV V0=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
	for (unsigned i = 1; i < 4000; i++)
		n += (size_t)snprintf(text + n, cap - n, "FROM s%u AS s%u\nENV V%u=$V%u$V%u\n", i - 1, i, i, i - 1, i - 1);
	kg_arena_reset(&arena);
	df = kg_df_parse(&arena, "f", text, n, NULL, collect, &e);
	memset(&ce, 0, sizeof(ce));
	kg_report_init(&r);
	kg_df_check(df, &cfg, &arena, &r);
	CHECK_INT(ce.n, 1);
	CHECK(ce.n == 1 && strstr(ce.d[0].message, "the check needs more than 128 MiB for this file") == ce.d[0].message);
	kg_report_release(&r);
	free(text);
}

TEST(goquote)
{
	struct kg_buf b = KG_BUF_INIT;
	kg_buf_init(&b, 0);
	kg_df_goquote(&b, "a\"\\\n\t\x01\x7f\xff\xc2\xa0\xe2\x99\xa5", 13);
	CHECK_STR(b.data, "\"a\\\"\\\\\\n\\t\\x01\\x7f\\xff\\u00a0\xe2\x99\xa5\"");
	kg_buf_release(&b);
}
