/* SARIF 2.1.0 writer, shaped for GitHub code scanning.
 *
 * Decisions (docs/cli.md explains them to users):
 * - One run. tool.driver.rules lists only the rules that have results, sorted by id, so the file
 *   stays small (GitHub caps a run at 25,000 rules and 10 MB gzipped) and results refer to them by
 *   ruleIndex. Rule metadata comes from the catalog; a rule the catalog does not know (user audit
 *   rules) is described from its findings.
 * - Levels: critical/high -> error, medium -> warning, low/info -> note. security-severity (the
 *   number GitHub shows as Critical/High/Medium/Low) is 9.5/8.0/5.5/2.0 for the highest effective
 *   severity of the rule in this run, so a policy override is what GitHub shows; info rules get
 *   none (GitHub then shows the level, not a security severity).
 * - Locations: file paths as given (relative) become URIs relative to %SRCROOT%; absolute paths
 *   become file:// URIs; "<stdin>" has no base. GitHub needs startLine >= 1: an unknown line is
 *   reported as line 1 (the file), an unknown column is left out.
 * - partialFingerprints["kguard/v1"]: a hash of rule, file, object identity, field path and
 *   container (never the line, nor the message, which quotes lines), with an occurrence number,
 *   so an alert survives lines moving above it.
 * - Input errors are toolExecutionNotifications (level error) of the one invocation, whose
 *   executionSuccessful is false when there are any: kguard exits 2 for them. Notes (inputs
 *   deliberately not scanned) follow them at level note and leave executionSuccessful alone.
 *   driver.notifications describes the kinds present: input-error, then not-scanned.
 * - No automationDetails: GitHub's upload action only sets its `category` (or its per-job
 *   default) when the run has none, and a fixed id would make parallel jobs replace each other.
 * Nothing in the output depends on time or on the machine. */
#include <stdlib.h>
#include <string.h>

#include "../rules/rule.h"
#include "../util/hash.h"
#include "../util/jsonw.h"
#include "write.h"
#include "write_priv.h"
#include "write_sarif.h"

#ifndef KG_VERSION
#define KG_VERSION "0.0.0"
#endif
/* Where kguard is documented; a build can point it at its own home (make EXTRA_CFLAGS=...). */
#ifndef KG_HOMEPAGE
#define KG_HOMEPAGE "https://github.com/kguard/kguard"
#endif

#define FINGERPRINT_KEY "kguard/v1"

static void flush(struct kg_sarif *s)
{
	if (s->b.len && fwrite(s->b.data, 1, s->b.len, s->out) != s->b.len)
		s->failed = 1;
	kg_buf_reset(&s->b);
}

/* --- locations ---------------------------------------------------------------------------- */

static bool uri_keep(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/!$&'()*+,;=@", c);
}

/* Percent-encode a path into tmp (with url, a whole URL: its delimiters are kept). */
static const char *uri_encode_as(struct kg_sarif *s, const char *prefix, const char *path, bool url)
{
	static const char hex[] = "0123456789ABCDEF";
	kg_buf_reset(&s->tmp);
	kg_buf_adds(&s->tmp, prefix);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (uri_keep(*p) || (url && strchr(":?#[]%", *p))) {
			kg_buf_addc(&s->tmp, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			kg_buf_add(&s->tmp, e, 3);
		}
	}
	return s->tmp.data ? s->tmp.data : "";
}

static const char *uri_encode(struct kg_sarif *s, const char *prefix, const char *path)
{
	return uri_encode_as(s, prefix, path, false);
}

/* Lexically normalised path into out: no empty or "." segments, "dir/.." folded away; leading
 * ".." stay in relative paths (the file is outside %SRCROOT%) and are dropped at the root. */
static void normalize_path(struct kg_buf *out, const char *path)
{
	bool abs = path[0] == '/';
	size_t nseg = 0, ndotdot = 0; /* segments in out; how many of them (all leading) are ".." */
	kg_buf_reset(out);
	kg_buf_adds(out, abs ? "/" : "");
	size_t base = out->len;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		const char *seg = p;
		p += n;
		if (!n || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (nseg > ndotdot) { /* drop the last real segment and its '/' */
				size_t cut = out->len;
				while (cut > base && out->data[cut - 1] != '/')
					cut--;
				out->len = cut > base ? cut - 1 : base;
				out->data[out->len] = '\0';
				nseg--;
				continue;
			}
			if (abs)
				continue;
			ndotdot++;
		}
		if (nseg)
			kg_buf_addc(out, '/');
		kg_buf_add(out, seg, n);
		nseg++;
	}
}

