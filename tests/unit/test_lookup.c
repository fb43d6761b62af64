/* Lookups in document trees (node.h) and pod-spec locating (k8s.h): map keys that share a
 * length, a first byte or a prefix, empty and long keys, duplicate keys (last wins), dotted
 * paths with the deepest existing node, and pod templates whose spec and metadata paths share
 * their first steps. */
#include "harness.h"
#include "loader_util.h"

#include "core/k8s.h"

static const struct kg_node *root;
static char dump[2048];

static void on_doc_check(const struct kg_doc *d);
static void (*doc_check)(void);

static void on_doc_check(const struct kg_doc *d)
{
	root = d->root;
	doc_check();
}

/* Run check() on the tree of yaml while the document is alive (root dies with it). */
static void load_and(const char *yaml, void (*check)(void))
{
	doc_check = check;
	lu_on_doc = on_doc_check;
	lu_load_lim(yaml, strlen(yaml), NULL);
	lu_on_doc = NULL;
	CHECK_INT(lu.ndocs, 1);
	CHECK_INT(lu.nerrs, 0);
}

static const char *text(const struct kg_node *n)
{
	dump[0] = '\0';
	if (n)
		lu_dump(dump, sizeof(dump), n);
	else
		lu_cat(dump, sizeof(dump), "(none)");
	return dump;
}

static void check_similar_keys(void)
{
	CHECK_STR(text(kg_map_get(root, "a")), "1");
	CHECK_STR(text(kg_map_get(root, "ab")), "2");
	CHECK_STR(text(kg_map_get(root, "abc")), "3");
	CHECK_STR(text(kg_map_get(root, "b")), "4");
	CHECK_STR(text(kg_map_get(root, "ba")), "5");
	CHECK_STR(text(kg_map_get(root, "")), "6");
	CHECK_STR(text(kg_map_get(root, "abd")), "(none)");
	CHECK_STR(text(kg_map_get(root, "abcd")), "(none)");
	CHECK_STR(text(kg_map_get(root, "c")), "(none)");
	/* the length-taking forms read exactly len bytes */
	CHECK_STR(text(kg_map_getn(root, "abX", 2)), "2");
	CHECK_STR(text(kg_map_getn(root, "aXX", 1)), "1");
	CHECK_STR(text(kg_map_getn(root, "zzz", 0)), "6");
	const struct kg_pair *p = kg_map_pairn(root, "ba", 2);
	CHECK(p && p->line == 5 && p->col == 1);
	CHECK(kg_map_pair(root, "ab") == kg_map_pairn(root, "ab", 2));
	/* not a map */
	CHECK(kg_map_get(kg_map_get(root, "a"), "x") == NULL);
	CHECK(kg_map_getn(NULL, "a", 1) == NULL);
}

TEST(map_keys_sharing_length_first_byte_and_prefix)
{
	load_and("a: 1\nab: 2\nabc: 3\nb: 4\nba: 5\n\"\": 6\n", check_similar_keys);
}

static void check_dups(void)
{
	CHECK_INT(root->len, 2);
	CHECK_STR(text(kg_map_get(root, "k")), "3");
	CHECK_STR(text(kg_map_get(root, "j")), "2");
}

TEST(duplicate_keys_last_wins_in_lookups)
{
	load_and("k: 1\nj: 2\nk: 3\n", check_dups);
	CHECK_INT(lu.ndups, 1);
}

static char long_key[300];

static void check_long(void)
{
	CHECK_STR(text(kg_map_get(root, long_key)), "7");
	char other[300];
	memcpy(other, long_key, sizeof(other));
	other[250] = 'y'; /* same length and first byte, differs late */
	CHECK_STR(text(kg_map_get(root, other)), "(none)");
	/* dotted paths refuse steps of KG_PATH_KEY_MAX bytes or more */
	CHECK(kg_node_get(root, long_key) == NULL);
	const struct kg_node *near = NULL;
	CHECK(kg_path_walk(root, long_key, &near) == NULL);
	CHECK(near == root);
}

