/* Unit tests for the Pod Security Standards family: the semantics the PSA fixtures do not pin
 * down on their own (unset versus false, pod versus container level, overrides, Windows and
 * user-namespace exemptions, versions), finding paths and positions through templates, and the
 * full text of the messages. */
#include "harness.h"

#include "core/load.h"
#include "rules/engine.h"
#include "rules/family.h"
#include "rules/pss_priv.h"

extern const struct kg_family kg_family_pss;

static struct kg_report rep;
static bool handled;
static int nobjects;
static struct kg_scan_opts opts;
static bool use_engine;
static struct kg_engine *engine;

static int on_doc(void *ctx, const struct kg_doc *doc)
{
	(void)ctx;
	if (use_engine) {
		kg_engine_doc(engine, doc, &rep);
		return 0;
	}
	struct kg_object obj;
	if (!kg_object_init(&obj, doc->root, doc, NULL))
		return 0;
	nobjects++;
	struct kg_check c = { &opts, &rep, &obj, doc, NULL, &handled, NULL, NULL };
	kg_family_pss.check(&c);
	return 0;
}

static void on_error(void *ctx, const struct kg_diag *d)
{
	(void)ctx;
	fprintf(stderr, "  load error %u:%u: %s\n", d->line, d->col, d->message);
}

/* Scan yaml at level/minor with the pss family alone; findings land in rep. */
static void scan(const char *yaml, int level, int minor)
{
	kg_report_release(&rep);
	kg_report_init(&rep);
	handled = false;
	nobjects = 0;
	opts.pss_level = level;
	opts.pss_minor = minor;
	opts.policy = NULL;
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_load_sink sink = { NULL, on_doc, on_error };
	if (use_engine)
		engine = kg_engine_new(&opts);
	CHECK_INT(kg_loader_buffer(L, "t.yaml", yaml, strlen(yaml), &sink), 0);
	if (use_engine) {
		kg_engine_free(engine);
		engine = NULL;
	}
	kg_loader_free(L);
}

static int count_rule(const char *rule)
{
	int n = 0;
	for (size_t i = 0; i < rep.nfindings; i++)
		if (!strcmp(rep.findings[i].rule_id, rule))
			n++;
	return n;
}

static int count_pss(void)
{
	int n = 0;
	for (size_t i = 0; i < rep.nfindings; i++)
		if (!strncmp(rep.findings[i].rule_id, "pss.", 4))
			n++;
	return n;
}

static const struct kg_finding *find(const char *rule, const char *path)
{
	for (size_t i = 0; i < rep.nfindings; i++)
		if (!strcmp(rep.findings[i].rule_id, rule) && rep.findings[i].path && !strcmp(rep.findings[i].path, path))
			return &rep.findings[i];
	return NULL;
}

static void dump(void)
{
	for (size_t i = 0; i < rep.nfindings; i++)
		fprintf(stderr, "    %s %u:%u %s | %s\n", rep.findings[i].rule_id, rep.findings[i].line,
			rep.findings[i].col, rep.findings[i].path ? rep.findings[i].path : "-", rep.findings[i].message);
}

#define B KG_PSS_BASELINE
#define R KG_PSS_RESTRICTED

/* A pod that passes restricted at every version. */
#define GOOD_SC                                          \
	"    securityContext:\n"                          \
	"      allowPrivilegeEscalation: false\n"        \
	"      capabilities:\n"                          \
	"        drop: [ALL]\n"
#define GOOD_POD_SC                                     \
	"  securityContext:\n"                            \
	"    runAsNonRoot: true\n"                        \
	"    seccompProfile:\n"                           \
	"      type: RuntimeDefault\n"

static const char good_pod[] =
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
	"  containers:\n"
	"  - name: app\n    image: x\n" GOOD_SC GOOD_POD_SC;

TEST(good_pod_passes_every_version_and_level)
{
	for (int m = 0; m <= KG_PSS_LATEST_MINOR; m++) {
		scan(good_pod, R, m);
		CHECK_INT(count_pss(), 0);
		scan(good_pod, B, m);
		CHECK_INT(count_pss(), 0);
	}
	CHECK(handled);
	CHECK_INT(nobjects, 1);
}

TEST(handled_only_for_pod_kinds_and_privileged_level_checks_nothing)
{
	scan("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n", R, 37);
	CHECK(!handled);
	scan("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n", R, 37);
	CHECK(handled); /* pod-bearing kind without a template: handled, nothing to judge */
	CHECK_INT(count_pss(), 0);
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers:\n"
	     "  - name: a\n    securityContext: {privileged: true}\n",
	     KG_PSS_PRIVILEGED, 37);
	CHECK(handled);
	CHECK_INT(count_pss(), 0);
}

