/* kguard node end to end on small roots built here (modes set by the test; owner names come from
 * the root's own etc/passwd, so the tests need no privileges): bad inputs give clear errors and
 * the other checks still run, live process command lines win over files, policy parameters,
 * symlinks stay inside the root, etcd/encryption/audit-policy variants, the JSON report. */
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/load.h"
#include "harness.h"
#include "node/cis.h"
#include "node/cis_priv.h"
#include "util/arena.h"

static char root[256];

static void mkdirs(const char *path)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	mkdir(buf, 0755);
}

/* Write root/rel with mode. */
static void put(const char *rel, mode_t mode, const char *content)
{
	char path[1024], dir[1024];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	FILE *fp = fopen(path, "w");
	if (!fp) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		abort();
	}
	fputs(content, fp);
	fclose(fp);
	chmod(path, mode);
}

static void link_in(const char *rel, const char *target)
{
	char path[1024], dir[1024];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	if (symlink(target, path) != 0)
		abort();
}

/* The test user's uid and gid are called `name` inside the root. */
static void owner_name(const char *name)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s:x:%u:%u::/:/bin/sh\n", name, (unsigned)getuid(), (unsigned)getgid());
	put("etc/passwd", 0644, buf);
	snprintf(buf, sizeof(buf), "%s:x:%u:\n", name, (unsigned)getgid());
	put("etc/group", 0644, buf);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void new_root(void)
{
	snprintf(root, sizeof(root), "/tmp/kg-node-test-XXXXXX");
	if (!mkdtemp(root))
		abort();
	owner_name("root");
}

static void drop_root(void)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

struct out {
	struct kg_report r;
	struct kg_cis_run *run;
	int rc;
};

static void run_opts(struct out *o, const struct kg_cis_opts *opts)
{
	kg_report_init(&o->r);
	o->run = kg_cis_new(opts);
	o->rc = kg_cis_check(o->run, &o->r);
}

static void run_roles(struct out *o, unsigned roles)
{
	struct kg_cis_opts opts;
	memset(&opts, 0, sizeof(opts));
	opts.root = root;
	opts.roles = roles;
	run_opts(o, &opts);
}

static void done(struct out *o)
{
	kg_cis_free(o->run);
	kg_report_release(&o->r);
}

/* o's report written in fmt to memory (caller frees); *len gets its length. */
static char *render(struct out *o, enum kg_format fmt, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);
	if (!m)
		abort();
	struct kg_write_opts wo = { false, false, "node" };
	CHECK_INT(kg_cis_write(m, fmt, &o->r, o->run, &wo, false), 0);
	fclose(m);
	return buf;
}

static const struct kg_cis_result *res(const struct out *o, const char *id)
{
	for (size_t i = 0; i < kg_cis_nresults(o->run); i++)
		if (!strcmp(kg_cis_result_at(o->run, i)->id, id))
			return kg_cis_result_at(o->run, i);
	return NULL;
}

static enum kg_cis_status status(const struct out *o, const char *id)
{
	const struct kg_cis_result *r = res(o, id);
	return r ? r->status : (enum kg_cis_status)99;
}

/* The error whose message is msg (exactly), or NULL. */
static const struct kg_error_rec *error(const struct out *o, const char *msg)
{
	for (size_t i = 0; i < o->r.nerrors; i++)
		if (!strcmp(o->r.errors[i].message, msg))
			return &o->r.errors[i];
	fprintf(stderr, "  no error \"%s\"; errors are:\n", msg);
	for (size_t i = 0; i < o->r.nerrors; i++)
		fprintf(stderr, "    %s:%u:%u: %s\n", o->r.errors[i].file, o->r.errors[i].line, o->r.errors[i].col,
			o->r.errors[i].message);
	return NULL;
}

static const struct kg_finding *finding(const struct out *o, const char *rule)
{
	for (size_t i = 0; i < o->r.nfindings; i++)
		if (!strcmp(o->r.findings[i].rule_id, rule))
			return &o->r.findings[i];
	return NULL;
}

static const char *rp(const char *rel)
{
	static char buf[8][512];
	static int k;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", root, rel);
	return buf[k];
}

#define POD(name, args)                                                                                          \
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: " name "\n  namespace: kube-system\nspec:\n  containers:\n" \
	"  - name: " name "\n    image: registry.k8s.io/" name ":v1.32.0\n    command:\n    - " name "\n" args

static void good_control_plane(void)
{
	put("etc/kubernetes/manifests/kube-controller-manager.yaml", 0600,
	    POD("kube-controller-manager", "    - --profiling=false\n    - --kubeconfig=/etc/kubernetes/controller-manager.conf\n"));
	put("etc/kubernetes/manifests/kube-scheduler.yaml", 0600,
	    POD("kube-scheduler", "    - --profiling=false\n    - --bind-address=127.0.0.1\n"));
}

TEST(roles_parse)
{
	unsigned r;
	CHECK_INT(kg_cis_roles_parse("auto", &r), 0);
	CHECK_INT(r, 0);
	CHECK_INT(kg_cis_roles_parse("master,node", &r), 0);
	CHECK_INT(r, KG_CIS_ROLE_MASTER | KG_CIS_ROLE_NODE);
	CHECK_INT(kg_cis_roles_parse("controlplane,etcd,worker", &r), 0);
	CHECK_INT(r, KG_CIS_ROLE_MASTER | KG_CIS_ROLE_ETCD | KG_CIS_ROLE_NODE);
	CHECK_INT(kg_cis_roles_parse("bogus", &r), -1);
	CHECK_INT(kg_cis_roles_parse("", &r), -1);
	CHECK_INT(kg_cis_roles_parse("master,", &r), -1);
	CHECK_INT(kg_cis_roles_parse("master,,node", &r), -1);
}

TEST(manifest_not_a_pod)
{
	new_root();
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600,
	    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kube-apiserver\n");
	good_control_plane();
	struct out o;
	run_roles(&o, 0);
	CHECK_INT(o.rc, 0);
	const struct kg_error_rec *e = error(&o, "expected a static Pod manifest, found kind 'Deployment'");
	CHECK(e != NULL);
	if (e) {
		CHECK_STR(e->file, rp("etc/kubernetes/manifests/kube-apiserver.yaml"));
		CHECK_INT(e->line, 2);
		CHECK_INT(e->col, 7);
	}
	CHECK_INT(o.r.nerrors, 1); /* no second "not found" error for the same component */
	CHECK_INT(status(&o, "1.2.6"), KG_CIS_WARN);
	CHECK_STR(res(&o, "1.2.6")->reason, "not checked: the kube-apiserver configuration could not be read");
	CHECK(finding(&o, "cis.1.2.6") == NULL); /* the error says it; no finding per check */
	CHECK_INT(status(&o, "1.1.1"), KG_CIS_PASS); /* its permissions are still checked */
	CHECK_INT(status(&o, "1.3.2"), KG_CIS_PASS); /* the other components still are */
	CHECK_INT(status(&o, "1.4.2"), KG_CIS_PASS);
	CHECK_INT(status(&o, "1.3.7"), KG_CIS_PASS); /* --bind-address unset */
	done(&o);
	drop_root();
}