/* Worst case of jstr() for n bytes. */
static size_t jmax(size_t n)
{
	return KG_JSON_ESC_MAX(n) + 2;
}

/* A JSON string (or null), n = strlen(s), into reserved room. */
static char *jstr(char *d, const char *s, size_t n)
{
	if (!s)
		return kg_wp_put(d, KG_LIT("null"));
	*d++ = '"';
	d = kg_json_escape_to(d, s, n);
	*d++ = '"';
	return d;
}

/* A result's location from "locations" up to the startLine value, for the cached file. */
static void file_part(struct kg_sarif *s, bool is_stdin)
{
	struct kg_buf *p = &s->file_part;
	const char *uri = s->cache_uri.data ? s->cache_uri.data : "";
	size_t n = s->cache_uri.len;
	kg_buf_reset(p);
	char *d = kg_wp_room(p, 480 + jmax(n));
	if (!d) {
		s->failed = 1;
		return;
	}
	d = kg_wp_put(d, KG_LIT(",\n          \"locations\": [\n            {\n              \"physicalLocation\": {\n"
				"                \"artifactLocation\": {\n                  \"uri\": "));
	d = jstr(d, uri, n);
	if (s->cache_base)
		d = kg_wp_put(d, KG_LIT(",\n                  \"uriBaseId\": \"%SRCROOT%\""));
	if (is_stdin)
		d = kg_wp_put(d, KG_LIT(",\n                  \"description\": {\n                    \"text\": \"standard input\"\n"
					"                  }"));
	d = kg_wp_put(d, KG_LIT("\n                },\n                \"region\": {\n                  \"startLine\": "));
	kg_wp_done(p, d);
}

/* Fill the cache for file (a no-op when it is the cached one). */
static void cache_path(struct kg_sarif *s, const char *file)
{
	if (s->cache_file && (s->cache_file == file || !strcmp(s->cache_file, file)))
		return;
	s->cache_file = file;
	s->file_gen++;
	s->obj_gen++;
	kg_buf_reset(&s->cache_uri);
	bool is_stdin = !strcmp(file, "<stdin>");
	if (is_stdin) {
		kg_buf_reset(&s->cache_norm);
		kg_buf_adds(&s->cache_norm, file);
		kg_buf_adds(&s->cache_uri, uri_encode(s, "", file));
		s->cache_base = false;
	} else {
		normalize_path(&s->cache_norm, file);
		s->cache_base = file[0] != '/';
		kg_buf_adds(&s->cache_uri, uri_encode(s, s->cache_base ? "" : "file://", s->cache_norm.data));
	}
	file_part(s, is_stdin);
}

/* "locations": [...] of an input error, through kg_jw (they are few); nothing when the file is
 * unknown. Results write the same through file_part. */
static void locations(struct kg_sarif *s, const char *file, unsigned line, unsigned col)
{
	struct kg_jw *w = &s->w;
	if (!kg_sarif_nonempty(file))
		return;
	cache_path(s, file);
	kg_jw_key(w, "locations");
	kg_jw_arr(w);
	kg_jw_obj(w);
	kg_jw_key(w, "physicalLocation");
	kg_jw_obj(w);
	kg_jw_key(w, "artifactLocation");
	kg_jw_obj(w);
	kg_jw_kstr(w, "uri", s->cache_uri.data ? s->cache_uri.data : "");
	if (s->cache_base)
		kg_jw_kstr(w, "uriBaseId", "%SRCROOT%");
	if (!strcmp(file, "<stdin>")) {
		kg_jw_key(w, "description");
		kg_jw_obj(w);
		kg_jw_kstr(w, "text", "standard input");
		kg_jw_obj_end(w);
	}
	kg_jw_obj_end(w);
	kg_jw_key(w, "region");
	kg_jw_obj(w);
	kg_jw_kint(w, "startLine", line ? line : 1);
	if (line && col)
		kg_jw_kint(w, "startColumn", col);
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
	kg_jw_arr_end(w);
}

