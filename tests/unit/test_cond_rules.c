/* Falco rules files: lists, macros, rules, append / override, exceptions, enabled, versions, and
 * the load errors (file, line, column, rule and message pinned). */
#include "harness.h"

#include "cond/ruleset.h"
#include "core/load.h"

/* Load one YAML text; on success evaluate every enabled rule on the event and write the names of
 * the matching ones, ";"-separated, into out. Returns -1 on load error (err filled). */
static int run(const char *yaml, const char *event, char *out, size_t outsz, struct kg_diag *err)
{
	struct kg_ruleset *rs = kg_ruleset_new();
	int rc = -1;
	out[0] = '\0';
	if (kg_ruleset_load_buffer(rs, "t.yaml", yaml, strlen(yaml), err) || kg_ruleset_compile(rs, err))
		goto done;
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 0);
	const struct kg_node *ev;
	if (kg_json_parse(L, &a, event, strlen(event), &ev, err) == 0) {
		struct kg_cond_eval e;
		kg_cond_eval_init(&e, kg_ruleset_slots(rs));
		struct kg_event_view v = { ev, 1000000000, NULL };
		kg_cond_eval_begin(&e, &v);
		for (size_t i = 0; i < kg_ruleset_nrules(rs); i++) {
			const struct kg_crule *r = kg_ruleset_rule(rs, i);
			if (r->enabled && kg_cond_eval(&e, r->cond)) {
				strncat(out, r->name, outsz - strlen(out) - 2);
				strcat(out, ";");
			}
		}
		kg_cond_eval_release(&e);
		rc = 0;
	}
	kg_arena_release(&a);
	kg_loader_free(L);
done:
	kg_ruleset_free(rs);
	return rc;
}

static const char EV[] = "{\"auditID\":\"1\",\"verb\":\"create\",\"user\":{\"username\":\"alice\"},"
			 "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"kube-system\"}}";

#define RULE(name, cond) "- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: WARNING\n  source: k8s_audit\n"

