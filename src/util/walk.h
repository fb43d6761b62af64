/* Walk command-line paths: files as given, directories recursively in sorted order (hidden
 * entries such as .git skipped), symlinked directories followed once (loops detected).
 * Errors (unreadable, loops, missing) go to the error callback with the path; the walk goes on. */
#ifndef KG_WALK_H
#define KG_WALK_H

#include <stdbool.h>

struct kg_walk {
	void *ctx;
	/* Whether a file found inside a directory is wanted (by name). Files named on the command
	 * line are always visited. */
	bool (*want)(void *ctx, const char *path, const char *base);
	void (*file)(void *ctx, const char *path);
	void (*error)(void *ctx, const char *path, const char *message);
};

/* Visit one command-line path ("-" is passed to file() as is). */
void kg_walk_path(const struct kg_walk *w, const char *path);

#endif
