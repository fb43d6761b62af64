/* The YAML loader (load.h): typing in context, tags, anchors and aliases, merge keys, duplicate
 * and non-string keys, streams, positions, and hostile input. Expected trees are what
 * sigs.k8s.io/yaml (go-yaml v2) produces; errors carry file, line and column. */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "harness.h"
#include "core/loader_priv.h"
#include "loader_util.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- scalars in documents ---- */

TEST(plain_scalars_typed_in_documents)
{
	CHECK_STR(lu_one("a: yes\nb: No\nc: on\nd: tRUE\ne: ~\nf:\ng: 0x1F\nh: 017\ni: 08\nj: .5\nk: 1e400\n"),
		  "{\"a\":true,\"b\":false,\"c\":true,\"d\":\"tRUE\",\"e\":null,\"f\":null,\"g\":31,\"h\":15,"
		  "\"i\":8f,\"j\":0.5f,\"k\":\"1e400\"}");
	CHECK_INT(lu.nerrs, 0);
}

TEST(quoted_and_block_scalars_are_strings)
{
	CHECK_STR(lu_one("a: \"yes\"\nb: 'true'\nc: \"0x1\"\nd: ''\ne: |\n  true\nf: >-\n  12\ng: \"~\"\n"),
		  "{\"a\":\"yes\",\"b\":\"true\",\"c\":\"0x1\",\"d\":\"\",\"e\":\"true\\x0a\",\"f\":\"12\",\"g\":\"~\"}");
}

static const struct kg_node *flags_root;
static uint8_t flags_seen[8];
static void grab_flags(const struct kg_doc *d)
{
	flags_root = d->root;
	for (uint32_t i = 0; i < d->root->len && i < 8; i++)
		flags_seen[i] = d->root->v.pairs[i].value->flags;
}

TEST(node_flags_and_text)
{
	lu_on_doc = grab_flags;
	lu_load("a: \"x\"\nb: !!int \"7\"\nc: 0x1F\nd: 18446744073709551615\ne: 0x10000000000000000\n");
	lu_on_doc = NULL;
	CHECK_INT(lu.ndocs, 1);
	CHECK(flags_seen[0] & KG_NODE_QUOTED);
	CHECK(flags_seen[1] & KG_NODE_TAGGED);
	CHECK(!(flags_seen[2] & (KG_NODE_QUOTED | KG_NODE_TAGGED)));
	CHECK(flags_seen[3] & KG_NODE_UINT);
	CHECK(flags_seen[4] & KG_NODE_BIGINT);
	CHECK_STR(lu.docs[0], "{\"a\":\"x\",\"b\":7,\"c\":31,\"d\":18446744073709551615u,\"e\":1.8446744073709552e+19b}");
}

TEST(inf_and_nan_values_are_errors)
{
	/* json.Marshal refuses them, so kubectl and the API server reject the document */
	lu_load("a: .inf\n---\nb: -.Inf\n---\nc: .NaN\n---\nd: ok\n");
	CHECK_INT(lu.nerrs, 3);
	CHECK_STR(lu.errs[0], "t:1:4: `.inf` cannot be converted to JSON (json: unsupported value: +Inf); kubectl and the API server reject this document");
	CHECK_STR(lu.errs[1], "t:3:4: `-.Inf` cannot be converted to JSON (json: unsupported value: -Inf); kubectl and the API server reject this document");
	CHECK_STR(lu.errs[2], "t:5:4: `.NaN` cannot be converted to JSON (json: unsupported value: NaN); kubectl and the API server reject this document");
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.docs[0], "{\"d\":\"ok\"}");
	CHECK_INT(lu.doc_index[0], 3);
	/* as keys they are fine: ".inf" */
	CHECK_STR(lu_one(".inf: 1\n.nan: 2\n"), "{\".inf\":1,\".nan\":2}");
}

TEST(huge_bigint_value_is_an_error)
{
	char doc[1000] = "a: 0x";
	memset(doc + 5, 'F', 300);
	strcpy(doc + 305, "\n");
	lu_load(doc);
	CHECK_INT(lu.ndocs, 0);
	CHECK_INT(lu.nerrs, 1);
	CHECK(strncmp(lu.errs[0], "t:1:4: integer `0xFFFFFFFF", 26) == 0);
	CHECK(strstr(lu.errs[0], "...` is too large: the API server cannot read it as a number") != NULL);
}

/* ---- explicit tags ---- */

TEST(tag_bool_on_quoted)
{
	CHECK_STR(lu_one("a: !!bool \"true\"\nb: !!bool 'off'\n"), "{\"a\":true,\"b\":false}");
}

TEST(tag_str_on_plain)
{
	CHECK_STR(lu_one("a: !!str true\nb: !!str 12\nc: !!str\n"), "{\"a\":\"true\",\"b\":\"12\",\"c\":\"\"}");
}

