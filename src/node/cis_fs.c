/* The node's filesystem under --root. With a root other than "/", absolute symlinks inside the
 * tree are resolved against the root (a mounted image's /etc/x -> /usr/lib/x means root/usr/lib/x,
 * never the host's), ".." stops at the root, and owner names come from the root's own
 * etc/passwd and etc/group when it has them: uids of an image mean what its passwd says. */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/walk.h"
#include "cis_priv.h"

#define MAX_LINKS 40

const char *kg_cis_display(struct kg_cis_run *run, const char *np)
{
	if (!run->root[0])
		return np;
	return kg_arena_printf(&run->arena, "%s%s", run->root, np);
}

const char *kg_cis_abs(struct kg_cis_run *run, const char *p)
{
	if (!p || !*p)
		return NULL;
	if (p[0] == '/')
		return p;
	/* components run from / under systemd and the kubelet */
	return kg_arena_printf(&run->arena, "/%s", p);
}

/* Host path of a node path with every symlink resolved inside the root. NULL with errno. */
static const char *resolve(struct kg_cis_run *run, const char *np)
{
	if (!run->root[0])
		return np;
	char cur[PATH_MAX] = "", todo[PATH_MAX], host[PATH_MAX], link[PATH_MAX];
	size_t curlen = 0;
	int links = 0;
	if (snprintf(todo, sizeof(todo), "%s", np) >= (int)sizeof(todo)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	char *p = todo;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *rest = end ? end : p + n;
		if (n == 1 && p[0] == '.') {
			p = rest;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (curlen && cur[curlen - 1] != '/')
				curlen--;
			if (curlen)
				curlen--;
			cur[curlen] = '\0';
			p = rest;
			continue;
		}
		if (curlen + 1 + n >= sizeof(cur)) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		size_t save = curlen;
		cur[curlen++] = '/';
		memcpy(cur + curlen, p, n);
		curlen += n;
		cur[curlen] = '\0';
		if (snprintf(host, sizeof(host), "%s%s", run->root, cur) >= (int)sizeof(host)) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		struct stat st;
		if (lstat(host, &st) == 0 && S_ISLNK(st.st_mode)) {
			if (++links > MAX_LINKS) {
				errno = ELOOP;
				return NULL;
			}
			ssize_t ln = readlink(host, link, sizeof(link) - 1);
			if (ln < 0)
				return NULL;
			link[ln] = '\0';
			char next[PATH_MAX];
			if (snprintf(next, sizeof(next), "%s%s", link, rest) >= (int)sizeof(next)) {
				errno = ENAMETOOLONG;
				return NULL;
			}
			curlen = link[0] == '/' ? 0 : save;
			cur[curlen] = '\0';
			memcpy(todo, next, strlen(next) + 1);
			p = todo;
			continue;
		}
		p = rest;
	}
	return kg_arena_printf(&run->arena, "%s%s", run->root, curlen ? cur : "/");
}

int kg_cis_stat(struct kg_cis_run *run, const char *np, struct stat *st)
{
	const char *host = resolve(run, np);
	return host ? stat(host, st) : -1;
}

bool kg_cis_exists(struct kg_cis_run *run, const char *np)
{
	struct stat st;
	return np && kg_cis_stat(run, np, &st) == 0;
}

