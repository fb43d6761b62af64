/* Container image references as the container runtimes read them (the docker/distribution
 * reference grammar): [registry[:port]/]repository[:tag][@digest]. The first component is a
 * registry only when it contains '.' or ':', is "localhost", or has upper-case letters;
 * otherwise the registry is docker.io and single-component names get the "library/" prefix.
 *
 * Ownership: the struct holds copies in fixed buffers; nothing is allocated. Errors: -1 for an
 * empty reference, one with whitespace or control characters, or a part longer than its buffer
 * (the caller decides whether that is worth a finding). */
#ifndef KG_IMAGE_REF_H
#define KG_IMAGE_REF_H

#include <stdbool.h>

struct kg_image_ref {
	char registry[256];   /* "docker.io", "ghcr.io", "registry.local:5000" */
	char repository[512]; /* "library/nginx", "org/app" */
	char tag[129];        /* "" when none */
	char digest[200];     /* "sha256:..." or "" */
	bool implicit_registry; /* no registry written: docker.io was assumed */
};

__attribute__((warn_unused_result))
int kg_image_parse(const char *ref, struct kg_image_ref *out);

/* Whether the image's registry/repository matches a trusted-registry entry: "host" (that
 * registry), "host/path" (that repository prefix, on a path boundary) or "*.domain" (any
 * subdomain). Docker Hub aliases (index.docker.io, registry-1.docker.io) count as docker.io. */
bool kg_image_registry_match(const struct kg_image_ref *img, const char *entry);

#endif
