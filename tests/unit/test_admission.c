/* kguard serve's admission core: policy keys (errors with positions), settings per namespace,
 * decisions on real objects (deny, warn, ratchet, inline suppressions, CONNECT, exemptions), the
 * JSON Patch of secure defaults (escaping, parent creation, exclusions), re-validated after a
 * test-side patch application, and the AdmissionReview writer. */
#include "harness.h"

#include "admission/config.h"
#include "admission/eval.h"
#include "admission/review.h"
#include "core/k8s.h"
#include "core/load.h"
#include "rules/policy.h"

static struct kg_policy *parse(const char *text, struct kg_diag *d)
{
	return kg_policy_parse("p.yaml", text, strlen(text), d);
}

static void fails(const char *text, const char *msg, unsigned line, unsigned col, int at)
{
	struct kg_diag d;
	struct kg_policy *p = parse(text, &d);
	if (p) {
		fprintf(stderr, "  test_admission.c:%d: policy loaded, expected \"%s\"\n", at, msg);
		kg_test_failed++;
		kg_policy_free(p);
		return;
	}
	if (strcmp(d.message, msg) || d.line != line || d.col != col || !d.file || strcmp(d.file, "p.yaml")) {
		fprintf(stderr, "  test_admission.c:%d: got %s:%u:%u: %s\n  expected p.yaml:%u:%u: %s\n", at,
			d.file ? d.file : "(null)", d.line, d.col, d.message, line, col, msg);
		kg_test_failed++;
	}
}
#define FAILS(text, msg, line, col) fails(text, msg, line, col, __LINE__)

TEST(policy_key_errors)
{
	FAILS("serve:\n  pss:\n    enforce: strict\n", "serve.pss.enforce must be privileged, baseline or restricted", 3, 14);
	FAILS("serve:\n  pss:\n    warn-version: \"1.29\"\n",
	      "serve.pss.warn-version must be v1.0 ... v1.37 or latest (quote it)", 3, 19);
	FAILS("serve:\n  pss:\n    audit-version: v1.99\n",
	      "serve.pss.audit-version must be v1.0 ... v1.37 or latest (quote it)", 3, 20);
	FAILS("serve:\n  pss:\n    enforcee: baseline\n",
	      "unknown key 'enforcee' in serve.pss (expected one of: enforce, enforce-version, warn, warn-version, "
	      "audit, audit-version)",
	      3, 5);
	FAILS("serve:\n  pss: restricted\n", "serve.pss must be an object, not string", 2, 8);
	FAILS("serve:\n  rules:\n    rbac.secret-read: enforce\n",
	      "unknown rule id 'rbac.secret-read' (did you mean 'rbac.secrets-read'?)", 3, 5);
	FAILS("serve:\n  rules:\n    \"rbca.*\": enforce\n", "rule pattern 'rbca.*' matches no rule (see `kguard rules`)", 3, 5);
	FAILS("serve:\n  rules:\n    \"pss.*\": warn\n",
	      "serve.rules: 'pss.*' names only Pod Security rules, which follow serve.pss", 3, 5);
	FAILS("serve:\n  rules:\n    \"rbac.*\": deny\n", "a serve.rules value must be enforce, warn, audit or off", 3, 15);
	FAILS("serve:\n  mutate:\n    seccomp: true\n",
	      "unknown key 'seccomp' in serve.mutate (expected one of: allowPrivilegeEscalation, seccompProfile, "
	      "dropAllCapabilities, imagePullPolicyAlways, automountServiceAccountToken)",
	      3, 5);
	FAILS("serve:\n  mutate:\n    seccompProfile: \"yes\"\n", "serve.mutate.seccompProfile must be true or false", 3, 21);
	FAILS("serve:\n  connect:\n    shell: enforce\n",
	      "unknown key 'shell' in serve.connect (expected one of: exec, attach, portforward)", 3, 5);
	FAILS("serve:\n  connect:\n    exec: block\n", "a serve.connect value must be enforce, warn, audit or allow", 3, 11);
	FAILS("serve:\n  updates: partial\n", "serve.updates must be ratchet or full", 2, 12);
	FAILS("serve:\n  inlineSuppressions: yes\n", "serve.inlineSuppressions must be nonEnforced, all or none", 2, 23);
	FAILS("serve:\n  exemptions:\n    users: [a]\n",
	      "unknown key 'users' in serve.exemptions (expected one of: usernames, namespaces, runtimeClasses)", 3, 5);
	FAILS("serve:\n  exemptions:\n    namespaces: kube-system\n",
	      "serve.exemptions.namespaces must be a list of strings, not string", 3, 17);
	FAILS("serve:\n  exemptions:\n    runtimeClasses: [kata, 3]\n",
	      "serve.exemptions.runtimeClasses must be a list of strings; item 1 is integer", 3, 28);
	FAILS("serve:\n  enforce: restricted\n",
	      "unknown key 'enforce' in 'serve' (expected one of: mode, failOn, namespaces, pss, rules, updates, mutate, "
	      "connect, inlineSuppressions, exemptions)",
	      2, 3);
	FAILS("serve:\n  namespaces:\n    - names: [a]\n      exemptions: {namespaces: [b]}\n",
	      "unknown key 'exemptions' in a serve.namespaces entry (expected one of: names, mode, failOn, pss, rules, "
	      "updates, mutate, connect, inlineSuppressions)",
	      4, 7);
	FAILS("serve:\n  namespaces:\n    - names: [a]\n      pss: {enforce: none}\n",
	      "serve.pss.enforce must be privileged, baseline or restricted", 4, 22);
}