TEST(manifest_bad_yaml_and_wrong_items)
{
	new_root();
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600,
	    POD("kube-apiserver", "    - --profiling=false\n    - 42\n    - --authorization-mode=Node,RBAC\n"));
	put("etc/kubernetes/manifests/kube-controller-manager.yaml", 0600, "spec: [unclosed\n");
	put("etc/kubernetes/manifests/kube-scheduler.yaml", 0600, "apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n");
	struct out o;
	run_roles(&o, KG_CIS_ROLE_MASTER);
	const struct kg_error_rec *e =
		error(&o, "spec.containers[0].command[2] must be a string, not integer (the kubelet rejects this manifest)");
	CHECK(e && e->line == 13 && e->col == 7);
	CHECK_INT(status(&o, "1.2.15"), KG_CIS_PASS); /* the words around it still count */
	CHECK_INT(status(&o, "1.2.8"), KG_CIS_PASS);
	bool yaml_error = false;
	for (size_t i = 0; i < o.r.nerrors; i++)
		yaml_error |= !strcmp(o.r.errors[i].file, rp("etc/kubernetes/manifests/kube-controller-manager.yaml")) &&
			      o.r.errors[i].line > 0;
	CHECK(yaml_error);
	e = error(&o, "spec.containers: the pod has no containers");
	CHECK(e && e->line == 4 && e->col == 15);
	CHECK_INT(status(&o, "1.3.2"), KG_CIS_WARN);
	CHECK_INT(status(&o, "1.4.1"), KG_CIS_WARN);
	done(&o);
	drop_root();
}

static const char kubelet_unit[] = "[Service]\nExecStart=/usr/bin/kubelet $KUBELET_ARGS\nEnvironmentFile=/etc/default/kubelet\n";

TEST(kubelet_config_wrong_types)
{
	new_root();
	put("lib/systemd/system/kubelet.service", 0600, kubelet_unit);
	put("etc/default/kubelet", 0600, "KUBELET_ARGS=--config=/var/lib/kubelet/config.yaml\n");
	put("var/lib/kubelet/config.yaml", 0600,
	    "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n"
	    "  anonymous:\n    enabled: \"false\"\nauthorization:\n  mode: Webhook\nreadOnlyPort: [0]\n"
	    "tlsCipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, 7]\n");
	struct out o;
	run_roles(&o, 0);
	CHECK_INT(kg_cis_roles(o.run), KG_CIS_ROLE_NODE);
	const struct kg_error_rec *e =
		error(&o, "authentication.anonymous.enabled must be a boolean, not string (kubelet would refuse this file)");
	CHECK(e && e->line == 5 && e->col == 14);
	e = error(&o, "readOnlyPort must be an integer, not array (kubelet would refuse this file)");
	CHECK(e && e->line == 8 && e->col == 15);
	CHECK(error(&o, "tlsCipherSuites must be a list of strings, not array (kubelet would refuse this file)") != NULL);
	CHECK_INT(o.r.nerrors, 3); /* readOnlyPort is read by two test items of 4.2.4: reported once */
	CHECK_INT(status(&o, "4.2.1"), KG_CIS_WARN);
	CHECK_STR(res(&o, "4.2.1")->reason,
		  kg_arena_printf(&o.r.arena, "not checked: authentication.anonymous.enabled in %s is not a boolean",
				  rp("var/lib/kubelet/config.yaml")));
	CHECK_INT(status(&o, "4.2.4"), KG_CIS_WARN);
	CHECK_INT(status(&o, "4.2.2"), KG_CIS_PASS); /* the valid keys are still checked */
	CHECK_INT(status(&o, "4.2.6"), KG_CIS_PASS);
	done(&o);
	drop_root();
}

TEST(missing_and_unreadable_files)
{
	new_root();
	put("lib/systemd/system/kubelet.service", 0600, kubelet_unit);
	put("etc/default/kubelet", 0600, "KUBELET_ARGS=--config=/var/lib/kubelet/missing.yaml --read-only-port=0\n");
	struct out o;
	run_roles(&o, 0);
	const struct kg_error_rec *e = error(
		&o, kg_arena_printf(&o.r.arena, "--config points to %s, which does not exist", rp("var/lib/kubelet/missing.yaml")));
	CHECK(e && e->line == 1 && e->col == 14);
	if (e)
		CHECK_STR(e->file, rp("etc/default/kubelet"));
	CHECK_INT(status(&o, "4.2.4"), KG_CIS_PASS); /* flags alone still decide */
	CHECK_INT(status(&o, "4.2.1"), KG_CIS_FAIL);
	done(&o);

	/* the config path is a directory; an EnvironmentFile without "-" is missing */
	put("etc/default/kubelet", 0600, "KUBELET_ARGS=--config=/var/lib/kubelet/config.d\n");
	mkdirs(rp("var/lib/kubelet/config.d"));
	put("etc/systemd/system/kubelet.service.d/20-x.conf", 0600, "[Service]\nEnvironmentFile=/etc/kubelet.env\n");
	run_roles(&o, 0);
	e = error(&o, "cannot read: is a directory, expected a file");
	CHECK(e != NULL);
	if (e)
		CHECK_STR(e->file, rp("var/lib/kubelet/config.d"));
	e = error(&o, "EnvironmentFile=/etc/kubelet.env: cannot read: No such file or directory");
	CHECK(e && e->line == 2 && e->col == 17);
	CHECK_INT(status(&o, "4.2.7"), KG_CIS_PASS);
	done(&o);
	drop_root();
}

TEST(missing_components_for_explicit_roles)
{
	new_root();
	put("lib/systemd/system/kubelet.service", 0600, kubelet_unit);
	put("etc/default/kubelet", 0600, "KUBELET_ARGS=--anonymous-auth=false\n");
	struct out o;
	run_roles(&o, KG_CIS_ROLE_MASTER | KG_CIS_ROLE_NODE);
	CHECK_INT(o.rc, 0);
	const struct kg_error_rec *e = error(
		&o, "no kube-apiserver configuration found (looked for /etc/kubernetes/manifests/kube-apiserver.yaml and 6 other places)");
	CHECK(e != NULL);
	if (e)
		CHECK_STR(e->file, root);
	CHECK(error(&o, "no kube-scheduler configuration found (looked for /etc/kubernetes/manifests/kube-scheduler.yaml "
			"and 6 other places)") != NULL);
	CHECK_INT(status(&o, "1.2.6"), KG_CIS_WARN);
	CHECK_INT(status(&o, "1.1.7"), KG_CIS_INFO); /* etcd is optional on a control plane node */
	CHECK_INT(status(&o, "4.2.1"), KG_CIS_PASS);
	CHECK_INT(status(&o, "4.3.1"), KG_CIS_INFO); /* no kube-proxy here */
	CHECK(res(&o, "2.1") == NULL);                 /* etcd role not asked for */
	done(&o);

	run_roles(&o, KG_CIS_ROLE_ETCD);
	CHECK(error(&o, "no etcd configuration found (looked for /etc/kubernetes/manifests/etcd.yaml and 12 other places)") !=
	      NULL);
	CHECK_INT(status(&o, "2.2"), KG_CIS_WARN);
	done(&o);
	drop_root();
}