TEST(tag_int_and_float)
{
	CHECK_STR(lu_one("a: !!int \"12\"\nb: !!float 1\nc: !!float \"0x10\"\nd: !<tag:yaml.org,2002:int> \"3\"\n"),
		  "{\"a\":12,\"b\":1f,\"c\":16f,\"d\":3}");
}

TEST(tag_with_tag_directive)
{
	CHECK_STR(lu_one("%TAG !y! tag:yaml.org,2002:\n---\na: !y!int \"5\"\n"), "{\"a\":5}");
}

TEST(tag_failure_is_an_error_with_position)
{
	lu_load("kind: x\nspec:\n  a: !!bool abc\n---\nb: !!int 1.5\n---\nc: !!float yes\n---\nd: !!null x\n---\ne: 1\n");
	CHECK_INT(lu.nerrs, 4);
	CHECK_STR(lu.errs[0], "t:3:6: cannot decode !!str `abc` as a !!bool");
	CHECK_STR(lu.errs[1], "t:5:4: cannot decode !!float `1.5` as a !!int");
	CHECK_STR(lu.errs[2], "t:7:4: cannot decode !!bool `yes` as a !!float");
	CHECK_STR(lu.errs[3], "t:9:4: cannot decode !!str `x` as a !!null");
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.docs[0], "{\"e\":1}");
}

TEST(tag_failure_message_is_sanitised)
{
	lu_load("a: !!int \"line1\\nline2 and a long tail that goes on past sixty bytes of text, really\"\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:1:4: cannot decode !!str `line1?line2 and a long tail that goes on past sixty bytes of...` as a !!int");
}

TEST(tag_binary)
{
	CHECK_STR(lu_one("a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8gd29y\n  bGQ=\nc: !!binary \"\"\n"),
		  "{\"a\":\"hello\",\"b\":\"hello world\",\"c\":\"\"}");
	/* bytes that are not UTF-8 reach the API server as U+FFFD (json.Marshal) */
	CHECK_STR(lu_one("a: !!binary /w==\n"), "{\"a\":\"\xEF\xBF\xBD\"}");
	/* a binary key is its decoded text */
	CHECK_STR(lu_one("!!binary a2V5: v\n"), "{\"key\":\"v\"}");
}

TEST(tag_binary_invalid)
{
	/* Go's StdEncoding: padding required, only \r and \n ignored, nothing after padding */
	const char *bad[] = { "a: !!binary aGVsbG8\n", "a: !!binary 'aGVs bG8='\n", "a: !!binary a===\n",
			      "a: !!binary aGk=aGk=\n", "a: !!binary '*abc'\n", "a: !!binary aG=k\n" };
	for (int i = 0; i < 6; i++) {
		lu_load(bad[i]);
		CHECK_INT(lu.ndocs, 0);
		CHECK_INT(lu.nerrs, 1);
		CHECK_STR(lu.errs[0], "t:1:4: !!binary value contains invalid base64 data");
	}
	CHECK_STR(lu_one("a: !!binary \"aGk=\\r\\n\"\n"), "{\"a\":\"hi\"}");
}

TEST(tag_local_stays_string)
{
	CHECK_STR(lu_one("a: !foo x\nb: !foo 12\nc: ! true\nd: !!map 1\n"), "{\"a\":\"x\",\"b\":\"12\",\"c\":\"true\",\"d\":\"1\"}");
	/* tags on collections change nothing */
	CHECK_STR(lu_one("a: !foo {b: 1}\nc: !!set [1]\n"), "{\"a\":{\"b\":1},\"c\":[1]}");
}

/* ---- anchors and aliases ---- */

static const struct kg_node *alias_a, *alias_b;
static void grab_alias(const struct kg_doc *d)
{
	alias_a = kg_map_get(d->root, "a");
	alias_b = kg_map_get(d->root, "b");
	CHECK(alias_a && alias_b);
	if (alias_a && alias_b) {
		CHECK(alias_a->v.pairs == alias_b->v.pairs); /* shared, not copied */
		CHECK(!(alias_a->flags & KG_NODE_ALIASED));
		CHECK(alias_b->flags & KG_NODE_ALIASED);
		CHECK_INT(alias_b->line, 1); /* positions are those of the anchor */
	}
}

TEST(alias_expanded_and_shared)
{
	lu_on_doc = grab_alias;
	lu_load("a: &x {k: 1, l: [2, 3]}\nb: *x\nc: &s str\nd: *s\n");
	lu_on_doc = NULL;
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.docs[0], "{\"a\":{\"k\":1,\"l\":[2,3]},\"b\":{\"k\":1,\"l\":[2,3]},\"c\":\"str\",\"d\":\"str\"}");
}

TEST(alias_redefined_anchor_uses_latest)
{
	CHECK_STR(lu_one("a: &x 1\nb: *x\nc: &x 2\nd: *x\n"), "{\"a\":1,\"b\":1,\"c\":2,\"d\":2}");
}

TEST(alias_anchor_on_key)
{
	CHECK_STR(lu_one("&k name: a\nother: *k\n*k : b\n"), "{\"name\":\"b\",\"other\":\"name\"}");
	CHECK_INT(lu.ndups, 1);
}

