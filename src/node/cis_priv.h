/* Internal to src/node: the run, the components found on the node, flags with the place they
 * were written, and the helpers the check evaluation uses. Everything is allocated in the run's
 * arena and dies with kg_cis_free. Input problems become report errors (kg_cis_error) and never
 * stop the run. */
#ifndef KG_CIS_PRIV_H
#define KG_CIS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "../core/load.h"
#include "../report/finding.h"
#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/diag.h"
#include "cis.h"

#define KG_CIS_MAX_FILE (4u << 20)  /* a manifest, config file, unit or env file */
#define KG_CIS_MAX_ARGS 4096u       /* words on one command line */
#define KG_CIS_MAX_VARS 1024u       /* environment variables of one unit or container */
#define KG_CIS_MAX_WALK 20000u      /* files visited under one directory */
#define KG_CIS_MAX_NODES 200000u    /* nodes kept from one config document */
#define KG_CIS_MAX_DROPINS 256u     /* kubelet --config-dir files merged */

/* Object identity of a finding (a static pod), NULL fields when unknown. */
struct kg_cis_obj {
	const char *api_version, *kind, *namespace_, *name;
};

/* Where something was written. */
struct kg_cis_loc {
	const char *file; /* display path; NULL when unknown */
	unsigned line, col;
	const char *path; /* field path inside a YAML/JSON file, or NULL */
	const struct kg_cis_obj *obj;
};

/* One word of a command line. */
struct kg_cis_arg {
	const char *text;
	struct kg_cis_loc at;
};

/* One flag after parsing: repeated list flags are joined with ',', others keep the last value. */
struct kg_cis_flag {
	const char *name;  /* without the leading "--" */
	const char *value; /* "true" for a bare flag */
	struct kg_cis_loc at; /* last occurrence */
	unsigned count;
};

struct kg_cis_flags {
	struct kg_cis_flag *v;
	size_t n;
};

/* An environment variable (unit Environment=, env file line, container env entry). */
struct kg_cis_var {
	const char *name, *value;
	struct kg_cis_loc at;
};

/* Arena-backed growable array: returns p or a larger copy holding need elements. */
void *kg_cis_grow(struct kg_arena *a, void *p, size_t *alloc, size_t need, size_t elem);

/* --- cis_flags.c: command lines --- */

/* Parse words (after the program name) as spf13/pflag does: --name=value, --name value (not for
 * boolean flags), bare --name (= "true"), "--" ends the flags. */
void kg_cis_flags_parse(struct kg_arena *a, const struct kg_cis_arg *args, size_t nargs, struct kg_cis_flags *out);
const struct kg_cis_flag *kg_cis_flags_get(const struct kg_cis_flags *f, const char *name);
/* Go time.ParseDuration syntax with a zero value ("0", "0s", "0h0m0s"). */
bool kg_cis_duration_zero(const char *s);
/* Split a line into words with shell-like quoting ('...', "...", backslash); each word gets loc
 * with the column where it starts. Returns 0, or -1 with err (unterminated quote, too many). */
int kg_cis_split_words(struct kg_arena *a, const char *line, size_t len, const struct kg_cis_loc *loc,
		       struct kg_cis_arg **args, size_t *nargs, size_t *alloc, struct kg_diag *err);

/* --- cis_systemd.c: unit files, drop-ins, environment files --- */

struct kg_cis_envfile {
	const char *path; /* on the node */
	bool optional;    /* "-" prefix: a missing file is not an error */
	struct kg_cis_loc at;
};

struct kg_cis_unit {
	struct kg_arena *a;
	struct kg_cis_var *env; /* Environment= assignments in order (later ones win) */
	size_t nenv, aenv;
	struct kg_cis_envfile *files;
	size_t nfiles, afiles;
	const char *exec;       /* the effective ExecStart= (after resets), NULL when none */
	struct kg_cis_loc exec_at;
};

void kg_cis_unit_init(struct kg_cis_unit *u, struct kg_arena *a);
/* One unit file or drop-in, in systemd's order. Only [Service] Environment=, EnvironmentFile= and
 * ExecStart= matter. Returns 0, or -1 with err (bad quoting). */
