/* The tree builder shared by the loaders (tree.h). */
#include "tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"

static void *grow(void *p, size_t *alloc, size_t need, size_t elem)
{
	if (need <= *alloc)
		return p;
	size_t n = *alloc ? *alloc : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * elem);
	if (!q) {
		fputs("kguard: out of memory\n", stderr);
		abort();
	}
	*alloc = n;
	return q;
}

void kg_tree_init(struct kg_tree *b, struct kg_arena *arena, const struct kg_load_limits *lim)
{
	memset(b, 0, sizeof(*b));
	b->arena = arena;
	b->lim = *lim;
}

void kg_tree_release(struct kg_tree *b)
{
	free(b->frames);
	free(b->slots);
	free(b->hash);
	free(b->dups);
	memset(b, 0, sizeof(*b));
}

void kg_tree_reset(struct kg_tree *b)
{
	b->nframes = b->nslots = b->ndups = 0;
	b->root = NULL;
	b->weight = 0;
	b->err.message[0] = '\0';
}

static int fail(struct kg_tree *b, unsigned line, unsigned col, const char *msg)
{
	kg_diag_set(&b->err, NULL, line, col, "%s", msg);
	return -1;
}

static int count(struct kg_tree *b, uint64_t n, unsigned line, unsigned col)
{
	b->weight += n;
	if (b->weight > b->lim.max_nodes)
		return fail(b, line, col, "document contains excessive aliasing (more than the node limit once aliases are expanded)");
	return 0;
}

