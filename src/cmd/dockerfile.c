/* kguard dockerfile: parse Dockerfiles, check them, write the report. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../dockerfile/df.h"
#include "../dockerfile/df_check.h"
#include "../rules/policy.h"
#include "../util/jsonw.h"
#include "../util/walk.h"
#include "cli.h"
#include "commands.h"

static const char df_help[] =
	"usage: kguard dockerfile [options] PATH...\n"
	"\n"
	"Check Dockerfiles for security and reproducibility problems. PATH is a file, a directory\n"
	"(searched recursively for Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile\n"
	"and Containerfile.*; hidden folders such as .git are skipped) or - for standard input.\n"
	"\n"
	"options:\n"
	"      --policy FILE           kguard policy file (rules, severities, trustedRegistries); by\n"
	"                              default .kguard.yaml is searched from the first PATH upward to\n"
	"                              the repository root, as for kguard scan\n"
	"      --no-policy             do not search for .kguard.yaml\n"
	"      --hadolint-config FILE  read this .hadolint.yaml (ignored, override, trustedRegistries,\n"
	"                              failure-threshold); by default the nearest .hadolint.yaml or\n"
	"                              .hadolint.yml next to each Dockerfile or in a folder above it,\n"
	"                              up to the repository root\n"
	"      --no-hadolint-config    do not look for .hadolint.yaml\n"
	"      --stdin-name NAME       file name to report for standard input (default <stdin>)\n"
	"      --ast                   print the syntax tree instead of checking: BuildKit's AST dump\n"
	"                              format, or JSON with --format json\n"
	"%s"
	"  -h, --help                  this help\n"
	"\n"
	"Suppress a finding with a comment on the line(s) above the instruction:\n"
	"  # kguard ignore=df.root-user,df.apt-unpinned   (hadolint's `# hadolint ignore=DL3008` works too)\n"
	"or for the whole file: `# kguard global ignore=df.healthcheck-missing`.\n"
	"\n"
	"Exit codes: 0 clean, 1 findings at or above --fail-on (or the hadolint failure-threshold),\n"
	"2 usage or input error (everything else is still checked and reported), 3 internal error.\n";

struct hl_cache {
	char *dir;              /* real path of a folder */
	struct kg_hl_config *cfg; /* NULL: none found at or above it */
};

struct file_threshold {
	const char *file;
	enum kg_severity sev;
};

struct df_run {
	struct kg_report report;
	struct kg_arena arena;      /* per Dockerfile */
	struct kg_arena keep;       /* configurations, for the whole run */
	const struct kg_policy *policy;
	const char *const *ptrusted;
	unsigned nptrusted;
	struct kg_hl_config *hl_explicit;
	bool hl_discover;
	struct hl_cache *cache;
	unsigned ncache, acache;
	struct file_threshold *thr;
	unsigned nthr, athr;
	bool fail_on_given;
	enum kg_severity fail_on;
	const char *stdin_name;
	bool ast;
	enum kg_format format;
	struct kg_buf out;          /* --ast output */
	struct kg_jw jw;
	bool first_json;
};

static void on_error(void *ctx, const struct kg_diag *d)
{
	struct df_run *r = ctx;
	kg_report_error(&r->report, d);
}

static bool want_dockerfile(void *ctx, const char *path, const char *base)
{
	(void)ctx;
	(void)path;
	size_t n = strlen(base);
	if (n > 13 && !strcasecmp(base + n - 13, ".dockerignore"))
		return false;
	if (!strcasecmp(base, "Dockerfile") || !strcasecmp(base, "Containerfile"))
		return true;
	if (!strncasecmp(base, "Dockerfile.", 11) || !strncasecmp(base, "Containerfile.", 14))
		return true;
	return n > 11 && !strcasecmp(base + n - 11, ".Dockerfile");
}

static int read_all(FILE *fp, struct kg_buf *b)
{
	char block[65536];
	size_t n;
	while ((n = fread(block, 1, sizeof(block), fp)) > 0)
		if (kg_buf_add(b, block, n))
			return 1; /* over the cap */
	return ferror(fp) ? -1 : 0;
}

