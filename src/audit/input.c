/* Audit input: JSON values -> events (Event, EventList, arrays of them), line reading with a size
 * cap, and timestamps. Each value is parsed with the project's loader into an arena that is
 * reset after the value, so memory is bounded by the cap, not by the input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

static const char *const reject_names[KG_REJ_COUNT] = { "invalid JSON", "not an audit event",
							 "no stageTimestamp", "too large" };

const char *kg_audit_reject_name(enum kg_audit_reject r)
{
	return (unsigned)r < KG_REJ_COUNT ? reject_names[r] : "?";
}

static int digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int kg_rfc3339_ns(const char *s, size_t len, uint64_t *out)
{
	unsigned Y, M, D, h, mi, sec;
	if (len < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return -1;
	if (digits(s, 4, &Y) || digits(s + 5, 2, &M) || digits(s + 8, 2, &D) || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi) || digits(s + 17, 2, &sec))
		return -1;
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || mi > 59 || sec > 59)
		return -1;
	if (M == 2 && D == 29 && !((Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0))
		return -1;
	size_t i = 19;
	uint64_t frac = 0;
	if (i < len && s[i] == '.') {
		i++;
		size_t start = i, nd = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (nd < 9) {
				frac = frac * 10 + (uint64_t)(s[i] - '0');
				nd++;
			}
			i++;
		}
		if (i == start)
			return -1;
		for (; nd < 9; nd++)
			frac *= 10;
	}
	int64_t off = 0;
	if (i < len && s[i] == 'Z') {
		i++;
	} else if (i + 6 == len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
		unsigned oh, om;
		if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = (int64_t)(oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
		i += 6;
	} else {
		return -1;
	}
	if (i != len)
		return -1;
	int64_t secs = days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + sec - off;
	if (secs < 0)
		return -1;
	*out = (uint64_t)secs * 1000000000ull + frac;
	return 0;
}

void kg_audit_reader_init(struct kg_audit_reader *r, struct kg_audit_engine *e, struct kg_audit_stats *st,
			  size_t max_value_bytes)
{
	memset(r, 0, sizeof(*r));
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	if (max_value_bytes)
		lim.max_doc_bytes = max_value_bytes;
	lim.positions = false; /* no field reads node positions; an error still gets its column */
	r->loader = kg_loader_new(&lim);
	r->max_value = lim.max_doc_bytes;
	kg_arena_init(&r->arena, 256 * 1024);
	r->engine = e;
	r->stats = st;
}

void kg_audit_reader_release(struct kg_audit_reader *r)
{
	kg_loader_free(r->loader);
	kg_arena_release(&r->arena);
}

static void reject(struct kg_audit_reader *r, enum kg_audit_reject kind, const char *display, uint64_t line,
		   const char *msg)
{
	r->stats->rejected[kind]++;
	if (r->reject)
		r->reject(r->ctx, kind, display, line, msg);
}

static uint64_t one_event(struct kg_audit_reader *r, const struct kg_node *ev, const char *display, uint64_t line)
{
	const struct kg_node *st = kg_map_get(ev, "stageTimestamp");
	uint64_t ts;
	if (!st) {
		reject(r, KG_REJ_NO_TIMESTAMP, display, line, "can't read stageTimestamp");
		return 0;
	}
	if (st->type != KG_STR || kg_rfc3339_ns(st->v.s, st->len, &ts)) {
		char msg[160];
		if (st->type == KG_STR)
			snprintf(msg, sizeof(msg), "cannot parse stageTimestamp \"%.80s\" as RFC 3339", st->v.s);
		else
			snprintf(msg, sizeof(msg), "cannot parse stageTimestamp: a %s, not a string", kg_type_name(st->type));
		reject(r, KG_REJ_NO_TIMESTAMP, display, line, msg);
		return 0;
	}
	r->stats->events++;
	if (r->engine)
		kg_audit_engine_event(r->engine, ev, ts);
	return 1;
}

/* The plugin's ParseAuditEventsJSON, except that in an array a bad element is rejected alone
 * (the plugin drops the whole array). */
