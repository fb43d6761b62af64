/* `kguard audit policy`: which detections an audit Policy starves (see policy.h).
 *
 * What each rule needs is read from its compiled condition: the resources, subresources, verbs
 * and stages it requires (from positive checks of ka.target.resource, ka.target.subresource,
 * ka.verb, ka.stage and jevt.value[/stage]; a rule that constrains none of them looks at every
 * request), and the audit level its fields need (ka.req.* and /requestObject pointers need
 * Request; ka.resp.name, ka.target.pod.name and /responseObject need RequestResponse; the rest
 * Metadata). Fields under `not` count too: a missing request body turns `not X in (...)` true.
 *
 * The Policy is evaluated as the API server does (policy/checker.go): rules in order, first match
 * wins, no match means None; a rule limited to some users or groups is skipped (it does not apply
 * to an arbitrary caller), one limited to resourceNames too; namespaces are checked for each
 * namespace the policy names plus any other namespace. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd/commands.h"
#include "../core/load.h"
#include "audit.h"
#include "policy.h"

enum level { LV_NONE, LV_METADATA, LV_REQUEST, LV_RR };
static const char *const level_names[] = { "None", "Metadata", "Request", "RequestResponse" };

static const char *const all_verbs[] = { "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection" };
#define NVERBS 8

/* ---- what a rule needs ---- */

#define MAXSET 32
struct cset {
	bool any;
	unsigned n;
	const char *v[MAXSET];
};

struct need {
	struct cset res, sub, verb, stage;
	enum level level;
};

static struct cset cs_any(void)
{
	struct cset s;
	memset(&s, 0, sizeof(s));
	s.any = true;
	return s;
}

static bool cs_has(const struct cset *s, const char *v)
{
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], v))
			return true;
	return false;
}

static struct cset cs_and(struct cset a, struct cset b)
{
	if (a.any)
		return b;
	if (b.any)
		return a;
	struct cset r = { false, 0, { 0 } };
	for (unsigned i = 0; i < a.n; i++)
		if (cs_has(&b, a.v[i]))
			r.v[r.n++] = a.v[i];
	return r;
}

static struct cset cs_or(struct cset a, struct cset b)
{
	if (a.any || b.any)
		return cs_any();
	for (unsigned i = 0; i < b.n && a.n < MAXSET; i++)
		if (!cs_has(&a, b.v[i]))
			a.v[a.n++] = b.v[i];
	return a;
}

static enum level field_level(const struct kg_slot *sl)
{
	const char *n = sl->field->name;
	if (!strcmp(n, "ka.resp.name") || !strcmp(n, "ka.target.pod.name"))
		return LV_RR;
	if (!strncmp(n, "ka.req.", 7) && strcmp(n, "ka.req.configmap.name"))
		return LV_REQUEST;
	if ((!strcmp(n, "jevt.value") || !strcmp(n, "json.value")) && sl->arg) {
		if (!strncmp(sl->arg, "/requestObject", 14))
			return LV_REQUEST;
		if (!strncmp(sl->arg, "/responseObject", 15))
			return LV_RR;
	}
	return LV_METADATA;
}

/* The positive constraint a check puts on one field name, else "any". */
static struct cset check_set(const struct kg_enode *n, const struct kg_slots *slots, const char *field, const char *ptr)
{
	const struct kg_slot *sl = &slots->v[n->slot];
	bool match = !strcmp(sl->field->name, field) ||
		     (ptr && sl->arg && (!strcmp(sl->field->name, "jevt.value") || !strcmp(sl->field->name, "json.value")) &&
		      !strcmp(sl->arg, ptr));
	if (!match || !(n->op == KG_OP_EQ || n->op == KG_OP_IN || n->op == KG_OP_INTERSECTS))
		return cs_any();
	struct cset s = { false, 0, { 0 } };
	for (uint32_t i = 0; i < n->n && s.n < MAXSET; i++)
		s.v[s.n++] = n->vals[i].s;
	return s;
}

