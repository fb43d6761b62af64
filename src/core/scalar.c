/* YAML 1.1 scalar resolution as go-yaml v2's resolve.go does it (see scalar.h), including the
 * big-integer branch of the copy that sigs.k8s.io/yaml vendors (goyaml.v2). */
#include "scalar.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_PREFIX "tag:yaml.org,2002:"

static bool eq(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	return 99;
}

/* Go's base-0 prefix rules: 0b/0o/0x (either case), a leading 0 is octal, otherwise decimal.
 * Sets *base and returns the number of prefix bytes. */
static size_t base_prefix(const char *s, size_t len, unsigned *base)
{
	*base = 10;
	if (len >= 1 && s[0] == '0') {
		char c1 = len >= 3 ? (char)(s[1] | 0x20) : 0;
		if (c1 == 'b' || c1 == 'o' || c1 == 'x') {
			*base = c1 == 'b' ? 2 : c1 == 'o' ? 8 : 16;
			return 2;
		}
		*base = 8;
		return len >= 2 ? 1 : 0; /* "0" alone is decimal zero */
	}
	return 0;
}

/* Digits of base `base` in s[0..len): 0 and *out on success, -1 on a bad digit or no digit,
 * -2 when syntactically valid but above UINT64_MAX (Go's ErrRange). */
static int parse_digits(const char *s, size_t len, unsigned base, uint64_t *out)
{
	uint64_t n = 0;
	bool range = false;
	if (len == 0)
		return -1;
	for (size_t k = 0; k < len; k++) {
		int d = digit_value(s[k]);
		if (d >= (int)base)
			return -1;
		if (!range && n > (UINT64_MAX - (uint64_t)d) / base)
			range = true;
		n = n * base + (uint64_t)d;
	}
	if (range)
		return -2;
	*out = n;
	return 0;
}

static int parse_uint_rc(const char *s, size_t len, uint64_t *out)
{
	unsigned base;
	size_t p = base_prefix(s, len, &base);
	return parse_digits(s + p, len - p, base, out);
}

int kg_go_parse_uint(const char *s, size_t len, uint64_t *out)
{
	return parse_uint_rc(s, len, out) ? -1 : 0;
}

int kg_go_parse_int(const char *s, size_t len, int64_t *out)
{
	bool neg = false;
	if (len == 0)
		return -1;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		s++;
		len--;
	}
	uint64_t u;
	if (kg_go_parse_uint(s, len, &u))
		return -1;
	if (!neg && u > (uint64_t)INT64_MAX)
		return -1;
	if (neg && u > (uint64_t)INT64_MAX + 1)
		return -1;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool yaml_style_float(const char *s, size_t len)
{
	size_t k = 0;
	if (k < len && (s[k] == '+' || s[k] == '-'))
		k++;
	if (k < len && s[k] == '.') {
		k++;
		size_t d = k;
		while (k < len && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == d)
			return false;
	} else {
		size_t d = k;
		while (k < len && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == d)
			return false;
		if (k < len && s[k] == '.') {
			k++;
			while (k < len && s[k] >= '0' && s[k] <= '9')
				k++;
		}
	}
	if (k < len && (s[k] == 'e' || s[k] == 'E')) {
		k++;
		if (k < len && (s[k] == '+' || s[k] == '-'))
			k++;
		size_t d = k;
		while (k < len && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == d)
			return false;
	}
	return k == len;
}

/* strtod on exactly len bytes (a NUL-terminated copy: on the stack when short, else malloc'd,
 * since go-yaml reads numbers of any length). Returns 0, or -1 when strtod stops early. */
static int strtod_n(const char *s, size_t len, double *out)
{
	char small[128];
	char *tmp = len < sizeof(small) ? small : malloc(len + 1);
	if (!tmp)
		abort();
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	char *end;
	errno = 0;
	*out = strtod(tmp, &end);
	int rc = end == tmp + len ? 0 : -1;
	if (tmp != small)
		free(tmp);
	return rc;
}

