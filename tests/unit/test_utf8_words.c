/* The scanner tests again on the portable 8-byte word path (machines without SSE2): this file
 * compiles its own copy of utf8.c with the vector path turned off. */
#define KG_UTF8_NO_SIMD
#include "util/utf8.c"

#include "test_utf8.c"