static void analyse(const struct kg_enode *n, const struct kg_slots *slots, bool positive, struct need *out, unsigned depth)
{
	memset(out, 0, sizeof(*out));
	out->res = out->sub = out->verb = out->stage = cs_any();
	out->level = LV_METADATA;
	if (depth > 2000)
		return;
	if (n->kind == KG_EN_CHECK) {
		out->level = field_level(&slots->v[n->slot]);
		if (positive) {
			out->res = check_set(n, slots, "ka.target.resource", NULL);
			out->sub = check_set(n, slots, "ka.target.subresource", NULL);
			out->verb = check_set(n, slots, "ka.verb", NULL);
			out->stage = cs_and(check_set(n, slots, "ka.stage", NULL), check_set(n, slots, "", "/stage"));
		}
		return;
	}
	if (n->kind == KG_EN_MEMO) {
		analyse(n->kids[0], slots, positive, out, depth + 1);
		return;
	}
	if (n->kind == KG_EN_NOT) {
		struct need k;
		analyse(n->kids[0], slots, false, &k, depth + 1);
		out->level = k.level;
		return;
	}
	for (uint32_t i = 0; i < n->n; i++) {
		struct need k;
		analyse(n->kids[i], slots, positive, &k, depth + 1);
		if (k.level > out->level)
			out->level = k.level;
		if (!positive)
			continue;
		if (n->kind == KG_EN_AND) {
			out->res = cs_and(out->res, k.res);
			out->sub = cs_and(out->sub, k.sub);
			out->verb = cs_and(out->verb, k.verb);
			out->stage = cs_and(out->stage, k.stage);
		} else if (i == 0) {
			out->res = k.res;
			out->sub = k.sub;
			out->verb = k.verb;
			out->stage = k.stage;
		} else {
			out->res = cs_or(out->res, k.res);
			out->sub = cs_or(out->sub, k.sub);
			out->verb = cs_or(out->verb, k.verb);
			out->stage = cs_or(out->stage, k.stage);
		}
	}
}

/* API groups of the resources rules name (a rule only sees ka.target.resource). */
static const char *group_of(const char *res)
{
	static const struct { const char *r, *g; } t[] = {
		{ "deployments", "apps" }, { "daemonsets", "apps" }, { "statefulsets", "apps" }, { "replicasets", "apps" },
		{ "controllerrevisions", "apps" }, { "jobs", "batch" }, { "cronjobs", "batch" },
		{ "roles", "rbac.authorization.k8s.io" }, { "rolebindings", "rbac.authorization.k8s.io" },
		{ "clusterroles", "rbac.authorization.k8s.io" }, { "clusterrolebindings", "rbac.authorization.k8s.io" },
		{ "ingresses", "networking.k8s.io" }, { "networkpolicies", "networking.k8s.io" },
		{ "validatingwebhookconfigurations", "admissionregistration.k8s.io" },
		{ "mutatingwebhookconfigurations", "admissionregistration.k8s.io" },
		{ "validatingadmissionpolicies", "admissionregistration.k8s.io" },
		{ "validatingadmissionpolicybindings", "admissionregistration.k8s.io" },
		{ "mutatingadmissionpolicies", "admissionregistration.k8s.io" },
		{ "mutatingadmissionpolicybindings", "admissionregistration.k8s.io" },
		{ "certificatesigningrequests", "certificates.k8s.io" }, { "tokenreviews", "authentication.k8s.io" },
		{ "customresourcedefinitions", "apiextensions.k8s.io" }, { "podsecuritypolicies", "policy" },
		{ "poddisruptionbudgets", "policy" }, { "horizontalpodautoscalers", "autoscaling" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].r, res))
			return t[i].g;
	return "";
}

/* ---- the Policy ---- */

static bool seq_has(const struct kg_node *seq, const char *v)
{
	for (uint32_t i = 0; seq && seq->type == KG_SEQ && i < seq->len; i++) {
		const char *s = kg_str(seq->v.items[i]);
		if (s && !strcmp(s, v))
			return true;
	}
	return false;
}

static bool nonempty(const struct kg_node *seq)
{
	return seq && seq->type == KG_SEQ && seq->len > 0;
}

static enum level parse_level(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, level_names[i]))
			return (enum level)i;
	return (enum level)-1;
}

