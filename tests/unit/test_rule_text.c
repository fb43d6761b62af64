/* Paths and container labels that the rule families build without a formatting pass: they must
 * read exactly as the snprintf formats they replace, truncation included; and the fast paths
 * behind them (kg_pod_each on plain paths, PSS pods with more containers than the cache). */
#include "harness.h"
#include "scan_helper.h"

#include "core/k8s.h"
#include "rules/secret_detect.h"
#include "rules/workload_priv.h"

extern const struct kg_family kg_family_workload;
extern const struct kg_family kg_family_pss;

TEST(cat_truncates_like_snprintf)
{
	static const char *const specs[] = { "spec", "spec.template.spec", "" };
	for (size_t s = 0; s < 3; s++)
		for (int k = 0; k < 3; k++)
			for (size_t size = 1; size < 48; size++) {
				char want[64], got[64];
				unsigned idx = size * 977u;
				snprintf(want, size, "%s.%s[%u]", specs[s], kg_container_fields[k], idx);
				size_t n = kg_container_path(got, size, specs[s], (enum kg_container_kind)k, idx);
				CHECK_STR(got, want);
				CHECK_INT(n, strlen(want));
			}
	char buf[8];
	size_t len = 0;
	kg_cat(buf, sizeof(buf), &len, "ab\0cd", 5); /* stops at a NUL byte, as "%s" does */
	kg_cat_uint(buf, sizeof(buf), &len, 4294967295u);
	CHECK_STR(buf, "ab42949");
	CHECK_INT(len, 7);
}

static void scan_one(struct th_run *r, const struct kg_family *f, void *state, const char *yaml)
{
	th_scan(r, f, state, yaml);
}

TEST(workload_labels_read_as_before)
{
	struct wl_cfg cfg;
	struct th_run r;
	char yaml[1024], name[200], want[300];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(yaml, sizeof(yaml),
		 "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n"
		 "  - {name: proxy, restartPolicy: Always}\n  - {image: busybox}\n  containers:\n"
		 "  - {name: %s}\n  - {image: x}\n", name);
	wl_cfg_default(&cfg);
	struct wl_state st = { cfg, NULL };
	scan_one(&r, &kg_family_workload, &st, yaml);
	CHECK(th_has(&r, "workload.cpu-requests", "sidecar container 'proxy' has no CPU request"));
	CHECK(th_has(&r, "workload.cpu-requests", "init container #1 has no CPU request"));
	CHECK(th_has(&r, "workload.cpu-requests", "container #1 has no CPU request"));
	snprintf(want, sizeof(want), "container '%s'", name);
	want[159] = '\0'; /* the label is cut at 159 bytes */
	CHECK(th_has(&r, "workload.cpu-requests", want));
	const struct kg_finding *f = th_get(&r, "workload.cpu-limits", 3);
	CHECK(f != NULL);
	if (f)
		CHECK_STR(f->path, "spec.containers[1].resources.limits");
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(pss_labels_and_pods_beyond_the_container_cache)
{
	char yaml[4096], name[300];
	size_t n = 0;
	memset(name, 'm', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	n += (size_t)snprintf(yaml + n, sizeof(yaml) - n,
			      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n");
	for (int i = 0; i < 19; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "  - {name: c%d}\n", i);
	n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "  - {name: %s}\n  - {image: x}\n", name);
	struct th_run r;
	scan_one(&r, &kg_family_pss, NULL, yaml);
	CHECK_INT(th_count(&r, "pss.allowPrivilegeEscalation"), 21);
	const struct kg_finding *f = th_get(&r, "pss.allowPrivilegeEscalation", 18);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->path, "spec.containers[18].securityContext.allowPrivilegeEscalation");
		CHECK(strstr(f->message, "container \"c18\" must set") != NULL);
	}
	char want[320];
	snprintf(want, sizeof(want), "container \"%.256s\" must set", name);
	CHECK(th_has(&r, "pss.allowPrivilegeEscalation", want));
	CHECK(th_has(&r, "pss.allowPrivilegeEscalation", "container containers[20] must set"));
	th_free(&r);
}

