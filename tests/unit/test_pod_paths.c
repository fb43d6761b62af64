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

/* kg_object_init works the answers out once; an object filled by hand (pod_gen 0) works them
 * out per call. Both must agree, whatever the shape of the metadata. */
struct twin_run {
	int has_pod[2], located[2];
	struct kg_pod_ref ref[2];
	struct seen seen[2];
};

static int on_doc_twin(void *ctx, const struct kg_doc *doc)
{
	struct twin_run *t = ctx;
	struct kg_object obj[2];
	kg_object_init(&obj[0], doc->root, doc, NULL);
	obj[1] = obj[0];
	obj[1].pod_gen = 0;
	memset(&obj[1].pod, 0, sizeof(obj[1].pod));
	CHECK(obj[0].pod_gen != 0);
	for (int i = 0; i < 2; i++) {
		t->has_pod[i] = kg_kind_has_pod(&obj[i]);
		t->located[i] = kg_pod_locate(&obj[i], &t->ref[i]);
		kg_pod_each(&obj[i], on_pod, &t->seen[i]);
	}
	return 0;
}

TEST(cached_pod_answers_match_uncached)
{
	static const char *const docs[] = {
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n"
		"    metadata: {labels: {a: b}}\n    spec: {containers: []}\n",
		/* no template metadata: the walk writes the path up to the missing step */
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n"
		"    spec: {containers: []}\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {metadata: 3, spec: {}}}\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: 1}}\n",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n",
		"apiVersion: v1\nkind: Pod\nspec: {containers: []}\n",
		"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n"
		"      template: {spec: {containers: []}}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n",
	};
	for (size_t k = 0; k < sizeof(docs) / sizeof(docs[0]); k++) {
		struct twin_run t;
		memset(&t, 0, sizeof(t));
		struct kg_loader *L = kg_loader_new(NULL);
		struct kg_load_sink sink = { &t, on_doc_twin, on_error };
		kg_loader_buffer(L, "t.yaml", docs[k], strlen(docs[k]), &sink);
		kg_loader_free(L);
		CHECK_INT(t.has_pod[0], t.has_pod[1]);
		CHECK_INT(t.located[0], t.located[1]);
		CHECK(t.ref[0].spec == t.ref[1].spec && t.ref[0].meta == t.ref[1].meta &&
		      t.ref[0].spec_parent == t.ref[1].spec_parent);
		CHECK_STR(t.ref[0].spec_path ? t.ref[0].spec_path : "-", t.ref[1].spec_path ? t.ref[1].spec_path : "-");
		CHECK_STR(t.ref[0].meta_path ? t.ref[0].meta_path : "-", t.ref[1].meta_path ? t.ref[1].meta_path : "-");
		CHECK_INT(t.seen[0].n, t.seen[1].n);
		for (unsigned i = 0; i < t.seen[0].n && i < 8; i++) {
			CHECK_STR(t.seen[0].paths[i], t.seen[1].paths[i]);
			CHECK_STR(t.seen[0].metas[i], t.seen[1].metas[i]);
			CHECK_INT(t.seen[0].has_meta[i], t.seen[1].has_meta[i]);
		}
	}
	/* the walk without metadata writes the path up to the first missing step */
	struct doc_run d;
	run(&d, "apiVersion: v1\nkind: PodTemplate\ntemplate: {spec: {}}\n");
	CHECK_INT(d.seen.n, 1);
	CHECK_STR(d.seen.metas[0], "template.metadata");
	CHECK(!d.seen.has_meta[0]);
}

/* An object set up before a location is registered does not keep the old answer. */
static int on_doc_late(void *ctx, const struct kg_doc *doc)
{
	int *out = ctx;
	struct kg_object obj;
	kg_object_init(&obj, doc->root, doc, NULL);
	out[0] = kg_kind_has_pod(&obj);
	static const struct kg_pod_path late[] = { { "late.example.io", "LateKind", "spec.pod", NULL } };
	kg_pod_paths_add(late, 1);
	struct kg_pod_ref ref;
	out[1] = kg_kind_has_pod(&obj);
	out[2] = kg_pod_locate(&obj, &ref);
	return 0;
}

TEST(registering_paths_makes_cached_answers_stale)
{
	static const char yaml[] = "apiVersion: late.example.io/v1\nkind: LateKind\nmetadata: {name: l}\n"
				   "spec: {pod: {containers: []}}\n";
	int out[3] = { -1, -1, -1 };
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_load_sink sink = { out, on_doc_late, on_error };
	kg_loader_buffer(L, "t.yaml", yaml, strlen(yaml), &sink);
	kg_loader_free(L);
	CHECK_INT(out[0], 0);
	CHECK_INT(out[1], 1);
	CHECK_INT(out[2], 1);
}
