/* kguard audit internals: timestamps, input values (Event, EventList, arrays, bad input of every
 * kind), the engine (first / all matching, priority threshold, counts), the bounded burst state,
 * following a log across rename and truncation, and the catalog entries of the rule pack. */
#include "harness.h"

#include <pthread.h>
#include <unistd.h>

#include "audit/audit.h"
#include "rules/rule.h"

TEST(rfc3339)
{
	uint64_t ns;
	CHECK_INT(kg_rfc3339_ns("2018-10-25T14:09:12.581541Z", 27, &ns), 0);
	CHECK(ns == 1540476552581541000ull);
	CHECK_INT(kg_rfc3339_ns("2018-10-25T14:09:12Z", 20, &ns), 0);
	CHECK(ns == 1540476552000000000ull);
	CHECK_INT(kg_rfc3339_ns("2018-10-25T16:09:12.5+02:00", 27, &ns), 0);
	CHECK(ns == 1540476552500000000ull);
	CHECK_INT(kg_rfc3339_ns("2018-10-25T14:09:12.1234567891Z", 31, &ns), 0); /* extra digits dropped */
	CHECK(ns == 1540476552123456789ull);
	CHECK_INT(kg_rfc3339_ns("2018-10-25 14:09:12Z", 20, &ns), -1);
	CHECK_INT(kg_rfc3339_ns("2018-02-30T14:09:12Z", 20, &ns), -1);
	CHECK_INT(kg_rfc3339_ns("2018-10-25T14:09:12", 19, &ns), -1);
	CHECK_INT(kg_rfc3339_ns("2018-10-25T14:09:12.Z", 21, &ns), -1);
	CHECK_INT(kg_rfc3339_ns("2024-02-29T00:00:00Z", 20, &ns), 0);
	CHECK_INT(kg_rfc3339_ns("2023-02-29T00:00:00Z", 20, &ns), -1);
}

struct rec {
	char msgs[4096];
	int nrej;
	char alerts[4096];
};

static void on_reject(void *ctx, enum kg_audit_reject k, const char *display, uint64_t line, const char *msg)
{
	struct rec *r = ctx;
	r->nrej++;
	size_t n = strlen(r->msgs);
	snprintf(r->msgs + n, sizeof(r->msgs) - n, "%s:%llu:%s:%s\n", display, (unsigned long long)line,
		 kg_audit_reject_name(k), msg);
}

static void on_alert(void *ctx, const struct kg_alert *a)
{
	struct rec *r = ctx;
	size_t n = strlen(r->alerts);
	snprintf(r->alerts + n, sizeof(r->alerts) - n, "%s;", a->rule->name);
}

static struct kg_ruleset *rules(const char *y)
{
	struct kg_ruleset *rs = kg_ruleset_new();
	struct kg_diag err;
	if (kg_ruleset_load_buffer(rs, "t.yaml", y, strlen(y), &err) || kg_ruleset_compile(rs, &err)) {
		fprintf(stderr, "  rules: %s\n", err.message);
		kg_ruleset_free(rs);
		return NULL;
	}
	return rs;
}

#define RULE(name, pri, cond) "- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: " pri "\n  source: k8s_audit\n"
#define EVT(id, verb, extra) "{\"kind\":\"Event\",\"auditID\":\"" id "\",\"verb\":\"" verb "\",\"stageTimestamp\":\"2024-01-01T00:00:00Z\"" extra "}"

static const char PACK[] = RULE("A", "WARNING", "ka.verb=create") RULE("B", "NOTICE", "ka.verb in (create, get)")
	RULE("C", "DEBUG", "ka.verb=get");

