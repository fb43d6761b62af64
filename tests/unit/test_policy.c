/* The policy file, decisions, inline suppressions and baselines. */
#include "harness.h"

#include <sys/stat.h>
#include <unistd.h>

#include "core/k8s.h"
#include "core/load.h"
#include "rules/baseline.h"
#include "rules/family.h"
#include "rules/policy.h"
#include "rules/policy_priv.h"
#include "rules/rule.h"

static struct kg_arena arena;
static struct kg_loader *loader;
static char tmpdir[] = "/tmp/kg-test-policy-XXXXXX";

static int keep_doc(void *ctx, const struct kg_doc *doc)
{
	*(const struct kg_node **)ctx = kg_node_clone(&arena, doc->root);
	return 1;
}

static void no_error(void *ctx, const struct kg_diag *d)
{
	(void)ctx;
	fprintf(stderr, "  unexpected YAML error: %u:%u %s\n", d->line, d->col, d->message);
	kg_test_failed++;
}

static const struct kg_node *yaml(const char *text)
{
	if (!loader) {
		loader = kg_loader_new(NULL);
		kg_arena_init(&arena, 4096);
	}
	const struct kg_node *root = NULL;
	struct kg_load_sink sink = { &root, keep_doc, no_error };
	unsigned index = 0;
	kg_yaml_load(loader, "test", text, strlen(text), 1, &index, &sink);
	return root;
}

static const char *write_tmp(const char *name, const char *text)
{
	static char path[256];
	static bool made; /* (not "the template still ends in X": mkdtemp may put an X there) */
	if (!made && !mkdtemp(tmpdir))
		abort();
	made = true;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "w");
	if (!fp)
		abort();
	fputs(text, fp);
	fclose(fp);
	return path;
}

static struct kg_policy *load(const char *text, struct kg_diag *d)
{
	memset(d, 0, sizeof(*d));
	return kg_policy_load(write_tmp("policy.yaml", text), d);
}

/* Load a policy that must fail; check message, line and column. */
static void load_fails(const char *text, const char *msg, unsigned line, unsigned col, int at)
{
	struct kg_diag d;
	struct kg_policy *p = load(text, &d);
	if (p) {
		fprintf(stderr, "  line %d: policy loaded, expected error \"%s\"\n", at, msg);
		kg_test_failed++;
		kg_policy_free(p);
		return;
	}
	if (strcmp(d.message, msg) || d.line != line || d.col != col || !d.file || !strstr(d.file, "policy.yaml")) {
		fprintf(stderr, "  line %d: got %s:%u:%u \"%s\", expected %u:%u \"%s\"\n", at, d.file ? d.file : "(null)",
			d.line, d.col, d.message, line, col, msg);
		kg_test_failed++;
	}
}
#define LOAD_FAILS(text, msg, line, col) load_fails(text, msg, line, col, __LINE__)

static enum kg_policy_verdict decide(const struct kg_policy *p, const char *rule_id, const char *obj_yaml,
				     enum kg_severity *sev)
{
	const struct kg_rule *r = kg_rule_find(rule_id);
	struct kg_object obj;
	if (!r) {
		fprintf(stderr, "  no rule %s in the catalog\n", rule_id);
		kg_test_failed++;
		return KG_POLICY_REPORT;
	}
	*sev = r->severity;
	if (!obj_yaml)
		return kg_policy_decide(p, r, NULL, sev);
	kg_object_init(&obj, yaml(obj_yaml), NULL, NULL);
	return kg_policy_decide(p, r, &obj, sev);
}