TEST(nothing_to_check)
{
	new_root();
	struct out o;
	run_roles(&o, 0);
	CHECK_INT(o.rc, -1);
	const struct kg_error_rec *e = error(&o, "nothing to check: no control plane manifests, etcd or kubelet configuration "
						 "found here (use --role to name what this node runs)");
	CHECK(e && !strcmp(e->file, root));
	CHECK_INT(kg_cis_nresults(o.run), 0);
	done(&o);
	drop_root();

	struct kg_cis_opts opts;
	memset(&opts, 0, sizeof(opts));
	opts.root = "/nonexistent/kguard-root";
	run_opts(&o, &opts);
	CHECK_INT(o.rc, -1);
	CHECK(error(&o, "--root must be a directory holding the node's filesystem") != NULL);
	done(&o);
}

/* A running process is what the node does; the manifest gives positions when it agrees. */
TEST(live_processes)
{
	new_root();
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600,
	    POD("kube-apiserver", "    - --authorization-mode=Node,RBAC\n    - --profiling=false\n"));
	good_control_plane();
	char proc[300];
	snprintf(proc, sizeof(proc), "%s-proc", root);
	mkdirs(proc);
	char dir[400];
	static const char api[] = "/usr/local/bin/kube-apiserver\0--authorization-mode=AlwaysAllow\0--profiling=false";
	static const char kl[] = "/usr/bin/hyperkube\0kubelet\0--read-only-port=10255";
	static const char other[] = "/usr/bin/kube-apiserver-proxy\0--profiling=true";
	const struct {
		const char *pid, *cmd;
		size_t len;
	} procs[] = { { "42", api, sizeof(api) }, { "7", kl, sizeof(kl) }, { "3", other, sizeof(other) } };
	for (size_t i = 0; i < 3; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", proc, procs[i].pid);
		mkdirs(dir);
		snprintf(dir, sizeof(dir), "%s/%s/cmdline", proc, procs[i].pid);
		FILE *fp = fopen(dir, "wb");
		fwrite(procs[i].cmd, 1, procs[i].len, fp);
		fclose(fp);
	}
	struct kg_cis_opts opts;
	memset(&opts, 0, sizeof(opts));
	opts.root = root;
	opts.proc_dir = proc;
	struct out o;
	run_opts(&o, &opts);
	CHECK_INT(kg_cis_roles(o.run), KG_CIS_ROLE_MASTER | KG_CIS_ROLE_NODE); /* the kubelet runs, no files */
	CHECK_INT(status(&o, "1.2.6"), KG_CIS_FAIL);
	const struct kg_finding *f = finding(&o, "cis.1.2.6");
	CHECK(f && !strcmp(f->file, kg_arena_printf(&o.r.arena, "%s/42/cmdline", proc)));
	if (f)
		CHECK_STR(f->message, "--authorization-mode=AlwaysAllow; fix: set --authorization-mode=Node,RBAC");
	CHECK_INT(status(&o, "1.2.15"), KG_CIS_PASS);
	CHECK_STR(res(&o, "1.2.15")->file, rp("etc/kubernetes/manifests/kube-apiserver.yaml"));
	CHECK_INT(res(&o, "1.2.15")->line, 13);
	CHECK_INT(status(&o, "4.2.4"), KG_CIS_WARN);
	f = finding(&o, "cis.4.2.4");
	CHECK(f && !strcmp(f->file, kg_arena_printf(&o.r.arena, "%s/7/cmdline", proc)));
	done(&o);

	/* a process without a manifest: its flags are checked, the manifest's permissions cannot be */
	remove(rp("etc/kubernetes/manifests/kube-apiserver.yaml"));
	run_opts(&o, &opts);
	CHECK_INT(o.r.nerrors, 0);
	CHECK_INT(status(&o, "1.2.6"), KG_CIS_FAIL);
	CHECK_INT(status(&o, "1.2.15"), KG_CIS_PASS);
	CHECK_STR(res(&o, "1.2.15")->file, kg_arena_printf(&o.r.arena, "%s/42/cmdline", proc));
	CHECK_INT(status(&o, "1.1.1"), KG_CIS_WARN);
	f = finding(&o, "cis.1.1.1");
	CHECK(f && f->severity == KG_SEV_INFO && !strcmp(f->file, rp("etc/kubernetes/manifests/kube-apiserver.yaml")));
	if (f)
		CHECK_STR(f->message, "not checked: no file found (looked for /etc/kubernetes/manifests/kube-apiserver.yaml and "
				      "6 other places)");
	done(&o);
	drop_root();
	nftw(proc, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const struct kg_node *json(struct kg_loader *L, struct kg_arena *a, const char *text)
{
	const struct kg_node *n = NULL;
	struct kg_diag err;
	if (kg_json_parse(L, a, text, strlen(text), &n, &err)) {
		fprintf(stderr, "bad test JSON: %s\n", err.message);
		abort();
	}
	return n;
}

TEST(policy_parameters)
{
	new_root();
	put("lib/systemd/system/kubelet.service", 0600, kubelet_unit);
	put("etc/default/kubelet", 0600, "KUBELET_ARGS=--read-only-port=10255 --anonymous-auth=false --rotate-certificates=false\n");
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	struct kg_cis_opts opts;
	memset(&opts, 0, sizeof(opts));
	opts.root = root;
	opts.params_file = "policy.yaml";
	opts.params = json(L, &a,
			   "{\"managedControlPlane\": {\"reason\": \"EKS runs the control plane\"},\n"
			   " \"accept\": {\"cis.4.2.4\": {\"values\": [10255], \"reason\": \"legacy metrics scraper\"},\n"
			   "            \"cis.4.2.10\": {\"values\": [\"true\"], \"reason\": \"does not match\"}}}");
	opts.roles = KG_CIS_ROLE_MASTER | KG_CIS_ROLE_NODE;
	struct out o;
	run_opts(&o, &opts);
	CHECK_INT(o.r.nerrors, 0);
	CHECK_INT(kg_cis_roles(o.run), KG_CIS_ROLE_NODE);
	CHECK(res(&o, "1.2.6") == NULL); /* one line per managed section instead */
	CHECK_INT(status(&o, "1"), KG_CIS_INFO);
	CHECK_STR(res(&o, "1")->reason, "managed control plane: EKS runs the control plane");
	CHECK_INT(status(&o, "2"), KG_CIS_INFO);
	CHECK_INT(status(&o, "3"), KG_CIS_INFO);
	CHECK_STR(kg_cis_result_at(o.run, 0)->id, "1");
	CHECK_INT(status(&o, "4.2.4"), KG_CIS_INFO);
	CHECK_STR(res(&o, "4.2.4")->reason, "accepted by policy: legacy metrics scraper");
	CHECK(finding(&o, "cis.4.2.4") == NULL);
	CHECK_INT(o.r.sum.suppressed, 1);
	CHECK_INT(status(&o, "4.2.10"), KG_CIS_FAIL); /* only the listed values are accepted */
	done(&o);

	opts.params = json(L, &a,
			   "{\"managedControlPlane\": {\"why\": 1},\n"
			   " \"accept\": {\"cis.9.9\": {\"values\": [\"x\"], \"reason\": \"r\"},\n"
			   "            \"cis.4.2.4\": {\"values\": [], \"reason\": \"r\"},\n"
			   "            \"cis.4.2.6\": {\"values\": [\"false\"]}},\n"
			   " \"extra\": true}");
	run_opts(&o, &opts);
	const struct kg_error_rec *e =
		error(&o, "parameters.nodeChecks: unknown key 'extra' in nodeChecks (expected managedControlPlane, accept)");
	CHECK(e && !strcmp(e->file, "policy.yaml") && e->line == 5 && e->col == 2);
	done(&o);
	opts.params = json(L, &a,
			   "{\"managedControlPlane\": {\"why\": 1},\n"
			   " \"accept\": {\"cis.9.9\": {\"values\": [\"x\"], \"reason\": \"r\"},\n"
			   "            \"cis.4.2.4\": {\"values\": [], \"reason\": \"r\"},\n"
			   "            \"cis.4.2.6\": {\"values\": [\"false\"]}}}");
	run_opts(&o, &opts);
	e = error(&o, "parameters.nodeChecks: unknown key 'why' in managedControlPlane (expected reason)");
	CHECK(e && e->line == 1 && e->col == 26);
	e = error(&o, "parameters.nodeChecks: accept: unknown rule id 'cis.9.9' (node checks are cis.<benchmark id>, e.g. "
		      "cis.1.2.17)");
	CHECK(e && e->line == 2 && e->col == 13);
	e = error(&o, "parameters.nodeChecks: accept.cis.4.2.4.values must be a non-empty list of values");
	CHECK(e && e->line == 3 && e->col == 37);
	e = error(&o, "parameters.nodeChecks: accept.cis.4.2.6 needs a reason (a non-empty string)");
	CHECK(e && e->line == 4 && e->col == 26);
	CHECK_INT(o.r.nerrors, 7); /* and the control plane, now checked, is not on this node */
	CHECK(error(&o, "no kube-apiserver configuration found (looked for /etc/kubernetes/manifests/kube-apiserver.yaml "
			"and 6 other places)") != NULL);
	CHECK_INT(status(&o, "1.2.6"), KG_CIS_WARN); /* no valid managed reason: the control plane is checked */
	CHECK_INT(status(&o, "4.2.4"), KG_CIS_WARN); /* nothing accepted */
	done(&o);
	kg_arena_release(&a);
	kg_loader_free(L);
	drop_root();
}

TEST(symlinks_stay_in_root)
{
	new_root();
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600, POD("kube-apiserver", ""));
	good_control_plane();
	link_in("etc/kubernetes/admin.conf", "../../../../../../../../../etc/passwd"); /* .. stops at the root */
	link_in("etc/kubernetes/super-admin.conf", "/etc/shadow");                   /* absolute: the root's */
	link_in("etc/kubernetes/scheduler.conf", "/etc/kubernetes/real/scheduler.conf");
	put("etc/kubernetes/real/scheduler.conf", 0640, "apiVersion: v1\nkind: Config\n");
	struct out o;
	run_roles(&o, 0);
	CHECK_INT(status(&o, "1.1.13"), KG_CIS_FAIL); /* the root's etc/passwd, mode 644 */
	const struct kg_finding *f = finding(&o, "cis.1.1.13");
	CHECK(f && !strcmp(f->file, rp("etc/kubernetes/admin.conf")));
	if (f)
		CHECK_STR(f->message, "permissions 644, expected 600 or more restrictive; fix: chmod 600 /etc/kubernetes/admin.conf");
	size_t n = 0;
	for (size_t i = 0; i < o.r.nfindings; i++)
		n += !strcmp(o.r.findings[i].rule_id, "cis.1.1.13");
	CHECK_INT(n, 1); /* super-admin.conf points at a file the root does not have */
	CHECK_INT(status(&o, "1.1.15"), KG_CIS_FAIL);
	CHECK_STR(res(&o, "1.1.15")->actual, "640");
	CHECK_INT(status(&o, "1.1.16"), KG_CIS_PASS);
	done(&o);

	owner_name("kube"); /* the same files, now owned by "kube" as the root's passwd says */
	run_roles(&o, 0);
	CHECK_INT(status(&o, "1.1.16"), KG_CIS_FAIL);
	CHECK_STR(res(&o, "1.1.16")->actual, "kube:kube");
	CHECK_INT(status(&o, "1.1.2"), KG_CIS_FAIL);
	done(&o);
	drop_root();
}