TEST(privileged_message_path_and_position)
{
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	     "  containers:\n"
	     "  - name: ok\n"
	     "  - name: bad\n"
	     "    securityContext:\n"
	     "      privileged: true\n",
	     B, 37);
	CHECK_INT(count_pss(), 1);
	const struct kg_finding *f = find("pss.privileged", "spec.containers[1].securityContext.privileged");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "privileged: container \"bad\" must not set securityContext.privileged=true; "
				      "remove it (or set it to false) and grant only the capabilities the process needs");
		CHECK_INT(f->line, 9);
		CHECK_INT(f->col, 19);
		CHECK_STR(f->container, "bad");
		CHECK_INT(f->severity, KG_SEV_HIGH);
	}
}

TEST(privileged_false_null_and_string_are_not_privileged)
{
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	     "  - {name: a, securityContext: {privileged: false}}\n"
	     "  - {name: b, securityContext: {privileged: null}}\n"
	     "  - {name: c, securityContext: {privileged: \"true\"}}\n"
	     "  - {name: d, securityContext: null}\n",
	     B, 37);
	CHECK_INT(count_pss(), 0);
}

TEST(every_container_list_is_visited_with_its_list_name)
{
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	     "  initContainers:\n  - {name: i, securityContext: {privileged: true}}\n"
	     "  containers:\n  - {name: c, securityContext: {privileged: true}}\n"
	     "  ephemeralContainers:\n  - {name: e, securityContext: {privileged: true}}\n",
	     B, 37);
	CHECK_INT(count_rule("pss.privileged"), 3);
	const struct kg_finding *f = find("pss.privileged", "spec.initContainers[0].securityContext.privileged");
	CHECK(f && strstr(f->message, "init container \"i\""));
	CHECK(find("pss.privileged", "spec.containers[0].securityContext.privileged") != NULL);
	f = find("pss.privileged", "spec.ephemeralContainers[0].securityContext.privileged");
	CHECK(f && strstr(f->message, "ephemeral container \"e\""));
}

TEST(host_namespaces_one_finding_per_field)
{
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	     "  hostNetwork: true\n  hostPID: false\n  hostIPC: true\n  containers: [{name: a}]\n",
	     B, 0);
	CHECK_INT(count_rule("pss.hostNamespaces"), 2);
	const struct kg_finding *f = find("pss.hostNamespaces", "spec.hostNetwork");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "host namespaces: the pod must not set hostNetwork=true, which shares the node's "
				      "network namespace (its interfaces and localhost services); remove hostNetwork "
				      "or set it to false");
		CHECK_INT(f->line, 5);
		CHECK_INT(f->col, 16);
		CHECK(f->container == NULL);
	}
	CHECK(find("pss.hostNamespaces", "spec.hostIPC") != NULL);
}

TEST(allow_privilege_escalation_unset_versus_false)
{
	const char *y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" GOOD_POD_SC
			"  containers:\n"
			"  - name: unset\n    securityContext: {capabilities: {drop: [ALL]}}\n"
			"  - name: no\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n"
			"  - name: yes\n    securityContext: {allowPrivilegeEscalation: true, capabilities: {drop: [ALL]}}\n";
	scan(y, R, 37);
	CHECK_INT(count_pss(), 2);
	const struct kg_finding *f = find("pss.allowPrivilegeEscalation", "spec.containers[0].securityContext.allowPrivilegeEscalation");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "allowPrivilegeEscalation != false: container \"unset\" must set "
				      "securityContext.allowPrivilegeEscalation=false (it is not set), so that setuid "
				      "binaries and file capabilities cannot raise its privileges");
		/* the field is missing: the position is that of securityContext, its nearest parent */
		CHECK_INT(f->line, 11);
		CHECK_INT(f->col, 5);
	}
	f = find("pss.allowPrivilegeEscalation", "spec.containers[2].securityContext.allowPrivilegeEscalation");
	CHECK(f && strstr(f->message, "(it is true)"));
	/* the check starts at v1.8 */
	scan(y, R, 7);
	CHECK_INT(count_rule("pss.allowPrivilegeEscalation"), 0);
	scan(y, R, 8);
	CHECK_INT(count_rule("pss.allowPrivilegeEscalation"), 2);
	/* restricted only */
	scan(y, B, 37);
	CHECK_INT(count_pss(), 0);
}