/* checker.go ruleMatchesResource for a resource request. */
static bool rule_matches(const struct kg_node *r, const char *group, const char *res, const char *sub, const char *verb,
			 const char *ns)
{
	if (nonempty(kg_map_get(r, "users")) || nonempty(kg_map_get(r, "userGroups")))
		return false; /* applies to named callers only */
	const struct kg_node *verbs = kg_map_get(r, "verbs");
	if (nonempty(verbs) && !seq_has(verbs, verb))
		return false;
	if (nonempty(kg_map_get(r, "nonResourceURLs")))
		return false;
	const struct kg_node *nss = kg_map_get(r, "namespaces");
	if (nonempty(nss) && !seq_has(nss, ns))
		return false;
	const struct kg_node *grs = kg_map_get(r, "resources");
	if (!nonempty(grs))
		return true;
	char combined[160];
	snprintf(combined, sizeof(combined), "%s%s%s", res, sub ? "/" : "", sub ? sub : "");
	for (uint32_t i = 0; i < grs->len; i++) {
		const struct kg_node *gr = grs->v.items[i];
		const char *g = kg_str(kg_map_get(gr, "group"));
		if (strcmp(g ? g : "", group))
			continue;
		const struct kg_node *rs = kg_map_get(gr, "resources");
		if (nonempty(kg_map_get(gr, "resourceNames")))
			continue; /* limited to some object names */
		if (!nonempty(rs))
			return true;
		for (uint32_t k = 0; k < rs->len; k++) {
			const char *x = kg_str(rs->v.items[k]);
			if (!x)
				continue;
			size_t xl = strlen(x);
			if (!strcmp(x, combined) || !strcmp(x, "*"))
				return true;
			if (sub && !strncmp(x, "*/", 2) && !strcmp(x + 2, sub))
				return true;
			if (xl > 2 && !strcmp(x + xl - 2, "/*") && strlen(res) == xl - 2 && !strncmp(x, res, xl - 2))
				return true;
		}
	}
	return false;
}

struct verdict {
	enum level level;
	int rule;        /* 0-based policy rule, -1 none matched */
	unsigned line;
	bool started_omitted, complete_omitted;
};

static struct verdict evaluate(const struct kg_node *policy, const char *group, const char *res, const char *sub,
			       const char *verb, const char *ns)
{
	struct verdict v = { LV_NONE, -1, 0, false, false };
	const struct kg_node *rules = kg_map_get(policy, "rules");
	const struct kg_node *gomit = kg_map_get(policy, "omitStages");
	for (uint32_t i = 0; rules && rules->type == KG_SEQ && i < rules->len; i++) {
		const struct kg_node *r = rules->v.items[i];
		if (!rule_matches(r, group, res, sub, verb, ns))
			continue;
		v.level = parse_level(kg_str(kg_map_get(r, "level")));
		v.rule = (int)i;
		v.line = r->line;
		const struct kg_node *omit = kg_map_get(r, "omitStages");
		v.started_omitted = seq_has(omit, "ResponseStarted") || seq_has(gomit, "ResponseStarted");
		v.complete_omitted = seq_has(omit, "ResponseComplete") || seq_has(gomit, "ResponseComplete");
		return v;
	}
	v.started_omitted = seq_has(gomit, "ResponseStarted");
	v.complete_omitted = seq_has(gomit, "ResponseComplete");
	return v;
}

static int validate_policy(const struct kg_node *p, const char *file)
{
	const char *kind = kg_str(kg_map_get(p, "kind"));
	const char *av = kg_str(kg_map_get(p, "apiVersion"));
	if (!kind || strcmp(kind, "Policy") || !av || strncmp(av, "audit.k8s.io/", 13)) {
		fprintf(stderr, "kguard audit policy: %s: not an audit Policy (want apiVersion audit.k8s.io/v1, kind Policy)\n", file);
		return -1;
	}
	const struct kg_node *rules = kg_map_get(p, "rules");
	if (!rules || rules->type != KG_SEQ) {
		fprintf(stderr, "kguard audit policy: %s:%u: the Policy has no rules list\n", file, p->line);
		return -1;
	}
	for (uint32_t i = 0; i < rules->len; i++) {
		const struct kg_node *r = rules->v.items[i];
		if (r->type != KG_MAP || (int)parse_level(kg_str(kg_map_get(r, "level"))) < 0) {
			fprintf(stderr, "kguard audit policy: %s:%u:%u: rule %u: level must be None, Metadata, Request or RequestResponse\n",
				file, r->line, r->col, i + 1);
			return -1;
		}
	}
	return 0;
}