TEST(etcd_sources)
{
	new_root();
	/* --config-file: etcd ignores its other flags and ETCD_* variables */
	put("etc/kubernetes/manifests/etcd.yaml", 0600,
	    POD("etcd", "    - --config-file=/etc/etcd/etcd.yaml\n    - --client-cert-auth=false\n"
			"    env:\n    - name: ETCD_AUTO_TLS\n      value: \"true\"\n"));
	put("etc/etcd/etcd.yaml", 0600,
	    "data-dir: /var/lib/etcd\nclient-transport-security:\n  cert-file: /p/server.crt\n  key-file: /p/server.key\n"
	    "  client-cert-auth: true\n  trusted-ca-file: /p/etcd-ca.crt\n  auto-tls: false\n"
	    "peer-transport-security:\n  cert-file: /p/peer.crt\n  key-file: /p/peer.key\n  client-cert-auth: \"yes\"\n");
	struct out o;
	run_roles(&o, 0);
	CHECK_INT(kg_cis_roles(o.run), KG_CIS_ROLE_ETCD);
	CHECK_INT(status(&o, "2.1"), KG_CIS_PASS);
	CHECK_INT(status(&o, "2.2"), KG_CIS_PASS);
	CHECK_INT(status(&o, "2.3"), KG_CIS_PASS);
	CHECK_INT(status(&o, "2.4"), KG_CIS_PASS);
	CHECK_INT(status(&o, "2.5"), KG_CIS_WARN); /* "yes" quoted is a string */
	CHECK(error(&o, "peer-transport-security.client-cert-auth must be a boolean, not string (etcd would refuse this file)") !=
	      NULL);
	CHECK_INT(status(&o, "2.6"), KG_CIS_PASS);
	CHECK_INT(status(&o, "2.7"), KG_CIS_PASS);
	done(&o);
	drop_root();

	/* an environment file, as etcd packages install it */
	new_root();
	put("etc/etcd/etcd.conf", 0600,
	    "# etcd\nETCD_DATA_DIR=\"/var/lib/etcd/default.etcd\"\nETCD_CERT_FILE=/p/server.crt\nETCD_KEY_FILE=/p/server.key\n"
	    "ETCD_CLIENT_CERT_AUTH=\"TRUE\"\nETCD_AUTO_TLS=true\nETCD_PEER_AUTO_TLS=false\n");
	run_roles(&o, 0);
	CHECK_INT(status(&o, "2.1"), KG_CIS_PASS);
	CHECK_INT(status(&o, "2.2"), KG_CIS_PASS); /* booleans compare case-insensitively */
	CHECK_INT(status(&o, "2.3"), KG_CIS_FAIL);
	const struct kg_finding *f = finding(&o, "cis.2.3");
	CHECK(f && f->line == 6 && f->col == 15);
	if (f)
		CHECK_STR(f->message, "ETCD_AUTO_TLS=true is set; fix: remove --auto-tls or set it to false");
	CHECK_INT(status(&o, "2.6"), KG_CIS_PASS);
	CHECK_INT(status(&o, "2.4"), KG_CIS_FAIL);
	done(&o);
	drop_root();
}