static const char windows_pod[] =
	"apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n"
	"  os: {name: windows}\n"
	"  securityContext: {runAsNonRoot: true}\n"
	"  containers: [{name: a}]\n";

TEST(windows_pods_exempt_from_v1_25)
{
	scan(windows_pod, R, 25);
	CHECK_INT(count_pss(), 0);
	scan(windows_pod, R, 37);
	CHECK_INT(count_pss(), 0);
	scan(windows_pod, R, 24);
	CHECK_INT(count_rule("pss.allowPrivilegeEscalation"), 1);
	CHECK_INT(count_rule("pss.capabilities_restricted"), 1);
	CHECK_INT(count_rule("pss.seccompProfile_restricted"), 1);
	CHECK_INT(count_pss(), 3);
	/* only "windows" exactly; runAsNonRoot is never exempt */
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: Windows}\n"
	     "  containers: [{name: a}]\n",
	     R, 37);
	CHECK_INT(count_rule("pss.allowPrivilegeEscalation"), 1);
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: windows}\n"
	     "  containers: [{name: a}]\n",
	     R, 37);
	CHECK_INT(count_rule("pss.runAsNonRoot"), 1);
	CHECK_INT(count_pss(), 1);
}

TEST(run_as_non_root_pod_and_container_levels)
{
	/* pod true covers containers that leave it unset */
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true}\n"
	     "  containers: [{name: a}, {name: b, securityContext: {runAsNonRoot: false}}]\n",
	     R, 0);
	CHECK_INT(count_rule("pss.runAsNonRoot"), 1);
	const struct kg_finding *f = find("pss.runAsNonRoot", "spec.containers[1].securityContext.runAsNonRoot");
	CHECK(f && !strcmp(f->message, "runAsNonRoot != true: container \"b\" must not set "
				       "securityContext.runAsNonRoot=false; set it to true (or remove it when the pod "
				       "sets it to true)"));
	/* pod unset: every container that does not set true */
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	     "  containers: [{name: a}, {name: b, securityContext: {runAsNonRoot: true}}, {name: c}]\n",
	     R, 0);
	CHECK_INT(count_rule("pss.runAsNonRoot"), 2);
	f = find("pss.runAsNonRoot", "spec.containers[2].securityContext.runAsNonRoot");
	CHECK(f && !strcmp(f->message, "runAsNonRoot != true: pod or container \"c\" must set "
				       "securityContext.runAsNonRoot=true; set it once in the pod's securityContext to "
				       "cover every container"));
	/* pod false: one finding on the pod covers the containers that leave it unset */
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: false}\n"
	     "  containers: [{name: a}, {name: b, securityContext: {runAsNonRoot: true}}]\n",
	     R, 0);
	CHECK_INT(count_rule("pss.runAsNonRoot"), 1);
	f = find("pss.runAsNonRoot", "spec.securityContext.runAsNonRoot");
	CHECK(f && f->line == 5 && f->col == 35);
	/* every container true, pod unset: fine */
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	     "  containers: [{name: a, securityContext: {runAsNonRoot: true}}]\n",
	     R, 0);
	CHECK_INT(count_rule("pss.runAsNonRoot"), 0);
}

static const char userns_pod[] =
	"apiVersion: v1\nkind: Pod\nmetadata: {name: u}\nspec:\n"
	"  hostUsers: false\n"
	"  securityContext: {runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n"
	"  containers:\n"
	"  - name: a\n"
	"    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, procMount: Unmasked}\n";

TEST(host_users_false_relaxes_from_v1_35)
{
	scan(userns_pod, R, 35);
	CHECK_INT(count_rule("pss.runAsNonRoot"), 0);
	CHECK_INT(count_rule("pss.runAsUser"), 0);
	CHECK_INT(count_rule("pss.procMount"), 0);
	CHECK_INT(count_rule("pss.procMount_restricted"), 1); /* restricted keeps the rule */
	CHECK_INT(count_pss(), 1);
	scan(userns_pod, B, 35);
	CHECK_INT(count_pss(), 0);
	scan(userns_pod, R, 34);
	CHECK_INT(count_rule("pss.runAsNonRoot"), 1);
	CHECK_INT(count_rule("pss.runAsUser"), 1);
	CHECK_INT(count_rule("pss.procMount"), 1);
	CHECK_INT(count_rule("pss.procMount_restricted"), 0);
	const struct kg_finding *f = find("pss.runAsUser", "spec.securityContext.runAsUser");
	CHECK(f && !strcmp(f->message, "runAsUser=0: the pod must not set runAsUser=0; run as a non-zero UID"));
	scan(userns_pod, B, 34);
	f = find("pss.procMount", "spec.containers[0].securityContext.procMount");
	CHECK(f && !strcmp(f->message, "procMount: container \"a\" must not set securityContext.procMount to "
				       "\"Unmasked\"; remove it or set it to Default"));
	CHECK_INT(count_pss(), 1);
	/* hostUsers: true relaxes nothing */
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: u}\nspec:\n  hostUsers: true\n"
	     "  containers: [{name: a, securityContext: {procMount: Unmasked}}]\n",
	     B, 37);
	f = find("pss.procMount", "spec.containers[0].securityContext.procMount");
	CHECK(f && strstr(f->message, "(or run the pod in a user namespace with hostUsers: false)"));
}

