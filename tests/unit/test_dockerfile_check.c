/* Dockerfile checks (src/dockerfile/df_check*.c, df_config.c): suppressions, .hadolint.yaml,
 * secret heuristics, registry matching, finding positions. Each rule's catches and passes are
 * in the golden cases tests/golden/df-*. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dockerfile/df.h"
#include "dockerfile/df_check.h"
#include "dockerfile/df_ck.h"
#include "harness.h"

static struct kg_arena arena;
static struct kg_report rep;

__attribute__((constructor)) static void setup(void)
{
	kg_arena_init(&arena, 4096);
}

static void run_cfg(const char *text, const struct kg_df_config *cfg)
{
	kg_arena_reset(&arena);
	kg_report_release(&rep);
	kg_report_init(&rep);
	struct kg_df *df = kg_df_parse(&arena, "Dockerfile", text, strlen(text), NULL, NULL, NULL);
	kg_df_check(df, cfg, &arena, &rep);
	kg_report_sort(&rep);
}

static void run(const char *text)
{
	struct kg_df_config cfg = { NULL, NULL, NULL, 0, NULL, NULL };
	run_cfg(text, &cfg);
}

static int count(const char *rule)
{
	int n = 0;
	for (size_t i = 0; i < rep.nfindings; i++)
		n += !strcmp(rep.findings[i].rule_id, rule);
	return n;
}

static const struct kg_finding *first(const char *rule)
{
	for (size_t i = 0; i < rep.nfindings; i++)
		if (!strcmp(rep.findings[i].rule_id, rule))
			return &rep.findings[i];
	return NULL;
}

TEST(catalog_is_complete)
{
	CHECK_INT(kg_dockerfile_nrules, DFR_COUNT);
	for (size_t i = 0; i < kg_dockerfile_nrules; i++) {
		const struct kg_rule *r = &kg_dockerfile_rules[i];
		CHECK(r->id && !strncmp(r->id, "df.", 3));
		CHECK(r->title && *r->title && r->description && *r->description && r->remediation && *r->remediation);
		CHECK(r->references && !strncmp(r->references, "https://", 8));
		CHECK(r->category && !strcmp(r->category, "dockerfile"));
		CHECK(r->severity >= KG_SEV_INFO && r->severity <= KG_SEV_CRITICAL);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(r->id, kg_dockerfile_rules[j].id));
	}
}

TEST(secret_names)
{
	const char *yes[] = { "DB_PASSWORD", "GITHUB_TOKEN", "apiKey", "SECRET_KEY_BASE", "AWS_SECRET_ACCESS_KEY",
			      "NPM_AUTH", "ssh_private_key", "AWS_ACCESS_KEY_ID", "KEY", "client-secret", NULL };
	const char *no[] = { "GPG_KEY", "PASSWORD_FILE", "TOKENIZERS_PARALLELISM", "KEY_ID", "PUBLIC_KEY", "SECRET_URL",
			     "PATH", "NODE_VERSION", "MONKEY", "AUTH_METHOD", NULL };
	for (int i = 0; yes[i]; i++)
		if (!ck_secret_name(yes[i]))
			CHECK(!yes[i]);
	for (int i = 0; no[i]; i++)
		if (ck_secret_name(no[i]))
			CHECK(!no[i]);
	CHECK(ck_secret_value("AKIAZ3MPLQ7RT2XKW4VB") != NULL);
	CHECK(ck_secret_value("https://deploy:Xk9vQ2mZp7Lr@git.acme.io/x") != NULL);
	CHECK(ck_secret_value("https://example.com/x") == NULL);
	CHECK(ck_secret_value("hello") == NULL);
}

TEST(secret_paths)
{
	const char *yes[] = { "id_rsa", "/root/.ssh/id_ed25519", ".env", ".env.production", "deploy/.npmrc", ".aws/credentials",
			      "~/.docker/config.json", "kubeconfig", "server.key", "tls.pem", "keystore.p12", ".ssh",
			      "gcp-service-account.json", NULL };
	const char *no[] = { "id_rsa.pub", ".env.example", "app.py", "ca.pem", "cert-chain.pem", "/etc/ssh/known_hosts",
			     ".ssh/known_hosts", "nodesource.gpg.key", "package.json", ".", NULL };
	for (int i = 0; yes[i]; i++)
		if (!ck_secret_path(yes[i]))
			CHECK(!yes[i]);
	for (int i = 0; no[i]; i++)
		if (ck_secret_path(no[i]))
			CHECK(!no[i]);
}

TEST(registry_patterns)
{
	CHECK(kg_df_registry_match("*", "anything.io"));
	CHECK(kg_df_registry_match("*.corp.com", "reg.corp.com"));
	CHECK(!kg_df_registry_match("*.corp.com", "corp.com"));
	CHECK(kg_df_registry_match("registry.*", "registry.local:5000"));
	CHECK(kg_df_registry_match("GHCR.io", "ghcr.io"));
	CHECK(!kg_df_registry_match("ghcr.io", "ghcr.io.evil.com"));
	static const char *const trusted[] = { "docker.io", "ghcr.io/acme", "*.corp.com" };
	struct kg_df_config cfg = { NULL, NULL, trusted, 3, NULL, NULL };
	run_cfg("FROM alpine:3@sha256:aa\nFROM ghcr.io/acme/app:1 AS b\nFROM ghcr.io/other/app:1 AS c\n"
		"FROM r.corp.com/x:1 AS d\nCOPY --from=quay.io/x/y:1 /a /b\nRUN --mount=type=bind,from=evil.io/z,target=/z true\n"
		"USER 1\nHEALTHCHECK NONE\n", &cfg);
	CHECK_INT(count("df.untrusted-registry"), 3);
	const struct kg_finding *f = first("df.untrusted-registry");
	CHECK(f && f->line == 3);
	CHECK(f && strstr(f->message, "ghcr.io/other/app:1"));
}

TEST(pragmas)
{
	run("# kguard global ignore=df.healthcheck-missing\nFROM debian:12\n"
	    "# kguard ignore=df.apt-unpinned,DL3015 # reviewed\nRUN apt-get install -y curl\n"
	    "# hadolint ignore=DL3008\nRUN apt-get install -y --no-install-recommends git\n"
	    "# kguard ignore=df.sudo\n\nRUN sudo true\nUSER 1000\n");
	CHECK_INT(count("df.healthcheck-missing"), 0);
	CHECK_INT(count("df.apt-unpinned"), 0);
	CHECK_INT(count("df.apt-no-install-recommends"), 0);
	CHECK_INT(count("df.sudo"), 1); /* a blank line ends the pragma's reach */
	CHECK_INT(rep.sum.suppressed, 4);
	run("FROM debian:12\n# hadolint stage ignore=DL3008\nRUN apt-get install -y a\nRUN apt-get install -y b\n"
	    "FROM debian:12\nRUN apt-get install -y c\nUSER 1\n");
	CHECK_INT(count("df.apt-unpinned"), 1);
	run("# check=skip=JSONArgsRecommended;error=true\nFROM x:1\nCMD run me\nUSER 1\n");
	CHECK_INT(count("df.cmd-shell-form"), 0);
	run("# kguard ignore=df.sudo trailing words\nFROM x:1\nRUN sudo a\n");
	CHECK_INT(count("df.sudo"), 1); /* not a pragma: the list must end the comment */
}

