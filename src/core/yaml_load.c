/* YAML stream -> document trees, via libyaml's event API (see load.h for the contract).
 * libyaml does the syntax; this file does what go-yaml v2 adds on top: scalar typing (scalar.h),
 * anchors and aliases (shared subtrees with an expansion cap), merge keys, non-string keys
 * stringified as sigs.k8s.io/yaml does, and "unknown anchor" errors. */
#include <string.h>
#include <yaml.h>

#include "loader_priv.h"
#include "scalar.h"

struct yctx {
	struct kg_loader *L;
	const char *display;
	const char *buf;
	size_t len;
	unsigned first_line;
};

static unsigned line_of(const struct yctx *y, const yaml_mark_t *m)
{
	return (unsigned)m->line + y->first_line;
}

static unsigned col_of(const yaml_mark_t *m)
{
	return (unsigned)m->column + 1;
}

static uint32_t anchor_hash(const char *s)
{
	uint32_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h % KG_ANCHOR_BUCKETS;
}

static void anchor_set(struct kg_loader *L, const char *name, struct kg_node *n)
{
	struct kg_anchor *a = kg_arena_alloc(&L->arena, sizeof(*a));
	uint32_t h = anchor_hash(name);
	a->name = name;
	a->node = n;
	a->next = L->anchors[h]; /* newest first: a redefined anchor shadows the old one */
	L->anchors[h] = a;
}

