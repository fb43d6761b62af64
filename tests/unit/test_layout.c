/* kg_layout: Helm chart templates and Kustomize patches found under a directory, matched against
 * paths as a walk spells them; the lexical path clean-up they are compared with. */
#include <dirent.h>
#include <errno.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/layout.h"
#include "core/load.h"
#include "harness.h"
#include "util/buf.h"
#include "util/walk.h"

static char root[64];

static void put(const char *name, const char *text)
{
	char p[512], cmd[600];
	snprintf(p, sizeof(p), "%s/%s", root, name);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", p);
	CHECK_INT(system(cmd), 0);
	FILE *fp = fopen(p, "w");
	CHECK(fp != NULL);
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

static const char *at(const char *rel)
{
	static char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	return p;
}

static char *clean(const char *path)
{
	static char out[256];
	if (kg_layout_clean_path(path, out, sizeof(out)) == (size_t)-1)
		return NULL;
	return out;
}

TEST(layout_clean_path)
{
	CHECK_STR(clean("a/b/c.yaml"), "a/b/c.yaml");
	CHECK_STR(clean("./a//b/./c.yaml"), "a/b/c.yaml");
	CHECK_STR(clean("a/b/../c.yaml"), "a/c.yaml");
	CHECK_STR(clean("a/../../c.yaml"), "../c.yaml");
	CHECK_STR(clean("../../a/../b"), "../../b");
	CHECK_STR(clean("/x/../../y"), "/y");
	CHECK_STR(clean("/"), "/");
	CHECK_STR(clean("."), "");
	CHECK_STR(clean("a/"), "a");
	char small[4];
	CHECK(kg_layout_clean_path("abcdef", small, sizeof(small)) == (size_t)-1);
	CHECK(kg_layout_clean_path("abc", small, sizeof(small)) == 3);
}

struct walk_ctx {
	struct kg_layout *l;
	struct kg_loader *L;
	struct kg_buf roles;
};

static bool want_any(void *ctx, const char *path, const char *base)
{
	(void)ctx;
	(void)path;
	(void)base;
	return true;
}

static void on_enter(void *ctx, const char *dir, const char *const *names, const unsigned char *types, size_t n)
{
	struct walk_ctx *c = ctx;
	kg_layout_enter(c->l, c->L, dir, names, types, n);
}

static const char *rel(const char *path)
{
	size_t n = strlen(root) + strlen("/repo/");
	return strlen(path) > n ? path + n : path;
}

/* one line per file: M(anifest), H(elm template) or P(atch), the owner, "first" */
static void on_file(void *ctx, const struct kg_walk_file *f)
{
	struct walk_ctx *c = ctx;
	struct kg_layout_role r = kg_layout_role(c->l, f->path);
	const char *k = r.kind == KG_LAYOUT_HELM_TEMPLATE ? "H" : r.kind == KG_LAYOUT_KUSTOMIZE_PATCH ? "P" : "M";
	if (r.owner)
		CHECK(kg_buf_printf(&c->roles, "%s %s (%s%s)\n", k, rel(f->path), rel(r.owner), r.first ? ", first" : "") == 0);
	else
		CHECK(kg_buf_printf(&c->roles, "%s %s\n", k, rel(f->path)) == 0);
	if (f->fd >= 0)
		close(f->fd);
}

static void on_error(void *ctx, const char *path, const char *message)
{
	(void)ctx;
	fprintf(stderr, "walk error %s: %s\n", path, message);
	CHECK(0);
}

TEST(layout_charts_and_patches)
{
	strcpy(root, "/tmp/kg-layout-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	put("repo/charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
	put("repo/charts/web/templates/deploy.yaml", "x: {{ .Values.x }}\n");
	put("repo/charts/web/templates/more/other.yaml", "y: 1\n");
	put("repo/charts/web/templatesx/a.yaml", "z: 1\n");
	put("repo/charts/web/values.yaml", "x: 1\n");
	put("repo/charts/web/crds/crd.yaml", "kind: CustomResourceDefinition\n");
	put("repo/charts/web/charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\n");
	put("repo/charts/web/charts/sub/templates/s.yaml", "{{- if . }}\n");
	/* a component whose patch sorts before its kustomization file */
	put("repo/k/components/c/kustomization.yaml",
	    "kind: Component\npatches:\n  - path: a-patch.yaml\n  - patch: |-\n      kind: Deployment\n");
	put("repo/k/components/c/a-patch.yaml", "kind: Deployment\n");
	put("repo/k/overlays/prod/kustomization.yml",
	    "resources: [../../base, cm.yaml]\n"
	    "patchesStrategicMerge:\n  - ./smp.yaml\n  - |-\n    kind: Deployment\n    metadata: {name: x}\n"
	    "  - '{\"kind\": \"Deployment\"}'\n"
	    "patchesJson6902:\n  - path: json//ops.yaml\n    target: {kind: Deployment}\n");
	put("repo/k/overlays/prod/cm.yaml", "kind: ConfigMap\n");
	put("repo/k/overlays/dev/Kustomization", "patches:\n  - path: ../prod/cm-patch.yaml\n");
	put("repo/k/broken/kustomization.yaml", "patches: [\n"); /* teaches nothing, no crash */
	put("repo/k/notalist/kustomization.yaml", "patches: {path: x.yaml}\npatchesStrategicMerge: 3\n");
	put("repo/k/notalist/x.yaml", "kind: Deployment\n");
	put("repo/k/overlays/prod/cm-patch.yaml", "kind: ConfigMap\n");
	put("repo/k/overlays/prod/smp.yaml", "kind: Deployment\n");
	put("repo/k/overlays/prod/json/ops.yaml", "- op: remove\n");

	/* the scan's walk: every folder is entered before its files are judged */
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_layout *l = kg_layout_new();
	struct kg_layout_role r = kg_layout_role(l, at("repo/charts/web/templates/deploy.yaml"));
	CHECK_INT(r.kind, KG_LAYOUT_MANIFEST); /* nothing learnt yet */
	struct walk_ctx wc = { l, L, KG_BUF_INIT };
	struct kg_walk w = { &wc, want_any, on_file, on_error, on_enter };
	kg_walk_path(&w, at("repo"));
	CHECK_STR(wc.roles.data,
		  "M charts/web/Chart.yaml\n"
		  "M charts/web/charts/sub/Chart.yaml\n"
		  "H charts/web/charts/sub/templates/s.yaml (charts/web/charts/sub, first)\n"
		  "M charts/web/crds/crd.yaml\n"
		  "H charts/web/templates/deploy.yaml (charts/web, first)\n"
		  "H charts/web/templates/more/other.yaml (charts/web)\n"
		  "M charts/web/templatesx/a.yaml\n"
		  "M charts/web/values.yaml\n"
		  "M k/broken/kustomization.yaml\n"
		  "P k/components/c/a-patch.yaml (k/components/c/kustomization.yaml)\n"
		  "M k/components/c/kustomization.yaml\n"
		  "M k/notalist/kustomization.yaml\n"
		  "M k/notalist/x.yaml\n"
		  "M k/overlays/dev/Kustomization\n"
		  "P k/overlays/prod/cm-patch.yaml (k/overlays/dev/Kustomization)\n"
		  "M k/overlays/prod/cm.yaml\n"
		  "P k/overlays/prod/json/ops.yaml (k/overlays/prod/kustomization.yml)\n"
		  "M k/overlays/prod/kustomization.yml\n"
		  "P k/overlays/prod/smp.yaml (k/overlays/prod/kustomization.yml)\n");
	kg_buf_release(&wc.roles);

	/* walker spellings with "//" and "./" match too */
	char odd[512];
	snprintf(odd, sizeof(odd), "%s/repo//k/./overlays/prod/smp.yaml", root);
	CHECK_INT(kg_layout_role(l, odd).kind, KG_LAYOUT_KUSTOMIZE_PATCH);

	/* a template named outside a walk: its chart, for error hints (the nearest chart wins) */
	char chart[512], want[512];
	CHECK(kg_layout_template_chart(at("repo/charts/web/templates/deploy.yaml"), chart, sizeof(chart)));
	snprintf(want, sizeof(want), "%s", at("repo/charts/web"));
	CHECK_STR(chart, want);
	CHECK(kg_layout_template_chart(at("repo/charts/web/templates/more/other.yaml"), chart, sizeof(chart)));
	CHECK_STR(chart, want);
	CHECK(kg_layout_template_chart(at("repo/charts/web/charts/sub/templates/s.yaml"), chart, sizeof(chart)));
	CHECK_STR(chart, at("repo/charts/web/charts/sub"));
	CHECK(!kg_layout_template_chart(at("repo/charts/web/templatesx/a.yaml"), chart, sizeof(chart)));
	CHECK(!kg_layout_template_chart(at("repo/charts/web/values.yaml"), chart, sizeof(chart)));
	CHECK(!kg_layout_template_chart(at("repo/k/overlays/prod/cm.yaml"), chart, sizeof(chart)));
	CHECK(!kg_layout_template_chart(at("repo/charts/web/templates/deploy.yaml"), chart, 8)); /* no room */
	CHECK(!kg_layout_template_chart("<stdin>", chart, sizeof(chart)));

	/* the text of one kustomization, named by its path */
	struct kg_layout *l2 = kg_layout_new();
	static const char k2[] = "patches:\n  - path: ../p.yaml\n  - {path: /abs/x.yaml}\n";
	kg_layout_add_kustomization(l2, L, "a/b/kustomization.yaml", k2, sizeof(k2) - 1);
	r = kg_layout_role(l2, "./a/p.yaml");
	CHECK_INT(r.kind, KG_LAYOUT_KUSTOMIZE_PATCH);
	CHECK_STR(r.owner, "a/b/kustomization.yaml");
	CHECK(!r.component);
	CHECK_INT(kg_layout_role(l2, "/abs/x.yaml").kind, KG_LAYOUT_KUSTOMIZE_PATCH);
	CHECK_INT(kg_layout_role(l2, "a/b/p.yaml").kind, KG_LAYOUT_MANIFEST);
	kg_layout_free(l2);
	l2 = kg_layout_new();
	static const char k3[] = "kind: Component\npatchesStrategicMerge: [p.yaml]\n";
	kg_layout_add_kustomization(l2, L, "kustomization.yaml", k3, sizeof(k3) - 1);
	r = kg_layout_role(l2, "p.yaml");
	CHECK_INT(r.kind, KG_LAYOUT_KUSTOMIZE_PATCH);
	CHECK(r.component);
	kg_layout_free(l2);

	kg_layout_free(l);
	kg_loader_free(L);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_INT(system(cmd), 0);
}

/* Opens of the entries of the folder watched by in (IN_OPEN events) since the last call. */
static unsigned opens(int in)
{
	unsigned n = 0;
	_Alignas(struct inotify_event) char buf[4096];
	ssize_t got;
	while ((got = read(in, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + got; p += sizeof(struct inotify_event) + ((struct inotify_event *)p)->len)
			n += (((struct inotify_event *)p)->mask & IN_OPEN) != 0;
	return n;
}

/* A kustomization file name that is not a regular file (a FIFO, a link to one) is not opened at
 * all, whatever readdir said of it: opening a device can have side effects. A regular one, or a
 * link to one, is opened and read. Opens are seen by inotify. */
TEST(layout_opens_only_regular_kustomizations)
{
	strcpy(root, "/tmp/kg-layout-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	put("fifo/keep", "");
	put("file/kustomization.yaml", "patches:\n  - path: p.yaml\n");
	put("link/keep", "");
	char fifo[512], link[512], dir[512];
	snprintf(fifo, sizeof(fifo), "%s/fifo/kustomization.yaml", root);
	CHECK_INT(mkfifo(fifo, 0600), 0);
	snprintf(link, sizeof(link), "%s/link/kustomization.yaml", root);
	CHECK_INT(symlink(fifo, link), 0);
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CHECK(in >= 0);
	snprintf(dir, sizeof(dir), "%s/fifo", root);
	CHECK(inotify_add_watch(in, dir, IN_OPEN) >= 0);
	snprintf(dir, sizeof(dir), "%s/file", root);
	CHECK(inotify_add_watch(in, dir, IN_OPEN) >= 0);

	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_layout *l = kg_layout_new();
	const char *names[] = { "kustomization.yaml" };
	static const unsigned char types[] = { DT_FIFO, DT_UNKNOWN, DT_LNK, DT_REG };
	for (int t = 0; t < 3; t++) {
		snprintf(dir, sizeof(dir), "%s/%s", root, t == 2 ? "link" : "fifo");
		kg_layout_enter(l, L, dir, names, &types[t], 1);
		CHECK_INT(opens(in), 0);
	}
	/* the control: a regular kustomization is opened, and read */
	snprintf(dir, sizeof(dir), "%s/file", root);
	kg_layout_enter(l, L, dir, names, &types[3], 1);
	CHECK(opens(in) >= 1);
	CHECK_INT(kg_layout_role(l, at("file/p.yaml")).kind, KG_LAYOUT_KUSTOMIZE_PATCH);
	/* a link to it too (stat'ed, then opened) */
	snprintf(link, sizeof(link), "%s/link/kustomization.yaml", root);
	CHECK_INT(unlink(link), 0);
	snprintf(fifo, sizeof(fifo), "%s/file/kustomization.yaml", root);
	CHECK_INT(symlink(fifo, link), 0);
	snprintf(dir, sizeof(dir), "%s/link", root);
	kg_layout_enter(l, L, dir, names, &types[2], 1);
	CHECK(opens(in) >= 1);

	/* kg_walk_open_typed itself: nothing opened, st from stat, errno 0 */
	struct stat st;
	snprintf(fifo, sizeof(fifo), "%s/fifo/kustomization.yaml", root);
	errno = EINVAL;
	CHECK_INT(kg_walk_open_typed(fifo, DT_UNKNOWN, &st), -1);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_INT(errno, 0);
	CHECK_INT(opens(in), 0);
	snprintf(fifo, sizeof(fifo), "%s/none", root);
	CHECK_INT(kg_walk_open_typed(fifo, DT_UNKNOWN, &st), -1);
	CHECK_INT((int)st.st_mode, 0);
	CHECK_INT(errno, ENOENT);

	close(in);
	kg_layout_free(l);
	kg_loader_free(L);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_INT(system(cmd), 0);
}
