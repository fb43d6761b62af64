/* RBAC permission matching and label selectors. */
#include "harness.h"

#include "core/load.h"
#include "rules/policy_priv.h"
#include "rules/rbac_priv.h"

static struct kg_arena arena;
static struct kg_loader *loader;

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

/* Parse one YAML document into a tree that outlives the loader's arena. */
static const struct kg_node *yaml(const char *text)
{
	if (!loader) {
		loader = kg_loader_new(NULL);
		kg_arena_init(&arena, 4096);
	}
	const struct kg_node *root = NULL;
	struct kg_load_sink sink = { &root, keep_doc, no_error };
	unsigned index = 0;
	/* kg_yaml_load, not kg_loader_buffer: flow maps would be sniffed as JSON */
	kg_yaml_load(loader, "test", text, strlen(text), 1, &index, &sink);
	return root;
}

static unsigned caps_of(const char *rule)
{
	struct kg_rbac_grant g;
	kg_rbac_rule_grants(yaml(rule), &g);
	return g.caps;
}

#define HAS(caps, c) (((caps) & KG_CAP_BIT(c)) != 0)

TEST(secrets_read_verbs)
{
	unsigned c = caps_of("{apiGroups: [''], resources: [secrets], verbs: [list]}");
	CHECK(HAS(c, KG_CAP_SECRETS_READ));
	c = caps_of("{apiGroups: [''], resources: [secrets], verbs: [create, update, patch]}");
	CHECK(!HAS(c, KG_CAP_SECRETS_READ));
	/* secrets live in the core group only */
	c = caps_of("{apiGroups: [apps], resources: [secrets], verbs: [get]}");
	CHECK(!HAS(c, KG_CAP_SECRETS_READ));
	/* a wildcard group includes the core group */
	c = caps_of("{apiGroups: ['*'], resources: [secrets], verbs: [watch]}");
	CHECK(HAS(c, KG_CAP_SECRETS_READ));
	CHECK(HAS(c, KG_CAP_WILD_GROUPS));
	/* narrowed by name: least privilege, not reported */
	c = caps_of("{apiGroups: [''], resources: [secrets], verbs: [get], resourceNames: [tls]}");
	CHECK(!HAS(c, KG_CAP_SECRETS_READ));
	/* without apiGroups a resource rule matches nothing */
	c = caps_of("{resources: [secrets], verbs: [get]}");
	CHECK_INT(c, 0);
}

TEST(secrets_read_phrase)
{
	struct kg_rbac_grant g;
	kg_rbac_rule_grants(yaml("{apiGroups: [''], resources: [pods, secrets], verbs: [get, watch, create]}"), &g);
	CHECK_STR(g.what[KG_CAP_SECRETS_READ], "get/watch Secrets");
	/* several grants of one capability are listed */
	kg_rbac_rule_grants(yaml("{apiGroups: [''], resources: [users, groups], verbs: [impersonate]}"), &g);
	CHECK_STR(g.what[KG_CAP_IMPERSONATE], "impersonate users, impersonate groups");
	kg_rbac_rule_grants(yaml("{apiGroups: ['', apps, batch], resources: ['*'], verbs: [create]}"), &g);
	CHECK_STR(g.what[KG_CAP_CREATE_PODS], "create pods, create Deployments, create DaemonSets, create StatefulSets, ...");
}

TEST(wildcards)
{
	unsigned c = caps_of("{apiGroups: ['*'], resources: ['*'], verbs: ['*']}");
	CHECK(HAS(c, KG_CAP_ALL));
	CHECK(HAS(c, KG_CAP_SECRETS_READ));
	CHECK(HAS(c, KG_CAP_ESCALATE));
	c = caps_of("{apiGroups: [apps], resources: [deployments], verbs: ['*']}");
	CHECK(HAS(c, KG_CAP_WILD_VERBS));
	CHECK(!HAS(c, KG_CAP_ALL));
	CHECK(HAS(c, KG_CAP_CREATE_PODS));
	c = caps_of("{apiGroups: [''], resources: ['*'], verbs: [get]}");
	CHECK(HAS(c, KG_CAP_WILD_RESOURCES));
	CHECK(HAS(c, KG_CAP_SECRETS_READ));
	CHECK(!HAS(c, KG_CAP_WILD_VERBS));
}

