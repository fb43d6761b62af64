/* kg_walk_path: sorted recursion, hidden entries skipped, files handed over open (blocking, at
 * offset 0, with their size), non-regular files inside directories skipped without being opened,
 * named ones read, and the errors (missing, symlink loops, directory loops, depth) as before;
 * kg_walk_open_found on its own (regular files, FIFOs, folders, missing files, leases). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "util/buf.h"
#include "util/walk.h"

static struct kg_buf events;
static char root[64];

static const char *rel(const char *path)
{
	size_t n = strlen(root);
	return strncmp(path, root, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

static bool want_yaml(void *ctx, const char *path, const char *base)
{
	(void)ctx;
	(void)path;
	const char *dot = strrchr(base, '.');
	return dot && !strcmp(dot, ".yaml");
}

static void on_file(void *ctx, const struct kg_walk_file *f)
{
	(void)ctx;
	if (f->fd < 0) {
		(void)kg_buf_printf(&events, "open-error %s %d\n", rel(f->path), f->err);
		return;
	}
	char buf[64];
	ssize_t n = read(f->fd, buf, sizeof(buf));
	int fl = fcntl(f->fd, F_GETFL);
	(void)kg_buf_printf(&events, "file %s size=%lld read=%zd%s\n", rel(f->path), f->size, n,
			    fl >= 0 && (fl & O_NONBLOCK) ? " nonblock" : "");
	close(f->fd);
}

static void on_error(void *ctx, const char *path, const char *message)
{
	(void)ctx;
	(void)kg_buf_printf(&events, "error %s: %s\n", rel(path), message);
}

static const struct kg_walk walker = { NULL, want_yaml, on_file, on_error, NULL };

static void put(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", root, name);
	FILE *fp = fopen(p, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

static void walk(const char *name)
{
	char p[256];
	snprintf(p, sizeof(p), "%s%s%s", root, *name ? "/" : "", name);
	kg_buf_reset(&events);
	kg_walk_path(&walker, p);
}

static int sh(const char *fmt, const char *arg)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), fmt, arg, arg, arg);
	return system(cmd);
}

TEST(walk_tree)
{
	alarm(20); /* a FIFO opened by mistake would block */
	strcpy(root, "/tmp/kg-walk-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(sh("cd %s && mkdir -p d/sub d/.git e && ln -s .. d/sub/up && ln -s self.yaml d/self.yaml"
		     " && ln -s nowhere.yaml d/dangling.yaml && mkfifo d/fifo.yaml && ln -s fifo.yaml d/tofifo.yaml"
		     " && ln -s /dev/null d/null.yaml && ln -s ../e d/linke", root), 0);
	put("d/b.yaml", "b: 1\n");
	put("d/a.yaml", "a: 1\n");
	put("d/notes.txt", "x\n");
	put("d/.hidden.yaml", "h\n");
	put("d/.git/c.yaml", "c\n");
	put("d/sub/s.yaml", "");
	put("e/e.yaml", "eee\n");
	put("named.txt", "named\n");
	walk("d");
	CHECK_STR(events.data,
		  "file d/a.yaml size=5 read=5\n"
		  "file d/b.yaml size=5 read=5\n"
		  "error d/dangling.yaml: No such file or directory\n"
		  "file d/linke/e.yaml size=4 read=4\n"
		  "error d/self.yaml: Too many levels of symbolic links\n"
		  "file d/sub/s.yaml size=0 read=0\n"
		  "error d/sub/up: directory loop (symbolic link to a parent directory); skipped\n");
	walk("named.txt"); /* named: read whatever its name */
	CHECK_STR(events.data, "file named.txt size=6 read=6\n");
	walk("missing.yaml");
	CHECK_STR(events.data, "error missing.yaml: No such file or directory\n");
	walk("d/self.yaml");
	CHECK_STR(events.data, "error d/self.yaml: Too many levels of symbolic links\n");
	walk("d/null.yaml"); /* a named device is read */
	CHECK_STR(events.data, "file d/null.yaml size=-1 read=0\n");
	kg_buf_reset(&events);
	kg_walk_path(&walker, "-");
	CHECK_STR(events.data, "open-error - 0\n");
	/* a named FIFO is opened blocking, as fopen did: it waits for its writer */
	pid_t pid = fork();
	if (pid == 0) {
		char p[256];
		snprintf(p, sizeof(p), "%s/d/fifo.yaml", root);
		int fd = open(p, O_WRONLY);
		if (fd >= 0 && write(fd, "f: 1\n", 5) == 5)
			_exit(0);
		_exit(1);
	}
	walk("d/fifo.yaml");
	CHECK(strncmp(events.data, "file d/fifo.yaml size=-1 read=", 30) == 0);
	while (wait(NULL) > 0)
		;
	sh("rm -rf %s", root);
	alarm(0);
}

