/* Field extraction against the upstream oracle: extracted-fields.jsonl holds what the k8saudit
 * 0.18.0 plugin code extracts for every field of every conformance event (11,605 values). Each
 * value must match, except the upstream bugs kguard fixes (docs/audit.md), whose kguard values are
 * computed here independently and checked exactly. */
#include "harness.h"

#include "cond/field.h"
#include "core/load.h"

#define DATA "../shared/conformance/falco-k8saudit/"

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	b[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return b;
}

/* Line `line` (1-based) of a file as a parsed event. */
static const struct kg_node *event_at(struct kg_loader *L, struct kg_arena *a, const char *file, long line)
{
	char path[512];
	snprintf(path, sizeof(path), DATA "%s", file);
	size_t len;
	char *buf = read_file(path, &len);
	if (!buf)
		return NULL;
	char *p = buf;
	for (long i = 1; i < line && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	const struct kg_node *root = NULL;
	if (p) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct kg_diag err;
		if (kg_json_parse(L, a, p, n, &root, &err))
			root = NULL;
	}
	free(buf);
	return root;
}

struct strs {
	const char *v[64];
	int n;
	bool na;
};

static void from_node(const struct kg_node *n, struct strs *s)
{
	s->n = 0;
	s->na = !n || n->type == KG_NULL;
	for (uint32_t i = 0; n && n->type == KG_SEQ && i < n->len && s->n < 64; i++)
		s->v[s->n++] = kg_str(n->v.items[i]);
}

static const struct kg_node *get(const struct kg_node *n, const char *path)
{
	return kg_node_get(n, path);
}

/* kguard's documented semantics where the plugin is wrong (docs/audit.md, "Upstream bugs"). */
static bool deviation(const char *fname, const char *arg, const struct kg_node *ev, struct strs *want, struct kg_arena *a)
{
	if (!strcmp(fname, "ka.sourceips")) {
		/* the event's own sourceIPs, not requestObject.rules[*].sourceIPs */
		const struct kg_node *ips = kg_map_get(ev, "sourceIPs");
		want->n = 0;
		for (uint32_t i = 0; ips && ips->type == KG_SEQ && i < ips->len; i++)
			if (!arg || (long)i == atol(arg))
				want->v[want->n++] = kg_str(ips->v.items[i]);
		want->na = !kg_map_get(ev, "auditID") || want->n == 0;
		return true;
	}
	if (!strcmp(fname, "ka.req.binding.subject.has_name")) {
		const struct kg_node *subs = get(ev, "requestObject.subjects");
		want->n = 0;
		want->na = !subs || subs->type != KG_SEQ;
		if (!want->na) {
			bool has = false;
			for (uint32_t i = 0; i < subs->len; i++) {
				const char *nm = kg_str(kg_map_get(subs->v.items[i], "name"));
				has |= nm && !strcmp(nm, arg);
			}
			want->v[want->n++] = has ? "true" : "false";
		}
		return true;
	}
	if (strstr(fname, ".eff_run_as_")) {
		const char *key = strstr(fname, "user") ? "runAsUser" : "runAsGroup";
		const char *list = strstr(fname, ".initContainers.") ? "initContainers" :
				   strstr(fname, ".ephemeralContainers.") ? "ephemeralContainers" : "containers";
		char p[96];
		snprintf(p, sizeof(p), "requestObject.spec.securityContext.%s", key);
		const struct kg_node *pod = get(ev, p);
		char podv[32] = "0";
		if (pod)
			kg_scalar_text(pod, podv, sizeof(podv));
		snprintf(p, sizeof(p), "requestObject.spec.%s", list);
		const struct kg_node *cs = get(ev, p);
		want->n = 0;
		for (uint32_t i = 0; cs && cs->type == KG_SEQ && i < cs->len; i++) {
			if (arg && (long)i != atol(arg))
				continue;
			const struct kg_node *c = kg_map_get(kg_map_get(cs->v.items[i], "securityContext"), key);
			char t[32];
			if (c)
				kg_scalar_text(c, t, sizeof(t));
			want->v[want->n++] = kg_arena_strdup(a, c ? t : podv);
		}
		want->na = want->n == 0;
		return true;
	}
	return false;
}