static struct kg_adm_config *config(const char *text)
{
	struct kg_diag d;
	struct kg_policy *p = NULL;
	if (text && !(p = parse(text, &d))) {
		fprintf(stderr, "  policy failed: %u:%u: %s\n", d.line, d.col, d.message);
		kg_test_failed++;
		return NULL;
	}
	struct kg_adm_config *c = kg_adm_config_new(p, &d);
	CHECK(c != NULL);
	return c;
}

TEST(settings)
{
	struct kg_adm_config *c = config(NULL);
	if (!c)
		return;
	const struct kg_adm_settings *s = kg_adm_config_for(c, "default");
	char lvl[48];
	kg_adm_level_name(&s->pss[KG_ADM_PSS_ENFORCE], lvl, sizeof(lvl));
	CHECK_STR(lvl, "restricted:latest");
	CHECK_INT(kg_adm_rule_action(s, kg_rule_find("rbac.wildcard-all"), KG_SEV_CRITICAL), KG_ADM_WARN);
	CHECK_INT(kg_adm_rule_action(s, kg_rule_find("secret.plain-secret"), KG_SEV_HIGH), KG_ADM_OFF);
	CHECK(s->ratchet);
	CHECK_INT(s->mutate, 0);
	kg_adm_config_free(c);

	c = config("serve:\n  mode: enforce\n  failOn: high\n  rules:\n    \"image.*\": audit\n    image.latest-tag: warn\n"
		   "    \"*\": enforce\n  namespaces:\n    - names: [\"dev-*\"]\n      mode: warn\n"
		   "      pss: {enforce: baseline, enforce-version: v1.25}\n      mutate: true\n");
	if (!c)
		return;
	s = kg_adm_config_for(c, "prod");
	/* patterns in file order, the later wins; an exact id beats every pattern */
	CHECK_INT(kg_adm_rule_action(s, kg_rule_find("image.no-digest"), KG_SEV_HIGH), KG_ADM_ENFORCE);
	CHECK_INT(kg_adm_rule_action(s, kg_rule_find("image.latest-tag"), KG_SEV_HIGH), KG_ADM_WARN);
	/* below failOn an enforced rule is a warning */
	CHECK_INT(kg_adm_rule_action(s, kg_rule_find("rbac.wildcard-all"), KG_SEV_MEDIUM), KG_ADM_WARN);
	CHECK_INT(kg_adm_rule_action(s, kg_rule_find("rbac.wildcard-all"), KG_SEV_CRITICAL), KG_ADM_ENFORCE);
	const struct kg_adm_settings *dev = kg_adm_config_for(c, "dev-1");
	CHECK(dev != s);
	kg_adm_level_name(&dev->pss[KG_ADM_PSS_ENFORCE], lvl, sizeof(lvl));
	CHECK_STR(lvl, "baseline:v1.25");
	kg_adm_level_name(&dev->pss[KG_ADM_PSS_WARN], lvl, sizeof(lvl));
	CHECK_STR(lvl, "restricted:latest");
	CHECK_INT(dev->mutate, 0x1f);
	/* a namespace entry that sets mode replaces the top level's serve.rules */
	CHECK_INT(kg_adm_rule_action(dev, kg_rule_find("image.no-digest"), KG_SEV_HIGH), KG_ADM_WARN);
	kg_adm_config_free(c);

	c = config("serve:\n  exemptions:\n    usernames: [\"system:serviceaccount:kube-system:*\"]\n"
		   "    namespaces: [kube-system]\n    runtimeClasses: [kata]\n");
	if (!c)
		return;
	CHECK_INT(kg_adm_config_exempt(c, "system:serviceaccount:kube-system:x", "a"), KG_ADM_EXEMPT_USER);
	CHECK_INT(kg_adm_config_exempt(c, "alice", "kube-system"), KG_ADM_EXEMPT_NAMESPACE);
	CHECK_INT(kg_adm_config_exempt(c, "alice", "default"), KG_ADM_NOT_EXEMPT);
	CHECK(kg_adm_config_exempt_runtime_class(c, "kata"));
	CHECK(!kg_adm_config_exempt_runtime_class(c, "runc"));
	kg_adm_config_free(c);
}