TEST(alias_unknown_anchor)
{
	lu_load("a: 1\nb: *nope\n---\nc: 2\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:2:4: unknown anchor 'nope' referenced");
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.docs[0], "{\"c\":2}");
	/* anchors do not cross documents */
	lu_load("a: &x 1\n---\nb: *x\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:3:4: unknown anchor 'x' referenced");
}

TEST(alias_recursive_anchor)
{
	lu_load("a: &r\n  b: *r\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:2:6: anchor 'r' value contains itself");
	/* even when an older node had the same anchor */
	lu_load("a: &r 1\nb: &r [*r]\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:2:8: anchor 'r' value contains itself");
}

/* Billion laughs: n levels, each a list of 10 aliases of the previous one. */
static char *laughs(int levels)
{
	size_t cap = 4096 + (size_t)levels * 128;
	char *s = malloc(cap);
	size_t n = (size_t)snprintf(s, cap, "a0: &a0 [lol]\n");
	for (int l = 1; l <= levels; l++) {
		n += (size_t)snprintf(s + n, cap - n, "a%d: &a%d [", l, l);
		for (int k = 0; k < 10; k++)
			n += (size_t)snprintf(s + n, cap - n, "%s*a%d", k ? "," : "", l - 1);
		n += (size_t)snprintf(s + n, cap - n, "]\n");
	}
	snprintf(s + n, cap - n, "---\nafter: ok\n");
	return s;
}

TEST(alias_bomb_fails_fast)
{
	char *s = laughs(9);
	double t0 = now();
	lu_load(s);
	double dt = now() - t0;
	CHECK(dt < 5.0); /* generous for ASan on a busy machine; the full expansion takes minutes */
	CHECK_INT(lu.nerrs, 1);
	/* go-yaml's ratio rule trips at the first alias of level 4 (4,357 of 4,401 decode steps
	 * aliased), long before the expansion would be large */
	CHECK_STR(lu.errs[0], "t:5:10: document contains excessive aliasing");
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.docs[0], "{\"after\":\"ok\"}");
	free(s);
}