TEST(hadolint_config)
{
	const char *path = "/tmp/kg-test-hadolint.yaml";
	FILE *f = fopen(path, "w");
	fputs("ignored: [DL3008]\noverride:\n  error: [DL3015]\n  style: [df.sudo]\ntrustedRegistries: docker.io\n"
	      "failure-threshold: warning\nno-fail: false\ndisable-ignore-pragma: true\nlabel-schema: {a: text}\n", f);
	fclose(f);
	struct kg_hl_config hl;
	struct kg_diag err;
	struct kg_arena keep; /* the configuration outlives the per-file arena */
	kg_arena_init(&keep, 4096);
	CHECK_INT(kg_hl_config_load(path, &keep, &hl, &err), 0);
	CHECK_INT(hl.nignored, 1);
	CHECK_INT(hl.noverride, 2);
	CHECK_INT(hl.ntrusted, 1);
	CHECK_INT(hl.failure_threshold, KG_SEV_MEDIUM);
	CHECK(hl.disable_ignore_pragma);
	struct kg_df_config cfg = { NULL, &hl, NULL, 0, NULL, NULL };
	struct kg_hl_config copy = hl;
	run_cfg("FROM x:1\n# hadolint ignore=DL3004\nRUN sudo apt-get install -y a\nUSER 1\n", &cfg);
	CHECK_INT(count("df.apt-unpinned"), 0);
	CHECK(first("df.apt-no-install-recommends") && first("df.apt-no-install-recommends")->severity == KG_SEV_HIGH);
	CHECK(first("df.sudo") && first("df.sudo")->severity == KG_SEV_INFO); /* pragma disabled */
	(void)copy;
	kg_arena_release(&keep);
	unlink(path);
}