struct kg_node *kg_tree_scalar(struct kg_tree *b, enum kg_type type, unsigned line, unsigned col)
{
	struct kg_node *n = kg_arena_alloc(b->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->type = (uint8_t)type;
	n->line = line;
	n->col = col;
	n->weight = 1;
	return n;
}

int kg_tree_open(struct kg_tree *b, bool is_map, unsigned line, unsigned col, const char *anchor)
{
	if (b->nframes >= b->lim.max_depth) {
		char msg[96];
		snprintf(msg, sizeof(msg), "nesting deeper than %u levels", b->lim.max_depth);
		return fail(b, line, col, msg);
	}
	if (b->nframes && b->frames[b->nframes - 1].is_map && !b->frames[b->nframes - 1].have_key)
		return fail(b, line, col, "a mapping key must be a scalar (Kubernetes objects have string keys)");
	if (count(b, 1, line, col))
		return -1;
	b->frames = grow(b->frames, &b->aframes, b->nframes + 1, sizeof(*b->frames));
	struct kg_frame *f = &b->frames[b->nframes++];
	memset(f, 0, sizeof(*f));
	f->is_map = is_map;
	f->slot_base = (uint32_t)b->nslots;
	f->line = line;
	f->col = col;
	f->anchor = anchor;
	return 0;
}

bool kg_tree_expect_key(const struct kg_tree *b)
{
	return b->nframes && b->frames[b->nframes - 1].is_map && !b->frames[b->nframes - 1].have_key;
}

bool kg_tree_anchor_open(const struct kg_tree *b, const char *anchor)
{
	for (size_t i = 0; i < b->nframes; i++)
		if (b->frames[i].anchor && strcmp(b->frames[i].anchor, anchor) == 0)
			return true;
	return false;
}

int kg_tree_key(struct kg_tree *b, const char *key, size_t len, unsigned line, unsigned col, bool merge)
{
	struct kg_frame *f = &b->frames[b->nframes - 1];
	f->have_key = true;
	f->key.key = kg_arena_strndup(b->arena, key, len);
	f->key.klen = (uint32_t)len;
	f->key.kline = line;
	f->key.kcol = col;
	f->key.merge = merge;
	f->key.value = NULL;
	return 0;
}

int kg_tree_count_alias(struct kg_tree *b, const struct kg_node *n, unsigned line, unsigned col)
{
	return count(b, n->weight, line, col);
}

int kg_tree_value(struct kg_tree *b, struct kg_node *n)
{
	if (!b->nframes) {
		b->root = n;
		return 0;
	}
	if (n->type != KG_MAP && n->type != KG_SEQ && !(n->flags & KG_NODE_ALIASED) && count(b, 1, n->line, n->col))
		return -1;
	struct kg_frame *f = &b->frames[b->nframes - 1];
	b->slots = grow(b->slots, &b->aslots, b->nslots + 1, sizeof(*b->slots));
	struct kg_slot *s = &b->slots[b->nslots++];
	if (f->is_map) {
		*s = f->key;
		f->have_key = false;
	} else {
		memset(s, 0, sizeof(*s));
	}
	s->value = n;
	return 0;
}

/* Dotted path of the innermost open frame's slot being built, plus key. */
static const char *path_of(struct kg_tree *b, const char *key)
{
	struct kg_buf p;
	kg_buf_init(&p, 4096);
	for (size_t d = 1; d < b->nframes; d++) {
		const struct kg_frame *parent = &b->frames[d - 1];
		if (parent->is_map) {
			if (p.len)
				(void)kg_buf_addc(&p, '.');
			(void)kg_buf_adds(&p, parent->key.key ? parent->key.key : "?");
		} else {
			/* a child opened when its sequence parent held (slot_base - parent base) items */
			(void)kg_buf_printf(&p, "[%zu]", (size_t)(b->frames[d].slot_base - parent->slot_base));
		}
	}
	if (p.len)
		(void)kg_buf_addc(&p, '.');
	(void)kg_buf_adds(&p, key);
	const char *r = kg_arena_strndup(b->arena, p.data ? p.data : "", p.len);
	kg_buf_release(&p);
	return r;
}

static void add_dup(struct kg_tree *b, const char *key, const struct kg_node *lost, const struct kg_node *won,
		    unsigned lost_line, unsigned lost_col, unsigned won_line, unsigned won_col, int by_merge)
{
	(void)lost;
	(void)won;
	if (b->ndups >= 1000)
		return;
	b->dups = grow(b->dups, &b->adups, b->ndups + 1, sizeof(*b->dups));
	struct kg_dupkey *d = &b->dups[b->ndups++];
	d->path = path_of(b, key);
	d->first_line = lost_line;
	d->first_col = lost_col;
	d->second_line = won_line;
	d->second_col = won_col;
	d->by_merge = by_merge;
}

/* The map being finished: entries with go-yaml v2 "set" semantics. */
struct entry_set {
	struct kg_pair *pairs;
	uint8_t *explicit_; /* 1 when the entry came from an explicit key */
	size_t n;
	uint32_t *hash;
	size_t hmask; /* 0 = linear search */
};

static uint32_t hash_key(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static long find_entry(const struct entry_set *es, const char *key, size_t klen, uint32_t h, size_t *slot)
{
	if (!es->hmask) {
		for (size_t i = 0; i < es->n; i++)
			if (es->pairs[i].key_len == klen && memcmp(es->pairs[i].key, key, klen) == 0)
				return (long)i;
		return -1;
	}
	size_t pos = h & es->hmask;
	for (;;) {
		uint32_t v = es->hash[pos];
		if (!v) {
			*slot = pos;
			return -1;
		}
		const struct kg_pair *p = &es->pairs[v - 1];
		if (p->key_len == klen && memcmp(p->key, key, klen) == 0)
			return (long)(v - 1);
		pos = (pos + 1) & es->hmask;
	}
}

static void set_entry(struct kg_tree *b, struct entry_set *es, const char *key, uint32_t klen,
		      uint32_t kline, uint32_t kcol, struct kg_node *value, bool is_explicit)
{
	uint32_t h = hash_key(key, klen);
	size_t slot = 0;
	long i = find_entry(es, key, klen, h, &slot);
	if (i >= 0) {
		struct kg_pair *p = &es->pairs[i];
		if (es->explicit_[i])
			add_dup(b, key, p->value, value, p->line, p->col, kline, kcol, is_explicit ? 0 : 1);
		p->value = value;
		p->line = kline;
		p->col = kcol;
		es->explicit_[i] = is_explicit;
		return;
	}
	struct kg_pair *p = &es->pairs[es->n];
	p->key = key;
	p->key_len = klen;
	p->line = kline;
	p->col = kcol;
	p->value = value;
	es->explicit_[es->n] = is_explicit;
	if (es->hmask)
		es->hash[slot] = (uint32_t)(es->n + 1);
	es->n++;
}

static int merge_from(struct kg_tree *b, struct entry_set *es, const struct kg_node *src, unsigned line, unsigned col)
{
	if (src->type != KG_MAP)
		return fail(b, line, col, "map merge requires map or sequence of maps as the value");
	for (uint32_t k = 0; k < src->len; k++) {
		const struct kg_pair *p = &src->v.pairs[k];
		set_entry(b, es, p->key, p->key_len, p->line, p->col, p->value, false);
	}
	return 0;
}

static int finish_map(struct kg_tree *b, struct kg_frame *f, struct kg_node *n)
{
	struct kg_slot *s = b->slots + f->slot_base;
	size_t ns = b->nslots - f->slot_base;
	size_t cap = 0; /* upper bound of entries */
	for (size_t i = 0; i < ns; i++) {
		if (!s[i].merge) {
			cap++;
		} else if (s[i].value->type == KG_MAP) {
			cap += s[i].value->len;
		} else if (s[i].value->type == KG_SEQ) {
			for (uint32_t k = 0; k < s[i].value->len; k++)
				cap += s[i].value->v.items[k]->type == KG_MAP ? s[i].value->v.items[k]->len : 0;
		}
	}
	struct entry_set es = { 0 };
	es.pairs = kg_arena_alloc(b->arena, (cap ? cap : 1) * sizeof(*es.pairs));
	es.explicit_ = kg_arena_alloc(b->arena, cap ? cap : 1);
	if (cap > 16) {
		size_t hs = 32;
		while (hs < cap * 2)
			hs *= 2;
		if (hs > b->ahash) {
			free(b->hash);
			b->hash = malloc(hs * sizeof(*b->hash));
			if (!b->hash) {
				fputs("kguard: out of memory\n", stderr);
				abort();
			}
			b->ahash = hs;
		}
		memset(b->hash, 0, hs * sizeof(*b->hash));
		es.hash = b->hash;
		es.hmask = hs - 1;
	}
	uint64_t weight = 1;
	for (size_t i = 0; i < ns; i++) {
		if (!s[i].merge) {
			set_entry(b, &es, s[i].key, s[i].klen, s[i].kline, s[i].kcol, s[i].value, true);
			continue;
		}
		const struct kg_node *src = s[i].value;
		if (src->type == KG_SEQ) {
			/* go-yaml v2: step backwards, earlier maps take precedence */
			for (uint32_t k = src->len; k-- > 0;)
				if (merge_from(b, &es, src->v.items[k], s[i].kline, s[i].kcol))
					return -1;
		} else if (merge_from(b, &es, src, s[i].kline, s[i].kcol)) {
			return -1;
		}
	}
	for (size_t i = 0; i < es.n; i++)
		weight += es.pairs[i].value->weight;
	n->v.pairs = es.pairs;
	n->len = (uint32_t)es.n;
	n->weight = weight > UINT32_MAX ? UINT32_MAX : (uint32_t)weight;
	return 0;
}

int kg_tree_close(struct kg_tree *b, struct kg_node **out)
{
	struct kg_frame *f = &b->frames[b->nframes - 1];
	struct kg_node *n = kg_tree_scalar(b, f->is_map ? KG_MAP : KG_SEQ, f->line, f->col);
	if (f->is_map) {
		if (finish_map(b, f, n))
			return -1;
	} else {
		size_t ns = b->nslots - f->slot_base;
		n->v.items = kg_arena_alloc(b->arena, (ns ? ns : 1) * sizeof(*n->v.items));
		uint64_t weight = 1;
		for (size_t i = 0; i < ns; i++) {
			n->v.items[i] = b->slots[f->slot_base + i].value;
			weight += n->v.items[i]->weight;
		}
		n->len = (uint32_t)ns;
		n->weight = weight > UINT32_MAX ? UINT32_MAX : (uint32_t)weight;
	}
	b->nslots = f->slot_base;
	b->nframes--;
	*out = n;
	return kg_tree_value(b, n);
}