/* ---- .hadolint.yaml discovery ---- */

static struct kg_hl_config *load_hl(struct df_run *r, const char *path)
{
	struct kg_hl_config *cfg = kg_arena_zalloc(&r->keep, sizeof(*cfg));
	struct kg_diag err;
	if (kg_hl_config_load(path, &r->keep, cfg, &err)) {
		kg_report_error(&r->report, &err);
		return NULL;
	}
	return cfg;
}

static struct kg_hl_config *find_hl(struct df_run *r, const char *file)
{
	if (r->hl_explicit)
		return r->hl_explicit;
	if (!r->hl_discover)
		return NULL;
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(file, '/');
	if (!strcmp(file, "-") || !slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file) ? (int)(slash - file) : 1, file);
	if (!realpath(dir, real))
		return NULL;
	for (unsigned i = 0; i < r->ncache; i++)
		if (!strcmp(r->cache[i].dir, real))
			return r->cache[i].cfg;
	struct kg_hl_config *found = NULL;
	char cur[PATH_MAX];
	snprintf(cur, sizeof(cur), "%s", real);
	for (;;) {
		static const char *const names[] = { ".hadolint.yaml", ".hadolint.yml" };
		char cand[PATH_MAX + 32];
		struct stat st;
		bool hit = false;
		for (unsigned k = 0; k < 2 && !hit; k++) {
			snprintf(cand, sizeof(cand), "%s/%s", strcmp(cur, "/") ? cur : "", names[k]);
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
				/* the same file may be reached from several folders: load it once */
				for (unsigned i = 0; i < r->ncache && !found; i++)
					if (r->cache[i].cfg && !strcmp(r->cache[i].cfg->path, cand))
						found = r->cache[i].cfg;
				if (!found)
					found = load_hl(r, cand);
				hit = true;
			}
		}
		snprintf(cand, sizeof(cand), "%s/.git", strcmp(cur, "/") ? cur : "");
		if (hit || !strcmp(cur, "/") || stat(cand, &st) == 0) /* stop at the repository root, as the policy search does */
			break;
		char *s = strrchr(cur, '/');
		if (s == cur)
			s[1] = '\0';
		else
			*s = '\0';
	}
	if (r->ncache == r->acache) {
		unsigned na = r->acache ? r->acache * 2 : 16;
		struct hl_cache *nc = realloc(r->cache, na * sizeof(*nc));
		if (!nc)
			abort();
		r->cache = nc;
		r->acache = na;
	}
	r->cache[r->ncache++] = (struct hl_cache){ kg_arena_strdup(&r->keep, real), found };
	return found;
}

/* ---- --ast output ---- */

static void ast_instr_json(struct kg_jw *w, const struct kg_df_instr *in)
{
	kg_jw_obj(w);
	kg_jw_kstr(w, "instruction", in->name);
	kg_jw_kint(w, "line", in->line);
	kg_jw_kint(w, "endLine", in->end_line);
	kg_jw_kint(w, "column", in->col);
	kg_jw_key(w, "flags");
	kg_jw_arr(w);
	for (unsigned i = 0; i < in->nflags; i++)
		kg_jw_str(w, in->flags[i]);
	kg_jw_arr_end(w);
	kg_jw_key(w, "args");
	kg_jw_arr(w);
	for (unsigned i = 0; i < in->nargs; i++)
		kg_jw_strn(w, in->args[i], in->arg_lens ? in->arg_lens[i] : strlen(in->args[i]));
	kg_jw_arr_end(w);
	kg_jw_kbool(w, "json", in->json);
	kg_jw_key(w, "heredocs");
	kg_jw_arr(w);
	for (unsigned i = 0; i < in->nheredocs; i++) {
		const struct kg_df_heredoc *h = &in->heredocs[i];
		kg_jw_obj(w);
		kg_jw_kstr(w, "name", h->name);
		kg_jw_key(w, "content");
		kg_jw_strn(w, h->content, h->len);
		kg_jw_kbool(w, "expand", h->expand);
		kg_jw_kbool(w, "chomp", h->chomp);
		kg_jw_kint(w, "fileDescriptor", h->fd);
		kg_jw_kint(w, "line", h->line);
		kg_jw_obj_end(w);
	}
	kg_jw_arr_end(w);
	if (in->sub) {
		kg_jw_key(w, "onbuild");
		ast_instr_json(w, in->sub);
	}
	kg_jw_obj_end(w);
}