TEST(long_keys)
{
	memset(long_key, 'x', 280);
	long_key[280] = '\0';
	char yaml[400];
	snprintf(yaml, sizeof(yaml), "%s: 7\nshort: 1\n", long_key);
	load_and(yaml, check_long);
}

static void check_paths(void)
{
	CHECK_STR(text(kg_node_get(root, "spec.template.spec.x")), "1");
	CHECK_STR(text(kg_node_get(root, "spec.template.spec.y")), "(none)");
	CHECK_STR(text(kg_node_get(root, "spec.templat")), "(none)");
	CHECK_STR(text(kg_node_get(root, "spec.template.spec.x.deeper")), "(none)");
	CHECK(kg_node_get(root, "") == root);
	const struct kg_node *near = NULL;
	CHECK(kg_path_walk(root, "spec.template.nope.x", &near) == NULL);
	CHECK(near == kg_node_get(root, "spec.template"));
	CHECK(kg_nearest(root, "spec.template.nope.x") == near);
	CHECK(kg_nearest(root, "nope") == root);
	CHECK(kg_nearest(root, "spec.template.spec.x") == kg_node_get(root, "spec.template.spec.x"));
	/* a path's first len bytes */
	CHECK(kg_path_walkn(root, "spec.template.spec.x", 13, NULL) == kg_node_get(root, "spec.template"));
	/* empty steps look up the empty key, as before */
	CHECK_STR(text(kg_node_get(root, "e..z")), "2");
	CHECK_STR(text(kg_node_get(root, "spec.")), text(kg_map_get(root, "spec")));
}

TEST(dotted_paths_and_nearest)
{
	load_and("spec:\n  template:\n    spec: {x: 1}\ne:\n  \"\": {z: 2}\n", check_paths);
}

/* ---- pod specs ---- */

static struct kg_pod_ref located;
static bool found;
static const struct kg_node *want_spec, *want_meta, *want_parent, *top_spec;

static void locate(void)
{
	struct kg_object obj;
	CHECK(kg_object_init(&obj, root, NULL, NULL));
	found = kg_pod_locate(&obj, &located);
	want_spec = kg_node_get(root, "spec.template.spec");
	want_meta = kg_node_get(root, "spec.template.metadata");
	want_parent = kg_nearest(root, "spec.template.spec");
	top_spec = kg_map_get(root, "spec");
}

TEST(locate_walks_shared_steps_once_with_same_answers)
{
	load_and("apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    metadata: {labels: {a: b}}\n"
		 "    spec: {containers: []}\n", locate);
	CHECK(found);
	CHECK(located.spec == want_spec && located.spec);
	CHECK(located.meta == want_meta && located.meta);
	CHECK(located.spec_parent == want_parent);
	CHECK_STR(located.spec_path, "spec.template.spec");
	CHECK_STR(located.meta_path, "spec.template.metadata");

	/* the shared steps are missing: the nearest node is where the walk stopped */
	load_and("apiVersion: apps/v1\nkind: Deployment\nspec: {replicas: 1}\n", locate);
	CHECK(!found);
	CHECK(located.spec == NULL && located.meta == NULL);
	CHECK(located.spec_parent == want_parent && want_parent == top_spec);
	CHECK_STR(located.spec_path, "spec.template.spec");

	/* metadata not a map; spec present */
	load_and("apiVersion: apps/v1\nkind: Deployment\nspec:\n  template: {metadata: 3, spec: {}}\n", locate);
	CHECK(found);
	CHECK(located.meta == NULL);
	CHECK(located.spec_parent == want_spec);

	/* spec not a map */
	load_and("apiVersion: apps/v1\nkind: Deployment\nspec:\n  template: {spec: [1]}\n", locate);
	CHECK(!found);
	CHECK(located.spec == want_spec);
	CHECK(located.spec_parent == want_spec);
}

static bool has_pod;

static void kind_check(void)
{
	struct kg_object obj;
	kg_object_init(&obj, root, NULL, NULL);
	has_pod = kg_kind_has_pod(&obj);
}