TEST(alias_moderate_use_is_fine)
{
	/* 2 levels: 1 + 10 + 100 items; go-yaml accepts it (fewer than 1,000 decode steps) */
	char *s = laughs(2);
	lu_load(s);
	CHECK_INT(lu.nerrs, 0);
	CHECK_INT(lu.ndocs, 2);
	free(s);
	/* 300 aliases of a 3-step map: ratio 0.75, under go-yaml's 0.99 */
	char doc[8192];
	size_t n = (size_t)snprintf(doc, sizeof(doc), "base: &b {k: v}\nl:\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "- *b\n");
	lu_load(doc);
	CHECK_INT(lu.nerrs, 0);
	CHECK_INT(lu.ndocs, 1);
}

TEST(alias_ratio_rule_like_go_yaml)
{
	/* one 1,000-item list aliased 11 times: 11,011 of 12,024 decode steps are aliased, a
	 * ratio of 0.916 that go-yaml accepts; aliased 120 times it passes 0.99 and fails */
	struct kg_buf b;
	kg_buf_init(&b, 0);
	CHECK_INT(kg_buf_adds(&b, "big: &big ["), 0);
	for (int i = 0; i < 1000; i++)
		CHECK_INT(kg_buf_printf(&b, "%s%d", i ? "," : "", i), 0);
	CHECK_INT(kg_buf_adds(&b, "]\nrefs:\n"), 0);
	for (int i = 0; i < 11; i++)
		CHECK_INT(kg_buf_adds(&b, "- *big\n"), 0);
	lu_load_lim(b.data, b.len, NULL);
	CHECK_INT(lu.nerrs, 0);
	for (int i = 11; i < 120; i++)
		CHECK_INT(kg_buf_adds(&b, "- *big\n"), 0);
	lu_load_lim(b.data, b.len, NULL);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:113:3: document contains excessive aliasing"); /* the 111th */
	kg_buf_release(&b);
}

TEST(alias_node_cap)
{
	/* the absolute cap on decode steps applies with or without aliases */
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.max_nodes = 50;
	const char *doc = "a: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,"
			  "31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50]\n";
	lu_load_lim(doc, strlen(doc), &lim);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:1:134: document has more than 50 nodes");
	doc = "a: &a [1,2,3,4,5,6,7,8,9,10]\nb: [*a, *a, *a, *a]\n";
	lu_load_lim(doc, strlen(doc), &lim);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:2:13: document contains excessive aliasing (more than 50 nodes once aliases are expanded)");
}

/* ---- merge keys ---- */

TEST(merge_single)
{
	CHECK_STR(lu_one("base: &b {x: 1, w: 2}\nm:\n  <<: *b\n  z: 3\n"),
		  "{\"base\":{\"x\":1,\"w\":2},\"m\":{\"x\":1,\"w\":2,\"z\":3}}");
	CHECK_INT(lu.ndups, 0);
}

TEST(merge_explicit_after_merge_wins)
{
	CHECK_STR(lu_one("base: &b {x: 1, w: 2}\nm:\n  <<: *b\n  x: 9\n"),
		  "{\"base\":{\"x\":1,\"w\":2},\"m\":{\"x\":9,\"w\":2}}");
	CHECK_INT(lu.ndups, 0); /* overriding a merged key is what merges are for */
}

TEST(merge_overrides_explicit_before_it)
{
	/* go-yaml v2 applies "<<" where it stands: an explicit key before it is overridden */
	CHECK_STR(lu_one("base: &b {x: 1}\nm:\n  x: 9\n  <<: *b\n"), "{\"base\":{\"x\":1},\"m\":{\"x\":1}}");
	CHECK_INT(lu.ndups, 1);
	CHECK_STR(lu.dups[0], "dup m.x 3:3->4:3 merge");
}

TEST(merge_list_earlier_wins)
{
	CHECK_STR(lu_one("a: &a {k: a, only_a: 1}\nb: &b {k: b, only_b: 2}\nm:\n  <<: [*a, *b]\n"),
		  "{\"a\":{\"k\":\"a\",\"only_a\":1},\"b\":{\"k\":\"b\",\"only_b\":2},\"m\":{\"k\":\"a\",\"only_b\":2,\"only_a\":1}}");
	CHECK_STR(lu_one("m:\n  <<: [{k: 1}, {k: 2, j: 3}]\n  j: 4\n"), "{\"m\":{\"k\":1,\"j\":4}}");
}

TEST(merge_inline_map_and_quoted_key)
{
	CHECK_STR(lu_one("m:\n  <<: {a: 1}\n  b: 2\n"), "{\"m\":{\"a\":1,\"b\":2}}");
	/* a quoted "<<" is an ordinary key */
	CHECK_STR(lu_one("m:\n  \"<<\": {a: 1}\n"), "{\"m\":{\"<<\":{\"a\":1}}}");
	CHECK_STR(lu_one("m:\n  !!merge <<: {a: 1}\n"), "{\"m\":{\"a\":1}}");
}

TEST(merge_of_non_map_is_an_error)
{
	const char *bad[] = { "m:\n  <<: 1\n", "m:\n  <<: [1]\n", "s: &s [1]\nm:\n  <<: *s\n", "m:\n  <<: [[{a: 1}]]\n",
			      "s: &s [{a: 1}]\nm:\n  <<: [*s]\n", "m:\n  <<:\n" };
	const char *where[] = { "t:2:3", "t:2:3", "t:3:3", "t:2:3", "t:3:3", "t:2:3" };
	for (int i = 0; i < 6; i++) {
		lu_load(bad[i]);
		CHECK_INT(lu.ndocs, 0);
		CHECK_INT(lu.nerrs, 1);
		char want[200];
		snprintf(want, sizeof(want), "%s: map merge requires map or sequence of maps as the value", where[i]);
		CHECK_STR(lu.errs[0], want);
	}
}

/* ---- duplicate and non-string keys ---- */

TEST(duplicate_keys_last_wins_and_recorded)
{
	CHECK_STR(lu_one("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    securityContext:\n"
			 "      privileged: false\n      privileged: true\n"),
		  "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"name\":\"a\",\"securityContext\":{\"privileged\":true}}]}}");
	CHECK_INT(lu.ndups, 1);
	CHECK_STR(lu.dups[0], "dup spec.containers[0].securityContext.privileged 7:7->8:7");
}

TEST(duplicate_keys_three_times_and_stringified)
{
	/* yes and true are the same key once stringified */
	CHECK_STR(lu_one("a: 1\na: 2\na: 3\nyes: x\ntrue: z\n"), "{\"a\":3,\"true\":\"z\"}");
	CHECK_INT(lu.ndups, 3);
	CHECK_STR(lu.dups[0], "dup a 1:1->2:1");
	CHECK_STR(lu.dups[1], "dup a 2:1->3:1");
	CHECK_STR(lu.dups[2], "dup true 4:1->5:1");
}

TEST(duplicate_keys_large_map)
{
	/* maps past 16 entries use the hash index */
	struct kg_buf b;
	kg_buf_init(&b, 0);
	for (int i = 0; i < 100; i++)
		CHECK_INT(kg_buf_printf(&b, "k%d: %d\n", i, i), 0);
	CHECK_INT(kg_buf_adds(&b, "k42: dup\n"), 0);
	lu_load_lim(b.data, b.len, NULL);
	CHECK_INT(lu.ndups, 1);
	CHECK_STR(lu.dups[0], "dup k42 43:1->101:1");
	CHECK(strstr(lu.docs[0], "\"k42\":\"dup\"") != NULL);
	kg_buf_release(&b);
}

TEST(non_string_keys_stringified)
{
	CHECK_STR(lu_one("yes: a\n0x10: b\n1.5: c\n08: d\nno: e\n-0o17: f\n1e3: g\n'0x10': h\n"),
		  "{\"true\":\"a\",\"16\":\"b\",\"1.5\":\"c\",\"8\":\"d\",\"false\":\"e\",\"-15\":\"f\",\"1000\":\"g\",\"0x10\":\"h\"}");
}

TEST(bad_keys_are_errors)
{
	const char *bad[] = { "~: 1\n", "? \n: 1\n", "[a]: 1\n", "? {a: 1}\n: 2\n", "18446744073709551615: 1\n",
			      "0x10000000000000000: 1\n", "s: &s [1]\n*s : 2\n" };
	const char *msg[] = { "t:1:1: unsupported", "t:1:2: unsupported", "t:1:1: a mapping key must be a scalar",
			      "t:1:3: a mapping key must be a scalar", "t:1:1: unsupported", "t:1:1: unsupported",
			      "t:2:1: unsupported" };
	for (int i = 0; i < 7; i++) {
		lu_load(bad[i]);
		CHECK_INT(lu.ndocs, 0);
		CHECK_INT(lu.nerrs, 1);
		CHECK(strncmp(lu.errs[0], msg[i], strlen(msg[i])) == 0);
		if (strncmp(lu.errs[0], msg[i], strlen(msg[i])) != 0)
			fprintf(stderr, "  case %d: %s\n", i, lu.errs[0]);
	}
	lu_load("~: 1\n");
	CHECK_STR(lu.errs[0], "t:1:1: unsupported map key: Kubernetes objects need string keys (null, mappings, sequences and integers beyond int64 cannot be keys)");
	lu_load("[a]: 1\n");
	CHECK_STR(lu.errs[0], "t:1:1: a mapping key must be a scalar (Kubernetes objects have string keys)");
}

/* ---- streams ---- */

TEST(stream_multi_document)
{
	lu_load("# head\na: 1\n---\nb: 2\n...\n---\n# only a comment\n---\n\n---\nc: 3 # trailing\n...\n");
	CHECK_INT(lu.nerrs, 0);
	CHECK_INT(lu.ndocs, 3);
	CHECK_STR(lu.docs[0], "{\"a\":1}");
	CHECK_STR(lu.docs[1], "{\"b\":2}");
	CHECK_STR(lu.docs[2], "{\"c\":3}");
	CHECK_INT(lu.doc_line[0], 2);
	CHECK_INT(lu.doc_line[1], 3);
	CHECK_INT(lu.doc_line[2], 10);
	CHECK_INT(lu.doc_index[2], 2); /* empty documents are skipped and not numbered */
}

TEST(stream_document_end_then_implicit_document)
{
	/* YAML 1.1 wants "---" after "...": libyaml stops there (kubectl's go-yaml would decode the
	 * first document and silently drop the rest; an error is the safer report) */
	lu_load("a: 1\n...\nb: 2\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:3:1: invalid YAML: did not find expected <document start>");
	CHECK_INT(lu.ndocs, 1);
	CHECK_STR(lu.docs[0], "{\"a\":1}");
	lu_load("a: 1\n...\n---\nb: 2\n");
	CHECK_INT(lu.nerrs, 0);
	CHECK_INT(lu.ndocs, 2);
	CHECK_INT(lu.doc_line[1], 3);
}

TEST(stream_marker_variants)
{
	/* "---" followed by a comment or content starts a document; "----" does not */
	lu_load("a: 1\n--- # next\nb: 2\n--- {c: 3}\n");
	CHECK_INT(lu.nerrs, 0);
	CHECK_INT(lu.ndocs, 3);
	CHECK_STR(lu.docs[2], "{\"c\":3}");
	lu_load("a: |\n  x\n----\n");
	CHECK_INT(lu.ndocs, 0);
	CHECK_INT(lu.nerrs, 1);
}

static unsigned pos_line, pos_col, key_line, key_col;
static void grab_pos(const struct kg_doc *d)
{
	const struct kg_node *n = kg_node_get(d->root, "spec.x");
	const struct kg_pair *p = kg_map_pair(kg_map_get(d->root, "spec"), "x");
	pos_line = n ? n->line : 0;
	pos_col = n ? n->col : 0;
	key_line = p ? p->line : 0;
	key_col = p ? p->col : 0;
}

TEST(positions_lf_crlf_and_unicode_columns)
{
	lu_on_doc = grab_pos;
	lu_load("a: 1\nspec:\n  x:   \"v\"\n");
	CHECK_INT(key_line, 3);
	CHECK_INT(key_col, 3);
	CHECK_INT(pos_line, 3);
	CHECK_INT(pos_col, 8);
	lu_load("a: 1\r\nspec:\r\n  x:   \"v\"\r\n");
	CHECK_INT(pos_line, 3);
	CHECK_INT(pos_col, 8);
	/* columns count characters, not bytes */
	lu_load("\xC3\xA9t\xC3\xA9: 1\nspec: {\xC3\xA9: 1, x: 2}\n");
	CHECK_INT(pos_line, 2);
	CHECK_INT(pos_col, 17);
	lu_on_doc = NULL;
}

TEST(positions_after_split_documents_crlf)
{
	lu_on_doc = grab_pos;
	lu_load("a: 1\r\n---\r\nb: 2\r\n---\r\nspec:\r\n  x: 1\r\n---\r\nc: *u\r\n");
	lu_on_doc = NULL;
	CHECK_INT(pos_line, 6);
	CHECK_INT(pos_col, 6);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:8:4: unknown anchor 'u' referenced");
}

TEST(positions_lone_cr_line_breaks)
{
	/* libyaml takes a lone CR as a line break, and so do our line counts */
	lu_load("a: 1\r---\rb: *u\r");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:3:4: unknown anchor 'u' referenced");
	lu_load("a: 1\rb: \"\xFF\"\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK(strncmp(lu.errs[0], "t:2:5: invalid YAML: ", 21) == 0);
}

TEST(bom_utf8)
{
	lu_load("\xEF\xBB\xBF" "a: 1\nb: *u\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:2:4: unknown anchor 'u' referenced");
	CHECK_STR(lu_one("\xEF\xBB\xBF" "a: 1\n"), "{\"a\":1}");
	lu_load_file("\xEF\xBB\xBF" "a: 1\n---\nb: 2\n", 17);
	CHECK_INT(lu.ndocs, 2);
	CHECK_INT(lu.nerrs, 0);
}

static size_t to_utf16(const char *s, char *out, int big_endian)
{
	size_t n = 0;
	out[n++] = big_endian ? '\xFE' : '\xFF';
	out[n++] = big_endian ? '\xFF' : '\xFE';
	for (; *s; s++) {
		out[n++] = big_endian ? 0 : *s;
		out[n++] = big_endian ? *s : 0;
	}
	return n;
}

TEST(utf16_with_bom)
{
	char buf[256];
	for (int be = 0; be < 2; be++) {
		size_t n = to_utf16("a: 1\n---\nb: yes\nc: *u\n", buf, be);
		lu_load_lim(buf, n, NULL);
		CHECK_INT(lu.ndocs, 1);
		CHECK_STR(lu.docs[0], "{\"a\":1}");
		CHECK_INT(lu.nerrs, 1);
		CHECK_STR(lu.errs[0], "t:4:4: unknown anchor 'u' referenced");
		lu_load_file(buf, n);
		CHECK_INT(lu.ndocs, 1);
		CHECK_INT(lu.nerrs, 1);
	}
	/* odd length: invalid UTF-16 */
	buf[0] = '\xFF';
	buf[1] = '\xFE';
	buf[2] = 'a';
	lu_load_lim(buf, 3, NULL);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:1:1: invalid UTF-16 input");
}

TEST(empty_inputs)
{
	const char *empty[] = { "", "\n\n", "# c\n", "---\n", "--- ~\n", "---\n...\n", "---\n---\n" };
	for (int i = 0; i < 7; i++) {
		lu_load(empty[i]);
		CHECK_INT(lu.ndocs, 0);
		CHECK_INT(lu.nerrs, 0);
		CHECK_INT(lu.rc, 0);
	}
}

TEST(scalar_and_sequence_documents_are_delivered)
{
	/* the loader delivers any non-null root; deciding it is not an object is the engine's job */
	lu_load("just text\n---\n- a\n");
	CHECK_INT(lu.ndocs, 2);
	CHECK_STR(lu.docs[0], "\"just text\"");
	CHECK_STR(lu.docs[1], "[\"a\"]");
}

TEST(list_kind_items_paths_in_dups)
{
	lu_load("apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: a, name: b}\n");
	CHECK_INT(lu.ndups, 1);
	CHECK_STR(lu.dups[0], "dup items[0].metadata.name 5:14->5:23");
}

/* ---- bad input ---- */

TEST(malformed_yaml_then_good_document)
{
	lu_load("a: [1, 2\n---\nb: 2\n---\nc: d: e\n---\nok: 1\n");
	CHECK_INT(lu.nerrs, 2);
	CHECK_STR(lu.errs[0], "t:2:1: invalid YAML: while parsing a flow sequence did not find expected ',' or ']' at line 1 column 4");
	CHECK_STR(lu.errs[1], "t:5:5: invalid YAML: mapping values are not allowed in this context");
	CHECK_INT(lu.ndocs, 2);
	CHECK_STR(lu.docs[0], "{\"b\":2}");
	CHECK_STR(lu.docs[1], "{\"ok\":1}");
	CHECK_INT(lu.doc_index[0], 1);
	CHECK_INT(lu.doc_index[1], 3);
	CHECK_INT(lu.rc, 2);
}

TEST(tab_indentation)
{
	lu_load("a:\n\tb: 1\n---\nok: 1\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:2:1: invalid YAML: while scanning for the next token found character that cannot start any token at line 2 column 1");
	CHECK_INT(lu.ndocs, 1);
}

TEST(invalid_utf8_and_control_bytes)
{
	lu_load("a: 1\nb: x\xC3\x28y\n---\nok: 1\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:2:6: invalid YAML: invalid trailing UTF-8 octet (byte 0x28)");
	CHECK_INT(lu.ndocs, 1);
	lu_load("a: x\x01y\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:1:5: invalid YAML: control characters are not allowed (byte 0x01)");
	lu_load_lim("a: x\0y\n---\nok: 1\n", 16, NULL);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:1:5: invalid YAML: control characters are not allowed (byte 0x00)");
	CHECK_INT(lu.ndocs, 1);
}

TEST(binary_garbage)
{
	unsigned char buf[4096];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	buf[0] = 0x80; /* not '{': the YAML path */
	lu_load_lim((const char *)buf, sizeof(buf), NULL);
	CHECK(lu.nerrs >= 1);
	CHECK(strncmp(lu.errs[0], "t:1:1: invalid YAML: ", 21) == 0);
	CHECK(lu.rc >= 1);
}

TEST(oversized_document_skipped)
{
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	lim.max_doc_bytes = 1 << 20;
	size_t big = 3u << 20;
	char *s = malloc(big + 100);
	size_t n = (size_t)sprintf(s, "a: 1\n---\nb: ");
	memset(s + n, 'x', big);
	n += big;
	n += (size_t)sprintf(s + n, "\n---\nc: 3\n");
	lu_load_lim(s, n, &lim);
	CHECK_INT(lu.ndocs, 2);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:2:1: document larger than 1048576 bytes; skipped");
	CHECK_STR(lu.docs[1], "{\"c\":3}");
	free(s);
}

static char *nested(const char *prefix, size_t depth, const char *open, const char *mid, const char *close)
{
	size_t lo = strlen(open), lc = strlen(close), lm = strlen(mid);
	char *s = malloc(depth * (lo + lc) + lm + 64);
	size_t n = strlen(prefix);
	memcpy(s, prefix, n);
	for (size_t i = 0; i < depth; i++, n += lo)
		memcpy(s + n, open, lo);
	memcpy(s + n, mid, lm);
	n += lm;
	for (size_t i = 0; i < depth; i++, n += lc)
		memcpy(s + n, close, lc);
	strcpy(s + n, "\n---\nok: 1\n");
	return s;
}

TEST(deep_nesting_flow_and_block)
{
	struct {
		const char *prefix, *open, *mid, *close, *err;
	} cases[] = {
		{ "", "[", "1", "]", "t:1:1001: nesting deeper than 1000 levels" },
		{ "x: ", "{a: ", "1", "}", "t:1:4000: nesting deeper than 1000 levels" },
		{ "", "- ", "1", "", "t:1:2001: nesting deeper than 1000 levels" },
	};
	for (int c = 0; c < 3; c++) {
		char *s = nested(cases[c].prefix, 200000, cases[c].open, cases[c].mid, cases[c].close);
		double t0 = now();
		lu_load(s);
		double dt = now() - t0;
		CHECK(dt < 5.0); /* libyaml alone is quadratic here: 200k levels take about a minute */
		CHECK_INT(lu.nerrs, 1);
		CHECK_STR(lu.errs[0], cases[c].err);
		CHECK_INT(lu.ndocs, 1);
		free(s);
	}
}

TEST(many_anchors_keep_short_chains)
{
	/* 100,000 anchors and aliases: the anchor table grows with them (at most one anchor per
	 * bucket on average) instead of chaining them into the initial buckets */
	struct kg_buf b;
	kg_buf_init(&b, 0);
	for (int i = 0; i < 100000; i++)
		CHECK_INT(kg_buf_printf(&b, "- &a%d %d\n", i, i), 0);
	for (int i = 0; i < 100000; i++)
		CHECK_INT(kg_buf_printf(&b, "- *a%d\n", i), 0);
	lu_reset();
	struct kg_loader *L = kg_loader_new(NULL);
	lu.rc = kg_loader_buffer(L, "t", b.data, b.len, &lu_sink);
	CHECK_INT(lu.nerrs, 0);
	CHECK_INT(lu.ndocs, 1);
	CHECK(L->nanchors == 100000);
	CHECK(L->anchor_buckets >= L->nanchors);
	size_t longest = 0;
	for (size_t i = 0; i < L->anchor_buckets; i++) {
		size_t n = 0;
		for (const struct kg_anchor *a = L->anchors[i]; a; a = a->next)
			n++;
		longest = n > longest ? n : longest;
	}
	CHECK(longest <= 16); /* the hash spreads a0..a99999 */
	kg_loader_free(L);
	kg_buf_release(&b);
}

TEST(file_streaming_matches_buffer)
{
	const char *s = "a: 1\n---\nb: *x\n---\nc: [\n---\nd: 4\n";
	lu_load(s);
	struct lu_result want = lu;
	lu_load_file(s, strlen(s));
	CHECK_INT(lu.ndocs, want.ndocs);
	CHECK_INT(lu.nerrs, want.nerrs);
	for (int i = 0; i < lu.ndocs && i < want.ndocs; i++)
		CHECK_STR(lu.docs[i], want.docs[i]);
	for (int i = 0; i < lu.nerrs && i < want.nerrs; i++)
		CHECK_STR(lu.errs[i], want.errs[i]);
}

TEST(file_streaming_large_input_positions)
{
	/* documents that straddle the 64 KiB read blocks keep their line numbers */
	struct kg_buf b;
	kg_buf_init(&b, 0);
	for (int i = 0; i < 5000; i++)
		CHECK_INT(kg_buf_printf(&b, "---\nname: doc%d\nfiller: %040d\n", i, i), 0);
	CHECK_INT(kg_buf_adds(&b, "---\nbad: *nope\n"), 0);
	lu_load_file(b.data, b.len);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:15002:6: unknown anchor 'nope' referenced");
	CHECK_INT(lu.ndocs, LU_MAX); /* capped by the helper; all 5,000 were delivered */
	kg_buf_release(&b);
}

TEST(file_read_error_directory)
{
	FILE *fp = fopen("tests", "rb");
	CHECK(fp != NULL);
	if (!fp)
		return;
	lu_reset();
	struct kg_loader *L = kg_loader_new(NULL);
	int rc = kg_loader_file(L, "tests", fp, &lu_sink);
	kg_loader_free(L);
	fclose(fp);
	CHECK_INT(rc, 1);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "tests:0:0: cannot read: Is a directory");
}

static int stop_after_first(void *ctx, const struct kg_doc *d)
{
	(void)ctx;
	(void)d;
	lu.ndocs++;
	return 1;
}

TEST(sink_can_stop_loading)
{
	struct kg_load_sink stop = { NULL, stop_after_first, lu_err };
	lu_reset();
	struct kg_loader *L = kg_loader_new(NULL);
	const char *s = "a: 1\n---\nb: 2\n---\nc: *x\n";
	kg_loader_buffer(L, "t", s, strlen(s), &stop);
	kg_loader_free(L);
	CHECK_INT(lu.ndocs, 1);
	CHECK_INT(lu.nerrs, 0);
}

TEST(loader_reuse_across_inputs)
{
	/* one loader, many inputs: anchors and arena state never leak between them */
	struct kg_loader *L = kg_loader_new(NULL);
	lu_reset();
	const char *a = "a: &x [1]\n";
	const char *b = "b: *x\n";
	kg_loader_buffer(L, "a", a, strlen(a), &lu_sink);
	kg_loader_buffer(L, "b", b, strlen(b), &lu_sink);
	kg_loader_free(L);
	CHECK_INT(lu.ndocs, 1);
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "b:1:4: unknown anchor 'x' referenced");
}