TEST(rules_disable_and_severity)
{
	struct kg_diag d;
	struct kg_policy *p = load("version: 1\n"
				   "rules:\n"
				   "  rbac.*: low\n"
				   "  rbac.bind: off\n"
				   "  rbac.escalate: {severity: critical}\n"
				   "  network.service-nodeport: {enabled: false}\n",
				   &d);
	CHECK(p != NULL);
	if (!p) {
		fprintf(stderr, "  %s:%u:%u %s\n", d.file, d.line, d.col, d.message);
		return;
	}
	enum kg_severity sev;
	CHECK_INT(decide(p, "rbac.bind", NULL, &sev), KG_POLICY_DROP);
	CHECK_INT(decide(p, "network.service-nodeport", NULL, &sev), KG_POLICY_DROP);
	CHECK_INT(decide(p, "rbac.secrets-read", NULL, &sev), KG_POLICY_REPORT);
	CHECK_INT(sev, KG_SEV_LOW);
	/* an exact id beats the glob, whatever the order */
	CHECK_INT(decide(p, "rbac.escalate", NULL, &sev), KG_POLICY_REPORT);
	CHECK_INT(sev, KG_SEV_CRITICAL);
	CHECK_INT(decide(p, "network.service-lb-open", NULL, &sev), KG_POLICY_REPORT);
	CHECK_INT(sev, KG_SEV_MEDIUM);
	kg_policy_free(p);
}

TEST(null_policy_reports)
{
	enum kg_severity sev;
	CHECK_INT(decide(NULL, "rbac.bind", NULL, &sev), KG_POLICY_REPORT);
	CHECK_INT(sev, KG_SEV_CRITICAL);
}

TEST(default_off_rules)
{
	const struct kg_rule *r = NULL;
	for (size_t i = 0; i < kg_rule_count() && !r; i++)
		if (kg_rule_default_off(kg_rule_at(i)))
			r = kg_rule_at(i);
	CHECK(r != NULL);
	if (!r)
		return;
	enum kg_severity sev;
	/* opt-in rules are off without a policy and with one that does not mention them ... */
	CHECK_INT(decide(NULL, r->id, NULL, &sev), KG_POLICY_DROP);
	struct kg_diag d;
	struct kg_policy *p = load("rules:\n  rbac.bind: off\n", &d);
	CHECK_INT(decide(p, r->id, NULL, &sev), KG_POLICY_DROP);
	kg_policy_free(p);
	/* ... and on when it names them (an exact id or a pattern) */
	char text[256];
	snprintf(text, sizeof(text), "rules:\n  %s: on\n", r->id);
	p = load(text, &d);
	CHECK_INT(decide(p, r->id, NULL, &sev), KG_POLICY_REPORT);
	kg_policy_free(p);
	p = load("rules:\n  \"*\": on\n", &d);
	CHECK_INT(decide(p, r->id, NULL, &sev), KG_POLICY_REPORT);
	kg_policy_free(p);
}

TEST(parse_from_memory)
{
	struct kg_diag d;
	const char *text = "rules:\n  rbac.bind: off\n";
	struct kg_policy *p = kg_policy_parse("configmap:kguard/policy", text, strlen(text), &d);
	CHECK(p != NULL);
	CHECK_STR(kg_policy_path(p), "configmap:kguard/policy");
	kg_policy_free(p);
	text = "rules:\n  rbac.bind: sometimes\n";
	CHECK(kg_policy_parse("configmap:kguard/policy", text, strlen(text), &d) == NULL);
	CHECK_STR(d.file, "configmap:kguard/policy");
	CHECK_INT(d.line, 2);
	CHECK_INT(d.col, 14);
	/* an empty policy is valid and changes nothing */
	p = kg_policy_parse("empty", "", 0, &d);
	CHECK(p != NULL);
	enum kg_severity sev;
	CHECK_INT(decide(p, "rbac.bind", NULL, &sev), KG_POLICY_REPORT);
	kg_policy_free(p);
}

TEST(unknown_rule_id_is_an_error)
{
	LOAD_FAILS("rules:\n  rbac.secret-read: off\n", "unknown rule id 'rbac.secret-read' (did you mean 'rbac.secrets-read'?)",
		   2, 3);
	LOAD_FAILS("rules:\n  zzz.nothing-like-this: off\n", "unknown rule id 'zzz.nothing-like-this' (see `kguard rules`)", 2, 3);
	LOAD_FAILS("rules:\n  rbca.*: off\n", "rule pattern 'rbca.*' matches no rule (see `kguard rules`)", 2, 3);
	LOAD_FAILS("exemptions:\n  - rules: [rbac.bnd]\n    namespaces: [a]\n    reason: r\n",
		   "unknown rule id 'rbac.bnd' (did you mean 'rbac.bind'?)", 2, 13);
}

