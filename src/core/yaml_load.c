/* YAML stream -> document trees, via libyaml's event API (see load.h for the contract).
 * libyaml does the syntax; this file does what go-yaml v2 and sigs.k8s.io/yaml add on top:
 * scalar typing and explicit tags (scalar.h; !!binary decoded like Go's base64), anchors and
 * aliases (shared subtrees, go-yaml's alias-ratio check, recursion and unknown-anchor errors),
 * merge keys, non-string keys stringified, and the values json.Marshal refuses (.inf, .nan). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

static void anchors_clear(struct kg_loader *L)
{
	/* a table grown by one anchor-heavy document is given back, so that the next small
	 * documents do not pay for clearing it */
	if (!L->anchors || L->anchor_buckets > 4 * KG_ANCHOR_BUCKETS) {
		free(L->anchors);
		L->anchor_buckets = KG_ANCHOR_BUCKETS;
		L->anchors = calloc(L->anchor_buckets, sizeof(*L->anchors));
		if (!L->anchors)
			abort();
	} else if (L->nanchors) { /* the table is empty when no anchor was set */
		memset(L->anchors, 0, L->anchor_buckets * sizeof(*L->anchors));
	}
	L->nanchors = 0;
}

static size_t anchor_slot(const struct kg_loader *L, const char *name, size_t buckets)
{
	return (size_t)(kg_tree_hash(&L->tree, name, strlen(name)) & (buckets - 1));
}

static void anchor_set(struct kg_loader *L, const char *name, struct kg_node *n)
{
	if (L->nanchors >= L->anchor_buckets) {
		size_t nb = L->anchor_buckets * 2;
		struct kg_anchor **t = calloc(nb, sizeof(*t));
		if (!t)
			abort();
		for (size_t i = 0; i < L->anchor_buckets; i++) {
			for (struct kg_anchor *a = L->anchors[i], *next; a; a = next) {
				next = a->next;
				size_t h = anchor_slot(L, a->name, nb);
				a->next = t[h];
				t[h] = a;
			}
		}
		free(L->anchors);
		L->anchors = t;
		L->anchor_buckets = nb;
	}
	size_t h = anchor_slot(L, name, L->anchor_buckets);
	for (struct kg_anchor *a = L->anchors[h]; a; a = a->next) {
		if (strcmp(a->name, name) == 0) {
			a->node = n; /* a redefined anchor names the newest node, as in go-yaml */
			return;
		}
	}
	struct kg_anchor *a = kg_arena_alloc(&L->arena, sizeof(*a));
	a->name = name;
	a->node = n;
	a->next = L->anchors[h];
	L->anchors[h] = a;
	L->nanchors++;
}