TEST(subresources)
{
	unsigned c = caps_of("{apiGroups: [''], resources: [pods/exec], verbs: [create]}");
	CHECK(HAS(c, KG_CAP_POD_EXEC));
	CHECK(!HAS(c, KG_CAP_CREATE_PODS)); /* pods/exec is not pods */
	/* "*\/exec" matches the exec subresource of any resource */
	c = caps_of("{apiGroups: [''], resources: ['*/exec'], verbs: [create]}");
	CHECK(HAS(c, KG_CAP_POD_EXEC));
	/* "pods/<any>" is not a pattern the authorizer understands */
	c = caps_of("{apiGroups: [''], resources: ['pods/*'], verbs: [create]}");
	CHECK(!HAS(c, KG_CAP_POD_EXEC));
	/* resources "*" includes subresources */
	c = caps_of("{apiGroups: [''], resources: ['*'], verbs: [create]}");
	CHECK(HAS(c, KG_CAP_POD_EXEC));
	CHECK(HAS(c, KG_CAP_SA_TOKEN));
	c = caps_of("{apiGroups: [''], resources: [pods], verbs: [get]}");
	CHECK_INT(c, 0);
}

TEST(escalation_verbs)
{
	unsigned c = caps_of("{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind, escalate]}");
	CHECK(HAS(c, KG_CAP_BIND));
	CHECK(HAS(c, KG_CAP_ESCALATE));
	c = caps_of("{apiGroups: [''], resources: [users, groups], verbs: [impersonate]}");
	CHECK(HAS(c, KG_CAP_IMPERSONATE));
	CHECK(!HAS(c, KG_CAP_IMPERSONATE_SA));
	c = caps_of("{apiGroups: [''], resources: [serviceaccounts], verbs: [impersonate]}");
	CHECK(HAS(c, KG_CAP_IMPERSONATE_SA));
	CHECK(!HAS(c, KG_CAP_IMPERSONATE));
	c = caps_of("{apiGroups: [''], resources: [nodes/proxy], verbs: [get]}");
	CHECK(HAS(c, KG_CAP_NODES_PROXY));
	c = caps_of("{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}");
	CHECK(HAS(c, KG_CAP_CSR_APPROVE));
	c = caps_of("{apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}");
	CHECK(HAS(c, KG_CAP_CSR_APPROVE));
	c = caps_of("{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [patch]}");
	CHECK(HAS(c, KG_CAP_WEBHOOK));
	c = caps_of("{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [get, list]}");
	CHECK(!HAS(c, KG_CAP_WEBHOOK));
	c = caps_of("{apiGroups: [''], resources: [serviceaccounts/token], verbs: [create]}");
	CHECK(HAS(c, KG_CAP_SA_TOKEN));
}

TEST(builtin_roles)
{
	struct kg_rbac_grant g;
	CHECK(kg_rbac_builtin_role("cluster-admin", &g));
	CHECK(HAS(g.caps, KG_CAP_ALL));
	CHECK(kg_rbac_builtin_role("edit", &g));
	CHECK(HAS(g.caps, KG_CAP_SECRETS_READ));
	CHECK(!HAS(g.caps, KG_CAP_ALL));
	CHECK(kg_rbac_builtin_role("view", &g));
	CHECK_INT(g.caps, 0);
	CHECK(!kg_rbac_builtin_role("my-role", &g));
}

TEST(bootstrap_roles)
{
	CHECK(kg_rbac_is_bootstrap(yaml("metadata: {name: 'system:node', labels: {kubernetes.io/bootstrapping: rbac-defaults}}")));
	CHECK(!kg_rbac_is_bootstrap(yaml("metadata: {name: 'system:node'}")));
	/* the label alone does not make a user's role built in */
	CHECK(!kg_rbac_is_bootstrap(yaml("metadata: {name: mine, labels: {kubernetes.io/bootstrapping: rbac-defaults}}")));
}

TEST(selector_match_labels)
{
	const struct kg_node *labels = yaml("{app: web, tier: front}");
	CHECK_INT(kg_selector_match(yaml("{matchLabels: {app: web}}"), labels), 1);
	CHECK_INT(kg_selector_match(yaml("{matchLabels: {app: web, tier: back}}"), labels), 0);
	/* the empty selector selects everything, even a pod without labels */
	CHECK_INT(kg_selector_match(yaml("{}"), labels), 1);
	CHECK_INT(kg_selector_match(yaml("{}"), NULL), 1);
	/* a null selector selects nothing */
	CHECK_INT(kg_selector_match(NULL, labels), 0);
	CHECK_INT(kg_selector_match(yaml("{matchLabels: {app: web}}"), NULL), 0);
}

