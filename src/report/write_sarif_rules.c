/* The rules of a SARIF run: which rules have findings (tool.driver.rules lists only those, sorted
 * by id) and their reportingDescriptors, from the catalog or, for a rule it does not know, from
 * the rule's first finding. See write_sarif.c for the decisions. */
#include <stdlib.h>
#include <string.h>

#include "../rules/rule.h"
#include "../util/hash.h"
#include "write_priv.h"
#include "write_sarif.h"

#define PTR_SLOTS 64 /* id pointer cache */

static const char *security_severity(enum kg_severity s)
{
	switch (s) {
	case KG_SEV_CRITICAL: return "9.5";
	case KG_SEV_HIGH: return "8.0";
	case KG_SEV_MEDIUM: return "5.5";
	case KG_SEV_LOW: return "2.0";
	default: return NULL;
	}
}

/* --- rules present in the run ------------------------------------------------------------- */

static int cmp_rule_id(const void *pa, const void *pb)
{
	const struct kg_sarif_rule *const *a = pa, *const *b = pb;
	return strcmp((*a)->id, (*b)->id);
}

static size_t str_slot(const char *id, size_t mask)
{
	uint64_t h = kg_fnv1a64_str(KG_FNV64_OFFSET, id);
	return (size_t)(h ^ (h >> 31)) & mask;
}

static size_t ptr_slot(const void *p)
{
	return (size_t)(((uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15u) >> 58) & (PTR_SLOTS - 1);
}

/* Put id's entries in a table of (entry + 1) of the given power-of-two size. */
static void id_table_fill(const struct kg_sarif *s, uint32_t *table, size_t size)
{
	for (size_t e = 0; e < s->nrules; e++) {
		size_t h = str_slot(s->rules[e].id, size - 1);
		while (table[h])
			h = (h + 1) & (size - 1);
		table[h] = (uint32_t)e + 1;
	}
}

/* The rule entry of every finding, in one pass: ids are looked up by pointer (findings share a
 * few, mostly the catalog's), then by text; entries are made in report order, so an entry's
 * first finding is its first in the report. Then the entries are sorted by id. */
int kg_sarif_collect_rules(struct kg_sarif *s, const struct kg_report *r)
{
	size_t n = r->nfindings, size = 64, alloc = 0;
	struct {
		const char *id;
		uint32_t e;
	} cache[PTR_SLOTS];
	uint32_t *table = NULL;
	int rc = -1;
	if (!n)
		return 0;
	memset(cache, 0, sizeof(cache));
	s->rule_of = malloc(n * sizeof(*s->rule_of));
	table = calloc(size, sizeof(*table));
	if (!s->rule_of || !table)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct kg_finding *f = &r->findings[i];
		const char *id = f->rule_id ? f->rule_id : "";
		size_t c = ptr_slot(id);
		if (cache[c].id != id) {
			size_t h = str_slot(id, size - 1);
			while (table[h] && strcmp(s->rules[table[h] - 1].id, id))
				h = (h + 1) & (size - 1);
			uint32_t e = table[h];
			if (!e) {
				if (s->nrules == alloc) {
					size_t na = alloc ? 2 * alloc : 64;
					struct kg_sarif_rule *nr = realloc(s->rules, na * sizeof(*nr));
					if (!nr)
						goto out;
					s->rules = nr;
					alloc = na;
				}
				struct kg_sarif_rule *sr = &s->rules[s->nrules];
				memset(sr, 0, sizeof(*sr));
				sr->id = id;
				sr->rule = f->rule ? f->rule : kg_rule_find(id);
				sr->first = f;
				sr->max = f->severity;
				e = table[h] = (uint32_t)++s->nrules;
				if (2 * s->nrules > size) { /* keep the table at most half full */
					free(table);
					size *= 2;
					table = calloc(size, sizeof(*table));
					if (!table)
						goto out;
					id_table_fill(s, table, size);
				}
			}
			cache[c].id = id;
			cache[c].e = e - 1;
		}
		struct kg_sarif_rule *sr = &s->rules[cache[c].e];
		if (f->severity > sr->max)
			sr->max = f->severity;
		s->rule_of[i] = cache[c].e;
	}
	s->by_id = malloc(s->nrules * sizeof(*s->by_id));
	if (!s->by_id)
		goto out;
	for (size_t e = 0; e < s->nrules; e++)
		s->by_id[e] = &s->rules[e];
	qsort(s->by_id, s->nrules, sizeof(*s->by_id), cmp_rule_id);
	for (size_t e = 0; e < s->nrules; e++)
		s->by_id[e]->index = e;
	rc = 0;
out:
	free(table);
	return rc;
}

