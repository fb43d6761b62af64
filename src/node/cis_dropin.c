/* The kubelet's --config-dir: KubeletConfiguration drop-ins merged over the --config file, as
 * the kubelet does it (cmd/kubelet/app/server.go, mergeKubeletConfigurations): the directory is
 * walked with filepath.WalkDir (entries sorted by name, byte-wise, subdirectories visited at
 * their place), every non-directory whose extension is ".conf" is decoded and applied with
 * jsonpatch.MergePatch (RFC 7386) over the result so far, and the outcome is unmarshalled into
 * the configuration already loaded from --config. So: maps merge key by key, scalars and lists
 * are replaced whole, and a null (which the merge patch deletes) leaves the value the main file
 * gave. Flags are applied after all of this by the kubelet, and by the checks' lookup order.
 *
 * The merged tree shares the drop-ins' nodes; kg_cis_comp.origins records which file put each
 * one there, so a finding points at the drop-in line that set the value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cis_priv.h"

static void record(struct kg_cis_run *run, struct kg_cis_comp *c, const struct kg_node *n, const char *file)
{
	c->origins = kg_cis_grow(&run->arena, c->origins, &c->aorigins, c->norigins + 1, sizeof(*c->origins));
	c->origins[c->norigins++] = (struct kg_cis_origin){ n, file };
}

static const char *origin_of(const struct kg_cis_comp *c, const struct kg_node *n, const char *inherited)
{
	for (size_t i = c->norigins; i-- > 0;)
		if (c->origins[i].node == n)
			return c->origins[i].file;
	return inherited;
}

const struct kg_node *kg_cis_config_at(const struct kg_cis_comp *c, const char *dotted, bool nearest, const char **file)
{
	const struct kg_node *n = c->config;
	const char *f = n ? origin_of(c, n, c->config_file) : c->config_file;
	char key[256];
	while (n && *dotted) {
		const char *dot = strchr(dotted, '.');
		size_t len = dot ? (size_t)(dot - dotted) : strlen(dotted);
		const struct kg_node *next = NULL;
		if (len < sizeof(key)) {
			memcpy(key, dotted, len);
			key[len] = '\0';
			next = kg_map_get(n, key);
		}
		if (!next) {
			if (!nearest)
				n = NULL;
			break;
		}
		n = next;
		f = origin_of(c, n, f);
		dotted += len + (dot ? 1 : 0);
	}
	if (file)
		*file = f;
	return n;
}

/* --- RFC 7386 merge --- */

struct merge {
	struct kg_cis_run *run;
	struct kg_cis_comp *c;
	const char *file;      /* the drop-in being applied */
	const char *main_file; /* the --config file, whose values a null restores */
};

struct kidx {
	const char *key;
	uint32_t len, i;
};

static int kidx_cmp(const void *a, const void *b)
{
	const struct kidx *x = a, *y = b;
	int r = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
	return r ? r : (x->len > y->len) - (x->len < y->len);
}

static const struct kg_pair *pair_of(const struct kg_node *map, const struct kg_pair *like)
{
	if (!kg_is_map(map))
		return NULL;
	for (uint32_t i = 0; i < map->len; i++)
		if (map->v.pairs[i].key_len == like->key_len && !memcmp(map->v.pairs[i].key, like->key, like->key_len))
			return &map->v.pairs[i];
	return NULL;
}

/* patch applied over target (NULL: absent); eff is the file target's value came from, main the
 * node at the same path in the --config file (or NULL). */
