/* What a folder says its files are: the repository layouts of GitOps tools, so that a directory
 * walk does not read as manifests what is not one.
 *
 * - A folder holding Chart.yaml is a Helm chart: everything under its templates/ folder is a Go
 *   template, whose text is not the object the chart renders (a `{{ .Values.x }}` reads as a YAML
 *   mapping, a `{{- if }}` hides half of the object). Subcharts (charts/NAME/) are charts too.
 * - A folder holding kustomization.yaml, kustomization.yml or Kustomization is a Kustomize
 *   kustomization or component: the files it names as patches (patchesStrategicMerge entries,
 *   patches[].path, patchesJson6902[].path) are partial objects that only mean something merged
 *   into a base. Judged as objects they would be flagged for every setting they leave to the base.
 *
 * The scan's directory walk calls kg_layout_enter for every folder before it visits the folder's
 * entries, so what a folder is (a chart, a kustomization) is known before any file under it is
 * judged, with no second walk: a kustomization's patches lie in or below its folder (kustomize's
 * default load restriction; a patch elsewhere, allowed only with LoadRestrictionsNone, is read as
 * a manifest when the walk meets it before its kustomization) and a component is a folder with its
 * own kustomization. kg_layout_role then tells, for each file the walk meets, whether it is one of
 * those. Paths are compared after lexical clean-up (".", "..", repeated slashes), spelled as the
 * walker spells them (kg_walk_child). Kustomization files that do not parse teach nothing here:
 * the scan reports their errors when it reads them. Nothing here prints.
 *
 * Ownership: a kg_layout owns copies of every path it keeps; kg_layout_free releases them. */
#ifndef KG_LAYOUT_H
#define KG_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

struct kg_loader;
struct kg_layout;

struct kg_layout *kg_layout_new(void);
void kg_layout_free(struct kg_layout *l);

/* A folder the walk is about to enter, with its visible entries and their d_types: a Chart.yaml
 * makes it a chart; a kustomization file (read with loader) names patches. Only a regular file
 * is read as a kustomization: anything else of that name is not even opened. */
void kg_layout_enter(struct kg_layout *l, struct kg_loader *loader, const char *dir,
		     const char *const *names, const unsigned char *types, size_t n);

/* Learn the patches one kustomization names, from its text; kfile is its path as the walker
 * spells it (the patch paths are relative to its folder). */
void kg_layout_add_kustomization(struct kg_layout *l, struct kg_loader *loader, const char *kfile,
				 const char *text, size_t len);

/* Why a file met by a directory walk is not a manifest. */
enum kg_layout_kind {
	KG_LAYOUT_MANIFEST = 0, /* nothing known against it: scan it */
	KG_LAYOUT_HELM_TEMPLATE,
	KG_LAYOUT_KUSTOMIZE_PATCH,
};

struct kg_layout_role {
	enum kg_layout_kind kind;
	const char *owner;  /* the chart folder / the kustomization file naming the patch, walker-spelled */
	bool first;         /* HELM_TEMPLATE: the first file met of this chart (note the chart once) */
	bool component;     /* KUSTOMIZE_PATCH: owner is a Component (built only inside an overlay) */
};

/* The role of path (as the walker spells it). */
struct kg_layout_role kg_layout_role(struct kg_layout *l, const char *path);

/* The chart a file belongs to as a template, for files read outside a walk's judgement (named on
 * the command line): path is FOLDER/templates/... (at any depth) and FOLDER/Chart.yaml exists; the
 * nearest such FOLDER (a subchart before its parent) goes into out (size bytes). False otherwise.
 * Only error paths call this: it stats. */
bool kg_layout_template_chart(const char *path, char *out, size_t size);

/* Lexical clean-up of a relative or absolute path into out (size bytes): repeated slashes and "."
 * components dropped, "dir/.." folded; a leading "/" and leading ".." components are kept. Returns
 * the length, or (size_t)-1 when out is too small. Exposed for the tests. */
size_t kg_layout_clean_path(const char *path, char *out, size_t size);

#endif
