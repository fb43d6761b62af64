/* api.field-type: values the API server's JSON decoder refuses for the fields kguard reads. */
#include "harness.h"
#include "scan_helper.h"

extern const struct kg_family kg_family_fieldtypes;

/* Findings of api.field-type for a Pod whose spec is `spec` (indented two spaces). */
static unsigned pod_findings(struct th_run *r, const char *spec)
{
	char yaml[2048];
	snprintf(yaml, sizeof(yaml), "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n%s", spec);
	th_scan(r, &kg_family_fieldtypes, NULL, yaml);
	return th_count(r, "api.field-type");
}

static void expect(const char *spec, unsigned n)
{
	struct th_run r;
	unsigned got = pod_findings(&r, spec);
	if (got != n) {
		fprintf(stderr, "  %u findings, expected %u, for:\n%s", got, n, spec);
		for (size_t i = 0; i < r.report.nfindings; i++)
			fprintf(stderr, "    %s\n", r.report.findings[i].message);
		kg_test_failed++;
	}
	th_free(&r);
}

/* Findings of api.field-type for a whole document. */
static unsigned doc_findings(const char *yaml)
{
	struct th_run r;
	th_scan(&r, &kg_family_fieldtypes, NULL, yaml);
	unsigned n = th_count(&r, "api.field-type");
	th_free(&r);
	return n;
}

TEST(integer_fields_take_whole_numbers_in_range)
{
	/* int64 */
	expect("  securityContext: {runAsUser: 1000}\n", 0);
	expect("  securityContext: {runAsUser: 9223372036854775807}\n", 0);
	expect("  securityContext: {runAsUser: -9223372036854775808}\n", 0);
	expect("  securityContext: {runAsUser: 9223372036854775808}\n", 1); /* above int64 */
	expect("  securityContext: {runAsUser: 1e3}\n", 0);                 /* JSON 1000 */
	expect("  securityContext: {runAsUser: 1.0}\n", 0);
	expect("  securityContext: {runAsUser: 1.5}\n", 1);
	expect("  securityContext: {runAsUser: 1e300}\n", 1);
	expect("  securityContext: {runAsUser: \"1000\"}\n", 1);
	expect("  securityContext: {runAsUser: true}\n", 1);
	expect("  securityContext: {runAsUser: 0x10}\n", 0); /* YAML 1.1 hex: an integer */
	/* int32 */
	expect("  containers: [{name: a, ports: [{containerPort: 2147483647}]}]\n", 0);
	expect("  containers: [{name: a, ports: [{containerPort: 2147483648}]}]\n", 1);
	expect("  containers: [{name: a, ports: [{containerPort: -2147483648}]}]\n", 0);
	expect("  containers: [{name: a, ports: [{containerPort: -2147483649}]}]\n", 1);
	expect("  containers: [{name: a, ports: [{containerPort: 2147483647.0}]}]\n", 0);
	expect("  containers: [{name: a, ports: [{containerPort: 2147483648.0}]}]\n", 1);
}

TEST(null_is_always_accepted)
{
	expect("  hostNetwork: null\n  securityContext: ~\n  containers: [{name: a, args: [x, null], env: [{name: E, value: }]}]\n",
	       0);
}

TEST(scalars_of_the_wrong_type)
{
	expect("  hostNetwork: \"true\"\n", 1);
	expect("  hostNetwork: yes\n", 0);     /* YAML 1.1: a boolean */
	expect("  hostNetwork: 1\n", 1);
	expect("  serviceAccountName: 123\n", 1);
	expect("  serviceAccountName: \"123\"\n", 0);
	expect("  containers: [{name: a, env: [{name: E, value: on}]}]\n", 1); /* a boolean in YAML 1.1 */
	expect("  containers: [{name: a, env: [{name: E, value: \"on\"}]}]\n", 0);
	expect("  containers: [{name: a, image: 1.10}]\n", 1);
}

TEST(collections_of_the_wrong_shape)
{
	expect("  containers: {name: a}\n", 1);
	expect("  securityContext: [runAsUser]\n", 1);
	expect("  containers: [{name: a, securityContext: {capabilities: {drop: ALL}}}]\n", 1);
	expect("  containers: [{name: a, securityContext: {capabilities: {drop: [ALL, 1]}}}]\n", 1);
	expect("  securityContext: {supplementalGroups: [1, \"2\", 3.5]}\n", 2);
	expect("  nodeSelector: {zone: 1}\n", 1);
	expect("  containers: [x]\n", 1); /* an item that is not an object */
}

TEST(fields_outside_the_tables_are_not_judged)
{
	/* quantities and named ports take either type; unknown keys are not this rule's business */
	expect("  containers: [{name: a, resources: {limits: {cpu: 1, memory: 1Gi}}, "
	       "livenessProbe: {httpGet: {port: http}}}]\n  someFutureField: 1\n",
	       0);
}