/* ---- decisions ---- */

static struct kg_adm_worker *worker(void)
{
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	return kg_adm_worker_new(&lim);
}

static int decide(struct kg_adm_worker *w, const struct kg_adm_config *c, const char *review, bool mutate,
		  struct kg_adm_decision *d, struct kg_adm_request *rq)
{
	const struct kg_node *root;
	struct kg_diag err;
	if (kg_adm_worker_parse(w, review, strlen(review), &root, &err)) {
		fprintf(stderr, "  bad test JSON: %u:%u: %s\n", err.line, err.col, err.message);
		kg_test_failed++;
		return -1;
	}
	char msg[128];
	if (kg_adm_request_parse(root, rq, msg, sizeof(msg))) {
		fprintf(stderr, "  not a review: %s\n", msg);
		kg_test_failed++;
		return -1;
	}
	if (mutate)
		kg_adm_mutate(w, c, rq, d);
	else
		kg_adm_validate(w, c, rq, d);
	return 0;
}

#define REVIEW(op, obj, old) \
	"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u1\"," \
	"\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"resource\":{\"resource\":\"pods\"}," \
	"\"namespace\":\"ns\",\"operation\":\"" op "\",\"userInfo\":{\"username\":\"bob\"},\"object\":" obj \
	",\"oldObject\":" old "}}"
#define POD(extra_meta, sc, containers) \
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"" extra_meta "},\"spec\":{" \
	"\"securityContext\":" sc ",\"containers\":[" containers "]}}"
#define GOOD_SC "{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}"
#define GOOD_C(name, extra) \
	"{\"name\":\"" name "\",\"image\":\"r.example.com/a:1@sha256:aaaa\",\"securityContext\":{\"allowPrivilegeEscalation\":false," \
	"\"capabilities\":{\"drop\":[\"ALL\"]}" extra "}}"

static size_t count_action(const struct kg_adm_decision *d, enum kg_adm_action a, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nitems; i++)
		if (d->items[i].action == a && (!rule || !strcmp(d->items[i].f->rule_id, rule)))
			n++;
	return n;
}

static const struct kg_adm_item *find_item(const struct kg_adm_decision *d, const char *rule)
{
	for (size_t i = 0; i < d->nitems; i++)
		if (!strcmp(d->items[i].f->rule_id, rule))
			return &d->items[i];
	return NULL;
}

