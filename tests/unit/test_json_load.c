/* The JSON loader (kg_json_parse, kg_json_load through kg_loader_buffer): RFC 8259 strictness
 * (what a jsmn-style tokenizer alone lets through is refused), Go's decoding of numbers and strings, positions, and a differential check of
 * acceptance against jansson (test-only dependency; the product never links it). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "harness.h"
#include "loader_util.h"

/* Parse one value with lim (NULL: defaults); returns the dump or "ERR L:C: message". */
static const char *parse_lim(const char *s, size_t len, const struct kg_load_limits *lim)
{
	static char out[2048];
	struct kg_loader *L = kg_loader_new(lim);
	struct kg_arena a;
	kg_arena_init(&a, 0);
	const struct kg_node *root;
	struct kg_diag d;
	out[0] = '\0';
	if (kg_json_parse(L, &a, s, len, &root, &d) == 0)
		lu_dump(out, sizeof(out), root);
	else
		snprintf(out, sizeof(out), "ERR %u:%u: %s", d.line, d.col, d.message);
	kg_arena_release(&a);
	kg_loader_free(L);
	return out;
}

static const char *parse(const char *s, size_t len)
{
	return parse_lim(s, len, NULL);
}

static const char *p(const char *s)
{
	return parse(s, strlen(s));
}

/* The same with lim.positions off (audit lines). */
static const char *parse_nopos(const char *s, size_t len)
{
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.positions = false;
	return parse_lim(s, len, &lim);
}

TEST(json_object_types)
{
	CHECK_STR(p("{\"a\": 1, \"b\": -2.5, \"c\": true, \"d\": false, \"e\": null, \"f\": \"x\", \"g\": [1, {\"h\": []}], \"i\": {}}"),
		  "{\"a\":1,\"b\":-2.5f,\"c\":true,\"d\":false,\"e\":null,\"f\":\"x\",\"g\":[1,{\"h\":[]}],\"i\":{}}");
	/* any value at top level */
	CHECK_STR(p(" 12 "), "12");
	CHECK_STR(p("\"s\""), "\"s\"");
	CHECK_STR(p("[]"), "[]");
}

TEST(json_numbers_like_go)
{
	CHECK_STR(p("[0, -0, 9223372036854775807, -9223372036854775808]"), "[0,0,9223372036854775807,-9223372036854775808]");
	/* beyond int64: a float64, as the API server's unstructured decoding does */
	CHECK_STR(p("[9223372036854775808, 1e3, 1E+2, 0.5e-1, 1e-400]"),
		  "[9.2233720368547758e+18f,1000f,100f,0.050000000000000003f,0f]");
	CHECK_STR(p("[1e400]"), "ERR 1:2: invalid JSON: number out of range");
	CHECK_STR(p("{\"a\": -1e309}"), "ERR 1:7: invalid JSON: number out of range");
}

TEST(json_strings_escapes_and_surrogates)
{
	CHECK_STR(p("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t u\\u0041\\u00e9\\u20AC\""),
		  "\"q\\\" b\\\\ s/ \\x08\\x0c\\x0a\\x0d\\x09 uA\xC3\xA9\xE2\x82\xAC\"");
	/* a surrogate pair is one character; lone surrogates become U+FFFD as Go decodes them */
	CHECK_STR(p("\"\\ud83d\\ude00\""), "\"\xF0\x9F\x98\x80\"");
	CHECK_STR(p("\"\\uD83D\\uDE00\""), "\"\xF0\x9F\x98\x80\"");
	CHECK_STR(p("\"\\ud83d x\""), "\"\xEF\xBF\xBD x\"");
	CHECK_STR(p("\"\\ude00\""), "\"\xEF\xBF\xBD\"");
	CHECK_STR(p("\"\\ud83d\\u0041\""), "\"\xEF\xBF\xBD" "A\"");
	/* \u0000 is a legal character in a Go string */
	CHECK_STR(p("\"a\\u0000b\""), "\"a\\x00b\"");
	/* raw UTF-8 passes through */
	CHECK_STR(p("\"\xC3\xA9\xF0\x9F\x98\x80\""), "\"\xC3\xA9\xF0\x9F\x98\x80\"");
}

TEST(json_duplicate_keys_last_wins)
{
	lu_load("{\"kind\": \"Pod\", \"spec\": {\"hostPID\": false, \"hostPID\": true}}");
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.docs[0], "{\"kind\":\"Pod\",\"spec\":{\"hostPID\":true}}");
	CHECK_INT(lu.ndups, 1);
	CHECK_STR(lu.dups[0], "dup spec.hostPID 1:26->1:44");
}

