/* Bounded per-user authorization-failure counters (see burst.h). */
#include <stdlib.h>
#include <string.h>

#include "burst.h"

#include "../util/hash.h"

void kg_burst_init(struct kg_field_state *st, uint32_t capacity, uint64_t window_ns, uint64_t seed)
{
	uint32_t cap = 16;
	while (cap < capacity && cap < (1u << 24))
		cap <<= 1;
	memset(st, 0, sizeof(*st));
	st->tab = calloc(cap, sizeof(*st->tab));
	if (!st->tab)
		abort();
	st->mask = cap - 1;
	st->window_ns = window_ns;
	st->seed = seed | 1;
}

void kg_burst_release(struct kg_field_state *st)
{
	free(st->tab);
	memset(st, 0, sizeof(*st));
}

uint64_t kg_field_state_authz_failures(const struct kg_field_state *st)
{
	return st->current;
}

/* FNV-1a over the name, mixed with the per-process seed (splitmix64 finaliser). */
static uint64_t hash_name(const char *s, size_t n, uint64_t seed)
{
	uint64_t h = kg_fnv1a64(KG_FNV64_OFFSET ^ seed, s, n);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h ? h : 1;
}

static const char *str_at(const struct kg_node *n, const char *a, const char *b)
{
	n = kg_map_get(n, a);
	if (b)
		n = kg_map_get(n, b);
	return kg_str(n);
}

static bool expired(const struct kg_field_state *st, const struct kg_burst_entry *e, uint64_t ts)
{
	return e->count == 0 || (ts > e->window_start && ts - e->window_start >= st->window_ns);
}

void kg_burst_observe(struct kg_field_state *st, const struct kg_node *ev, uint64_t ts)
{
	st->current = 0;
	const struct kg_node *user = kg_map_get(kg_map_get(ev, "user"), "username");
	if (!user || user->type != KG_STR)
		return;
	const char *stage = str_at(ev, "stage", NULL);
	const char *decision = str_at(ev, "annotations", "authorization.k8s.io/decision");
	int64_t code = 0;
	kg_as_int(kg_map_get(kg_map_get(ev, "responseStatus"), "code"), &code);
	bool failure = stage && !strcmp(stage, "ResponseComplete") &&
		       (code == 403 || (decision && !strcmp(decision, "forbid")));
	uint64_t key = hash_name(user->v.s, user->len, st->seed);
	struct kg_burst_entry *hit = NULL, *victim = NULL;
	for (uint32_t p = 0; p < 8; p++) {
		struct kg_burst_entry *e = &st->tab[(key + p) & st->mask];
		if (e->key == key) {
			hit = e;
			break;
		}
		if (!e->key || expired(st, e, ts)) {
			if (!victim || victim->key)
				victim = e;
			continue;
		}
		if (!victim || (victim->key && e->last_seen < victim->last_seen))
			victim = e;
	}
	if (!hit) {
		if (!failure)
			return; /* only users with failures take a place */
		if (victim->key && !expired(st, victim, ts))
			st->evictions++;
		if (!victim->key)
			st->users++;
		memset(victim, 0, sizeof(*victim));
		victim->key = key;
		hit = victim;
	}
	hit->last_seen = ts;
	if (failure) {
		if (expired(st, hit, ts)) {
			hit->window_start = ts;
			hit->count = 0;
		}
		hit->count++;
	}
	st->current = expired(st, hit, ts) ? 0 : hit->count;
}