/* Equal strings (or both NULL); equal pointers are the common case. */
static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The file (Helm template, Kustomize origin) a result's object was rendered from: a related
 * location and the "renderedFrom" property (which opens object_part). The file's lines are not
 * the rendered ones, so the location has no region. */
static void rendered_parts(struct kg_sarif *s, const char *from, size_t n)
{
	/* a remote Kustomize base is a URL (REPO//PATH?ref=REF): absolute, and its "//" is meant */
	bool url = strstr(from, "://") != NULL;
	if (!url)
		normalize_path(&s->tmp2, from);
	const char *uri = uri_encode_as(s, "", url ? from : s->tmp2.data ? s->tmp2.data : "", url);
	size_t nu = strlen(uri);
	char *d = kg_wp_room(&s->related_part, 480 + jmax(nu));
	if (!d) {
		s->failed = 1;
		return;
	}
	d = kg_wp_put(d, KG_LIT(",\n          \"relatedLocations\": [\n            {\n              \"id\": 1,\n"
				"              \"physicalLocation\": {\n                \"artifactLocation\": {\n"
				"                  \"uri\": "));
	d = jstr(d, uri, nu);
	d = kg_wp_put(d, KG_LIT("\n                }\n              },\n              \"message\": {\n"
				"                \"text\": \"the file the object was rendered from (Helm template or Kustomize origin)\"\n"
				"              }\n            }\n          ]"));
	kg_wp_done(&s->related_part, d);
	d = kg_wp_room(&s->object_part, 64 + jmax(n));
	if (!d) {
		s->failed = 1;
		return;
	}
	d = kg_wp_put(d, KG_LIT(",\n            \"renderedFrom\": "));
	d = jstr(d, from, n);
	kg_wp_done(&s->object_part, d);
}

/* The parts of a result that depend only on the object: its logical location and the "object"
 * property (both empty without a kind), and where it was rendered from. Rebuilt when the object
 * changes. */
static void object_parts(struct kg_sarif *s, const struct kg_finding *f)
{
	const char *id[5] = { f->api_version, f->kind, f->namespace_, f->name, f->rendered_from };
	if (s->have_obj && same(s->obj[0], id[0]) && same(s->obj[1], id[1]) && same(s->obj[2], id[2]) &&
	    same(s->obj[3], id[3]) && same(s->obj[4], id[4]))
		return;
	s->have_obj = true;
	memcpy(s->obj, id, sizeof(id));
	s->obj_gen++;
	size_t *n = s->obj_len;
	for (int i = 0; i < 5; i++)
		n[i] = kg_wp_len0(id[i]);
	kg_buf_reset(&s->logical_part);
	kg_buf_reset(&s->object_part);
	kg_buf_reset(&s->related_part);
	if (id[4])
		rendered_parts(s, id[4], n[4]);
	if (!f->kind)
		return;
	struct kg_buf *label = &s->tmp; /* "kind/namespace/name", "kind//name" without one */
	kg_buf_reset(label);
	kg_buf_add(label, f->kind, n[1]);
	kg_buf_addc(label, '/');
	if (f->namespace_) {
		kg_buf_add(label, f->namespace_, n[2]);
		kg_buf_addc(label, '/');
	}
	if (f->name)
		kg_buf_add(label, f->name, n[3]);
	char *d = kg_wp_room(&s->logical_part, 256 + jmax(n[3]) + jmax(label->len));
	if (!d) {
		s->failed = 1;
		return;
	}
	d = kg_wp_put(d, KG_LIT(",\n              \"logicalLocations\": [\n                {"));
	if (f->name) {
		d = kg_wp_put(d, KG_LIT("\n                  \"name\": "));
		d = jstr(d, f->name, n[3]);
		*d++ = ',';
	}
	d = kg_wp_put(d, KG_LIT("\n                  \"fullyQualifiedName\": "));
	d = jstr(d, label->data ? label->data : "", label->len);
	d = kg_wp_put(d, KG_LIT(",\n                  \"kind\": \"resource\"\n                }\n              ]"));
	kg_wp_done(&s->logical_part, d);
	d = kg_wp_room(&s->object_part, 256 + jmax(n[0]) + jmax(n[1]) + jmax(n[2]) + jmax(n[3]));
	if (!d) {
		s->failed = 1;
		return;
	}
	d = kg_wp_put(d, KG_LIT(",\n            \"object\": {\n              \"apiVersion\": "));
	d = jstr(d, id[0], n[0]);
	d = kg_wp_put(d, KG_LIT(",\n              \"kind\": "));
	d = jstr(d, id[1], n[1]);
	d = kg_wp_put(d, KG_LIT(",\n              \"namespace\": "));
	d = jstr(d, id[2], n[2]);
	d = kg_wp_put(d, KG_LIT(",\n              \"name\": "));
	d = jstr(d, id[3], n[3]);
	d = kg_wp_put(d, KG_LIT("\n            }"));
	kg_wp_done(&s->object_part, d);
}

