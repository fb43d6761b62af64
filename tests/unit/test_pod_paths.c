/* Pod-template locations: built-in CRDs, alternatives, fan-out ("[]" and "*"), registered paths. */
#include "harness.h"

#include <stdio.h>

#include "core/k8s.h"
#include "core/load.h"

struct seen {
	char paths[8][200];
	char metas[8][200];
	int has_meta[8];
	unsigned n;
};

static void on_pod(void *ctx, const struct kg_pod_ref *ref)
{
	struct seen *s = ctx;
	if (s->n < 8) {
		snprintf(s->paths[s->n], sizeof(s->paths[0]), "%s", ref->spec_path);
		snprintf(s->metas[s->n], sizeof(s->metas[0]), "%s", ref->meta_path ? ref->meta_path : "");
		s->has_meta[s->n] = ref->meta != NULL;
	}
	s->n++;
}

struct doc_run {
	struct seen seen;
	int located;
	const char *located_path;
	char located_buf[200];
	int has_pod;
};

static int on_doc(void *ctx, const struct kg_doc *doc)
{
	struct doc_run *d = ctx;
	struct kg_object obj;
	struct kg_pod_ref ref;
	kg_object_init(&obj, doc->root, doc, NULL);
	d->has_pod = kg_kind_has_pod(&obj);
	d->located = kg_pod_locate(&obj, &ref);
	snprintf(d->located_buf, sizeof(d->located_buf), "%s", ref.spec_path ? ref.spec_path : "");
	kg_pod_each(&obj, on_pod, &d->seen);
	return 0;
}

static void on_error(void *ctx, const struct kg_diag *diag)
{
	(void)ctx;
	fprintf(stderr, "  load error: %u:%u %s\n", diag->line, diag->col, diag->message);
	kg_test_failed++;
}

static void run(struct doc_run *d, const char *yaml)
{
	memset(d, 0, sizeof(*d));
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_load_sink sink = { d, on_doc, on_error };
	kg_loader_buffer(L, "t.yaml", yaml, strlen(yaml), &sink);
	kg_loader_free(L);
}

TEST(core_kinds_unchanged)
{
	struct doc_run d;
	run(&d, "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n"
		"      template:\n        metadata: {labels: {a: b}}\n        spec: {containers: []}\n");
	CHECK(d.has_pod);
	CHECK(d.located);
	CHECK_STR(d.located_buf, "spec.jobTemplate.spec.template.spec");
	CHECK_INT(d.seen.n, 1);
	CHECK_STR(d.seen.paths[0], "spec.jobTemplate.spec.template.spec");
	CHECK_STR(d.seen.metas[0], "spec.jobTemplate.spec.template.metadata");
	CHECK(d.seen.has_meta[0]);
}

TEST(alternatives_take_the_one_that_exists)
{
	struct doc_run d;
	run(&d, "apiVersion: apps.kruise.io/v1alpha1\nkind: AdvancedCronJob\nmetadata: {name: a}\nspec:\n  template:\n"
		"    broadcastJobTemplate:\n      spec:\n        template:\n          spec: {containers: []}\n");
	CHECK(d.located);
	CHECK_STR(d.located_buf, "spec.template.broadcastJobTemplate.spec.template.spec");
	CHECK_INT(d.seen.n, 1);
	/* neither alternative present: has a pod kind, nothing located, spec_path of the first entry */
	run(&d, "apiVersion: apps.kruise.io/v1alpha1\nkind: AdvancedCronJob\nmetadata: {name: a}\nspec: {}\n");
	CHECK(d.has_pod);
	CHECK(!d.located);
	CHECK_STR(d.located_buf, "spec.template.jobTemplate.spec.template.spec");
	CHECK_INT(d.seen.n, 0);
}

