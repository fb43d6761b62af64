/* Falco-format alerts and the run summary. */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"

void kg_alert_writer_init(struct kg_alert_writer *w, enum kg_alert_format f, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->format = f;
	w->out = out;
	if (gethostname(w->hostname, sizeof(w->hostname) - 1))
		strcpy(w->hostname, "localhost");
	kg_buf_init(&w->buf, 0);
	pthread_mutex_init(&w->lock, NULL);
}

void kg_alert_writer_release(struct kg_alert_writer *w)
{
	kg_buf_release(&w->buf);
	pthread_mutex_destroy(&w->lock);
}

static void time_text(uint64_t ts, char *out, size_t n)
{
	time_t secs = (time_t)(ts / 1000000000ull);
	struct tm tm;
	localtime_r(&secs, &tm);
	snprintf(out, n, "%02d:%02d:%02d.%09llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned long long)(ts % 1000000000ull));
}

static void time_iso(uint64_t ts, char *out, size_t n)
{
	time_t secs = (time_t)(ts / 1000000000ull);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char d[32];
	strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, n, "%s.%09lluZ", d, (unsigned long long)(ts % 1000000000ull));
}

int kg_alert_write(struct kg_alert_writer *w, const struct kg_alert *a)
{
	char t[64];
	pthread_mutex_lock(&w->lock);
	struct kg_buf *b = &w->buf;
	kg_buf_reset(b);
	const char *pri = kg_priority_name(a->rule->priority);
	if (w->format == KG_ALERT_TEXT) {
		time_text(a->ts_ns, t, sizeof(t));
		kg_buf_printf(b, "%s: %s ", t, pri);
		kg_output_text(&a->rule->output, a->eval, b);
		kg_buf_addc(b, '\n');
	} else {
		struct kg_buf line;
		kg_buf_init(&line, 0);
		time_text(a->ts_ns, t, sizeof(t));
		kg_buf_printf(&line, "%s: %s ", t, pri);
		kg_output_text(&a->rule->output, a->eval, &line);
		struct kg_jw jw;
		kg_jw_init(&jw, b, false);
		kg_jw_obj(&jw);
		kg_jw_kstr(&jw, "hostname", w->hostname);
		kg_jw_key(&jw, "output");
		kg_jw_strn(&jw, line.data ? line.data : "", line.len);
		kg_jw_key(&jw, "output_fields");
		kg_jw_obj(&jw);
		kg_jw_key(&jw, "evt.time");
		kg_jw_uint(&jw, a->ts_ns);
		kg_output_fields_json(&a->rule->output, a->eval, a->slots, &jw);
		kg_jw_obj_end(&jw);
		kg_jw_kstr(&jw, "priority", pri);
		kg_jw_kstr(&jw, "rule", a->rule->name);
		kg_jw_kstr(&jw, "source", a->rule->source);
		kg_jw_key(&jw, "tags");
		kg_jw_arr(&jw);
		for (uint32_t i = 0; i < a->rule->ntags; i++)
			kg_jw_str(&jw, a->rule->tags[i]);
		kg_jw_arr_end(&jw);
		time_iso(a->ts_ns, t, sizeof(t));
		kg_jw_kstr(&jw, "time", t);
		kg_jw_obj_end(&jw);
		kg_buf_addc(b, '\n');
		kg_buf_release(&line);
	}
	int rc = fwrite(b->data, 1, b->len, w->out) == b->len ? 0 : -1;
	if (w->flush_each && fflush(w->out))
		rc = -1;
	/* One huge alert (a giant output field) must not pin its buffer. */
	if (b->alloc > (4u << 20)) {
		kg_buf_release(b);
		kg_buf_init(b, 0);
	}
	pthread_mutex_unlock(&w->lock);
	return rc;
}

void kg_audit_summary(FILE *out, const struct kg_ruleset *rs, const uint64_t *counts, uint64_t total,
		      const struct kg_audit_stats *st)
{
	uint64_t by_pri[KG_PRI_COUNT] = { 0 };
	size_t n = kg_ruleset_nrules(rs);
	for (size_t i = 0; i < n; i++)
		by_pri[kg_ruleset_rule(rs, i)->priority] += counts[i];
	fprintf(out, "Events detected: %" PRIu64 "\n", total);
	fprintf(out, "Rule counts by severity:\n");
	for (int p = 0; p < KG_PRI_COUNT; p++) {
		if (!by_pri[p])
			continue;
		char name[32];
		const char *src = p == KG_PRI_INFORMATIONAL ? "Info" : kg_priority_name((enum kg_priority)p);
		size_t k = 0;
		for (; src[k] && k + 1 < sizeof(name); k++)
			name[k] = (char)toupper((unsigned char)src[k]);
		name[k] = '\0';
		fprintf(out, "   %s: %" PRIu64 "\n", name, by_pri[p]);
	}
	fprintf(out, "Triggered rules by rule name:\n");
	for (size_t i = 0; i < n; i++)
		if (counts[i])
			fprintf(out, "   %s: %" PRIu64 "\n", kg_ruleset_rule(rs, i)->name, counts[i]);
	uint64_t rej = 0;
	for (int k = 0; k < KG_REJ_COUNT; k++)
		rej += st->rejected[k];
	fprintf(out, "Input: %" PRIu64 " lines, %" PRIu64 " events, %" PRIu64 " rejected\n", st->lines, st->events, rej);
	for (int k = 0; k < KG_REJ_COUNT; k++)
		if (st->rejected[k])
			fprintf(out, "   %s: %" PRIu64 "\n", kg_audit_reject_name((enum kg_audit_reject)k), st->rejected[k]);
}