TEST(malformed_policy_errors)
{
	LOAD_FAILS("rule:\n  rbac.bind: off\n",
		   "unknown key 'rule' in the policy (expected one of: version, pss, rules, parameters, exemptions, serve, "
		   "podTemplates)",
		   1, 1);
	LOAD_FAILS("rules:\n  rbac.bind: maybe\n",
		   "rule setting must be off, on, a severity (info, low, medium, high, critical) or an object with "
		   "enabled/severity, not 'maybe'",
		   2, 14);
	LOAD_FAILS("rules:\n  rbac.bind: {severity: urgent}\n", "severity must be info, low, medium, high or critical", 2, 25);
	LOAD_FAILS("rules:\n  rbac.bind: {sevrity: low}\n", "unknown key 'sevrity' in a rule setting (expected one of: enabled, severity)",
		   2, 15);
	LOAD_FAILS("version: 2\n", "version must be 1", 1, 10);
	LOAD_FAILS("rules: [a]\n", "'rules' must be an object, not array", 1, 8);
	LOAD_FAILS("rules:\n  a: [\n",
		   "invalid YAML: while parsing a flow node did not find expected node content at line 3 column 1", 3, 1);
	LOAD_FAILS("pss:\n  level: strict\n", "pss.level must be baseline or restricted", 2, 10);
	LOAD_FAILS("pss:\n  version: v2.0\n", "pss.version must be v1.0 ... v1.37 or latest (quote it)", 2, 12);
	LOAD_FAILS("rules:\n  rbac.bind: off\n  rbac.bind: on\n", "key 'rules.rbac.bind' appears twice (first at line 2); a policy key must be written once", 3, 3);
	LOAD_FAILS("a: 1\n---\nb: 2\n", "a policy file holds one YAML document", 2, 1);
}

TEST(exemption_errors)
{
	LOAD_FAILS("exemptions:\n  - rules: [rbac.bind]\n    namespaces: [kube-system]\n", "an exemption needs a 'reason'", 2, 5);
	LOAD_FAILS("exemptions:\n  - rules: [rbac.bind]\n    namespaces: [kube-system]\n    reason: '  '\n",
		   "'reason' must be a non-empty string", 4, 13);
	LOAD_FAILS("exemptions:\n  - namespaces: [kube-system]\n    reason: x\n",
		   "an exemption needs 'rules' (rule ids or patterns; \"*\" for all)", 2, 5);
	LOAD_FAILS("exemptions:\n  - rules: ['*']\n    reason: x\n",
		   "an exemption needs namespaces, names, kinds or selector (to turn a rule off everywhere, use 'rules:')", 2, 5);
	LOAD_FAILS("exemptions:\n  - rules: ['*']\n    namespace: [a]\n    reason: x\n",
		   "unknown key 'namespace' in an exemption (expected one of: rules, namespaces, names, kinds, selector, reason, "
		   "expires)",
		   3, 5);
	LOAD_FAILS("exemptions:\n  - rules: ['*']\n    selector: {matchLabels: {a: b}, matchExpresions: []}\n    reason: x\n",
		   "unknown key 'matchExpresions' in a label selector (matchLabels, matchExpressions)", 3, 37);
	LOAD_FAILS("exemptions:\n  - rules: ['*']\n    names: [a]\n    reason: x\n    expires: 31/12/2030\n",
		   "'expires' must be a date written YYYY-MM-DD (quote it)", 5, 14);
}