static uint64_t value_events(struct kg_audit_reader *r, const struct kg_node *v, const char *display, uint64_t line,
			     unsigned depth)
{
	if (v->type == KG_SEQ && depth < 8) {
		uint64_t n = 0;
		for (uint32_t i = 0; i < v->len; i++)
			n += value_events(r, v->v.items[i], display, line, depth + 1);
		return n;
	}
	const char *kind = kg_str(kg_map_get(v, "kind"));
	if (kind && !strcmp(kind, "EventList")) {
		const struct kg_node *items = kg_map_get(v, "items");
		if (items && items->type == KG_SEQ) {
			uint64_t n = 0;
			for (uint32_t i = 0; i < items->len; i++)
				n += one_event(r, items->v.items[i], display, line);
			return n;
		}
	} else if (kind && !strcmp(kind, "Event")) {
		return one_event(r, v, display, line);
	}
	reject(r, KG_REJ_NOT_AUDIT, display, line, "data not recognized as a k8s audit event");
	return 0;
}

uint64_t kg_audit_reader_value(struct kg_audit_reader *r, const char *buf, size_t len, const char *display,
			       uint64_t line)
{
	r->stats->lines++;
	r->stats->bytes += len;
	kg_arena_reset(&r->arena);
	if (len > r->max_value) {
		char msg[96];
		snprintf(msg, sizeof(msg), "value of %zu bytes skipped (the cap is %zu)", len, r->max_value);
		reject(r, KG_REJ_TOO_LARGE, display, line, msg);
		return 0;
	}
	const struct kg_node *root;
	struct kg_diag err;
	if (kg_json_parse(r->loader, &r->arena, buf, len, &root, &err)) {
		char msg[sizeof(err.message) + 32];
		snprintf(msg, sizeof(msg), "%s (column %u)", err.message, err.col);
		reject(r, KG_REJ_BAD_JSON, display, line, msg);
		kg_arena_reset(&r->arena);
		return 0;
	}
	uint64_t n = value_events(r, root, display, line, 0);
	kg_arena_reset(&r->arena);
	return n;
}

static bool blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

int kg_audit_read_stream(struct kg_audit_reader *r, FILE *fp, const char *display, size_t max_line,
			 volatile int *stop)
{
	struct kg_buf line;
	kg_buf_init(&line, 0);
	char chunk[65536];
	uint64_t lineno = 0;
	bool skipping = false;
	size_t n;
	int rc = 0;
	while (!(stop && *stop) && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		size_t off = 0;
		while (off < n) {
			char *nl = memchr(chunk + off, '\n', n - off);
			size_t take = nl ? (size_t)(nl - (chunk + off)) : n - off;
			if (!skipping) {
				if (line.len + take > max_line) {
					skipping = true;
					line.len = 0;
				} else if (kg_buf_add(&line, chunk + off, take)) {
					abort();
				}
			}
			off += take;
			if (!nl)
				break;
			off++;
			lineno++;
			if (skipping) {
				char msg[96];
				snprintf(msg, sizeof(msg), "line longer than %zu bytes skipped", max_line);
				r->stats->lines++;
				reject(r, KG_REJ_TOO_LARGE, display, lineno, msg);
				skipping = false;
			} else if (!blank_line(line.data, line.len)) {
				kg_audit_reader_value(r, line.data, line.len, display, lineno);
			}
			kg_buf_reset(&line);
			/* Do not keep a huge buffer after one huge line. */
			if (line.alloc > (1u << 20)) {
				kg_buf_release(&line);
				kg_buf_init(&line, 0);
			}
		}
	}
	if (ferror(fp))
		rc = -1;
	if (!(stop && *stop)) {
		lineno++;
		if (skipping) {
			r->stats->lines++;
			reject(r, KG_REJ_TOO_LARGE, display, lineno, "line too long skipped");
		} else if (line.len && !blank_line(line.data, line.len)) {
			kg_audit_reader_value(r, line.data, line.len, display, lineno);
		}
	}
	kg_buf_release(&line);
	return rc;
}
