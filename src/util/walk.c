#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_WALK_DEPTH 64

struct dir_id {
	dev_t dev;
	ino_t ino;
};

struct entry {
	char *name;
	unsigned char type; /* d_type from readdir (DT_UNKNOWN on some file systems) */
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void walk_dir(const struct kg_walk *w, const char *path, int fd, struct dir_id *stack, int depth);

static void give_file(const struct kg_walk *w, const char *path, int fd, int err, const struct stat *st)
{
	struct kg_walk_file f = { path, fd, err, S_ISREG(st->st_mode) ? (long long)st->st_size : -1 };
	w->file(w->ctx, &f);
}

/* open(path, flags), then fstat the descriptor: one path lookup per file instead of a stat and an
 * open. When the open fails, stat decides the error to report, so messages stay those of
 * stat-then-open: -1 with the open's errno and *st filled, or, when path cannot be stat'ed either,
 * -1 with stat's (or fstat's) errno and st->st_mode 0 (no file has type 0). */
static int open_stat(const char *path, int flags, struct stat *st)
{
	int fd = open(path, flags);
	int err = errno;
	if (fd >= 0 ? fstat(fd, st) == 0 : stat(path, st) == 0) {
		errno = err;
		return fd;
	}
	err = errno;
	if (fd >= 0)
		close(fd);
	st->st_mode = 0;
	errno = err;
	return -1;
}

int kg_walk_open_found(const char *path, struct stat *st)
{
	int fd = open_stat(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, st);
	if (!S_ISREG(st->st_mode))
		return fd; /* a directory to list, something else to close unread, or -1 */
	if (fd < 0) /* EWOULDBLOCK: a lease on the file; a blocking open waits for it, as fopen did */
		return errno == EWOULDBLOCK ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY) : -1;
	if (fcntl(fd, F_SETFL, 0) != 0) { /* read blocking (F_SETFL 0: only O_NONBLOCK was set) */
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int kg_walk_open_typed(const char *path, unsigned char type, struct stat *st)
{
	if (type == DT_REG || type == DT_DIR)
		return kg_walk_open_found(path, st);
	if (stat(path, st) != 0) {
		st->st_mode = 0;
		return -1;
	}
	if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))
		return kg_walk_open_found(path, st);
	errno = 0;
	return -1;
}

/* Inside a directory only what readdir calls a regular file or a directory is opened (opening a
 * device can have side effects; links and unknown types are stat'ed first, as non-regular files
 * there are skipped unread; a regular file want() refuses is not even stat'ed). Named paths open
 * blocking: a named FIFO waits for its writer, as fopen did. */
static void visit(const struct kg_walk *w, const char *path, const char *base, bool named,
		  unsigned char type, struct dir_id *stack, int depth)
{
	struct stat st;
	int fd = -1;
	bool tried = named || type == DT_DIR || type == DT_REG; /* else stat'ed, opened if wanted */
	int wanted = named ? 1 : -1; /* -1: not asked yet */
	if (!named && type == DT_REG && !(wanted = w->want(w->ctx, path, base)))
		return; /* a regular file not wanted: nothing to learn from a stat */
	if (named)
		fd = open_stat(path, O_RDONLY | O_CLOEXEC, &st);
	else if (tried)
		fd = kg_walk_open_found(path, &st);
	else if (stat(path, &st) != 0)
		st.st_mode = 0;
	int open_err = errno;
	if (!st.st_mode) {
		w->error(w->ctx, path, strerror(open_err));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		for (int i = 0; i < depth; i++)
			if (stack[i].dev == st.st_dev && stack[i].ino == st.st_ino) {
				w->error(w->ctx, path, "directory loop (symbolic link to a parent directory); skipped");
				if (fd >= 0)
					close(fd);
				return;
			}
		if (depth >= MAX_WALK_DEPTH) {
			w->error(w->ctx, path, "directories nested too deep; skipped");
			if (fd >= 0)
				close(fd);
			return;
		}
		stack[depth].dev = st.st_dev;
		stack[depth].ino = st.st_ino;
		walk_dir(w, path, fd, stack, depth + 1);
		return;
	}
	if (!named && (!S_ISREG(st.st_mode) || !(wanted >= 0 ? wanted : w->want(w->ctx, path, base)))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (!tried) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		open_err = errno;
	}
	give_file(w, path, fd, fd >= 0 ? 0 : open_err, &st);
}

static void walk_dir(const struct kg_walk *w, const char *path, int fd, struct dir_id *stack, int depth)
{
	DIR *d = fd >= 0 ? fdopendir(fd) : opendir(path);
	if (!d) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		w->error(w->ctx, path, strerror(err));
		return;
	}
	struct entry *ents = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* ., .., and hidden entries such as .git */
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			struct entry *q = realloc(ents, alloc * sizeof(*ents));
			if (!q)
				abort();
			ents = q;
		}
		ents[n].name = strdup(e->d_name);
		if (!ents[n].name)
			abort();
		ents[n].type = e->d_type;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(ents, n, sizeof(*ents), cmp_name);
	if (w->enter) {
		const char **names = malloc((n ? n : 1) * sizeof(*names));
		unsigned char *types = malloc(n ? n : 1);
		if (!names || !types)
			abort();
		for (size_t i = 0; i < n; i++) {
			names[i] = ents[i].name;
			types[i] = ents[i].type;
		}
		w->enter(w->ctx, path, names, types, n);
		free(types);
		free(names);
	}
	size_t plen = strlen(path);
	for (size_t i = 0; i < n; i++) {
		size_t len = plen + 1 + strlen(ents[i].name) + 1;
		char *child = malloc(len);
		if (!child)
			abort();
		kg_walk_child(path, ents[i].name, child, len);
		visit(w, child, ents[i].name, false, ents[i].type, stack, depth);
		free(child);
		free(ents[i].name);
	}
	free(ents);
}

size_t kg_walk_child(const char *dir, const char *name, char *out, size_t size)
{
	size_t dl = strlen(dir);
	bool slash = dl && dir[dl - 1] == '/';
	int n = snprintf(out, size, "%s%s%s", dir, slash ? "" : "/", name);
	return n >= 0 && (size_t)n < size ? (size_t)n : (size_t)-1;
}

void kg_walk_path(const struct kg_walk *w, const char *path)
{
	struct dir_id stack[MAX_WALK_DEPTH];
	if (!strcmp(path, "-")) {
		struct kg_walk_file f = { path, -1, 0, -1 };
		w->file(w->ctx, &f);
		return;
	}
	const char *base = strrchr(path, '/');
	visit(w, path, base ? base + 1 : path, true, DT_UNKNOWN, stack, 0);
}
