#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_WALK_DEPTH 64

struct dir_id {
	dev_t dev;
	ino_t ino;
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void walk_dir(const struct kg_walk *w, const char *path, struct dir_id *stack, int depth);

static void visit(const struct kg_walk *w, const char *path, const char *base, bool named,
		  struct dir_id *stack, int depth)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		w->error(w->ctx, path, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		for (int i = 0; i < depth; i++)
			if (stack[i].dev == st.st_dev && stack[i].ino == st.st_ino) {
				w->error(w->ctx, path, "directory loop (symbolic link to a parent directory); skipped");
				return;
			}
		if (depth >= MAX_WALK_DEPTH) {
			w->error(w->ctx, path, "directories nested too deep; skipped");
			return;
		}
		stack[depth].dev = st.st_dev;
		stack[depth].ino = st.st_ino;
		walk_dir(w, path, stack, depth + 1);
		return;
	}
	if (!S_ISREG(st.st_mode) && !named)
		return;
	if (named || w->want(w->ctx, path, base))
		w->file(w->ctx, path);
}

static void walk_dir(const struct kg_walk *w, const char *path, struct dir_id *stack, int depth)
{
	DIR *d = opendir(path);
	if (!d) {
		w->error(w->ctx, path, strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* ., .., and hidden entries such as .git */
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			char **q = realloc(names, alloc * sizeof(*names));
			if (!q)
				abort();
			names = q;
		}
		names[n] = strdup(e->d_name);
		if (!names[n])
			abort();
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_name);
	size_t plen = strlen(path);
	bool slash = plen && path[plen - 1] == '/';
	for (size_t i = 0; i < n; i++) {
		size_t len = plen + 1 + strlen(names[i]) + 1;
		char *child = malloc(len);
		if (!child)
			abort();
		snprintf(child, len, "%s%s%s", path, slash ? "" : "/", names[i]);
		visit(w, child, names[i], false, stack, depth);
		free(child);
		free(names[i]);
	}
	free(names);
}

void kg_walk_path(const struct kg_walk *w, const char *path)
{
	struct dir_id stack[MAX_WALK_DEPTH];
	if (!strcmp(path, "-")) {
		w->file(w->ctx, path);
		return;
	}
	const char *base = strrchr(path, '/');
	visit(w, path, base ? base + 1 : path, true, stack, 0);
}