TEST(lists_are_substituted_textually)
{
	char out[512];
	struct kg_diag err;
	CHECK_INT(run("- list: verbs\n  items: [get, create]\n" RULE("R", "ka.verb in (verbs)"), EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	/* an empty list and a list name in a longer list */
	CHECK_INT(run("- list: none\n  items: []\n- list: verbs\n  items: [update]\n"
		      RULE("R", "ka.verb in (none, verbs, create)"), EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	CHECK_INT(run("- list: none\n  items: []\n" RULE("R", "ka.verb in (none)"), EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "");
	/* an item with a blank is quoted; a name that is not a list stays a literal */
	CHECK_INT(run("- list: users\n  items: [\"a b\", alice]\n" RULE("R", "ka.user.name in (users) and ka.verb in (not_a_list, create)"),
		      EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	/* list in list: expanded when the inner list is defined before */
	CHECK_INT(run("- list: inner\n  items: [alice]\n- list: outer\n  items: [inner, bob]\n" RULE("R", "ka.user.name in (outer)"),
		      EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	/* appended items count */
	CHECK_INT(run("- list: users\n  items: [bob]\n- list: users\n  items: [alice]\n  append: true\n"
		      RULE("R", "ka.user.name in (users)"), EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	CHECK_INT(run("- list: users\n  items: [bob]\n- list: users\n  items: [alice]\n  override:\n    items: append\n"
		      RULE("R", "ka.user.name in (users)"), EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	/* redefinition replaces the items */
	CHECK_INT(run("- list: users\n  items: [alice]\n- list: users\n  items: [bob]\n" RULE("R", "ka.user.name in (users)"),
		      EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "");
}

TEST(macros_and_visibility)
{
	char out[512];
	struct kg_diag err;
	CHECK_INT(run("- macro: m1\n  condition: ka.verb=create\n- macro: m2\n  condition: m1 and ka.target.resource=pods\n"
		      RULE("R", "m2"), EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	/* a rule sees macros defined after it */
	CHECK_INT(run(RULE("R", "later") "- macro: later\n  condition: ka.verb=create\n", EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	/* a macro does not see a macro defined after it */
	CHECK_INT(run("- macro: a\n  condition: b\n- macro: b\n  condition: ka.verb=create\n" RULE("R", "a"), EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "macro 'a': Undefined macro 'b' used in filter.");
	CHECK_INT(err.line, 2);
	CHECK_INT(err.col, 14);
	/* ... unless it was appended to after that macro's definition */
	CHECK_INT(run("- macro: a\n  condition: ka.verb=get\n- macro: b\n  condition: ka.verb=create\n"
		      "- macro: a\n  condition: or b\n  append: true\n" RULE("R", "a"), EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	/* redefining a macro (the test-rules' allowed_k8s_containers) replaces its condition */
	CHECK_INT(run("- macro: m\n  condition: ka.verb=get\n" RULE("R", "m") "- macro: m\n  condition: ka.verb=create\n",
		      EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	CHECK_INT(run("- macro: a\n  condition: ka.verb=get\n- macro: a\n  condition: or a\n  append: true\n" RULE("R", "a"),
		      EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "macro 'a': reference loop in macro 'a'");
	CHECK_INT(run(RULE("R", "nosuch"), EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': Undefined macro 'nosuch' used in filter.");
	CHECK_STR(err.file, "t.yaml");
	CHECK_INT(err.line, 3);
}

TEST(rule_append_override_enabled)
{
	char out[512];
	struct kg_diag err;
	CHECK_INT(run(RULE("R", "ka.verb=create") "- rule: R\n  condition: and ka.user.name=bob\n  append: true\n", EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "");
	CHECK_INT(run(RULE("R", "ka.verb=create") "- rule: R\n  condition: and ka.user.name=alice\n  override:\n    condition: append\n",
		      EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	CHECK_INT(run(RULE("R", "ka.verb=get") "- rule: R\n  condition: ka.verb=create\n  override:\n    condition: replace\n",
		      EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	CHECK_INT(run(RULE("R", "ka.verb=create") "- rule: R\n  enabled: false\n", EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "");
	CHECK_INT(run(RULE("R", "ka.verb=create") "- rule: R\n  enabled: false\n  override:\n    enabled: replace\n", EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "");
	/* a redefined rule keeps its position: first definition order is evaluation order */
	CHECK_INT(run(RULE("A", "ka.verb=get") RULE("B", "ka.verb=create") RULE("A", "ka.verb=create"), EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "A;B;");
	CHECK_INT(run("- rule: R\n  condition: x\n  append: true\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists");
	CHECK_INT(run(RULE("R", "ka.verb=create") "- rule: R\n  condition: x\n  override:\n    priority: append\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': Key 'priority' cannot be appended to, use 'replace' instead");
	CHECK_INT(err.line, 10);
	CHECK_INT(run(RULE("R", "ka.verb=create") "- rule: R\n  condition: x\n  desc: y\n  override:\n    condition: append\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': Unexpected key 'desc': no corresponding entry under 'override' is defined.");
	CHECK_INT(run("- rule: R\n  enabled: false\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': Rule has 'enabled' key but no rule by that name already exists");
}

TEST(exceptions)
{
	char out[512];
	struct kg_diag err;
	const char *base = RULE("R", "ka.verb=create");
	char y[2048];
	snprintf(y, sizeof(y), "%s  exceptions:\n    - name: e\n      fields: [ka.user.name, ka.target.namespace]\n"
			       "      comps: [=, in]\n      values:\n        - [alice, [kube-system, x]]\n", base);
	CHECK_INT(run(y, EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "");
	snprintf(y, sizeof(y), "%s  exceptions:\n    - name: e\n      fields: ka.user.name\n      values: [bob, carol]\n", base);
	CHECK_INT(run(y, EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "R;");
	/* appended values (the GKE overlay form) */
	snprintf(y, sizeof(y), "%s  exceptions:\n    - name: e\n      fields: [ka.user.name]\n      comps: [endswith]\n      values: [[ob]]\n"
			       "- rule: R\n  exceptions:\n    - name: e\n      values: [[ice]]\n  override:\n    exceptions: append\n", base);
	CHECK_INT(run(y, EV, out, sizeof(out), &err), 0);
	CHECK_STR(out, "");
	snprintf(y, sizeof(y), "%s  exceptions:\n    - name: e\n      fields: [ka.user.name, ka.verb]\n      comps: [=]\n      values: []\n", base);
	CHECK_INT(run(y, EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': exception 'e': Fields and comps lists must have equal length");
	snprintf(y, sizeof(y), "%s  exceptions:\n    - name: e\n      fields: [ka.nosuch]\n      values: []\n", base);
	CHECK_INT(run(y, EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': exception 'e': 'ka.nosuch' is not a supported filter field");
	snprintf(y, sizeof(y), "%s  exceptions:\n    - name: e\n      fields: ka.verb\n      comps: =\n      values: []\n", base);
	CHECK_INT(run(y, EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': exception 'e': When fields is a single value, comps must be one of (in, pmatch, intersects)");
}

TEST(load_errors_name_file_line_and_rule)
{
	char out[512];
	struct kg_diag err;
	CHECK_INT(run("- rule: R\n  desc: d\n  output: o\n  priority: WARNING\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': Item has no mapping for key 'condition'");
	CHECK_STR(err.file, "t.yaml");
	CHECK_INT(err.line, 1);
	CHECK_INT(run("- rule: R\n  desc: d\n  condition: ka.verb=x\n  output: o\n  priority: LOUD\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': Invalid priority 'LOUD' (expected emergency, alert, critical, error, warning, notice, informational or debug)");
	CHECK_INT(err.line, 5);
	CHECK_INT(err.col, 13);
	CHECK_INT(run(RULE("R", "ka.verb=create and (ka.verb=x"), EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': invalid condition: expected a ')' token (at character 30: '')");
	CHECK_INT(err.line, 3);
	CHECK_INT(run(RULE("R", "ka.verb=create and ka.bad=1"), EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': invalid condition: unknown field 'ka.bad' (at character 20)");
	CHECK_INT(run("- rule: R\n  desc: d\n  condition: ka.verb=x\n  output: \"x %ka.nosuch\"\n  priority: INFO\n  source: k8s_audit\n",
		      EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "rule 'R': invalid output: invalid formatting token %ka.nosuch");
	CHECK_INT(run("- list: l\n  items: [a]\n  append: true\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "list 'l': List uses 'append' or 'override.items: append' but no list by that name already exists");
	CHECK_INT(run("- macro: m\n  condition: x\n  override:\n    condition: merge\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "macro 'm': Invalid override operation for key 'condition': 'merge'. Allowed values are: append replace ");
	CHECK_INT(run("rule: R\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "Rules content is not yaml array of objects");
	CHECK_INT(run("- [1]\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "Unexpected element type. Each element should be a yaml associative array.");
	CHECK_INT(run("- rule: R\n  condition: [\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.file, "t.yaml");
	CHECK(err.line >= 2);
}

TEST(versions)
{
	char out[512];
	struct kg_diag err;
	CHECK_INT(run("- required_engine_version: 15\n", EV, out, sizeof(out), &err), 0);
	CHECK_INT(run("- required_engine_version: 0.31.0\n", EV, out, sizeof(out), &err), 0);
	CHECK_INT(run("- required_engine_version: 99\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "Rules require engine version 0.99.0, but engine version is " KG_FALCO_ENGINE_VERSION);
	CHECK_INT(run("- required_engine_version: abc\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "required_engine_version: Unable to parse engine version 'abc' as a semver string. Expected \"x.y.z\" semver format.");
	CHECK_INT(run("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.7.0\n  - name: json\n    version: 0.7.0\n",
		      EV, out, sizeof(out), &err), 0);
	CHECK_INT(run("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.99.0\n", EV, out, sizeof(out), &err), -1);
	CHECK_STR(err.message, "Plugin 'k8saudit' version '0.99.0' is required by the rules but kguard provides " KG_K8SAUDIT_PLUGIN_VERSION);
	CHECK_INT(run("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.99.0\n    alternatives:\n      - name: k8saudit-eks\n        version: 0.1.0\n",
		      EV, out, sizeof(out), &err), 0);
	CHECK_INT(run("- required_plugin_versions:\n  - name: cloudtrail\n    version: 0.1.0\n", EV, out, sizeof(out), &err), -1);
	CHECK(strstr(err.message, "Plugin 'cloudtrail' version '0.1.0' is required by the rules but kguard provides no such plugin") == err.message);
}

TEST(other_sources_are_skipped_with_a_warning)
{
	struct kg_ruleset *rs = kg_ruleset_new();
	struct kg_diag err;
	const char *y = "- rule: S\n  desc: d\n  condition: proc.name=sh and evt.type in (execve)\n  output: o\n  priority: INFO\n"
			"- rule: K\n  desc: d\n  condition: ka.verb=get\n  output: o\n  priority: INFO\n  source: k8s_audit\n  weird: 1\n";
	CHECK_INT(kg_ruleset_load_buffer(rs, "t.yaml", y, strlen(y), &err), 0);
	CHECK_INT(kg_ruleset_compile(rs, &err), 0);
	CHECK_INT(kg_ruleset_nrules(rs), 1);
	CHECK_STR(kg_ruleset_rule(rs, 0)->name, "K");
	CHECK_INT(kg_ruleset_nwarnings(rs), 2);
	CHECK_STR(kg_ruleset_warning(rs, 0)->message, "rule 'S': Unknown source syscall, skipping");
	CHECK_STR(kg_ruleset_warning(rs, 1)->message, "rule 'K': Unknown key 'weird'. The key will be ignored.");
	CHECK_INT(kg_ruleset_warning(rs, 1)->line, 12);
	kg_ruleset_free(rs);
}

TEST(priorities)
{
	enum kg_priority p;
	CHECK_INT(kg_priority_parse("info", &p), 0);
	CHECK_INT(p, KG_PRI_INFORMATIONAL);
	CHECK_INT(kg_priority_parse("WARNING", &p), 0);
	CHECK_INT(p, KG_PRI_WARNING);
	CHECK_INT(kg_priority_parse("warn", &p), -1);
	CHECK_STR(kg_priority_name(KG_PRI_INFORMATIONAL), "Informational");
}
