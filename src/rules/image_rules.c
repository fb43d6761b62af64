/* image.latest-tag, image.no-digest, image.untrusted-registry, image.pull-policy: what each
 * container's image reference lets change under the manifest. */
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "image_ref.h"
#include "workload_priv.h"

/* The default imagePullPolicy: Always for :latest or no tag (without digest), else IfNotPresent. */
static const char *default_pull_policy(const struct kg_image_ref *img)
{
	if (!img->digest[0] && (!img->tag[0] || !strcmp(img->tag, "latest")))
		return "Always";
	return "IfNotPresent";
}

static void check_registry(const struct wl_pod *pod, const struct wl_ctr *ctr, const struct kg_node *in,
			   const char *image, const struct kg_image_ref *img)
{
	const struct wl_cfg *cfg = pod->cfg;
	char list[512];
	size_t used = 0;
	if (!cfg->ntrusted)
		return;
	for (unsigned i = 0; i < cfg->ntrusted; i++)
		if (kg_image_registry_match(img, cfg->trusted[i]))
			return;
	list[0] = '\0';
	for (unsigned i = 0; i < cfg->ntrusted && used + 8 < sizeof(list); i++) {
		int w = kg_fmt(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", cfg->trusted[i]);
		if (w < 0 || (size_t)w >= sizeof(list) - used) {
			kg_fmt(list + used, sizeof(list) - used, ", ...");
			break;
		}
		used += (size_t)w;
	}
	wl_emit(pod, ctr, IMG_REGISTRY, in, "image",
		"%s uses image %s from registry %s%s, which is not in trustedRegistries (%s); mirror the image into a "
		"trusted registry", ctr->label, image, img->registry,
		img->implicit_registry ? " (no registry written: Docker Hub)" : "", list);
}

void wl_check_image(const struct wl_pod *pod, const struct wl_ctr *ctr)
{
	const struct kg_node *in = kg_map_get(ctr->node, "image");
	const char *image = kg_str(in);
	struct kg_image_ref img;
	/* unrendered templates (${IMAGE}, {{ .Values.image }}) are not references yet */
	if (!image || strpbrk(image, "${}") || kg_image_parse(image, &img))
		return;
	bool pinned = img.digest[0] != '\0';
	if (!pinned && (!img.tag[0] || !strcmp(img.tag, "latest")))
		wl_emit(pod, ctr, IMG_LATEST, in, "image",
			"%s uses image %s%s; use an immutable version tag or pin a digest (@sha256:<digest>)",
			ctr->label, image, img.tag[0] ? "" : " without a tag (that means :latest)");
	if (!pinned)
		wl_emit(pod, ctr, IMG_DIGEST, in, "image",
			"%s uses image %s by tag, which the registry can repoint; pin it by digest (...@sha256:<digest>)",
			ctr->label, image);
	check_registry(pod, ctr, in, image, &img);

	if (pinned)
		return;
	const struct kg_node *pn = kg_map_get(ctr->node, "imagePullPolicy");
	const char *policy = kg_str(pn);
	if (policy && !strcmp(policy, "Always"))
		return;
	if (!policy && !strcmp(default_pull_policy(&img), "Always"))
		return;
	if (policy)
		wl_emit(pod, ctr, IMG_PULL_POLICY, pn, "imagePullPolicy",
			"%s sets imagePullPolicy: %s for image %s, a mutable tag, so nodes keep whatever they pulled first; "
			"pin the image by digest or set imagePullPolicy: Always", ctr->label, policy, image);
	else
		wl_emit(pod, ctr, IMG_PULL_POLICY, in, "imagePullPolicy",
			"%s has no imagePullPolicy, so image %s (a mutable tag) defaults to IfNotPresent and nodes keep "
			"whatever they pulled first; pin the image by digest or set imagePullPolicy: Always", ctr->label, image);
}