/* --- fingerprints ------------------------------------------------------------------------- */

/* FNV-1a over s[0..n), n = strlen(s) (0 for NULL), then a separator byte that strings cannot
 * contain, and a marker for NULL. */
static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	return kg_fnv1a64_byte(kg_fnv1a64(h, s, n), s ? 0xff : 0xfe);
}

/* Hash of rule, file, object, path and container (np, nc: their lengths). The states after the
 * file and after the object are kept per rule. */
static uint64_t finding_hash(struct kg_sarif *s, struct kg_sarif_rule *sr, const struct kg_finding *f, size_t np, size_t nc)
{
	uint64_t h;
	if (sr->fp_id == f->rule_id && sr->obj_gen == s->obj_gen) {
		h = sr->obj_state;
	} else {
		if (sr->fp_id == f->rule_id && sr->file_gen == s->file_gen) {
			h = sr->file_state;
		} else {
			h = fnv1a(KG_FNV64_OFFSET, f->rule_id, kg_wp_len0(f->rule_id));
			h = fnv1a(h, s->cache_norm.data ? s->cache_norm.data : "", s->cache_norm.len);
			sr->fp_id = f->rule_id;
			sr->file_gen = s->file_gen;
			sr->file_state = h;
		}
		h = fnv1a(h, f->kind, s->obj_len[1]);
		h = fnv1a(h, f->namespace_, s->obj_len[2]);
		h = fnv1a(h, f->name, s->obj_len[3]);
		sr->obj_gen = s->obj_gen;
		sr->obj_state = h;
	}
	h = fnv1a(h, f->path, np);
	return fnv1a(h, f->container, nc);
}

static int fp_init(struct kg_sarif *s, size_t n)
{
	s->fp_size = 16;
	while (s->fp_size < 2 * n)
		s->fp_size *= 2;
	s->fp_keys = calloc(s->fp_size, sizeof(*s->fp_keys));
	s->fp_counts = calloc(s->fp_size, sizeof(*s->fp_counts));
	return s->fp_keys && s->fp_counts ? 0 : -1;
}

/* 1 for the first finding with this hash, 2 for the next, ... (report order is deterministic) */
static unsigned fp_occurrence(struct kg_sarif *s, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & (s->fp_size - 1);
	while (s->fp_counts[i] && s->fp_keys[i] != h)
		i = (i + 1) & (s->fp_size - 1);
	s->fp_keys[i] = h;
	return ++s->fp_counts[i];
}

/* --- results ------------------------------------------------------------------------------ */

/* Results are formatted into reserved buffer space, exactly as kg_jw would write them at their
 * depth (run.results[] of the one run: a result's keys are indented by 10), from parts that
 * repeat: a rule's head, the file's location and the object's parts. Only message, position,
 * fingerprint, path and container are formatted for each result. */