TEST(parameters)
{
	struct kg_diag d;
	struct kg_policy *p = load("parameters:\n  trustedRegistries: [registry.example.com/]\n  uidRange: {min: 1000}\n", &d);
	CHECK(p != NULL);
	if (p) {
		const struct kg_node *v = kg_policy_param(p, "trustedRegistries");
		CHECK(kg_is_seq(v));
		CHECK_STR(kg_str(kg_seq_at(v, 0)), "registry.example.com/");
		CHECK(kg_policy_param(p, "gidRange") == NULL);
		kg_policy_free(p);
	}
	CHECK(kg_policy_param(NULL, "trustedRegistries") == NULL);
	LOAD_FAILS("parameters:\n  trustedRegistry: [a]\n",
		   "unknown parameter 'trustedRegistry' (docs/policy.md lists the parameters)", 2, 3);
}

TEST(pss_defaults)
{
	struct kg_diag d;
	struct kg_policy *p = load("pss:\n  level: baseline\n  version: v1.25\n", &d);
	int level = KG_PSS_RESTRICTED, minor = KG_PSS_LATEST_MINOR;
	CHECK(p && kg_policy_pss(p, &level, &minor));
	CHECK_INT(level, KG_PSS_BASELINE);
	CHECK_INT(minor, 25);
	kg_policy_free(p);
	p = load("rules: {}\n", &d);
	level = 7;
	CHECK(p && !kg_policy_pss(p, &level, &minor));
	CHECK_INT(level, 7);
	kg_policy_free(p);
}

TEST(exemptions_match)
{
	struct kg_diag d;
	struct kg_policy *p = load("exemptions:\n"
				   "  - rules: [rbac.*]\n"
				   "    namespaces: [kube-*]\n"
				   "    reason: system components\n"
				   "  - rules: [network.service-nodeport]\n"
				   "    names: [legacy-*]\n"
				   "    kinds: [Service]\n"
				   "    reason: old load balancer integration\n"
				   "  - rules: ['*']\n"
				   "    selector: {matchExpressions: [{key: team, operator: In, values: [sre]}]}\n"
				   "    reason: owned by SRE\n"
				   "  - rules: [rbac.bind]\n"
				   "    names: [expired]\n"
				   "    reason: was temporary\n"
				   "    expires: '2001-01-01'\n"
				   "  - rules: [rbac.bind]\n"
				   "    names: [later]\n"
				   "    reason: still valid\n"
				   "    expires: '2999-12-31'\n",
				   &d);
	CHECK(p != NULL);
	if (!p) {
		fprintf(stderr, "  %u:%u %s\n", d.line, d.col, d.message);
		return;
	}
	enum kg_severity sev;
	CHECK_INT(decide(p, "rbac.bind", "kind: Role\nmetadata: {name: a, namespace: kube-system}\n", &sev), KG_POLICY_DROP);
	CHECK_INT(decide(p, "rbac.bind", "kind: Role\nmetadata: {name: a, namespace: shop}\n", &sev), KG_POLICY_REPORT);
	/* the rule list limits the exemption */
	CHECK_INT(decide(p, "network.service-nodeport", "kind: Service\nmetadata: {name: a, namespace: kube-system}\n", &sev),
		  KG_POLICY_REPORT);
	/* every criterion must match */
	CHECK_INT(decide(p, "network.service-nodeport", "kind: Service\nmetadata: {name: legacy-web}\n", &sev), KG_POLICY_DROP);
	CHECK_INT(decide(p, "network.service-nodeport", "kind: Ingress\nmetadata: {name: legacy-web}\n", &sev), KG_POLICY_REPORT);
	CHECK_INT(decide(p, "network.service-lb-open", "kind: Service\nmetadata: {name: legacy-web}\n", &sev), KG_POLICY_REPORT);
	CHECK_INT(decide(p, "rbac.escalate", "kind: Role\nmetadata: {name: a, labels: {team: sre}}\n", &sev), KG_POLICY_DROP);
	CHECK_INT(decide(p, "rbac.escalate", "kind: Role\nmetadata: {name: a, labels: {team: dev}}\n", &sev), KG_POLICY_REPORT);
	/* a Namespace's own findings are exempt with its namespace */
	CHECK_INT(decide(p, "rbac.bind", "kind: Namespace\nmetadata: {name: kube-public}\n", &sev), KG_POLICY_DROP);
	CHECK_INT(decide(p, "rbac.bind", "kind: Role\nmetadata: {name: expired}\n", &sev), KG_POLICY_REPORT);
	CHECK_INT(decide(p, "rbac.bind", "kind: Role\nmetadata: {name: later}\n", &sev), KG_POLICY_DROP);
	/* no object (Dockerfile, node findings): exemptions cannot apply */
	CHECK_INT(decide(p, "rbac.bind", NULL, &sev), KG_POLICY_REPORT);
	kg_policy_free(p);
}