TEST(reader_values_and_rejections)
{
	struct kg_ruleset *rs = rules(PACK);
	CHECK(rs != NULL);
	struct rec r;
	memset(&r, 0, sizeof(r));
	struct kg_audit_opts o;
	kg_audit_opts_default(&o);
	struct kg_audit_engine *e = kg_audit_engine_new(rs, &o, on_alert, &r);
	struct kg_audit_stats st;
	memset(&st, 0, sizeof(st));
	struct kg_audit_reader rd;
	kg_audit_reader_init(&rd, e, &st, 4096);
	rd.reject = on_reject;
	rd.ctx = &r;
	const char *list = "{\"kind\":\"EventList\",\"items\":[" EVT("1", "create", "") "," EVT("2", "get", "") "]}";
	CHECK_INT(kg_audit_reader_value(&rd, list, strlen(list), "f", 1), 2);
	const char *arr = "[" EVT("3", "get", "") ",{\"kind\":\"Pod\"}]";
	CHECK_INT(kg_audit_reader_value(&rd, arr, strlen(arr), "f", 2), 1); /* the bad element alone is rejected */
	const char *bad[] = {
		"{\"kind\": 0}",                                             /* not an audit event */
		"{\"kind\":\"Event\",\"verb\":\"get\"",                      /* truncated */
		"{\"kind\":\"Event\",\"verb\":\"\xff\"}",                    /* invalid UTF-8 */
		"{\"kind\":\"Event\",\"auditID\":\"4\",\"verb\":\"get\"}",   /* no stageTimestamp */
		"{\"kind\":\"Event\",\"stageTimestamp\":\"yesterday\"}",     /* bad stageTimestamp */
		"{\"kind\":\"EventList\",\"items\":{}}",                     /* items not a list */
	};
	for (int i = 0; i < 6; i++)
		CHECK_INT(kg_audit_reader_value(&rd, bad[i], strlen(bad[i]), "f", (uint64_t)(10 + i)), 0);
	char deep[3000];
	memset(deep, '[', 1500);
	memset(deep + 1500, ']', 1500);
	CHECK_INT(kg_audit_reader_value(&rd, deep, sizeof(deep), "f", 20), 0); /* deeper than the loader's cap */
	char big[5000];
	memset(big, ' ', sizeof(big));
	big[0] = '{';
	big[4999] = '}';
	CHECK_INT(kg_audit_reader_value(&rd, big, sizeof(big), "f", 21), 0); /* over the 4096-byte cap */
	CHECK(strstr(r.msgs, "f:21:too large:value of 5000 bytes skipped (the cap is 4096)\n") != NULL);
	CHECK_INT(st.events, 3);
	CHECK_INT(st.rejected[KG_REJ_NOT_AUDIT], 3);
	CHECK_INT(st.rejected[KG_REJ_BAD_JSON], 3);
	CHECK_INT(st.rejected[KG_REJ_NO_TIMESTAMP], 2);
	CHECK_INT(st.rejected[KG_REJ_TOO_LARGE], 1);
	CHECK(strstr(r.msgs, "f:2:not an audit event:data not recognized as a k8s audit event\n") != NULL);
	CHECK(strstr(r.msgs, "f:13:no stageTimestamp:can't read stageTimestamp\n") != NULL);
	CHECK(strstr(r.msgs, "f:14:no stageTimestamp:cannot parse stageTimestamp \"yesterday\" as RFC 3339\n") != NULL);
	CHECK(strstr(r.msgs, "f:12:invalid JSON:invalid JSON: invalid UTF-8 in string (column 25)\n") != NULL);
	/* first match: create -> A; get -> B (B is before C) */
	CHECK_STR(r.alerts, "A;B;B;");
	kg_audit_reader_release(&rd);
	kg_audit_engine_free(e);
	kg_ruleset_free(rs);
}

static const char *run_engine(struct kg_ruleset *rs, enum kg_rule_matching m, enum kg_priority min, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	struct kg_audit_opts o;
	kg_audit_opts_default(&o);
	o.matching = m;
	o.min_priority = min;
	struct kg_audit_engine *e = kg_audit_engine_new(rs, &o, on_alert, r);
	struct kg_audit_stats st;
	memset(&st, 0, sizeof(st));
	struct kg_audit_reader rd;
	kg_audit_reader_init(&rd, e, &st, 0);
	const char *evs[] = { EVT("1", "create", ""), EVT("2", "get", "") };
	for (int i = 0; i < 2; i++)
		kg_audit_reader_value(&rd, evs[i], strlen(evs[i]), "f", 1);
	kg_audit_reader_release(&rd);
	kg_audit_engine_free(e);
	return r->alerts;
}

TEST(engine_matching_and_priority)
{
	struct kg_ruleset *rs = rules(PACK);
	struct rec r;
	CHECK_STR(run_engine(rs, KG_MATCH_FIRST, KG_PRI_DEBUG, &r), "A;B;");
	CHECK_STR(run_engine(rs, KG_MATCH_ALL, KG_PRI_DEBUG, &r), "A;B;B;C;");
	/* below the threshold a rule is not evaluated at all, so it cannot win a first match */
	CHECK_STR(run_engine(rs, KG_MATCH_FIRST, KG_PRI_WARNING, &r), "A;");
	CHECK_STR(run_engine(rs, KG_MATCH_ALL, KG_PRI_NOTICE, &r), "A;B;B;");
	kg_ruleset_free(rs);
}

static const struct kg_node *parse(struct kg_loader *L, struct kg_arena *a, const char *s)
{
	const struct kg_node *n;
	struct kg_diag err;
	return kg_json_parse(L, a, s, strlen(s), &n, &err) ? NULL : n;
}