int kg_cis_read(struct kg_cis_run *run, const char *np, struct kg_buf *b, bool *missing, struct kg_diag *err)
{
	const char *disp = kg_cis_display(run, np);
	const char *host = resolve(run, np);
	*missing = false;
	struct stat st;
	/* the walk's careful open: a FIFO or device cannot hang it, a file under a lease is waited for */
	int fd = host ? kg_walk_open_found(host, &st) : -1;
	if (fd < 0) {
		*missing = errno == ENOENT || errno == ENOTDIR;
		kg_diag_set(err, disp, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	int rc = -1;
	if (S_ISDIR(st.st_mode)) {
		kg_diag_set(err, disp, 0, 0, "cannot read: is a directory, expected a file");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		kg_diag_set(err, disp, 0, 0, "cannot read: not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > KG_CIS_MAX_FILE) {
		kg_diag_set(err, disp, 0, 0, "file is larger than %u MiB", KG_CIS_MAX_FILE >> 20);
		goto out;
	}
	kg_buf_reset(b);
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			kg_diag_set(err, disp, 0, 0, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (kg_buf_add(b, chunk, (size_t)n)) {
			kg_diag_set(err, disp, 0, 0, "file is larger than %u MiB", KG_CIS_MAX_FILE >> 20);
			goto out;
		}
	}
	if (!b->data)
		kg_buf_adds(b, "");
	rc = 0;
out:
	close(fd);
	return rc;
}

/* name:x:id:... lines of the root's passwd or group file */
static size_t load_ids(struct kg_cis_run *run, const char *np, struct kg_cis_idname **out, bool *have)
{
	struct kg_buf b;
	struct kg_diag err;
	bool missing;
	size_t n = 0, alloc = 0;
	kg_buf_init(&b, KG_CIS_MAX_FILE);
	*out = NULL;
	*have = kg_cis_read(run, np, &b, &missing, &err) == 0;
	if (*have) {
		for (char *line = b.data; line && *line;) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			if (c1 && c2 && line[0] != '#') {
				char *end;
				unsigned long id = strtoul(c2 + 1, &end, 10);
				if (end != c2 + 1 && (*end == ':' || !*end) && id <= UINT_MAX) {
					*out = kg_cis_grow(&run->arena, *out, &alloc, n + 1, sizeof(**out));
					(*out)[n].id = (unsigned)id;
					(*out)[n++].name = kg_arena_strndup(&run->arena, line, (size_t)(c1 - line));
				}
			}
			line = nl ? nl + 1 : NULL;
		}
	}
	kg_buf_release(&b);
	return n;
}

static const char *id_name(const struct kg_cis_idname *v, size_t n, unsigned id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return v[i].name;
	return NULL;
}

const char *kg_cis_owner(struct kg_cis_run *run, uid_t uid, gid_t gid)
{
	const char *user = NULL, *group = NULL;
	char buf[4096];
	if (run->root[0] && !run->ids_tried) {
		run->ids_tried = true;
		run->nusers = load_ids(run, "/etc/passwd", &run->users, &run->own_passwd);
		run->ngroups = load_ids(run, "/etc/group", &run->groups, &run->own_group);
	}
	if (run->own_passwd) {
		user = id_name(run->users, run->nusers, (unsigned)uid);
	} else {
		struct passwd pw, *pr = NULL;
		if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pr) == 0 && pr)
			user = kg_arena_strdup(&run->arena, pr->pw_name);
	}
	if (run->own_group) {
		group = id_name(run->groups, run->ngroups, (unsigned)gid);
	} else {
		struct group gr, *gp = NULL;
		if (getgrgid_r(gid, &gr, buf, sizeof(buf), &gp) == 0 && gp)
			group = kg_arena_strdup(&run->arena, gp->gr_name);
	}
	char u[32], g[32];
	snprintf(u, sizeof(u), "%u", (unsigned)uid);
	snprintf(g, sizeof(g), "%u", (unsigned)gid);
	return kg_arena_printf(&run->arena, "%s:%s", user ? user : u, group ? group : g);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t kg_cis_list(struct kg_cis_run *run, const char *np, const char ***names)
{
	const char *host = resolve(run, np);
	DIR *d = host ? opendir(host) : NULL;
	size_t n = 0, alloc = 0;
	*names = NULL;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < KG_CIS_MAX_WALK) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		*names = kg_cis_grow(&run->arena, (void *)*names, &alloc, n + 1, sizeof(**names));
		(*names)[n++] = kg_arena_strdup(&run->arena, e->d_name);
	}
	closedir(d);
	if (n)
		qsort((void *)*names, n, sizeof(**names), cmp_name);
	return n;
}

struct walk {
	struct kg_cis_run *run;
	void (*fn)(void *ctx, const char *np, const struct stat *st);
	void *ctx;
	size_t visited;
};

static void walk_dir(struct walk *w, const char *np, int depth)
{
	const char **names;
	size_t n = kg_cis_list(w->run, np, &names);
	const char *host = resolve(w->run, np);
	for (size_t i = 0; i < n && host && w->visited < KG_CIS_MAX_WALK; i++) {
		const char *child = kg_arena_printf(&w->run->arena, "%s/%s", strcmp(np, "/") ? np : "", names[i]);
		const char *hchild = kg_arena_printf(&w->run->arena, "%s/%s", host, names[i]);
		struct stat st;
		if (lstat(hchild, &st) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			/* like stat -L on what find lists; never descend through links */
			if (kg_cis_stat(w->run, child, &st) != 0)
				continue;
			w->visited++;
			w->fn(w->ctx, child, &st);
			continue;
		}
		w->visited++;
		w->fn(w->ctx, child, &st);
		if (S_ISDIR(st.st_mode) && depth < 32)
			walk_dir(w, child, depth + 1);
	}
}

void kg_cis_walk(struct kg_cis_run *run, const char *np, bool self,
		 void (*fn)(void *ctx, const char *np, const struct stat *st), void *ctx)
{
	struct walk w = { run, fn, ctx, 0 };
	struct stat st;
	if (kg_cis_stat(run, np, &st) != 0)
		return;
	if (self)
		fn(ctx, np, &st);
	if (S_ISDIR(st.st_mode))
		walk_dir(&w, np, 0);
}

void kg_cis_error(struct kg_cis_run *run, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
	struct kg_diag d;
	char msg[sizeof(d.message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kg_diag_set(&d, file, line, col, "%s", msg);
	kg_report_error(run->report, &d);
}