TEST(json_concatenated_objects)
{
	lu_load("{\"a\":1}{\"b\":2}\n\n  {\"c\":\n3}\n");
	CHECK_INT(lu.nerrs, 0);
	CHECK_INT(lu.ndocs, 3);
	CHECK_STR(lu.docs[2], "{\"c\":3}");
	CHECK_INT(lu.doc_line[2], 3);
	CHECK_INT(lu.doc_index[2], 2);
	/* a top-level null is an empty document */
	lu_load("{\"a\":1} null {\"b\":2}");
	CHECK_INT(lu.ndocs, 2);
	CHECK_INT(lu.nerrs, 0);
}

TEST(json_complete_values_before_an_error_are_delivered)
{
	lu_load("{\"a\":1}\n{\"b\":2}\n{\"c\": [1,}\n{\"d\":4}\n");
	CHECK_INT(lu.ndocs, 2);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:3:10: invalid JSON: unexpected character");
	lu_load("{\"a\":1}\n{\"b\": tru}\n");
	CHECK_INT(lu.ndocs, 1);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:2:7: invalid JSON: unexpected value (expected a string, number, true, false or null)");
	lu_load("{\"a\":1}\n{\"b\": 2\n");
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.errs[0], "t:3:1: invalid JSON: unexpected end of input (unclosed string, object or array)");
	/* after a NUL byte nothing is read */
	lu_load_lim("{\"a\":1}\n\0{\"b\":2}", 16, NULL);
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.errs[0], "t:2:1: invalid JSON: NUL byte in input");
	lu_load("{\"a\":1}\nx");
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.errs[0], "t:2:1: invalid JSON: unexpected character");
	CHECK_INT(lu.rc, 1);
}

TEST(json_stdin_style_file_path)
{
	const char *s = "\xEF\xBB\xBF  {\"a\": 1}\n{\"b\": [true]}";
	lu_load_file(s, strlen(s));
	CHECK_INT(lu.nerrs, 0);
	CHECK_INT(lu.ndocs, 2);
	CHECK_STR(lu.docs[1], "{\"b\":[true]}");
}