TEST(walk_depth_cap)
{
	strcpy(root, "/tmp/kg-walk-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(sh("cd %s && mkdir -p t/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/21/22/23/24/25/26/27"
		     "/28/29/30/31/32/33/34/35/36/37/38/39/40/41/42/43/44/45/46/47/48/49/50/51/52/53/54/55/56/57/58/59"
		     "/60/61/62/63/64/65/66 && touch t/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/21/22/23/24/25"
		     "/26/27/28/29/30/31/32/33/34/35/36/37/38/39/40/41/42/43/44/45/46/47/48/49/50/51/52/53/54/55/56/57"
		     "/58/59/60/61/62/63/x.yaml", root), 0);
	walk("t");
	CHECK(strstr(events.data, "/63/x.yaml size=0 read=0\n") != NULL);
	CHECK(strstr(events.data, "/63/64: directories nested too deep; skipped\n") != NULL);
	CHECK(strstr(events.data, "/65") == NULL);
	sh("rm -rf %s", root);
}

/* As root, permissions do not stop reads: only when run as another user. */
TEST(walk_permissions)
{
	if (geteuid() == 0)
		return;
	strcpy(root, "/tmp/kg-walk-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(sh("cd %s && mkdir -p p/nr p/nx q && touch p/nr/a.yaml p/nx/a.yaml p/nx/b.txt p/u.yaml p/u.txt"
		     " && chmod 000 p/u.yaml p/u.txt && chmod 333 p/nr && chmod 666 p/nx && chmod 000 q", root), 0);
	walk("p");
	char want[512];
	snprintf(want, sizeof(want),
		 "error p/nr: Permission denied\n"
		 "error p/nx/a.yaml: Permission denied\n"
		 "error p/nx/b.txt: Permission denied\n"
		 "open-error p/u.yaml %d\n", EACCES);
	CHECK_STR(events.data, want);
	walk("q");
	CHECK_STR(events.data, "error q: Permission denied\n");
	sh("chmod -R 700 %s; rm -rf %s", root);
}

TEST(walk_child_spelling)
{
	char out[16];
	CHECK(kg_walk_child("d", "x.yaml", out, sizeof(out)) == 8);
	CHECK_STR(out, "d/x.yaml");
	CHECK(kg_walk_child("d/", "x.yaml", out, sizeof(out)) == 8); /* a named "d/" is not doubled */
	CHECK_STR(out, "d/x.yaml");
	CHECK(kg_walk_child("", "x", out, sizeof(out)) == 2);
	CHECK_STR(out, "/x");
	CHECK(kg_walk_child("folder", "name.yaml", out, sizeof(out)) == (size_t)-1); /* 16 bytes needed */
	CHECK(kg_walk_child("folder", "nam.yaml", out, sizeof(out)) == 15);
}

static char found[256];

static const char *in_root(const char *name)
{
	snprintf(found, sizeof(found), "%s/%s", root, name);
	return found;
}

