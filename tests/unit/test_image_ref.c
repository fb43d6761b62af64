/* Image reference parsing and trusted-registry matching. */
#include "harness.h"

#include "rules/image_ref.h"

static struct kg_image_ref parse_ok(const char *s)
{
	struct kg_image_ref r;
	int rc = kg_image_parse(s, &r);
	CHECK_INT(rc, 0);
	return r;
}

TEST(parse_names)
{
	struct kg_image_ref r = parse_ok("nginx");
	CHECK_STR(r.registry, "docker.io");
	CHECK_STR(r.repository, "library/nginx");
	CHECK_STR(r.tag, "");
	CHECK(r.implicit_registry);

	r = parse_ok("bitnami/redis:7.2");
	CHECK_STR(r.registry, "docker.io");
	CHECK_STR(r.repository, "bitnami/redis");
	CHECK_STR(r.tag, "7.2");

	r = parse_ok("registry.local:5000/team/app");
	CHECK_STR(r.registry, "registry.local:5000");
	CHECK_STR(r.repository, "team/app");
	CHECK_STR(r.tag, "");
	CHECK(!r.implicit_registry);

	r = parse_ok("localhost/app:dev");
	CHECK_STR(r.registry, "localhost");
	CHECK_STR(r.tag, "dev");

	r = parse_ok("docker.io/nginx:1.27");
	CHECK_STR(r.repository, "library/nginx");

	r = parse_ok("ghcr.io/org/app:1.0@sha256:abcd");
	CHECK_STR(r.registry, "ghcr.io");
	CHECK_STR(r.repository, "org/app");
	CHECK_STR(r.tag, "1.0");
	CHECK_STR(r.digest, "sha256:abcd");

	r = parse_ok("app@sha256:abcd");
	CHECK_STR(r.tag, "");
	CHECK_STR(r.digest, "sha256:abcd");
}

TEST(parse_errors)
{
	struct kg_image_ref r;
	CHECK_INT(kg_image_parse("", &r), -1);
	CHECK_INT(kg_image_parse("nginx latest", &r), -1);
	CHECK_INT(kg_image_parse("reg.io/:tag", &r), -1);
	char long_tag[300];
	memset(long_tag, 'a', sizeof(long_tag));
	memcpy(long_tag, "app:", 4);
	long_tag[sizeof(long_tag) - 1] = '\0';
	CHECK_INT(kg_image_parse(long_tag, &r), -1);
}

TEST(registry_match)
{
	struct kg_image_ref r = parse_ok("registry.example.com/team/app:1");
	CHECK(kg_image_registry_match(&r, "registry.example.com"));
	CHECK(kg_image_registry_match(&r, "REGISTRY.example.com"));
	CHECK(kg_image_registry_match(&r, "registry.example.com/team"));
	CHECK(kg_image_registry_match(&r, "registry.example.com/team/"));
	CHECK(!kg_image_registry_match(&r, "registry.example.com/te"));
	CHECK(!kg_image_registry_match(&r, "example.com"));
	CHECK(kg_image_registry_match(&r, "*.example.com"));
	CHECK(!kg_image_registry_match(&r, "*.registry.example.com"));

	r = parse_ok("evil.registry.example.com.attacker.io/app:1");
	CHECK(!kg_image_registry_match(&r, "registry.example.com"));
	CHECK(!kg_image_registry_match(&r, "*.example.com"));

	r = parse_ok("nginx:1");
	CHECK(kg_image_registry_match(&r, "docker.io"));
	CHECK(kg_image_registry_match(&r, "index.docker.io/library"));
	CHECK(!kg_image_registry_match(&r, "docker.io/bitnami"));
}