/* Namespaces the policy singles out (each is checked, plus "any other"). */
static unsigned policy_namespaces(const struct kg_node *p, const char **out, unsigned max)
{
	unsigned n = 0;
	out[n++] = "kg-any-other-namespace";
	const struct kg_node *rules = kg_map_get(p, "rules");
	for (uint32_t i = 0; rules && rules->type == KG_SEQ && i < rules->len; i++) {
		const struct kg_node *nss = kg_map_get(rules->v.items[i], "namespaces");
		for (uint32_t k = 0; nss && nss->type == KG_SEQ && k < nss->len && n < max; k++) {
			const char *s = kg_str(nss->v.items[k]);
			bool dup = false;
			for (unsigned j = 0; j < n && s; j++)
				dup |= !strcmp(out[j], s);
			if (s && !dup)
				out[n++] = s;
		}
	}
	return n;
}

struct policy_doc {
	struct kg_arena *arena;
	const struct kg_node *root;
	struct kg_diag err;
	bool failed;
};

static int on_policy_doc(void *ctx, const struct kg_doc *d)
{
	struct policy_doc *pd = ctx;
	if (!pd->root)
		pd->root = d->root;
	return 1; /* the first document is the Policy; keep its tree (the loader stops) */
}

static void on_policy_error(void *ctx, const struct kg_diag *d)
{
	struct policy_doc *pd = ctx;
	if (!pd->failed)
		pd->err = *d;
	pd->failed = true;
}

static const char *ns_label(const char *ns)
{
	return strcmp(ns, "kg-any-other-namespace") ? ns : NULL;
}

static void print_recommendation(const struct kg_ruleset *rs, const struct need *needs, size_t n)
{
	/* resource -> (level, verbs) */
	struct rec {
		const char *res;
		enum level level;
		bool verbs[NVERBS];
		bool all_verbs;
	} recs[128];
	unsigned nrec = 0;
	bool started = false;
	for (size_t i = 0; i < n; i++) {
		const struct need *nd = &needs[i];
		if (nd->stage.any || cs_has(&nd->stage, "ResponseStarted"))
			started |= !nd->stage.any;
		if (nd->res.any || nd->level <= LV_METADATA)
			continue;
		for (unsigned r = 0; r < nd->res.n; r++) {
			for (unsigned s = 0; s < (nd->sub.any ? 1 : nd->sub.n); s++) {
				char key[160];
				snprintf(key, sizeof(key), "%s%s%s", nd->res.v[r], nd->sub.any ? "" : "/", nd->sub.any ? "" : nd->sub.v[s]);
				unsigned k = 0;
				while (k < nrec && strcmp(recs[k].res, key))
					k++;
				if (k == nrec) {
					if (nrec == 128)
						continue;
					memset(&recs[nrec], 0, sizeof(recs[0]));
					recs[nrec].res = strdup(key);
					nrec++;
				}
				if (nd->level > recs[k].level)
					recs[k].level = nd->level;
				if (nd->verb.any)
					recs[k].all_verbs = true;
				for (unsigned v = 0; v < NVERBS; v++)
					recs[k].verbs[v] |= cs_has(&nd->verb, all_verbs[v]);
			}
		}
	}
	printf("# Audit Policy recommended by kguard for the %zu loaded rules.\n", kg_ruleset_nrules(rs));
	printf("# Request bodies are logged only where a rule reads them; secrets stay at Metadata so that\n");
	printf("# the log never holds secret data. Keep write access to the log as tight as to etcd.\n");
	printf("apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages:\n  - RequestReceived\n");
	if (!started)
		printf("  # ResponseStarted is kept: exec/attach rules fire on it\n");
	printf("rules:\n");
	printf("  # Noise no rule needs.\n  - level: None\n    resources:\n      - group: \"\"\n        resources: [events]\n");
	printf("  - level: None\n    nonResourceURLs: [/healthz*, /livez*, /readyz*]\n    users: [system:kube-probe]\n");
	for (int lv = LV_RR; lv > LV_METADATA; lv--) {
		for (unsigned k = 0; k < nrec; k++) {
			if (recs[k].level != (enum level)lv)
				continue;
			if (!strcmp(recs[k].res, "secrets"))
				continue; /* never log secret bodies */
			char res[160];
			snprintf(res, sizeof(res), "%s", recs[k].res);
			char *slash = strchr(res, '/');
			char base[160];
			snprintf(base, sizeof(base), "%.*s", slash ? (int)(slash - res) : (int)strlen(res), res);
			printf("  - level: %s\n", level_names[lv]);
			if (!recs[k].all_verbs) {
				printf("    verbs: [");
				bool first = true;
				for (unsigned v = 0; v < NVERBS; v++)
					if (recs[k].verbs[v]) {
						printf("%s%s", first ? "" : ", ", all_verbs[v]);
						first = false;
					}
				printf("]\n");
			}
			printf("    resources:\n      - group: \"%s\"\n        resources: [\"%s\"]\n", group_of(base), res);
		}
	}
	printf("  # Everything else at Metadata: rules about who did what (any user, anonymous access,\n");
	printf("  # secrets, exec, bindings) read only metadata.\n  - level: Metadata\n");
	for (unsigned k = 0; k < nrec; k++)
		free((void *)(uintptr_t)recs[k].res);
}

