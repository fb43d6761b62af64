#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

void kg_diag_set(struct kg_diag *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	d->file = file;
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
}
