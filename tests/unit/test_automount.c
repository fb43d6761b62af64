/* workload.automount-token for pods that leave automountServiceAccountToken unset: a scan judges
 * them against the run's ServiceAccounts in finish(), whatever the input order, with the policy
 * decided on the pod's object; outside an engine (admission) they are reported at once. */
#include "harness.h"
#include "scan_helper.h"
#include "rules/baseline.h"
#include "rules/workload_priv.h"

extern const struct kg_family kg_family_workload;

#define RULE "workload.automount-token"

#define POD(name, sa)                                                                  \
	"apiVersion: v1\nkind: Pod\nmetadata: {name: " name ", namespace: shop}\n"     \
	"spec:\n  serviceAccountName: " sa "\n  containers: [{name: a, image: x:1}]\n"
#define SA(name, automount) \
	"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: " name ", namespace: shop}\n" automount

/* Scan the documents of each text in turn (separate inputs, as files on the command line) with
 * the engine, then finish. */
static void scan_inputs(struct th_run *r, const struct kg_policy *policy, const char *const *texts, size_t n)
{
	th_scan_policy(r, NULL, NULL, policy, texts[0]);
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_load_sink sink = { r, th_on_doc, th_on_error };
	for (size_t i = 1; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "in%zu.yaml", i);
		kg_loader_buffer(L, name, texts[i], strlen(texts[i]), &sink);
	}
	kg_loader_free(L);
	kg_engine_finish(r->engine, &r->report);
}

static unsigned count_in(const char *const *texts, size_t n)
{
	struct th_run r;
	scan_inputs(&r, NULL, texts, n);
	unsigned c = th_count(&r, RULE);
	th_free(&r);
	return c;
}

TEST(service_account_decides_in_any_order_and_file)
{
	const char *pod = POD("p", "web"), *off = SA("web", "automountServiceAccountToken: false\n");
	char before[512], after[512];
	snprintf(before, sizeof(before), "%s---\n%s", off, pod);
	snprintf(after, sizeof(after), "%s---\n%s", pod, off);
	const char *one[] = { pod };
	CHECK_INT(count_in(one, 1), 1); /* no ServiceAccount in the run */
	const char *a[] = { before }, *b[] = { after };
	CHECK_INT(count_in(a, 1), 0);
	CHECK_INT(count_in(b, 1), 0);
	const char *c[] = { pod, off }, *d[] = { off, pod };
	CHECK_INT(count_in(c, 2), 0);
	CHECK_INT(count_in(d, 2), 0);
}

TEST(messages_say_what_the_service_account_does)
{
	const char *in[] = { POD("p1", "none") "---\n" POD("p2", "unset") "---\n" POD("p3", "enabled") "---\n" POD("p4", "two")
			     "---\n" POD("p6", "three"),
			     SA("unset", "") "---\n" SA("enabled", "automountServiceAccountToken: true\n") "---\n"
			     SA("two", "automountServiceAccountToken: false\n") "---\n"
			     SA("two", "automountServiceAccountToken: true\n") "---\n"
			     SA("three", "automountServiceAccountToken: false\n") "---\n" SA("three", "") };
	struct th_run r;
	scan_inputs(&r, NULL, in, 2);
	CHECK_INT(th_count(&r, RULE), 5);
	CHECK(th_has(&r, RULE, "for service account 'none' is mounted unless that ServiceAccount disables it"));
	CHECK(th_has(&r, RULE, "nor does its ServiceAccount 'unset' in the scanned files"));
	CHECK(th_has(&r, RULE, "its ServiceAccount 'enabled' in the scanned files sets it to true"));
	/* defined twice, once true: the token may be mounted */
	CHECK(th_has(&r, RULE, "its ServiceAccount 'two' in the scanned files sets it to true"));
	/* defined twice, once false and once unset: the default mounts */
	CHECK(th_has(&r, RULE, "nor does its ServiceAccount 'three' in the scanned files"));
	th_free(&r);
}

/* The same namespace only: a pod without one is in "default", as is a ServiceAccount without one. */
TEST(namespaces_must_match)
{
	const char *in[] = { "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {serviceAccountName: web, containers: []}\n"
			     "---\n" POD("q", "web") "---\n"
			     "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\nautomountServiceAccountToken: false\n" };
	struct th_run r;
	scan_inputs(&r, NULL, in, 1);
	CHECK_INT(th_count(&r, RULE), 1);
	const struct kg_finding *f = th_get(&r, RULE, 0);
	CHECK(f && f->name && !strcmp(f->name, "q") && f->namespace_ && !strcmp(f->namespace_, "shop"));
	th_free(&r);
}

/* Identity, position and path are the ones the finding had when it was reported per object, so
 * a baseline recorded before still matches (List items keep their prefix). */