TEST(inline_suppression)
{
	enum kg_severity sev;
	const char *with_reason = "kind: Role\nmetadata:\n  name: a\n  annotations:\n"
				  "    kguard.io/ignore: 'rbac.bind, rbac.escalate: operator manages RBAC; pss.*: n/a'\n";
	CHECK_INT(decide(NULL, "rbac.bind", with_reason, &sev), KG_POLICY_DROP);
	CHECK_INT(decide(NULL, "rbac.escalate", with_reason, &sev), KG_POLICY_DROP);
	CHECK_INT(decide(NULL, "rbac.secrets-read", with_reason, &sev), KG_POLICY_REPORT);
	/* without a reason the suppression is not honoured */
	const char *no_reason = "kind: Role\nmetadata:\n  name: a\n  annotations:\n    kguard.io/ignore: rbac.bind\n";
	CHECK_INT(decide(NULL, "rbac.bind", no_reason, &sev), KG_POLICY_REPORT);
	/* the controller's annotation covers its pod template, and the template's its controller */
	const char *ctl = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n"
			  "  annotations: {kguard.io/ignore: 'rbac.workload-sa-dangerous: reads its own secret'}\n"
			  "spec: {template: {metadata: {annotations: {kguard.io/ignore: 'network.pod-not-isolated: mesh'}}, spec: {}}}\n";
	CHECK_INT(decide(NULL, "rbac.workload-sa-dangerous", ctl, &sev), KG_POLICY_DROP);
	CHECK_INT(decide(NULL, "network.pod-not-isolated", ctl, &sev), KG_POLICY_DROP);
	CHECK_INT(decide(NULL, "rbac.workload-sa-takeover", ctl, &sev), KG_POLICY_REPORT);
	/* a value over the size cap is not read, not even its first entry */
	char *big = malloc(80000);
	if (big) {
		int n = snprintf(big, 80000, "kind: Role\nmetadata:\n  annotations:\n    kguard.io/ignore: 'rbac.bind: ");
		memset(big + n, 'r', 70000);
		snprintf(big + n + 70000, 80000 - (size_t)n - 70000, "'\n");
		CHECK_INT(decide(NULL, "rbac.bind", big, &sev), KG_POLICY_REPORT);
		big[n + 10] = '\'';
		big[n + 11] = '\n';
		big[n + 12] = '\0';
		CHECK_INT(decide(NULL, "rbac.bind", big, &sev), KG_POLICY_DROP);
		free(big);
	}
	/* findings about suppressions cannot be suppressed by the same annotation */
	const char *self = "kind: Role\nmetadata:\n  annotations:\n    kguard.io/ignore: 'policy.*: quiet'\n";
	CHECK_INT(decide(NULL, "policy.suppression-no-reason", self, &sev), KG_POLICY_REPORT);
}

struct items {
	char buf[512];
};

static int collect(void *ctx, const struct kg_suppress_item *it)
{
	struct items *s = ctx;
	size_t n = strlen(s->buf);
	snprintf(s->buf + n, sizeof(s->buf) - n, "[%.*s|%.*s]", (int)it->id_len, it->id, (int)it->reason_len,
		 it->reason ? it->reason : "");
	return 0;
}

TEST(suppression_syntax)
{
	struct items s = { "" };
	kg_suppress_each("a.b, c.d : why: because; e.f\ng.h:  spaced  ", collect, &s);
	CHECK_STR(s.buf, "[a.b|why: because][c.d|why: because][e.f|][g.h|spaced]");
	s.buf[0] = '\0';
	kg_suppress_each(": orphan reason;a,,b: r", collect, &s);
	CHECK_STR(s.buf, "[|orphan reason][a|r][|r][b|r]");
	s.buf[0] = '\0';
	kg_suppress_each("", collect, &s);
	CHECK_STR(s.buf, "");
}