TEST(etcd_shares_the_cluster_ca)
{
	new_root();
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600,
	    POD("kube-apiserver", "    - --client-ca-file=/etc/kubernetes/pki/ca.crt\n"));
	good_control_plane();
	put("etc/kubernetes/manifests/etcd.yaml", 0600, POD("etcd", "    - --trusted-ca-file=/etc/kubernetes/pki/ca.crt\n"));
	struct out o;
	run_roles(&o, 0);
	CHECK_INT(status(&o, "2.7"), KG_CIS_WARN);
	const struct kg_finding *f = finding(&o, "cis.2.7");
	CHECK(f && f->line == 12 && f->severity == KG_SEV_LOW);
	if (f)
		CHECK_STR(f->message, "etcd trusts /etc/kubernetes/pki/ca.crt, the CA the API server uses for client certificates, "
				      "so every client certificate of the cluster CA can talk to etcd; fix: give etcd its own CA "
				      "and set --trusted-ca-file to it");
	done(&o);
	drop_root();
}

static enum kg_cis_status encryption(const char *config, const char **msg)
{
	put("etc/kubernetes/enc.yaml", 0600, config);
	struct out o;
	run_roles(&o, 0);
	enum kg_cis_status s = status(&o, "1.2.28");
	const struct kg_finding *f = finding(&o, "cis.1.2.28");
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s", f ? f->message : "");
	*msg = buf;
	done(&o);
	return s;
}

TEST(encryption_providers)
{
	new_root();
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600,
	    POD("kube-apiserver", "    - --encryption-provider-config=/etc/kubernetes/enc.yaml\n"));
	good_control_plane();
	const char *msg;
	CHECK_INT(encryption("kind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n"
			     "  - kms: {apiVersion: v2, name: vault, endpoint: unix:///kms.sock}\n  - identity: {}\n",
			     &msg),
		  KG_CIS_PASS);
	CHECK_INT(encryption("kind: EncryptionConfiguration\nresources:\n- resources: ['*.*']\n  providers:\n"
			     "  - secretbox: {keys: [{name: k, secret: x}]}\n",
			     &msg),
		  KG_CIS_PASS);
	CHECK_INT(encryption("kind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n"
			     "  - aesgcm: {keys: [{name: k, secret: x}]}\n",
			     &msg),
		  KG_CIS_WARN);
	CHECK_STR(msg, "Secrets are written with the 'aesgcm' provider; fix: make aescbc, kms or secretbox the first provider "
		       "for secrets");
	CHECK_INT(encryption("kind: EncryptionConfiguration\nresources:\n- resources: [configmaps]\n  providers:\n"
			     "  - aescbc: {keys: [{name: k, secret: x}]}\n",
			     &msg),
		  KG_CIS_WARN);
	CHECK_STR(msg, "no resources entry covers secrets, so they are stored unencrypted; fix: make aescbc, kms or secretbox "
		       "the first provider for secrets");
	CHECK_INT(encryption("kind: AdmissionConfiguration\n", &msg), KG_CIS_WARN);
	CHECK_STR(msg, ""); /* the error says why; no finding */
	drop_root();
}

static const char *audit_gaps(const char *policy)
{
	static char buf[1024];
	put("etc/kubernetes/audit.yaml", 0600, policy);
	struct out o;
	run_roles(&o, 0);
	const struct kg_cis_result *r = res(&o, "3.2.2");
	snprintf(buf, sizeof(buf), "%s %s", kg_cis_status_name(r->status), r->actual ? r->actual : "-");
	done(&o);
	return buf;
}

TEST(audit_policy_coverage)
{
	new_root();
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600,
	    POD("kube-apiserver", "    - --audit-policy-file=/etc/kubernetes/audit.yaml\n"));
	good_control_plane();
#define OK "PASS covers secrets, configmaps, tokenreviews, pod and deployment changes, exec, port-forward and proxy"
	CHECK_STR(audit_gaps("kind: Policy\nrules:\n- level: Metadata\n"), OK);
	/* rules about particular users, namespaces or objects do not hide coverage */
	CHECK_STR(audit_gaps("kind: Policy\nrules:\n- level: None\n  users: [system:kube-proxy]\n"
			     "- level: None\n  namespaces: [kube-system]\n"
			     "- level: None\n  resources: [{group: '', resources: [secrets], resourceNames: [ignored]}]\n"
			     "- level: None\n  nonResourceURLs: ['/healthz*']\n"
			     "- level: Metadata\n  resources: [{group: '', resources: [secrets, configmaps]}, "
			     "{group: authentication.k8s.io}]\n"
			     "- level: Request\n  resources: [{group: '', resources: ['pods/*', pods]}, {group: '', "
			     "resources: ['*/proxy']}, {group: apps, resources: ['*']}]\n"),
		  OK);
	CHECK_STR(audit_gaps("kind: Policy\nrules:\n- level: None\n  userGroups: [system:authenticated]\n"
			     "  resources: [{group: '', resources: [configmaps]}]\n"
			     "- level: RequestResponse\n  verbs: [get]\n- level: Metadata\n  verbs: [create, update, patch, delete]\n"),
		  "WARN not audited: get configmaps; contents logged (level above Metadata): get secrets");
	CHECK_STR(audit_gaps("kind: Policy\nrules: []\n"),
		  "WARN not audited: get secrets, get configmaps, create tokenreviews, create pods, update pods, patch pods, "
		  "delete pods, create deployments, update deployments, patch deployments, delete deployments, pods/exec, "
		  "pods/portforward, pods/proxy, services/proxy");
	put("etc/kubernetes/audit.yaml", 0600, "kind: Policy\nrules:\n- level: Verbose\n");
	struct out o;
	run_roles(&o, 0);
	const struct kg_error_rec *e = error(&o, "rules[0].level must be None, Metadata, Request or RequestResponse");
	CHECK(e && e->line == 3 && e->col == 10);
	CHECK_INT(status(&o, "3.2.2"), KG_CIS_WARN);
	done(&o);
	drop_root();
}

