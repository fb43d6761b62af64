/* The escaping tests again, against the portable 8-byte word scanner that machines without SSE2
 * use (this file compiles its own copy of jsonw.c with the vector path turned off). */
#define KG_JSONW_NO_SIMD
#include "util/jsonw.c"

#include "test_jsonw.c"