TEST(selector_expressions)
{
	const struct kg_node *labels = yaml("{app: web, tier: front}");
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: app, operator: In, values: [web, api]}]}"), labels), 1);
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: app, operator: In, values: [api]}]}"), labels), 0);
	/* In needs the key present */
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: zone, operator: In, values: [a]}]}"), labels), 0);
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: app, operator: NotIn, values: [api]}]}"), labels), 1);
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}"), labels), 0);
	/* NotIn is satisfied by an absent key */
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: zone, operator: NotIn, values: [a]}]}"), labels), 1);
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: tier, operator: Exists}]}"), labels), 1);
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: zone, operator: Exists}]}"), labels), 0);
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: zone, operator: DoesNotExist}]}"), labels), 1);
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: app, operator: DoesNotExist}]}"), labels), 0);
	/* matchLabels and matchExpressions are ANDed */
	CHECK_INT(kg_selector_match(yaml("{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [back]}]}"),
				    labels), 0);
	/* label values are strings; a YAML number in a selector compares by its text */
	CHECK_INT(kg_selector_match(yaml("{matchLabels: {v: '1'}}"), yaml("{v: '1'}")), 1);
}

TEST(selector_invalid)
{
	const struct kg_node *labels = yaml("{app: web}");
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: app, operator: in, values: [web]}]}"), labels), -1);
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: app, operator: In}]}"), labels), -1);
	CHECK_INT(kg_selector_match(yaml("{matchExpressions: [{key: app, operator: Exists, values: [x]}]}"), labels), -1);
	struct kg_diag d = { 0 };
	CHECK_INT(kg_selector_check(yaml("{matchLabel: {app: web}}"), &d), -1);
	CHECK_STR(d.message, "unknown key 'matchLabel' in a label selector (matchLabels, matchExpressions)");
	CHECK_INT(d.line, 1);
	CHECK_INT(d.col, 2);
	CHECK_INT(kg_selector_check(yaml("matchExpressions:\n  - key: a\n    operator: Maybe\n"), &d), -1);
	CHECK_STR(d.message, "operator must be In, NotIn, Exists or DoesNotExist");
	CHECK_INT(d.line, 3);
	CHECK_INT(d.col, 15);
}

TEST(map_selector)
{
	const struct kg_node *labels = yaml("{app: web, tier: front}");
	CHECK(kg_map_selector_match(yaml("{app: web}"), labels));
	CHECK(!kg_map_selector_match(yaml("{app: api}"), labels));
	CHECK(!kg_map_selector_match(yaml("{app: web}"), NULL));
	CHECK(!kg_map_selector_match(NULL, labels));
}

TEST(glob)
{
	CHECK(kg_glob_match("kube-*", "kube-system"));
	CHECK(!kg_glob_match("kube-*", "default"));
	CHECK(kg_glob_match("*", ""));
	CHECK(kg_glob_match("a?c", "abc"));
	CHECK(!kg_glob_match("a?c", "ac"));
	CHECK(kg_glob_match("*-prod-*", "shop-prod-eu"));
	CHECK(kg_glob_match("pss.*", "pss.privileged"));
	CHECK(!kg_glob_match("pss.*", "rbac.bind"));
}

TEST(clone_keep)
{
	const struct kg_node *n = yaml("kind: Deployment\nmetadata: {name: a, labels: {team: blue}, managedFields: [1, 2]}\n"
				       "spec: {replicas: 2, template: {metadata: {labels: {app: a}}, spec: {containers: []}}}\n");
	const char *paths[] = { "kind", "metadata.name", "metadata.labels", "spec.template.metadata.labels" };
	struct kg_node *c = kg_node_clone_keep(&arena, n, paths, 4);
	CHECK_STR(kg_str(kg_map_get(c, "kind")), "Deployment");
	CHECK_STR(kg_str(kg_map_get(kg_node_get(c, "metadata.labels"), "team")), "blue");
	CHECK(kg_node_get(c, "metadata.managedFields") == NULL);
	CHECK(kg_node_get(c, "spec.replicas") == NULL);
	CHECK(kg_node_get(c, "spec.template.spec") == NULL);
	CHECK_STR(kg_str(kg_node_get(c, "spec.template.metadata.labels.app")), "a");
	/* positions survive the copy */
	CHECK_INT(kg_node_get(c, "spec.template.metadata.labels.app")->line, 3);
}