TEST(args_file_and_kubelet_precedence)
{
	new_root();
	put("var/snap/microk8s/current/args/kube-apiserver", 0644,
	    "--authorization-mode=RBAC,Node\n# comment\n  --profiling=false --token-auth-file \"/snap/tokens.csv\"\n");
	good_control_plane();
	put("lib/systemd/system/kubelet.service", 0600, kubelet_unit);
	put("etc/default/kubelet", 0600,
	    "KUBELET_ARGS=--config=/var/lib/kubelet/config.yaml --read-only-port=0 --tls-cert-file=/x.crt\n");
	put("var/lib/kubelet/config.yaml", 0600,
	    "kind: KubeletConfiguration\nreadOnlyPort: 10255\nstreamingConnectionIdleTimeout: 0h0m0s\n"
	    "tlsPrivateKeyFile: /x.key\nfeatureGates: {RotateKubeletServerCertificate: false}\n");
	struct out o;
	run_roles(&o, KG_CIS_ROLE_MASTER | KG_CIS_ROLE_NODE);
	CHECK_INT(status(&o, "1.2.8"), KG_CIS_PASS);
	CHECK_INT(status(&o, "1.2.15"), KG_CIS_PASS);
	CHECK_INT(status(&o, "1.2.2"), KG_CIS_FAIL);
	const struct kg_finding *f = finding(&o, "cis.1.2.2");
	CHECK(f && f->line == 3 && f->col == 21);
	CHECK_INT(status(&o, "1.1.1"), KG_CIS_FAIL); /* the args file is the apiserver's configuration */
	CHECK_INT(status(&o, "4.2.4"), KG_CIS_PASS); /* the flag overrides readOnlyPort: 10255 */
	CHECK_INT(status(&o, "4.2.5"), KG_CIS_WARN); /* 0h0m0s is zero */
	f = finding(&o, "cis.4.2.5");
	CHECK(f && f->line == 3 && f->col == 33);
	CHECK_INT(status(&o, "4.2.9"), KG_CIS_PASS); /* one from the flags, one from the file */
	CHECK_INT(status(&o, "4.2.11"), KG_CIS_WARN);
	CHECK_STR(res(&o, "4.2.11")->actual, "featureGates.RotateKubeletServerCertificate: false");
	CHECK_INT(status(&o, "4.1.9"), KG_CIS_PASS);
	CHECK_INT(status(&o, "4.1.1"), KG_CIS_PASS);
	CHECK_INT(status(&o, "4.1.5"), KG_CIS_WARN); /* no kubeconfig anywhere */
	f = finding(&o, "cis.4.1.5");
	CHECK(f && f->severity == KG_SEV_INFO && !strcmp(f->file, rp("etc/kubernetes/kubelet.conf")));
	if (f)
		CHECK_STR(f->message, "not checked: no file found (looked for /etc/kubernetes/kubelet.conf and 9 other places)");
	done(&o);
	drop_root();
}

/* JUnit: values go through the report writers' XML escaper. In an attribute a tab must be a
 * character reference (attribute-value normalisation would turn a raw one into a space), in
 * element text it stays; markup characters are escaped in both. */
TEST(junit_escapes_values)
{
	new_root();
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600,
	    POD("kube-apiserver", "    - \"--anonymous-auth=tr\\tue<&>\"\n"));
	good_control_plane();
	struct out o;
	run_roles(&o, 0);
	size_t len;
	char *buf = render(&o, KG_FMT_JUNIT, &len);
	CHECK(strstr(buf, "<failure type=\"medium\" message=\"--anonymous-auth=tr&#9;ue&lt;&amp;&gt;\">"));
	CHECK(strstr(buf, ": medium: --anonymous-auth=tr\tue&lt;&amp;&gt;; fix: set --anonymous-auth=false\n"));
	free(buf);
	done(&o);
	drop_root();
}

TEST(json_report)
{
	new_root();
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0644,
	    POD("kube-apiserver", "    - --authorization-mode=AlwaysAllow\n"));
	good_control_plane();
	struct out o;
	run_roles(&o, 0);
	size_t len;
	char *buf = render(&o, KG_FMT_JSON, &len);
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	const struct kg_node *doc = NULL;
	struct kg_diag err;
	CHECK_INT(kg_json_parse(L, &a, buf, len, &doc, &err), 0);
	CHECK(kg_is_seq(kg_map_get(doc, "findings")));
	CHECK(kg_is_map(kg_map_get(doc, "summary")));
	const struct kg_node *checks = kg_map_get(doc, "checks");
	CHECK(kg_is_seq(checks) && checks->len == kg_cis_nresults(o.run));
	unsigned t[4];
	kg_cis_totals(o.run, t);
	int64_t v;
	CHECK(kg_as_int(kg_node_get(doc, "totals.fail"), &v) && v == t[KG_CIS_FAIL] && v > 4);
	CHECK(kg_as_int(kg_node_get(doc, "totals.pass"), &v) && v == t[KG_CIS_PASS]);
	CHECK_STR(kg_str(kg_node_get(doc, "totals.benchmark")), "cis-1.12");
	CHECK_STR(kg_str(kg_seq_at(kg_node_get(doc, "totals.roles"), 0)), "master");
	const struct kg_node *c0 = kg_seq_at(checks, 0);
	CHECK_STR(kg_str(kg_map_get(c0, "id")), "1.1.1");
	CHECK_STR(kg_str(kg_map_get(c0, "status")), "FAIL");
	CHECK_STR(kg_str(kg_map_get(c0, "severity")), "medium");
	CHECK_STR(kg_str(kg_map_get(c0, "actual")), "644");
	CHECK_STR(kg_str(kg_map_get(c0, "expected")), "permissions 600 or more restrictive");
	CHECK_STR(kg_str(kg_map_get(c0, "type")), "automated");
	const struct kg_node *last = kg_seq_at(checks, checks->len - 1);
	CHECK_STR(kg_str(kg_map_get(last, "id")), "5");
	CHECK_STR(kg_str(kg_map_get(last, "status")), "INFO");
	CHECK(len > 2 && buf[len - 1] == '\n' && buf[len - 2] == '}');
	free(buf);

	/* text: the totals line and the section-5 note */
	buf = render(&o, KG_FMT_TEXT, &len);
	CHECK(strstr(buf, "INFO 5 Kubernetes Policies: checked by `kguard scan` on the cluster's manifests, not on the node\n"));
	CHECK(strstr(buf, kg_arena_printf(&a, "cis-1.12 (master): %zu checks: %u PASS, %u FAIL, %u WARN, %u INFO\n",
					  kg_cis_nresults(o.run), t[KG_CIS_PASS], t[KG_CIS_FAIL], t[KG_CIS_WARN],
					  t[KG_CIS_INFO])));
	free(buf);
	kg_arena_release(&a);
	kg_loader_free(L);
	done(&o);
	drop_root();
}

