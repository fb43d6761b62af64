/* YAML 1.1 scalar resolution (scalar.h) against go-yaml v2's resolve.go as vendored by
 * sigs.k8s.io/yaml: one test per spelling class, then tags, then key stringification. */
#include <math.h>

#include "core/node.h"
#include "core/scalar.h"
#include "harness.h"

static struct kg_scalar res(const char *s)
{
	struct kg_scalar sc;
	const char *err = "unset";
	int rc = kg_scalar_resolve(NULL, s, strlen(s), true, &sc, &err);
	CHECK_INT(rc, 0);
	CHECK(err == NULL);
	return sc;
}

static int tagged(const char *tag, const char *s, struct kg_scalar *sc, const char **err)
{
	char full[64];
	snprintf(full, sizeof(full), "tag:yaml.org,2002:%s", tag);
	return kg_scalar_resolve(full, s, strlen(s), false, sc, err);
}

/* The node a document would hold, for kg_as_int and friends. */
static struct kg_node node_of(const struct kg_scalar *sc)
{
	struct kg_node n = { 0 };
	n.type = (uint8_t)sc->type;
	if (sc->type == KG_BOOL)
		n.v.b = sc->b;
	else if (sc->type == KG_INT && sc->is_uint) {
		n.flags |= KG_NODE_UINT;
		n.v.u = sc->u;
	} else if (sc->type == KG_INT)
		n.v.i = sc->i;
	else if (sc->type == KG_FLOAT)
		n.v.f = sc->f;
	return n;
}

#define BOOL_CASE(name, text, val)                                                             \
	TEST(name)                                                                             \
	{                                                                                      \
		struct kg_scalar sc = res(text);                                               \
		CHECK_INT(sc.type, KG_BOOL);                                                   \
		CHECK_INT(sc.b, val);                                                          \
	}

BOOL_CASE(bool_y, "y", true)
BOOL_CASE(bool_Y, "Y", true)
BOOL_CASE(bool_yes, "yes", true)
BOOL_CASE(bool_Yes, "Yes", true)
BOOL_CASE(bool_YES, "YES", true)
BOOL_CASE(bool_on, "on", true)
BOOL_CASE(bool_On, "On", true)
BOOL_CASE(bool_ON, "ON", true)
BOOL_CASE(bool_true, "true", true)
BOOL_CASE(bool_True, "True", true)
BOOL_CASE(bool_TRUE, "TRUE", true)
BOOL_CASE(bool_n, "n", false)
BOOL_CASE(bool_N, "N", false)
BOOL_CASE(bool_no, "no", false)
BOOL_CASE(bool_No, "No", false)
BOOL_CASE(bool_NO, "NO", false)
BOOL_CASE(bool_off, "off", false)
BOOL_CASE(bool_Off, "Off", false)
BOOL_CASE(bool_OFF, "OFF", false)
BOOL_CASE(bool_false, "false", false)
BOOL_CASE(bool_False, "False", false)
BOOL_CASE(bool_FALSE, "FALSE", false)

#define STR_CASE(name, text)                                                                   \
	TEST(name)                                                                             \
	{                                                                                      \
		struct kg_scalar sc = res(text);                                               \
		CHECK_INT(sc.type, KG_STR);                                                    \
		CHECK(!sc.is_merge);                                                           \
	}