TEST(run_as_user_versions_and_containers)
{
	const char *y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" GOOD_POD_SC
			"  containers:\n  - name: a\n    image: x\n" GOOD_SC "      runAsUser: 0\n"
			"  - name: b\n    image: x\n" GOOD_SC "      runAsUser: 1000\n";
	scan(y, R, 22);
	CHECK_INT(count_pss(), 0);
	scan(y, R, 23);
	CHECK_INT(count_pss(), 1);
	const struct kg_finding *f = find("pss.runAsUser", "spec.containers[0].securityContext.runAsUser");
	CHECK(f && f->line == 16 && f->col == 18);
	scan(y, R, 37);
	f = find("pss.runAsUser", "spec.containers[0].securityContext.runAsUser");
	CHECK(f && !strcmp(f->message, "runAsUser=0: container \"a\" must not set runAsUser=0; run as a non-zero UID "
				       "(or run the pod in a user namespace with hostUsers: false)"));
}

TEST(volumes_defaulting_and_overrides)
{
	const char *y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" GOOD_POD_SC
			"  containers:\n  - name: a\n" GOOD_SC
			"  volumes:\n"
			"  - name: nosource\n"
			"  - {name: nullsource, hostPath: null}\n"
			"  - {name: unknown, fooVolume: {}}\n"
			"  - {name: host, hostPath: {path: /etc}}\n"
			"  - {name: git, gitRepo: {repository: r}}\n"
			"  - {name: cm, configMap: {name: c}}\n";
	scan(y, R, 37);
	CHECK_INT(count_rule("pss.hostPathVolumes"), 0); /* overridden by restrictedVolumes */
	CHECK_INT(count_rule("pss.restrictedVolumes"), 2);
	const struct kg_finding *f = find("pss.restrictedVolumes", "spec.volumes[3].hostPath");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "restricted volume types: volume \"host\" uses restricted volume type \"hostPath\"; "
				      "use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, "
				      "projected or secret");
		CHECK_INT(f->line, 19);
		CHECK_INT(f->col, 28);
		CHECK_INT(f->severity, KG_SEV_HIGH);
	}
	CHECK(find("pss.restrictedVolumes", "spec.volumes[4].gitRepo") != NULL);
	scan(y, B, 37);
	CHECK_INT(count_pss(), 1);
	f = find("pss.hostPathVolumes", "spec.volumes[3].hostPath");
	CHECK(f && !strcmp(f->message, "hostPath volumes: volume \"host\" mounts the node's path \"/etc\"; use a "
				       "configMap, secret, emptyDir, projected or persistentVolumeClaim volume instead"));
}

