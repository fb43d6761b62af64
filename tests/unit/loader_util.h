/* Test helpers for the loader tests: load a buffer and turn every delivered document into a
 * compact JSON-like text (keys in document order; floats as %.17g; UINT ints with a 'u' suffix,
 * big integers with a 'b' suffix), every error into "LINE:COL: message", every duplicate key
 * into "dup PATH L:C->L:C [merge]". Results go into one static struct (tests run one at a time). */
#ifndef KG_LOADER_UTIL_H
#define KG_LOADER_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/load.h"
#include "util/buf.h"

#define LU_MAX 64

struct lu_result {
	int ndocs, nerrs, ndups, rc;
	char docs[LU_MAX][2048];
	unsigned doc_line[LU_MAX], doc_index[LU_MAX];
	char errs[LU_MAX][600];
	char dups[LU_MAX][300];
	const struct kg_node *root[LU_MAX]; /* valid only inside keep_roots callbacks */
};

static struct lu_result lu;

static __attribute__((unused)) void lu_cat(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static __attribute__((unused)) void lu_cat(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	if (n + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

static __attribute__((unused)) void lu_str(char *buf, size_t size, const char *s, size_t len)
{
	lu_cat(buf, size, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			lu_cat(buf, size, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			lu_cat(buf, size, "\\x%02x", c);
		else
			lu_cat(buf, size, "%c", c);
	}
	lu_cat(buf, size, "\"");
}

static __attribute__((unused)) void lu_dump(char *buf, size_t size, const struct kg_node *n)
{
	switch (n->type) {
	case KG_NULL: lu_cat(buf, size, "null"); break;
	case KG_BOOL: lu_cat(buf, size, "%s", n->v.b ? "true" : "false"); break;
	case KG_INT:
		if (n->flags & KG_NODE_UINT)
			lu_cat(buf, size, "%lluu", (unsigned long long)n->v.u);
		else
			lu_cat(buf, size, "%lld", (long long)n->v.i);
		break;
	case KG_FLOAT:
		lu_cat(buf, size, "%.17g%s", n->v.f, (n->flags & KG_NODE_BIGINT) ? "b" : "f");
		break;
	case KG_STR: lu_str(buf, size, n->v.s, n->len); break;
	case KG_MAP:
		lu_cat(buf, size, "{");
		for (uint32_t i = 0; i < n->len; i++) {
			if (i)
				lu_cat(buf, size, ",");
			lu_str(buf, size, n->v.pairs[i].key, n->v.pairs[i].key_len);
			lu_cat(buf, size, ":");
			lu_dump(buf, size, n->v.pairs[i].value);
		}
		lu_cat(buf, size, "}");
		break;
	case KG_SEQ:
		lu_cat(buf, size, "[");
		for (uint32_t i = 0; i < n->len; i++) {
			if (i)
				lu_cat(buf, size, ",");
			lu_dump(buf, size, n->v.items[i]);
		}
		lu_cat(buf, size, "]");
		break;
	}
}

/* Optional per-document hook for tests that look at nodes (positions, flags). */
static void (*lu_on_doc)(const struct kg_doc *d);

static __attribute__((unused)) int lu_doc(void *ctx, const struct kg_doc *d)
{
	(void)ctx;
	if (lu.ndocs >= LU_MAX)
		return 0;
	lu.docs[lu.ndocs][0] = '\0';
	lu_dump(lu.docs[lu.ndocs], sizeof(lu.docs[0]), d->root);
	lu.doc_line[lu.ndocs] = d->line;
	lu.doc_index[lu.ndocs] = d->index;
	for (unsigned i = 0; i < d->ndups && lu.ndups < LU_MAX; i++) {
		const struct kg_dupkey *k = &d->dups[i];
		snprintf(lu.dups[lu.ndups++], sizeof(lu.dups[0]), "dup %s %u:%u->%u:%u%s", k->path, k->first_line,
			 k->first_col, k->second_line, k->second_col, k->by_merge ? " merge" : "");
	}
	if (lu_on_doc)
		lu_on_doc(d);
	lu.ndocs++;
	return 0;
}

static __attribute__((unused)) void lu_err(void *ctx, const struct kg_diag *d)
{
	(void)ctx;
	if (lu.nerrs >= LU_MAX)
		return;
	snprintf(lu.errs[lu.nerrs++], sizeof(lu.errs[0]), "%s:%u:%u: %s", d->file ? d->file : "?", d->line,
		 d->col, d->message);
}

static const struct kg_load_sink lu_sink = { NULL, lu_doc, lu_err };

static __attribute__((unused)) void lu_reset(void)
{
	memset(&lu, 0, sizeof(lu));
}

/* Load len bytes of buf (kg_loader_buffer, display name "t") with default or given limits. */
static __attribute__((unused)) int lu_load_lim(const char *buf, size_t len, const struct kg_load_limits *lim)
{
	lu_reset();
	struct kg_loader *L = kg_loader_new(lim);
	lu.rc = kg_loader_buffer(L, "t", buf, len, &lu_sink);
	kg_loader_free(L);
	return lu.rc;
}

static __attribute__((unused)) int lu_load(const char *s)
{
	return lu_load_lim(s, strlen(s), NULL);
}

/* The same through kg_loader_file on a temporary file (the streaming path). */
static __attribute__((unused)) int lu_load_file(const char *buf, size_t len)
{
	lu_reset();
	FILE *fp = tmpfile();
	if (!fp)
		return -100;
	if (len && fwrite(buf, 1, len, fp) != len)
		return -101;
	rewind(fp);
	struct kg_loader *L = kg_loader_new(NULL);
	lu.rc = kg_loader_file(L, "t", fp, &lu_sink);
	kg_loader_free(L);
	fclose(fp);
	return lu.rc;
}

/* The one document of a YAML text, or "" (with CHECKs on counts left to the caller). */
static __attribute__((unused)) const char *lu_one(const char *yaml)
{
	lu_load(yaml);
	return lu.ndocs == 1 ? lu.docs[0] : "";
}

#endif
