/* The secrets family: env secret refs, literal credentials, ConfigMaps, annotations, Secrets. */
#include "harness.h"
#include "scan_helper.h"

extern const struct kg_family kg_family_secrets;

/* a made-up token, split so that secret scanners do not flag this source file */
#define GH "gh" "p_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"

TEST(env_secret_refs)
{
	struct th_run r;
	th_scan(&r, &kg_family_secrets, NULL,
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n"
		"      containers:\n      - name: app\n        image: x:1\n"
		"        env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef: {name: db, key: pw}\n"
		"        - name: MODE\n          valueFrom: {configMapKeyRef: {name: c, key: m}}\n"
		"        envFrom:\n        - configMapRef: {name: c}\n        - secretRef: {name: all}\n");
	CHECK_INT(r.handled, 1);
	CHECK_INT(th_count(&r, "secret.env-secret-ref"), 2);
	const struct kg_finding *f = th_get(&r, "secret.env-secret-ref", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "container 'app' reads Secret key db/pw into environment variable DB_PASSWORD; mount the "
				      "Secret as a file instead");
		CHECK_STR(f->path, "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef");
		CHECK_INT(f->line, 13);
		CHECK_INT(f->col, 27);
		CHECK_STR(f->container, "app");
	}
	CHECK(th_has(&r, "secret.env-secret-ref", "container 'app' imports every key of Secret 'all' as environment "
						  "variables (envFrom); mount the Secret as a volume instead"));
	th_free(&r);

	/* envFrom without env */
	th_scan(&r, &kg_family_secrets, NULL,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
		"  - {name: a, image: 'x:1', envFrom: [{secretRef: {name: foo}}]}\n");
	CHECK_INT(th_count(&r, "secret.env-secret-ref"), 1);
	th_free(&r);
}

TEST(literal_credentials_in_containers_are_redacted)
{
	struct th_run r;
	th_scan(&r, &kg_family_secrets, NULL,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n  - name: init\n    image: x:1\n"
		"    args: [--api-token, Qw7Er9Ty2Ui4Op6A, --verbose]\n"
		"  containers:\n  - name: app\n    image: x:1\n"
		"    env:\n    - {name: GITHUB_TOKEN, value: " GH "}\n    - {name: DB_PASSWORD, value: changeme}\n"
		"    - {name: LOG_LEVEL, value: debug}\n"
		"    command: [sh, -c, 'curl -u admin:Zx8Cv6Bn4Mq2Wp9 https://x']\n");
	CHECK_INT(th_count(&r, "secret.container-literal"), 2);
	const struct kg_finding *f = th_get(&r, "secret.container-literal", 1);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "container 'app' has a GitHub token (40 characters; redacted) in environment variable "
				      "GITHUB_TOKEN; move it into a Secret mounted as a file and rotate it");
		CHECK_STR(f->path, "spec.containers[0].env[0].value");
		CHECK_INT(f->line, 13);
		CHECK_INT(f->col, 35);
	}
	CHECK(th_has(&r, "secret.container-literal", "init container 'init' has a high-entropy value under key 'api-token' "
						     "(16 characters, 4.0 bits/char; redacted) in its args"));
	/* "admin:..." in a curl -u argument has no key: not reported (no false certainty) */
	CHECK(!th_any_message_has(&r, GH));
	CHECK(!th_any_message_has(&r, "Qw7Er9"));
	th_free(&r);
}

TEST(configmaps_annotations_and_last_applied)
{
	struct th_run r;
	th_scan(&r, &kg_family_secrets, NULL,
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  annotations:\n"
		"    kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"password\":\"Zq8#Lm2!Vx7@Pw4\"}}'\n"
		"    example.com/deploy-token: " GH "\n"
		"data:\n  app.ini: |\n    [db]\n    host = db\n    password = Zq8#Lm2!Vx7@Pw4\n"
		"  LOG: debug\n  password: changeme\n");
	CHECK_INT(r.handled, 1);
	CHECK_INT(th_count(&r, "secret.configmap-literal"), 1);
	const struct kg_finding *f = th_get(&r, "secret.configmap-literal", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "ConfigMap key 'app.ini' holds a high-entropy value under key 'password' (15 "
				      "characters, 3.9 bits/char; redacted) (line 3 of the value); move it into a Secret and "
				      "rotate it");
		CHECK_STR(f->path, "data.app.ini");
		CHECK_INT(f->line, 9);
	}
	CHECK_INT(th_count(&r, "secret.annotation-literal"), 1);
	CHECK(th_has(&r, "secret.annotation-literal", "annotation 'example.com/deploy-token' holds a GitHub token (40 "
						      "characters; redacted); remove it from the annotation, keep it in a "
						      "Secret and rotate it"));
	CHECK(!th_any_message_has(&r, "Zq8#"));
	th_free(&r);

	/* pod template annotations are checked; a Pod's own metadata only once */
	th_scan(&r, &kg_family_secrets, NULL,
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {vendor.io/api-key: Xk9mP2vL7qR4tW8z}\n"
		"spec:\n  containers: [{name: a, image: 'x:1'}]\n"
		"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n"
		"    metadata:\n      annotations: {vendor.io/api-key: Xk9mP2vL7qR4tW8z}\n"
		"    spec:\n      containers: [{name: a, image: 'x:1'}]\n");
	CHECK_INT(th_count(&r, "secret.annotation-literal"), 2);
	f = th_get(&r, "secret.annotation-literal", 1);
	CHECK(f != NULL);
	if (f)
		CHECK_STR(f->path, "spec.template.metadata.annotations.vendor.io/api-key");
	th_free(&r);
}

TEST(plain_secrets)
{
	struct th_run r;
	th_scan(&r, &kg_family_secrets, NULL,
		"apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ntype: Opaque\n"
		"data:\n  password: cGFzcw==\n  empty: \"\"\nstringData:\n  user: app\n"
		"---\napiVersion: v1\nkind: Secret\nmetadata: {name: sa-token}\ntype: kubernetes.io/service-account-token\n"
		"---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s}\n"
		"spec: {encryptedData: {password: AgBy8hCi}}\n"
		"---\napiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata: {name: e}\nspec: {}\n");
	CHECK_INT(th_count(&r, "secret.plain-secret"), 1);
	const struct kg_finding *f = th_get(&r, "secret.plain-secret", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "Secret 'db' (type Opaque) commits 2 values in plain text (data: password; stringData: "
				      "user); replace it with a SealedSecret, SOPS file or ExternalSecret and rotate the values");
		CHECK_STR(f->path, "data");
		CHECK_INT(f->line, 6);
	}
	CHECK_INT(r.handled, 2); /* the two Secrets; SealedSecret and ExternalSecret are not ours */
	th_free(&r);
}

TEST(engine_registers_the_family)
{
	struct th_run r;
	th_scan(&r, NULL, NULL, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n");
	CHECK_INT(th_count(&r, "secret.plain-secret"), 1);
	th_free(&r);
	CHECK(kg_rule_find("secret.env-secret-ref") != NULL);
	CHECK(kg_rule_find("secret.annotation-literal") != NULL);
}