TEST(finding_is_the_per_object_one)
{
	const char *yaml = "apiVersion: v1\nkind: List\nitems:\n"
			   "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web, namespace: shop}\n"
			   "  spec:\n    template:\n      spec:\n        serviceAccountName: web\n        containers: []\n";
	struct th_run direct, run;
	struct wl_state st;
	memset(&st, 0, sizeof(st));
	wl_cfg_default(&st.cfg);
	th_scan(&direct, &kg_family_workload, &st, "apiVersion: apps/v1\nkind: Deployment\n"
						   "metadata: {name: web, namespace: shop}\n"
						   "spec:\n  template:\n    spec:\n      serviceAccountName: web\n"
						   "      containers: []\n");
	const char *in[] = { yaml };
	scan_inputs(&run, NULL, in, 1);
	const struct kg_finding *a = th_get(&direct, RULE, 0), *b = th_get(&run, RULE, 0);
	CHECK(a && b);
	if (a && b) {
		CHECK_STR(a->path, "spec.template.spec.automountServiceAccountToken");
		CHECK_STR(b->path, "items[0].spec.template.spec.automountServiceAccountToken");
		CHECK_STR(b->message, a->message);
		CHECK_INT(b->line, 10);
		CHECK_INT(b->col, 9);
		CHECK_STR(b->kind, "Deployment");
		CHECK_STR(b->api_version, "apps/v1");
		CHECK_STR(b->file, "test.yaml");
		CHECK(b->severity == KG_SEV_LOW);
	}
	th_free(&direct);
	th_free(&run);

	/* the same document alone: the fingerprint of the deferred finding is the direct one's */
	const char *plain = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
			    "spec:\n  template:\n    spec:\n      serviceAccountName: web\n      containers: []\n";
	const char *in2[] = { plain };
	th_scan(&direct, &kg_family_workload, &st, plain);
	scan_inputs(&run, NULL, in2, 1);
	a = th_get(&direct, RULE, 0);
	b = th_get(&run, RULE, 0);
	CHECK(a && b);
	if (a && b) {
		char fa[17], fb[17];
		kg_finding_fingerprint(a, fa);
		kg_finding_fingerprint(b, fb);
		CHECK_STR(fb, fa);
		CHECK_INT(b->line, a->line);
		CHECK_INT(b->col, a->col);
	}
	th_free(&direct);
	th_free(&run);
	wl_cfg_release(&st.cfg);
}

/* Inline suppressions and exemptions are decided on the pod's object; a pod whose
 * ServiceAccount disables the token is not a finding, so not counted as suppressed either. */
TEST(policy_is_decided_on_the_object)
{
	struct kg_diag err;
	struct kg_policy *p = th_policy("exemptions:\n  - rules: [" RULE "]\n    names: [exempt]\n"
					"    reason: calls the API\n",
					&err);
	CHECK(p != NULL);
	const char *in[] = { POD("exempt", "web") "---\n" POD("kept", "web") "---\n"
			     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: quiet, namespace: shop}\n"
			     "spec: {template: {metadata: {annotations: {kguard.io/ignore: '" RULE ": operator'}},\n"
			     "  spec: {serviceAccountName: web, containers: []}}}\n"
			     "---\n" POD("p5", "disabled") "---\n" SA("disabled", "automountServiceAccountToken: false\n") };
	struct th_run r;
	th_scan_policy(&r, NULL, NULL, p, in[0]);
	unsigned before = r.report.sum.suppressed;
	kg_engine_finish(r.engine, &r.report);
	CHECK_INT(th_count(&r, RULE), 1);
	const struct kg_finding *f = th_get(&r, RULE, 0);
	CHECK(f && f->name && !strcmp(f->name, "kept"));
	CHECK_INT(r.report.sum.suppressed - before, 2);
	th_free(&r);

	/* the rule off: nothing reported, each pod that would have been a finding counted once */
	struct kg_policy *q = th_policy("rules:\n  " RULE ": off\n", &err);
	CHECK(q != NULL);
	th_scan_policy(&r, NULL, NULL, q, in[0]);
	kg_engine_finish(r.engine, &r.report);
	CHECK_INT(th_count(&r, RULE), 0);
	th_free(&r);
	kg_policy_free(q);
	kg_policy_free(p);
}

/* Every pod template of a kind that holds several is judged. */
TEST(every_pod_template)
{
	const char *in[] = { "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: rc, namespace: shop}\n"
			     "spec:\n  headGroupSpec: {template: {spec: {serviceAccountName: web, containers: []}}}\n"
			     "  workerGroupSpecs:\n  - template: {spec: {serviceAccountName: other, containers: []}}\n"
			     "---\n" SA("web", "automountServiceAccountToken: false\n") };
	struct th_run r;
	scan_inputs(&r, NULL, in, 1);
	CHECK_INT(th_count(&r, RULE), 1);
	CHECK(th_has(&r, RULE, "service account 'other'"));
	th_free(&r);
}

/* Both families merge twice-defined ServiceAccounts with kg_sa_automount_merge: off only when
 * every definition says false, true over unset, in either order. */
TEST(service_account_definitions_merge)
{
	static const int cases[][3] = {
		{ 0, 0, 0 }, { 0, -1, -1 }, { -1, 0, -1 }, { 0, 1, 1 }, { 1, 0, 1 },
		{ -1, -1, -1 }, { -1, 1, 1 }, { 1, -1, 1 }, { 1, 1, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(kg_sa_automount_merge(cases[i][0], cases[i][1]) == cases[i][2]);
}
