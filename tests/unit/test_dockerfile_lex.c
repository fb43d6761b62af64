/* Word expansion (src/dockerfile/df_lex.c) against BuildKit's own shell vectors
 * (../shared/conformance/dockerfile-parser/shell/envVarTest and wordsTest) and our own cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockerfile/df.h"
#include "harness.h"

#define SHELL_DIR "../shared/conformance/dockerfile-parser/shell/"

struct env {
	const char *k[64];
	const char *v[64];
	int n;
};

static const char *get(void *ctx, const char *name)
{
	struct env *e = ctx;
	for (int i = e->n - 1; i >= 0; i--) /* the last definition wins */
		if (!strcmp(e->k[i], name))
			return e->v[i];
	return NULL;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* expand `in` with env; returns the result or "error" */
static const char *expand(struct kg_arena *a, struct env *e, const char *in, bool skip_unset, char *err)
{
	struct kg_df_lex lx = { '\\', false, false, skip_unset, get, e };
	char *out;
	if (kg_df_expand(&lx, a, in, strlen(in), &out, err, 200))
		return "error";
	return out;
}

TEST(envvar_vectors)
{
	FILE *f = fopen(SHELL_DIR "envVarTest", "r");
	CHECK(f != NULL);
	if (!f)
		return;
	struct env e = { { "PWD", "SHELL", "KOREAN", "NULL" }, { "/home", "bash", "한국어", "" }, 4 };
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	char line[1024], err[200];
	int cases = 0, bad = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		char *l = trim(line);
		if (!*l)
			continue;
		char *p1 = strchr(l, '|'), *p2 = p1 ? strchr(p1 + 1, '|') : NULL;
		CHECK(p1 && p2);
		if (!p1 || !p2)
			continue;
		*p1 = *p2 = '\0';
		char *plat = trim(l), *src = trim(p1 + 1), *want = trim(p2 + 1);
		if (!strcmp(plat, "W"))
			continue;
		const char *got = expand(&a, &e, src, false, err);
		cases++;
		if (strcmp(got, want)) {
			fprintf(stderr, "  envVarTest %s: got %s, want %s (%s)\n", src, got, want, err);
			bad++;
		}
	}
	fclose(f);
	kg_arena_release(&a);
	printf("envVarTest: %d cases, %d differ\n", cases, bad);
	CHECK_INT(bad, 0);
	CHECK(cases >= 200);
}

TEST(words_vectors)
{
	FILE *f = fopen(SHELL_DIR "wordsTest", "r");
	CHECK(f != NULL);
	if (!f)
		return;
	struct env e = { { 0 }, { 0 }, 0 };
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	char line[1024], err[200], *envlines[64];
	int cases = 0, bad = 0, nenv = 0;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '#')
			continue;
		if (!strncmp(line, "ENV ", 4)) {
			char *kv = line + 3;
			while (*kv == ' ')
				kv++;
			envlines[nenv] = strdup(kv);
			char *eq = strchr(envlines[nenv], '=');
			*eq = '\0';
			e.k[e.n] = envlines[nenv];
			e.v[e.n++] = eq + 1;
			nenv++;
			continue;
		}
		char *bar = strchr(line, '|');
		CHECK(bar != NULL);
		if (!bar)
			continue;
		*bar = '\0';
		char *src = trim(line), *want = bar + 1;
		while (*want == ' ')
			want++;
		struct kg_df_lex lx = { '\\', false, false, false, get, &e };
		char **w;
		unsigned nw;
		char got[512] = "";
		if (kg_df_expand_words(&lx, &a, src, strlen(src), &w, &nw, err, sizeof(err))) {
			snprintf(got, sizeof(got), "error");
		} else {
			for (unsigned i = 0; i < nw; i++) {
				size_t l = strlen(got);
				snprintf(got + l, sizeof(got) - l, "%s%s", i ? "," : "", w[i]);
			}
		}
		cases++;
		if (strcmp(got, want)) {
			fprintf(stderr, "  wordsTest %s: got [%s], want [%s]\n", src, got, want);
			bad++;
		}
	}
	fclose(f);
	for (int i = 0; i < nenv; i++)
		free(envlines[i]);
	kg_arena_release(&a);
	printf("wordsTest: %d cases, %d differ\n", cases, bad);
	CHECK_INT(bad, 0);
	CHECK(cases >= 20);
}

TEST(mandatory_vars)
{
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	char err[200];
	struct env set = { { "VAR", "ARG" }, { "plain", "x" }, 2 };
	struct env empty = { { "VAR", "ARG" }, { "", "x" }, 2 };
	struct env unset = { { "ARG" }, { "x" }, 1 };
	CHECK_STR(expand(&a, &set, "${VAR:?message here$ARG}", false, err), "plain");
	CHECK_STR(expand(&a, &empty, "${VAR:?message here$ARG}", false, err), "error");
	CHECK_STR(err, "VAR: message herex");
	CHECK_STR(expand(&a, &unset, "${VAR:?message here$ARG}", false, err), "error");
	CHECK_STR(err, "VAR: message herex");
	CHECK_STR(expand(&a, &empty, "${VAR?message here$ARG}", false, err), "");
	CHECK_STR(expand(&a, &unset, "${VAR?}", false, err), "error");
	CHECK_STR(err, "VAR: is not allowed to be unset");
	CHECK_STR(expand(&a, &empty, "${VAR:?}", false, err), "error");
	CHECK_STR(err, "VAR: is not allowed to be empty");
	kg_arena_release(&a);
}

