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


#include "rules/cluster_priv.h"

extern const struct kg_family kg_family_cluster;

/* Workload records live in blocks: indexes across block boundaries read what was written, and a
 * new record starts zeroed. Namespace ids count from 0 in order of first sight, through the id
 * table's growth. Interned strings are one copy per content and length, through the string
 * table's growth. */
TEST(state_tables)
{
	struct kg_scan_opts opts = { 0 };
	struct kg_cluster_state *s = kg_family_cluster.state_new(&opts);
	size_t n = 3 * KG_WL_BLOCK + 5;
	for (size_t i = 0; i < n; i++) {
		struct kg_workload *w = kg_wl_push(s);
		CHECK(w->r.line == 0 && w->r.flags == 0 && !w->sa && !w->labels);
		w->r.line = (uint32_t)i;
		w->r.flags = (uint8_t)i;
	}
	CHECK(s->workloads.n == n);
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok &= kg_wl(s, i)->r.line == i && kg_wl(s, i)->r.flags == (uint8_t)i;
	CHECK(ok);
	CHECK(kg_wl(s, 1) == kg_wl(s, 0) + 1);

	char name[32];
	const char *first[300];
	for (uint32_t i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "ns-%u", i);
		first[i] = kg_cluster_ns(s, name);
		CHECK_INT((int)kg_ns_id(s, first[i]), (int)i);
	}
	ok = true;
	for (uint32_t i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "ns-%u", i);
		ok &= kg_cluster_ns(s, name) == first[i] && kg_ns_id(s, first[i]) == i && s->nss.pairs.v[i].a == first[i];
	}
	CHECK(ok);
	CHECK_INT((int)s->nss.pairs.n, 300);

	const char *a = kg_cluster_str(s, "abc", 3), *b = kg_cluster_str(s, "abc", 2);
	CHECK(a != b && !strcmp(a, "abc") && !strcmp(b, "ab"));
	CHECK(kg_cluster_str(s, "abcd", 3) == a && kg_cluster_str(s, "ab", 2) == b);
	CHECK(s->strs.cap >= 512); /* grown past the first table */
	kg_family_cluster.state_free(s);
}

/* Over several blocks of workload records and namespaces: each pod is judged against the
 * policies of its own namespace only. */
TEST(many_workloads_by_namespace)
{
	static const char *const nss[] = { "shop", "other", "default" };
	size_t size = 1 << 20, n = 0;
	char *yaml = malloc(size);
	n += (size_t)snprintf(yaml + n, size - n, "%s",
			      NS "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
				 "metadata: {name: web, namespace: shop}\nspec: {podSelector: {matchLabels: {app: web}}}\n---\n"
				 "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
				 "metadata: {name: none, namespace: other}\nspec: {podSelector: {matchLabels: {app: x}}}\n---\n");
	for (int i = 0; i < 600; i++)
		n += (size_t)snprintf(yaml + n, size - n,
				      "apiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: %s, labels: {app: %s}}\n"
				      "spec: {containers: []}\n---\n",
				      i, nss[i % 3], i % 2 ? "api" : "web");
	struct th_run r;
	th_scan(&r, NULL, NULL, yaml);
	kg_engine_finish(r.engine, &r.report);
	/* shop: the 100 api pods; other: its 200 pods; default: neither declared nor with a policy */
	CHECK_INT(th_count(&r, "network.pod-not-isolated"), 300);
	CHECK(th_has(&r, "network.pod-not-isolated", "Pod shop/p3 is selected"));
	CHECK(th_has(&r, "network.pod-not-isolated", "Pod other/p4 is selected"));
	CHECK(!th_has(&r, "network.pod-not-isolated", "Pod shop/p0 is"));
	CHECK_INT(th_count(&r, "network.netpol-selects-nothing"), 1);
	CHECK(th_has(&r, "network.netpol-selects-nothing", "NetworkPolicy other/none"));
	th_free(&r);
	free(yaml);
}

/* Binding subjects naming service accounts, in each form: the account itself, the user
 * system:serviceaccount:NS:NAME, the groups system:serviceaccounts:NS, system:serviceaccounts and
 * system:authenticated; a RoleBinding grants in its namespace to accounts of any namespace. Other
 * users and groups, a user name with a third colon, and an account of the same name in another
 * namespace name nobody here. */
TEST(binding_subject_forms)
{
	static const char *const subjects[] = {
		"{kind: ServiceAccount, name: app, namespace: shop}",
		"{kind: User, name: 'system:serviceaccount:shop:app'}",
		"{kind: Group, name: 'system:serviceaccounts:shop'}",
		"{kind: Group, name: 'system:serviceaccounts'}",
		"{kind: Group, name: 'system:authenticated'}",
		"{kind: User, name: 'system:serviceaccount:shop:app:x'}",
		"{kind: User, name: alice}",
		"{kind: Group, name: 'system:masters'}",
		"{kind: Group, name: 'system:serviceaccounts:web'}",
		"{kind: ServiceAccount, name: app, namespace: web}",
		"{kind: ServiceAccount, name: app}", /* the RoleBinding's namespace: prod */
	};
	for (size_t i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		char yaml[1024];
		snprintf(yaml, sizeof(yaml),
			 "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n"
			 "spec: {serviceAccountName: app, containers: []}\n---\n"
			 "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: prod}\n"
			 "rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]\n---\n"
			 "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: prod}\n"
			 "subjects: [%s]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\n",
			 subjects[i]);
		struct th_run r;
		th_scan(&r, NULL, NULL, yaml);
		kg_engine_finish(r.engine, &r.report);
		unsigned want = i < 5 ? 1 : 0;
		if (th_count(&r, "rbac.workload-sa-dangerous") != want)
			fprintf(stderr, "  subject %s\n", subjects[i]);
		CHECK_INT(th_count(&r, "rbac.workload-sa-dangerous"), want);
		if (want)
			CHECK(th_has(&r, "rbac.workload-sa-dangerous", "can get Secrets in namespace prod via RoleBinding b"));
		th_free(&r);
	}
}
