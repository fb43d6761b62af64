/* A fast snprintf for the formats findings and field paths use.
 * glibc's vsnprintf costs ~1,000 instructions of set-up per call whatever the format; a scan formats a
 * message and a path for every finding, so that set-up dominated. kg_vfmt handles %s, %.Ns, %.*s, %c,
 * %d, %i, %u, %x with the h/l/ll/z/j/t length modifiers and %% itself, and hands any other format
 * (flags, widths, floats, %m, ...) to vsnprintf, so the result is always exactly vsnprintf's.
 * Contract: the same as vsnprintf: at most size bytes written including the NUL (when size > 0),
 * returns the length the whole output would have. */
#ifndef KG_FMT_H
#define KG_FMT_H

#include <stdarg.h>
#include <stddef.h>

int kg_vfmt(char *buf, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int kg_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