/* "yaml.duplicate-key" -> "YamlDuplicateKey"; digits keep a '_' between numbers ("Cis1_2_6"). */
static void rule_name(struct kg_buf *b, const char *id)
{
	bool upper = true;
	for (const char *p = id; *p; p++) {
		char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			kg_buf_addc(b, upper && c >= 'a' ? (char)(c - 'a' + 'A') : c);
			upper = false;
		} else if (c >= '0' && c <= '9') {
			if (upper && b->len && b->data[b->len - 1] >= '0' && b->data[b->len - 1] <= '9')
				kg_buf_addc(b, '_');
			kg_buf_addc(b, c);
			upper = false;
		} else {
			upper = true;
		}
	}
}

/* The first reference that is an absolute http(s) URL, copied into tmp. */
static const char *first_url(struct kg_sarif *s, const char *refs)
{
	const char *p = refs;
	while (p && *p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n && (!strncmp(p, "https://", 8) || !strncmp(p, "http://", 7))) {
			kg_buf_reset(&s->tmp);
			kg_buf_add(&s->tmp, p, n);
			return s->tmp.data;
		}
		p += n;
	}
	return NULL;
}

static void help(struct kg_sarif *s, const struct kg_rule *rule)
{
	struct kg_jw *w = &s->w;
	struct kg_buf text = KG_BUF_INIT, md = KG_BUF_INIT;
	const char *desc = kg_sarif_nonempty(rule->description) ? rule->description : rule->title;
	kg_buf_printf(&text, "%s", desc ? desc : "");
	kg_buf_printf(&md, "**%s**\n\n%s", rule->title ? rule->title : rule->id, desc ? desc : "");
	if (kg_sarif_nonempty(rule->remediation)) {
		kg_buf_printf(&text, "\n\nFix: %s", rule->remediation);
		kg_buf_printf(&md, "\n\n**Fix:** %s", rule->remediation);
	}
	if (kg_sarif_nonempty(rule->references)) {
		kg_buf_adds(&text, "\n\nReferences:");
		kg_buf_adds(&md, "\n\n**References:**\n");
		for (const char *p = rule->references; *p;) {
			while (*p == ' ')
				p++;
			size_t n = strcspn(p, " ");
			if (n) {
				kg_buf_printf(&text, "\n- %.*s", (int)n, p);
				kg_buf_printf(&md, "\n- <%.*s>", (int)n, p);
			}
			p += n;
		}
	}
	kg_jw_key(w, "help");
	kg_jw_obj(w);
	kg_jw_kstr(w, "text", text.data ? text.data : "");
	kg_jw_kstr(w, "markdown", md.data ? md.data : "");
	kg_jw_obj_end(w);
	kg_buf_release(&text);
	kg_buf_release(&md);
}

void kg_sarif_rule_descriptor(struct kg_sarif *s, const struct kg_sarif_rule *sr)
{
	struct kg_jw *w = &s->w;
	const struct kg_rule *rule = sr->rule;
	struct kg_buf name = KG_BUF_INIT, family = KG_BUF_INIT;
	rule_name(&name, sr->id);
	kg_write_family(&family, sr->id);
	kg_jw_obj(w);
	kg_jw_kstr(w, "id", sr->id);
	kg_jw_kstr(w, "name", name.data ? name.data : "Rule");
	const char *title = rule && kg_sarif_nonempty(rule->title) ? rule->title
			    : kg_sarif_nonempty(sr->first->title) ? sr->first->title : sr->id;
	kg_sarif_text(w, "shortDescription", title);
	if (rule) {
		kg_sarif_text(w, "fullDescription", kg_sarif_nonempty(rule->description) ? rule->description : title);
		help(s, rule);
		const char *url = first_url(s, rule->references);
		if (url)
			kg_jw_kstr(w, "helpUri", url);
	} else {
		kg_sarif_text(w, "fullDescription", title);
	}
	kg_jw_key(w, "defaultConfiguration");
	kg_jw_obj(w);
	kg_jw_kstr(w, "level", kg_sarif_level(rule ? rule->severity : sr->max));
	kg_jw_obj_end(w);
	kg_jw_key(w, "properties");
	kg_jw_obj(w);
	kg_jw_key(w, "tags");
	kg_jw_arr(w);
	kg_jw_str(w, "security");
	if (rule && kg_sarif_nonempty(rule->category))
		kg_jw_str(w, rule->category);
	if (family.data && *family.data && !(rule && rule->category && !strcmp(rule->category, family.data)))
		kg_jw_str(w, family.data);
	kg_jw_arr_end(w);
	kg_jw_kstr(w, "precision", "high");
	const char *ss = security_severity(sr->max);
	if (ss)
		kg_jw_kstr(w, "security-severity", ss);
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
	kg_buf_release(&name);
	kg_buf_release(&family);
}