/* Go's ParseFloat on a string already known to be a plain decimal float: fails on overflow
 * (underflow to zero is not an error in Go). */
static int parse_float(const char *s, size_t len, double *out)
{
	if (strtod_n(s, len, out))
		return -1;
	if (isinf(*out))
		return -1;
	return 0;
}

/* The nearest double of an unsigned integer too large for uint64 (digits in base 2, 8, 10 or
 * 16, no prefix). Powers of two go through a hexadecimal float so that strtod rounds them. */
static double big_to_double(const char *digits, size_t n, unsigned base)
{
	double v;
	if (base == 10) {
		(void)strtod_n(digits, n, &v);
		return v;
	}
	unsigned bits = base == 2 ? 1 : base == 8 ? 3 : 4;
	size_t nhex = (n * bits + 3) / 4;
	char *hex = malloc(nhex + 8);
	if (!hex)
		abort();
	/* fill nibbles from the least significant digit */
	char *o = hex + 2 + nhex;
	memcpy(o, "p0", 3);
	unsigned acc = 0, have = 0;
	for (size_t k = n; k-- > 0;) {
		acc |= (unsigned)digit_value(digits[k]) << have;
		have += bits;
		while (have >= 4) {
			*--o = "0123456789abcdef"[acc & 15];
			acc >>= 4;
			have -= 4;
		}
	}
	while (o > hex + 2) {
		*--o = "0123456789abcdef"[acc & 15];
		acc >>= 4;
	}
	hex[0] = '0';
	hex[1] = 'x';
	v = strtod(hex, NULL);
	free(hex);
	return v;
}

/* The digits-and-sign text of resolve_number with every '_' removed. */
static void resolve_plain_number(const char *plain, size_t plen, struct kg_scalar *out)
{
	int64_t iv;
	uint64_t uv;
	double fv;
	if (kg_go_parse_int(plain, plen, &iv) == 0) {
		out->type = KG_INT;
		out->i = iv;
		return;
	}
	int urc = parse_uint_rc(plain, plen, &uv);
	if (urc == 0) {
		out->type = KG_INT;
		out->is_uint = true;
		out->u = uv;
		return;
	}
	if (yaml_style_float(plain, plen) && parse_float(plain, plen, &fv) == 0) {
		out->type = KG_FLOAT;
		out->f = fv;
		return;
	}
	if (plen > 2 && plain[0] == '0' && plain[1] == 'b') {
		/* go-yaml's legacy branch: ParseInt(plain[2:], 2), which takes a sign ("0b-101") */
		const char *d = plain + 2;
		size_t dn = plen - 2;
		bool neg = false;
		if (d[0] == '+' || d[0] == '-') {
			neg = d[0] == '-';
			d++;
			dn--;
		}
		if (parse_digits(d, dn, 2, &uv) == 0 && uv <= (uint64_t)INT64_MAX + (neg ? 1u : 0u)) {
			out->type = KG_INT;
			out->i = neg ? (int64_t)(0 - uv) : (int64_t)uv;
			return;
		}
		if (!neg && d == plain + 2 && parse_digits(d, dn, 2, &uv) == 0) {
			out->type = KG_INT;
			out->is_uint = true;
			out->u = uv;
			return;
		}
	}
	if (urc == -2) {
		/* sigs.k8s.io/yaml's go-yaml keeps such numbers as big.Int; JSON carries the digits and
		 * the API server reads them as a float64 */
		unsigned base;
		size_t p = base_prefix(plain, plen, &base);
		out->type = KG_FLOAT;
		out->is_big = true;
		out->f = big_to_double(plain + p, plen - p, base);
	}
}

/* Text starting with a digit or a sign: integers, floats, big integers (after removing every
 * '_'). Not inlined: resolve_plain's common case (a string) then needs no stack frame. */