TEST(burst_state_is_bounded_and_windowed)
{
	struct kg_field_state st;
	kg_burst_init(&st, 16, 60ull * 1000000000ull, 42);
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 0);
	const char *fail = "{\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"m\"},\"responseStatus\":{\"code\":403}}";
	const char *ok = "{\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"m\"},\"responseStatus\":{\"code\":200}}";
	const char *started = "{\"stage\":\"ResponseStarted\",\"user\":{\"username\":\"m\"},\"responseStatus\":{\"code\":403}}";
	uint64_t s = 1000000000ull;
	for (int i = 1; i <= 5; i++) {
		kg_burst_observe(&st, parse(L, &a, fail), (uint64_t)i * s);
		CHECK_INT(st.current, i);
	}
	kg_burst_observe(&st, parse(L, &a, ok), 6 * s);
	CHECK_INT(st.current, 5);      /* successes do not count, the window still holds 5 */
	kg_burst_observe(&st, parse(L, &a, started), 7 * s);
	CHECK_INT(st.current, 5);      /* only ResponseComplete counts (one event per request) */
	kg_burst_observe(&st, parse(L, &a, fail), 70 * s);
	CHECK_INT(st.current, 1);      /* a new window */
	/* 100 other users through a 16-entry table: bounded, the oldest are evicted */
	char ev[200];
	for (int u = 0; u < 100; u++) {
		snprintf(ev, sizeof(ev), "{\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"u%d\"},\"responseStatus\":{\"code\":403}}", u);
		kg_burst_observe(&st, parse(L, &a, ev), 71 * s);
		CHECK_INT(st.current, 1);
	}
	CHECK(st.users <= 16);
	CHECK(st.evictions > 0);
	kg_arena_release(&a);
	kg_loader_free(L);
	kg_burst_release(&st);
}

/* ---- follow mode ---- */

struct writer_args {
	char path[256];
};

static void append(const char *path, const char *s)
{
	FILE *fp = fopen(path, "a");
	fputs(s, fp);
	fclose(fp);
}

static void *writer(void *p)
{
	struct writer_args *w = p;
	char rotated[300];
	snprintf(rotated, sizeof(rotated), "%s.1", w->path);
	usleep(300000);
	append(w->path, EVT("1", "create", "") "\n" EVT("2", "create", ""));
	usleep(300000);
	append(w->path, "\n"); /* the partial line completes */
	usleep(300000);
	rename(w->path, rotated); /* rotation by rename */
	append(w->path, EVT("3", "create", "") "\n");
	usleep(600000);
	FILE *fp = fopen(w->path, "w"); /* truncation */
	fclose(fp);
	usleep(300000);
	append(w->path, EVT("4", "create", "") "\n");
	usleep(600000);
	unlink(rotated);
	return NULL;
}

struct follow_ctx {
	struct kg_audit_stats *st;
	volatile int *stop;
};

static void on_idle(void *p)
{
	struct follow_ctx *f = p;
	if (f->st->events >= 4)
		*f->stop = 1;
}

TEST(follow_survives_rename_and_truncate)
{
	struct kg_ruleset *rs = rules(PACK);
	struct rec r;
	memset(&r, 0, sizeof(r));
	struct kg_audit_opts o;
	kg_audit_opts_default(&o);
	struct kg_audit_engine *e = kg_audit_engine_new(rs, &o, on_alert, &r);
	struct kg_audit_stats st;
	memset(&st, 0, sizeof(st));
	struct kg_audit_reader rd;
	kg_audit_reader_init(&rd, e, &st, 0);
	struct writer_args w;
	snprintf(w.path, sizeof(w.path), "/tmp/kg-follow-%d.log", (int)getpid());
	unlink(w.path);
	FILE *fp = fopen(w.path, "w");
	fclose(fp);
	pthread_t t;
	pthread_create(&t, NULL, writer, &w);
	volatile int stop = 0;
	struct follow_ctx fc = { &st, &stop };
	/* bounded: the writer finishes within 3 s; give up after 10 s */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(kg_audit_follow(&rd, w.path, 1 << 20, &stop, on_idle, &fc, 50), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(t, NULL);
	CHECK_INT(st.events, 4);
	CHECK_STR(r.alerts, "A;A;A;A;");
	CHECK(t1.tv_sec - t0.tv_sec < 10);
	unlink(w.path);
	kg_audit_reader_release(&rd);
	kg_audit_engine_free(e);
	kg_ruleset_free(rs);
}

/* The catalog entries describe kguard's own pack: each title is a rule of the shipped file. */
extern const struct kg_rule kg_audit_rules[];
extern const size_t kg_audit_nrules;

TEST(catalog_matches_the_rule_pack)
{
	struct kg_ruleset *rs = kg_ruleset_new();
	struct kg_diag err;
	CHECK_INT(kg_ruleset_load_file(rs, "rules/kguard_audit_rules.yaml", &err), 0);
	CHECK_INT(kg_ruleset_compile(rs, &err), 0);
	CHECK_INT(kg_audit_nrules, kg_ruleset_nrules(rs));
	for (size_t i = 0; i < kg_audit_nrules; i++) {
		bool found = false;
		for (size_t k = 0; k < kg_ruleset_nrules(rs); k++)
			found |= !strcmp(kg_ruleset_rule(rs, k)->name, kg_audit_rules[i].title);
		if (!found)
			fprintf(stderr, "  catalog title not in the pack: %s\n", kg_audit_rules[i].title);
		CHECK(found);
		CHECK(!strncmp(kg_audit_rules[i].id, "audit.", 6));
	}
	CHECK_INT(kg_ruleset_nwarnings(rs), 0);
	kg_ruleset_free(rs);
}