/* Invalid JSON that jsmn's strict mode alone would let through, each with the position of the error. */
static const struct bad_case {
	const char *in, *want;
} invalid_cases[] = {
	{ "{\"a\":1,}", "ERR 1:7: invalid JSON: trailing comma before '}'" },
	{ "[1,]", "ERR 1:3: invalid JSON: trailing comma before ']'" },
	{ "{\"a\":1 \"b\":2}", "ERR 1:8: invalid JSON: expected ',' or '}'" },
	{ "[1 2]", "ERR 1:4: invalid JSON: expected ',' or ']'" },
	{ "[1,,2]", "ERR 1:4: invalid JSON: expected ',' or ']'" },
	{ "{\"a\" 1}", "ERR 1:6: invalid JSON: expected ':' after the key" },
	{ "{\"a\" [1]}", "ERR 1:6: invalid JSON: expected ':' after the key" },
	{ "{\"a\":1, 2}", "ERR 1:9: invalid JSON: expected a string key followed by ':'" },
	{ "{\"a\":1 2}", "ERR 1:8: invalid JSON: expected ',' or '}'" },
	{ "{\"a\"::1}", "ERR 1:6: invalid JSON: expected ':' after the key" },
	{ "{\"a\":1,,\"b\":2}", "ERR 1:8: invalid JSON: expected ',' or '}'" },
	{ "{,\"a\":1}", "ERR 1:2: invalid JSON: expected ',' or '}'" },
	{ "[01]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[1.]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[.5]", "ERR 1:2: invalid JSON: unexpected character" },
	{ "[-]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[+1]", "ERR 1:2: invalid JSON: unexpected character" },
	{ "[1e]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[1e+]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[0x10]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[-01]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[tru]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[True]", "ERR 1:2: invalid JSON: unexpected character" },
	{ "[nulll]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[NaN]", "ERR 1:2: invalid JSON: unexpected character" },
	{ "[Infinity]", "ERR 1:2: invalid JSON: unexpected character" },
	{ "[falsetrue]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[1true]", "ERR 1:2: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[\"a\"\"b\"]", "ERR 1:5: invalid JSON: expected ',' or ']'" },
	{ "[\"a\tb\"]", "ERR 1:4: invalid JSON: control character in string (escape it)" },
	{ "[\"a\nb\"]", "ERR 1:4: invalid JSON: control character in string (escape it)" },
	{ "[\"a\x7f\"]", "[\"a\\x7f\"]" }, /* DEL is allowed raw */
	{ "[\"\\x41\"]", "ERR 1:3: invalid JSON: invalid escape in string" },
	{ "[\"\\u12\"]", "ERR 1:3: invalid JSON: invalid \\u escape in string" },
	{ "[\"\\uZZZZ\"]", "ERR 1:3: invalid JSON: invalid \\u escape in string" },
	{ "[\"abc]", "ERR 1:7: invalid JSON: unexpected end of input (unclosed string, object or array)" },
	{ "['a']", "ERR 1:2: invalid JSON: unexpected character" },
	{ "[1] // c", "ERR 1:5: invalid JSON: unexpected character" },
	{ "[1]]", "ERR 1:4: invalid JSON: unexpected character" },
	{ "{\"a\":1}}", "ERR 1:8: invalid JSON: unexpected character" },
	{ "[1", "ERR 1:3: invalid JSON: unexpected end of input (unclosed string, object or array)" },
	{ "{\"a\":", "ERR 1:6: invalid JSON: unexpected end of input (unclosed string, object or array)" },
	{ "", "ERR 1:1: invalid JSON: empty input" },
	{ "   \n ", "ERR 2:2: invalid JSON: empty input" },
	{ "[1]\n[2]", "ERR 2:1: invalid JSON: unexpected data after the JSON value" },
	{ "{\"a\":1:2}", "ERR 1:6: invalid JSON: unexpected value (expected a string, number, true, false or null)" },
	{ "[\"a\":1]", "ERR 1:5: invalid JSON: unexpected ':'" },
	{ "{1:2}", "ERR 1:2: invalid JSON: expected a string key followed by ':'" },
	{ "{\"a\"}", "ERR 1:5: invalid JSON: expected ':' after the key" },
	{ "{[1]:2}", "ERR 1:2: invalid JSON: expected a string key followed by ':'" },
	{ "[1}", "ERR 1:3: invalid JSON: unexpected character" },
	{ "[\x0c" "1]", "ERR 1:2: invalid JSON: unexpected character" },
	{ "\xEF\xBB\xBF[1]", "ERR 1:1: invalid JSON: unexpected character" },
	{ "[\"\xC3\x28\"]", "ERR 1:3: invalid JSON: invalid UTF-8 in string" },
	{ "[\"\xED\xA0\x80\"]", "ERR 1:3: invalid JSON: invalid UTF-8 in string" },
	{ "[\"\xC0\xAF\"]", "ERR 1:3: invalid JSON: invalid UTF-8 in string" },
	{ "[\"\xF4\x90\x80\x80\"]", "ERR 1:3: invalid JSON: invalid UTF-8 in string" },
	{ "[\"\xE2\x82\"]", "ERR 1:3: invalid JSON: invalid UTF-8 in string" },
	{ "[\xC3\xA9]", "ERR 1:2: invalid JSON: unexpected character" },
};

/* Invalid JSON that jsmn's strict mode alone would let through, each with the position of the error. */
TEST(json_invalid_with_positions)
{
	const struct bad_case *cases = invalid_cases;
	for (size_t i = 0; i < sizeof(invalid_cases) / sizeof(invalid_cases[0]); i++) {
		const char *got = p(cases[i].in);
		if (strcmp(got, cases[i].want) != 0)
			fprintf(stderr, "  case %zu: %s\n", i, cases[i].in);
		CHECK_STR(got, cases[i].want);
	}
	/* NUL bytes, raw or inside a string */
	CHECK_STR(parse("[1,\0 2]", 7), "ERR 1:4: invalid JSON: NUL byte in input");
	CHECK_STR(parse("[\"a\0\"]", 6), "ERR 1:4: invalid JSON: NUL byte in input");
}

TEST(json_positions_multiline)
{
	CHECK_STR(p("{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2,\n  ]\n}"), "ERR 5:6: invalid JSON: trailing comma before ']'");
	CHECK_STR(p("{\r\n\"\xC3\xA9\xC3\xA9\": x}"), "ERR 2:7: invalid JSON: unexpected character");
}