TEST(kinds_and_groups)
{
	static const struct {
		const char *yaml;
		bool pod;
	} cases[] = {
		{ "apiVersion: v1\nkind: Pod\n", true },
		{ "apiVersion: v1\nkind: Pods\n", false },
		{ "apiVersion: v1\nkind: Po\n", false },
		{ "apiVersion: v1\nkind: pod\n", false },
		{ "apiVersion: apps/v1\nkind: Pod\n", false },         /* Pod is core only */
		{ "apiVersion: apps/v1beta2\nkind: DaemonSet\n", true }, /* any version of the group */
		{ "apiVersion: apps.kruise.io/v1\nkind: DaemonSet\n", true },
		{ "apiVersion: apps.kruise/v1\nkind: DaemonSet\n", false },
		{ "apiVersion: batch/v1\nkind: Job\n", true },
		{ "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\n", true },
		{ "apiVersion: batchx/v1\nkind: Job\n", false },
		{ "apiVersion: v1\nkind: \"\"\n", false },
		{ "kind: Pod\n", false },                              /* no apiVersion */
		{ "apiVersion: v1\nkind: ReplicationController\n", true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		load_and(cases[i].yaml, kind_check);
		if (has_pod != cases[i].pod)
			fprintf(stderr, "  case %zu: %s", i, cases[i].yaml);
		CHECK_INT(has_pod, cases[i].pod);
	}
}

/* Keys of every length up to 40 against a probe of the same length that differs in one byte:
 * the word-wise comparison must look at every byte and at no byte outside the key (the keys
 * and probes are exact-size heap blocks, so an over-read shows under ASan). */
TEST(map_lookup_compares_every_byte_of_every_length)
{
	enum { MAXLEN = 40 };
	struct kg_pair pairs[MAXLEN];
	struct kg_node vals[MAXLEN];
	char *keys[MAXLEN];
	memset(vals, 0, sizeof(vals));
	for (size_t len = 1; len <= MAXLEN; len++) {
		keys[len - 1] = malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			keys[len - 1][i] = (char)('a' + (i * 7 + len) % 26);
		keys[len - 1][len] = '\0';
		pairs[len - 1] = (struct kg_pair){ keys[len - 1], (uint32_t)len, (uint32_t)len, 1, &vals[len - 1] };
	}
	struct kg_node map = { .type = KG_MAP, .len = MAXLEN, .v.pairs = pairs };
	for (size_t len = 1; len <= MAXLEN; len++) {
		char *probe = malloc(len); /* not NUL-terminated: the *n form reads len bytes */
		memcpy(probe, keys[len - 1], len);
		CHECK(kg_map_getn(&map, probe, len) == &vals[len - 1]);
		for (size_t at = 0; at < len; at++) {
			probe[at] ^= 0x20;
			CHECK(kg_map_getn(&map, probe, len) == NULL);
			probe[at] ^= 0x20;
		}
		free(probe);
	}
	for (size_t len = 1; len <= MAXLEN; len++)
		free(keys[len - 1]);
}

static void check_many_dups(void)
{
	CHECK_INT(root->len, 20);
	CHECK_STR(text(kg_map_get(root, "k2")), "99");
	CHECK_STR(text(kg_map_get(root, "k19")), "19");
	CHECK_INT(kg_map_pair(root, "k2")->line, 21);
	CHECK(kg_map_pair(root, "k2") == &root->v.pairs[2]);
}

/* A repeated key far from its first use in a small map (the duplicate check's fingerprint
 * filter must still find it); the value keeps the first key's place. */
TEST(duplicate_key_in_a_small_map_found_past_other_keys)
{
	char yaml[512] = "";
	for (int i = 0; i < 20; i++)
		snprintf(yaml + strlen(yaml), sizeof(yaml) - strlen(yaml), "k%d: %d\n", i, i);
	snprintf(yaml + strlen(yaml), sizeof(yaml) - strlen(yaml), "k2: 99\n");
	load_and(yaml, check_many_dups);
	CHECK_INT(lu.ndups, 1);
}