int kg_cis_unit_parse(struct kg_cis_unit *u, const char *file, const char *text, size_t len, struct kg_diag *err);
/* An environment file: KEY=VALUE lines; values override earlier ones in *vars. */
int kg_cis_envfile_parse(struct kg_arena *a, const char *file, const char *text, size_t len,
			 struct kg_cis_var **vars, size_t *nvars, size_t *alloc, struct kg_diag *err);
/* Expand ExecStart= with vars: "$VAR" as a whole word splits at white space, "${VAR}" is
 * substituted in place, "$$" is "$". Words get the location of the variable they came from.
 * *argv0 gets the program. Returns 0, or -1 with err. */
int kg_cis_exec_expand(struct kg_arena *a, const char *exec, const struct kg_cis_loc *at,
		       const struct kg_cis_var *vars, size_t nvars, const char **argv0, struct kg_cis_arg **args,
		       size_t *nargs, struct kg_diag *err);
const struct kg_cis_var *kg_cis_var_get(const struct kg_cis_var *vars, size_t n, const char *name);

/* --- components --- */

enum kg_cis_comp_id {
	KG_CIS_APISERVER = 0,
	KG_CIS_CONTROLLERMANAGER,
	KG_CIS_SCHEDULER,
	KG_CIS_ETCD,
	KG_CIS_KUBELET,
	KG_CIS_PROXY,
	KG_CIS_NCOMP,
	KG_CIS_NOCOMP = KG_CIS_NCOMP,
};

struct kg_cis_comp {
	const char *name;         /* "kube-apiserver" */
	bool exists;              /* an input was seen (role detection) */
	bool loaded;              /* flags and/or config are usable */
	const char *absent;       /* why not loaded: "no static pod manifest (looked for ...)" */
	bool absent_is_error;     /* an input exists but is unusable: already reported as an error */
	const char *src_file;     /* display path of the file holding the flags, NULL */
	const char *src_path;     /* the same on the node */
	int pid;                  /* running process the flags came from, 0 = files */
	struct kg_cis_arg *args;
	size_t nargs;
	struct kg_cis_flags flags;
	struct kg_cis_flags file_flags; /* flags from files when pid != 0, for positions */
	struct kg_cis_var *env;   /* container env / etcd env file / process environ */
	size_t nenv;
	struct kg_cis_loc anchor; /* where a missing flag would be added */
	struct kg_cis_obj obj;
	const struct kg_node *config;  /* config file root (kubelet, kube-proxy, etcd), NULL */
	const char *config_file;       /* display path */
	const char *config_path;       /* path on the node */
	bool config_exclusive;         /* etcd --config-file: flags and environment are ignored */
	bool config_over_flags;        /* kube-scheduler --config: flags that have a config field are
					* ignored (the scheduler's deprecated flags) */
	const char **dropins;          /* kubelet --config-dir: *.conf files in merge order (node paths) */
	size_t ndropins;
	struct kg_cis_origin *origins; /* config merged from drop-ins: who wrote what */
	size_t norigins, aorigins;
	const char **units;            /* kubelet: unit file and drop-ins (node paths) */
	size_t nunits;
};

/* A node that a kubelet drop-in put into the merged config (or a map the merge built), and the
 * file that wrote it. A node of the merged tree belongs to its nearest recorded ancestor-or-self,
 * else to config_file. */
struct kg_cis_origin {
	const struct kg_node *node;
	const char *file; /* display path */
};

struct kg_cis_accept {
	const char *rule_id;
	const struct kg_node *values; /* sequence of scalars */
	const char *reason;
};

struct kg_cis_idname {
	unsigned id;
	const char *name;
};

struct kg_cis_run {
	struct kg_arena arena;
	struct kg_cis_opts opts;
	const char *root;   /* without a trailing '/', "" for "/" */
	const char *benchmark;
	struct kg_report *report;
	struct kg_loader *loader;
	unsigned roles;
	struct kg_cis_comp comp[KG_CIS_NCOMP];
	struct kg_cis_result *results;
	size_t nresults, aresults;
	unsigned totals[4];
	/* owner names from <root>/etc/passwd and group (when root is not "/") */
	bool ids_tried, own_passwd, own_group;
	struct kg_cis_idname *users, *groups;
	size_t nusers, ngroups;
	/* policy parameters */
	const char *managed_reason;
	struct kg_cis_accept *accept;
	size_t naccept;
	/* config keys already reported as invalid */
	const char **bad;
	size_t nbad, abad;
};

