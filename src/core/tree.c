/* The tree builder shared by the loaders (tree.h). */
#include "tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "../util/buf.h"

/* The key text of every "<<" merge entry: its address marks merge slots. */
static const char merge_key[] = "<<";

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

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                                              \
	do {                                                                                  \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);                     \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                                        \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                                        \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);                     \
	} while (0)

uint64_t kg_tree_hash(const struct kg_tree *b, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t k0 = b->seed[0], k1 = b->seed[1];
	uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
	size_t full = len & ~(size_t)7;
	for (size_t i = 0; i < full; i += 8) {
		uint64_t m;
		memcpy(&m, p + i, 8);
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t last = (uint64_t)len << 56;
	for (size_t k = len - full; k > 0; k--) /* the last 0-7 bytes, little-endian (SipHash's order) */
		last |= (uint64_t)p[full + k - 1] << (8 * (k - 1));
	v3 ^= last;
	SIPROUND;
	v0 ^= last;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void kg_tree_init(struct kg_tree *b, struct kg_arena *arena, const struct kg_load_limits *lim)
{
	memset(b, 0, sizeof(*b));
	b->arena = arena;
	b->lim = *lim;
	if (getrandom(b->seed, sizeof(b->seed), GRND_NONBLOCK) != (ssize_t)sizeof(b->seed)) {
		/* no entropy yet (early boot): still differ per process and per loader */
		b->seed[0] = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		b->seed[1] = (uint64_t)(uintptr_t)b ^ (uint64_t)clock();
	}
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
	b->decodes = 1; /* go-yaml counts the document node */
	b->aliased = 0;
	b->err.message[0] = '\0';
}

static int fail(struct kg_tree *b, unsigned line, unsigned col, const char *msg)
{
	kg_diag_set(&b->err, NULL, line, col, "%s", msg);
	return -1;
}

/* go-yaml v2's allowedAliasRatio (decode.go). */
static double allowed_alias_ratio(uint64_t decodes)
{
	if (decodes <= 400000)
		return 0.99;
	if (decodes >= 4000000)
		return 0.10;
	return 0.99 - 0.89 * ((double)(decodes - 400000) / (double)(4000000 - 400000));
}

/* Count `steps` decode steps, `aliased` of them inside an alias expansion. go-yaml checks its
 * ratio at every step; within one alias expansion the ratio only grows and the allowance only
 * shrinks, so checking once after the expansion finds the same documents. */
static int count_check(struct kg_tree *b, unsigned line, unsigned col)
{
	if (b->aliased > 100 && b->decodes > 1000 &&
	    (double)b->aliased / (double)b->decodes > allowed_alias_ratio(b->decodes))
		return fail(b, line, col, "document contains excessive aliasing");
	if (b->decodes > b->lim.max_nodes) {
		char msg[160];
		if (b->aliased)
			snprintf(msg, sizeof(msg), "document contains excessive aliasing (more than %u nodes once aliases are expanded)",
				 b->lim.max_nodes);
		else
			snprintf(msg, sizeof(msg), "document has more than %u nodes", b->lim.max_nodes);
		return fail(b, line, col, msg);
	}
	return 0;
}

/* Called for every node and key: the checks run only once a limit could be reached. */
static inline int count(struct kg_tree *b, uint64_t steps, uint64_t aliased, unsigned line, unsigned col)
{
	b->decodes += steps;
	b->aliased += aliased;
	if (b->aliased <= 100 && b->decodes <= b->lim.max_nodes)
		return 0;
	return count_check(b, line, col);
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

struct kg_node *kg_tree_alias(struct kg_tree *b, const struct kg_node *target, unsigned line, unsigned col)
{
	/* go-yaml visits the alias and then its whole target again */
	if (count(b, 1 + (uint64_t)target->weight, target->weight, line, col))
		return NULL;
	struct kg_node *n = kg_arena_alloc(b->arena, sizeof(*n));
	*n = *target; /* shares the target's children; positions stay those of the anchor */
	n->flags |= KG_NODE_ALIASED;
	return n;
}

int kg_tree_open(struct kg_tree *b, bool is_map, unsigned line, unsigned col, const char *anchor)
{
	if (b->nframes >= b->lim.max_depth) {
		char msg[96];
		snprintf(msg, sizeof(msg), "nesting deeper than %u levels", b->lim.max_depth);
		return fail(b, line, col, msg);
	}
	struct kg_frame *parent = b->nframes ? &b->frames[b->nframes - 1] : NULL;
	if (parent && parent->is_map && !parent->have_key)
		return fail(b, line, col, "a mapping key must be a scalar (Kubernetes objects have string keys)");
	bool merge_seq = !is_map && parent && parent->is_map && parent->key.key == merge_key;
	if (!merge_seq && count(b, 1, 0, line, col))
		return -1;
	b->frames = grow(b->frames, &b->aframes, b->nframes + 1, sizeof(*b->frames));
	struct kg_frame *f = &b->frames[b->nframes++];
	memset(f, 0, sizeof(*f));
	f->is_map = is_map;
	f->slot_base = (uint32_t)b->nslots;
	f->line = line;
	f->col = col;
	f->anchor = anchor;
	f->merge_seq = merge_seq;
	return 0;
}

bool kg_tree_anchor_open(const struct kg_tree *b, const char *anchor)
{
	for (size_t i = 0; i < b->nframes; i++)
		if (b->frames[i].anchor && strcmp(b->frames[i].anchor, anchor) == 0)
			return true;
	return false;
}

/* key is owned by the arena (or is merge_key) */
static void set_key(struct kg_tree *b, const char *key, size_t len, unsigned line, unsigned col, uint64_t w)
{
	struct kg_frame *f = &b->frames[b->nframes - 1];
	f->have_key = true;
	f->key.key = key;
	f->key.key_len = (uint32_t)len;
	f->key.line = line;
	f->key.col = col;
	f->kw = w;
}

int kg_tree_key(struct kg_tree *b, const char *key, size_t len, unsigned line, unsigned col, bool merge)
{
	/* go-yaml decodes every key but "<<" */
	if (merge) {
		b->frames[b->nframes - 1].merges = true;
		set_key(b, merge_key, 2, line, col, 0);
		return 0;
	}
	if (count(b, 1, 0, line, col))
		return -1;
	set_key(b, kg_arena_strndup(b->arena, key, len), len, line, col, 1);
	return 0;
}

int kg_tree_key_owned(struct kg_tree *b, const char *key, size_t len, unsigned line, unsigned col)
{
	if (count(b, 1, 0, line, col))
		return -1;
	set_key(b, key, len, line, col, 1);
	return 0;
}

int kg_tree_alias_key(struct kg_tree *b, const char *key, size_t len, unsigned line, unsigned col,
		      const struct kg_node *target)
{
	if (count(b, 1 + (uint64_t)target->weight, target->weight, line, col))
		return -1;
	set_key(b, kg_arena_strndup(b->arena, key, len), len, line, col, 1 + (uint64_t)target->weight);
	return 0;
}

int kg_tree_value(struct kg_tree *b, struct kg_node *n)
{
	uint64_t w;
	if (n->flags & KG_NODE_ALIASED) {
		w = 1 + (uint64_t)n->weight; /* counted by kg_tree_alias */
	} else if (n->type != KG_MAP && n->type != KG_SEQ) {
		w = 1;
		if (count(b, 1, 0, n->line, n->col))
			return -1;
	} else {
		w = n->weight; /* counted step by step while it was built */
	}
	if (!b->nframes) {
		b->root = n;
		return 0;
	}
	struct kg_frame *f = &b->frames[b->nframes - 1];
	if (b->nslots >= b->aslots)
		b->slots = grow(b->slots, &b->aslots, b->nslots + 1, sizeof(*b->slots));
	struct kg_pair *s = &b->slots[b->nslots++];
	if (f->is_map) {
		*s = f->key;
		f->have_key = false;
		if (s->key == merge_key && n->type == KG_SEQ && !(n->flags & KG_NODE_ALIASED))
			w -= 1; /* go-yaml walks a merged sequence's items without visiting it */
		w += f->kw;
	}
	f->w += w;
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
	size_t hmask; /* 0 = linear search (small maps) */
};

static long find_entry(const struct entry_set *es, const char *key, size_t klen, uint64_t h, size_t *slot)
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

/* Put key -> value into the map being finished. A merged entry passes the position of its "<<"
 * in mline/mcol: a duplicate it causes is reported there, where the reader can see it. */
static void set_entry(struct kg_tree *b, struct entry_set *es, const char *key, uint32_t klen,
		      uint32_t kline, uint32_t kcol, struct kg_node *value, bool is_explicit,
		      uint32_t mline, uint32_t mcol)
{
	uint64_t h = es->hmask ? kg_tree_hash(b, key, klen) : 0;
	size_t slot = 0;
	long i = find_entry(es, key, klen, h, &slot);
	if (i >= 0) {
		struct kg_pair *p = &es->pairs[i];
		if (es->explicit_[i])
			add_dup(b, key, p->value, value, p->line, p->col, is_explicit ? kline : mline,
				is_explicit ? kcol : mcol, is_explicit ? 0 : 1);
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
	/* go-yaml writes the merged map's entries one by one into the map being built, so a merge
	 * overrides the keys before it and the keys after it override the merge */
	for (uint32_t k = 0; k < src->len; k++) {
		const struct kg_pair *p = &src->v.pairs[k];
		set_entry(b, es, p->key, p->key_len, p->line, p->col, p->value, false, line, col);
	}
	return 0;
}

/* A cheap unkeyed fingerprint of a key (length, first and last bytes) that lets the linear
 * duplicate search of a small map skip most comparisons (an empty key reads its NUL). Crafted
 * collisions only cost memcmp calls within one map of at most SMALL_MAP keys; larger maps use
 * the SipHash-keyed index, so a document's duplicate search stays linear in its size. */
static inline uint64_t key_print(const char *k, size_t len)
{
	uint64_t a, z;
	if (len >= 8) {
		memcpy(&a, k, 8);
		memcpy(&z, k + len - 8, 8);
	} else if (len >= 4) {
		uint32_t a4, z4;
		memcpy(&a4, k, 4);
		memcpy(&z4, k + len - 4, 4);
		a = a4;
		z = z4;
	} else {
		a = (uint64_t)(unsigned char)k[0] | (uint64_t)(unsigned char)k[len / 2] << 8 |
		    (uint64_t)(unsigned char)k[len ? len - 1 : 0] << 16;
		z = 0;
	}
	return (a ^ (z << 29 | z >> 35) ^ len) * 0x9E3779B97F4A7C15ull;
}

#define SMALL_MAP 32 /* up to this many keys, duplicates are found by a fingerprinted linear search */

static uint32_t cap_weight(uint64_t w)
{
	return w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
}

/* Whether the keys of a small map (2..SMALL_MAP entries) are all different. */
static bool keys_unique(const struct kg_pair *s, size_t ns)
{
	uint64_t fp[SMALL_MAP], seen = 0; /* seen: one bit per fingerprint (its top 6 bits) */
	for (size_t i = 0; i < ns; i++) {
		fp[i] = key_print(s[i].key, s[i].key_len);
		uint64_t bit = 1ull << (fp[i] >> 58);
		if (!(seen & bit)) { /* no earlier key has this fingerprint */
			seen |= bit;
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (fp[k] == fp[i] && s[k].key_len == s[i].key_len &&
			    memcmp(s[k].key, s[i].key, s[i].key_len) == 0)
				return false;
	}
	return true;
}

/* The tree's SipHash-keyed index, emptied and with room for n entries at a load of at most 1/2;
 * returns its size (a power of two, at least 32). */
static size_t clear_index(struct kg_tree *b, size_t n)
{
	size_t hs = 32;
	while (hs < n * 2)
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
	return hs;
}

/* A map without merge keys (every JSON map, most YAML maps): the entries are the keys in order,
 * a repeated key replacing the earlier value in place (recorded as a duplicate). */
static void finish_plain_map(struct kg_tree *b, const struct kg_pair *s, size_t ns, struct kg_node *n)
{
	struct kg_pair *pairs = kg_arena_alloc(b->arena, (ns ? ns : 1) * sizeof(*pairs));
	size_t np = 0;
	n->v.pairs = pairs;
	if (ns <= 1 || (ns <= SMALL_MAP && keys_unique(s, ns))) {
		/* the common case: the slots are the pairs */
		if (ns)
			memcpy(pairs, s, ns * sizeof(*pairs));
		n->len = (uint32_t)ns;
		return;
	}
	if (ns <= SMALL_MAP) {
		uint64_t fp[SMALL_MAP];
		for (size_t i = 0; i < ns; i++) {
			uint64_t h = key_print(s[i].key, s[i].key_len);
			size_t k = 0;
			for (; k < np; k++)
				if (fp[k] == h && pairs[k].key_len == s[i].key_len &&
				    memcmp(pairs[k].key, s[i].key, s[i].key_len) == 0)
					break;
			struct kg_pair *p = &pairs[k];
			if (k < np) {
				add_dup(b, s[i].key, p->value, s[i].value, p->line, p->col, s[i].line, s[i].col, 0);
			} else {
				fp[np++] = h;
				p->key = s[i].key;
				p->key_len = s[i].key_len;
			}
			p->line = s[i].line;
			p->col = s[i].col;
			p->value = s[i].value;
		}
	} else {
		/* the SipHash-keyed index, as for merges */
		size_t hs = clear_index(b, ns);
		struct entry_set es = { pairs, NULL, 0, b->hash, hs - 1 };
		for (size_t i = 0; i < ns; i++) {
			size_t slot = 0;
			long k = find_entry(&es, s[i].key, s[i].key_len, kg_tree_hash(b, s[i].key, s[i].key_len), &slot);
			struct kg_pair *p;
			if (k >= 0) {
				p = &pairs[k];
				add_dup(b, s[i].key, p->value, s[i].value, p->line, p->col, s[i].line, s[i].col, 0);
			} else {
				p = &pairs[es.n];
				p->key = s[i].key;
				p->key_len = s[i].key_len;
				es.hash[slot] = (uint32_t)(es.n + 1);
				es.n++;
			}
			p->line = s[i].line;
			p->col = s[i].col;
			p->value = s[i].value;
		}
		np = es.n;
	}
	n->len = (uint32_t)np;
}

static int finish_map(struct kg_tree *b, struct kg_frame *f, struct kg_node *n)
{
	struct kg_pair *s = b->slots ? b->slots + f->slot_base : NULL; /* none yet: {} first */
	size_t ns = b->nslots - f->slot_base;
	size_t cap = 0; /* upper bound of entries */
	if (!f->merges) {
		finish_plain_map(b, s, ns, n);
		return 0;
	}
	for (size_t i = 0; i < ns; i++) {
		if (s[i].key != merge_key) {
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
		es.hmask = clear_index(b, cap) - 1; /* may move b->hash: read it after */
		es.hash = b->hash;
	}
	for (size_t i = 0; i < ns; i++) {
		if (s[i].key != merge_key) {
			set_entry(b, &es, s[i].key, s[i].key_len, s[i].line, s[i].col, s[i].value, true, 0, 0);
			continue;
		}
		const struct kg_node *src = s[i].value;
		/* only a sequence written in place is a list of maps; an alias must name a map */
		if (src->type == KG_SEQ && !(src->flags & KG_NODE_ALIASED)) {
			/* go-yaml v2: step backwards, earlier maps take precedence */
			for (uint32_t k = src->len; k-- > 0;)
				if (merge_from(b, &es, src->v.items[k], s[i].line, s[i].col))
					return -1;
		} else if (merge_from(b, &es, src, s[i].line, s[i].col)) {
			return -1;
		}
	}
	n->v.pairs = es.pairs;
	n->len = (uint32_t)es.n;
	return 0;
}

int kg_tree_close(struct kg_tree *b, struct kg_node **out)
{
	struct kg_frame *f = &b->frames[b->nframes - 1];
	struct kg_node *n = kg_tree_scalar(b, f->is_map ? KG_MAP : KG_SEQ, f->line, f->col);
	n->weight = cap_weight(1 + f->w);
	if (f->is_map) {
		if (finish_map(b, f, n))
			return -1;
	} else {
		size_t ns = b->nslots - f->slot_base;
		const struct kg_pair *s = b->slots ? b->slots + f->slot_base : NULL; /* none yet: [] first */
		n->v.items = kg_arena_alloc(b->arena, (ns ? ns : 1) * sizeof(*n->v.items));
		for (size_t i = 0; i < ns; i++)
			n->v.items[i] = s[i].value;
		n->len = (uint32_t)ns;
	}
	b->nslots = f->slot_base;
	b->nframes--;
	*out = n;
	return kg_tree_value(b, n);
}
