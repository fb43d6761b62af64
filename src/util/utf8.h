/* UTF-8 validation shared by the JSON loader and the report writers. Pure function. */
#ifndef KG_UTF8_H
#define KG_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at p (1..4, n bytes available) with its code point in *cp,
 * or 0 when the bytes there are not valid UTF-8 (overlong forms, surrogates, values above
 * U+10FFFF and truncation included). */
size_t kg_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

#endif
