/* The EKS aws-auth ConfigMap: data.mapRoles / mapUsers / mapAccounts are YAML documents inside
 * strings. They are parsed with the same loader (and limits) as any manifest; positions inside a
 * block scalar are mapped back to lines of the file. */
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "../core/load.h"
#include "rbac_priv.h"

const struct kg_rule *kg_rbac_rule(const char *id);
void kg_rbac_check_aws_auth(struct kg_check *c, struct kg_loader *L);

#define AWS_AUTH_MAX_BYTES (1u << 20)

struct aws_ctx {
	struct kg_check *c;
	const char *key;             /* mapRoles, mapUsers, mapAccounts */
	const struct kg_node *value; /* the string node in the ConfigMap */
	unsigned indent;             /* column of the block's content (key column + 2) */
	bool block;                  /* lines inside the string map to lines after value->line */
	int ndocs;
	bool reported;
};

/* A position inside the embedded document, as a node of the ConfigMap's file. */
static struct kg_node at_inner(const struct aws_ctx *a, unsigned line, unsigned col)
{
	struct kg_node at = { 0 };
	if (a->block && line) {
		at.line = a->value->line + line;
		at.col = a->indent + (col ? col - 1 : 0); /* assumes the usual two-space indentation */
	} else {
		at.line = a->value->line;
		at.col = a->value->col;
	}
	return at;
}

static void report_invalid(struct aws_ctx *a, unsigned line, unsigned col, const char *why)
{
	if (a->reported)
		return;
	a->reported = true;
	struct kg_node at = at_inner(a, line, col);
	char path[64];
	kg_fmt(path, sizeof(path), "data.%s", a->key);
	kg_emit(a->c, kg_rbac_rule("rbac.aws-auth-invalid"), &at, path, NULL, "data.%s: %s", a->key, why);
}

static void on_error(void *ctx, const struct kg_diag *d)
{
	struct aws_ctx *a = ctx;
	char why[600];
	kg_fmt(why, sizeof(why), "not valid YAML (%s)", d->message);
	report_invalid(a, d->line, d->col, why);
}

static void check_entry(struct aws_ctx *a, const struct kg_node *e, uint32_t i)
{
	const char *arn_key = !strcmp(a->key, "mapRoles") ? "rolearn" : "userarn";
	char path[96];
	if (!kg_is_map(e)) {
		report_invalid(a, e->line, e->col, "each entry must be an object");
		return;
	}
	const struct kg_node *arn = kg_map_get(e, arn_key);
	const char *arns = kg_str(arn);
	if (!arns) {
		char why[96];
		kg_fmt(why, sizeof(why), "entry %u has no %s", i, arn_key);
		report_invalid(a, e->line, e->col, why);
		return;
	}
	kg_fmt(path, sizeof(path), "data.%s[%u].%s", a->key, i, arn_key);
	if (strchr(arns, '*')) {
		struct kg_node at = at_inner(a, arn->line, arn->col);
		kg_emit(a->c, kg_rbac_rule("rbac.aws-auth-wildcard-arn"), &at, path, NULL,
			"aws-auth %s entry %s uses a wildcard; ARNs are matched literally", a->key, arns);
	}
	const struct kg_node *groups = kg_map_get(e, "groups");
	for (uint32_t g = 0; kg_is_seq(groups) && g < groups->len; g++) {
		const char *gs = kg_str(groups->v.items[g]);
		if (gs && !strcmp(gs, "system:masters")) {
			struct kg_node at = at_inner(a, groups->v.items[g]->line, groups->v.items[g]->col);
			kg_fmt(path, sizeof(path), "data.%s[%u].groups[%u]", a->key, i, g);
			kg_emit(a->c, kg_rbac_rule("rbac.aws-auth-system-masters"), &at, path, NULL,
				"aws-auth %s maps %s to system:masters (unrestricted cluster-admin)", a->key, arns);
		}
	}
}

static int on_doc(void *ctx, const struct kg_doc *doc)
{
	struct aws_ctx *a = ctx;
	const struct kg_node *root = doc->root;
	if (a->ndocs++)
		return 0;
	if (!strcmp(a->key, "mapAccounts")) {
		if (!kg_is_seq(root))
			report_invalid(a, root->line, root->col, "must be a list of AWS account ids");
		return 0;
	}
	if (!kg_is_seq(root)) {
		report_invalid(a, root->line, root->col, "must be a list of entries");
		return 0;
	}
	for (uint32_t i = 0; i < root->len; i++)
		check_entry(a, root->v.items[i], i);
	return 0;
}

static bool is_json_file(const char *f)
{
	size_t n = f ? strlen(f) : 0;
	return n >= 5 && !strcmp(f + n - 5, ".json");
}

void kg_rbac_check_aws_auth(struct kg_check *c, struct kg_loader *L)
{
	const struct kg_node *data = kg_map_get(c->obj->node, "data");
	static const char *const keys[] = { "mapRoles", "mapUsers", "mapAccounts" };
	for (size_t k = 0; k < 3; k++) {
		const struct kg_node *v = kg_map_get(data, keys[k]);
		if (!v)
			continue;
		const struct kg_pair *kp = kg_map_pair(data, keys[k]);
		struct aws_ctx a = { c, keys[k], v, kp->col + 2, false, 0, false };
		if (v->type != KG_STR) {
			report_invalid(&a, 0, 0, "must be a string holding YAML");
			continue;
		}
		if (v->len > AWS_AUTH_MAX_BYTES) {
			report_invalid(&a, 0, 0, "larger than 1 MiB");
			continue;
		}
		/* a multi-line string in YAML is (in practice) a block scalar whose text starts on the
		 * next line; in JSON it is one line with \n escapes */
		a.block = memchr(v->v.s, '\n', v->len) != NULL && !is_json_file(c->obj->file);
		struct kg_load_sink sink = { &a, on_doc, on_error };
		char display[64];
		kg_fmt(display, sizeof(display), "data.%s", keys[k]);
		kg_loader_buffer(L, display, v->v.s, v->len, &sink);
	}
}
