/* libFuzzer target: audit input as the log reader and the webhook see it (one JSON value: an
 * Event, an EventList or an array), evaluated by kguard's own rules (which use every kind of field,
 * the JSON pointers and the stateful kg.* counter), with the alerts rendered in both formats. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "audit/alert.h"
#include "audit/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kg_ruleset *rs;
static struct kg_audit_engine *eng;
static struct kg_alert_writer writer;
static struct kg_audit_stats stats;
static struct kg_audit_reader rd;

static void on_alert(void *ctx, const struct kg_alert *a)
{
	(void)ctx;
	writer.format = writer.format == KG_ALERT_TEXT ? KG_ALERT_JSON : KG_ALERT_TEXT;
	kg_alert_write(&writer, a);
}

static void setup(void)
{
	struct kg_diag err;
	rs = kg_ruleset_new();
	if (kg_ruleset_load_file(rs, "rules/kguard_audit_rules.yaml", &err) ||
	    kg_ruleset_load_file(rs, "../shared/conformance/falco-k8saudit/rules/k8s_audit_rules.yaml", &err) ||
	    kg_ruleset_compile(rs, &err)) {
		fprintf(stderr, "fuzz_audit_event: run from the repository root (%s)\n", err.message);
		abort();
	}
	struct kg_audit_opts o;
	kg_audit_opts_default(&o);
	o.matching = KG_MATCH_ALL;
	o.burst_users = 16;
	eng = kg_audit_engine_new(rs, &o, on_alert, NULL);
	kg_alert_writer_init(&writer, KG_ALERT_TEXT, fopen("/dev/null", "w"));
	kg_audit_reader_init(&rd, eng, &stats, 1u << 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!rs)
		setup();
	kg_audit_reader_value(&rd, (const char *)data, size, "fuzz", 1);
	return 0;
}