/* The result's opening up to the message text, for the rule and the finding's severity. */
static struct kg_sarif_part rule_head(struct kg_sarif *s, struct kg_sarif_rule *sr, const struct kg_finding *f)
{
	unsigned sev = (unsigned)f->severity;
	if (sev < KG_SEV_COUNT && sr->head[sev].len)
		return sr->head[sev];
	const char *id = f->rule_id ? f->rule_id : "", *level = kg_sarif_level(f->severity);
	size_t n = strlen(id);
	struct kg_sarif_part p = { s->parts.len, 0 };
	char *d = kg_wp_room(&s->parts, 192 + jmax(n));
	if (!d) {
		s->failed = 1;
		return p;
	}
	d = kg_wp_put(d, KG_LIT("{\n          \"ruleId\": "));
	d = jstr(d, id, n);
	d = kg_wp_put(d, KG_LIT(",\n          \"ruleIndex\": "));
	d = kg_put_uint(d, sr->index);
	d = kg_wp_put(d, KG_LIT(",\n          \"level\": \""));
	d = kg_wp_put(d, level, strlen(level));
	d = kg_wp_put(d, KG_LIT("\",\n          \"message\": {\n            \"text\": "));
	kg_wp_done(&s->parts, d);
	p.len = s->parts.len - p.off;
	if (sev < KG_SEV_COUNT)
		sr->head[sev] = p;
	return p;
}

/* "%016llx:%u" without printf's cost. */
static size_t fingerprint(char *fp, uint64_t h, unsigned occ)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 8; i++) {
		unsigned byte = (unsigned)(h >> (56 - 8 * i)) & 0xff;
		fp[2 * i] = hex[byte >> 4];
		fp[2 * i + 1] = hex[byte & 15];
	}
	fp[16] = ':';
	return 17 + (size_t)(kg_put_uint(fp + 17, occ) - (fp + 17));
}

static void result(struct kg_sarif *s, const struct kg_finding *f, struct kg_sarif_rule *sr, bool comma)
{
	const char *msg = kg_sarif_nonempty(f->message) ? f->message : kg_sarif_nonempty(f->title) ? f->title : f->rule_id ? f->rule_id : "finding";
	const char *sev = kg_severity_name(f->severity);
	size_t nm = msg == f->message ? f->message_len : strlen(msg), np = f->path_len, nc = kg_wp_len0(f->container), ns = strlen(sev);
	cache_path(s, f->file ? f->file : "");
	object_parts(s, f);
	uint64_t h = finding_hash(s, sr, f, np, nc);
	char fp[40];
	size_t nfp = fingerprint(fp, h, fp_occurrence(s, h));
	struct kg_sarif_part head = rule_head(s, sr, f);
	bool loc = kg_sarif_nonempty(f->file);
	size_t max = 512 + head.len + jmax(nm) + jmax(np) + jmax(nc) + ns + s->object_part.len +
		     s->related_part.len + (loc ? s->file_part.len + s->logical_part.len : 0);
	char *d = kg_wp_room(&s->b, max);
	if (!d) {
		s->failed = 1;
		return;
	}
	d = comma ? kg_wp_put(d, KG_LIT(",\n        ")) : kg_wp_put(d, KG_LIT("\n        "));
	d = kg_wp_put(d, s->parts.data + head.off, head.len);
	d = jstr(d, msg, nm);
	d = kg_wp_put(d, KG_LIT("\n          }"));
	if (loc) {
		d = kg_wp_put(d, s->file_part.data, s->file_part.len);
		d = kg_put_uint(d, f->line ? f->line : 1);
		if (f->line && f->col) {
			d = kg_wp_put(d, KG_LIT(",\n                  \"startColumn\": "));
			d = kg_put_uint(d, f->col);
		}
		d = kg_wp_put(d, KG_LIT("\n                }\n              }"));
		d = kg_wp_put(d, s->logical_part.data, s->logical_part.len);
		d = kg_wp_put(d, KG_LIT("\n            }\n          ]"));
	}
	d = kg_wp_put(d, s->related_part.data, s->related_part.len);
	d = kg_wp_put(d, KG_LIT(",\n          \"partialFingerprints\": {\n            \"" FINGERPRINT_KEY "\": \""));
	d = kg_wp_put(d, fp, nfp);
	d = kg_wp_put(d, KG_LIT("\"\n          },\n          \"properties\": {\n            \"severity\": "));
	d = jstr(d, sev, ns);
	if (f->path) {
		d = kg_wp_put(d, KG_LIT(",\n            \"path\": "));
		d = jstr(d, f->path, np);
	}
	if (f->container) {
		d = kg_wp_put(d, KG_LIT(",\n            \"container\": "));
		d = jstr(d, f->container, nc);
	}
	d = kg_wp_put(d, s->object_part.data, s->object_part.len);
	d = kg_wp_put(d, KG_LIT("\n          }\n        }"));
	kg_wp_done(&s->b, d);
}

