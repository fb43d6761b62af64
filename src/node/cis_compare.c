/* kube-bench's comparison operators, with Go's parsing rules where kube-bench leans on them
 * (strconv.Atoi for gt/gte/lt/lte, strconv.ParseInt base 8 for bitmask, strings.TrimSpace,
 * regexp for regex). Pinned by the vectors in ../shared/conformance/kube-bench. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "cis.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* strings.TrimSpace (ASCII white space) into [*b, *e) */
static void trim(const char *s, const char **b, const char **e)
{
	const char *p = s, *q = s + strlen(s);
	while (p < q && is_space(*p))
		p++;
	while (q > p && is_space(q[-1]))
		q--;
	*b = p;
	*e = q;
}

/* strconv.ParseInt(s, base, 64) for base 8 or 10 on [b, e): optional sign, digits only. */
static bool parse_int(const char *b, const char *e, int base, int64_t *out)
{
	bool neg = false;
	if (b < e && (*b == '+' || *b == '-'))
		neg = *b++ == '-';
	if (b == e)
		return false;
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; b < e; b++) {
		if (!isdigit((unsigned char)*b) || *b - '0' >= base)
			return false;
		unsigned d = (unsigned)(*b - '0');
		if (v > (lim - d) / (unsigned)base)
			return false;
		v = v * (unsigned)base + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static bool atoi_go(const char *s, int64_t *out)
{
	const char *b, *e;
	trim(s, &b, &e);
	return parse_int(b, e, 10, out);
}

static bool lower_is_bool(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);
	if (n >= size)
		return false;
	for (size_t i = 0; i <= n; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	return !strcmp(buf, "true") || !strcmp(buf, "false");
}

/* eq: booleans compare case-insensitively on the actual side only, as kube-bench does */
static bool op_eq(const char *actual, const char *expected)
{
	char low[8];
	if (lower_is_bool(actual, low, sizeof(low)))
		return !strcmp(low, expected);
	return !strcmp(actual, expected);
}

/* strings.Split of TrimRight(TrimSpace(s), ",") with every element trimmed */
struct elems {
	const char *b[256], *e[256];
	size_t n;
	bool overflow;
};

static void split_list(const char *s, struct elems *out)
{
	const char *b, *e;
	trim(s, &b, &e);
	while (e > b && e[-1] == ',')
		e--;
	out->n = 0;
	out->overflow = false;
	if (b == e)
		return;
	for (;;) {
		const char *c = memchr(b, ',', (size_t)(e - b));
		const char *end = c ? c : e;
		const char *x = b, *y = end;
		while (x < y && is_space(*x))
			x++;
		while (y > x && is_space(y[-1]))
			y--;
		if (out->n == 256) {
			out->overflow = true;
			return;
		}
		out->b[out->n] = x;
		out->e[out->n++] = y;
		if (!c)
			return;
		b = c + 1;
	}
}

static bool op_valid_elements(const char *actual, const char *expected)
{
	struct elems s, t;
	split_list(actual, &s);
	split_list(expected, &t);
	if (s.overflow || t.overflow)
		return false;
	if (!s.n || !t.n)
		return !s.n && !t.n;
	for (size_t i = 0; i < s.n; i++) {
		size_t len = (size_t)(s.e[i] - s.b[i]);
		bool found = false;
		for (size_t j = 0; j < t.n && !found; j++)
			found = (size_t)(t.e[j] - t.b[j]) == len && !memcmp(s.b[i], t.b[j], len);
		if (!found)
			return false;
	}
	return true;
}

static bool op_bitmask(const char *actual, const char *expected)
{
	int64_t have, max;
	/* ParseInt does not trim */
	if (!parse_int(actual, actual + strlen(actual), 8, &have) ||
	    !parse_int(expected, expected + strlen(expected), 8, &max))
		return false;
	return (max & have) == have;
}

/* Go's regexp is RE2; PCRE2 agrees on the syntax RE2 accepts. An invalid pattern is false
 * (kube-bench would panic). */
static bool op_regex(const char *actual, const char *expected)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)expected, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
	if (!re)
		return false;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int rc = md ? pcre2_match(re, (PCRE2_SPTR)actual, strlen(actual), 0, 0, md, NULL) : -1;
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc >= 0;
}

bool kg_cis_compare(const char *op, const char *actual, const char *expected)
{
	int64_t a, b;
	if (!op || !actual || !expected)
		return false;
	if (!strcmp(op, "eq"))
		return op_eq(actual, expected);
	if (!strcmp(op, "noteq"))
		return !op_eq(actual, expected);
	if (!strcmp(op, "gt") || !strcmp(op, "gte") || !strcmp(op, "lt") || !strcmp(op, "lte")) {
		if (!atoi_go(actual, &a) || !atoi_go(expected, &b))
			return false;
		if (!strcmp(op, "gt"))
			return a > b;
		if (!strcmp(op, "gte"))
			return a >= b;
		if (!strcmp(op, "lt"))
			return a < b;
		return a <= b;
	}
	if (!strcmp(op, "has"))
		return strstr(actual, expected) != NULL;
	if (!strcmp(op, "nothave"))
		return strstr(actual, expected) == NULL;
	if (!strcmp(op, "regex"))
		return op_regex(actual, expected);
	if (!strcmp(op, "valid_elements"))
		return op_valid_elements(actual, expected);
	if (!strcmp(op, "bitmask"))
		return op_bitmask(actual, expected);
	return false;
}
