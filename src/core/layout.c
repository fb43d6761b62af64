/* Helm charts and Kustomize patches in a directory walk (layout.h). */
#include "layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/walk.h"
#include "load.h"

#define PATH_CAP 4096

struct chart {
	char *dir;      /* walker-spelled folder of Chart.yaml */
	char *prefix;   /* cleaned "dir/templates/" */
	size_t prefix_len;
	bool noted;
};

struct patch {
	char *path;     /* cleaned */
	char *by;       /* walker-spelled kustomization file */
	bool component; /* named by a Component (built only as part of an overlay) */
};

struct kg_layout {
	struct chart *charts;
	size_t ncharts, acharts;
	struct patch *patches;
	size_t npatches, apatches;
	bool sorted;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q)
		abort();
	return q;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

struct kg_layout *kg_layout_new(void)
{
	struct kg_layout *l = calloc(1, sizeof(*l));
	if (!l)
		abort();
	return l;
}

void kg_layout_free(struct kg_layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->ncharts; i++) {
		free(l->charts[i].dir);
		free(l->charts[i].prefix);
	}
	for (size_t i = 0; i < l->npatches; i++) {
		free(l->patches[i].path);
		free(l->patches[i].by);
	}
	free(l->charts);
	free(l->patches);
	free(l);
}

size_t kg_layout_clean_path(const char *path, char *out, size_t size)
{
	size_t n = 0, keep = 0; /* keep: length of the part ".." may not fold (root, leading ".."s) */
	if (!size)
		return (size_t)-1;
	if (*path == '/') {
		out[n++] = '/';
		keep = 1;
	}
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - p);
		if (len == 0 || (len == 1 && p[0] == '.')) {
			p = e;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.' && n == 1 && out[0] == '/') {
			p = e; /* "/.." is "/" */
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.' && n > keep) {
			/* drop the last component */
			while (n > keep && out[n - 1] != '/')
				n--;
			if (n > keep)
				n--; /* its slash */
			p = e;
			continue;
		}
		size_t need = n + (n && out[n - 1] != '/') + len + 1;
		if (need > size)
			return (size_t)-1;
		if (n && out[n - 1] != '/')
			out[n++] = '/';
		memcpy(out + n, p, len);
		n += len;
		if (len == 2 && p[0] == '.' && p[1] == '.')
			keep = n; /* a leading "..": later ones stack on it */
		p = e;
	}
	out[n] = '\0';
	return n;
}

/* dir/name (name itself when absolute), cleaned; false when too long. */
static bool join_clean(const char *dir, const char *name, char *out, size_t size)
{
	char tmp[PATH_CAP];
	if (name[0] != '/' && kg_walk_child(dir, name, tmp, sizeof(tmp)) == (size_t)-1)
		return false;
	return kg_layout_clean_path(name[0] == '/' ? name : tmp, out, size) != (size_t)-1;
}

static void add_chart(struct kg_layout *l, const char *dir)
{
	char clean[PATH_CAP];
	if (!join_clean(dir, "templates/", clean, sizeof(clean) - 1))
		return;
	size_t n = strlen(clean);
	clean[n++] = '/'; /* (clean-up drops the trailing slash) */
	clean[n] = '\0';
	if (l->ncharts == l->acharts) {
		l->acharts = l->acharts ? l->acharts * 2 : 8;
		l->charts = xrealloc(l->charts, l->acharts * sizeof(*l->charts));
	}
	l->charts[l->ncharts++] = (struct chart){ xstrdup(dir), xstrdup(clean), n, false };
}

static void add_patch(struct kg_layout *l, const char *kdir, const char *kfile, bool component,
		      const char *rel)
{
	char clean[PATH_CAP];
	if (!join_clean(kdir, rel, clean, sizeof(clean)))
		return;
	if (l->npatches == l->apatches) {
		l->apatches = l->apatches ? l->apatches * 2 : 8;
		l->patches = xrealloc(l->patches, l->apatches * sizeof(*l->patches));
	}
	l->patches[l->npatches++] = (struct patch){ xstrdup(clean), xstrdup(kfile), component };
	l->sorted = false;
}

/* A patchesStrategicMerge entry is a file name or an inline patch (kustomize tries the file
 * first); an inline patch spans lines or is a YAML/JSON mapping on one line. */
static bool names_file(const char *s)
{
	return s && *s && !strchr(s, '\n') && *s != '{' && !strstr(s, ": ");
}

struct kustomization_read {
	struct kg_layout *l;
	const char *kdir, *kfile;
};

/* The files a kustomization (or component) names as patches. */
static int on_kustomization(void *ctx, const struct kg_doc *doc)
{
	struct kustomization_read *k = ctx;
	const struct kg_node *root = doc->root;
	if (!kg_is_map(root))
		return 1;
	const char *kind = kg_str(kg_map_get(root, "kind"));
	bool component = kind && !strcmp(kind, "Component");
	const struct kg_node *smp = kg_map_get(root, "patchesStrategicMerge");
	for (uint32_t i = 0; kg_is_seq(smp) && i < smp->len; i++) {
		const char *s = kg_str(smp->v.items[i]);
		if (names_file(s))
			add_patch(k->l, k->kdir, k->kfile, component, s);
	}
	static const char *const with_path[] = { "patches", "patchesJson6902" };
	for (size_t f = 0; f < 2; f++) {
		const struct kg_node *list = kg_map_get(root, with_path[f]);
		for (uint32_t i = 0; kg_is_seq(list) && i < list->len; i++) {
			const char *s = kg_str(kg_map_get(list->v.items[i], "path"));
			if (s && *s)
				add_patch(k->l, k->kdir, k->kfile, component, s);
		}
	}
	return 1; /* a kustomization is one document */
}