TEST(json_depth_limit)
{
	size_t depth = 200000;
	char *s = malloc(depth * 2 + 2);
	memset(s, '[', depth);
	memset(s + depth, ']', depth);
	s[depth * 2] = '\0';
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_STR(parse(s, depth * 2), "ERR 1:1001: nesting deeper than 1000 levels");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 < 2.0);
	/* objects too, through the file loader */
	struct kg_buf b;
	kg_buf_init(&b, 0);
	for (size_t i = 0; i < depth; i++)
		CHECK_INT(kg_buf_adds(&b, "{\"a\":"), 0);
	CHECK_INT(kg_buf_adds(&b, "1"), 0);
	for (size_t i = 0; i < depth; i++)
		CHECK_INT(kg_buf_addc(&b, '}'), 0);
	lu_load_lim(b.data, b.len, NULL);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:1:5001: nesting deeper than 1000 levels");
	kg_buf_release(&b);
	free(s);
}

TEST(json_size_limit)
{
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.max_doc_bytes = 10;
	struct kg_loader *L = kg_loader_new(&lim);
	struct kg_arena a;
	kg_arena_init(&a, 0);
	const struct kg_node *root;
	struct kg_diag d;
	CHECK_INT(kg_json_parse(L, &a, "[1,2,3,4,5,6]", 13, &root, &d), -1);
	CHECK_STR(d.message, "invalid JSON: input larger than 10 bytes");
	CHECK_INT(d.line, 1);
	CHECK_INT(d.col, 1);
	kg_arena_release(&a);
	kg_loader_free(L);
	lu_load_lim("{\"a\": [1,2,3,4,5,6]}", 20, &lim);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:1:1: JSON input larger than the document size limit");
}

TEST(json_token_cap)
{
	/* 4,194,305 values in one input: past the tokenizer's cap (the node cap is the same) */
	size_t nvals = (4u << 20) + 1, len = 2 * nvals + 1;
	char *s = malloc(len + 1);
	s[0] = '[';
	for (size_t i = 0; i < nvals; i++) {
		s[1 + 2 * i] = '1';
		s[2 + 2 * i] = i + 1 < nvals ? ',' : ']';
	}
	s[len] = '\0';
	CHECK_STR(parse(s, len), "ERR 1:8388608: invalid JSON: too many values in one JSON input");
	free(s);
}

TEST(json_file_size_limit)
{
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.max_doc_bytes = 100000;
	FILE *fp = tmpfile();
	CHECK(fp != NULL);
	if (!fp)
		return;
	fputs("{\"a\": [", fp);
	for (int i = 0; i < 60000; i++)
		fputs("1,", fp);
	fputs("1]}", fp);
	rewind(fp);
	lu_reset();
	struct kg_loader *L = kg_loader_new(&lim);
	CHECK_INT(kg_loader_file(L, "big.json", fp, &lu_sink), 1);
	kg_loader_free(L);
	fclose(fp);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "big.json:1:1: input larger than the document size limit");
}

TEST(json_parse_reuses_loader)
{
	/* kg_json_parse leaves the loader usable for YAML and more JSON */
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 0);
	const struct kg_node *root;
	struct kg_diag d;
	for (int i = 0; i < 3; i++) {
		CHECK_INT(kg_json_parse(L, &a, "{\"k\": [1, 2]}", 13, &root, &d), 0);
		CHECK_INT(kg_seq_at(kg_map_get(root, "k"), 1)->v.i, 2);
		kg_arena_reset(&a);
	}
	lu_reset();
	kg_loader_buffer(L, "t", "a: 1\n", 5, &lu_sink);
	CHECK_INT(lu.ndocs, 1);
	kg_arena_release(&a);
	kg_loader_free(L);
}

/* ---- differential: acceptance must equal jansson's ---- */

static bool ours_accepts(const char *s, size_t len)
{
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 0);
	const struct kg_node *root;
	struct kg_diag d;
	int rc = kg_json_parse(L, &a, s, len, &root, &d);
	kg_arena_release(&a);
	kg_loader_free(L);
	return rc == 0;
}

static bool jansson_accepts(const char *s, size_t len)
{
	json_error_t e;
	/* any top-level value and \u0000 in strings, as Go allows both */
	json_t *j = json_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (!j)
		return false;
	json_decref(j);
	return true;
}

