/* Dockerfile rules: the catalog (df_rules.c, ids "df.*") and the checks that report them.
 *
 * kg_df_check walks a parsed Dockerfile (df.h) stage by stage and adds findings to a report;
 * suppressions are applied on the way: inline pragmas (`# kguard ignore=...`, `# hadolint
 * ignore=...`), the `# check=skip=` directive, a .hadolint.yaml and the kguard policy file.
 * kg_df_validate reports what `docker build` would reject although the parser accepted it
 * (unknown instructions, missing arguments, unknown flags).
 *
 * Ownership: checks borrow the parsed file and allocate scratch memory from the arena given;
 * findings are copied into the report. Nothing here prints. */
#ifndef KG_DF_CHECK_H
#define KG_DF_CHECK_H

#include <stdbool.h>

#include "../report/finding.h"
#include "../rules/rule.h"
#include "df.h"

/* Rule indexes into kg_dockerfile_rules[] (same order). */
enum kg_dfr {
	DFR_BASE_UNTAGGED,
	DFR_BASE_LATEST,
	DFR_BASE_UNPINNED,
	DFR_UNTRUSTED_REGISTRY,
	DFR_STAGE_DUPLICATE,
	DFR_STAGE_RESERVED,
	DFR_BEFORE_FROM,
	DFR_COPY_FROM_UNDEFINED,
	DFR_COPY_FROM_SELF,
	DFR_COPY_ENTIRE_FS,
	DFR_ROOT_USER,
	DFR_USER_NOT_NUMERIC,
	DFR_SECRET_ENV,
	DFR_SECRET_ARG,
	DFR_SECRET_FILE,
	DFR_CHPASSWD,
	DFR_CURL_PIPE_SHELL,
	DFR_TLS_DISABLED,
	DFR_SIGNATURE_DISABLED,
	DFR_SUDO,
	DFR_CHMOD_WORLD,
	DFR_SETUID,
	DFR_CD_IN_RUN,
	DFR_SHELL_SYMLINK,
	DFR_PIPEFAIL,
	DFR_APT_UNPINNED,
	DFR_APT_RECOMMENDS,
	DFR_APT_LISTS,
	DFR_APT_YES,
	DFR_APT_CLI,
	DFR_APT_UPDATE_ALONE,
	DFR_APK_UNPINNED,
	DFR_APK_CACHE,
	DFR_PIP_UNPINNED,
	DFR_PIP_CACHE,
	DFR_NPM_UNPINNED,
	DFR_GEM_UNPINNED,
	DFR_GO_UNPINNED,
	DFR_YUM_UNPINNED,
	DFR_YUM_YES,
	DFR_YUM_CACHE,
	DFR_DNF_UNPINNED,
	DFR_DNF_YES,
	DFR_DNF_CACHE,
	DFR_ZYPPER_UNPINNED,
	DFR_ZYPPER_YES,
	DFR_ZYPPER_CACHE,
	DFR_ZYPPER_DIST_UPGRADE,
	DFR_YARN_CACHE,
	DFR_ADD_URL,
	DFR_ADD_LOCAL,
	DFR_COPY_DEST_SLASH,
	DFR_COPY_RELATIVE_DEST,
	DFR_EXPOSE_SSH,
	DFR_EXPOSE_INVALID,
	DFR_HEALTHCHECK_MISSING,
	DFR_HEALTHCHECK_MULTIPLE,
	DFR_CMD_MULTIPLE,
	DFR_ENTRYPOINT_MULTIPLE,
	DFR_CMD_SHELL_FORM,
	DFR_MAINTAINER,
	DFR_WORKDIR_RELATIVE,
	DFR_ONBUILD_FORBIDDEN,
	DFR_ENV_SELF_REFERENCE,
	DFR_EMPTY_CONTINUATION,
	DFR_COUNT
};

extern const struct kg_rule kg_dockerfile_rules[];
extern const size_t kg_dockerfile_nrules;

struct kg_policy;

/* What .hadolint.yaml says (kept as plain data so that tests can build one). */
struct kg_hl_override {
	const char *code;        /* "DL3008" */
	enum kg_severity severity;
};

struct kg_hl_config {
	const char *path;        /* where it was read, for messages */
	const char **ignored;    /* rule codes */
	unsigned nignored;
	const struct kg_hl_override *override;
	unsigned noverride;
	const char **trusted;    /* trustedRegistries */
	unsigned ntrusted;
	bool has_trusted;
	int failure_threshold;   /* -1 unset, else enum kg_severity (KG_SEV_NONE for none) */
	bool no_fail;
	bool disable_ignore_pragma;
};

/* Severity of a hadolint level name: error->high, warning->medium, info->low, style->info,
 * ignore->info (threshold only), none->KG_SEV_NONE. -1 when unknown. */
int kg_hl_severity(const char *level);

/* Read a .hadolint.yaml with the project loader. The strings live in arena. 0, or -1 with err. */
__attribute__((warn_unused_result))
int kg_hl_config_load(const char *path, struct kg_arena *arena, struct kg_hl_config *out, struct kg_diag *err);

/* Caps of the checker's model of one file; past them the rest of the file is not checked and an
 * error says so. */
#define KG_DF_MAX_STAGES 4096u
#define KG_DF_MAX_VARS 16384u
#define KG_DF_MAX_CHECK_MEM (128u << 20) /* arena bytes for one file (expanded values, maps) */

struct kg_df_config {
	const struct kg_policy *policy;     /* may be NULL */
	const struct kg_hl_config *hadolint;/* may be NULL */
	const char *const *trusted;         /* trusted registries (policy first, else hadolint); */
	unsigned ntrusted;                  /* ntrusted == 0: df.untrusted-registry is silent */
	kg_df_error_fn on_error;            /* caps reached (may be NULL) */
	void *ctx;
};

/* Check one parsed Dockerfile; returns the number of build stages seen. */
unsigned kg_df_check(const struct kg_df *df, const struct kg_df_config *cfg, struct kg_arena *a,
		     struct kg_report *r);

/* Errors `docker build` would give for instructions the parser accepted. Returns their count. */
unsigned kg_df_validate(const struct kg_df *df, kg_df_error_fn on_error, void *ctx);

/* Whether a registry host matches a trustedRegistries entry ("docker.io", "*.corp.com",
 * "registry.corp.*", "*"). */
bool kg_df_registry_match(const char *pattern, const char *registry);

#endif