/* mixed case and near misses are strings in go-yaml's table */
STR_CASE(str_tRUE, "tRUE")
STR_CASE(str_yES, "yES")
STR_CASE(str_oN, "oN")
STR_CASE(str_nO, "nO")
STR_CASE(str_Nul, "nULL")
STR_CASE(str_truthy, "truee")
STR_CASE(str_nan_word, "nan")
STR_CASE(str_NaN_word, "NaN")
STR_CASE(str_inf_word, "inf")
STR_CASE(str_Infinity, "Infinity")
STR_CASE(str_dot, ".")
STR_CASE(str_sign_only, "-")
STR_CASE(str_plus_only, "+")
STR_CASE(str_hex_empty, "0x")
STR_CASE(str_hex_float, "0x1p3")
STR_CASE(str_underscore_first, "_1")
STR_CASE(str_dot_underscore, "._5")
STR_CASE(str_exp_missing, "1e")
STR_CASE(str_dot_exp_missing, ".5e")
STR_CASE(str_timestamp, "2001-12-14t21:59:43.10-05:00")
STR_CASE(str_date, "2002-12-14")
STR_CASE(str_base60, "1:20")
STR_CASE(str_version, "1.2.3")
STR_CASE(str_neg_big_hex, "-0x8000000000000001")
STR_CASE(str_1e400, "1e400")
STR_CASE(str_neg_1e400, "-1e400")
STR_CASE(str_dot_5e400, ".5e400")
/* near misses of each word list the first byte picks */
STR_CASE(str_oFF, "oFF")
STR_CASE(str_OfF, "OfF")
STR_CASE(str_fALSE, "fALSE")
STR_CASE(str_yess, "yess")
STR_CASE(str_tilde2, "~~")
STR_CASE(str_nope, "nope")
STR_CASE(str_minus_nan, "-.nan")
STR_CASE(str_plus_inf_nodot, "+inf")
STR_CASE(str_long_word, "falsey")

#define INT_CASE(name, text, val)                                                              \
	TEST(name)                                                                             \
	{                                                                                      \
		struct kg_scalar sc = res(text);                                               \
		CHECK_INT(sc.type, KG_INT);                                                    \
		CHECK(!sc.is_uint);                                                            \
		CHECK_INT(sc.i, val);                                                          \
	}

INT_CASE(int_decimal, "12", 12)
INT_CASE(int_hex_0x1F, "0x1F", 31)
INT_CASE(int_hex_upper_prefix, "0X1f", 31)
INT_CASE(int_octal_0o17, "0o17", 15)
INT_CASE(int_octal_0O17, "0O17", 15)
INT_CASE(int_octal_017, "017", 15)
INT_CASE(int_binary_0b101, "0b101", 5)
INT_CASE(int_plus_12, "+12", 12)
INT_CASE(int_neg_hex, "-0x10", -16)
INT_CASE(int_neg_octal, "-0o17", -15)
INT_CASE(int_underscore, "1_000", 1000)
INT_CASE(int_underscores_anywhere, "1__0_", 10)
INT_CASE(int_hex_underscore, "0x_1_F", 31)
INT_CASE(int_zero, "0", 0)
INT_CASE(int_zero_zero, "00", 0)
INT_CASE(int_neg_zero, "-0", 0)
INT_CASE(int_max, "9223372036854775807", INT64_MAX)
INT_CASE(int_min, "-9223372036854775808", INT64_MIN)
/* go-yaml's legacy "0b" branch reads the rest with ParseInt(..., 2), which takes a sign */
INT_CASE(int_binary_signed_after_prefix, "0b-101", -5)
INT_CASE(int_long_octal_zeros, "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000017", 15)

TEST(uint_above_int64_max)
{
	struct kg_scalar sc = res("9223372036854775808");
	CHECK_INT(sc.type, KG_INT);
	CHECK(sc.is_uint);
	CHECK(sc.u == 9223372036854775808ull);
	sc = res("0xFFFFFFFFFFFFFFFF");
	CHECK(sc.is_uint);
	CHECK(sc.u == UINT64_MAX);
	/* the API server reads such a number as a float64: not an int field value */
	struct kg_node n = node_of(&sc);
	int64_t v = 7;
	CHECK(!kg_as_int(&n, &v));
	CHECK_INT(v, 7);
}

#define FLOAT_CASE(name, text, val)                                                            \
	TEST(name)                                                                             \
	{                                                                                      \
		struct kg_scalar sc = res(text);                                               \
		CHECK_INT(sc.type, KG_FLOAT);                                                  \
		CHECK(!sc.is_big);                                                             \
		CHECK(sc.f == (val));                                                          \
	}