static struct kg_node *anchor_get(struct kg_loader *L, const char *name)
{
	for (struct kg_anchor *a = L->anchors[anchor_slot(L, name, L->anchor_buckets)]; a; a = a->next)
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

/* go-yaml decodes !!binary with Go's base64.StdEncoding: line breaks (\r, \n) are ignored,
 * anything else outside the alphabet is an error, and the input must be whole 4-character
 * groups with '=' padding only at the very end. */
static int decode_base64(const char *s, size_t len, char *o, size_t *outlen)
{
	size_t n = 0;
	int q[4], nq = 0, pad = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' || c == '\n')
			continue;
		if (pad) { /* after '=' only the second '=' of "xx==" may come */
			if (c == '=' && nq == 2 && pad == 1) {
				pad = 2;
				continue;
			}
			return -1;
		}
		if (c == '=') {
			if (nq < 2)
				return -1;
			pad = 1;
			continue;
		}
		int v = b64val(c);
		if (v < 0)
			return -1;
		q[nq++] = v;
		if (nq == 4) {
			o[n++] = (char)((q[0] << 2) | (q[1] >> 4));
			o[n++] = (char)(((q[1] & 15) << 4) | (q[2] >> 2));
			o[n++] = (char)(((q[2] & 3) << 6) | q[3]);
			nq = 0;
		}
	}
	if (pad) {
		if ((nq == 2 && pad != 2) || (nq == 3 && pad != 1))
			return -1;
		o[n++] = (char)((q[0] << 2) | (q[1] >> 4));
		if (nq == 3)
			o[n++] = (char)(((q[1] & 15) << 4) | (q[2] >> 2));
	} else if (nq) {
		return -1;
	}
	*outlen = n;
	return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
	else return 0;
	if (avail < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/* The decoded bytes as JSON carries them: Go's json.Marshal writes each byte that is not part
 * of valid UTF-8 as U+FFFD. */
static int decode_binary(struct kg_arena *a, const char *s, size_t len, char **out, size_t *outlen)
{
	char *raw = kg_arena_alloc(a, len + 1);
	size_t n;
	if (decode_base64(s, len, raw, &n))
		return -1;
	char *o = kg_arena_alloc(a, n * 3 + 1);
	size_t m = 0;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq((const unsigned char *)raw + i, n - i);
		if (!l) {
			memcpy(o + m, "\xEF\xBF\xBD", 3);
			m += 3;
			i++;
			continue;
		}
		memcpy(o + m, raw + i, l);
		m += l;
		i += l;
	}
	o[m] = '\0';
	*out = o;
	*outlen = m;
	return 0;
}

/* Up to 60 bytes of text for a message, control characters shown as '?', cut at a character. */
static void excerpt(char *buf, size_t size, const char *text, size_t len)
{
	size_t n = 0, i = 0;
	while (i < len && n + 5 < size && i < 60) {
		unsigned char c = (unsigned char)text[i];
		size_t l = c < 0x80 ? 1 : utf8_seq((const unsigned char *)text + i, len - i);
		if (!l)
			l = 1;
		if (c < 0x20 || c == 0x7f) {
			buf[n++] = '?';
		} else {
			memcpy(buf + n, text + i, l);
			n += l;
		}
		i += l;
	}
	if (i < len)
		n += (size_t)snprintf(buf + n, size - n, "...");
	buf[n] = '\0';
}

static int err_at(struct yctx *y, const struct kg_load_sink *sink, unsigned line, unsigned col, const char *msg)
{
	struct kg_diag d;
	kg_diag_set(&d, y->display, line, col, "%s", msg);
	if (sink->error)
		sink->error(sink->ctx, &d);
	return -1;
}

static int tree_err(struct yctx *y, const struct kg_load_sink *sink)
{
	return err_at(y, sink, y->L->tree.err.line, y->L->tree.err.col, y->L->tree.err.message);
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

/* Turn a node usable as a key into its string, as sigs.k8s.io/yaml does; -1 when the API
 * server cannot have such a key (null, uint64 or big integers, maps, sequences). */
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
		if (n->flags & KG_NODE_BIGINT)
			return -1;
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

static const char *const bad_key_msg = "unsupported map key: Kubernetes objects need string keys "
				       "(null, mappings, sequences and integers beyond int64 cannot be keys)";

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
	char msg[300], ex[80];
	if (kg_scalar_resolve(tag, text, len, ev->data.scalar.plain_implicit, &sc, &why)) {
		/* go-yaml's wording: cannot decode !!str `abc` as a !!bool */
		excerpt(ex, sizeof(ex), text, len);
		snprintf(msg, sizeof(msg), "cannot decode %s `%s` as a !!%s", kg_scalar_tag_name(&sc), ex,
			 strstr(why, "!!") + 2);
		return err_at(y, sink, line, col, msg);
	}
	bool is_key = kg_tree_expect_key(t);
	bool binary = tag && strcmp(tag, "tag:yaml.org,2002:binary") == 0;
	if (is_key && !ev->data.scalar.anchor && !binary) {
		/* the common key: no node needed, only its text */
		char kb[64];
		if (sc.is_merge)
			return kg_tree_key(t, "<<", 2, line, col, true) ? tree_err(y, sink) : 0;
		if (sc.type == KG_STR)
			return kg_tree_key(t, text, len, line, col, false) ? tree_err(y, sink) : 0;
		if (sc.type == KG_NULL || sc.is_uint || sc.is_big)
			return err_at(y, sink, line, col, bad_key_msg);
		kg_scalar_key_text(&sc, kb, sizeof(kb));
		return kg_tree_key(t, kb, strlen(kb), line, col, false) ? tree_err(y, sink) : 0;
	}
	struct kg_node *n = kg_tree_scalar(t, sc.type, line, col);
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
	case KG_FLOAT:
		n->v.f = sc.f;
		if (sc.is_big)
			n->flags |= KG_NODE_BIGINT;
		break;
	case KG_STR:
		n->v.s = copy;
		n->len = (uint32_t)len;
		if (binary) {
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
	if (is_key) {
		const char *k;
		size_t klen;
		if (sc.is_merge)
			return kg_tree_key(t, "<<", 2, line, col, true) ? tree_err(y, sink) : 0;
		if (key_text(&L->arena, n, &k, &klen))
			return err_at(y, sink, line, col, bad_key_msg);
		return kg_tree_key(t, k, klen, line, col, false) ? tree_err(y, sink) : 0;
	}
	if (n->type == KG_FLOAT && !isfinite(n->v.f)) {
		/* sigs.k8s.io/yaml hands the value to json.Marshal, which refuses it; a big integer
		 * passes as digits but the API server cannot read it as a float64 */
		excerpt(ex, sizeof(ex), text, len);
		if (sc.is_big)
			snprintf(msg, sizeof(msg), "integer `%s` is too large: the API server cannot read it as a number", ex);
		else
			snprintf(msg, sizeof(msg), "`%s` cannot be converted to JSON (json: unsupported value: %s); "
				 "kubectl and the API server reject this document", ex,
				 isnan(n->v.f) ? "NaN" : n->v.f < 0 ? "-Inf" : "+Inf");
		return err_at(y, sink, line, col, msg);
	}
	if (kg_tree_value(t, n))
		return tree_err(y, sink);
	return 0;
}

static int on_alias(struct yctx *y, yaml_event_t *ev, const struct kg_load_sink *sink)
{
	struct kg_loader *L = y->L;
	struct kg_tree *t = &L->tree;
	const char *name = (const char *)ev->data.alias.anchor;
	unsigned line = line_of(y, &ev->start_mark), col = col_of(&ev->start_mark);
	char msg[200];
	/* an anchor on a collection that is still open is that collection, even if an older node
	 * had the same anchor: go-yaml registers anchors where they start */
	if (kg_tree_anchor_open(t, name)) {
		snprintf(msg, sizeof(msg), "anchor '%.60s' value contains itself", name);
		return err_at(y, sink, line, col, msg);
	}
	struct kg_node *target = anchor_get(L, name);
	if (!target) {
		snprintf(msg, sizeof(msg), "unknown anchor '%.60s' referenced", name);
		return err_at(y, sink, line, col, msg);
	}
	if (kg_tree_expect_key(t)) {
		const char *k;
		size_t klen;
		if (key_text(&L->arena, target, &k, &klen))
			return err_at(y, sink, line, col, bad_key_msg);
		return kg_tree_alias_key(t, k, klen, line, col, target) ? tree_err(y, sink) : 0;
	}
	/* Share the anchored node; the flag tells writers that positions point at the anchor. */
	struct kg_node *n = kg_tree_alias(t, target, line, col);
	if (!n || kg_tree_value(t, n))
		return tree_err(y, sink);
	return 0;
}

static int on_open(struct yctx *y, yaml_event_t *ev, bool is_map, const struct kg_load_sink *sink)
{
	struct kg_loader *L = y->L;
	const char *anchor = (const char *)(is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor);
	const char *a = anchor ? kg_arena_strdup(&L->arena, anchor) : NULL;
	if (kg_tree_open(&L->tree, is_map, line_of(y, &ev->start_mark), col_of(&ev->start_mark), a))
		return tree_err(y, sink);
	return 0;
}

static int on_close(struct yctx *y, const struct kg_load_sink *sink)
{
	struct kg_loader *L = y->L;
	struct kg_tree *t = &L->tree;
	const char *anchor = t->frames[t->nframes - 1].anchor;
	struct kg_node *n;
	if (kg_tree_close(t, &n))
		return tree_err(y, sink);
	if (anchor)
		anchor_set(L, anchor, n);
	return 0;
}

static void begin_document(struct kg_loader *L)
{
	kg_arena_reset(&L->arena);
	kg_tree_reset(&L->tree);
	anchors_clear(L);
}

/* Deliver the document just parsed (empty ones are not); nonzero when the sink says stop. */
static int deliver(struct kg_loader *L, const char *display, unsigned line, unsigned *doc_index,
		   const struct kg_load_sink *sink)
{
	struct kg_tree *t = &L->tree;
	if (!t->root || t->root->type == KG_NULL)
		return 0;
	struct kg_doc d = { t->root, display, (*doc_index)++, line, t->dups, (unsigned)t->ndups, &L->arena,
			    L->rendered_from };
	return sink->doc ? sink->doc(sink->ctx, &d) : 0;
}

/* buf[0..len) as a writable pointer when it lies in the loader's chunk buffer (source.c reads files
 * there) with room behind it, so that libyaml can read it in place (yaml_input.h); else NULL. */
static char *in_chunk(struct kg_loader *L, const char *buf, size_t len)
{
	uintptr_t b = (uintptr_t)buf, s = (uintptr_t)L->chunk.data;
	if (!L->chunk.data || b < s || b - s > L->chunk.alloc || L->chunk.alloc - (b - s) < len + 1 + KG_YAML_INPUT_PAD)
		return NULL;
	return L->chunk.data + (b - s);
}

/* The stream loop. done == NULL: every error is reported and counted (kg_yaml_load). Otherwise a
 * trial over several of the splitter's pieces (kg_yaml_load_pieces): nothing is reported, a
 * document is delivered only once the next one starts (or the stream ends), since text after it
 * in its piece may still be an error that its piece's own parser reports; at the first error -1 is
 * returned with *done the line where the last document started (0: none). */
static int load(struct kg_loader *L, const char *display, const char *buf, size_t len, unsigned first_line,
		unsigned *doc_index, const struct kg_load_sink *sink, unsigned *done)
{
	struct yctx y = { L, display, buf, len, first_line };
	struct kg_load_sink quiet = { sink->ctx, sink->doc, NULL };
	bool pending = false; /* trial: a document parsed, not yet delivered */
	if (done) {
		sink = &quiet;
		*done = 0;
	}
	yaml_parser_t p;
	yaml_event_t ev;
	int errors = 0;
	unsigned doc_line = first_line;
	if (!yaml_parser_initialize(&p)) {
		(void)err_at(&y, sink, first_line, 1, "out of memory initialising the YAML parser");
		return done ? -1 : 1;
	}
	L->parsers++;
	char *own = in_chunk(L, buf, len);
	if (own)
		(void)kg_yaml_input_set_inplace(&p, &L->yaml_input, own, len, !L->yaml_reader);
	else
		(void)kg_yaml_input_set(&p, &L->yaml_input, buf, len, !L->yaml_reader);
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
			if (pending)
				(void)deliver(L, display, doc_line, doc_index, sink);
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (pending && deliver(L, display, doc_line, doc_index, sink)) {
				stop = 1;
				break;
			}
			pending = false;
			begin_document(L);
			doc_line = line_of(&y, &ev.start_mark);
			if (done)
				*done = doc_line;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (done)
				pending = true;
			else if (deliver(L, display, doc_line, doc_index, sink))
				stop = 1;
			break;
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
	kg_yaml_input_done(&L->yaml_input);
	if (errors && done)
		return -1;
	*doc_index += (unsigned)errors; /* the failed document keeps its number */
	return errors;
}

int kg_yaml_load(struct kg_loader *L, const char *display, const char *buf, size_t len,
		 unsigned first_line, unsigned *doc_index, const struct kg_load_sink *sink)
{
	return load(L, display, buf, len, first_line, doc_index, sink, NULL);
}

int kg_yaml_load_pieces(struct kg_loader *L, const char *display, const char *buf, size_t len,
			unsigned first_line, unsigned *doc_index, const struct kg_load_sink *sink, unsigned *done)
{
	return load(L, display, buf, len, first_line, doc_index, sink, done);
}