/* An input error into the report (file, line, col may be 0). */
void kg_cis_error(struct kg_cis_run *run, const char *file, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* --- cis_fs.c: the node's filesystem under --root --- */

/* The path to show for a node path: root + path. */
const char *kg_cis_display(struct kg_cis_run *run, const char *np);
/* stat() of a node path, symlinks resolved inside the root. 0, or -1 with errno. */
int kg_cis_stat(struct kg_cis_run *run, const char *np, struct stat *st);
bool kg_cis_exists(struct kg_cis_run *run, const char *np);
/* Read a whole file (at most KG_CIS_MAX_FILE). 0, or -1 with err filled (file = display path);
 * *missing set when the file does not exist. */
int kg_cis_read(struct kg_cis_run *run, const char *np, struct kg_buf *b, bool *missing, struct kg_diag *err);
/* "user:group" as `stat -c %U:%G` would print it on the node (numbers when unnamed). */
const char *kg_cis_owner(struct kg_cis_run *run, uid_t uid, gid_t gid);
/* Sorted entry names of a directory (no "." or ".."); 0 entries when unreadable. */
size_t kg_cis_list(struct kg_cis_run *run, const char *np, const char ***names);
/* Visit dir (when self) and everything below it, like find(1): fn gets the node path and stat of
 * each entry (symlinks followed inside the root; dangling ones skipped). */
void kg_cis_walk(struct kg_cis_run *run, const char *np, bool self,
		 void (*fn)(void *ctx, const char *np, const struct stat *st), void *ctx);
/* Node path of p resolved against the directory of base when relative. */
const char *kg_cis_abs(struct kg_cis_run *run, const char *p);

/* --- cis_inputs.c --- */

/* Which components have inputs under the root (sets comp[].exists). */
void kg_cis_detect(struct kg_cis_run *run);
/* Load a component's flags, environment and config. */
void kg_cis_load(struct kg_cis_run *run, enum kg_cis_comp_id id);
/* Load one YAML/JSON document from a node path into the run's arena. NULL with an error reported
 * (missing files are reported only when report_missing). */
const struct kg_node *kg_cis_load_doc(struct kg_cis_run *run, const char *np, bool report_missing);
/* A config document that must be an object of kind (when it names a kind). ref: the flag that
 * points to it (errors about a missing file go there), what: the flag's name. NULL with an error. */
const struct kg_node *kg_cis_load_config(struct kg_cis_run *run, const char *np, const char *kind,
					 const struct kg_cis_loc *ref, const char *what);
/* Where a path-like flag of a component points (node path), or NULL. */
const char *kg_cis_flag_path(struct kg_cis_run *run, enum kg_cis_comp_id id, const char *flag);
/* First existing node path of a NULL-terminated list, or NULL. */
const char *kg_cis_first_existing(struct kg_cis_run *run, const char *const *paths);
/* A component's first candidate configuration path, and "looked for" text of all of them. */
const char *kg_cis_conf_default(enum kg_cis_comp_id id);
const char *kg_cis_conf_looked(struct kg_cis_run *run, enum kg_cis_comp_id id);
/* "a, b and N other places" for messages. */
const char *kg_cis_looked_for(struct kg_cis_run *run, const char *const *paths);

extern const char *const kg_cis_etcd_datadirs[];
extern const char *const kg_cis_kubelet_cafiles[];
extern const char *const kg_cis_kubelet_kubeconfigs[];
extern const char *const kg_cis_proxy_kubeconfigs[];
extern const char *const kg_cis_sched_kubeconfigs[];
extern const char *const kg_cis_cm_kubeconfigs[];

/* --- cis_dropin.c: layered config files --- */

/* kubelet --config-dir (flag f): every *.conf file under the directory, in the kubelet's order
 * (filepath.WalkDir: names sorted byte-wise, subdirectories at their place), merged over
 * c->config as a JSON merge patch (RFC 7386; maps merge key by key, lists and scalars are
 * replaced; null gives the field back the main file's value). A broken drop-in is an error with
 * its position and is left out; the others still apply. */
void kg_cis_load_dropins(struct kg_cis_run *run, struct kg_cis_comp *c, const struct kg_cis_flag *f);
/* A value of c's config at a dotted path and the file that set it (a drop-in, else config_file);
 * NULL when absent, or with nearest the deepest node that exists along the path. */
const struct kg_node *kg_cis_config_at(const struct kg_cis_comp *c, const char *dotted, bool nearest, const char **file);

/* --- cis_checks.c: evaluating one check --- */

struct kg_cis_check; /* a row of the benchmark table */

struct kg_cis_eval {
	const struct kg_cis_check *check;
	const struct kg_rule *rule;   /* NULL for manual-review rows */
	enum kg_severity severity;    /* the rule's, after the policy */
	struct kg_cis_result *res;
	unsigned nfail;               /* findings reported */
	unsigned naccepted;           /* failures matched by accepted values */
	const char *accept_reason;
	bool undecided;               /* WARN: the data needed is missing or invalid */
	bool not_applicable;          /* INFO: nothing to check on this node */
	const char *note;
};

/* A failing observation: a finding at at (unless the policy accepts value). */
void kg_cis_fail(struct kg_cis_run *run, struct kg_cis_eval *ev, const struct kg_cis_loc *at, const char *value,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The check cannot be decided: WARN; an info finding at at when at is given (pass NULL when an
 * input error already says why). */
void kg_cis_undecided(struct kg_cis_run *run, struct kg_cis_eval *ev, const struct kg_cis_loc *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Nothing to check here: INFO. */
void kg_cis_na(struct kg_cis_run *run, struct kg_cis_eval *ev, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* What was found (the result's actual value and place), first call wins. */
void kg_cis_actual(struct kg_cis_run *run, struct kg_cis_eval *ev, const struct kg_cis_loc *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The table-driven test items of the check (kube-bench semantics); true when they pass. Reports
 * the failure itself when report is set. */
bool kg_cis_eval_items(struct kg_cis_run *run, struct kg_cis_eval *ev, bool report);
/* The value test item i finds (flag, config or env), with where it was found. */
bool kg_cis_item_value(struct kg_cis_run *run, const struct kg_cis_eval *ev, size_t i, const char **value,
		       struct kg_cis_loc *at);
enum kg_cis_comp_id kg_cis_check_comp(const struct kg_cis_check *c);
const char *kg_cis_check_fix(const struct kg_cis_check *c);

/* Rows of the table, in benchmark order. */
size_t kg_cis_ncheck(void);
const struct kg_cis_check *kg_cis_check_at(size_t i);
/* Evaluate one row into ev (status is set by the caller from ev). */
void kg_cis_evaluate(struct kg_cis_run *run, struct kg_cis_eval *ev);
const char *kg_cis_check_id(const struct kg_cis_check *c);
const char *kg_cis_check_section(const struct kg_cis_check *c);
unsigned kg_cis_check_role(const struct kg_cis_check *c);
bool kg_cis_check_automated(const struct kg_cis_check *c);
const char *kg_cis_check_title(const struct kg_cis_check *c); /* manual-review rows only */
const char *kg_cis_check_expected(struct kg_cis_run *run, const struct kg_cis_check *c);

/* --- cis_special.c: checks that read whole documents --- */

void kg_cis_check_encryption(struct kg_cis_run *run, struct kg_cis_eval *ev);
void kg_cis_check_audit_policy(struct kg_cis_run *run, struct kg_cis_eval *ev);
void kg_cis_check_etcd_ca(struct kg_cis_run *run, struct kg_cis_eval *ev);
void kg_cis_check_kubelet_tls(struct kg_cis_run *run, struct kg_cis_eval *ev);
void kg_cis_check_event_rate_limit(struct kg_cis_run *run, struct kg_cis_eval *ev);

#endif