TEST(validate_deny_warn_ratchet)
{
	struct kg_adm_config *c = config(NULL);
	struct kg_adm_worker *w = worker();
	struct kg_adm_decision d;
	struct kg_adm_request rq;
	if (!c)
		return;
	if (!decide(w, c, REVIEW("CREATE", POD("", GOOD_SC, GOOD_C("a", "")), "null"), false, &d, &rq)) {
		CHECK(d.allowed);
		CHECK_INT(d.ndeny, 0);
	}
	if (!decide(w, c, REVIEW("CREATE", POD("", GOOD_SC, GOOD_C("a", ",\"privileged\":true")), "null"), false, &d, &rq)) {
		CHECK(!d.allowed);
		CHECK_INT(d.code, 403);
		CHECK_INT(count_action(&d, KG_ADM_ENFORCE, "pss.privileged"), 1);
		CHECK(strstr(d.resp.message, "Pod \"p\" in namespace \"ns\" violates the kguard policy (1 finding): "
					     "[pss.privileged] violates PodSecurity \"restricted:latest\": ") == d.resp.message);
		CHECK_INT(d.resp.ncauses, 1);
		CHECK_STR(d.resp.causes[0].field, "spec.containers[0].securityContext.privileged");
		/* the same finding is not repeated as a warning */
		CHECK_INT(count_action(&d, KG_ADM_WARN, "pss.privileged"), 0);
		CHECK_INT(count_action(&d, KG_ADM_AUDIT, "pss.privileged"), 1);
	}
	/* UPDATE: the old object had it, nothing new: admitted with a warning */
	if (!decide(w, c,
		    REVIEW("UPDATE", POD(",\"labels\":{\"a\":\"b\"}", GOOD_SC, GOOD_C("a", ",\"privileged\":true")),
			   POD("", GOOD_SC, GOOD_C("a", ",\"privileged\":true"))),
		    false, &d, &rq)) {
		CHECK(d.allowed);
		CHECK_INT(count_action(&d, KG_ADM_WARN, "pss.privileged"), 1);
		const struct kg_adm_item *it = find_item(&d, "pss.privileged");
		CHECK(it && it->preexisting);
	}
	/* inline suppression of an enforced rule is refused, of a warned one honoured */
	if (!decide(w, c,
		    REVIEW("CREATE",
			   POD(",\"annotations\":{\"kguard.io/ignore\":\"pss.privileged: agent; workload.readonly-root-fs: ok\"}",
			       GOOD_SC, GOOD_C("a", ",\"privileged\":true")),
			   "null"),
		    false, &d, &rq)) {
		CHECK(!d.allowed);
		const struct kg_adm_item *it = find_item(&d, "pss.privileged");
		CHECK(it && it->inline_refused && it->action == KG_ADM_ENFORCE);
		CHECK(strstr(d.resp.message, "kguard.io/ignore does not waive") != NULL);
		CHECK_INT(count_action(&d, KG_ADM_WARN, "workload.readonly-root-fs"), 0);
	}
	if (!decide(w, c, REVIEW("CREATE", POD("", GOOD_SC, GOOD_C("a", "")), "null"), false, &d, &rq))
		CHECK_INT(count_action(&d, KG_ADM_WARN, "workload.readonly-root-fs"), 1);
	/* DELETE is not evaluated; a missing object is a 400 denial */
	if (!decide(w, c, REVIEW("DELETE", "null", POD("", GOOD_SC, GOOD_C("a", ",\"privileged\":true"))), false, &d, &rq)) {
		CHECK(d.allowed && !d.evaluated);
		CHECK_STR(d.skip, "DELETE is not checked");
	}
	if (!decide(w, c, REVIEW("CREATE", "null", "null"), false, &d, &rq)) {
		CHECK(!d.allowed);
		CHECK_INT(d.code, 400);
		CHECK_STR(d.resp.message, "kguard: request.object is missing");
	}
	if (!decide(w, c, REVIEW("CREATE", "[1]", "null"), false, &d, &rq))
		CHECK_STR(d.resp.message, "kguard: request.object is not a JSON object");
	kg_adm_worker_free(w);
	kg_adm_config_free(c);
}

TEST(connect_and_exempt)
{
	struct kg_adm_config *c = config("serve:\n  connect: {exec: enforce, attach: warn}\n"
					 "  exemptions: {runtimeClasses: [kata]}\n");
	struct kg_adm_worker *w = worker();
	struct kg_adm_decision d;
	struct kg_adm_request rq;
	if (!c)
		return;
	const char *exec = "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
			   "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"PodExecOptions\"},\"resource\":{\"resource\":"
			   "\"pods\"},\"subResource\":\"exec\",\"name\":\"web\",\"namespace\":\"prod\",\"operation\":\"CONNECT\"}}";
	if (!decide(w, c, exec, false, &d, &rq)) {
		CHECK(!d.allowed);
		CHECK_STR(d.resp.message, "pods/exec into pod \"web\" in namespace \"prod\" is not allowed by the kguard policy "
					  "(serve.connect.exec: enforce)");
		CHECK_STR(rq.api_version, "admission.k8s.io/v1beta1");
	}
	if (!decide(w, c,
		    REVIEW("CREATE", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"k\"},\"spec\":{"
				     "\"runtimeClassName\":\"kata\",\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"securityContext\":"
				     "{\"privileged\":true}}]}}",
			   "null"),
		    false, &d, &rq)) {
		CHECK(d.allowed);
		CHECK_INT(d.exempt, KG_ADM_EXEMPT_RUNTIME_CLASS);
		CHECK(d.resp.nannotations == 1 && !strcmp(d.resp.annotations[0].key, "exempt") &&
		      !strcmp(d.resp.annotations[0].value, "runtimeClass"));
	}
	kg_adm_worker_free(w);
	kg_adm_config_free(c);
}