TEST(capabilities_baseline_until_v1_22_then_restricted)
{
	const char *y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" GOOD_POD_SC
			"  containers:\n  - name: a\n    securityContext:\n      allowPrivilegeEscalation: false\n"
			"      capabilities:\n        add: [NET_RAW, CHOWN, SYS_ADMIN]\n";
	scan(y, R, 21);
	CHECK_INT(count_rule("pss.capabilities_restricted"), 0);
	CHECK_INT(count_rule("pss.capabilities_baseline"), 1);
	const struct kg_finding *f = find("pss.capabilities_baseline", "spec.containers[0].securityContext.capabilities.add");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "capabilities: container \"a\" must not include \"NET_RAW\", \"SYS_ADMIN\" in "
				      "securityContext.capabilities.add; remove them (baseline allows only AUDIT_WRITE, "
				      "CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, "
				      "SETGID, SETPCAP, SETUID, SYS_CHROOT)");
		CHECK_INT(f->line, 14);
		CHECK_INT(f->col, 14);
	}
	scan(y, R, 22);
	CHECK_INT(count_rule("pss.capabilities_baseline"), 0);
	CHECK_INT(count_rule("pss.capabilities_restricted"), 2); /* no drop ALL, and forbidden adds */
	f = find("pss.capabilities_restricted", "spec.containers[0].securityContext.capabilities.add");
	CHECK(f && strstr(f->message, "\"NET_RAW\", \"CHOWN\", \"SYS_ADMIN\""));
	f = find("pss.capabilities_restricted", "spec.containers[0].securityContext.capabilities.drop");
	CHECK(f && !strcmp(f->message, "unrestricted capabilities: container \"a\" must set "
				       "securityContext.capabilities.drop=[\"ALL\"]; drop ALL and add back only "
				       "NET_BIND_SERVICE if it binds a port below 1024"));
	/* names compare exactly: lower case and CAP_ prefixes are not the default set */
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	     "  - {name: a, securityContext: {capabilities: {add: [chown, CAP_CHOWN, KILL]}}}\n",
	     B, 37);
	f = find("pss.capabilities_baseline", "spec.containers[0].securityContext.capabilities.add");
	CHECK(f && strstr(f->message, "\"chown\", \"CAP_CHOWN\" in"));
	/* NET_BIND_SERVICE with drop ALL passes restricted; "all" does not count as ALL */
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" GOOD_POD_SC "  containers:\n"
	     "  - {name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}}\n"
	     "  - {name: b, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [all]}}}\n",
	     R, 37);
	CHECK_INT(count_pss(), 1);
	CHECK(find("pss.capabilities_restricted", "spec.containers[1].securityContext.capabilities.drop") != NULL);
}

TEST(seccomp_annotations_before_v1_19_fields_after)
{
	const char *ann = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
			  "    seccomp.security.alpha.kubernetes.io/pod: unconfined\n"
			  "    container.seccomp.security.alpha.kubernetes.io/a: \"\"\n"
			  "    container.seccomp.security.alpha.kubernetes.io/b: localhost/prof\n"
			  "    container.seccomp.security.alpha.kubernetes.io/gone: unconfined\n"
			  "spec:\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: a}, {name: b}]\n";
	scan(ann, B, 18);
	CHECK_INT(count_rule("pss.seccompProfile_baseline"), 2); /* pod and "a"; "gone" is no container */
	const struct kg_finding *f =
		find("pss.seccompProfile_baseline", "metadata.annotations['seccomp.security.alpha.kubernetes.io/pod']");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "seccompProfile: forbidden annotation seccomp.security.alpha.kubernetes.io/pod="
				      "\"unconfined\"; use runtime/default or localhost/<profile>");
		CHECK_INT(f->line, 6);
		CHECK_INT(f->col, 47);
	}
	CHECK(find("pss.seccompProfile_baseline",
		   "metadata.annotations['container.seccomp.security.alpha.kubernetes.io/a']") != NULL);
	/* restricted before v1.19 uses the same annotation check and requires no profile */
	scan(ann, R, 18);
	CHECK_INT(count_rule("pss.seccompProfile_baseline"), 2);
	CHECK_INT(count_rule("pss.seccompProfile_restricted"), 0);
	/* from v1.19 the annotations are not judged any more */
	scan(ann, B, 19);
	CHECK_INT(count_pss(), 0);

	const char *fields = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
			     "  securityContext: {seccompProfile: {type: Unconfined}}\n"
			     "  containers:\n  - {name: a}\n  - {name: b, securityContext: {seccompProfile: {}}}\n";
	scan(fields, B, 18);
	CHECK_INT(count_pss(), 0);
	scan(fields, B, 19);
	CHECK_INT(count_rule("pss.seccompProfile_baseline"), 2);
	f = find("pss.seccompProfile_baseline", "spec.securityContext.seccompProfile.type");
	CHECK(f && !strcmp(f->message, "seccompProfile: the pod must not set securityContext.seccompProfile.type to "
				       "\"Unconfined\"; use RuntimeDefault or Localhost"));
	CHECK(find("pss.seccompProfile_baseline", "spec.containers[1].securityContext.seccompProfile.type") != NULL);
	scan(fields, R, 19);
	CHECK_INT(count_rule("pss.seccompProfile_baseline"), 0);
	/* the bad pod value covers "a"; "b" sets an empty profile */
	CHECK_INT(count_rule("pss.seccompProfile_restricted"), 2);
}