static void ignore_error(void *ctx, const struct kg_diag *d)
{
	(void)ctx;
	(void)d;
}

/* The folder part of a walker-spelled file path ("." for a bare name); false when too long. */
static bool dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return (size_t)snprintf(dir, size, ".") < size;
	size_t dl = slash == path ? 1 : (size_t)(slash - path); /* "/k.yaml": the root */
	if (dl >= size)
		return false;
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	return true;
}

void kg_layout_add_kustomization(struct kg_layout *l, struct kg_loader *loader, const char *kfile,
				 const char *text, size_t len)
{
	char dir[PATH_CAP];
	if (!dir_of(kfile, dir, sizeof(dir)))
		return;
	struct kustomization_read k = { l, dir, kfile };
	struct kg_load_sink sink = { &k, on_kustomization, ignore_error };
	kg_loader_buffer(loader, kfile, text, len, &sink);
}

static bool is_kustomization(const char *base)
{
	return !strcmp(base, "kustomization.yaml") || !strcmp(base, "kustomization.yml") ||
	       !strcmp(base, "Kustomization");
}

void kg_layout_enter(struct kg_layout *l, struct kg_loader *loader, const char *dir,
		     const char *const *names, const unsigned char *types, size_t n)
{
	char file[PATH_CAP];
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], "Chart.yaml")) {
			add_chart(l, dir);
		} else if (is_kustomization(names[i]) &&
			   kg_walk_child(dir, names[i], file, sizeof(file)) != (size_t)-1) {
			/* (unreadable, or not a regular file: the walk reports it if it reads it) */
			struct stat st;
			int fd = kg_walk_open_typed(file, types[i], &st);
			if (fd < 0)
				continue;
			if (S_ISREG(st.st_mode)) {
				struct kustomization_read k = { l, dir, file };
				struct kg_load_sink sink = { &k, on_kustomization, ignore_error };
				kg_loader_fd(loader, file, fd, (long long)st.st_size, &sink);
			}
			close(fd);
		}
	}
}

static bool template_chart(const char *path, char *out, size_t size);

bool kg_layout_template_chart(const char *path, char *out, size_t size)
{
	if (template_chart(path, out, size))
		return true;
	/* "deployment.yaml" named from inside templates/: the absolute path tells */
	char *abs = realpath(path, NULL);
	bool found = abs && strcmp(abs, path) && template_chart(abs, out, size);
	free(abs);
	return found;
}

static bool template_chart(const char *path, char *out, size_t size)
{
	static const char seg[] = "templates/";
	size_t n = strlen(path);
	char chart[PATH_CAP];
	/* each "templates/" segment, the last first */
	for (size_t i = n; i-- > 0;) {
		if (strncmp(path + i, seg, sizeof(seg) - 1) || (i && path[i - 1] != '/'))
			continue;
		/* the folder before "/templates/": "." at the start, "/" for "/templates/" */
		const char *dir = i ? path : ".";
		size_t dl = i > 1 ? i - 1 : 1;
		if (dl + sizeof("/Chart.yaml") > sizeof(chart) || dl + 1 > size)
			continue;
		memcpy(chart, dir, dl);
		memcpy(chart + dl, "/Chart.yaml", sizeof("/Chart.yaml"));
		struct stat st;
		if (stat(chart, &st) == 0 && S_ISREG(st.st_mode)) {
			memcpy(out, dir, dl);
			out[dl] = '\0';
			return true;
		}
	}
	return false;
}

static int cmp_patch(const void *a, const void *b)
{
	return strcmp(((const struct patch *)a)->path, ((const struct patch *)b)->path);
}

struct kg_layout_role kg_layout_role(struct kg_layout *l, const char *path)
{
	struct kg_layout_role r = { KG_LAYOUT_MANIFEST, NULL, false, false };
	if (!l->ncharts && !l->npatches)
		return r;
	char clean[PATH_CAP];
	if (kg_layout_clean_path(path, clean, sizeof(clean)) == (size_t)-1)
		return r;
	for (size_t i = 0; i < l->ncharts; i++) {
		struct chart *c = &l->charts[i];
		if (!strncmp(clean, c->prefix, c->prefix_len)) {
			r.kind = KG_LAYOUT_HELM_TEMPLATE;
			r.owner = c->dir;
			r.first = !c->noted;
			c->noted = true;
			return r;
		}
	}
	if (!l->npatches)
		return r;
	if (!l->sorted) {
		qsort(l->patches, l->npatches, sizeof(*l->patches), cmp_patch);
		l->sorted = true;
	}
	struct patch key = { clean, NULL, false };
	const struct patch *p = bsearch(&key, l->patches, l->npatches, sizeof(*l->patches), cmp_patch);
	if (p) {
		r.kind = KG_LAYOUT_KUSTOMIZE_PATCH;
		r.owner = p->by;
		r.component = p->component;
	}
	return r;
}
