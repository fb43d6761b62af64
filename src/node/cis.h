/* kguard node: CIS Kubernetes Benchmark checks decided from a node's files (and, on a live node,
 * the command lines of its running components), with kube-bench's test semantics.
 *
 * A run is configured with kg_cis_opts, then kg_cis_check() discovers the components under the
 * root (static pod manifests, kubelet unit files and config, kube-proxy, etcd), evaluates every
 * check of the selected roles, adds a finding to the report for every check that does not pass
 * and an input error for every file that cannot be used (the other checks still run). The run
 * keeps one result per evaluated check (status PASS/FAIL/WARN/INFO) for the JSON "checks" list.
 *
 * Ownership: the run owns every string in its results (its own arena) until kg_cis_free. Strings
 * given in kg_cis_opts are borrowed and must outlive the run. Nothing here prints; writers write
 * to the FILE they are given. */
#ifndef KG_CIS_H
#define KG_CIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../core/node.h"
#include "../report/finding.h"
#include "../report/write.h"
#include "../util/diag.h"

struct kg_policy;

enum kg_cis_role {
	KG_CIS_ROLE_MASTER = 1 << 0, /* sections 1 (control plane components) and 3 (control plane config) */
	KG_CIS_ROLE_ETCD = 1 << 1,   /* section 2 */
	KG_CIS_ROLE_NODE = 1 << 2,   /* section 4 (kubelet, kube-proxy) */
};

/* Parse "auto", or a comma list of master, etcd, node (controlplane = master, worker = node).
 * 0 = auto. Returns 0, or -1 for an unknown name. */
int kg_cis_roles_parse(const char *s, unsigned *roles);

enum kg_cis_status { KG_CIS_PASS = 0, KG_CIS_FAIL, KG_CIS_WARN, KG_CIS_INFO };
const char *kg_cis_status_name(enum kg_cis_status s); /* "PASS", "FAIL", "WARN", "INFO" */

struct kg_cis_opts {
	const char *root;      /* the node's filesystem: "/" (live) or a mounted image / fixture */
	unsigned roles;        /* KG_CIS_ROLE_* bits; 0 = detect from the files that exist */
	const char *proc_dir;  /* read running components' command lines here ("/proc"); NULL = never */
	const char *benchmark; /* "cis-1.12" (the only one); NULL = default */
	const struct kg_policy *policy;   /* may be NULL */
	const struct kg_node *params;     /* the policy's `nodeChecks` parameter, or NULL */
	const char *params_file;          /* file name for diagnostics about params */
};

struct kg_cis_result {
	const char *id;        /* benchmark id, "1.2.6" */
	const char *rule_id;   /* "cis.1.2.6"; NULL for checks without a catalog rule (manual review) */
	const char *section;   /* "master", "etcd", "controlplane", "node", "policies" */
	const char *title;
	bool automated;        /* the benchmark's Automated/Manual label */
	enum kg_cis_status status;
	enum kg_severity severity; /* of its findings; KG_SEV_NONE when it reported none */
	const char *actual;    /* what was found ("--profiling=true", "644", "not set"), or NULL */
	const char *expected;  /* the test, in kube-bench's wording ("'--profiling' is equal to 'false'") */
	const char *reason;    /* why WARN or INFO, or NULL */
	const char *file;      /* where the deciding value was found (display path), or NULL */
	unsigned line;
};

struct kg_cis_run;

struct kg_cis_run *kg_cis_new(const struct kg_cis_opts *o);
void kg_cis_free(struct kg_cis_run *run);

/* Discover, load and evaluate. Findings and input errors go to r. Returns 0, or -1 when nothing
 * could be checked at all (the reason is an error in r). */
int kg_cis_check(struct kg_cis_run *run, struct kg_report *r);

size_t kg_cis_nresults(const struct kg_cis_run *run);
const struct kg_cis_result *kg_cis_result_at(const struct kg_cis_run *run, size_t i);
/* Counts by status, indexed by enum kg_cis_status. */
void kg_cis_totals(const struct kg_cis_run *run, unsigned totals[4]);
/* The roles that were checked (after detection). */
unsigned kg_cis_roles(const struct kg_cis_run *run);
const char *kg_cis_benchmark(const struct kg_cis_run *run);

/* Write the report: json adds top-level "checks" and "totals" to kguard's usual JSON report, text
 * adds the section-5 note and a totals line (and with list_checks one line per check), junit has
 * one test case per check; sarif is the shared writer. Returns 0, or -1 when writing failed. */
int kg_cis_write(FILE *out, enum kg_format fmt, struct kg_report *r, const struct kg_cis_run *run,
		 const struct kg_write_opts *o, bool list_checks);

/* The policy loader's checker for the `nodeChecks` parameter (see src/rules/params.h): 1 known
 * and valid, 0 another parameter, -1 invalid with err filled (line and column; no file). */
int kg_node_param_check(const char *name, const struct kg_node *value, struct kg_diag *err);

/* kube-bench's comparison operators (check/test.go compareOp): eq, noteq, gt, gte, lt, lte, has,
 * nothave, regex, valid_elements, bitmask. An unknown or empty op is false. */
bool kg_cis_compare(const char *op, const char *actual, const char *expected);

#endif