TEST(json_differential_jansson)
{
	static const char *const inputs[] = {
		"{}", "[]", "0", "-0", "1.5", "-1.5e-3", "1E2", "1e+2", "true", "false", "null", "\"\"",
		" {\"a\" : [ 1 , 2 ] } ", "\t\r\n[1]\n", "{\"a\":{\"b\":{\"c\":[[[]]]}}}", "\"\\u00e9\\n\"",
		"\"\\ud83d\\ude00\"", "\"\xC3\xA9\"", "\"\xF0\x9F\x98\x80\"", "\"\x7f\"", "1e-400", "\"\\u0000\"",
		"{\"a\":1,\"a\":2}", "9223372036854775807", "-9223372036854775808", "123456789.123456789e2",
		"[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[,1]", "[1,,2]", "{,}",
		"01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "1.5.5", "--1", "1-", "Infinity", "NaN",
		"tru", "True", "nul", "falsee", "[true false]", "\"abc", "'a'", "[1]]", "{\"a\":1}}", "[1] x",
		"// c\n[1]", "[1] /* c */", "\"a\tb\"", "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "\"\\uGGGG\"",
		"\"\\'\"", "\"\xC3\x28\"", "\"\xED\xA0\x80\"", "\"\xC0\xAF\"", "\"\xF4\x90\x80\x80\"", "\"\xE2\x82\"",
		"\"\xFF\"", "[\xC3\xA9]", "\xEF\xBB\xBF[1]", "", " ", "[\x0c]", "[\x0b]", "{1:2}", "{\"a\"}",
		"{\"a\":}", "{:1}", "[\"a\":1]", "{\"a\":1:2}", "1e400", "-1e400", "[1e309]", "{\"a\":[}",
		"[}", "{]", "\"\\\"", "[\"a\" , ]", "[] []", "{} x", "{\"\\ud83d\\ude00\":1}", "[-]", "[1E400]",
	};
	int checked = 0;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		const char *s = inputs[i];
		bool a = ours_accepts(s, strlen(s)), b = jansson_accepts(s, strlen(s));
		if (a != b)
			fprintf(stderr, "  differs on [%s]: kguard %s, jansson %s\n", s, a ? "accepts" : "rejects",
				b ? "accepts" : "rejects");
		CHECK(a == b);
		checked++;
	}
	CHECK_INT(checked, (int)(sizeof(inputs) / sizeof(inputs[0])));
	/* NUL bytes: both refuse them outside an escape */
	CHECK(!ours_accepts("[1,\0 2]", 7) && !jansson_accepts("[1,\0 2]", 7));
	CHECK(!ours_accepts("\"a\0\"", 4) && !jansson_accepts("\"a\0\"", 4));
}

TEST(json_deliberate_differences_from_jansson)
{
	/* Where Go's decoding (what the API server does) and jansson disagree, we follow Go:
	 * lone surrogates decode to U+FFFD, and integers beyond int64 are float64s. */
	const char *lone = "\"\\ud800\"";
	CHECK(ours_accepts(lone, strlen(lone)));
	CHECK(!jansson_accepts(lone, strlen(lone)));
	const char *big = "18446744073709551616";
	CHECK(ours_accepts(big, strlen(big)));
	CHECK(!jansson_accepts(big, strlen(big)));
	/* nesting: jansson allows 2048 levels, the loader caps at 1000 */
	char deep[3001];
	memset(deep, '[', 1500);
	memset(deep + 1500, ']', 1500);
	CHECK(!ours_accepts(deep, 3000));
	CHECK(jansson_accepts(deep, 3000));
}

/* ---- positions off (lim.positions = false, as kguard audit parses its lines) ---- */

/* Every node's and key's position, in document order: "L:C" for nodes, "kL:C" for keys. */
static void dump_pos(char *buf, size_t size, const struct kg_node *n)
{
	lu_cat(buf, size, "%u:%u ", n->line, n->col);
	if (n->type == KG_MAP) {
		for (uint32_t i = 0; i < n->len; i++) {
			lu_cat(buf, size, "k%u:%u ", n->v.pairs[i].line, n->v.pairs[i].col);
			dump_pos(buf, size, n->v.pairs[i].value);
		}
	} else if (n->type == KG_SEQ) {
		for (uint32_t i = 0; i < n->len; i++)
			dump_pos(buf, size, n->v.items[i]);
	}
}

static void tree_and_positions(const char *s, bool positions, char *tree, char *pos, size_t size)
{
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.positions = positions;
	struct kg_loader *L = kg_loader_new(&lim);
	struct kg_arena a;
	kg_arena_init(&a, 0);
	const struct kg_node *root;
	struct kg_diag d;
	tree[0] = pos[0] = '\0';
	if (kg_json_parse(L, &a, s, strlen(s), &root, &d) == 0) {
		lu_dump(tree, size, root);
		dump_pos(pos, size, root);
	}
	kg_arena_release(&a);
	kg_loader_free(L);
}