FLOAT_CASE(float_1_5, "1.5", 1.5)
FLOAT_CASE(float_dot5, ".5", 0.5)
FLOAT_CASE(float_neg_dot5, "-.5", -0.5)
FLOAT_CASE(float_plus_dot5_exp, "+.5e1", 5.0)
FLOAT_CASE(float_dot5_exp, ".5E+3", 500.0)
FLOAT_CASE(float_trailing_dot, "1.", 1.0)
FLOAT_CASE(float_underscore, "1_000.5", 1000.5)
FLOAT_CASE(float_neg_beyond_int64, "-9223372036854775809", -9223372036854775809.0)
FLOAT_CASE(float_beyond_uint64, "18446744073709551616", 18446744073709551616.0)
FLOAT_CASE(float_tiny_underflow, "1e-400", 0.0)
/* a long decimal is still a number for go-yaml, not a string */
FLOAT_CASE(float_long_decimal, "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890", 1.2345678901234568e149)

TEST(float_08_is_float_8_usable_as_int)
{
	struct kg_scalar sc = res("08");
	CHECK_INT(sc.type, KG_FLOAT);
	CHECK(sc.f == 8.0);
	struct kg_node n = node_of(&sc);
	int64_t v = 0;
	CHECK(kg_as_int(&n, &v));
	CHECK_INT(v, 8);
	sc = res("09.5");
	CHECK_INT(sc.type, KG_FLOAT);
	CHECK(sc.f == 9.5);
}

TEST(float_whole_values_usable_as_int)
{
	const char *texts[] = { "0.0", "0e0", "1e3", "-2.0", "1_0.0" };
	const int64_t want[] = { 0, 0, 1000, -2, 10 };
	for (int i = 0; i < 5; i++) {
		struct kg_scalar sc = res(texts[i]);
		CHECK_INT(sc.type, KG_FLOAT);
		struct kg_node n = node_of(&sc);
		int64_t v = -99;
		CHECK(kg_as_int(&n, &v));
		CHECK_INT(v, want[i]);
	}
	/* a fraction or a float beyond int64 is not an int */
	struct kg_scalar sc = res("1.5");
	struct kg_node n = node_of(&sc);
	int64_t v;
	CHECK(!kg_as_int(&n, &v));
	sc = res("1e19");
	n = node_of(&sc);
	CHECK(!kg_as_int(&n, &v));
}

TEST(float_1e400_is_a_string)
{
	struct kg_scalar sc = res("1e400");
	CHECK_INT(sc.type, KG_STR);
	sc = res("1e308");
	CHECK_INT(sc.type, KG_FLOAT);
	CHECK(sc.f == 1e308);
}

TEST(bigint_beyond_uint64)
{
	/* not a decimal float, too big for uint64: sigs.k8s.io/yaml's go-yaml keeps a big.Int */
	struct kg_scalar sc = res("0x10000000000000000");
	CHECK_INT(sc.type, KG_FLOAT);
	CHECK(sc.is_big);
	CHECK(sc.f == 18446744073709551616.0);
	sc = res("0b11111111111111111111111111111111111111111111111111111111111111111");
	CHECK(sc.is_big);
	CHECK(sc.f == 36893488147419103231.0);
	sc = res("0o7777777777777777777777");
	CHECK(sc.is_big);
	CHECK(sc.f == 73786976294838206463.0);
	/* rounding of a 70-bit value to the nearest double */
	sc = res("0x3FFFFFFFFFFFFFFFFF");
	CHECK(sc.is_big);
	CHECK(sc.f == 0x3FFFFFFFFFFFFFFFFFp0);
}

TEST(null_forms)
{
	const char *texts[] = { "~", "null", "Null", "NULL", "" };
	for (int i = 0; i < 5; i++)
		CHECK_INT(res(texts[i]).type, KG_NULL);
	CHECK_INT(res("nULL").type, KG_STR);
	CHECK_INT(res("NUll").type, KG_STR);
}