TEST(fan_out_sequences_and_maps)
{
	struct doc_run d;
	run(&d, "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: v}\nspec:\n  tasks:\n"
		"  - template: {metadata: {name: a}, spec: {containers: []}}\n"
		"  - {name: no-template}\n"
		"  - template: {spec: {containers: []}}\n");
	CHECK(d.has_pod);
	CHECK(!d.located); /* fan-out kinds are only visible through kg_pod_each */
	CHECK_INT(d.seen.n, 2);
	CHECK_STR(d.seen.paths[0], "spec.tasks[0].template.spec");
	CHECK_STR(d.seen.metas[0], "spec.tasks[0].template.metadata");
	CHECK(d.seen.has_meta[0]);
	CHECK_STR(d.seen.paths[1], "spec.tasks[2].template.spec");
	CHECK(!d.seen.has_meta[1]);

	run(&d, "apiVersion: kubeflow.org/v1\nkind: TFJob\nmetadata: {name: t}\nspec:\n  tfReplicaSpecs:\n"
		"    PS: {template: {spec: {containers: []}}}\n    Worker: {template: {spec: {containers: []}}}\n");
	CHECK_INT(d.seen.n, 2);
	CHECK_STR(d.seen.paths[0], "spec.tfReplicaSpecs.PS.template.spec");
	CHECK_STR(d.seen.paths[1], "spec.tfReplicaSpecs.Worker.template.spec");

	/* the wrong shape at a fan-out step is skipped, not a crash */
	run(&d, "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: r}\nspec:\n  workerGroupSpecs: {a: 1}\n");
	CHECK_INT(d.seen.n, 0);
}

TEST(registered_paths_with_fan_out)
{
	static const struct kg_pod_path extra[] = {
		{ "example.com", "Fleet", "spec.pools[].pod.spec", "spec.pools[].pod.metadata" },
	};
	kg_pod_paths_add(extra, 1);
	struct doc_run d;
	run(&d, "apiVersion: example.com/v1\nkind: Fleet\nmetadata: {name: f}\nspec:\n  pools:\n"
		"  - pod: {spec: {containers: []}}\n  - pod: {spec: {containers: []}}\n");
	CHECK(d.has_pod);
	CHECK_INT(d.seen.n, 2);
	CHECK_STR(d.seen.paths[1], "spec.pools[1].pod.spec");
	/* registering a built-in location again does not visit its pods twice */
	static const struct kg_pod_path again[] = {
		{ "argoproj.io", "Rollout", "spec.template.spec", "spec.template.metadata" },
	};
	kg_pod_paths_add(again, 1);
	run(&d, "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n"
		"  template: {spec: {containers: []}}\n");
	CHECK_INT(d.seen.n, 1);
	/* another group does not match */
	run(&d, "apiVersion: other.io/v1\nkind: Fleet\nmetadata: {name: f}\nspec: {pools: []}\n");
	CHECK(!d.has_pod);
}

/* API groups are compared whole, however long (DNS subdomains go up to 253 bytes): a group that
 * shares its first 127 bytes with a registered one is another group. */
TEST(long_api_groups_compared_whole)
{
	static char group[202], other[202]; /* 201 bytes and the NUL */
	memset(group, 'g', 190);
	memcpy(group + 190, ".example.io", 11);
	memcpy(other, group, sizeof(other));
	other[150] = 'x';
	static const struct kg_pod_path extra[] = {
		{ group, "LongFleet", "spec.pod.spec", "spec.pod.metadata" },
	};
	kg_pod_paths_add(extra, 1);
	char yaml[600];
	struct doc_run d;
	snprintf(yaml, sizeof(yaml), "apiVersion: %s/v1\nkind: LongFleet\nmetadata: {name: f}\nspec:\n"
		 "  pod: {spec: {containers: []}}\n", group);
	run(&d, yaml);
	CHECK(d.has_pod);
	CHECK_INT(d.seen.n, 1);
	snprintf(yaml, sizeof(yaml), "apiVersion: %s/v1\nkind: LongFleet\nmetadata: {name: f}\nspec:\n"
		 "  pod: {spec: {containers: []}}\n", other);
	run(&d, yaml);
	CHECK(!d.has_pod);
	CHECK_INT(d.seen.n, 0);
}
