/* A log of everything libyaml's parser reports for one input (every event with its marks,
 * values, anchors, tags, styles and directives, then the error with its problem, context,
 * marks, offset and value), for comparing its reader with kguard's bypass of it
 * (core/yaml_input.h). Shared by tests/unit/test_yaml_input.c and tests/fuzz/fuzz_yaml_input.c. */
#ifndef KG_TEST_YAML_EVENTS_H
#define KG_TEST_YAML_EVENTS_H

#include <stdbool.h>
#include <yaml.h>

#include "core/yaml_input.h"
#include "util/buf.h"

#define YE_MAX_EVENTS 200000 /* an alias-free input has fewer events than bytes; this bounds a log */

static inline void ye_mark(struct kg_buf *log, const char *what, yaml_mark_t m)
{
	(void)kg_buf_printf(log, " %s=%zu:%zu:%zu", what, m.index, m.line, m.column);
}

static inline void ye_bytes(struct kg_buf *log, const char *what, const unsigned char *s, size_t n)
{
	if (!s) {
		(void)kg_buf_printf(log, " %s=-", what);
		return;
	}
	(void)kg_buf_printf(log, " %s[%zu]=", what, n);
	(void)kg_buf_add(log, (const char *)s, n);
}

static inline void ye_str(struct kg_buf *log, const char *what, const unsigned char *s)
{
	ye_bytes(log, what, s, s ? strlen((const char *)s) : 0);
}

static inline void ye_event(struct kg_buf *log, const yaml_event_t *e)
{
	(void)kg_buf_printf(log, "ev %d", (int)e->type);
	ye_mark(log, "start", e->start_mark);
	ye_mark(log, "end", e->end_mark);
	switch (e->type) {
	case YAML_STREAM_START_EVENT:
		(void)kg_buf_printf(log, " enc=%d", (int)e->data.stream_start.encoding);
		break;
	case YAML_DOCUMENT_START_EVENT: {
		const yaml_version_directive_t *v = e->data.document_start.version_directive;
		if (v)
			(void)kg_buf_printf(log, " version=%d.%d", v->major, v->minor);
		for (const yaml_tag_directive_t *t = e->data.document_start.tag_directives.start;
		     t && t != e->data.document_start.tag_directives.end; t++) {
			ye_str(log, "handle", t->handle);
			ye_str(log, "prefix", t->prefix);
		}
		(void)kg_buf_printf(log, " implicit=%d", e->data.document_start.implicit);
		break;
	}
	case YAML_DOCUMENT_END_EVENT:
		(void)kg_buf_printf(log, " implicit=%d", e->data.document_end.implicit);
		break;
	case YAML_ALIAS_EVENT:
		ye_str(log, "anchor", e->data.alias.anchor);
		break;
	case YAML_SCALAR_EVENT:
		ye_str(log, "anchor", e->data.scalar.anchor);
		ye_str(log, "tag", e->data.scalar.tag);
		ye_bytes(log, "value", e->data.scalar.value, e->data.scalar.length);
		(void)kg_buf_printf(log, " implicit=%d,%d style=%d", e->data.scalar.plain_implicit,
				    e->data.scalar.quoted_implicit, (int)e->data.scalar.style);
		break;
	case YAML_SEQUENCE_START_EVENT:
		ye_str(log, "anchor", e->data.sequence_start.anchor);
		ye_str(log, "tag", e->data.sequence_start.tag);
		(void)kg_buf_printf(log, " implicit=%d style=%d", e->data.sequence_start.implicit,
				    (int)e->data.sequence_start.style);
		break;
	case YAML_MAPPING_START_EVENT:
		ye_str(log, "anchor", e->data.mapping_start.anchor);
		ye_str(log, "tag", e->data.mapping_start.tag);
		(void)kg_buf_printf(log, " implicit=%d style=%d", e->data.mapping_start.implicit,
				    (int)e->data.mapping_start.style);
		break;
	default:
		break;
	}
	(void)kg_buf_add(log, "\n", 1);
}

/* How ye_parse gives libyaml its input: its own reader, kguard's bypass with a copy, or the bypass
 * in place (the text followed by other bytes, as in the loader's read buffer). */
enum ye_mode { YE_READER, YE_COPY, YE_INPLACE };

/* Parse buf[0..len) to its end or first error, logging into log (appended); in: the bypass's
 * buffer. YE_INPLACE parses a copy of buf followed by the bytes tail[0..ntail) (and zeros up to
 * the pad), and checks that the byte behind the text is given back (else logs that it was not).
 * Returns whether the reader was bypassed. */
static inline bool ye_parse(struct kg_buf *log, const char *buf, size_t len, enum ye_mode mode, struct kg_yaml_input *in,
			    const char *tail, size_t ntail)
{
	yaml_parser_t p;
	yaml_event_t e;
	if (!yaml_parser_initialize(&p))
		abort();
	bool bypassed;
	char *own = NULL;
	size_t room = 0;
	if (mode == YE_INPLACE) {
		room = (ntail > 1 + KG_YAML_INPUT_PAD ? ntail : 1 + KG_YAML_INPUT_PAD);
		own = calloc(1, len + room);
		if (!own)
			abort();
		if (len)
			memcpy(own, buf, len);
		if (ntail)
			memcpy(own + len, tail, ntail);
		bypassed = kg_yaml_input_set_inplace(&p, in, own, len, true);
	} else {
		bypassed = kg_yaml_input_set(&p, in, buf, len, mode == YE_COPY);
	}
	for (int n = 0; n < YE_MAX_EVENTS; n++) {
		if (!yaml_parser_parse(&p, &e)) {
			(void)kg_buf_printf(log, "error %d problem=%s offset=%zu value=%d", (int)p.error,
					    p.problem ? p.problem : "-", p.problem_offset, p.problem_value);
			ye_mark(log, "at", p.problem_mark);
			(void)kg_buf_printf(log, " context=%s", p.context ? p.context : "-");
			ye_mark(log, "ctx", p.context_mark);
			(void)kg_buf_add(log, "\n", 1);
			break;
		}
		ye_event(log, &e);
		bool end = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
		if (end)
			break;
	}
	yaml_parser_delete(&p);
	kg_yaml_input_done(in);
	if (own) {
		if ((len && memcmp(own, buf, len)) || (ntail && memcmp(own + len, tail, ntail)))
			(void)kg_buf_printf(log, "in place: the input or the bytes behind it were not given back\n");
		free(own);
	}
	return bypassed;
}

#endif