struct seen_meta {
	unsigned n;
	char meta_path[64];
	int has_meta;
};

static void on_pod(void *ctx, const struct kg_pod_ref *ref)
{
	struct seen_meta *s = ctx;
	s->n++;
	snprintf(s->meta_path, sizeof(s->meta_path), "%s", ref->meta_path ? ref->meta_path : "(null)");
	s->has_meta = ref->meta != NULL;
}

static void on_error(void *ctx, const struct kg_diag *d)
{
	(void)ctx;
	fprintf(stderr, "  load error %u:%u: %s\n", d->line, d->col, d->message);
	kg_test_failed++;
}

static int on_doc(void *ctx, const struct kg_doc *doc)
{
	struct kg_object obj;
	if (kg_object_init(&obj, doc->root, doc, NULL))
		kg_pod_each(&obj, on_pod, ctx);
	return 0;
}

static void each(struct seen_meta *s, const char *yaml)
{
	memset(s, 0, sizeof(*s));
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_load_sink sink = { s, on_doc, on_error };
	kg_loader_buffer(L, "t.yaml", yaml, strlen(yaml), &sink);
	kg_loader_free(L);
}

/* A metadata path that is missing part way reads up to the first missing step (what the
 * fan-out walker writes), whole when it exists. */
TEST(plain_pod_paths_keep_the_metadata_path)
{
	static const struct kg_pod_path extra[] = {
		{ "example.com", "Deep", "spec.pod.spec", "spec.pod.tmpl.meta.data" },
	};
	kg_pod_paths_add(extra, 1);
	struct seen_meta s;
	each(&s, "apiVersion: example.com/v1\nkind: Deep\nspec:\n  pod: {spec: {containers: []}}\n");
	CHECK_INT(s.n, 1);
	CHECK_STR(s.meta_path, "spec.pod.tmpl");
	CHECK(!s.has_meta);
	each(&s, "apiVersion: example.com/v1\nkind: Deep\nspec:\n  pod: {spec: {}, tmpl: {meta: {}}}\n");
	CHECK_STR(s.meta_path, "spec.pod.tmpl.meta.data");
	CHECK(!s.has_meta);
	each(&s, "apiVersion: example.com/v1\nkind: Deep\nspec:\n  pod: {spec: {}, tmpl: {meta: {data: 1}}}\n");
	CHECK_STR(s.meta_path, "spec.pod.tmpl.meta.data");
	CHECK(!s.has_meta);
	each(&s, "apiVersion: example.com/v1\nkind: Deep\nspec:\n  pod: {spec: {}, tmpl: {meta: {data: {}}}}\n");
	CHECK(s.has_meta);
	each(&s, "apiVersion: example.com/v1\nkind: Deep\nspec:\n  pod: {spec: 1}\n");
	CHECK_INT(s.n, 0);
}

TEST(secret_key_names_fold_case)
{
	CHECK(kg_secret_key_name("DB_PASSWORD", 11));
	CHECK(kg_secret_key_name("Api-Key", 7));
	CHECK(kg_secret_key_name("x.Private_Key", 13));
	CHECK(!kg_secret_key_name("DB_PASSWORD_FILE", 16));
	CHECK(!kg_secret_key_name("TOKEN_Url", 9));
	CHECK(!kg_secret_key_name("PASSWOR", 7));
	CHECK(!kg_secret_key_name("pass\0word", 9));
	CHECK(!kg_secret_key_name("", 0));
	struct kg_secret_hit hit;
	/* a format prefix counts only at the start of a word */
	CHECK(!kg_secret_scan_text("xghp_0123456789abcdefghijklmnopqrstuvwxyz", 41, &hit));
	CHECK(kg_secret_scan_text("x ghp_0123456789abcdefghijklmnopqrstuvwxyz", 42, &hit));
	CHECK_INT(hit.kind, KG_SECRET_GITHUB_TOKEN);
}