static struct kg_node *anchor_get(struct kg_loader *L, const char *name)
{
	for (struct kg_anchor *a = L->anchors[anchor_hash(name)]; a; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a->node;
	return NULL;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* go-yaml decodes !!binary with base64.StdEncoding after dropping line breaks and blanks. */
static int decode_binary(struct kg_arena *a, const char *s, size_t len, char **out, size_t *outlen)
{
	char *o = kg_arena_alloc(a, len + 1);
	size_t n = 0, pad = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		int v = b64val(c);
		if (v < 0 || pad)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (pad > 2)
		return -1;
	o[n] = '\0';
	*out = o;
	*outlen = n;
	return 0;
}

static int err_at(struct yctx *y, const struct kg_load_sink *sink, unsigned line, unsigned col, const char *msg)
{
	struct kg_diag d;
	kg_diag_set(&d, y->display, line, col, "%s", msg);
	if (sink->error)
		sink->error(sink->ctx, &d);
	return -1;
}

static int parser_error(struct yctx *y, yaml_parser_t *p, const struct kg_load_sink *sink)
{
	unsigned line, col;
	if (p->error == YAML_READER_ERROR) {
		kg_offset_position(y->buf, p->problem_offset < y->len ? p->problem_offset : y->len,
				   y->first_line, &line, &col);
	} else {
		line = line_of(y, &p->problem_mark);
		col = col_of(&p->problem_mark);
	}
	char msg[400];
	const char *problem = p->problem ? p->problem : "invalid YAML";
	if (p->error == YAML_READER_ERROR && p->problem_value != -1)
		snprintf(msg, sizeof(msg), "invalid YAML: %s (byte 0x%02x)", problem, (unsigned)p->problem_value & 0xff);
	else if (p->context)
		snprintf(msg, sizeof(msg), "invalid YAML: %s %s at line %u column %u", p->context, problem,
			 line_of(y, &p->context_mark), col_of(&p->context_mark));
	else
		snprintf(msg, sizeof(msg), "invalid YAML: %s", problem);
	return err_at(y, sink, line, col, msg);
}

/* Turn a scalar usable as a key into its string; -1 when Kubernetes cannot have such a key. */
static int key_text(struct kg_arena *a, const struct kg_node *n, const char **out, size_t *len)
{
	char buf[64];
	struct kg_scalar sc = { 0 };
	switch (n->type) {
	case KG_STR:
		*out = n->v.s;
		*len = n->len;
		return 0;
	case KG_BOOL:
		sc.type = KG_BOOL;
		sc.b = n->v.b;
		break;
	case KG_INT:
		if (n->flags & KG_NODE_UINT)
			return -1;
		sc.type = KG_INT;
		sc.i = n->v.i;
		break;
	case KG_FLOAT:
		sc.type = KG_FLOAT;
		sc.f = n->v.f;
		break;
	default:
		return -1;
	}
	kg_scalar_key_text(&sc, buf, sizeof(buf));
	*len = strlen(buf);
	*out = kg_arena_strndup(a, buf, *len);
	return 0;
}

static int on_scalar(struct yctx *y, yaml_event_t *ev, const struct kg_load_sink *sink)
{
	struct kg_loader *L = y->L;
	struct kg_tree *t = &L->tree;
	const char *text = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	unsigned line = line_of(y, &ev->start_mark), col = col_of(&ev->start_mark);
	struct kg_scalar sc;
	const char *why;
	if (kg_scalar_resolve(tag, text, len, ev->data.scalar.plain_implicit, &sc, &why)) {
		char msg[200];
		snprintf(msg, sizeof(msg), "%s (\"%.60s\")", why, text);
		return err_at(y, sink, line, col, msg);
	}
	if (kg_tree_expect_key(t)) {
		if (sc.is_merge)
			return kg_tree_key(t, "<<", 2, line, col, true);
		if (sc.type == KG_STR)
			return kg_tree_key(t, text, len, line, col, false);
		if (sc.type == KG_NULL || (sc.type == KG_INT && sc.is_uint))
			return err_at(y, sink, line, col, "unsupported map key: Kubernetes objects need string keys");
		char kb[64];
		kg_scalar_key_text(&sc, kb, sizeof(kb));
		return kg_tree_key(t, kb, strlen(kb), line, col, false);
	}
	struct kg_node *n = kg_tree_scalar(t, sc.is_merge ? KG_STR : sc.type, line, col);
	char *copy = kg_arena_strndup(&L->arena, text, len);
	n->text = copy;
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		n->flags |= KG_NODE_QUOTED;
	if (tag && *tag)
		n->flags |= KG_NODE_TAGGED;
	switch (n->type) {
	case KG_BOOL: n->v.b = sc.b; break;
	case KG_INT:
		if (sc.is_uint) {
			n->flags |= KG_NODE_UINT;
			n->v.u = sc.u;
		} else {
			n->v.i = sc.i;
		}
		break;
	case KG_FLOAT: n->v.f = sc.f; break;
	case KG_STR:
		n->v.s = copy;
		n->len = (uint32_t)len;
		if (tag && strcmp(tag, "tag:yaml.org,2002:binary") == 0) {
			char *dec;
			size_t dlen;
			if (decode_binary(&L->arena, text, len, &dec, &dlen))
				return err_at(y, sink, line, col, "!!binary value contains invalid base64 data");
			n->v.s = dec;
			n->len = (uint32_t)dlen;
		}
		break;
	default: break;
	}
	if (ev->data.scalar.anchor)
		anchor_set(L, kg_arena_strdup(&L->arena, (const char *)ev->data.scalar.anchor), n);
	if (kg_tree_value(t, n))
		goto tree_err;
	return 0;
tree_err:
	return err_at(y, sink, t->err.line, t->err.col, t->err.message);
}

static int on_alias(struct yctx *y, yaml_event_t *ev, const struct kg_load_sink *sink)
{
	struct kg_loader *L = y->L;
	struct kg_tree *t = &L->tree;
	const char *name = (const char *)ev->data.alias.anchor;
	unsigned line = line_of(y, &ev->start_mark), col = col_of(&ev->start_mark);
	char msg[200];
	struct kg_node *target = anchor_get(L, name);
	if (!target) {
		if (kg_tree_anchor_open(t, name))
			snprintf(msg, sizeof(msg), "anchor '%.60s' value contains itself", name);
		else
			snprintf(msg, sizeof(msg), "unknown anchor '%.60s' referenced", name);
		return err_at(y, sink, line, col, msg);
	}
	if (kg_tree_expect_key(t)) {
		const char *k;
		size_t klen;
		if (key_text(&L->arena, target, &k, &klen))
			return err_at(y, sink, line, col, "unsupported map key: Kubernetes objects need string keys");
		return kg_tree_key(t, k, klen, line, col, false);
	}
	if (kg_tree_count_alias(t, target, line, col))
		return err_at(y, sink, t->err.line, t->err.col, t->err.message);
	/* Share the anchored node; mark the sharing so writers know positions point at the anchor. */
	struct kg_node *n = target;
	if (!(target->flags & KG_NODE_ALIASED)) {
		n = kg_arena_alloc(&L->arena, sizeof(*n));
		*n = *target;
		n->flags |= KG_NODE_ALIASED;
	}
	if (kg_tree_value(t, n))
		return err_at(y, sink, t->err.line, t->err.col, t->err.message);
	return 0;
}

static int on_open(struct yctx *y, yaml_event_t *ev, bool is_map, const struct kg_load_sink *sink)
{
	struct kg_loader *L = y->L;
	const char *anchor = (const char *)(is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor);
	const char *a = anchor ? kg_arena_strdup(&L->arena, anchor) : NULL;
	if (kg_tree_open(&L->tree, is_map, line_of(y, &ev->start_mark), col_of(&ev->start_mark), a))
		return err_at(y, sink, L->tree.err.line, L->tree.err.col, L->tree.err.message);
	return 0;
}

static int on_close(struct yctx *y, const struct kg_load_sink *sink)
{
	struct kg_loader *L = y->L;
	struct kg_tree *t = &L->tree;
	const char *anchor = t->frames[t->nframes - 1].anchor;
	struct kg_node *n;
	if (kg_tree_close(t, &n))
		return err_at(y, sink, t->err.line, t->err.col, t->err.message);
	if (anchor)
		anchor_set(L, anchor, n);
	return 0;
}

static void begin_document(struct kg_loader *L)
{
	kg_arena_reset(&L->arena);
	kg_tree_reset(&L->tree);
	memset(L->anchors, 0, sizeof(L->anchors));
}

int kg_yaml_load(struct kg_loader *L, const char *display, const char *buf, size_t len,
		 unsigned first_line, unsigned *doc_index, const struct kg_load_sink *sink)
{
	struct yctx y = { L, display, buf, len, first_line };
	yaml_parser_t p;
	yaml_event_t ev;
	int errors = 0;
	unsigned doc_line = first_line;
	if (!yaml_parser_initialize(&p))
		return err_at(&y, sink, first_line, 1, "out of memory initialising the YAML parser") ? 1 : 1;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			parser_error(&y, &p, sink);
			errors++;
			break;
		}
		int rc = 0, stop = 0;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			stop = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			begin_document(L);
			doc_line = line_of(&y, &ev.start_mark);
			break;
		case YAML_DOCUMENT_END_EVENT: {
			struct kg_tree *t = &L->tree;
			if (t->root && t->root->type != KG_NULL) {
				struct kg_doc d = { t->root, display, (*doc_index)++, doc_line, t->dups,
						    (unsigned)t->ndups, &L->arena };
				if (sink->doc && sink->doc(sink->ctx, &d))
					stop = 1;
			}
			break;
		}
		case YAML_SCALAR_EVENT: rc = on_scalar(&y, &ev, sink); break;
		case YAML_ALIAS_EVENT: rc = on_alias(&y, &ev, sink); break;
		case YAML_SEQUENCE_START_EVENT: rc = on_open(&y, &ev, false, sink); break;
		case YAML_MAPPING_START_EVENT: rc = on_open(&y, &ev, true, sink); break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: rc = on_close(&y, sink); break;
		default: break;
		}
		yaml_event_delete(&ev);
		if (rc) {
			errors++;
			break;
		}
		if (stop)
			break;
	}
	yaml_parser_delete(&p);
	return errors;
}
