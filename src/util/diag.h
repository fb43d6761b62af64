/* A diagnostic: a message tied to a position in an input. Core code fills these and never prints;
 * the front end decides how to show them. The struct owns its message text (fixed buffer), the
 * file name is borrowed from the caller and must outlive the diagnostic. */
#ifndef KG_DIAG_H
#define KG_DIAG_H

struct kg_diag {
	const char *file; /* borrowed; NULL when unknown */
	unsigned line;    /* 1-based; 0 when unknown */
	unsigned col;     /* 1-based; 0 when unknown */
	char message[480];
};

void kg_diag_set(struct kg_diag *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