TEST(inf_nan_forms)
{
	const char *pinf[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" };
	for (int i = 0; i < 6; i++) {
		struct kg_scalar sc = res(pinf[i]);
		CHECK_INT(sc.type, KG_FLOAT);
		CHECK(isinf(sc.f) && sc.f > 0);
	}
	const char *ninf[] = { "-.inf", "-.Inf", "-.INF" };
	for (int i = 0; i < 3; i++) {
		struct kg_scalar sc = res(ninf[i]);
		CHECK_INT(sc.type, KG_FLOAT);
		CHECK(isinf(sc.f) && sc.f < 0);
	}
	const char *nan[] = { ".nan", ".NaN", ".NAN" };
	for (int i = 0; i < 3; i++) {
		struct kg_scalar sc = res(nan[i]);
		CHECK_INT(sc.type, KG_FLOAT);
		CHECK(isnan(sc.f));
	}
	CHECK_INT(res(".iNF").type, KG_STR);
	CHECK_INT(res(".nAn").type, KG_STR);
	CHECK_INT(res("+.nan").type, KG_STR);
}

TEST(quoted_scalars_are_strings)
{
	/* libyaml reports quoted and block scalars with plain_implicit false */
	const char *texts[] = { "yes", "true", "0x1", "12", "~", "", ".inf", "<<" };
	for (int i = 0; i < 8; i++) {
		struct kg_scalar sc;
		const char *err;
		CHECK_INT(kg_scalar_resolve(NULL, texts[i], strlen(texts[i]), false, &sc, &err), 0);
		CHECK_INT(sc.type, KG_STR);
		CHECK(!sc.is_merge);
	}
}

TEST(merge_key_spelling)
{
	struct kg_scalar sc = res("<<");
	CHECK(sc.is_merge);
	CHECK_INT(sc.type, KG_STR);
	const char *err;
	CHECK_INT(tagged("merge", "<<", &sc, &err), 0);
	CHECK(sc.is_merge);
	/* !!merge on other text is an unresolvable tag: a plain string */
	CHECK_INT(tagged("merge", "foo", &sc, &err), 0);
	CHECK(!sc.is_merge);
	CHECK_INT(sc.type, KG_STR);
	CHECK(!res("<<<").is_merge);
}

TEST(tag_bool)
{
	struct kg_scalar sc;
	const char *err;
	CHECK_INT(tagged("bool", "true", &sc, &err), 0);
	CHECK_INT(sc.type, KG_BOOL);
	CHECK(sc.b);
	CHECK_INT(tagged("bool", "off", &sc, &err), 0);
	CHECK_INT(sc.type, KG_BOOL);
	CHECK(!sc.b);
	CHECK_INT(tagged("bool", "abc", &sc, &err), -1);
	CHECK_STR(err, "cannot decode value as !!bool");
	CHECK_STR(kg_scalar_tag_name(&sc), "!!str");
	CHECK_INT(tagged("bool", "1", &sc, &err), -1);
	CHECK_STR(kg_scalar_tag_name(&sc), "!!int");
}

TEST(tag_str)
{
	struct kg_scalar sc;
	const char *err;
	const char *texts[] = { "true", "12", "~", ".inf", "0x1F" };
	for (int i = 0; i < 5; i++) {
		CHECK_INT(tagged("str", texts[i], &sc, &err), 0);
		CHECK_INT(sc.type, KG_STR);
	}
}

TEST(tag_int)
{
	struct kg_scalar sc;
	const char *err;
	CHECK_INT(tagged("int", "12", &sc, &err), 0);
	CHECK_INT(sc.type, KG_INT);
	CHECK_INT(sc.i, 12);
	CHECK_INT(tagged("int", "0x10", &sc, &err), 0);
	CHECK_INT(sc.i, 16);
	CHECK_INT(tagged("int", "18446744073709551615", &sc, &err), 0);
	CHECK(sc.is_uint);
	CHECK_INT(tagged("int", "1.5", &sc, &err), -1);
	CHECK_STR(err, "cannot decode value as !!int");
	CHECK_STR(kg_scalar_tag_name(&sc), "!!float");
	CHECK_INT(tagged("int", "abc", &sc, &err), -1);
	CHECK_INT(tagged("int", "2001-01-01", &sc, &err), -1);
	CHECK_INT(tagged("int", "0x10000000000000000", &sc, &err), 0);
	CHECK(sc.is_big);
}

TEST(tag_float)
{
	struct kg_scalar sc;
	const char *err;
	CHECK_INT(tagged("float", "1", &sc, &err), 0);
	CHECK_INT(sc.type, KG_FLOAT);
	CHECK(sc.f == 1.0);
	CHECK_INT(tagged("float", "-0x10", &sc, &err), 0);
	CHECK(sc.f == -16.0);
	CHECK_INT(tagged("float", ".inf", &sc, &err), 0);
	CHECK(isinf(sc.f));
	/* go-yaml converts only int/int64 for !!float: a uint64 or a big integer fails */
	CHECK_INT(tagged("float", "18446744073709551615", &sc, &err), -1);
	CHECK_STR(err, "cannot decode value as !!float");
	CHECK_STR(kg_scalar_tag_name(&sc), "!!int");
	CHECK_INT(tagged("float", "0x10000000000000000", &sc, &err), -1);
	CHECK_STR(kg_scalar_tag_name(&sc), "!!int");
	CHECK_INT(tagged("float", "1e400", &sc, &err), -1);
	CHECK_STR(kg_scalar_tag_name(&sc), "!!str");
	CHECK_INT(tagged("float", "yes", &sc, &err), -1);
	CHECK_STR(kg_scalar_tag_name(&sc), "!!bool");
}

TEST(tag_null)
{
	struct kg_scalar sc;
	const char *err;
	CHECK_INT(tagged("null", "", &sc, &err), 0);
	CHECK_INT(sc.type, KG_NULL);
	CHECK_INT(tagged("null", "~", &sc, &err), 0);
	CHECK_INT(sc.type, KG_NULL);
	CHECK_INT(tagged("null", "x", &sc, &err), -1);
	CHECK_STR(err, "cannot decode value as !!null");
	CHECK_STR(kg_scalar_tag_name(&sc), "!!str");
}

TEST(tag_local_and_nonspecific_stay_strings)
{
	struct kg_scalar sc;
	const char *err;
	CHECK_INT(kg_scalar_resolve("!foo", "12", 2, false, &sc, &err), 0);
	CHECK_INT(sc.type, KG_STR);
	CHECK_INT(kg_scalar_resolve("!", "true", 4, true, &sc, &err), 0);
	CHECK_INT(sc.type, KG_STR);
	CHECK_INT(tagged("binary", "aGk=", &sc, &err), 0);
	CHECK_INT(sc.type, KG_STR);

	/* a collection tag on a scalar, or an unknown yaml.org tag: the text */
	CHECK_INT(tagged("map", "12", &sc, &err), 0);
	CHECK_INT(sc.type, KG_STR);
	CHECK_INT(tagged("foo", "12", &sc, &err), 0);
	CHECK_INT(sc.type, KG_STR);
}

TEST(go_parse_int)
{
	int64_t v;
	uint64_t u;
	CHECK_INT(kg_go_parse_int("0x7fffffffffffffff", 18, &v), 0);
	CHECK(v == INT64_MAX);
	CHECK_INT(kg_go_parse_int("0x8000000000000000", 18, &v), -1);
	CHECK_INT(kg_go_parse_int("-0x8000000000000000", 19, &v), 0);
	CHECK(v == INT64_MIN);
	CHECK_INT(kg_go_parse_int("08", 2, &v), -1);
	CHECK_INT(kg_go_parse_int("0b2", 3, &v), -1);
	CHECK_INT(kg_go_parse_int("", 0, &v), -1);
	CHECK_INT(kg_go_parse_uint("+5", 2, &u), -1);
	CHECK_INT(kg_go_parse_uint("18446744073709551615", 20, &u), 0);
	CHECK(u == UINT64_MAX);
	CHECK_INT(kg_go_parse_uint("18446744073709551616", 20, &u), -1);
	/* only the given length is read */
	CHECK_INT(kg_go_parse_int("123abc", 3, &v), 0);
	CHECK_INT(v, 123);
}

static const char *keytext(const char *text)
{
	static char buf[64];
	struct kg_scalar sc = res(text);
	kg_scalar_key_text(&sc, buf, sizeof(buf));
	return buf;
}

TEST(key_text_like_sigs_yaml)
{
	CHECK_STR(keytext("yes"), "true");
	CHECK_STR(keytext("off"), "false");
	CHECK_STR(keytext("0x10"), "16");
	CHECK_STR(keytext("-0o17"), "-15");
	CHECK_STR(keytext("1.5"), "1.5");
	CHECK_STR(keytext("1e3"), "1000");
	CHECK_STR(keytext("08"), "8");
	CHECK_STR(keytext("0.1"), "0.1");
	CHECK_STR(keytext("123456"), "123456");
	CHECK_STR(keytext("1234567.0"), "1.234567e+06");
	CHECK_STR(keytext("1e6"), "1e+06");
	CHECK_STR(keytext("0.0001"), "0.0001");
	CHECK_STR(keytext("0.00001"), "1e-05");
	CHECK_STR(keytext("3.14159265358979"), "3.1415927");
	CHECK_STR(keytext("-0.0"), "-0");
	CHECK_STR(keytext(".inf"), ".inf");
	CHECK_STR(keytext("-.Inf"), "-.inf");
	CHECK_STR(keytext(".NaN"), ".nan");
	CHECK_STR(keytext("1e300"), ".inf"); /* beyond float32: Go's +Inf */
}

TEST(tag_timestamp)
{
	struct kg_scalar sc;
	const char *err;
	const char *good[] = { "2001-12-14", "2001-1-2", "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43Z",
			       "2001-12-14 21:59:43.10", "2001-12-14T1:2:3,5+01:00", "2000-02-29", "2001-12-14 21:59:43" };
	for (int i = 0; i < 8; i++) {
		CHECK_INT(tagged("timestamp", good[i], &sc, &err), 0);
		CHECK_INT(sc.type, KG_STR);
	}
	const char *bad[] = { "2001-13-01", "2001-02-29", "1900-02-29", "01-12-14", "2001-12-14T25:00:00Z",
			      "2001-12-14 21:59:43Z", "2001-12-14T21:59:43", "2001-12-14T21:59:43+0100", "x",
			      "2001-12-14 21:59:60", "12" };
	for (int i = 0; i < 11; i++) {
		CHECK_INT(tagged("timestamp", bad[i], &sc, &err), -1);
		CHECK_STR(err, "cannot decode value as !!timestamp");
	}
	CHECK_INT(tagged("timestamp", "12", &sc, &err), -1);
	CHECK_STR(kg_scalar_tag_name(&sc), "!!int");
}

/* go-yaml v2's resolve table (resolve.go init), the only spellings that are words. */
static const struct {
	const char *s;
	enum kg_type type;
	int val; /* bool value, or the sign of an infinity (0 for NaN) */
} go_words[] = {
	{ "y", KG_BOOL, 1 }, { "Y", KG_BOOL, 1 }, { "yes", KG_BOOL, 1 }, { "Yes", KG_BOOL, 1 },
	{ "YES", KG_BOOL, 1 }, { "true", KG_BOOL, 1 }, { "True", KG_BOOL, 1 }, { "TRUE", KG_BOOL, 1 },
	{ "on", KG_BOOL, 1 }, { "On", KG_BOOL, 1 }, { "ON", KG_BOOL, 1 },
	{ "n", KG_BOOL, 0 }, { "N", KG_BOOL, 0 }, { "no", KG_BOOL, 0 }, { "No", KG_BOOL, 0 },
	{ "NO", KG_BOOL, 0 }, { "false", KG_BOOL, 0 }, { "False", KG_BOOL, 0 }, { "FALSE", KG_BOOL, 0 },
	{ "off", KG_BOOL, 0 }, { "Off", KG_BOOL, 0 }, { "OFF", KG_BOOL, 0 },
	{ "", KG_NULL, 0 }, { "~", KG_NULL, 0 }, { "null", KG_NULL, 0 }, { "Null", KG_NULL, 0 },
	{ "NULL", KG_NULL, 0 },
	{ ".nan", KG_FLOAT, 0 }, { ".NaN", KG_FLOAT, 0 }, { ".NAN", KG_FLOAT, 0 },
	{ ".inf", KG_FLOAT, 1 }, { ".Inf", KG_FLOAT, 1 }, { ".INF", KG_FLOAT, 1 },
	{ "+.inf", KG_FLOAT, 1 }, { "+.Inf", KG_FLOAT, 1 }, { "+.INF", KG_FLOAT, 1 },
	{ "-.inf", KG_FLOAT, -1 }, { "-.Inf", KG_FLOAT, -1 }, { "-.INF", KG_FLOAT, -1 },
};

/* One spelling: a table word resolves as the table says; any other letter-case variant, cut or
 * extension of a word is a string. */
static void check_word(const char *s)
{
	struct kg_scalar sc = res(s);
	for (size_t w = 0; w < sizeof(go_words) / sizeof(go_words[0]); w++) {
		if (strcmp(go_words[w].s, s) != 0)
			continue;
		CHECK_INT(sc.type, go_words[w].type);
		if (sc.type == KG_BOOL)
			CHECK_INT(sc.b, go_words[w].val);
		if (sc.type == KG_FLOAT && go_words[w].val)
			CHECK(isinf(sc.f) && (sc.f < 0) == (go_words[w].val < 0));
		if (sc.type == KG_FLOAT && !go_words[w].val)
			CHECK(isnan(sc.f));
		return;
	}
	if (sc.type != KG_STR)
		fprintf(stderr, "  spelling '%s'\n", s);
	CHECK_INT(sc.type, KG_STR);
}

TEST(word_spellings_every_case)
{
	static const char *const base[] = { "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
					    ".nan", ".inf", "+.inf", "-.inf", "nan", "inf", "+inf", ".na",
					    "yess", "ye", "tru", "truee", "o", "of", "offf", "onn", "nul", "nulll",
					    "fals", "falsee", "nO", ".infi", "+.in", "-.nan", "+.nan", "~~", "noo",
					    "yeah", "nil", "none", "t", "f", "-.in", ".", "+", "-" };
	for (size_t b = 0; b < sizeof(base) / sizeof(base[0]); b++) {
		size_t len = strlen(base[b]);
		/* every combination of letter cases */
		for (unsigned mask = 0; mask < (1u << len); mask++) {
			char s[8];
			bool skip = false;
			for (size_t k = 0; k <= len; k++)
				s[k] = base[b][k];
			for (size_t k = 0; k < len; k++) {
				if (!(mask >> k & 1))
					continue;
				if (s[k] >= 'a' && s[k] <= 'z')
					s[k] = (char)(s[k] - 'a' + 'A');
				else if (s[k] >= 'A' && s[k] <= 'Z')
					s[k] = (char)(s[k] - 'A' + 'a');
				else
					skip = true; /* not a letter: the variant equals another mask's */
			}
			if (!skip)
				check_word(s);
		}
	}
	/* every one- and two-byte text that is not a number */
	for (int c = 1; c < 256; c++) {
		for (int d = 0; d < 256; d++) {
			char s[3] = { (char)c, (char)d, 0 };
			if ((c >= '0' && c <= '9') || ((c == '+' || c == '-' || c == '.') && d >= '0' && d <= '9'))
				continue;
			check_word(s);
		}
	}
}