static struct kg_finding finding(const char *rule, const char *file, unsigned line, const char *name)
{
	struct kg_finding f = { 0 };
	f.rule_id = rule;
	f.rule = kg_rule_find(rule);
	f.title = "t";
	f.message = "m";
	f.severity = KG_SEV_HIGH;
	f.file = file;
	f.line = line;
	f.col = 3;
	f.kind = "Role";
	f.namespace_ = "shop";
	f.name = name;
	f.path = "rules[0]";
	return f;
}

TEST(fingerprint_ignores_position)
{
	char a[17], b[17], c[17], e[17];
	struct kg_finding f = finding("rbac.bind", "./deploy/rbac.yaml", 10, "x");
	kg_finding_fingerprint(&f, a);
	f.line = 99;
	f.col = 1;
	f.message = "a different message";
	f.file = "deploy/rbac.yaml";
	kg_finding_fingerprint(&f, b);
	CHECK_STR(a, b);
	f.name = "y";
	kg_finding_fingerprint(&f, c);
	CHECK(strcmp(a, c) != 0);
	f.name = "x";
	f.path = "rules[1]";
	kg_finding_fingerprint(&f, e);
	CHECK(strcmp(a, e) != 0);
	CHECK_INT(strlen(a), 16);
}

TEST(baseline_round_trip)
{
	struct kg_report r;
	kg_report_init(&r);
	struct kg_finding f1 = finding("rbac.bind", "a.yaml", 5, "old"), f2 = finding("rbac.bind", "a.yaml", 9, "old");
	kg_report_add(&r, &f1);
	kg_report_add(&r, &f2); /* the same finding twice: the baseline holds it twice */
	struct kg_diag d;
	char path[300];
	snprintf(path, sizeof(path), "%s", write_tmp("baseline.json", ""));
	CHECK_INT(kg_baseline_write(path, &r, &d), 0);
	kg_report_release(&r);

	struct kg_baseline *b = kg_baseline_load(path, &d);
	CHECK(b != NULL);
	if (!b)
		return;
	kg_report_init(&r);
	struct kg_finding g1 = finding("rbac.bind", "./a.yaml", 50, "old"); /* moved */
	struct kg_finding g2 = finding("rbac.bind", "a.yaml", 60, "old");
	struct kg_finding g3 = finding("rbac.bind", "a.yaml", 70, "old"); /* a third copy is new */
	struct kg_finding g4 = finding("rbac.bind", "a.yaml", 80, "new");
	kg_report_add(&r, &g1);
	kg_report_add(&r, &g2);
	kg_report_add(&r, &g3);
	kg_report_add(&r, &g4);
	CHECK_INT(kg_baseline_apply(b, &r), 2);
	CHECK_INT(r.nfindings, 2);
	CHECK_INT(r.sum.suppressed, 2);
	kg_report_release(&r);
	kg_baseline_free(b);
}

TEST(baseline_errors)
{
	struct kg_diag d;
	const char *p = write_tmp("bad.json", "{\"kguardBaseline\": 1, \"findings\": [{\"fingerprint\": \"xyz\"}]}");
	CHECK(kg_baseline_load(p, &d) == NULL);
	CHECK_STR(d.message, "each baseline entry needs a 'fingerprint' of 16 hex digits");
	CHECK_INT(d.line, 1);
	CHECK_INT(d.col, 52);
	p = write_tmp("bad2.json", "{\"findings\": []}");
	CHECK(kg_baseline_load(p, &d) == NULL);
	CHECK_STR(d.message, "not a kguard baseline: 'kguardBaseline' is missing");
	p = write_tmp("bad3.json", "{\"kguardBaseline\": 1,\n \"findings\": [],\n \"extra\": 1}");
	CHECK(kg_baseline_load(p, &d) == NULL);
	CHECK_STR(d.message, "unknown key 'extra' in the baseline (kguardBaseline, findings)");
	CHECK_INT(d.line, 3);
	CHECK_INT(d.col, 2);
	CHECK(kg_baseline_load("/nonexistent/kguard-baseline.json", &d) == NULL);
	CHECK_STR(d.message, "cannot open baseline: No such file or directory");
}