TEST(seccomp_restricted_pod_or_every_container)
{
	const char *y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true}\n"
			"  containers:\n"
			"  - name: a\n" GOOD_SC "      seccompProfile: {type: Localhost, localhostProfile: p.json}\n"
			"  - name: b\n" GOOD_SC;
	scan(y, R, 37);
	CHECK_INT(count_pss(), 1);
	const struct kg_finding *f = find("pss.seccompProfile_restricted", "spec.containers[1].securityContext.seccompProfile.type");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "seccompProfile: pod or container \"b\" must set securityContext.seccompProfile.type "
				      "to \"RuntimeDefault\" or \"Localhost\"; set it once in the pod's securityContext "
				      "to cover every container");
		CHECK_INT(f->line, 14);
		CHECK_INT(f->col, 5);
	}
	scan(y, R, 18);
	CHECK_INT(count_pss(), 0);
}

TEST(sysctls_allow_list_per_version)
{
	const char *y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n"
			"    - {name: net.ipv4.ip_local_port_range, value: '1024 65535'}\n"
			"    - {name: net.ipv4.ip_local_reserved_ports, value: '1'}\n"
			"    - {name: net.ipv4.tcp_keepalive_time, value: '1'}\n"
			"    - {name: net.ipv4.tcp_rmem, value: '1 2 3'}\n"
			"    - {name: net.ipv4.tcp_notsent_lowat, value: '1'}\n"
			"    - {name: kernel.msgmax, value: '1'}\n"
			"  containers: [{name: a}]\n";
	int expect[][2] = { { 0, 5 }, { 26, 5 }, { 27, 4 }, { 28, 4 }, { 29, 3 }, { 31, 3 }, { 32, 2 }, { 36, 2 }, { 37, 1 } };
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		scan(y, B, expect[i][0]);
		CHECK_INT(count_rule("pss.sysctls"), expect[i][1]);
	}
	scan(y, B, 37);
	const struct kg_finding *f = find("pss.sysctls", "spec.securityContext.sysctls[5].name");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "forbidden sysctl \"kernel.msgmax\": it is not in the baseline allow-list of policy "
				      "v1.37 (namespaced sysctls isolated from other pods); remove it");
		CHECK_INT(f->line, 12);
		CHECK_INT(f->col, 14);
	}
	struct kg_pss_str s = { "net.ipv4.tcp_wmem", 17 };
	CHECK(!kg_pss_sysctl_allowed(s, 31));
	CHECK(kg_pss_sysctl_allowed(s, 32));
}

TEST(selinux_types_users_roles)
{
	const char *y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
			"  securityContext: {seLinuxOptions: {type: container_engine_t, level: 's0:c1'}}\n"
			"  containers:\n"
			"  - {name: a, securityContext: {seLinuxOptions: {type: spc_t, user: sysadm_u, role: ''}}}\n"
			"  - {name: b, securityContext: {seLinuxOptions: {role: sysadm_r}}}\n";
	scan(y, B, 30);
	CHECK_INT(count_rule("pss.seLinuxOptions"), 4);
	const struct kg_finding *f = find("pss.seLinuxOptions", "spec.securityContext.seLinuxOptions.type");
	CHECK(f && !strcmp(f->message, "seLinuxOptions: the pod must not set securityContext.seLinuxOptions.type to "
				       "\"container_engine_t\"; use container_t, container_init_t, container_kvm_t or "
				       "leave it unset"));
	f = find("pss.seLinuxOptions", "spec.containers[0].securityContext.seLinuxOptions.user");
	CHECK(f && !strcmp(f->message, "seLinuxOptions: container \"a\" must not set "
				       "securityContext.seLinuxOptions.user (\"sysadm_u\"); remove it, a custom SELinux "
				       "user may not be set"));
	CHECK(find("pss.seLinuxOptions", "spec.containers[1].securityContext.seLinuxOptions.role") != NULL);
	scan(y, B, 31);
	CHECK_INT(count_rule("pss.seLinuxOptions"), 3);
	CHECK(find("pss.seLinuxOptions", "spec.securityContext.seLinuxOptions.type") == NULL);
}