/* The notification descriptors of driver.notifications, in order: input-error when the run has
 * errors, not-scanned when it has notes; notif_index gives the place of each in that list. */
enum notif_kind { NOTIF_ERROR, NOTIF_NOTE };

static size_t notif_index(const struct kg_report *r, enum notif_kind k)
{
	return k == NOTIF_NOTE && r->nerrors ? 1 : 0;
}

/* Errors or notes as toolExecutionNotifications, each pointing at its descriptor. */
static void notifications(struct kg_sarif *s, const struct kg_report *r, enum notif_kind k)
{
	struct kg_jw *w = &s->w;
	bool note = k == NOTIF_NOTE;
	const struct kg_error_rec *e = note ? r->notes : r->errors;
	size_t n = note ? r->nnotes : r->nerrors;
	for (size_t i = 0; i < n; i++) {
		kg_jw_obj(w);
		kg_jw_kstr(w, "level", note ? "note" : "error");
		kg_sarif_text(w, "message", kg_sarif_nonempty(e[i].message) ? e[i].message : note ? "not scanned" : "input error");
		locations(s, e[i].file, e[i].line, e[i].col);
		kg_jw_key(w, "descriptor");
		kg_jw_obj(w);
		kg_jw_kstr(w, "id", note ? "not-scanned" : "input-error");
		kg_jw_kint(w, "index", (int64_t)notif_index(r, k));
		kg_jw_obj_end(w);
		kg_jw_obj_end(w);
		if (s->b.len > 1 << 20)
			flush(s);
	}
}

static void invocation(struct kg_sarif *s, const struct kg_report *r)
{
	struct kg_jw *w = &s->w;
	kg_jw_key(w, "invocations");
	kg_jw_arr(w);
	kg_jw_obj(w);
	kg_jw_kbool(w, "executionSuccessful", r->nerrors == 0); /* notes do not fail the run */
	if (r->nerrors || r->nnotes) {
		kg_jw_key(w, "toolExecutionNotifications");
		kg_jw_arr(w);
		notifications(s, r, NOTIF_ERROR);
		notifications(s, r, NOTIF_NOTE);
		kg_jw_arr_end(w);
	}
	kg_jw_obj_end(w);
	kg_jw_arr_end(w);
}

/* A reportingDescriptor of driver.notifications. */
static void notif_descriptor(struct kg_jw *w, const char *id, const char *name, const char *short_desc,
			     const char *full_desc, const char *help, const char *level)
{
	kg_jw_obj(w);
	kg_jw_kstr(w, "id", id);
	kg_jw_kstr(w, "name", name);
	kg_sarif_text(w, "shortDescription", short_desc);
	kg_sarif_text(w, "fullDescription", full_desc);
	kg_jw_key(w, "help");
	kg_jw_obj(w);
	kg_jw_kstr(w, "text", help);
	kg_jw_obj_end(w);
	kg_jw_key(w, "defaultConfiguration");
	kg_jw_obj(w);
	kg_jw_kstr(w, "level", level);
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
}