TEST(json_positions_off_same_tree_zero_positions)
{
	const char *in = "{\n  \"a\": [1, \"x\", {\"b\": null}],\n  \"c\": true\n}";
	char t1[512], p1[512], t2[512], p2[512];
	tree_and_positions(in, true, t1, p1, sizeof(t1));
	tree_and_positions(in, false, t2, p2, sizeof(t2));
	CHECK_STR(t1, "{\"a\":[1,\"x\",{\"b\":null}],\"c\":true}");
	CHECK_STR(t2, t1);
	CHECK_STR(p1, "1:1 k2:3 2:8 2:9 2:12 2:17 k2:18 2:23 k3:3 3:8 ");
	CHECK_STR(p2, "0:0 k0:0 0:0 0:0 0:0 0:0 k0:0 0:0 k0:0 0:0 ");
	/* the file loader: document line and duplicate keys without positions */
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.positions = false;
	const char *dup = "\n{\"kind\": \"Pod\", \"spec\": {\"hostPID\": false, \"hostPID\": true}}";
	lu_load_lim(dup, strlen(dup), &lim);
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.docs[0], "{\"kind\":\"Pod\",\"spec\":{\"hostPID\":true}}");
	CHECK_INT(lu.doc_line[0], 0);
	CHECK_INT(lu.ndups, 1);
	CHECK_STR(lu.dups[0], "dup spec.hostPID 0:0->0:0");
	lu_load(dup);
	CHECK_INT(lu.doc_line[0], 2);
	CHECK_STR(lu.dups[0], "dup spec.hostPID 2:26->2:44");
}

TEST(json_positions_off_errors_keep_positions)
{
	/* an error's position is computed when it happens: the same text and position */
	for (size_t i = 0; i < sizeof(invalid_cases) / sizeof(invalid_cases[0]); i++) {
		const char *in = invalid_cases[i].in;
		CHECK_STR(parse_nopos(in, strlen(in)), invalid_cases[i].want);
	}
	static const char *const multi[] = { "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2,\n  ]\n}",
					     "{\r\n\"\xC3\xA9\xC3\xA9\": x}", "[\"\xC3\xA9\",\n \"\xC3\xA9\x01\"]" };
	CHECK_STR(parse_nopos(multi[0], strlen(multi[0])), "ERR 5:6: invalid JSON: trailing comma before ']'");
	CHECK_STR(parse_nopos(multi[1], strlen(multi[1])), "ERR 2:7: invalid JSON: unexpected character");
	CHECK_STR(parse_nopos(multi[2], strlen(multi[2])), "ERR 2:4: invalid JSON: control character in string (escape it)");
	CHECK_STR(p(multi[2]), "ERR 2:4: invalid JSON: control character in string (escape it)");
	CHECK_STR(parse_nopos("[1,\0 2]", 7), "ERR 1:4: invalid JSON: NUL byte in input");
	/* errors of the tree builder (depth and node caps), which only sees 0:0 */
	char deep[2100];
	memset(deep, '[', 1050);
	memset(deep + 1050, ']', 1050);
	CHECK_STR(parse_nopos(deep, 2100), "ERR 1:1001: nesting deeper than 1000 levels");
	CHECK_STR(parse(deep, 2100), "ERR 1:1001: nesting deeper than 1000 levels");
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.max_nodes = 5; /* the document, the array and 3 values */
	const char *seq = "[\n1,\n2,\n 3,\n  4,\n5]";
	CHECK_STR(parse_lim(seq, strlen(seq), &lim), "ERR 5:3: document has more than 5 nodes");
	lim.positions = false;
	CHECK_STR(parse_lim(seq, strlen(seq), &lim), "ERR 5:3: document has more than 5 nodes");
	lim.max_nodes = 4; /* keys count too */
	const char *map = "{\n\"a\": 1,\n \"\xC3\xA9\": 2}";
	CHECK_STR(parse_lim(map, strlen(map), &lim), "ERR 3:2: document has more than 4 nodes");
	lim.positions = true;
	CHECK_STR(parse_lim(map, strlen(map), &lim), "ERR 3:2: document has more than 4 nodes");
}

