/* YAML 1.1 scalar resolution as go-yaml v2's resolve.go does it (see scalar.h). */
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

static bool in_list(const char *s, size_t len, const char *const *list)
{
	for (; *list; list++)
		if (eq(s, len, *list))
			return true;
	return false;
}

static const char *const true_words[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
					  "on", "On", "ON", NULL };
static const char *const false_words[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE",
					   "off", "Off", "OFF", NULL };
static const char *const null_words[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const nan_words[] = { ".nan", ".NaN", ".NAN", NULL };
static const char *const pinf_words[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
static const char *const ninf_words[] = { "-.inf", "-.Inf", "-.INF", NULL };

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	return 99;
}

int kg_go_parse_uint(const char *s, size_t len, uint64_t *out)
{
	unsigned base = 10;
	if (len == 0)
		return -1;
	if (s[0] == '0') {
		char c1 = len >= 3 ? (char)(s[1] | 0x20) : 0;
		if (c1 == 'b' || c1 == 'o' || c1 == 'x') {
			base = c1 == 'b' ? 2 : c1 == 'o' ? 8 : 16;
			s += 2;
			len -= 2;
		} else {
			base = 8;
			s += 1;
			len -= 1;
		}
	}
	uint64_t n = 0;
	for (size_t k = 0; k < len; k++) {
		int d = digit_value(s[k]);
		if (d >= (int)base)
			return -1;
		if (n > (UINT64_MAX - (uint64_t)d) / base)
			return -1;
		n = n * base + (uint64_t)d;
	}
	*out = n;
	return 0;
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

/* Go's ParseFloat on a string already known to be a plain decimal float: fails on overflow. */
static int parse_float(const char *s, size_t len, double *out)
{
	char tmp[128];
	if (len >= sizeof(tmp))
		return -1; /* longer spellings are not numbers anyone writes; go keeps them exact, we refuse */
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	char *end;
	double v = strtod(tmp, &end);
	if (end != tmp + len)
		return -1;
	if (errno == ERANGE && isinf(v))
		return -1;
	*out = v;
	return 0;
}

static char hint_of(const char *s, size_t len)
{
	if (len == 0)
		return 'N';
	char c = s[0];
	if (c == '+' || c == '-')
		return 'S';
	if (c >= '0' && c <= '9')
		return 'D';
	if (strchr("yYnNtTfFoO~", c) && c)
		return 'M';
	if (c == '.')
		return '.';
	return 0;
}

/* The untagged resolution; returns the resolved type. */
static void resolve_plain(const char *s, size_t len, struct kg_scalar *out)
{
	memset(out, 0, sizeof(*out));
	out->type = KG_STR;
	char hint = hint_of(s, len);
	if (!hint)
		return;
	if (in_list(s, len, true_words)) {
		out->type = KG_BOOL;
		out->b = true;
		return;
	}
	if (in_list(s, len, false_words)) {
		out->type = KG_BOOL;
		return;
	}
	if (in_list(s, len, null_words)) {
		out->type = KG_NULL;
		return;
	}
	if (in_list(s, len, nan_words)) {
		out->type = KG_FLOAT;
		out->f = NAN;
		return;
	}
	if (in_list(s, len, pinf_words) || in_list(s, len, ninf_words)) {
		out->type = KG_FLOAT;
		out->f = s[0] == '-' ? -INFINITY : INFINITY;
		return;
	}
	if (eq(s, len, "<<")) {
		out->is_merge = true;
		return;
	}
	if (hint == '.') {
		/* Go's ParseFloat on the raw text: only .digits[exp] can start with '.' */
		double f;
		if (yaml_style_float(s, len) && parse_float(s, len, &f) == 0) {
			out->type = KG_FLOAT;
			out->f = f;
		}
		return;
	}
	if (hint != 'D' && hint != 'S')
		return;
	/* Timestamps resolve to strings for untyped decoding (go-yaml v2 keeps them as text). */
	char plain[128];
	size_t plen = 0;
	for (size_t k = 0; k < len; k++) {
		if (s[k] == '_')
			continue;
		if (plen + 1 >= sizeof(plain))
			return; /* absurdly long number-like text stays a string */
		plain[plen++] = s[k];
	}
	int64_t iv;
	uint64_t uv;
	double fv;
	if (kg_go_parse_int(plain, plen, &iv) == 0) {
		out->type = KG_INT;
		out->i = iv;
		return;
	}
	if (kg_go_parse_uint(plain, plen, &uv) == 0) {
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
	/* go-yaml's legacy binary forms ("0b..." is already covered by ParseInt base 0; "-0b..."
	 * too); kept for completeness of the spelling "-0b" with sign handled above. */
}

static const char *short_tag(const char *tag)
{
	size_t n = strlen(TAG_PREFIX);
	if (tag && strncmp(tag, TAG_PREFIX, n) == 0)
		return tag + n;
	return NULL;
}

int kg_scalar_resolve(const char *tag, const char *text, size_t len, bool plain_implicit,
		      struct kg_scalar *out, const char **err)
{
	memset(out, 0, sizeof(*out));
	out->type = KG_STR;
	*err = NULL;
	if (!tag || !*tag) {
		if (plain_implicit)
			resolve_plain(text, len, out);
		return 0;
	}
	const char *st = short_tag(tag);
	if (!st) /* "!" or a local tag: go-yaml does not resolve it; the value is the text */
		return 0;
	if (!strcmp(st, "str") || !strcmp(st, "binary"))
		return 0;
	if (!strcmp(st, "null")) {
		if (in_list(text, len, null_words)) {
			out->type = KG_NULL;
			return 0;
		}
		*err = "cannot decode value as !!null";
		return -1;
	}
	if (!strcmp(st, "timestamp"))
		return 0;
	struct kg_scalar r;
	resolve_plain(text, len, &r);
	if (!strcmp(st, "bool")) {
		if (r.type == KG_BOOL) {
			*out = r;
			return 0;
		}
		*err = "cannot decode value as !!bool";
		return -1;
	}
	if (!strcmp(st, "int")) {
		if (r.type == KG_INT) {
			*out = r;
			return 0;
		}
		*err = "cannot decode value as !!int";
		return -1;
	}
	if (!strcmp(st, "float")) {
		if (r.type == KG_FLOAT) {
			*out = r;
			return 0;
		}
		if (r.type == KG_INT) {
			out->type = KG_FLOAT;
			out->f = r.is_uint ? (double)r.u : (double)r.i;
			return 0;
		}
		*err = "cannot decode value as !!float";
		return -1;
	}
	if (!strcmp(st, "merge")) {
		out->is_merge = true;
		return 0;
	}
	/* !!map, !!seq, !!set ... on a scalar, or unknown yaml.org tags: leave as text. */
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
			char e[48];
			int prec = 1;
			for (; prec <= 9; prec++) {
				snprintf(e, sizeof(e), "%.*e", prec - 1, (double)f32);
				if (strtof(e, NULL) == f32)
					break;
			}
			int exp10 = atoi(strchr(e, 'e') + 1);
			if (exp10 < -4 || exp10 >= 6) {
				snprintf(buf, size, "%s", e);
				/* Go prints at least two exponent digits, as C does */
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
