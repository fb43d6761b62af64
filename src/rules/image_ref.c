/* Image reference parsing (see image_ref.h for the grammar). */
#include "image_ref.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool copy(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

static bool looks_like_registry(const char *s, size_t n)
{
	if (n == 9 && !memcmp(s, "localhost", 9))
		return true;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == ':' || isupper((unsigned char)s[i]))
			return true;
	return false;
}

static const char *canonical_registry(const char *r)
{
	if (!strcasecmp(r, "index.docker.io") || !strcasecmp(r, "registry-1.docker.io") ||
	    !strcasecmp(r, "registry.hub.docker.com"))
		return "docker.io";
	return r;
}

int kg_image_parse(const char *ref, struct kg_image_ref *out)
{
	/* the fields are strings: clearing their first bytes is enough (the struct is 1 KB) */
	out->registry[0] = out->repository[0] = out->tag[0] = out->digest[0] = '\0';
	out->implicit_registry = false;
	size_t len = 0;
	for (; ref[len]; len++) {
		unsigned char ch = (unsigned char)ref[len];
		/* printable ASCII is never space or control, whatever the locale */
		if ((ch <= ' ' || ch >= 0x7f) && (isspace(ch) || iscntrl(ch)))
			return -1;
	}
	if (!len)
		return -1;
	const char *at = memchr(ref, '@', len);
	size_t name_len = at ? (size_t)(at - ref) : len;
	if (at && !copy(out->digest, sizeof(out->digest), at + 1, len - name_len - 1))
		return -1;
	/* the tag is after the last ':' that follows the last '/' */
	const char *slash = memrchr(ref, '/', name_len);
	const char *from = slash ? slash : ref;
	const char *colon = memrchr(from, ':', (size_t)(ref + name_len - from));
	size_t repo_end = name_len;
	if (colon) {
		if (!copy(out->tag, sizeof(out->tag), colon + 1, (size_t)(ref + name_len - colon - 1)))
			return -1;
		repo_end = (size_t)(colon - ref);
	}
	const char *first = memchr(ref, '/', repo_end);
	if (first && looks_like_registry(ref, (size_t)(first - ref))) {
		if (!copy(out->registry, sizeof(out->registry), ref, (size_t)(first - ref)))
			return -1;
		size_t off = 0, rlen = repo_end - (size_t)(first - ref) - 1;
		/* docker.io/nginx is docker.io/library/nginx */
		if (!strcmp(canonical_registry(out->registry), "docker.io") && !memchr(first + 1, '/', rlen)) {
			memcpy(out->repository, "library/", 8);
			off = 8;
		}
		if (!copy(out->repository + off, sizeof(out->repository) - off, first + 1, rlen))
			return -1;
	} else {
		memcpy(out->registry, "docker.io", 10);
		out->implicit_registry = true;
		size_t off = 0;
		if (!first) {
			memcpy(out->repository, "library/", 8);
			off = 8;
		}
		if (!copy(out->repository + off, sizeof(out->repository) - off, ref, repo_end))
			return -1;
	}
	if (!out->repository[0])
		return -1;
	return 0;
}

bool kg_image_registry_match(const struct kg_image_ref *img, const char *entry)
{
	const char *reg = canonical_registry(img->registry);
	const char *slash = strchr(entry, '/');
	size_t hlen = slash ? (size_t)(slash - entry) : strlen(entry);
	char host[256];
	if (!hlen || hlen >= sizeof(host))
		return false;
	memcpy(host, entry, hlen);
	host[hlen] = '\0';
	const char *want = canonical_registry(host);
	if (want[0] == '*' && want[1] == '.') {
		size_t rl = strlen(reg), wl = strlen(want + 1); /* ".domain" */
		if (rl <= wl || strcasecmp(reg + rl - wl, want + 1))
			return false;
	} else if (strcasecmp(reg, want)) {
		return false;
	}
	if (!slash || !slash[1])
		return true;
	/* repository prefix on a path boundary: "org" matches "org/app", not "organisation/app" */
	const char *prefix = slash + 1;
	size_t pl = strlen(prefix);
	while (pl && prefix[pl - 1] == '/')
		pl--;
	return !strncmp(img->repository, prefix, pl) && (img->repository[pl] == '\0' || img->repository[pl] == '/');
}