TEST(serve_modes)
{
	struct kg_diag d;
	enum kg_severity fail_on;
	CHECK_INT(kg_policy_serve_mode(NULL, "x", &fail_on), KG_MODE_ENFORCE);
	CHECK_INT(fail_on, KG_SEV_HIGH);
	struct kg_policy *p = load("serve:\n  mode: warn\n  failOn: medium\n  namespaces:\n"
				   "    - names: [prod-*]\n      mode: enforce\n    - names: [sandbox]\n      failOn: none\n",
				   &d);
	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_INT(kg_policy_serve_mode(p, "prod-eu", &fail_on), KG_MODE_ENFORCE);
	CHECK_INT(fail_on, KG_SEV_MEDIUM);
	CHECK_INT(kg_policy_serve_mode(p, "sandbox", &fail_on), KG_MODE_WARN);
	CHECK_INT(fail_on, KG_SEV_NONE);
	CHECK_INT(kg_policy_serve_mode(p, "dev", &fail_on), KG_MODE_WARN);
	kg_policy_free(p);
	LOAD_FAILS("serve:\n  mode: block\n", "mode must be enforce, warn or audit", 2, 9);
	LOAD_FAILS("serve:\n  namespaces:\n    - names: [a]\n", "a serve.namespaces entry needs 'mode' or 'failOn'", 3, 7);
}

TEST(discover)
{
	char root[300], sub[320], found[512], cwd[512];
	write_tmp("placeholder", "");
	snprintf(root, sizeof(root), "%s/repo", tmpdir);
	snprintf(sub, sizeof(sub), "%s/deploy", root);
	mkdir(root, 0700);
	mkdir(sub, 0700);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_INT(chdir(sub), 0);
	/* no policy: the search stops at the repository root (.git) */
	char git[340];
	snprintf(git, sizeof(git), "%s/.git", root);
	mkdir(git, 0700);
	FILE *above = fopen("../../.kguard.yaml", "w"); /* above the repository: must not be found */
	if (above)
		fclose(above);
	CHECK_INT(kg_policy_discover(".", found, sizeof(found)), -1);
	FILE *fp = fopen("../.kguard.yaml", "w");
	if (fp)
		fclose(fp);
	CHECK_INT(kg_policy_discover(".", found, sizeof(found)), 0);
	CHECK_STR(found, "../.kguard.yaml");
	CHECK_INT(kg_policy_discover("-", found, sizeof(found)), 0);
	CHECK_STR(found, "../.kguard.yaml");
	CHECK_INT(chdir(root), 0);
	FILE *m = fopen("deploy/app.yaml", "w");
	if (m)
		fclose(m);
	CHECK_INT(kg_policy_discover("deploy/app.yaml", found, sizeof(found)), 0);
	CHECK_STR(found, ".kguard.yaml");
	CHECK_INT(chdir(cwd), 0);
}

/* The engine's shortcuts (per-rule verdicts, exemption matches kept per object) answer exactly as
 * kg_policy_decide. */