TEST(pattern_forms)
{
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	char err[200];
	struct env e = { { "P", "F", "A" }, { "/usr/local/bin", "archive.tar.gz", "banana" }, 3 };
	CHECK_STR(expand(&a, &e, "${P#*/}", false, err), "usr/local/bin");
	CHECK_STR(expand(&a, &e, "${P##*/}", false, err), "bin");
	CHECK_STR(expand(&a, &e, "${F%.*}", false, err), "archive.tar");
	CHECK_STR(expand(&a, &e, "${F%%.*}", false, err), "archive");
	CHECK_STR(expand(&a, &e, "${A/an/AN}", false, err), "bANana");
	CHECK_STR(expand(&a, &e, "${A//an/AN}", false, err), "bANANa");
	CHECK_STR(expand(&a, &e, "${A//?/x}", false, err), "xxxxxx");
	CHECK_STR(expand(&a, &e, "${A#\\*}", false, err), "banana");
	CHECK_STR(expand(&a, &e, "${A:-x}${U:-y}${A:+z}${U:+w}", false, err), "bananayz");
	CHECK_STR(expand(&a, &e, "${U-d}${U+e}", false, err), "d");
	kg_arena_release(&a);
}

TEST(skip_unset_keeps_references)
{
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	char err[200];
	struct env e = { { "A" }, { "1" }, 1 };
	CHECK_STR(expand(&a, &e, "$A-$B-${C}-${D:-x}-${E/a/b}", true, err), "1-$B-${C}-${D:-x}-${E/a/b}");
	kg_arena_release(&a);
}

TEST(error_messages)
{
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	char err[200];
	struct env e = { { "A" }, { "abc" }, 1 };
	CHECK_STR(expand(&a, &e, "'abc", false, err), "error");
	CHECK_STR(err, "unexpected end of statement while looking for matching single-quote");
	CHECK_STR(expand(&a, &e, "\"abc", false, err), "error");
	CHECK_STR(err, "unexpected end of statement while looking for matching double-quote");
	CHECK_STR(expand(&a, &e, "${A", false, err), "error");
	CHECK_STR(err, "unsupported modifier () in substitution");
	CHECK_STR(expand(&a, &e, "${", false, err), "error");
	CHECK_STR(err, "syntax error: missing '}'");
	CHECK_STR(expand(&a, &e, "${A:-abc", false, err), "error");
	CHECK_STR(err, "syntax error: missing '}'");
	CHECK_STR(expand(&a, &e, "${:}", false, err), "error");
	CHECK_STR(err, "syntax error: bad substitution");
	CHECK_STR(expand(&a, &e, "${A:=x}", false, err), "error");
	CHECK_STR(err, "unsupported modifier (:=) in substitution");
	CHECK_STR(expand(&a, &e, "${A:#x}", false, err), "error");
	CHECK_STR(err, "unsupported modifier (:#) in substitution");
	CHECK_STR(expand(&a, &e, "${A/x", false, err), "error");
	CHECK_STR(err, "syntax error: missing '/' in ${}");
	CHECK_STR(expand(&a, &e, "${A#\\x}", false, err), "error");
	CHECK_STR(err, "invalid pattern (escape) in substitution");
	/* nesting and sizes are capped */
	char deep[2000] = "";
	for (int i = 0; i < 70; i++)
		strcat(deep, "${A:-");
	CHECK_STR(expand(&a, &e, deep, false, err), "error");
	CHECK_STR(err, "substitution nested too deeply");
	char *pat = malloc(3000);
	strcpy(pat, "${A#");
	for (int i = 0; i < 1100; i++)
		strcat(pat, "?");
	strcat(pat, "}");
	CHECK_STR(expand(&a, &e, pat, false, err), "error");
	CHECK_STR(err, "pattern longer than 1024 tokens in substitution");
	free(pat);
	char *big = malloc(70000);
	memset(big, 'x', 69999);
	big[69999] = '\0';
	CHECK_STR(expand(&a, &e, big, false, err), "error");
	CHECK_STR(err, "expansion longer than 65536 bytes");
	free(big);
	kg_arena_release(&a);
}

TEST(backtick_escape)
{
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	struct kg_df_lex lx = { '`', false, false, false, NULL, NULL };
	char *out, err[100];
	CHECK_INT(kg_df_expand(&lx, &a, "c:\\path`$x", 10, &out, err, sizeof(err)), 0);
	CHECK_STR(out, "c:\\path$x");
	kg_arena_release(&a);
}
