/* Walk command-line paths: files as given, directories recursively in sorted order (hidden
 * entries such as .git skipped), symlinked directories followed once (loops detected).
 * Errors (unreadable, loops, missing) go to the error callback with the path; the walk goes on.
 * Files are handed over already open (one path lookup per file, not a stat and then an open). */
#ifndef KG_WALK_H
#define KG_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* A file to read. fd is open read-only (blocking) and belongs to the callback, which closes it.
 * fd < 0: err is the errno of the failed open (to report as "cannot open"), or 0 for "-"
 * (standard input, read by the callback itself). size is st_size for a regular file, else -1. */
struct kg_walk_file {
	const char *path;
	int fd;
	int err;
	long long size;
};

struct kg_walk {
	void *ctx;
	/* Whether a file found inside a directory is wanted (by name). Files named on the command
	 * line are always visited. */
	bool (*want)(void *ctx, const char *path, const char *base);
	void (*file)(void *ctx, const struct kg_walk_file *f);
	void (*error)(void *ctx, const char *path, const char *message);
	/* Optional: a directory is about to be walked; names are its visible entries, sorted (for a
	 * front end that learns what a folder is before judging its files), types[i] the d_type
	 * readdir gave names[i] (DT_UNKNOWN when it does not say; kg_walk_open_typed). */
	void (*enter)(void *ctx, const char *dir, const char *const *names, const unsigned char *types, size_t n);
};

/* The path the walk gives to entry name of folder dir: "dir/name" ("dir" + name when dir ends in
 * '/'), into out (size bytes); the length, or (size_t)-1 when out is too small. For callers that
 * must spell paths exactly as the walk does. */
size_t kg_walk_child(const char *dir, const char *name, char *out, size_t size);

/* Open a file found in a folder without blocking on what it turns out to be: O_NONBLOCK, so a
 * FIFO or device put there cannot hang the open (O_NOCTTY: nor a terminal become ours), then
 * fstat into *st. A regular file comes back
 * open for blocking reads (O_NONBLOCK cleared); a lease on it, which fails that open with
 * EWOULDBLOCK, is waited for by a blocking open, as fopen would. Anything else comes back as
 * opened, O_NONBLOCK kept: a directory to list, a FIFO or device for the caller to close unread
 * (opening a device can have side effects: where readdir tells the type, call this only for
 * regular files and folders). -1 with errno when it cannot be opened: *st is stat's then, or
 * st->st_mode is 0 when path cannot be stat'ed either (errno is then stat's, the one to report). */
int kg_walk_open_found(const char *path, struct stat *st) __attribute__((warn_unused_result));

/* kg_walk_open_found for a folder entry of d_type type, opened only when it is a regular file or
 * a folder: the type says so, or (a symbolic link, or DT_UNKNOWN) stat does. Anything else (a
 * device, FIFO or socket) is not opened: -1 with *st stat's and errno 0; st->st_mode is 0 when
 * path cannot be stat'ed (errno stat's). */
int kg_walk_open_typed(const char *path, unsigned char type, struct stat *st) __attribute__((warn_unused_result));

/* Visit one command-line path ("-" is passed to file() as is). */
void kg_walk_path(const struct kg_walk *w, const char *path);

#endif