TEST(json_string_ending_in_a_backslash_is_unclosed)
{
	/* the last byte of the input escapes nothing: the string is not closed */
	CHECK_STR(p("\"abc\\"), "ERR 1:6: invalid JSON: unexpected end of input (unclosed string, object or array)");
	CHECK_STR(p("[\"abc\\"), "ERR 1:7: invalid JSON: unexpected end of input (unclosed string, object or array)");
	CHECK_STR(parse("\"abc\\\0", 6), "ERR 1:6: invalid JSON: NUL byte in input");
	CHECK_STR(p("\"abc\\\\\""), "\"abc\\\\\"");
	lu_load("{\"a\":1} \"x\\");
	CHECK_INT(lu.ndocs, 1);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:1:12: invalid JSON: unexpected end of input (unclosed string, object or array)");
}

/* Strings are scanned 16 and 8 bytes at a time: put each kind of byte that ends a plain run at
 * every position of strings of 0 to 40 bytes, as values and as keys, with and without positions. */
TEST(json_string_scan_boundaries)
{
	static const struct {
		const char *raw, *dumped, *error;
	} specials[] = {
		{ "\\n", "\\x0a", NULL },
		{ "\\\"", "\\\"", NULL },
		{ "\\\\", "\\\\", NULL },
		{ "\\u00e9", "\xC3\xA9", NULL },
		{ "\\ud83d\\ude00", "\xF0\x9F\x98\x80", NULL },
		{ "\xC3\xA9", "\xC3\xA9", NULL },
		{ "\x7f", "\\x7f", NULL },
		{ "~", "~", NULL },
		{ "\x01", NULL, "control character in string (escape it)" },
		{ "\x1f", NULL, "control character in string (escape it)" },
		{ "\xFF", NULL, "invalid UTF-8 in string" },
		{ "\xC3(", NULL, "invalid UTF-8 in string" },
	};
	char in[256], want[256], pre[64], post[64];
	int checked = 0;
	for (size_t k = 0; k < sizeof(specials) / sizeof(specials[0]); k++) {
		for (int len = 0; len <= 40; len++) {
			for (int at = 0; at <= len; at++) {
				memset(pre, 'a', (size_t)at);
				pre[at] = '\0';
				memset(post, 'b', (size_t)(len - at));
				post[len - at] = '\0';
				for (int as_key = 0; as_key < 2; as_key++) {
					if (as_key)
						snprintf(in, sizeof(in), "{\"%s%s%s\":\"z\"}", pre, specials[k].raw, post);
					else
						snprintf(in, sizeof(in), "[\"%s%s%s\",\"z\"]", pre, specials[k].raw, post);
					if (specials[k].error)
						snprintf(want, sizeof(want), "ERR 1:%d: invalid JSON: %s", 3 + at, specials[k].error);
					else if (as_key)
						snprintf(want, sizeof(want), "{\"%s%s%s\":\"z\"}", pre, specials[k].dumped, post);
					else
						snprintf(want, sizeof(want), "[\"%s%s%s\",\"z\"]", pre, specials[k].dumped, post);
					const char *got = p(in);
					if (strcmp(got, want))
						fprintf(stderr, "  special %zu len %d at %d key %d\n", k, len, at, as_key);
					CHECK_STR(got, want);
					CHECK_STR(parse_nopos(in, strlen(in)), want);
					checked++;
				}
			}
		}
	}
	CHECK_INT(checked, 12 * 861 * 2);
	/* plain strings of every length end exactly at their quote */
	for (int len = 0; len <= 40; len++) {
		memset(pre, 'q', (size_t)len);
		pre[len] = '\0';
		snprintf(in, sizeof(in), "[\"%s\",\"%s\"]", pre, pre);
		CHECK_STR(p(in), in);
	}
}

TEST(json_scalar_text)
{
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 0);
	const struct kg_node *root;
	struct kg_diag d;
	const char *in = "[true, false, null, 1.50, -0, 1e2, 12345678901234567890, \"s\\n\"]";
	CHECK_INT(kg_json_parse(L, &a, in, strlen(in), &root, &d), 0);
	static const char *const texts[] = { "true", "false", "null", "1.50", "-0", "1e2", "12345678901234567890", "s\n" };
	CHECK_INT(root->len, 8);
	for (uint32_t i = 0; i < root->len && i < 8; i++)
		CHECK_STR(kg_seq_at(root, i)->text, texts[i]);
	CHECK(kg_seq_at(root, 0)->v.b && !kg_seq_at(root, 1)->v.b);
	CHECK_INT(kg_seq_at(root, 2)->type, KG_NULL);
	CHECK_INT(kg_seq_at(root, 4)->v.i, 0);
	CHECK(kg_seq_at(root, 3)->v.f == 1.5);
	CHECK_INT(kg_seq_at(root, 7)->len, 2);
	kg_arena_release(&a);
	kg_loader_free(L);
}

