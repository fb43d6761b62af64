/* Test helper: run one rule family (or every family through the engine) over YAML text and look
 * at the findings. Static functions only; include after harness.h. */
#ifndef KG_SCAN_HELPER_H
#define KG_SCAN_HELPER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/load.h"
#include "rules/policy.h"
#include "rules/engine.h"
#include "rules/family.h"

struct th_run {
	struct kg_report report;
	const struct kg_family *family; /* NULL: the whole engine */
	void *state;                    /* family state to use (NULL: none) */
	unsigned handled;               /* objects the family marked handled */
	struct kg_scan_opts opts;
	struct kg_engine *engine;
};

static int th_on_doc(void *ctx, const struct kg_doc *doc)
{
	struct th_run *r = ctx;
	if (!r->family) {
		kg_engine_doc(r->engine, doc, &r->report);
		return 0;
	}
	struct kg_object obj;
	if (!kg_object_init(&obj, doc->root, doc, NULL))
		return 0;
	bool handled = false;
	struct kg_check c = { &r->opts, &r->report, &obj, doc, r->state, &handled, NULL, NULL };
	r->family->check(&c);
	r->handled += handled;
	return 0;
}

static void th_on_error(void *ctx, const struct kg_diag *d)
{
	struct th_run *r = ctx;
	kg_report_error(&r->report, d);
}

/* Scan yaml with family (state as given) or, when family is NULL, with the engine; policy may
 * be NULL. */
static void th_scan_policy(struct th_run *r, const struct kg_family *family, void *state, const struct kg_policy *policy,
			   const char *yaml)
{
	memset(r, 0, sizeof(*r));
	kg_report_init(&r->report);
	r->family = family;
	r->state = state;
	r->opts.pss_level = KG_PSS_RESTRICTED;
	r->opts.pss_minor = KG_PSS_LATEST_MINOR;
	r->opts.policy = policy;
	if (!family)
		r->engine = kg_engine_new(&r->opts);
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_load_sink sink = { r, th_on_doc, th_on_error };
	kg_loader_buffer(L, "test.yaml", yaml, strlen(yaml), &sink);
	kg_loader_free(L);
}

static void th_scan(struct th_run *r, const struct kg_family *family, void *state, const char *yaml)
{
	th_scan_policy(r, family, state, NULL, yaml);
}

/* Load a policy from text (written to a temporary file); NULL with *err on errors. */
__attribute__((unused)) static struct kg_policy *th_policy(const char *text, struct kg_diag *err)
{
	char path[] = "/tmp/kguard-test-policy-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	FILE *fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	struct kg_policy *p = kg_policy_load(path, err);
	unlink(path);
	return p;
}

static void th_free(struct th_run *r)
{
	if (r->engine)
		kg_engine_free(r->engine);
	kg_report_release(&r->report);
}

/* Number of findings of rule id. */
static unsigned th_count(const struct th_run *r, const char *id)
{
	unsigned n = 0;
	for (size_t i = 0; i < r->report.nfindings; i++)
		if (!strcmp(r->report.findings[i].rule_id, id))
			n++;
	return n;
}

/* The k-th finding of rule id, or NULL. */
static const struct kg_finding *th_get(const struct th_run *r, const char *id, unsigned k)
{
	for (size_t i = 0; i < r->report.nfindings; i++)
		if (!strcmp(r->report.findings[i].rule_id, id) && k-- == 0)
			return &r->report.findings[i];
	return NULL;
}

/* Whether any finding of rule id has a message containing needle. */
static int th_has(const struct th_run *r, const char *id, const char *needle)
{
	for (size_t i = 0; i < r->report.nfindings; i++)
		if (!strcmp(r->report.findings[i].rule_id, id) && strstr(r->report.findings[i].message, needle))
			return 1;
	return 0;
}

/* Whether any finding's message contains needle (for checks that a value never leaks). */
__attribute__((unused)) static int th_any_message_has(const struct th_run *r, const char *needle)
{
	for (size_t i = 0; i < r->report.nfindings; i++)
		if (strstr(r->report.findings[i].message, needle))
			return 1;
	return 0;
}

#endif