/* ---- JSON Patch ---- */

static const struct kg_node *json(struct kg_loader *L, struct kg_arena *a, const char *text)
{
	const struct kg_node *root = NULL;
	struct kg_diag err;
	if (kg_json_parse(L, a, text, strlen(text), &root, &err)) {
		fprintf(stderr, "  bad JSON: %s\n", err.message);
		kg_test_failed++;
	}
	return root;
}

static int patch(const char *obj, const char *old, bool eph, unsigned mut, struct kg_buf *out, struct kg_buf *what)
{
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	kg_buf_reset(out);
	kg_buf_reset(what);
	int n = kg_adm_patch(json(L, &a, obj), old ? json(L, &a, old) : NULL, eph, "v1", "Pod", mut, out, what);
	kg_arena_release(&a);
	kg_loader_free(L);
	return n;
}

TEST(json_pointer_escaping)
{
	struct kg_buf b;
	kg_buf_init(&b, 0);
	kg_json_pointer_append(&b, "a/b~c", 5);
	kg_json_pointer_append(&b, "~/", 2);
	CHECK_STR(b.data, "/a~1b~0c/~0~1");
	kg_buf_release(&b);
}

TEST(patch_defaults)
{
	struct kg_buf out, what;
	kg_buf_init(&out, 0);
	kg_buf_init(&what, 0);
	/* no securityContext anywhere: created whole, one add per parent */
	int n = patch("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}}", NULL,
		      false, 0x1f, &out, &what);
	CHECK_INT(n, 4);
	CHECK_STR(out.data,
		  "[{\"op\":\"add\",\"path\":\"/spec/securityContext\",\"value\":{\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}},"
		  "{\"op\":\"add\",\"path\":\"/spec/automountServiceAccountToken\",\"value\":false},"
		  "{\"op\":\"add\",\"path\":\"/spec/containers/0/imagePullPolicy\",\"value\":\"Always\"},"
		  "{\"op\":\"add\",\"path\":\"/spec/containers/0/securityContext\",\"value\":{\"allowPrivilegeEscalation\":false,"
		  "\"capabilities\":{\"drop\":[\"ALL\"]}}}]");
	CHECK_STR(what.data, "allowPrivilegeEscalation,seccompProfile,dropAllCapabilities,imagePullPolicyAlways,"
			     "automountServiceAccountToken");
	/* existing parents get members; set fields are kept; privileged keeps allowPrivilegeEscalation unset */
	n = patch("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"spec\":{\"securityContext\":{\"runAsNonRoot\":true},"
		  "\"containers\":[{\"name\":\"a\",\"securityContext\":{\"privileged\":true,\"capabilities\":{\"add\":[\"NET_ADMIN\"]}}},"
		  "{\"name\":\"b\",\"imagePullPolicy\":\"IfNotPresent\",\"securityContext\":{\"allowPrivilegeEscalation\":true,"
		  "\"capabilities\":{\"drop\":[\"NET_RAW\"]}}}]}}",
		  NULL, false, KG_ADM_MUT_APE | KG_ADM_MUT_DROP_ALL | KG_ADM_MUT_SECCOMP | KG_ADM_MUT_PULL_ALWAYS, &out, &what);
	CHECK_INT(n, 3);
	CHECK_STR(out.data,
		  "[{\"op\":\"add\",\"path\":\"/spec/securityContext/seccompProfile\",\"value\":{\"type\":\"RuntimeDefault\"}},"
		  "{\"op\":\"add\",\"path\":\"/spec/containers/0/imagePullPolicy\",\"value\":\"Always\"},"
		  "{\"op\":\"add\",\"path\":\"/spec/containers/0/securityContext/capabilities/drop\",\"value\":[\"ALL\"]}]");
	/* Windows pods get no Linux fields; seccomp annotations block the seccompProfile default */
	n = patch("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"spec\":{\"os\":{\"name\":\"windows\"},\"containers\":[{\"name\":\"a\"}]}}",
		  NULL, false, KG_ADM_MUT_APE | KG_ADM_MUT_DROP_ALL | KG_ADM_MUT_SECCOMP, &out, &what);
	CHECK_INT(n, 0);
	CHECK_STR(out.data, "[]");
	n = patch("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"annotations\":{\"seccomp.security.alpha.kubernetes.io/pod\":"
		  "\"unconfined\"}},\"spec\":{\"containers\":[]}}",
		  NULL, false, KG_ADM_MUT_SECCOMP, &out, &what);
	CHECK_INT(n, 0);
	/* ephemeralcontainers: only the new ephemeral container */
	n = patch("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"spec\":{\"containers\":[{\"name\":\"a\"}],\"ephemeralContainers\":["
		  "{\"name\":\"old\"},{\"name\":\"new\"}]}}",
		  "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"old\"}]}}", true, KG_ADM_MUT_APE, &out, &what);
	CHECK_INT(n, 1);
	CHECK_STR(out.data, "[{\"op\":\"add\",\"path\":\"/spec/ephemeralContainers/1/securityContext\",\"value\":"
			    "{\"allowPrivilegeEscalation\":false}}]");
	kg_buf_release(&out);
	kg_buf_release(&what);
}