TEST(extract_matches_upstream_oracle)
{
	size_t len;
	char *jsonl = read_file(DATA "extracted-fields.jsonl", &len);
	CHECK(jsonl != NULL);
	if (!jsonl)
		return;
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena la, ea, xa;
	kg_arena_init(&la, 0);
	kg_arena_init(&ea, 0);
	kg_arena_init(&xa, 0);
	struct kg_xctx x;
	kg_xctx_init(&x, &xa);
	int compared = 0, deviations = 0, events = 0, ndiff = 0;
	for (char *p = jsonl; p && *p;) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const struct kg_node *rec;
		struct kg_diag err;
		kg_arena_reset(&la);
		CHECK(kg_json_parse(L, &la, p, n, &rec, &err) == 0);
		const char *file = kg_str(kg_map_get(rec, "file"));
		int64_t line = 0;
		kg_as_int(kg_map_get(rec, "line"), &line);
		kg_arena_reset(&ea);
		const struct kg_node *ev = event_at(L, &ea, file, line);
		CHECK(ev != NULL);
		events++;
		const struct kg_node *fields = kg_map_get(rec, "fields");
		for (uint32_t i = 0; ev && fields && i < fields->len; i++) {
			const struct kg_pair *fp = &fields->v.pairs[i];
			char name[128];
			snprintf(name, sizeof(name), "%s", fp->key);
			char *br = strchr(name, '[');
			const char *arg = NULL;
			if (br) {
				*br = '\0';
				arg = br + 1;
				br[strlen(br + 1)] = '\0'; /* drop ']' */
			}
			const struct kg_field *f = kg_field_find(name, strlen(name));
			CHECK(f != NULL);
			if (!f)
				continue;
			struct strs want, upstream;
			from_node(fp->value, &want);
			upstream = want;
			kg_arena_reset(&xa);
			if (deviation(name, arg, ev, &want, &xa))
				deviations++;
			else if (!strcmp(file, "field-probe-events.jsonl") && line == 1 && strstr(name, "image.repository")) {
				/* registry port: "r:5000/app:1" is repository "r:5000/app" (upstream: "r") */
				for (int k = 0; k < want.n; k++)
					if (!strcmp(want.v[k], "r"))
						want.v[k] = "r:5000/app";
				deviations++;
			} else if (!strcmp(file, "field-probe-events.jsonl") && line == 1 && !strcmp(name, "ka.req.configmap.obj")) {
				/* kguard compares decoded strings: the \u0077 escape is a 'w' */
				want.v[0] = "{\"password\":\"x\"}";
				deviations++;
			}
			bool differs = upstream.na != want.na || upstream.n != want.n;
			for (int k = 0; !differs && !want.na && k < want.n; k++)
				differs = strcmp(upstream.v[k] ? upstream.v[k] : "", want.v[k] ? want.v[k] : "") != 0;
			if (differs) {
				ndiff++;
				if (getenv("KG_SHOW_DEVIATIONS"))
					fprintf(stderr, "  deviation %s:%lld %s\n", file, (long long)line, fp->key);
			}
			int64_t idx = -1;
			if (arg && f->arg == KG_FARG_INDEX)
				idx = atol(arg);
			struct kg_event_view view = { ev, 0, NULL };
			struct kg_cvals got;
			kg_field_extract(f, f->arg == KG_FARG_NONE ? NULL : arg, idx, &view, &x, &got);
			bool same = (want.na && got.n == 0) || (!want.na && (int)got.n == want.n);
			for (int k = 0; same && !want.na && k < want.n; k++)
				same = want.v[k] && !strcmp(want.v[k], got.v[k].s) && strlen(want.v[k]) == got.v[k].len;
			if (!same) {
				fprintf(stderr, "  %s:%lld %s: got %u values", file, (long long)line, fp->key, got.n);
				for (uint32_t k = 0; k < got.n; k++)
					fprintf(stderr, " '%s'", got.v[k].s);
				fprintf(stderr, ", want %s", want.na ? "<NA>" : "");
				for (int k = 0; !want.na && k < want.n; k++)
					fprintf(stderr, " '%s'", want.v[k] ? want.v[k] : "(null)");
				fprintf(stderr, "\n");
			}
			CHECK(same);
			compared++;
		}
		p = nl ? nl + 1 : NULL;
	}
	CHECK_INT(events, 55);
	CHECK(compared >= 11605);
	/* The documented fixes change exactly these many upstream values (KG_SHOW_DEVIATIONS=1 lists
	 * them): ka.sourceips on events with sourceIPs, has_name, eff_run_as_*, the registry-port
	 * repository and the \u0077 configmap key. */
	CHECK(deviations > 0);
	CHECK_INT(ndiff, 198);
	kg_xctx_release(&x);
	kg_arena_release(&la);
	kg_arena_release(&ea);
	kg_arena_release(&xa);
	kg_loader_free(L);
	free(jsonl);
}