/* Duplicate keys in maps of every size: small maps are searched linearly with a fingerprint,
 * large ones through the keyed hash index. In half of the runs all keys share their first and
 * last 8 bytes and their length (one fingerprint for all). */
TEST(json_duplicate_keys_every_map_size)
{
	static const int sizes[] = { 1, 2, 16, 17, 31, 32, 33, 64, 100 };
	size_t cap = 8192, cols[128];
	char *in = malloc(cap), name[2][32], want[2][128];
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (int alike = 0; alike < 2; alike++) {
			int n = sizes[si];
			const char *fmt = alike ? "abcdefgh%04dstuvwxyz" : "k%d";
			size_t len = 0;
			in[len++] = '{';
			for (int i = 0; i < n + 2; i++) { /* n keys, then the first and the last again */
				int k = i < n ? i : i == n ? 0 : n - 1;
				char key[32];
				snprintf(key, sizeof(key), fmt, k);
				if (i)
					in[len++] = ',';
				cols[i] = len + 1;
				len += (size_t)snprintf(in + len, cap - len, "\"%s\":%d", key, i);
			}
			in[len++] = '}';
			snprintf(name[0], sizeof(name[0]), fmt, 0);
			snprintf(name[1], sizeof(name[1]), fmt, n - 1);
			snprintf(want[0], sizeof(want[0]), "dup %s 1:%zu->1:%zu", name[0], cols[0], cols[n]);
			/* with one key, its second write moved its position to cols[1] */
			snprintf(want[1], sizeof(want[1]), "dup %s 1:%zu->1:%zu", name[1], cols[n == 1 ? 1 : n - 1], cols[n + 1]);
			lu_load_lim(in, len, NULL);
			CHECK_INT(lu.ndocs, 1);
			CHECK_INT(lu.ndups, 2);
			CHECK_STR(lu.dups[0], want[0]);
			CHECK_STR(lu.dups[1], want[1]);
			struct kg_loader *L = kg_loader_new(NULL);
			struct kg_arena a;
			kg_arena_init(&a, 0);
			const struct kg_node *root;
			struct kg_diag d;
			CHECK_INT(kg_json_parse(L, &a, in, len, &root, &d), 0);
			CHECK_INT(root->len, n);
			CHECK_INT(kg_map_get(root, name[0])->v.i, n == 1 ? n + 1 : n);
			CHECK_INT(kg_map_get(root, name[1])->v.i, n + 1);
			CHECK_STR(root->v.pairs[0].key, name[0]); /* document order is kept */
			CHECK_STR(root->v.pairs[n - 1].key, name[1]);
			for (int i = 1; i + 1 < n; i++) {
				char key[32];
				snprintf(key, sizeof(key), fmt, i);
				CHECK_INT(kg_map_get(root, key)->v.i, i);
			}
			kg_arena_release(&a);
			kg_loader_free(L);
		}
	}
	free(in);
}

/* The YAML splitter counts lines a word at a time where only LF can end one; CR, CR LF, NEL,
 * LS and PS, and non-ASCII text, take the byte-by-byte path. */
TEST(splitter_line_counts)
{
	static const struct {
		const char *in;
		unsigned doc1_line, err_line;
	} cases[] = {
		{ "a: 1\r\nb: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n---\r\nc: 2\r\n---\nd: [\n", 3, 7 },
		{ "a: \xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 long long long line here\xC2\x85" "b: 2\xE2\x80\xA8" "c: 3\xE2\x80\xA9"
		  "d: 4\n---\ne: 5\n---\nf: [\n", 5, 9 },
		{ "a: 1\rb: 2\r\r\n---\ng: 1\n# aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\n\n---\n\nh: [\n", 4, 12 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int file = 0; file < 2; file++) {
			if (file)
				lu_load_file(cases[i].in, strlen(cases[i].in));
			else
				lu_load(cases[i].in);
			CHECK_INT(lu.ndocs, 2);
			CHECK_INT(lu.doc_line[1], cases[i].doc1_line);
			CHECK_INT(lu.nerrs, 1);
			char want[64];
			snprintf(want, sizeof(want), "t:%u:1: ", cases[i].err_line);
			CHECK(strncmp(lu.errs[0], want, strlen(want)) == 0);
		}
	}
}