static const struct kg_node *merge(struct merge *m, const struct kg_node *target, const char *eff,
				   const struct kg_node *patch, const struct kg_node *main_n)
{
	struct kg_arena *a = &m->run->arena;
	if (patch->type != KG_MAP) {
		record(m->run, m->c, patch, m->file);
		return patch;
	}
	const struct kg_node *base = kg_is_map(target) ? target : NULL;
	const char *beff = base ? origin_of(m->c, base, eff) : m->file;
	size_t nbase = base ? base->len : 0, cap = nbase + patch->len, n = nbase;
	struct kg_pair *pairs = kg_arena_alloc(a, (cap ? cap : 1) * sizeof(*pairs));
	bool *gone = kg_arena_zalloc(a, cap ? cap : 1);
	struct kidx *idx = kg_arena_alloc(a, (nbase ? nbase : 1) * sizeof(*idx));
	for (size_t i = 0; i < nbase; i++) {
		pairs[i] = base->v.pairs[i];
		idx[i] = (struct kidx){ pairs[i].key, pairs[i].key_len, (uint32_t)i };
	}
	if (nbase > 1)
		qsort(idx, nbase, sizeof(*idx), kidx_cmp);
	for (uint32_t k = 0; k < patch->len; k++) {
		const struct kg_pair *p = &patch->v.pairs[k];
		struct kidx want = { p->key, p->key_len, 0 };
		const struct kidx *hit = nbase ? bsearch(&want, idx, nbase, sizeof(*idx), kidx_cmp) : NULL;
		const struct kg_pair *mp = pair_of(main_n, p);
		struct kg_pair np = *p;
		if (p->value->type == KG_NULL) {
			if (!mp) { /* the merge patch deletes it: the kubelet keeps its default */
				if (hit)
					gone[hit->i] = true;
				continue;
			}
			np = *mp; /* deleted from the merged JSON: the field keeps the main file's value */
			record(m->run, m->c, mp->value, m->main_file);
		} else {
			/* kg_pair holds a mutable pointer; nothing writes through it after loading */
			np.value = (struct kg_node *)(uintptr_t)merge(m, hit ? pairs[hit->i].value : NULL, beff, p->value,
								      mp ? mp->value : NULL);
		}
		if (hit)
			pairs[hit->i] = np;
		else
			pairs[n++] = np;
	}
	size_t out = 0;
	for (size_t i = 0; i < n; i++)
		if (!gone[i])
			pairs[out++] = pairs[i];
	struct kg_node *r = kg_arena_zalloc(a, sizeof(*r));
	r->type = KG_MAP;
	r->line = base ? base->line : patch->line;
	r->col = base ? base->col : patch->col;
	r->len = (uint32_t)out;
	r->v.pairs = pairs;
	record(m->run, m->c, r, beff);
	return r;
}

/* --- the directory --- */

struct found {
	struct kg_cis_run *run;
	const char **v;
	size_t n, alloc;
	bool too_many;
};

static void on_entry(void *ctx, const char *np, const struct stat *st)
{
	struct found *f = ctx;
	const char *base = strrchr(np, '/'), *dot;
	base = base ? base + 1 : np;
	dot = strrchr(base, '.');
	if (S_ISDIR(st->st_mode) || !dot || strcmp(dot, ".conf")) /* filepath.Ext(name) == ".conf" */
		return;
	if (f->n >= KG_CIS_MAX_DROPINS) {
		f->too_many = true;
		return;
	}
	f->v = kg_cis_grow(&f->run->arena, (void *)f->v, &f->alloc, f->n + 1, sizeof(*f->v));
	f->v[f->n++] = np;
}

void kg_cis_load_dropins(struct kg_cis_run *run, struct kg_cis_comp *c, const struct kg_cis_flag *f)
{
	const char *dir = kg_cis_abs(run, f->value);
	struct stat st;
	if (kg_cis_stat(run, dir, &st) != 0) {
		kg_cis_error(run, f->at.file, f->at.line, f->at.col, "--config-dir points to %s, which does not exist",
			     kg_cis_display(run, dir));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		kg_cis_error(run, f->at.file, f->at.line, f->at.col, "--config-dir points to %s, which is not a directory",
			     kg_cis_display(run, dir));
		return;
	}
	struct found fd = { run, NULL, 0, 0, false };
	kg_cis_walk(run, dir, false, on_entry, &fd);
	if (fd.too_many)
		kg_cis_error(run, kg_cis_display(run, dir), 0, 0, "more than %u drop-in files; the rest are not read",
			     KG_CIS_MAX_DROPINS);
	c->dropins = fd.v;
	c->ndropins = fd.n;
	const struct kg_node *main_cfg = c->config;
	for (size_t i = 0; i < fd.n; i++) {
		const char *disp = kg_cis_display(run, fd.v[i]);
		if (kg_cis_stat(run, fd.v[i], &st) == 0 && !S_ISREG(st.st_mode)) {
			kg_cis_error(run, disp, 0, 0, "not a regular file (the kubelet reads every *.conf entry of --config-dir)");
			continue;
		}
		const struct kg_node *root = kg_cis_load_config(run, fd.v[i], "KubeletConfiguration", NULL, NULL);
		if (!root)
			continue;
		const char *missing = !kg_map_get(root, "apiVersion") ? "apiVersion" : !kg_map_get(root, "kind") ? "kind" : NULL;
		if (missing) {
			kg_cis_error(run, disp, root->line, root->col,
				     "drop-in without %s: the kubelet decodes each drop-in on its own and refuses it", missing);
			continue;
		}
		struct merge m = { run, c, disp, c->config_file };
		c->config = merge(&m, c->config, c->config_file, root, main_cfg);
	}
}