static void ast_file(struct df_run *r, const struct kg_df *df)
{
	if (r->format != KG_FMT_JSON) {
		for (unsigned i = 0; i < df->n; i++) {
			kg_buf_addc(&r->out, '(');
			kg_df_dump(&df->ins[i], &r->out);
			kg_buf_adds(&r->out, ")\n");
		}
		return;
	}
	struct kg_jw *w = &r->jw;
	kg_jw_obj(w);
	kg_jw_kstr(w, "file", df->file);
	char esc[2] = { df->escape, 0 };
	kg_jw_kstr(w, "escape", esc);
	kg_jw_kstr(w, "syntax", df->syntax);
	kg_jw_kstr(w, "check", df->check);
	kg_jw_key(w, "instructions");
	kg_jw_arr(w);
	for (unsigned i = 0; i < df->n; i++)
		ast_instr_json(w, &df->ins[i]);
	kg_jw_arr_end(w);
	kg_jw_obj_end(w);
}

/* ---- one Dockerfile ---- */

static void set_threshold(struct df_run *r, const char *file, const struct kg_hl_config *hl)
{
	enum kg_severity sev = r->fail_on;
	if (!r->fail_on_given && hl) {
		if (hl->no_fail)
			sev = KG_SEV_NONE;
		else if (hl->failure_threshold >= 0)
			sev = (enum kg_severity)hl->failure_threshold;
	}
	if (r->nthr == r->athr) {
		unsigned na = r->athr ? r->athr * 2 : 16;
		struct file_threshold *nt = realloc(r->thr, na * sizeof(*nt));
		if (!nt)
			abort();
		r->thr = nt;
		r->athr = na;
	}
	r->thr[r->nthr++] = (struct file_threshold){ file, sev };
}

static void check_file(void *ctx, const struct kg_walk_file *f)
{
	struct df_run *r = ctx;
	const char *path = f->path;
	bool is_stdin = !strcmp(path, "-");
	const char *display = kg_report_str(&r->report, is_stdin ? r->stdin_name : path);
	struct kg_buf b = KG_BUF_INIT;
	struct kg_diag d;
	kg_buf_init(&b, KG_DF_MAX_FILE + 1);
	r->report.sum.files++;
	errno = f->err;
	FILE *fp = is_stdin ? stdin : f->fd >= 0 ? fdopen(f->fd, "rb") : NULL;
	if (!fp) {
		if (f->fd >= 0)
			close(f->fd);
		kg_diag_set(&d, display, 0, 0, "cannot open: %s", strerror(errno));
		kg_report_error(&r->report, &d);
		kg_buf_release(&b);
		return;
	}
	int rc = read_all(fp, &b);
	if (!is_stdin)
		fclose(fp);
	if (rc) {
		if (rc > 0) /* the same message and position as the parser's own size check */
			kg_diag_set(&d, display, 1, 1, "file larger than %u bytes", KG_DF_MAX_FILE);
		else
			kg_diag_set(&d, display, 0, 0, "read error");
		kg_report_error(&r->report, &d);
		kg_buf_release(&b);
		return;
	}
	kg_arena_reset(&r->arena);
	struct kg_df *df = kg_df_parse(&r->arena, display, b.data ? b.data : "", b.len, NULL, on_error, r);
	kg_buf_release(&b);
	if (r->ast) {
		ast_file(r, df);
		return;
	}
	kg_df_validate(df, on_error, r);
	const struct kg_hl_config *hl = find_hl(r, path);
	struct kg_df_config cfg = { r->policy, hl, NULL, 0, on_error, r };
	if (r->nptrusted) {
		cfg.trusted = r->ptrusted;
		cfg.ntrusted = r->nptrusted;
	} else if (hl && hl->has_trusted) {
		cfg.trusted = hl->trusted;
		cfg.ntrusted = hl->ntrusted;
	}
	set_threshold(r, display, hl);
	if (df->n)
		r->report.sum.documents++;
	r->report.sum.objects += kg_df_check(df, &cfg, &r->arena, &r->report);
}