TEST(file_streaming_markers_at_block_boundaries)
{
	/* "---" lines that straddle the 64 KiB read blocks, at every offset around the boundary */
	for (size_t pad = 65536 - 8; pad <= 65536 + 8; pad++) {
		size_t n = pad + 64;
		char *s = malloc(n);
		memcpy(s, "a: ", 3);
		memset(s + 3, 'x', pad - 3);
		size_t k = pad;
		k += (size_t)sprintf(s + k, "\n---\nb: *u\n");
		lu_load_file(s, k);
		CHECK_INT(lu.ndocs, 1);
		CHECK_INT(lu.nerrs, 1);
		CHECK_STR(lu.errs[0], "t:3:4: unknown anchor 'u' referenced");
		free(s);
	}
}

TEST(file_streaming_one_big_document)
{
	/* one 12 MiB document read in 64 KiB blocks: delivered whole, once */
	struct kg_buf b;
	kg_buf_init(&b, 0);
	CHECK_INT(kg_buf_adds(&b, "items:\n"), 0);
	while (b.len < (12u << 20))
		CHECK_INT(kg_buf_adds(&b, "- name: some-item-with-a-long-name\n  value: 12345678\n"), 0);
	CHECK_INT(kg_buf_adds(&b, "last: *nope\n"), 0);
	lu_load_file(b.data, b.len);
	CHECK_INT(lu.ndocs, 0);
	CHECK_INT(lu.nerrs, 1);
	char want[100];
	snprintf(want, sizeof(want), "t:%u:7: unknown anchor 'nope' referenced", (unsigned)((b.len - 19) / 53 * 2 + 2));
	CHECK_STR(lu.errs[0], want);
	kg_buf_release(&b);
}

TEST(tag_timestamp_in_documents)
{
	/* go-yaml v2 keeps a timestamp as its text; a value that is not one fails the tag */
	CHECK_STR(lu_one("a: !!timestamp 2001-12-14t21:59:43.10-05:00\nb: 2001-12-14\n"),
		  "{\"a\":\"2001-12-14t21:59:43.10-05:00\",\"b\":\"2001-12-14\"}");
	lu_load("a: !!timestamp 2001-02-29\n");
	CHECK_INT(lu.nerrs, 1);
	CHECK_STR(lu.errs[0], "t:1:4: cannot decode !!str `2001-02-29` as a !!timestamp");
}
