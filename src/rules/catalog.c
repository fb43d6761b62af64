/* The catalog: every family's rules, sorted by id once, looked up by binary search. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"
#include "rule.h"

extern const struct kg_family kg_family_core;
extern const struct kg_family kg_family_pss;
extern const struct kg_family kg_family_workload;
extern const struct kg_family kg_family_secrets;
extern const struct kg_family kg_family_apiversions;
extern const struct kg_family kg_family_fieldtypes;
extern const struct kg_family kg_family_rbac;
extern const struct kg_family kg_family_cluster;

const struct kg_family *const kg_families[] = {
	&kg_family_core,
	&kg_family_pss,
	&kg_family_workload,
	&kg_family_secrets,
	&kg_family_apiversions,
	&kg_family_fieldtypes,
	&kg_family_rbac,
	&kg_family_cluster,
	NULL,
};

static const struct kg_rule **sorted;
static size_t nsorted;
/* rule pointer -> sorted position, open addressing (a power of two, at least twice the rules) */
static const struct kg_rule **rank_keys;
static size_t *rank_vals, rank_mask;
static bool *default_off; /* kg_rule_default_off by sorted position */

static size_t rank_slot(const struct kg_rule *rule)
{
	return (size_t)(((uintptr_t)rule >> 3) * 0x9E3779B97F4A7C15ull >> 20) & rank_mask;
}
static pthread_once_t once = PTHREAD_ONCE_INIT;
/* set after build(): the per-finding lookups skip pthread_once (a call each) once it is */
static atomic_bool built;
static void build(void);

static void ensure_built(void)
{
	if (!atomic_load_explicit(&built, memory_order_acquire))
		pthread_once(&once, build);
}

static int cmp_rule(const void *a, const void *b)
{
	const struct kg_rule *const *x = a, *const *y = b;
	return strcmp((*x)->id, (*y)->id);
}

/* Extra rule tables registered by front ends that have no scan family (dockerfile, node, audit). */
extern const struct kg_rule *const kg_extra_rule_tables[];
size_t kg_extra_rule_count(size_t table);

static void build(void)
{
	size_t n = 0;
	for (size_t f = 0; kg_families[f]; f++)
		n += kg_families[f]->nrules;
	for (size_t t = 0; kg_extra_rule_tables[t]; t++)
		n += kg_extra_rule_count(t);
	/* one block: the sorted rules, then their default-off flags */
	sorted = malloc((n ? n : 1) * (sizeof(*sorted) + sizeof(*default_off)));
	if (!sorted)
		abort();
	default_off = (bool *)(sorted + (n ? n : 1));
	for (size_t f = 0; kg_families[f]; f++)
		for (size_t i = 0; i < kg_families[f]->nrules; i++)
			sorted[nsorted++] = &kg_families[f]->rules[i];
	for (size_t t = 0; kg_extra_rule_tables[t]; t++)
		for (size_t i = 0; i < kg_extra_rule_count(t); i++)
			sorted[nsorted++] = &kg_extra_rule_tables[t][i];
	qsort(sorted, nsorted, sizeof(*sorted), cmp_rule);
	for (size_t i = 0; i < nsorted; i++)
		default_off[i] = kg_rule_default_off(sorted[i]);
	size_t cap = 64;
	while (cap < 2 * nsorted)
		cap *= 2;
	rank_mask = cap - 1;
	rank_keys = calloc(cap, sizeof(*rank_keys));
	rank_vals = calloc(cap, sizeof(*rank_vals));
	if (!rank_keys || !rank_vals)
		abort();
	for (size_t i = 0; i < nsorted; i++) {
		size_t h = rank_slot(sorted[i]);
		while (rank_keys[h])
			h = (h + 1) & rank_mask;
		rank_keys[h] = sorted[i];
		rank_vals[h] = i;
	}
	atomic_store_explicit(&built, true, memory_order_release);
}

size_t kg_rule_rank(const struct kg_rule *rule)
{
	ensure_built();
	for (size_t h = rank_slot(rule); rank_keys[h]; h = (h + 1) & rank_mask)
		if (rank_keys[h] == rule)
			return rank_vals[h];
	return (size_t)-1;
}

bool kg_rule_default_off_at(size_t i)
{
	ensure_built();
	return i < nsorted && default_off[i];
}

size_t kg_rule_count(void)
{
	pthread_once(&once, build);
	return nsorted;
}

const struct kg_rule *kg_rule_at(size_t i)
{
	pthread_once(&once, build);
	return i < nsorted ? sorted[i] : NULL;
}

const struct kg_rule *kg_rule_find(const char *id)
{
	pthread_once(&once, build);
	size_t lo = 0, hi = nsorted;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(sorted[mid]->id, id);
		if (!c)
			return sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *kg_rule_family(const char *id, char *buf, size_t size)
{
	const char *dot = strchr(id, '.');
	size_t n = dot ? (size_t)(dot - id) : strlen(id);
	if (n >= size)
		n = size - 1;
	memcpy(buf, id, n);
	buf[n] = '\0';
	return buf;
}