TEST(paths_name_the_container_and_start_inside_it)
{
	struct th_run r;
	CHECK_INT(pod_findings(&r, "  containers:\n  - name: web\n  - name: app\n    env:\n    - {name: A, value: 1}\n"), 1);
	const struct kg_finding *f = th_get(&r, "api.field-type", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->path, "spec.containers[1].env[0].value");
		CHECK_STR(f->container, "app");
		CHECK(!strncmp(f->message, "env[0].value is a number (1), but", 33));
		CHECK_INT(f->line, 9);
	}
	th_free(&r);
}

TEST(labels_and_annotations_of_every_object)
{
	struct th_run r;
	th_scan(&r, &kg_family_fieldtypes, NULL,
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {a: \"x\", b: 2, c: }\n"
		"  annotations: {d: false}\n");
	CHECK_INT(th_count(&r, "api.field-type"), 2);
	CHECK(th_has(&r, "api.field-type", "labels.b is a number (2)"));
	CHECK(th_has(&r, "api.field-type", "annotations.d is a boolean (false)"));
	th_free(&r);
	/* an object without apiVersion or kind is not a Kubernetes object: not judged */
	CHECK_INT(doc_findings("metadata:\n  labels: {b: 2}\n"), 0);
}

TEST(pod_templates_nested_in_workloads)
{
	struct th_run r;
	th_scan(&r, &kg_family_fieldtypes, NULL,
		"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: j}\nspec:\n  jobTemplate:\n    spec:\n"
		"      template:\n        metadata: {labels: {v: 1}}\n        spec:\n          hostPID: \"no\"\n");
	CHECK_INT(th_count(&r, "api.field-type"), 2);
	const struct kg_finding *f = th_get(&r, "api.field-type", 1);
	CHECK(f && !strcmp(f->path, "spec.jobTemplate.spec.template.spec.hostPID"));
	th_free(&r);
}

TEST(top_level_fields_of_other_kinds)
{
	CHECK_INT(doc_findings("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
			       "data: {a: 1, b: \"2\", c: true, d: }\nbinaryData: {e: 3}\nimmutable: \"yes\"\n"),
		  4);
	CHECK_INT(doc_findings("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: 1}\nstringData: {b: no}\n"), 2);
	CHECK_INT(doc_findings("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\n"
			       "rules: [{apiGroups: [\"\"], resources: pods, verbs: [get, 1]}]\n"),
		  2);
	CHECK_INT(doc_findings("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\n"
			       "subjects: [{kind: Group, name: 1}]\nroleRef: {kind: ClusterRole, name: [x]}\n"),
		  2);
	CHECK_INT(doc_findings("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
			       "spec: {ports: [{port: \"80\", targetPort: http, nodePort: 3e4}], selector: {app: 1},"
			       " externalIPs: 1.2.3.4}\n"),
		  3);
	CHECK_INT(doc_findings("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\n"
			       "spec: {podSelector: {matchLabels: {app: 1}}, policyTypes: Ingress}\n"),
		  2);
	CHECK_INT(doc_findings("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n"
			       "spec: {tls: [{hosts: example.com, secretName: 1}]}\n"),
		  2);
	/* the same kind names in other API groups are other types */
	CHECK_INT(doc_findings("apiVersion: example.com/v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n"), 0);
	CHECK_INT(doc_findings("apiVersion: v1\nkind: Role\nmetadata: {name: r}\nrules: [{verbs: get}]\n"), 0);
}

TEST(yaml_1_1_words_are_not_strings)
{
	/* n, y, no, off... are booleans to go-yaml v2: a name `n` is refused by the API server */
	CHECK_INT(doc_findings("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\n"), 1);
	CHECK_INT(doc_findings("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"n\"}\n"), 0);
}

TEST(workload_specs_around_the_template)
{
	/* spec fields of the workload itself, each kind with its own fields, and the template too */
	CHECK_INT(doc_findings("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
			       "spec: {replicas: \"3\", paused: \"no\", serviceName: 1,\n"
			       "  template: {spec: {containers: [{name: a, args: [1]}]}}}\n"),
		  3); /* serviceName is a StatefulSet field: unknown to a Deployment, not a type error */
	CHECK_INT(doc_findings("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\n"
			       "spec: {replicas: 1.5, serviceName: 1}\n"),
		  2);
	CHECK_INT(doc_findings("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n"
			       "spec: {schedule: 5, jobTemplate: {spec: {backoffLimit: \"2\", completions: 2.0}}}\n"),
		  2);
	CHECK_INT(doc_findings("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {parallelism: 2, suspend: true}\n"),
		  0);
}
