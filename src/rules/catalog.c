/* The catalog: every family's rules, sorted by id once, looked up by binary search. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"
#include "rule.h"

extern const struct kg_family kg_family_core;
extern const struct kg_family kg_family_pss;
extern const struct kg_family kg_family_workload;
extern const struct kg_family kg_family_secrets;
extern const struct kg_family kg_family_apiversions;
extern const struct kg_family kg_family_rbac;
extern const struct kg_family kg_family_cluster;

const struct kg_family *const kg_families[] = {
	&kg_family_core,
	&kg_family_pss,
	&kg_family_workload,
	&kg_family_secrets,
	&kg_family_apiversions,
	&kg_family_rbac,
	&kg_family_cluster,
	NULL,
};

static const struct kg_rule **sorted;
static size_t nsorted;
static pthread_once_t once = PTHREAD_ONCE_INIT;

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
	sorted = malloc((n ? n : 1) * sizeof(*sorted));
	if (!sorted)
		abort();
	for (size_t f = 0; kg_families[f]; f++)
		for (size_t i = 0; i < kg_families[f]->nrules; i++)
			sorted[nsorted++] = &kg_families[f]->rules[i];
	for (size_t t = 0; kg_extra_rule_tables[t]; t++)
		for (size_t i = 0; i < kg_extra_rule_count(t); i++)
			sorted[nsorted++] = &kg_extra_rule_tables[t][i];
	qsort(sorted, nsorted, sizeof(*sorted), cmp_rule);
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
