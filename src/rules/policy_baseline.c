/* Baseline files: fingerprints of accepted findings.
 *
 *   {"kguardBaseline": 1,
 *    "findings": [{"fingerprint": "…16 hex…", "rule": "…", "file": "…", "object": "…", "path": "…"}]}
 *
 * Only the fingerprint is used when reading; the other fields are there for the reviewer. */
#include "../util/fmt.h"
#include "../util/hash.h"
#include "baseline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/load.h"
#include "../util/buf.h"
#include "../util/jsonw.h"

#define BASELINE_MAX_BYTES (64u << 20)

struct slot {
	uint64_t key;
	uint32_t count; /* entries in the baseline; 0 = empty slot */
	uint32_t used;  /* findings of this run matched so far */
};

struct kg_baseline {
	struct slot *slots;
	size_t mask;
};

/* a separator after each string, so that ("ab","c") and ("a","bc") differ */
static uint64_t fnv(uint64_t h, const char *s)
{
	return kg_fnv1a64_byte(kg_fnv1a64_str(h, s), 0xff);
}

static const char *norm_file(const char *f)
{
	while (f && f[0] == '.' && f[1] == '/') {
		f += 2;
		while (*f == '/')
			f++;
	}
	return f;
}

static uint64_t fingerprint(const struct kg_finding *f)
{
	uint64_t h = KG_FNV64_OFFSET;
	h = fnv(h, f->rule_id);
	h = fnv(h, norm_file(f->file));
	h = fnv(h, f->kind);
	h = fnv(h, f->namespace_);
	h = fnv(h, f->name);
	h = fnv(h, f->path);
	h = fnv(h, f->container);
	return h;
}

void kg_finding_fingerprint(const struct kg_finding *f, char out[17])
{
	kg_fmt(out, 17, "%016llx", (unsigned long long)fingerprint(f));
}

static struct slot *find_slot(const struct kg_baseline *b, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 29)) & b->mask;
	while (b->slots[i].count && b->slots[i].key != key)
		i = (i + 1) & b->mask;
	return &b->slots[i];
}

static int read_all(const char *path, struct kg_buf *buf, struct kg_diag *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		kg_diag_set(err, path, 0, 0, "cannot open baseline: %s", strerror(errno));
		return -1;
	}
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (kg_buf_add(buf, chunk, n)) {
			kg_diag_set(err, path, 0, 0, "baseline larger than %u bytes", BASELINE_MAX_BYTES);
			fclose(fp);
			return -1;
		}
	int bad = ferror(fp);
	fclose(fp);
	if (bad) {
		kg_diag_set(err, path, 0, 0, "cannot read baseline");
		return -1;
	}
	return 0;
}

static bool is_hex16(const struct kg_node *n)
{
	if (!n || n->type != KG_STR || n->len != 16)
		return false;
	for (int i = 0; i < 16; i++)
		if (!strchr("0123456789abcdef", n->v.s[i]))
			return false;
	return true;
}

static struct kg_baseline *fail_at(struct kg_diag *err, const char *path, const struct kg_node *n,
				   const char *msg)
{
	kg_diag_set(err, path, n ? n->line : 1, n ? n->col : 1, "%s", msg);
	return NULL;
}

static struct kg_baseline *parse(const char *path, const struct kg_node *root, struct kg_diag *err)
{
	if (!kg_is_map(root))
		return fail_at(err, path, root, "a baseline is a JSON object written by --write-baseline");
	const struct kg_node *list = NULL;
	bool have_version = false;
	for (uint32_t i = 0; i < root->len; i++) {
		const struct kg_pair *p = &root->v.pairs[i];
		int64_t v;
		if (!strcmp(p->key, "kguardBaseline")) {
			if (!kg_as_int(p->value, &v) || v != 1)
				return fail_at(err, path, p->value, "unsupported baseline version (expected 1)");
			have_version = true;
		} else if (!strcmp(p->key, "findings")) {
			list = p->value;
		} else {
			struct kg_node at = { 0 };
			at.line = p->line;
			at.col = p->col;
			kg_diag_set(err, path, at.line, at.col, "unknown key '%s' in the baseline (kguardBaseline, findings)",
				    p->key);
			return NULL;
		}
	}
	if (!have_version)
		return fail_at(err, path, root, "not a kguard baseline: 'kguardBaseline' is missing");
	if (!kg_is_seq(list))
		return fail_at(err, path, list ? list : root, "'findings' must be a list");
	struct kg_baseline *b = calloc(1, sizeof(*b));
	size_t cap = 16;
	while (cap < (size_t)list->len * 2 + 2)
		cap <<= 1;
	b->slots = calloc(cap, sizeof(*b->slots));
	if (!b || !b->slots)
		abort();
	b->mask = cap - 1;
	for (uint32_t i = 0; i < list->len; i++) {
		const struct kg_node *e = list->v.items[i];
		const struct kg_node *fp = kg_map_get(e, "fingerprint");
		if (!is_hex16(fp)) {
			kg_baseline_free(b);
			return fail_at(err, path, fp ? fp : e, "each baseline entry needs a 'fingerprint' of 16 hex digits");
		}
		struct slot *s = find_slot(b, strtoull(fp->v.s, NULL, 16));
		s->key = strtoull(fp->v.s, NULL, 16);
		s->count++;
	}
	return b;
}

