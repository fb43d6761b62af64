/* A minimal unit-test harness: TEST(name) { CHECK(...); } in one file per module; main() runs
 * every test and prints "N passed, N failed". A failed CHECK reports file:line and the test goes on. */
#ifndef KG_HARNESS_H
#define KG_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*kg_test_fn)(void);
struct kg_test_case {
	const char *name;
	kg_test_fn fn;
};

static struct kg_test_case kg_tests[512];
static int kg_ntests;
static int kg_test_failed; /* failures in the current test */

static inline void kg_test_register(const char *name, kg_test_fn fn)
{
	if (kg_ntests < 512)
		kg_tests[kg_ntests++] = (struct kg_test_case){ name, fn };
}

#define TEST(name)                                                                  \
	static void name(void);                                                     \
	__attribute__((constructor)) static void kg_reg_##name(void)                \
	{                                                                           \
		kg_test_register(#name, name);                                      \
	}                                                                           \
	static void name(void)

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			kg_test_failed++;                                           \
		}                                                                   \
	} while (0)

#define CHECK_INT(a, b)                                                             \
	do {                                                                        \
		long long kg_a = (long long)(a), kg_b = (long long)(b);            \
		if (kg_a != kg_b) {                                                 \
			fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
				#a, kg_a, #b, kg_b);                                \
			kg_test_failed++;                                           \
		}                                                                   \
	} while (0)

#define CHECK_STR(a, b)                                                             \
	do {                                                                        \
		const char *kg_a = (a), *kg_b = (b);                                \
		if (!kg_a || !kg_b || strcmp(kg_a, kg_b) != 0) {                    \
			fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
				#a, kg_a ? kg_a : "(null)", kg_b ? kg_b : "(null)");       \
			kg_test_failed++;                                           \
		}                                                                   \
	} while (0)

#ifndef KG_HARNESS_NO_MAIN
int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	const char *only = argc > 1 ? argv[1] : NULL;
	for (int i = 0; i < kg_ntests; i++) {
		if (only && strcmp(only, kg_tests[i].name))
			continue;
		kg_test_failed = 0;
		kg_tests[i].fn();
		if (kg_test_failed) {
			fprintf(stderr, "FAIL %s\n", kg_tests[i].name);
			failed++;
		} else {
			passed++;
		}
	}
	printf("%s: %d passed, %d failed\n", argv[0], passed, failed);
	return failed ? 1 : 0;
}
#endif

#endif