/* kg_walk_open_found: a regular file blocking, a FIFO or folder not blocked on, missing ones -1 */
TEST(walk_open_found_types)
{
	alarm(20); /* a FIFO opened blocking would wait for a writer that never comes */
	strcpy(root, "/tmp/kg-walk-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(sh("cd %s && mkdir d && mkfifo fifo.yaml && ln -s nowhere dangling.yaml", root), 0);
	put("a.yaml", "a: 1\n");
	struct stat st;
	int fd = kg_walk_open_found(in_root("a.yaml"), &st);
	CHECK(fd >= 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_INT(st.st_size, 5);
	CHECK_INT(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	char buf[16];
	CHECK_INT(read(fd, buf, sizeof(buf)), 5);
	if (fd >= 0)
		close(fd);
	fd = kg_walk_open_found(in_root("fifo.yaml"), &st); /* returns at once, unread */
	CHECK(fd >= 0);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK); /* so a stray read cannot block either */
	if (fd >= 0)
		close(fd);
	fd = kg_walk_open_found(in_root("d"), &st);
	CHECK(fd >= 0);
	CHECK(S_ISDIR(st.st_mode));
	if (fd >= 0)
		close(fd);
	errno = 0;
	CHECK_INT(kg_walk_open_found(in_root("missing.yaml"), &st), -1);
	CHECK_INT(errno, ENOENT);
	CHECK_INT(st.st_mode, 0); /* nothing to stat: the error to report is stat's */
	errno = 0;
	CHECK_INT(kg_walk_open_found(in_root("dangling.yaml"), &st), -1);
	CHECK_INT(errno, ENOENT);
	CHECK_INT(st.st_mode, 0);
	sh("rm -rf %s", root);
	alarm(0);
}

/* A file that exists but cannot be opened: -1 with the open's errno, and *st says what it is. */
TEST(walk_open_found_unreadable)
{
	if (geteuid() == 0)
		return; /* root reads it anyway */
	strcpy(root, "/tmp/kg-walk-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	put("u.yaml", "u: 1\n");
	CHECK_INT(chmod(in_root("u.yaml"), 0), 0);
	struct stat st;
	errno = 0;
	CHECK_INT(kg_walk_open_found(in_root("u.yaml"), &st), -1);
	CHECK_INT(errno, EACCES);
	CHECK(S_ISREG(st.st_mode));
	sh("rm -rf %s", root);
}

static int lease_fd = -1;
static volatile sig_atomic_t lease_breaks;

static void give_up_lease(int sig)
{
	(void)sig;
	lease_breaks++;
	(void)fcntl(lease_fd, F_SETLEASE, F_UNLCK);
}

/* A file under a write lease fails the non-blocking open with EWOULDBLOCK; the blocking open that
 * follows waits until the holder (here this process, told by SIGIO) lets go, and reads the file. */
TEST(walk_open_found_waits_for_a_lease)
{
	alarm(20); /* the kernel breaks an ignored lease only after lease-break-time (45 s) */
	strcpy(root, "/tmp/kg-walk-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	put("leased.yaml", "l: 1\n");
	lease_fd = open(in_root("leased.yaml"), O_RDONLY | O_CLOEXEC);
	CHECK(lease_fd >= 0);
	if (fcntl(lease_fd, F_SETLEASE, F_WRLCK) != 0) {
		fprintf(stderr, "  (no file leases here: %s; lease case not run)\n", strerror(errno));
		close(lease_fd);
		sh("rm -rf %s", root);
		alarm(0);
		return;
	}
	struct sigaction sa, old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = give_up_lease;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	CHECK_INT(sigaction(SIGIO, &sa, &old), 0);
	lease_breaks = 0;
	struct stat st;
	int fd = kg_walk_open_found(in_root("leased.yaml"), &st);
	CHECK_INT(lease_breaks, 1); /* the lease was there and the open asked for it */
	CHECK(fd >= 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_INT(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	char buf[16];
	CHECK_INT(read(fd, buf, sizeof(buf)), 5);
	if (fd >= 0)
		close(fd);
	sigaction(SIGIO, &old, NULL);
	close(lease_fd);
	lease_fd = -1;
	sh("rm -rf %s", root);
	alarm(0);
}