TEST(decide_shortcuts_agree)
{
	struct kg_diag d;
	struct kg_policy *p = load("version: 1\n"
				   "rules:\n"
				   "  rbac.escalate: critical\n"
				   "  rbac.secrets-read: off\n"
				   "  workload.ephemeral-storage: on\n"
				   "exemptions:\n"
				   "  - rules: [rbac.bind]\n"
				   "    namespaces: [kube-*]\n"
				   "    reason: system\n"
				   "  - rules: ['network.*']\n"
				   "    selector: {matchLabels: {team: sre}}\n"
				   "    reason: owned by SRE\n",
				   &d);
	CHECK(p != NULL);
	if (!p)
		return;
	enum kg_policy_verdict v;
	enum kg_severity sev = KG_SEV_INFO;
	size_t esc = kg_rule_rank(kg_rule_find("rbac.escalate"));
	CHECK(kg_policy_rule_fixed(p, esc, &v, &sev));
	CHECK_INT(v, KG_POLICY_REPORT);
	CHECK_INT(sev, KG_SEV_CRITICAL);
	CHECK(kg_policy_rule_fixed(p, kg_rule_rank(kg_rule_find("rbac.secrets-read")), &v, &sev));
	CHECK_INT(v, KG_POLICY_DROP);
	CHECK(!kg_policy_rule_fixed(p, kg_rule_rank(kg_rule_find("rbac.bind")), &v, &sev));
	CHECK(!kg_policy_rule_fixed(p, kg_rule_rank(kg_rule_find("network.service-nodeport")), &v, &sev));
	size_t eph = kg_rule_rank(kg_rule_find("workload.ephemeral-storage"));
	CHECK(kg_rule_default_off_at(eph));
	CHECK(!kg_rule_default_off_at(esc));
	CHECK(!kg_rule_default_off_at(kg_rule_count()));
	CHECK(kg_policy_rule_fixed(p, eph, &v, &sev));
	CHECK_INT(v, KG_POLICY_REPORT);
	CHECK(kg_policy_rule_fixed(NULL, eph, &v, &sev));
	CHECK_INT(v, KG_POLICY_DROP);

	static const char *const objs[] = {
		"kind: Role\nmetadata: {name: a, namespace: kube-system, labels: {team: sre}}\n",
		"kind: Service\nmetadata: {name: b, namespace: shop, labels: {team: sre}}\n",
		"kind: Service\nmetadata: {name: c, namespace: shop}\n",
		"kind: Namespace\nmetadata: {name: kube-public}\n",
	};
	static const char *const ids[] = { "rbac.bind", "network.service-nodeport", "rbac.escalate", "rbac.bind",
					   "rbac.secrets-read", "network.service-lb-open", "workload.ephemeral-storage" };
	for (size_t o = 0; o < sizeof(objs) / sizeof(objs[0]); o++) {
		struct kg_object obj;
		kg_object_init(&obj, yaml(objs[o]), NULL, NULL);
		struct kg_obj_ignores ign = { 0 };
		struct kg_policy_exmemo memo = { 0, 0 };
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			const struct kg_rule *r = kg_rule_find(ids[i]);
			enum kg_severity want = r->severity, got = r->severity;
			enum kg_policy_verdict wv = kg_policy_decide(p, r, &obj, &want);
			CHECK_INT(kg_policy_decide_at(p, r, kg_rule_rank(r), &obj, &ign, &memo, &got), wv);
			CHECK_INT(got, want);
		}
		/* both exemptions were looked at once; the hits are the objects they cover */
		CHECK_INT(memo.known, 3);
		CHECK_INT(memo.hit, o == 0 ? 3 : o == 1 ? 2 : o == 3 ? 1 : 0);
	}
	kg_policy_free(p);
}

TEST(glob_without_lengths)
{
	CHECK(kg_glob_match("*", ""));
	CHECK(kg_glob_match("", ""));
	CHECK(!kg_glob_match("", "a"));
	CHECK(!kg_glob_match("a", ""));
	CHECK(kg_glob_match("a*c", "abbbc"));
	CHECK(!kg_glob_match("a*c", "abbbd"));
	CHECK(kg_glob_match("*-system", "kube-system"));
	CHECK(kg_glob_match("k*e-*", "kube-system"));
	CHECK(kg_glob_match("kube-system**", "kube-system"));
	CHECK(!kg_glob_match("kube-system?", "kube-system"));
	CHECK(kg_glob_match("a", NULL) == false);
	/* a pattern given by length stops there, NUL or not */
	CHECK(kg_rule_pattern_match("pss.*junk", 5, "pss.privileged"));
	CHECK(!kg_rule_pattern_match("pss.p", 5, "pss.privileged"));
	CHECK(kg_rule_pattern_match("pss.privileged", 14, "pss.privileged"));
}