static struct kg_cvals extract1(const char *json, const char *field, const char *arg, int64_t ts, struct kg_arena *a,
				struct kg_xctx *x, struct kg_loader *L)
{
	const struct kg_node *ev;
	struct kg_diag err;
	struct kg_cvals out = { 0, NULL };
	if (kg_json_parse(L, a, json, strlen(json), &ev, &err))
		return out;
	const struct kg_field *f = kg_field_find(field, strlen(field));
	struct kg_event_view view = { ev, (uint64_t)ts, NULL };
	kg_field_extract(f, arg, arg && f->arg == KG_FARG_INDEX ? atol(arg) : -1, &view, x, &out);
	return out;
}

TEST(extract_json_fields)
{
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 0);
	struct kg_xctx x;
	kg_xctx_init(&x, &a);
	const char *ev = "{\"auditID\":\"1\",\"a/b\":{\"c~d\":[10,{\"e\":\"s\"}]},\"n\":null,\"t\":true}";
	struct kg_cvals v = extract1(ev, "jevt.value", "/a~1b/c~0d/1/e", 0, &a, &x, L);
	CHECK_INT(v.n, 1);
	CHECK_STR(v.n ? v.v[0].s : NULL, "s");
	v = extract1(ev, "json.value", "/a~1b/c~0d", 0, &a, &x, L);
	CHECK_STR(v.n ? v.v[0].s : NULL, "[10,{\"e\":\"s\"}]");
	v = extract1(ev, "json.value", "/a~1b/c~0d/2", 0, &a, &x, L);
	CHECK_INT(v.n, 0);
	v = extract1(ev, "json.value", "/n", 0, &a, &x, L);
	CHECK_STR(v.n ? v.v[0].s : NULL, "null");
	v = extract1(ev, "json.value", "/missing", 0, &a, &x, L);
	CHECK_INT(v.n, 0);
	v = extract1(ev, "jevt.rawtime", NULL, 1540476552581541000, &a, &x, L);
	CHECK_STR(v.n ? v.v[0].s : NULL, "1540476552581541000");
	v = extract1("{\"a\":[],\"b\":{}}", "json.obj", NULL, 0, &a, &x, L);
	CHECK_STR(v.n ? v.v[0].s : NULL, "{\n  \"a\": [],\n  \"b\": {}\n}");
	/* no auditID: no ka.* field, json.* still */
	v = extract1("{\"verb\":\"get\"}", "ka.verb", NULL, 0, &a, &x, L);
	CHECK_INT(v.n, 0);
	v = extract1("{\"verb\":\"get\"}", "json.value", "/verb", 0, &a, &x, L);
	CHECK_INT(v.n, 1);
	kg_xctx_release(&x);
	kg_arena_release(&a);
	kg_loader_free(L);
}

TEST(extract_uri_param_and_repository)
{
	struct kg_loader *L = kg_loader_new(NULL);
	struct kg_arena a;
	kg_arena_init(&a, 0);
	struct kg_xctx x;
	kg_xctx_init(&x, &a);
	struct kg_cvals v = extract1("{\"auditID\":\"1\",\"requestURI\":\"/x?command=a%20b&command=c&k=+v+\"}",
				     "ka.uri.param", "command", 0, &a, &x, L);
	CHECK_STR(v.n ? v.v[0].s : NULL, "a b");
	v = extract1("{\"auditID\":\"1\",\"requestURI\":\"/x?command=a%20b&k=+v+\"}", "ka.uri.param", "k", 0, &a, &x, L);
	CHECK_STR(v.n ? v.v[0].s : NULL, " v ");
	/* a bad escape anywhere in the query makes the field unavailable, as Go's ParseQuery fails */
	v = extract1("{\"auditID\":\"1\",\"requestURI\":\"/x?command=a&b=%zz\"}", "ka.uri.param", "command", 0, &a, &x, L);
	CHECK_INT(v.n, 0);
	const char *pod = "{\"auditID\":\"1\",\"requestObject\":{\"spec\":{\"containers\":["
			  "{\"image\":\"reg.io:5000/team/app:1.2@sha256:ab\"},{\"image\":\"nginx\"},{\"image\":\"a/b@sha256:cd\"}]}}}";
	v = extract1(pod, "ka.req.pod.containers.image.repository", NULL, 0, &a, &x, L);
	CHECK_INT(v.n, 3);
	if (v.n == 3) {
		CHECK_STR(v.v[0].s, "reg.io:5000/team/app");
		CHECK_STR(v.v[1].s, "nginx");
		CHECK_STR(v.v[2].s, "a/b");
	}
	v = extract1(pod, "ka.req.pod.containers.image", "1", 0, &a, &x, L);
	CHECK_STR(v.n ? v.v[0].s : NULL, "nginx");
	v = extract1(pod, "ka.req.pod.containers.image", "3", 0, &a, &x, L);
	CHECK_INT(v.n, 0);
	kg_xctx_release(&x);
	kg_arena_release(&a);
	kg_loader_free(L);
}