static void driver(struct kg_sarif *s, const struct kg_report *r)
{
	struct kg_jw *w = &s->w;
	kg_jw_key(w, "tool");
	kg_jw_obj(w);
	kg_jw_key(w, "driver");
	kg_jw_obj(w);
	kg_jw_kstr(w, "name", "kguard");
	kg_jw_kstr(w, "informationUri", KG_HOMEPAGE);
	kg_jw_kstr(w, "version", KG_VERSION);
	kg_jw_kstr(w, "semanticVersion", KG_VERSION);
	kg_jw_key(w, "rules");
	kg_jw_arr(w);
	for (size_t i = 0; i < s->nrules; i++)
		kg_sarif_rule_descriptor(s, s->by_id[i]);
	kg_jw_arr_end(w);
	if (r->nerrors || r->nnotes) { /* in notif_index order */
		kg_jw_key(w, "notifications");
		kg_jw_arr(w);
		if (r->nerrors)
			notif_descriptor(w, "input-error", "InputError", "Input error",
					 "An input could not be read or is not valid YAML/JSON or not a "
					 "Kubernetes object; kguard reported it and scanned the other inputs.",
					 "Fix the input at the given position (or the file name), then scan again. "
					 "kguard exits with 2 when any input had an error.",
					 "error");
		if (r->nnotes)
			notif_descriptor(w, "not-scanned", "NotScanned", "Input not scanned",
					 "kguard deliberately did not read this input as Kubernetes manifests: it is "
					 "not one as it stands (the templates of a Helm chart are Go templates, a "
					 "Kustomize patch is a partial object), so its findings are not in this report.",
					 "Scan what the input becomes, through standard input: the rendered chart "
					 "(helm template CHART | kguard scan -) or the built kustomization "
					 "(kubectl kustomize DIR | kguard scan -); the message names the command. "
					 "This does not change kguard's exit code.",
					 "note");
		kg_jw_arr_end(w);
	}
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
}

int kg_write_sarif(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	struct kg_sarif s;
	memset(&s, 0, sizeof(s));
	s.out = out;
	kg_buf_init(&s.b, 0);
	kg_buf_init(&s.tmp, 0);
	kg_buf_init(&s.tmp2, 0);
	kg_buf_init(&s.cache_norm, 0);
	kg_buf_init(&s.cache_uri, 0);
	kg_buf_init(&s.parts, 0);
	kg_buf_init(&s.file_part, 0);
	kg_buf_init(&s.logical_part, 0);
	kg_buf_init(&s.object_part, 0);
	kg_buf_init(&s.related_part, 0);
	s.file_gen = s.obj_gen = 1;
	kg_jw_init(&s.w, &s.b, true);
	if (kg_sarif_collect_rules(&s, r) || fp_init(&s, r->nfindings)) {
		s.failed = 1;
		goto out;
	}
	struct kg_jw *w = &s.w;
	kg_jw_obj(w);
	kg_jw_kstr(w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	kg_jw_kstr(w, "version", "2.1.0");
	kg_jw_key(w, "runs");
	kg_jw_arr(w);
	kg_jw_obj(w);
	driver(&s, r);
	invocation(&s, r);
	kg_jw_key(w, "originalUriBaseIds");
	kg_jw_obj(w);
	kg_jw_key(w, "%SRCROOT%");
	kg_jw_obj(w);
	kg_sarif_text(w, "description", "The directory kguard ran in: file paths are relative to it, as given on its command line.");
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
	kg_jw_kstr(w, "columnKind", "unicodeCodePoints");
	kg_jw_key(w, "results");
	kg_jw_arr(w);
	for (size_t i = 0; i < r->nfindings; i++) {
		result(&s, &r->findings[i], &s.rules[s.rule_of[i]], i > 0);
		if (s.b.len > KG_WOUT_FLUSH_AT)
			flush(&s);
	}
	if (r->nfindings) /* the results were written past kg_jw: it continues after them */
		w->need_comma[w->depth] = true;
	kg_jw_arr_end(w);
	if (o && o->command) {
		kg_jw_key(w, "properties");
		kg_jw_obj(w);
		kg_jw_kstr(w, "command", o->command);
		kg_jw_obj_end(w);
	}
	kg_jw_obj_end(w);
	kg_jw_arr_end(w);
	kg_jw_obj_end(w);
	kg_buf_addc(&s.b, '\n');
	if (w->failed)
		s.failed = 1;
	flush(&s);
out:
	free(s.rules);
	free(s.by_id);
	free(s.rule_of);
	free(s.fp_keys);
	free(s.fp_counts);
	kg_buf_release(&s.b);
	kg_buf_release(&s.tmp);
	kg_buf_release(&s.tmp2);
	kg_buf_release(&s.cache_norm);
	kg_buf_release(&s.cache_uri);
	kg_buf_release(&s.parts);
	kg_buf_release(&s.file_part);
	kg_buf_release(&s.logical_part);
	kg_buf_release(&s.object_part);
	kg_buf_release(&s.related_part);
	return s.failed ? -1 : 0;
}