__attribute__((noinline)) static void resolve_number(const char *s, size_t len, struct kg_scalar *out)
{
	/* Timestamps (2001-12-14...) stay strings for untyped decoding (go-yaml v2 keeps the text);
	 * none of them is also a number, so they need no test of their own here. */
	char small[128];
	char *plain = len < sizeof(small) ? small : malloc(len + 1);
	if (!plain)
		abort();
	size_t plen = 0;
	for (size_t k = 0; k < len; k++)
		if (s[k] != '_')
			plain[plen++] = s[k];
	resolve_plain_number(plain, plen, out);
	if (plain != small)
		free(plain);
}

/* s is one of three spellings of the same length (go-yaml lists each word in exactly three
 * spellings, e.g. true/True/TRUE). Inline so that the compares become loads of constants. */
static inline bool spelled(const char *s, size_t len, const char *a, const char *b, const char *c)
{
	size_t n = strlen(a);
	return len == n && (memcmp(s, a, n) == 0 || memcmp(s, b, n) == 0 || memcmp(s, c, n) == 0);
}

enum word { W_NONE, W_TRUE, W_FALSE, W_NULL, W_NAN, W_INF, W_NINF };

/* The words of go-yaml v2's resolve table (booleans, nulls, .inf and .nan forms), exact spellings
 * only. 1 <= len <= 5. The first byte picks the few candidates. */
static enum word word_of(const char *s, size_t len)
{
	switch (s[0]) {
	case 'y': case 'Y':
		return len == 1 || spelled(s, len, "yes", "Yes", "YES") ? W_TRUE : W_NONE;
	case 't': case 'T':
		return spelled(s, len, "true", "True", "TRUE") ? W_TRUE : W_NONE;
	case 'o': case 'O':
		return spelled(s, len, "on", "On", "ON")    ? W_TRUE
		       : spelled(s, len, "off", "Off", "OFF") ? W_FALSE : W_NONE;
	case 'n': case 'N':
		return len == 1 || spelled(s, len, "no", "No", "NO") ? W_FALSE
		       : spelled(s, len, "null", "Null", "NULL")      ? W_NULL : W_NONE;
	case 'f': case 'F':
		return spelled(s, len, "false", "False", "FALSE") ? W_FALSE : W_NONE;
	case '~':
		return len == 1 ? W_NULL : W_NONE;
	case '.':
		return spelled(s, len, ".nan", ".NaN", ".NAN")   ? W_NAN
		       : spelled(s, len, ".inf", ".Inf", ".INF") ? W_INF : W_NONE;
	case '+':
		return spelled(s, len, "+.inf", "+.Inf", "+.INF") ? W_INF : W_NONE;
	case '-':
		return spelled(s, len, "-.inf", "-.Inf", "-.INF") ? W_NINF : W_NONE;
	default:
		return W_NONE;
	}
}

static bool resolve_word(const char *s, size_t len, struct kg_scalar *out)
{
	switch (word_of(s, len)) {
	case W_TRUE: out->type = KG_BOOL; out->b = true; return true;
	case W_FALSE: out->type = KG_BOOL; return true;
	case W_NULL: out->type = KG_NULL; return true;
	case W_NAN: out->type = KG_FLOAT; out->f = NAN; return true;
	case W_INF: out->type = KG_FLOAT; out->f = INFINITY; return true;
	case W_NINF: out->type = KG_FLOAT; out->f = -INFINITY; return true;
	default: return false;
	}
}

/* The untagged resolution of a plain scalar (go-yaml's resolve with tag ""). */
static void resolve_plain(const char *s, size_t len, struct kg_scalar *out)
{
	memset(out, 0, sizeof(*out));
	out->type = KG_STR;
	if (len == 0) {
		out->type = KG_NULL;
		return;
	}
	char c = s[0];
	if (c < '0' || c > '9') {
		/* every word is at most 5 bytes and none starts with a digit */
		if (len <= 5 && resolve_word(s, len, out))
			return;
		if (c == '.') {
			/* Go's ParseFloat on the raw text: only .digits[exp] can start with '.' */
			double f;
			if (yaml_style_float(s, len) && parse_float(s, len, &f) == 0) {
				out->type = KG_FLOAT;
				out->f = f;
			}
			return;
		}
		if (c != '+' && c != '-')
			return;
	}
	resolve_number(s, len, out);
}