TEST(apparmor_fields_and_annotations)
{
	const char *y = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
			"    container.apparmor.security.beta.kubernetes.io/a: ''\n"
			"    container.apparmor.security.beta.kubernetes.io/b: localhost/x\n"
			"    container.apparmor.security.beta.kubernetes.io/c: unconfined\n"
			"    container.apparmor.security.beta.kubernetes.io/d: null\n"
			"spec:\n  securityContext: {appArmorProfile: {type: Unconfined}}\n"
			"  containers:\n  - {name: a, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: x}}}\n"
			"  - {name: b, securityContext: {appArmorProfile: {}}}\n";
	scan(y, B, 0);
	CHECK_INT(count_rule("pss.appArmorProfile"), 3);
	const struct kg_finding *f = find("pss.appArmorProfile", "spec.securityContext.appArmorProfile.type");
	CHECK(f && !strcmp(f->message, "forbidden AppArmor profile: the pod must not set AppArmor profile type to "
				       "\"Unconfined\"; set securityContext.appArmorProfile.type to RuntimeDefault or "
				       "Localhost, or remove it"));
	f = find("pss.appArmorProfile", "spec.containers[1].securityContext.appArmorProfile.type");
	CHECK(f && strstr(f->message, "type to \"\";"));
	f = find("pss.appArmorProfile", "metadata.annotations['container.apparmor.security.beta.kubernetes.io/c']");
	CHECK(f && f->line == 8 && f->col == 55);
}

TEST(host_ports_and_host_probes)
{
	const char *y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
			"    ports: [{containerPort: 80, hostPort: 0}, {containerPort: 443, hostPort: 8443}]\n"
			"    livenessProbe: {httpGet: {host: 169.254.169.254, port: 80}}\n"
			"    readinessProbe: {tcpSocket: {host: '', port: 80}}\n"
			"    lifecycle: {preStop: {tcpSocket: {host: db, port: 5432}}}\n";
	scan(y, B, 33);
	CHECK_INT(count_rule("pss.hostPorts"), 1);
	CHECK_INT(count_rule("pss.hostProbesAndHostLifecycle"), 0);
	const struct kg_finding *f = find("pss.hostPorts", "spec.containers[0].ports[1].hostPort");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "hostPort: container \"a\" uses hostPort 8443; remove hostPort and reach the "
				      "container through a Service instead");
		CHECK_INT(f->line, 7);
		CHECK_INT(f->col, 78);
	}
	scan(y, B, 34);
	CHECK_INT(count_rule("pss.hostProbesAndHostLifecycle"), 2);
	f = find("pss.hostProbesAndHostLifecycle", "spec.containers[0].livenessProbe.httpGet.host");
	CHECK(f && !strcmp(f->message, "probe or lifecycle host: container \"a\" uses probe or lifecycle host "
				       "\"169.254.169.254\" in livenessProbe.httpGet.host; remove host so that the "
				       "kubelet targets the pod's own IP"));
	CHECK(find("pss.hostProbesAndHostLifecycle", "spec.containers[0].lifecycle.preStop.tcpSocket.host") != NULL);
}

TEST(windows_host_process_pod_and_container)
{
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	     "  securityContext: {windowsOptions: {hostProcess: true}}\n"
	     "  containers: [{name: a, securityContext: {windowsOptions: {hostProcess: true}}}, {name: b}]\n",
	     B, 0);
	CHECK_INT(count_rule("pss.windowsHostProcess"), 2);
	const struct kg_finding *f = find("pss.windowsHostProcess", "spec.securityContext.windowsOptions.hostProcess");
	CHECK(f && !strcmp(f->message, "hostProcess: the pod must not set securityContext.windowsOptions.hostProcess=true, "
				       "which runs it as a process on the Windows node with host access; remove it or "
				       "set it to false"));
	CHECK(find("pss.windowsHostProcess", "spec.containers[0].securityContext.windowsOptions.hostProcess") != NULL);
}

TEST(proc_mount_set_but_empty_is_not_default)
{
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	     "  - {name: a, securityContext: {procMount: ''}}\n  - {name: b, securityContext: {procMount: Default}}\n"
	     "  - {name: c, securityContext: {procMount: null}}\n",
	     B, 0);
	CHECK_INT(count_pss(), 1);
	CHECK(find("pss.procMount", "spec.containers[0].securityContext.procMount") != NULL);
}

TEST(strings_with_nul_bytes_are_not_allowed_values)
{
	scan("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"securityContext\":"
	     "{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\\u0000x\"}},\"containers\":"
	     "[{\"name\":\"a\",\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":"
	     "{\"drop\":[\"ALL\\u0000\"]}}}]}}",
	     R, 37);
	CHECK_INT(count_rule("pss.seccompProfile_restricted"), 1);
	CHECK_INT(count_rule("pss.capabilities_restricted"), 1);
	CHECK_INT(count_pss(), 2);
}

