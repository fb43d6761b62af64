/* libFuzzer target: arbitrary bytes parsed by libyaml through its own reader and through kguard's
 * bypass of it (core/yaml_input.h), with a copy and in place; the logs of every event and error
 * (tests/unit/yaml_events.h) must be equal. The first byte says how many of the last bytes (0-31)
 * are not the text but what lies behind it in memory when it is parsed in place. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../unit/yaml_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kg_yaml_input in;
	static struct kg_buf a, b, c;
	if (!size)
		return 0;
	size_t ntail = data[0] % 32u;
	if (ntail > size - 1)
		ntail = size - 1;
	const char *text = (const char *)data + 1, *tail = (const char *)data + size - ntail;
	size_t len = size - 1 - ntail;
	kg_buf_reset(&a);
	kg_buf_reset(&b);
	kg_buf_reset(&c);
	(void)ye_parse(&a, text, len, YE_READER, &in, NULL, 0);
	bool copy = ye_parse(&b, text, len, YE_COPY, &in, NULL, 0);
	bool inplace = ye_parse(&c, text, len, YE_INPLACE, &in, tail, ntail);
	if (copy != inplace || a.len != b.len || memcmp(a.data, b.data, a.len) || a.len != c.len ||
	    memcmp(a.data, c.data, a.len))
		abort();
	return 0;
}