/* Go's getnum(s, false) at *k: one or two digits. -1 when no digit. */
static int getnum(const char *s, size_t len, size_t *k)
{
	if (*k >= len || s[*k] < '0' || s[*k] > '9')
		return -1;
	int v = s[(*k)++] - '0';
	if (*k < len && s[*k] >= '0' && s[*k] <= '9')
		v = v * 10 + (s[(*k)++] - '0');
	return v;
}

static int days_in(int month, int year)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return d[month - 1];
}

/* go-yaml's parseTimestamp: time.Parse with the layouts "2006-1-2T15:4:5.999999999Z07:00"
 * (also with 't'), "2006-1-2 15:4:5.999999999" and "2006-1-2". */
static bool go_timestamp(const char *s, size_t len)
{
	size_t k = 0;
	for (; k < 4; k++)
		if (k >= len || s[k] < '0' || s[k] > '9')
			return false;
	int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	if (k >= len || s[k++] != '-')
		return false;
	int month = getnum(s, len, &k);
	if (month < 1 || month > 12 || k >= len || s[k++] != '-')
		return false;
	int day = getnum(s, len, &k);
	if (day < 1 || day > days_in(month, year))
		return false;
	if (k == len)
		return true;
	char sep = s[k++];
	if (sep != 'T' && sep != 't' && sep != ' ')
		return false;
	int h = getnum(s, len, &k);
	if (h < 0 || h > 23 || k >= len || s[k++] != ':')
		return false;
	int m = getnum(s, len, &k);
	if (m < 0 || m > 59 || k >= len || s[k++] != ':')
		return false;
	int sec = getnum(s, len, &k);
	if (sec < 0 || sec > 59)
		return false;
	if (k + 1 < len && (s[k] == '.' || s[k] == ',') && s[k + 1] >= '0' && s[k + 1] <= '9') {
		k++;
		while (k < len && s[k] >= '0' && s[k] <= '9')
			k++;
	}
	if (sep == ' ')
		return k == len;
	if (k < len && s[k] == 'Z')
		return k + 1 == len;
	/* ±hh:mm */
	if (len - k != 6 || (s[k] != '+' && s[k] != '-') || s[k + 3] != ':')
		return false;
	for (size_t i = k + 1; i < len; i++)
		if (i != k + 3 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static const char *short_tag(const char *tag)
{
	size_t n = strlen(TAG_PREFIX);
	if (tag && strncmp(tag, TAG_PREFIX, n) == 0)
		return tag + n;
	return NULL;
}

const char *kg_scalar_tag_name(const struct kg_scalar *sc)
{
	switch (sc->type) {
	case KG_NULL: return "!!null";
	case KG_BOOL: return "!!bool";
	case KG_INT: return "!!int";
	case KG_FLOAT: return sc->is_big ? "!!int" : "!!float";
	default: return "!!str";
	}
}

/* A scalar with a tag (not "!"). Not inlined: kg_scalar_resolve's common case (untagged)
 * then needs no stack frame. */
__attribute__((noinline)) static int resolve_tagged(const char *tag, const char *text, size_t len,
						    struct kg_scalar *out, const char **err)
{
	const char *st = short_tag(tag);
	if (!st) /* a local tag: go-yaml does not resolve it; the value is the text */
		return 0;
	if (!strcmp(st, "merge")) {
		/* go-yaml: a merge key is the text "<<", plain or tagged !!merge; any other text
		 * with the tag is an unresolvable tag, so a string */
		out->is_merge = eq(text, len, "<<");
		return 0;
	}
	if (!strcmp(st, "str") || !strcmp(st, "binary"))
		return 0;
	if (!strcmp(st, "timestamp")) {
		/* a timestamp decodes to its text (go-yaml v2 keeps timestamps as strings) */
		if (go_timestamp(text, len))
			return 0;
		resolve_plain(text, len, out);
		*err = "cannot decode value as !!timestamp";
		return -1;
	}
	bool want_null = !strcmp(st, "null"), want_bool = !strcmp(st, "bool");
	bool want_int = !strcmp(st, "int"), want_float = !strcmp(st, "float");
	if (!want_null && !want_bool && !want_int && !want_float)
		return 0; /* !!map, !!seq, !!set ... on a scalar, or unknown yaml.org tags: text */
	struct kg_scalar r;
	resolve_plain(text, len, &r);
	if (want_null && r.type == KG_NULL) {
		*out = r;
		return 0;
	}
	if (want_bool && r.type == KG_BOOL) {
		*out = r;
		return 0;
	}
	if (want_int && (r.type == KG_INT || r.is_big)) {
		*out = r;
		return 0;
	}
	if (want_float && r.type == KG_FLOAT && !r.is_big) {
		*out = r;
		return 0;
	}
	if (want_float && r.type == KG_INT && !r.is_uint) {
		/* go-yaml converts an int (not a uint64 or a big.Int) for !!float */
		out->type = KG_FLOAT;
		out->f = (double)r.i;
		return 0;
	}
	*out = r;
	*err = want_null ? "cannot decode value as !!null" : want_bool ? "cannot decode value as !!bool"
	       : want_int ? "cannot decode value as !!int" : "cannot decode value as !!float";
	return -1;
}

int kg_scalar_resolve(const char *tag, const char *text, size_t len, bool plain_implicit,
		      struct kg_scalar *out, const char **err)
{
	*err = NULL;
	if (tag && *tag && strcmp(tag, "!") != 0) {
		memset(out, 0, sizeof(*out));
		out->type = KG_STR;
		return resolve_tagged(tag, text, len, out, err);
	}
	/* "!" is the non-specific tag: libyaml reports `! 12` as tagged "!", and go-yaml leaves it
	 * unresolved (a string), as it does quoted scalars. */
	if (plain_implicit && (!tag || !*tag)) {
		resolve_plain(text, len, out);
		out->is_merge = eq(text, len, "<<");
	} else {
		memset(out, 0, sizeof(*out));
		out->type = KG_STR;
	}
	return 0;
}

void kg_scalar_key_text(const struct kg_scalar *sc, char *buf, size_t size)
{
	switch (sc->type) {
	case KG_BOOL:
		snprintf(buf, size, "%s", sc->b ? "true" : "false");
		break;
	case KG_INT:
		if (sc->is_uint)
			snprintf(buf, size, "%llu", (unsigned long long)sc->u);
		else
			snprintf(buf, size, "%lld", (long long)sc->i);
		break;
	case KG_FLOAT:
		if (isnan(sc->f)) {
			snprintf(buf, size, ".nan");
		} else if (isinf(sc->f)) {
			snprintf(buf, size, "%s", sc->f < 0 ? "-.inf" : ".inf");
		} else {
			/* strconv.FormatFloat(f, 'g', -1, 32): the shortest digits that round-trip as
			 * float32, in %e form when the exponent is < -4 or >= 6, else in %f form. */
			float f32 = (float)sc->f;
			if (isinf(f32)) {
				/* a double beyond float32's range: Go prints +Inf, which sigs.k8s.io/yaml
				 * turns into .inf */
				snprintf(buf, size, "%s", f32 < 0 ? "-.inf" : ".inf");
				break;
			}
			char e[48];
			int prec = 1;
			for (; prec < 9; prec++) {
				snprintf(e, sizeof(e), "%.*e", prec - 1, (double)f32);
				if (strtof(e, NULL) == f32)
					break;
			}
			if (prec == 9) /* nine digits always identify a float32 */
				snprintf(e, sizeof(e), "%.8e", (double)f32);
			int exp10 = atoi(strchr(e, 'e') + 1);
			if (exp10 < -4 || exp10 >= 6) {
				snprintf(buf, size, "%s", e); /* Go prints at least two exponent digits, as C does */
			} else {
				int decimals = prec - 1 - exp10;
				snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, (double)f32);
			}
		}
		break;
	default:
		if (size)
			buf[0] = '\0';
	}
}
