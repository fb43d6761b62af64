/* The cluster family's records: findings from finish() go through the policy as decided on the
 * object when it was collected, and objects too big to be read whole keep the trimmed clone. */
#include "harness.h"
#include "scan_helper.h"

#define NS "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
#define DENY_NONE                                                                                   \
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\n" \
	"spec: {podSelector: {matchLabels: {app: db}}}\n---\n"

TEST(inline_suppression_on_template)
{
	struct th_run r;
	th_scan(&r, NULL, NULL,
		NS DENY_NONE
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
		"spec: {template: {metadata: {labels: {app: web},\n"
		"  annotations: {kguard.io/ignore: 'network.pod-not-isolated: meshed'}}, spec: {containers: []}}}\n"
		"---\n"
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
		"spec: {template: {metadata: {labels: {app: api}}, spec: {containers: []}}}\n");
	kg_engine_finish(r.engine, &r.report);
	CHECK_INT(th_count(&r, "network.pod-not-isolated"), 1);
	CHECK(th_has(&r, "network.pod-not-isolated", "pod template of Deployment shop/api"));
	const struct kg_finding *f = th_get(&r, "network.pod-not-isolated", 0);
	CHECK(f && f->line == 19 && !strcmp(f->path, "spec.template.spec") && !strcmp(f->namespace_, "shop"));
	CHECK_INT(th_count(&r, "network.netpol-selects-nothing"), 1);
	th_free(&r);
}

TEST(exemption_by_label)
{
	struct kg_diag err;
	struct kg_policy *p = th_policy("exemptions:\n  - rules: [namespace.*, network.namespace-no-default-deny]\n"
					"    selector: {matchLabels: {team: core}}\n    reason: platform owned\n",
					&err);
	CHECK(p != NULL);
	struct th_run r;
	th_scan_policy(&r, NULL, NULL, p,
		       "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {team: core}}\n---\n"
		       "apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {team: web}}\n");
	unsigned before = r.report.sum.suppressed;
	kg_engine_finish(r.engine, &r.report);
	CHECK_INT(th_count(&r, "namespace.no-resource-quota"), 1);
	CHECK(th_has(&r, "namespace.no-resource-quota", "Namespace b "));
	CHECK_INT(th_count(&r, "network.namespace-no-default-deny"), 1);
	CHECK_INT(r.report.sum.suppressed - before, 3);
	th_free(&r);
	kg_policy_free(p);
}

/* A LeaderWorkerSet without a leader template: the workload is collected from the worker
 * template, and its annotation silences cross-object findings as it does per-object ones (the
 * records used to read the kind's first pod path, the leader's, and missed it). */
TEST(first_pod_path_annotation)
{
	struct th_run r;
	th_scan(&r, NULL, NULL,
		NS DENY_NONE
		"apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata: {name: lws, namespace: shop}\n"
		"spec: {leaderWorkerTemplate: {workerTemplate: {metadata: {labels: {app: lws},\n"
		"  annotations: {kguard.io/ignore: 'network.pod-not-isolated: meshed'}}, spec: {containers: []}}}}\n");
	unsigned before = r.report.sum.suppressed;
	kg_engine_finish(r.engine, &r.report);
	CHECK_INT(th_count(&r, "network.pod-not-isolated"), 0);
	CHECK_INT(r.report.sum.suppressed - before, 1);
	th_free(&r);
}

/* Pod paths from a policy file longer than the old 160/192-byte buffers: the template's labels,
 * its ignore annotation and the service account path are read whole. */
#define SEG60 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LONG_BASE "spec." SEG60 "." SEG60 "." SEG60
TEST(long_policy_pod_paths)
{
	static const struct kg_pod_path pp[] = {
		{ "long.example.com", "LongSet", LONG_BASE ".template.spec", LONG_BASE ".template.metadata" },
	};
	kg_pod_paths_add(pp, 1);
	char yaml[4096];
	static const char obj[] = "apiVersion: long.example.com/v1\nkind: LongSet\nmetadata: {name: %s, namespace: shop}\n"
				  "spec: {" SEG60 ": {" SEG60 ": {" SEG60 ": {template: {metadata: {labels: {app: %s}%s},\n"
				  "  spec: {serviceAccountName: robot, containers: []}}}}}}\n---\n";
	int n = snprintf(yaml, sizeof(yaml),
			 NS "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\n"
			    "spec: {podSelector: {matchLabels: {app: web}}}\n---\n"
			    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: rd, namespace: shop}\n"
			    "rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]\n---\n"
			    "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rd, namespace: shop}\n"
			    "roleRef: {kind: Role, name: rd}\nsubjects: [{kind: ServiceAccount, name: robot}]\n---\n");
	n += snprintf(yaml + n, sizeof(yaml) - (size_t)n, obj, "web", "web", "");
	snprintf(yaml + n, sizeof(yaml) - (size_t)n, obj, "quiet", "quiet",
		 ", annotations: {kguard.io/ignore: 'network.pod-not-isolated: meshed'}");
	struct th_run r;
	th_scan(&r, NULL, NULL, yaml);
	kg_engine_finish(r.engine, &r.report);
	/* web is selected by its labels, quiet silenced by its annotation */
	CHECK_INT(th_count(&r, "network.pod-not-isolated"), 0);
	CHECK_INT(th_count(&r, "rbac.workload-sa-dangerous"), 2);
	const struct kg_finding *f = th_get(&r, "rbac.workload-sa-dangerous", 0);
	CHECK(f && !strcmp(f->path, LONG_BASE ".template.spec.serviceAccountName"));
	th_free(&r);
}

/* Over the clone budget (200,000 nodes, aliases expanded) the record is read from the trimmed
 * clone, as before: the labels written before the cut still select. */
TEST(object_over_clone_budget)
{
	static char yaml[65536];
	size_t n = (size_t)snprintf(yaml, sizeof(yaml), "%s",
				    NS "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
				       "metadata: {name: web, namespace: shop}\n"
				       "spec: {podSelector: {matchLabels: {app: web}}}\n---\n"
				       "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
				       "x: &a [");
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "%s1", i ? "," : "");
	/* 70 copies of 3,000 nodes: within go-yaml's alias ratio, over the budget */
	n += (size_t)snprintf(yaml + n, sizeof(yaml) - n,
			      "]\nspec: {template: {metadata: {labels: {app: web, big: [");
	for (int i = 0; i < 70; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "%s*a", i ? "," : "");
	snprintf(yaml + n, sizeof(yaml) - n, "]}}, spec: {containers: []}}}\n");
	struct th_run r;
	th_scan(&r, NULL, NULL, yaml);
	CHECK_INT((int)r.report.nerrors, 0);
	kg_engine_finish(r.engine, &r.report);
	CHECK_INT(th_count(&r, "network.pod-not-isolated"), 0);
	CHECK_INT(th_count(&r, "network.netpol-selects-nothing"), 0);
	th_free(&r);
}