static void hl_error(const char *yaml, unsigned line, unsigned col, const char *msg)
{
	const char *path = "/tmp/kg-test-hadolint-bad.yaml";
	FILE *f = fopen(path, "w");
	fputs(yaml, f);
	fclose(f);
	struct kg_hl_config hl;
	struct kg_diag err;
	CHECK_INT(kg_hl_config_load(path, &arena, &hl, &err), -1);
	CHECK_INT(err.line, line);
	CHECK_INT(err.col, col);
	CHECK_STR(err.message, msg);
	unlink(path);
}

TEST(hadolint_config_errors)
{
	hl_error("- a\n", 1, 1, "a hadolint configuration must be a mapping");
	hl_error("ignored: {a: 1}\n", 1, 10, "ignored must be a list of rule codes");
	hl_error("ignored: [DL3000, 1]\n", 1, 19, "ignored must be a list of rule codes");
	hl_error("trustedRegistries: {a: b}\n", 1, 20, "trustedRegistries must be a registry or a list of registries");
	hl_error("override: [a]\n", 1, 11, "override must map error/warning/info/style to lists of rule codes");
	hl_error("override:\n  fatal: [DL3000]\n", 2, 3, "override levels are error, warning, info and style");
	hl_error("override:\n  error: {a: b}\n", 2, 10, "override lists must hold rule codes");
	hl_error("failure-threshold: loud\n", 1, 20, "failure-threshold must be error, warning, info, style, ignore or none");
	hl_error("no-fail: maybe\n", 1, 10, "no-fail must be true or false");
	hl_error("disable-ignore-pragma: 1\n", 1, 24, "disable-ignore-pragma must be true or false");
	struct kg_hl_config hl;
	struct kg_diag err;
	CHECK_INT(kg_hl_config_load("/nonexistent/kg.yaml", &arena, &hl, &err), -1);
	CHECK_STR(err.message, "cannot open: No such file or directory");
	CHECK_INT(kg_hl_severity("Error"), KG_SEV_HIGH);
	CHECK_INT(kg_hl_severity("none"), KG_SEV_NONE);
	CHECK_INT(kg_hl_severity("loud"), -1);
}

TEST(run_findings_point_at_the_command)
{
	run("FROM debian:12\nUSER 1\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n"
	    "    && rm -rf /var/lib/apt/lists/*\nRUN <<EOF\nset -e\n  curl -k https://x\nEOF\n");
	const struct kg_finding *f = first("df.apt-unpinned");
	CHECK(f && f->line == 4 && f->col == 8);
	f = first("df.tls-verify-disabled");
	CHECK(f && f->line == 8 && f->col == 3);
	CHECK_INT(count("df.apt-lists-not-cleaned"), 0);
}

TEST(stage_model)
{
	/* USER and WORKDIR come from the parent stage; ARG values expand FROM */
	run("ARG BASE=debian\nARG TAG=12\nFROM ${BASE}:${TAG} AS base\nUSER 10001\nWORKDIR /app\n"
	    "FROM base AS final\nCOPY a b\nHEALTHCHECK NONE\n");
	CHECK_INT(count("df.root-user"), 0);
	CHECK_INT(count("df.copy-relative-dest"), 0);
	CHECK_INT(count("df.base-image-unpinned"), 1);
	CHECK(first("df.base-image-unpinned") && strstr(first("df.base-image-unpinned")->message, "debian:12"));
	run("FROM debian:12 AS b\nUSER root\nFROM b\nRUN true\n");
	CHECK_INT(count("df.root-user"), 1);
	CHECK(first("df.root-user") && first("df.root-user")->line == 2);
	/* the apt lists of a build stage that is not shipped do not matter */
	run("FROM debian:12 AS build\nRUN apt-get update && apt-get install -y --no-install-recommends a=1\n"
	    "FROM gcr.io/distroless/static:nonroot\nCOPY --from=build /a /a\n");
	CHECK_INT(count("df.apt-lists-not-cleaned"), 0);
	CHECK_INT(count("df.root-user"), 0);
}