static void walk_error(void *ctx, const char *path, const char *message)
{
	struct df_run *r = ctx;
	struct kg_diag d;
	kg_diag_set(&d, kg_report_str(&r->report, path), 0, 0, "%s", message);
	kg_report_error(&r->report, &d);
}

/* trustedRegistries from the policy's parameters: a string or a list of strings. */
static void policy_trusted(struct df_run *r)
{
	const struct kg_node *n = kg_policy_param(r->policy, "trustedRegistries");
	if (!n)
		return;
	if (kg_str(n)) {
		const char **v = kg_arena_alloc(&r->keep, sizeof(*v));
		v[0] = kg_str(n);
		r->ptrusted = v;
		r->nptrusted = 1;
	} else if (kg_is_seq(n)) {
		const char **v = kg_arena_alloc(&r->keep, (n->len + 1) * sizeof(*v));
		unsigned k = 0;
		for (uint32_t i = 0; i < n->len; i++)
			if (kg_str(n->v.items[i]))
				v[k++] = kg_str(n->v.items[i]);
		r->ptrusted = v;
		r->nptrusted = k;
	}
}

static int finish(struct df_run *r, struct kg_cli_out *out)
{
	if (r->ast) {
		if (r->format == KG_FMT_JSON) {
			kg_jw_arr_end(&r->jw);
			kg_buf_addc(&r->out, '\n');
		}
		fwrite(r->out.data ? r->out.data : "", 1, r->out.len, stdout);
		kg_report_sort(&r->report);
		for (size_t i = 0; i < r->report.nerrors; i++) {
			const struct kg_error_rec *e = &r->report.errors[i];
			fprintf(stderr, "%s:%u:%u: error: %s\n", e->file, e->line, e->col, e->message);
		}
		return r->report.nerrors ? KG_EXIT_INPUT : KG_EXIT_OK;
	}
	/* each file fails at its own threshold (--fail-on, else its .hadolint.yaml, else info) */
	out->fail_on = KG_SEV_NONE;
	int rc = kg_cli_finish(out, &r->report, "dockerfile");
	if (rc != KG_EXIT_OK)
		return rc;
	for (size_t i = 0; i < r->report.nfindings; i++) {
		const struct kg_finding *f = &r->report.findings[i];
		enum kg_severity thr = r->fail_on;
		for (unsigned k = 0; k < r->nthr; k++)
			if (!strcmp(r->thr[k].file, f->file))
				thr = r->thr[k].sev;
		if (thr != KG_SEV_NONE && f->severity >= thr)
			return KG_EXIT_FINDINGS;
	}
	return KG_EXIT_OK;
}

