/* libFuzzer target: arbitrary bytes parsed by libyaml through its own reader and through kguard's
 * bypass of it (core/yaml_input.h); the two logs of every event and error (tests/unit/yaml_events.h)
 * must be equal. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../unit/yaml_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kg_yaml_input in;
	static struct kg_buf a, b;
	kg_buf_reset(&a);
	kg_buf_reset(&b);
	(void)ye_parse(&a, (const char *)data, size, false, &in);
	(void)ye_parse(&b, (const char *)data, size, true, &in);
	if (a.len != b.len || memcmp(a.data, b.data, a.len))
		abort();
	return 0;
}