TEST(malformed_shapes_read_as_unset_or_empty)
{
	/* wrong shapes everywhere: nothing crashes, and each reads as Go would leave it (unset) */
	scan("apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: [a, b]}\nspec:\n"
	     "  securityContext: {sysctls: [null, {value: '1'}], seccompProfile: RuntimeDefault}\n"
	     "  volumes: {a: b}\n"
	     "  initContainers: notalist\n"
	     "  containers:\n"
	     "  - null\n"
	     "  - name: 7\n"
	     "    ports: [80, {hostPort: '8080'}, {hostPort: 0.0}, {hostPort: 1e3}]\n"
	     "    securityContext: {capabilities: {add: {x: y}, drop: ALL}, privileged: [true]}\n",
	     B, 37);
	/* two sysctls without a name (null item, missing name): "" is not allowed */
	CHECK_INT(count_rule("pss.sysctls"), 2);
	/* seccompProfile: RuntimeDefault (a string, not a map) is set with an empty type */
	CHECK_INT(count_rule("pss.seccompProfile_baseline"), 1);
	/* hostPort 1e3 decodes as 1000; '8080' (a string) and 0.0 do not count */
	const struct kg_finding *f = find("pss.hostPorts", "spec.containers[1].ports[3].hostPort");
	CHECK(f && strstr(f->message, "container containers[1] uses hostPort 1000;"));
	CHECK(f && f->container == NULL);
	CHECK_INT(count_pss(), 4);
	if (count_pss() != 4)
		dump();
}

TEST(deployment_and_cronjob_template_paths)
{
	scan("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n"
	     "    metadata:\n      annotations:\n        seccomp.security.alpha.kubernetes.io/pod: unconfined\n"
	     "    spec:\n      containers:\n      - name: a\n        securityContext: {privileged: true}\n",
	     B, 10);
	CHECK(handled);
	CHECK(find("pss.privileged", "spec.template.spec.containers[0].securityContext.privileged") != NULL);
	CHECK(find("pss.seccompProfile_baseline",
		   "spec.template.metadata.annotations['seccomp.security.alpha.kubernetes.io/pod']") != NULL);
	scan("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '* * * * *'\n"
	     "  jobTemplate:\n    spec:\n      template:\n        spec:\n          hostPID: true\n"
	     "          containers: [{name: a}]\n",
	     B, 37);
	const struct kg_finding *f = find("pss.hostNamespaces", "spec.jobTemplate.spec.template.spec.hostPID");
	CHECK(f && f->line == 10 && f->col == 20);
	if (!f)
		dump();
}

TEST(list_items_carry_their_index_in_the_path)
{
	use_engine = true;
	scan("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n"
	     "- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec:\n    hostIPC: true\n    containers: [{name: a}]\n",
	     B, 37);
	use_engine = false;
	CHECK(find("pss.hostNamespaces", "items[1].spec.hostIPC") != NULL);
	CHECK_INT(count_pss(), 1);
}

TEST(quote_append_truncates_at_item_boundary)
{
	char buf[24] = "";
	kg_pss_quote_append(buf, sizeof(buf), "AAAA");
	kg_pss_quote_append(buf, sizeof(buf), "BBBB");
	CHECK_STR(buf, "\"AAAA\", \"BBBB\"");
	kg_pss_quote_append(buf, sizeof(buf), "CCCCCCCC");
	CHECK_STR(buf, "\"AAAA\", \"BBBB\", ...");
	kg_pss_quote_append(buf, sizeof(buf), "D");
	CHECK_STR(buf, "\"AAAA\", \"BBBB\", ...");
}

TEST(catalog_has_every_upstream_check)
{
	static const char *const ids[] = {
		"pss.allowPrivilegeEscalation", "pss.appArmorProfile", "pss.capabilities_baseline",
		"pss.capabilities_restricted", "pss.hostNamespaces", "pss.hostPathVolumes", "pss.hostPorts",
		"pss.hostProbesAndHostLifecycle", "pss.privileged", "pss.procMount", "pss.procMount_restricted",
		"pss.restrictedVolumes", "pss.runAsNonRoot", "pss.runAsUser", "pss.seccompProfile_baseline",
		"pss.seccompProfile_restricted", "pss.seLinuxOptions", "pss.sysctls", "pss.windowsHostProcess",
	};
	CHECK_INT(kg_family_pss.nrules, sizeof(ids) / sizeof(ids[0]));
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct kg_rule *r = &kg_pss_rules[i];
		CHECK_STR(r->id, ids[i]);
		CHECK_STR(r->category, "pod-security");
		CHECK(r->title && *r->title && r->description && *r->description && r->remediation && *r->remediation);
		CHECK(r->references && strstr(r->references, "https://kubernetes.io/docs/concepts/security/pod-security-standards/"));
		CHECK(kg_rule_find(ids[i]) == r);
	}
}