/* The policy loader's checker stops at the first problem and leaves the file to the loader. */
TEST(param_check_for_the_policy_loader)
{
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	struct kg_diag err;
	kg_arena_init(&a, 4096);
	memset(&err, 0, sizeof(err));
	CHECK_INT(kg_node_param_check("trustedRegistries", json(L, &a, "[]"), &err), 0);
	CHECK_INT(kg_node_param_check("nodeChecks", json(L, &a, "{\"accept\": {\"cis.1.2.17\": {\"values\": [7], "
								"\"reason\": \"logs leave the node hourly\"}}}"),
				      &err),
		  1);
	CHECK_INT(kg_node_param_check("nodeChecks", json(L, &a, "{\"accept\": {\"df.latest\": {}},\n \"x\": 1}"), &err), -1);
	CHECK_STR(err.message, "parameters.nodeChecks: unknown key 'x' in nodeChecks (expected managedControlPlane, accept)");
	CHECK(err.file == NULL);
	CHECK_INT(err.line, 2);
	CHECK_INT(err.col, 2);
	CHECK_INT(kg_node_param_check("nodeChecks", json(L, &a, "{\"accept\": {\"cis.4.2.4\": {\"values\": [1]},\n"
								"\"cis.4.2.5\": 3}}"),
				      &err),
		  -1);
	CHECK_STR(err.message, "parameters.nodeChecks: accept.cis.4.2.4 needs a reason (a non-empty string)");
	CHECK_INT(err.line, 1);
	CHECK_INT(err.col, 26);
	CHECK_INT(kg_node_param_check("nodeChecks", json(L, &a, "[1]"), &err), -1);
	CHECK_STR(err.message, "parameters.nodeChecks: must be an object with managedControlPlane and/or accept");
	CHECK_INT(kg_node_param_check("nodeChecks", json(L, &a, "{\"managedControlPlane\": {\"reason\": \"\"}}"), &err), -1);
	CHECK_STR(err.message, "parameters.nodeChecks: managedControlPlane needs a reason (a non-empty string)");
	CHECK_INT(err.col, 36);
	kg_arena_release(&a);
	kg_loader_free(L);
}

static const char *erl(const char *flags, const char *admission, const char *limits, enum kg_cis_status *st)
{
	static char buf[600];
	char manifest[1024];
	snprintf(manifest, sizeof(manifest), "%s", POD("kube-apiserver", "    - --enable-admission-plugins=NodeRestriction,EventRateLimit\n"));
	strncat(manifest, flags, sizeof(manifest) - strlen(manifest) - 1);
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600, manifest);
	if (admission)
		put("etc/kubernetes/adm/admission.yaml", 0600, admission);
	if (limits)
		put("etc/kubernetes/adm/erl.yaml", 0600, limits);
	struct out o;
	run_roles(&o, 0);
	*st = status(&o, "1.2.9");
	const struct kg_finding *f = finding(&o, "cis.1.2.9");
	snprintf(buf, sizeof(buf), "%s", f ? f->message : o.r.nerrors ? o.r.errors[0].message : "");
	done(&o);
	return buf;
}

TEST(event_rate_limit_configuration)
{
	new_root();
	good_control_plane();
	enum kg_cis_status st;
	static const char adm_path[] = "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n"
				       "- name: EventRateLimit\n  path: erl.yaml\n";
	static const char flag[] = "    - --admission-control-config-file=/etc/kubernetes/adm/admission.yaml\n";
	CHECK_STR(erl("", NULL, NULL, &st), "EventRateLimit is enabled but --admission-control-config-file is not set, so it "
					   "has no limits (the API server refuses to start); fix: add EventRateLimit to "
					   "--enable-admission-plugins and give it limits in the file named by "
					   "--admission-control-config-file");
	CHECK_INT(st, KG_CIS_WARN);
	char want[600];
	snprintf(want, sizeof(want), "the EventRateLimit path points to %s, which does not exist",
		 rp("etc/kubernetes/adm/erl.yaml"));
	CHECK_STR(erl(flag, adm_path, NULL, &st), want);
	CHECK_INT(st, KG_CIS_WARN);
	CHECK_STR(erl(flag, adm_path, "kind: Configuration\nlimits:\n- type: Server\n  qps: 10\n  burst: 20\n", &st), "");
	CHECK_INT(st, KG_CIS_PASS);
	CHECK_STR(erl(flag, adm_path, "kind: Configuration\nlimits: []\n", &st),
		  "the EventRateLimit configuration sets no limits; fix: add EventRateLimit to --enable-admission-plugins and "
		  "give it limits in the file named by --admission-control-config-file");
	CHECK_STR(erl(flag, "kind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: pss.yaml\n", NULL, &st),
		  "the admission configuration has no EventRateLimit entry; fix: add EventRateLimit to "
		  "--enable-admission-plugins and give it limits in the file named by --admission-control-config-file");
	CHECK_STR(erl(flag,
		      "kind: AdmissionConfiguration\nplugins:\n- name: EventRateLimit\n  configuration:\n    kind: Configuration\n"
		      "    limits: [{type: Namespace, qps: 5, burst: 10}]\n",
		      NULL, &st),
		  "");
	CHECK_INT(st, KG_CIS_PASS);
	drop_root();
}

TEST(apiserver_without_encryption_or_audit)
{
	new_root();
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600, POD("kube-apiserver", "    - --profiling=false\n"));
	good_control_plane();
	struct out o;
	run_roles(&o, 0);
	CHECK_INT(status(&o, "1.2.27"), KG_CIS_WARN);
	const struct kg_finding *f = finding(&o, "cis.1.2.27");
	CHECK(f && f->line == 10 && f->col == 5 && f->severity == KG_SEV_MEDIUM);
	if (f)
		CHECK_STR(f->message, "--encryption-provider-config is not set; fix: write an EncryptionConfiguration and set "
				      "--encryption-provider-config to its path");
	CHECK_INT(status(&o, "1.2.28"), KG_CIS_WARN); /* undecidable: 1.2.27's finding says why */
	CHECK_STR(res(&o, "1.2.28")->reason, "not checked: --encryption-provider-config is not set (see 1.2.27)");
	CHECK(finding(&o, "cis.1.2.28") == NULL);
	CHECK_INT(status(&o, "3.2.1"), KG_CIS_WARN);
	CHECK(finding(&o, "cis.3.2.1") != NULL);
	CHECK_INT(status(&o, "3.2.2"), KG_CIS_WARN);
	CHECK_STR(res(&o, "3.2.2")->reason, "not checked: --audit-policy-file is not set (see 3.2.1)");
	CHECK(finding(&o, "cis.3.2.2") == NULL);
	CHECK_INT(o.r.nerrors, 0);
	done(&o);
	drop_root();
}