static const char policy_help[] =
	"usage: kguard audit policy [--recommend] [--rules FILE]... [POLICY.yaml]\n"
	"\n"
	"Report what an audit Policy (audit.k8s.io/v1) hides from the rules: resources and verbs logged\n"
	"below the level a rule's fields need (Request for request bodies, RequestResponse for\n"
	"responses), not logged at all, or with the stage the rule waits for omitted. --recommend\n"
	"prints a Policy that gives the loaded rules what they need (POLICY.yaml is then optional).\n"
	"Exit codes: 0 no gap, 1 gaps found, 2 usage or input error.\n";

int kg_cmd_audit_policy(int argc, char **argv)
{
	const char **rules = calloc((size_t)argc + 1, sizeof(*rules));
	int nrules = 0, rc = KG_EXIT_INPUT;
	const char *file = NULL;
	bool recommend = false;
	struct kg_ruleset *rs = NULL;
	struct need *needs = NULL;
	struct kg_loader *L = NULL;
	if (!rules)
		return KG_EXIT_INTERNAL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(policy_help, stdout);
			rc = KG_EXIT_OK;
			goto out;
		} else if (!strcmp(a, "--recommend")) {
			recommend = true;
		} else if (!strcmp(a, "--rules") || !strcmp(a, "-r")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "kguard audit policy: --rules needs a file name\n");
				goto out;
			}
			rules[nrules++] = argv[++i];
		} else if (!strncmp(a, "--rules=", 8)) {
			rules[nrules++] = a + 8;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "kguard audit policy: unknown option '%s'\nTry 'kguard audit policy --help'.\n", a);
			goto out;
		} else if (file) {
			fprintf(stderr, "kguard audit policy: one POLICY file at a time\n");
			goto out;
		} else {
			file = a;
		}
	}
	if (!file && !recommend) {
		fprintf(stderr, "kguard audit policy: no POLICY file given\nTry 'kguard audit policy --help'.\n");
		goto out;
	}
	rs = kg_audit_load_rules(rules, nrules);
	if (!rs)
		goto out;
	size_t n = kg_ruleset_nrules(rs);
	needs = calloc(n ? n : 1, sizeof(*needs));
	for (size_t i = 0; i < n; i++)
		analyse(kg_ruleset_rule(rs, i)->cond, kg_ruleset_slots(rs), true, &needs[i], 0);
	if (recommend && !file) {
		print_recommendation(rs, needs, n);
		rc = KG_EXIT_OK;
		goto out;
	}
	FILE *fp = fopen(file, "rb");
	if (!fp) {
		fprintf(stderr, "kguard audit policy: %s: cannot open: %s\n", file, strerror(errno));
		goto out;
	}
	L = kg_loader_new(NULL);
	struct policy_doc pd;
	memset(&pd, 0, sizeof(pd));
	struct kg_load_sink sink = { &pd, on_policy_doc, on_policy_error };
	kg_loader_file(L, file, fp, &sink);
	fclose(fp);
	if (pd.failed || !pd.root) {
		if (pd.failed)
			fprintf(stderr, "kguard audit policy: %s:%u:%u: %s\n", file, pd.err.line, pd.err.col, pd.err.message);
		else
			fprintf(stderr, "kguard audit policy: %s: empty file\n", file);
		goto out;
	}
	if (validate_policy(pd.root, file))
		goto out;
	const char *nss[32];
	unsigned nns = policy_namespaces(pd.root, nss, 32);
	unsigned gaps = 0, rules_hit = 0;
	printf("Audit policy %s against %zu rules:\n", file, n);
	for (size_t i = 0; i < n; i++) {
		const struct kg_crule *cr = kg_ruleset_rule(rs, i);
		const struct need *nd = &needs[i];
		if (!cr->enabled)
			continue;
		unsigned before = gaps;
		static const char *const any_res[] = { "kg-any-resource" };
		unsigned nres = nd->res.any ? 1 : nd->res.n;
		for (unsigned r = 0; r < nres; r++) {
			const char *res = nd->res.any ? any_res[0] : nd->res.v[r];
			const char *group = nd->res.any ? "kg.example" : group_of(res);
			unsigned nsub = nd->sub.any ? 1 : nd->sub.n;
			for (unsigned s = 0; s < nsub; s++) {
				const char *sub = nd->sub.any ? NULL : nd->sub.v[s];
				char first_line[1024] = "";
				for (unsigned z = 0; z < nns; z++) {
					/* verbs with the same verdict are reported together */
					char verbs_short[256] = "", verbs_omit[256] = "";
					struct verdict last = { LV_NONE, -2, 0, false, false };
					for (unsigned v = 0; v < NVERBS; v++) {
						if (!nd->verb.any && !cs_has(&nd->verb, all_verbs[v]))
							continue;
						struct verdict vd = evaluate(pd.root, group, res, sub, all_verbs[v], nss[z]);
						bool started = !nd->stage.any && cs_has(&nd->stage, "ResponseStarted");
						bool complete = !nd->stage.any && cs_has(&nd->stage, "ResponseComplete");
						if (vd.level < nd->level) {
							snprintf(verbs_short + strlen(verbs_short), sizeof(verbs_short) - strlen(verbs_short), "%s%s",
								 *verbs_short ? "," : "", all_verbs[v]);
							last = vd;
						} else if ((started && vd.started_omitted) || (complete && vd.complete_omitted)) {
							snprintf(verbs_omit + strlen(verbs_omit), sizeof(verbs_omit) - strlen(verbs_omit), "%s%s",
								 *verbs_omit ? "," : "", all_verbs[v]);
						}
					}
					char what[200];
					if (nd->res.any)
						snprintf(what, sizeof(what), "every request");
					else
						snprintf(what, sizeof(what), "%s %s%s%s", "", res, sub ? "/" : "", sub ? sub : "");
					const char *nsl = ns_label(nss[z]);
					/* A namespace whose verdict is the same as any other namespace's is not repeated. */
					char line[1024], verdict[400];
					line[0] = '\0';
					if (*verbs_short) {
						if (last.rule < 0)
							snprintf(verdict, sizeof(verdict), "not logged (no policy rule matches: level None)");
						else
							snprintf(verdict, sizeof(verdict), "logged at %s by policy rule %d (line %u)",
								 level_names[last.level], last.rule + 1, last.line);
						snprintf(line, sizeof(line), "needs level %s for %s%s%s|%s", level_names[nd->level],
							 nd->res.any ? "" : verbs_short, nd->res.any ? "" : " ", what + (nd->res.any ? 0 : 1), verdict);
					}
					if (*verbs_omit)
						snprintf(line + strlen(line), sizeof(line) - strlen(line), "#waits for stage %s of %s %s",
							 cs_has(&nd->stage, "ResponseStarted") ? "ResponseStarted" : "ResponseComplete", verbs_omit,
							 what + 1);
					if (z == 0)
						snprintf(first_line, sizeof(first_line), "%s", line);
					else if (!strcmp(line, first_line))
						continue;
					if (*verbs_short) {
						gaps++;
						char *bar = strchr(line, '|');
						*bar = '\0';
						char *hash = strchr(bar + 1, '#');
						if (hash)
							*hash = '\0';
						printf("  rule '%s' %s%s%s: %s\n", cr->name, line, nsl ? " in namespace " : "", nsl ? nsl : "", bar + 1);
						if (hash)
							*hash = '#';
					}
					if (*verbs_omit) {
						gaps++;
						printf("  rule '%s' %s%s%s: the policy omits that stage\n", cr->name, strchr(line, '#') + 1,
						       nsl ? " in namespace " : "", nsl ? nsl : "");
					}
				}
			}
		}
		rules_hit += gaps > before;
	}
	if (gaps)
		printf("%u gaps: %u of %zu rules cannot see everything they look for. `kguard audit policy --recommend` prints a policy that covers them.\n",
		       gaps, rules_hit, n);
	else
		printf("no gaps: every rule sees the events and fields it needs\n");
	if (recommend) {
		printf("\n");
		print_recommendation(rs, needs, n);
	}
	rc = gaps ? KG_EXIT_FINDINGS : KG_EXIT_OK;
out:
	kg_loader_free(L);
	free(needs);
	kg_ruleset_free(rs);
	free(rules);
	return rc;
}