TEST(patch_escapes_custom_template_paths)
{
	/* a custom resource whose pod template sits under keys with '/' and '~' */
	static const struct kg_pod_path pp[] = { { "example.com", "Widget", "spec.a/b~c.template.spec", "spec.a/b~c.template.metadata" } };
	kg_pod_paths_add(pp, 1);
	struct kg_buf out, what;
	kg_buf_init(&out, 0);
	kg_buf_init(&what, 0);
	int n = patch("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"spec\":{\"a/b~c\":{\"template\":{\"spec\":{"
		      "\"containers\":[{\"name\":\"x\"}]}}}}}",
		      NULL, false, KG_ADM_MUT_NO_AUTOMOUNT, &out, &what);
	CHECK_INT(n, 1);
	CHECK_STR(out.data, "[{\"op\":\"add\",\"path\":\"/spec/a~1b~0c/template/spec/automountServiceAccountToken\",\"value\":false}]");
	kg_buf_release(&out);
	kg_buf_release(&what);
}

TEST(response_writer)
{
	struct kg_adm_request rq;
	memset(&rq, 0, sizeof(rq));
	rq.api_version = "admission.k8s.io/v1beta1";
	rq.uid = "u\"1";
	rq.name = rq.group = rq.resource = "";
	const char *warn[] = { "[x] line" };
	struct kg_adm_kv ann[] = { { "enforce-policy", "restricted:latest" } };
	struct kg_adm_response r = { 0 };
	r.allowed = true;
	r.warnings = warn;
	r.nwarnings = 1;
	r.annotations = ann;
	r.nannotations = 1;
	r.patch = "[]";
	r.patch_len = 2;
	struct kg_buf b;
	kg_buf_init(&b, 0);
	CHECK_INT(kg_adm_response_write(&b, &rq, &r), 0);
	CHECK_STR(b.data, "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"u\\\"1\","
			  "\"allowed\":true,\"warnings\":[\"[x] line\"],\"auditAnnotations\":{\"enforce-policy\":\"restricted:latest\"},"
			  "\"patchType\":\"JSONPatch\",\"patch\":\"W10=\"}}\n");
	kg_buf_reset(&b);
	kg_base64_append(&b, "any carnal pleasure.", 20);
	CHECK_STR(b.data, "YW55IGNhcm5hbCBwbGVhc3VyZS4=");
	kg_buf_reset(&b);
	kg_base64_append(&b, "ab", 2);
	CHECK_STR(b.data, "YWI=");
	kg_buf_release(&b);
}

TEST(request_parse_errors)
{
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 4096);
	struct kg_adm_request rq;
	char msg[128];
	CHECK_INT(kg_adm_request_parse(json(L, &a, "{\"kind\":\"Pod\"}"), &rq, msg, sizeof(msg)), -1);
	CHECK_STR(msg, "kind must be AdmissionReview");
	CHECK_INT(kg_adm_request_parse(json(L, &a, "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"v1\"}"), &rq, msg, sizeof(msg)), -1);
	CHECK_STR(msg, "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1");
	CHECK_INT(kg_adm_request_parse(json(L, &a, "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}"), &rq,
				       msg, sizeof(msg)), -1);
	CHECK_STR(msg, "the AdmissionReview has no request object");
	CHECK_INT(kg_adm_request_parse(json(L, &a, "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\","
						"\"request\":{\"uid\":\"\"}}"), &rq, msg, sizeof(msg)), -1);
	CHECK_STR(msg, "request.uid is missing");
	CHECK_INT(kg_adm_request_parse(json(L, &a, "[1]"), &rq, msg, sizeof(msg)), -1);
	CHECK_STR(msg, "the body is a JSON array, not an AdmissionReview object");
	kg_arena_release(&a);
	kg_loader_free(L);
}
