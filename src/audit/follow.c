/* Following a growing audit log across rotations (rename and truncate), like `tail -F`: poll
 * for new bytes; when the path names a different file (inode or device changed), drain the old
 * descriptor and switch; when the file shrank below the read offset, it was truncated: restart
 * from 0. A partial last line is kept until its newline arrives. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"

struct follower {
	struct kg_audit_reader *r;
	const char *path;
	size_t max_line;
	struct kg_buf line;
	bool skipping;
	uint64_t lineno;
};

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void feed(struct follower *f, const char *buf, size_t n)
{
	size_t off = 0;
	while (off < n) {
		const char *nl = memchr(buf + off, '\n', n - off);
		size_t take = nl ? (size_t)(nl - (buf + off)) : n - off;
		if (!f->skipping) {
			if (f->line.len + take > f->max_line) {
				f->skipping = true;
				kg_buf_reset(&f->line);
			} else if (kg_buf_add(&f->line, buf + off, take)) {
				abort();
			}
		}
		off += take;
		if (!nl)
			return;
		off++;
		f->lineno++;
		if (f->skipping) {
			f->r->stats->lines++;
			f->r->stats->rejected[KG_REJ_TOO_LARGE]++;
			if (f->r->reject)
				f->r->reject(f->r->ctx, KG_REJ_TOO_LARGE, f->path, f->lineno, "line too long skipped");
			f->skipping = false;
		} else if (f->line.len) {
			kg_audit_reader_value(f->r, f->line.data, f->line.len, f->path, f->lineno);
		}
		kg_buf_reset(&f->line);
		if (f->line.alloc > (1u << 20)) {
			kg_buf_release(&f->line);
			kg_buf_init(&f->line, 0);
		}
	}
}

/* Read everything available from fd; returns bytes read, -1 on error. */
static ssize_t drain(struct follower *f, int fd, off_t *pos)
{
	char buf[65536];
	ssize_t total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return total;
		*pos += n;
		total += n;
		feed(f, buf, (size_t)n);
	}
}

int kg_audit_follow(struct kg_audit_reader *r, const char *path, size_t max_line, volatile int *stop,
		    void (*on_idle)(void *ctx), void *idle_ctx, unsigned poll_ms)
{
	struct follower f = { r, path, max_line, KG_BUF_INIT, false, 0 };
	kg_buf_init(&f.line, 0);
	int fd = -1;
	struct stat cur;
	off_t pos = 0;
	while (!*stop) {
		if (fd < 0) {
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				if (errno != ENOENT) {
					kg_buf_release(&f.line);
					return -1;
				}
				if (on_idle)
					on_idle(idle_ctx);
				sleep_ms(poll_ms);
				continue;
			}
			fstat(fd, &cur);
			pos = 0;
			f.lineno = 0;
		}
		if (drain(&f, fd, &pos) < 0) {
			close(fd);
			kg_buf_release(&f.line);
			return -1;
		}
		struct stat now, st;
		fstat(fd, &st);
		if (st.st_size < pos) {
			/* truncated: start over (the partial line before the cut is gone) */
			lseek(fd, 0, SEEK_SET);
			pos = 0;
			kg_buf_reset(&f.line);
			f.skipping = false;
			f.lineno = 0;
			continue;
		}
		if (stat(path, &now) == 0 && (now.st_ino != cur.st_ino || now.st_dev != cur.st_dev)) {
			/* rotated by rename: the old file is complete (drained above); a last line without
			 * newline is processed as is. */
			drain(&f, fd, &pos);
			if (f.line.len && !f.skipping)
				kg_audit_reader_value(r, f.line.data, f.line.len, path, ++f.lineno);
			kg_buf_reset(&f.line);
			f.skipping = false;
			close(fd);
			fd = -1;
			continue;
		}
		if (on_idle)
			on_idle(idle_ctx);
		sleep_ms(poll_ms);
	}
	if (fd >= 0)
		close(fd);
	kg_buf_release(&f.line);
	return 0;
}