/* Every input error kguard node can give, with its position; the other checks still run. */
TEST(input_error_messages)
{
	new_root();
	/* manifests: not an object, no kind, no container for the component, a container that is no object */
	put("etc/kubernetes/manifests/kube-apiserver.yaml", 0600, "- a\n- b\n");
	put("etc/kubernetes/manifests/kube-controller-manager.yaml", 0600, "apiVersion: v1\nmetadata: {name: x}\n");
	put("etc/kubernetes/manifests/kube-scheduler.yaml", 0600,
	    "kind: Pod\nspec:\n  containers:\n  - name: a\n  - name: b\n");
	put("etc/kubernetes/manifests/etcd.yaml", 0600, "kind: Pod\nspec:\n  containers: [7]\n");
	/* kube-proxy addon that is not a workload; a kubelet unit without ExecStart; an empty config */
	put("etc/kubernetes/addons/kube-proxy-daemonset.yaml", 0600, "kind: ConfigMap\napiVersion: v1\n");
	put("lib/systemd/system/kubelet.service", 0600, "[Service]\nRestart=always\n");
	put("var/lib/kubelet/config.yaml", 0600, "# nothing\n");
	struct out o;
	run_roles(&o, 0);
	CHECK_INT(kg_cis_roles(o.run), KG_CIS_ROLE_MASTER | KG_CIS_ROLE_ETCD | KG_CIS_ROLE_NODE);
	const struct kg_error_rec *e = error(&o, "expected a Pod, found array");
	CHECK(e && e->line == 1 && e->col == 1);
	e = error(&o, "expected a static Pod manifest, found no kind");
	CHECK(e && e->line == 1 && e->col == 1 && !strcmp(e->file, rp("etc/kubernetes/manifests/kube-controller-manager.yaml")));
	e = error(&o, "spec.containers: no container runs kube-scheduler");
	CHECK(e && e->line == 4 && e->col == 3);
	e = error(&o, "spec.containers[0] must be an object");
	CHECK(e && e->line == 3 && e->col == 16);
	e = error(&o, "expected a workload with a pod template");
	CHECK(e && e->line == 1 && e->col == 1);
	e = error(&o, "no ExecStart= for kubelet in the unit");
	CHECK(e && e->line == 0 && !strcmp(e->file, rp("lib/systemd/system/kubelet.service")));
	e = error(&o, "no YAML or JSON document in the file");
	CHECK(e && e->line == 0 && !strcmp(e->file, rp("var/lib/kubelet/config.yaml")));
	CHECK_INT(o.r.nerrors, 7);
	CHECK_INT(status(&o, "1.1.1"), KG_CIS_PASS); /* file checks still run */
	CHECK_INT(status(&o, "4.1.9"), KG_CIS_PASS);
	CHECK_INT(status(&o, "4.2.1"), KG_CIS_WARN);
	CHECK_INT(status(&o, "4.3.1"), KG_CIS_WARN); /* kube-proxy exists but cannot be read */
	done(&o);
	drop_root();

	new_root();
	/* a config that is not an object; etcd pointing at a missing --config-file */
	put("etc/kubernetes/kubelet-config.yaml", 0600, "- a\n");
	put("etc/kubernetes/manifests/etcd.yaml", 0600, POD("etcd", "    - --config-file=/etc/etcd/missing.yaml\n"));
	put("var/snap/etcd/common/etcd.conf.yml", 0600, "");
	run_roles(&o, 0);
	e = error(&o, "expected a KubeletConfiguration object, found array");
	CHECK(e && e->line == 1 && e->col == 1);
	e = error(&o, kg_arena_printf(&o.r.arena, "--config-file points to %s, which does not exist", rp("etc/etcd/missing.yaml")));
	CHECK(e && e->line == 12 && e->col == 7);
	CHECK_INT(status(&o, "2.2"), KG_CIS_FAIL); /* flags still read when the config cannot be */
	done(&o);
	drop_root();

	new_root();
	put("etc/etcd/etcd.conf", 0600, "- not: env\n- nor: a map\n");
	mkdirs(rp("etc/kubernetes/manifests"));
	char big[300];
	snprintf(big, sizeof(big), "%s", rp("etc/kubernetes/manifests/kube-apiserver.yaml"));
	FILE *fp = fopen(big, "w");
	CHECK(fp && ftruncate(fileno(fp), (5 << 20)) == 0);
	fclose(fp);
	CHECK(mkfifo(rp("etc/kubernetes/manifests/kube-scheduler.yaml"), 0600) == 0);
	/* more nodes than a config document may keep */
	struct kg_buf b;
	kg_buf_init(&b, 0);
	kg_buf_adds(&b, "kind: Pod\nspec:\n  containers: [");
	for (int i = 0; i < 200001; i++)
		kg_buf_adds(&b, i ? ",0" : "0");
	kg_buf_adds(&b, "]\n");
	put("etc/kubernetes/manifests/kube-controller-manager.yaml", 0600, b.data);
	kg_buf_release(&b);
	run_roles(&o, 0);
	e = error(&o, "expected etcd's YAML configuration (an object)");
	CHECK(e && e->line == 1 && e->col == 1 && !strcmp(e->file, rp("etc/etcd/etcd.conf")));
	e = error(&o, "file is larger than 4 MiB");
	CHECK(e && e->line == 0 && !strcmp(e->file, rp("etc/kubernetes/manifests/kube-apiserver.yaml")));
	e = error(&o, "cannot read: not a regular file");
	CHECK(e && !strcmp(e->file, rp("etc/kubernetes/manifests/kube-scheduler.yaml")));
	e = error(&o, "document has more than 200000 nodes");
	CHECK(e && e->line == 1 && e->col == 1);
	done(&o);
	drop_root();

	struct kg_cis_opts opts;
	memset(&opts, 0, sizeof(opts));
	opts.root = "/";
	opts.benchmark = "cis-1.11";
	run_opts(&o, &opts);
	CHECK_INT(o.rc, -1);
	CHECK(error(&o, "unknown benchmark 'cis-1.11' (available: cis-1.12)") != NULL);
	done(&o);
}

TEST(command_line_caps)
{
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	struct kg_buf b;
	kg_buf_init(&b, 0);
	for (unsigned i = 0; i <= KG_CIS_MAX_ARGS; i++)
		kg_buf_adds(&b, "a ");
	struct kg_cis_arg *w = NULL;
	size_t n = 0, alloc = 0;
	struct kg_diag err;
	struct kg_cis_loc at = { "args", 3, 1, NULL, NULL };
	CHECK_INT(kg_cis_split_words(&a, b.data, b.len, &at, &w, &n, &alloc, &err), -1);
	CHECK_STR(err.message, "more than 4096 words on one command line");
	CHECK_INT(err.line, 3);
	CHECK_INT(err.col, 8193);
	kg_buf_reset(&b);
	for (unsigned i = 0; i <= KG_CIS_MAX_VARS; i++)
		kg_buf_printf(&b, "V%u=1\n", i);
	struct kg_cis_var *vars = NULL;
	size_t nv = 0, av = 0;
	CHECK_INT(kg_cis_envfile_parse(&a, "env", b.data, b.len, &vars, &nv, &av, &err), -1);
	CHECK_STR(err.message, "more than 1024 environment variables");
	CHECK_INT(err.line, 1025);
	kg_buf_release(&b);
	kg_arena_release(&a);
}
