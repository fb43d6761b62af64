/* kg_fmt must produce exactly what vsnprintf produces, including truncation and the return value. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "harness.h"
#include "util/fmt.h"

/* Compare kg_vfmt with vsnprintf for one format at every buffer size 0..len+2. */
static int same_v(const char *fmt, va_list ap)
{
	char want[512], got[512];
	va_list a1;
	va_copy(a1, ap);
	int n = vsnprintf(want, sizeof(want), fmt, a1);
	va_end(a1);
	if (n < 0 || n >= (int)sizeof(want) - 2)
		return 0;
	for (size_t size = 0; size <= (size_t)n + 2; size++) {
		memset(want, 'W', sizeof(want));
		memset(got, 'W', sizeof(got));
		va_list a2, a3;
		va_copy(a2, ap);
		va_copy(a3, ap);
		int nw = vsnprintf(size ? want : NULL, size, fmt, a2);
		int ng = kg_vfmt(size ? got : NULL, size, fmt, a3);
		va_end(a2);
		va_end(a3);
		if (nw != ng || memcmp(want, got, sizeof(want)) != 0) {
			fprintf(stderr, "  format \"%s\" size %zu: vsnprintf %d \"%.*s\", kg_vfmt %d \"%.*s\"\n", fmt,
				size, nw, (int)size, want, ng, (int)size, got);
			return 0;
		}
	}
	return 1;
}

__attribute__((format(printf, 1, 2))) static int same(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int ok = same_v(fmt, ap);
	va_end(ap);
	return ok;
}

TEST(fmt_strings)
{
	CHECK(same("%s", ""));
	CHECK(same("%s", "hello"));
	CHECK(same("plain text, no conversion"));
	CHECK(same("%s", "") && same("x"));
	CHECK(same("%s.%s[%u]", "spec.template.spec", "containers", 3u));
	CHECK(same("container '%s' has no CPU limit; set %s", "web", "resources.limits.cpu"));
	CHECK(same("%.3s|%.0s|%.10s", "abcdef", "xyz", "short"));
	CHECK(same("%.*s|%.*s", 2, "abcdef", -1, "negative precision means none"));
	CHECK(same("%.200s", "a long name that is shorter than the precision"));
	CHECK(same("100%% sure, %s%%", "really"));
	CHECK(same("%c%c%c", 'a', ' ', 'z'));
	CHECK(same("trailing percent-free %s tail", "mid"));
	CHECK(same("\xc3\xa9t\xc3\xa9 %s", "\xe2\x82\xac"));
}

TEST(fmt_integers)
{
	CHECK(same("%d %d %d %d", 0, -1, INT_MAX, INT_MIN));
	CHECK(same("%i %u %u", 42, 0u, UINT_MAX));
	CHECK(same("%ld %lu", LONG_MIN, ULONG_MAX));
	CHECK(same("%lld %llu", LLONG_MIN, ULLONG_MAX));
	CHECK(same("%lld", 1234567890123LL));
	CHECK(same("%zu %zu", (size_t)0, SIZE_MAX));
	CHECK(same("%x %lx %llx", 0xdeadbeefu, 0xabcdefUL, 0x123456789abcdefULL));
	CHECK(same("%hd %hu %hhd %hhu", (short)-5, (unsigned short)65535, (signed char)-128, (unsigned char)255));
	CHECK(same("%jd %ju", (intmax_t)-7, (uintmax_t)7));
	CHECK(same("%td", (ptrdiff_t)-99));
	CHECK(same("port %d is below 1024 (%s)", 22, "ssh"));
}

/* Formats kg_vfmt does not handle itself go to vsnprintf: the result must still be identical. */
TEST(fmt_fallbacks)
{
	CHECK(same("%016llx", 0x1234ULL));
	CHECK(same("%5d|%-5d|%05d", 42, 42, 42));
	CHECK(same("%.1f", 2.25));
	CHECK(same("%.3d", 7));
	CHECK(same("%s and %+d", "prefix handled first", 5));
	CHECK(same("%10s|%-10s|", "right", "left"));
	CHECK(same("%#x", 255u));
	CHECK(same("%p", (void *)0));
}

TEST(fmt_truncation)
{
	char b[8];
	CHECK_INT(kg_fmt(b, sizeof(b), "%s-%u", "abcdefgh", 123u), 12);
	CHECK_STR(b, "abcdefg");
	CHECK_INT(kg_fmt(b, 1, "%s", "x"), 1);
	CHECK_STR(b, "");
	CHECK_INT(kg_fmt(NULL, 0, "%s%d", "abc", 12345), 8);
}

/* "%s" of NULL (the fast path for plain %s): glibc's "(null)", truncated like any other text. */
TEST(fmt_null_string)
{
	const char *volatile none = NULL; /* not a constant: no compile-time warning */
	char b[8];
	CHECK_INT(kg_fmt(b, sizeof(b), "%s", none), 6);
	CHECK_STR(b, "(null)");
	CHECK_INT(kg_fmt(b, sizeof(b), "a%sb", none), 8);
	CHECK_STR(b, "a(null)");
	CHECK_INT(kg_fmt(b, 4, "%s", none), 6);
	CHECK_STR(b, "(nu");
}

/* kg_put_uint against printf at every power-of-ten boundary up to UINT64_MAX. */
TEST(put_uint_digits)
{
	char got[24], want[24];
	uint64_t p = 1;
	for (int k = 0; k < 20; k++, p *= 10) {
		const uint64_t vals[] = { p - 1, p, p + 1, p * 9 / 10 + (k ? 0 : 9) };
		for (size_t i = 0; i < 4; i++) {
			char *e = kg_put_uint(got, vals[i]);
			*e = '\0';
			snprintf(want, sizeof(want), "%llu", (unsigned long long)vals[i]);
			CHECK_STR(got, want);
			CHECK_INT(e - got, strlen(want));
		}
	}
	for (unsigned v = 0; v < 10000; v++) { /* the digit-pair table and the switch to the loop */
		char *end = kg_put_uint(got, v);
		*end = '\0';
		snprintf(want, sizeof(want), "%u", v);
		if (strcmp(got, want)) {
			CHECK_STR(got, want);
			break;
		}
	}
	char *e = kg_put_uint(got, UINT64_MAX);
	*e = '\0';
	CHECK_STR(got, "18446744073709551615");
	e = kg_put_uint(got, 0);
	*e = '\0';
	CHECK_STR(got, "0");
}