struct kg_baseline *kg_baseline_load(const char *path, struct kg_diag *err)
{
	struct kg_buf buf;
	kg_buf_init(&buf, BASELINE_MAX_BYTES);
	if (read_all(path, &buf, err)) {
		kg_buf_release(&buf);
		return NULL;
	}
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.max_doc_bytes = BASELINE_MAX_BYTES;
	struct kg_loader *L = kg_loader_new(&lim);
	struct kg_arena arena;
	kg_arena_init(&arena, 65536);
	const struct kg_node *root;
	struct kg_baseline *b = NULL;
	if (kg_json_parse(L, &arena, buf.data ? buf.data : "", buf.len, &root, err) == 0)
		b = parse(path, root, err);
	else
		err->file = path;
	kg_arena_release(&arena);
	kg_loader_free(L);
	kg_buf_release(&buf);
	return b;
}

void kg_baseline_free(struct kg_baseline *b)
{
	if (!b)
		return;
	free(b->slots);
	free(b);
}

static int keep_new(void *ctx, const struct kg_finding *f)
{
	struct kg_baseline *b = ctx;
	uint64_t key = fingerprint(f);
	struct slot *s = find_slot(b, key);
	if (s->count && s->key == key && s->used < s->count) {
		s->used++;
		return 0;
	}
	return 1;
}

size_t kg_baseline_apply(struct kg_baseline *b, struct kg_report *r)
{
	size_t before = r->nfindings;
	/* sort first so that which of several identical findings is "new" does not depend on order */
	kg_report_sort(r);
	kg_report_filter(r, keep_new, b);
	return before - r->nfindings;
}

int kg_baseline_write(const char *path, struct kg_report *r, struct kg_diag *err)
{
	struct kg_buf buf;
	struct kg_jw w;
	kg_buf_init(&buf, 0);
	kg_jw_init(&w, &buf, true);
	kg_report_sort(r);
	kg_jw_obj(&w);
	kg_jw_kint(&w, "kguardBaseline", 1);
	kg_jw_key(&w, "findings");
	kg_jw_arr(&w);
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct kg_finding *f = &r->findings[i];
		char fp[17], obj[512];
		kg_finding_fingerprint(f, fp);
		kg_fmt(obj, sizeof(obj), "%s %s%s%s", f->kind ? f->kind : "-", f->namespace_ ? f->namespace_ : "",
			 f->namespace_ ? "/" : "", f->name ? f->name : "");
		kg_jw_obj(&w);
		kg_jw_kstr(&w, "fingerprint", fp);
		kg_jw_kstr(&w, "rule", f->rule_id);
		kg_jw_kstr(&w, "file", norm_file(f->file));
		if (f->kind)
			kg_jw_kstr(&w, "object", obj);
		if (f->path)
			kg_jw_kstr(&w, "path", f->path);
		if (f->container)
			kg_jw_kstr(&w, "container", f->container);
		kg_jw_obj_end(&w);
	}
	kg_jw_arr_end(&w);
	kg_jw_obj_end(&w);
	kg_buf_addc(&buf, '\n');
	int rc = 0;
	FILE *fp = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!fp) {
		kg_diag_set(err, path, 0, 0, "cannot write baseline: %s", strerror(errno));
		rc = -1;
	} else {
		fwrite(buf.data, 1, buf.len, fp);
		if ((fp != stdout ? fclose(fp) : fflush(fp)) != 0 || w.failed) {
			kg_diag_set(err, path, 0, 0, "cannot write baseline: %s", strerror(errno));
			rc = -1;
		}
	}
	kg_buf_release(&buf);
	return rc;
}