int kg_cmd_dockerfile(int argc, char **argv)
{
	struct kg_cli_out out;
	struct df_run r;
	const char *policy_path = NULL, *hl_path = NULL;
	bool no_policy = false;
	const char **paths = calloc((size_t)argc + 1, sizeof(*paths));
	int npaths = 0, rc = KG_EXIT_INPUT;
	if (!paths)
		return KG_EXIT_INTERNAL;
	memset(&r, 0, sizeof(r));
	r.hl_discover = true;
	r.stdin_name = "<stdin>";
	kg_cli_out_init(&out);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		int o = kg_cli_out_option(&out, argc, argv, &i);
		if (o < 0)
			goto out;
		if (o > 0) {
			if (kg_cli_is_opt(a, "--fail-on", NULL))
				r.fail_on_given = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf(df_help, kg_cli_out_help);
			rc = KG_EXIT_OK;
			goto out;
		} else if (kg_cli_is_opt(a, "--policy", NULL)) {
			if (!(v = kg_cli_opt_value(argc, argv, &i, "--policy")) || !*v) {
				kg_usage_error("dockerfile", "--policy needs a file name");
				goto out;
			}
			policy_path = v;
		} else if (!strcmp(a, "--no-policy")) {
			no_policy = true;
		} else if (kg_cli_is_opt(a, "--hadolint-config", NULL)) {
			if (!(v = kg_cli_opt_value(argc, argv, &i, "--hadolint-config")) || !*v) {
				kg_usage_error("dockerfile", "--hadolint-config needs a file name");
				goto out;
			}
			hl_path = v;
		} else if (!strcmp(a, "--no-hadolint-config")) {
			r.hl_discover = false;
		} else if (kg_cli_is_opt(a, "--stdin-name", NULL)) {
			if (!(v = kg_cli_opt_value(argc, argv, &i, "--stdin-name")) || !*v) {
				kg_usage_error("dockerfile", "--stdin-name needs a name");
				goto out;
			}
			r.stdin_name = v;
		} else if (!strcmp(a, "--ast")) {
			r.ast = true;
		} else if (a[0] == '-' && a[1]) {
			kg_usage_error("dockerfile", "unknown option '%s'", a);
			goto out;
		} else {
			paths[npaths++] = a;
		}
	}
	if (!npaths) {
		kg_usage_error("dockerfile", "no PATH given (use - for standard input)");
		goto out;
	}
	if (policy_path && no_policy) {
		kg_usage_error("dockerfile", "--policy and --no-policy contradict each other");
		goto out;
	}
	if (r.ast && out.format != KG_FMT_TEXT && out.format != KG_FMT_JSON) {
		kg_usage_error("dockerfile", "--ast prints text or json");
		goto out;
	}
	r.format = out.format;
	r.fail_on = out.fail_on;
	kg_report_init(&r.report);
	kg_arena_init(&r.arena, 64 * 1024);
	kg_arena_init(&r.keep, 16 * 1024);
	kg_buf_init(&r.out, 0);
	if (r.ast && r.format == KG_FMT_JSON) {
		kg_jw_init(&r.jw, &r.out, true);
		kg_jw_arr(&r.jw);
	}
	struct kg_policy *policy = NULL;
	char found[4096];
	if (!policy_path && !no_policy && !r.ast && kg_policy_discover(paths[0], found, sizeof(found)) == 0)
		policy_path = found;
	if (policy_path && !r.ast) {
		struct kg_diag d;
		policy = kg_policy_load(policy_path, &d);
		if (!policy) {
			if (d.line)
				fprintf(stderr, "kguard dockerfile: %s:%u:%u: error: %s\n", d.file ? d.file : policy_path,
					d.line, d.col, d.message);
			else
				fprintf(stderr, "kguard dockerfile: %s: error: %s\n", d.file ? d.file : policy_path, d.message);
			rc = KG_EXIT_INPUT;
			goto release;
		}
		r.policy = policy;
		policy_trusted(&r);
	}
	if (hl_path) {
		r.hl_explicit = load_hl(&r, hl_path);
		r.hl_discover = false;
	}
	struct kg_walk w = { &r, want_dockerfile, check_file, walk_error, NULL };
	for (int i = 0; i < npaths; i++)
		kg_walk_path(&w, paths[i]);
	rc = finish(&r, &out);
release:
	kg_policy_free(policy);
	kg_report_release(&r.report);
	kg_arena_release(&r.arena);
	kg_arena_release(&r.keep);
	kg_buf_release(&r.out);
	free(r.cache);
	free(r.thr);
out:
	free(paths);
	return rc;
}
