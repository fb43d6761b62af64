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
 *   executionSuccessful is false when there are any: kguard exits 2 for them.
 * - No automationDetails: GitHub's upload action only sets its `category` (or its per-job
 *   default) when the run has none, and a fixed id would make parallel jobs replace each other.
 * Nothing in the output depends on time or on the machine. */
#include <stdlib.h>
#include <string.h>

#include "../rules/rule.h"
#include "../util/jsonw.h"
#include "write.h"
#include "write_priv.h"

#ifndef KG_VERSION
#define KG_VERSION "0.0.0"
#endif
/* Where kguard is documented; a build can point it at its own home (make EXTRA_CFLAGS=...). */
#ifndef KG_HOMEPAGE
#define KG_HOMEPAGE "https://github.com/kguard/kguard"
#endif

#define FINGERPRINT_KEY "kguard/v1"

struct sarif_rule {
	const char *id;
	const struct kg_rule *rule;        /* NULL when the catalog does not know the id */
	const struct kg_finding *first;    /* for rules described from their findings */
	enum kg_severity max;              /* highest effective severity in this run */
};

struct sarif {
	struct kg_jw w;
	struct kg_buf b, tmp;
	FILE *out;
	int failed;
	struct sarif_rule *rules;
	size_t nrules;
	/* the last file seen, normalised and as a URI: findings come sorted by file */
	const char *cache_file;
	struct kg_buf cache_norm, cache_uri;
	bool cache_base;                   /* relative: the URI takes uriBaseId %SRCROOT% */
	/* occurrence counts of fingerprints: open addressing, power-of-two size */
	uint64_t *fp_keys;
	unsigned *fp_counts;
	size_t fp_size;
};

static const char *level_of(enum kg_severity s)
{
	switch (s) {
	case KG_SEV_CRITICAL:
	case KG_SEV_HIGH: return "error";
	case KG_SEV_MEDIUM: return "warning";
	default: return "note";
	}
}

static const char *security_severity(enum kg_severity s)
{
	switch (s) {
	case KG_SEV_CRITICAL: return "9.5";
	case KG_SEV_HIGH: return "8.0";
	case KG_SEV_MEDIUM: return "5.5";
	case KG_SEV_LOW: return "2.0";
	default: return NULL;
	}
}

static void flush(struct sarif *s)
{
	if (s->b.len && fwrite(s->b.data, 1, s->b.len, s->out) != s->b.len)
		s->failed = 1;
	kg_buf_reset(&s->b);
}

/* --- rules present in the run ------------------------------------------------------------- */

static int cmp_finding_rule(const void *pa, const void *pb)
{
	const struct kg_finding *const *a = pa, *const *b = pb;
	int c = strcmp((*a)->rule_id ? (*a)->rule_id : "", (*b)->rule_id ? (*b)->rule_id : "");
	if (c)
		return c;
	return *a < *b ? -1 : *a > *b;
}

static int collect_rules(struct sarif *s, const struct kg_report *r)
{
	if (!r->nfindings)
		return 0;
	const struct kg_finding **by_rule = malloc(r->nfindings * sizeof(*by_rule));
	s->rules = calloc(r->nfindings, sizeof(*s->rules));
	if (!by_rule || !s->rules) {
		free(by_rule);
		return -1;
	}
	for (size_t i = 0; i < r->nfindings; i++)
		by_rule[i] = &r->findings[i];
	qsort(by_rule, r->nfindings, sizeof(*by_rule), cmp_finding_rule);
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct kg_finding *f = by_rule[i];
		const char *id = f->rule_id ? f->rule_id : "";
		struct sarif_rule *last = s->nrules ? &s->rules[s->nrules - 1] : NULL;
		if (last && !strcmp(last->id, id)) {
			if (f->severity > last->max)
				last->max = f->severity;
			continue;
		}
		struct sarif_rule *sr = &s->rules[s->nrules++];
		sr->id = id;
		sr->rule = f->rule ? f->rule : kg_rule_find(id);
		sr->first = f; /* lowest address = first in report order, thanks to the tie-break */
		sr->max = f->severity;
	}
	free(by_rule);
	return 0;
}

static size_t rule_index(const struct sarif *s, const char *id)
{
	size_t lo = 0, hi = s->nrules;
	id = id ? id : "";
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->rules[mid].id, id);
		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0; /* not reached: every finding's rule was collected */
}

/* "yaml.duplicate-key" -> "YamlDuplicateKey"; digits keep a '_' between numbers ("Cis1_2_6"). */
static void rule_name(struct kg_buf *b, const char *id)
{
	bool upper = true;
	for (const char *p = id; *p; p++) {
		char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			kg_buf_addc(b, upper && c >= 'a' ? (char)(c - 'a' + 'A') : c);
			upper = false;
		} else if (c >= '0' && c <= '9') {
			if (upper && b->len && b->data[b->len - 1] >= '0' && b->data[b->len - 1] <= '9')
				kg_buf_addc(b, '_');
			kg_buf_addc(b, c);
			upper = false;
		} else {
			upper = true;
		}
	}
}

static bool nonempty(const char *s)
{
	return s && *s;
}

/* The first reference that is an absolute http(s) URL, copied into tmp. */
static const char *first_url(struct sarif *s, const char *refs)
{
	const char *p = refs;
	while (p && *p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n && (!strncmp(p, "https://", 8) || !strncmp(p, "http://", 7))) {
			kg_buf_reset(&s->tmp);
			kg_buf_add(&s->tmp, p, n);
			return s->tmp.data;
		}
		p += n;
	}
	return NULL;
}

static void help(struct sarif *s, const struct kg_rule *rule)
{
	struct kg_jw *w = &s->w;
	struct kg_buf text = KG_BUF_INIT, md = KG_BUF_INIT;
	const char *desc = nonempty(rule->description) ? rule->description : rule->title;
	kg_buf_printf(&text, "%s", desc ? desc : "");
	kg_buf_printf(&md, "**%s**\n\n%s", rule->title ? rule->title : rule->id, desc ? desc : "");
	if (nonempty(rule->remediation)) {
		kg_buf_printf(&text, "\n\nFix: %s", rule->remediation);
		kg_buf_printf(&md, "\n\n**Fix:** %s", rule->remediation);
	}
	if (nonempty(rule->references)) {
		kg_buf_adds(&text, "\n\nReferences:");
		kg_buf_adds(&md, "\n\n**References:**\n");
		for (const char *p = rule->references; *p;) {
			while (*p == ' ')
				p++;
			size_t n = strcspn(p, " ");
			if (n) {
				kg_buf_printf(&text, "\n- %.*s", (int)n, p);
				kg_buf_printf(&md, "\n- <%.*s>", (int)n, p);
			}
			p += n;
		}
	}
	kg_jw_key(w, "help");
	kg_jw_obj(w);
	kg_jw_kstr(w, "text", text.data ? text.data : "");
	kg_jw_kstr(w, "markdown", md.data ? md.data : "");
	kg_jw_obj_end(w);
	kg_buf_release(&text);
	kg_buf_release(&md);
}

static void text_obj(struct kg_jw *w, const char *key, const char *text)
{
	kg_jw_key(w, key);
	kg_jw_obj(w);
	kg_jw_kstr(w, "text", text);
	kg_jw_obj_end(w);
}

static void rule_descriptor(struct sarif *s, const struct sarif_rule *sr)
{
	struct kg_jw *w = &s->w;
	const struct kg_rule *rule = sr->rule;
	struct kg_buf name = KG_BUF_INIT, family = KG_BUF_INIT;
	rule_name(&name, sr->id);
	kg_write_family(&family, sr->id);
	kg_jw_obj(w);
	kg_jw_kstr(w, "id", sr->id);
	kg_jw_kstr(w, "name", name.data ? name.data : "Rule");
	const char *title = rule && nonempty(rule->title) ? rule->title
			    : nonempty(sr->first->title) ? sr->first->title : sr->id;
	text_obj(w, "shortDescription", title);
	if (rule) {
		text_obj(w, "fullDescription", nonempty(rule->description) ? rule->description : title);
		help(s, rule);
		const char *url = first_url(s, rule->references);
		if (url)
			kg_jw_kstr(w, "helpUri", url);
	} else {
		text_obj(w, "fullDescription", title);
	}
	kg_jw_key(w, "defaultConfiguration");
	kg_jw_obj(w);
	kg_jw_kstr(w, "level", level_of(rule ? rule->severity : sr->max));
	kg_jw_obj_end(w);
	kg_jw_key(w, "properties");
	kg_jw_obj(w);
	kg_jw_key(w, "tags");
	kg_jw_arr(w);
	kg_jw_str(w, "security");
	if (rule && nonempty(rule->category))
		kg_jw_str(w, rule->category);
	if (family.data && *family.data && !(rule && rule->category && !strcmp(rule->category, family.data)))
		kg_jw_str(w, family.data);
	kg_jw_arr_end(w);
	kg_jw_kstr(w, "precision", "high");
	const char *ss = security_severity(sr->max);
	if (ss)
		kg_jw_kstr(w, "security-severity", ss);
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
	kg_buf_release(&name);
	kg_buf_release(&family);
}

/* --- locations ---------------------------------------------------------------------------- */

static bool uri_keep(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/!$&'()*+,;=@", c);
}

/* Percent-encode a path into tmp. */
static const char *uri_encode(struct sarif *s, const char *prefix, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	kg_buf_reset(&s->tmp);
	kg_buf_adds(&s->tmp, prefix);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p && uri_keep(*p)) {
			kg_buf_addc(&s->tmp, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			kg_buf_add(&s->tmp, e, 3);
		}
	}
	return s->tmp.data ? s->tmp.data : "";
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

/* Fill the cache for file (a no-op when it is the cached one). */
static void cache_path(struct sarif *s, const char *file)
{
	if (s->cache_file && (s->cache_file == file || !strcmp(s->cache_file, file)))
		return;
	s->cache_file = file;
	kg_buf_reset(&s->cache_uri);
	if (!strcmp(file, "<stdin>")) {
		kg_buf_reset(&s->cache_norm);
		kg_buf_adds(&s->cache_norm, file);
		kg_buf_adds(&s->cache_uri, uri_encode(s, "", file));
		s->cache_base = false;
		return;
	}
	normalize_path(&s->cache_norm, file);
	s->cache_base = file[0] != '/';
	kg_buf_adds(&s->cache_uri, uri_encode(s, s->cache_base ? "" : "file://", s->cache_norm.data));
}

static void artifact_location(struct sarif *s, const char *file)
{
	struct kg_jw *w = &s->w;
	cache_path(s, file);
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
}

/* "locations": [...] for a position; nothing when the file is unknown. */
static void locations(struct sarif *s, const char *file, unsigned line, unsigned col, const struct kg_finding *f)
{
	struct kg_jw *w = &s->w;
	if (!nonempty(file))
		return;
	kg_jw_key(w, "locations");
	kg_jw_arr(w);
	kg_jw_obj(w);
	kg_jw_key(w, "physicalLocation");
	kg_jw_obj(w);
	artifact_location(s, file);
	kg_jw_key(w, "region");
	kg_jw_obj(w);
	kg_jw_kint(w, "startLine", line ? line : 1);
	if (line && col)
		kg_jw_kint(w, "startColumn", col);
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
	if (f && f->kind) {
		struct kg_buf *label = &s->tmp; /* "kind/namespace/name", "kind//name" without one */
		kg_buf_reset(label);
		kg_buf_adds(label, f->kind);
		kg_buf_addc(label, '/');
		if (f->namespace_) {
			kg_buf_adds(label, f->namespace_);
			kg_buf_addc(label, '/');
		}
		if (f->name)
			kg_buf_adds(label, f->name);
		kg_jw_key(w, "logicalLocations");
		kg_jw_arr(w);
		kg_jw_obj(w);
		if (f->name)
			kg_jw_kstr(w, "name", f->name);
		kg_jw_kstr(w, "fullyQualifiedName", label->data);
		kg_jw_kstr(w, "kind", "resource");
		kg_jw_obj_end(w);
		kg_jw_arr_end(w);
	}
	kg_jw_obj_end(w);
	kg_jw_arr_end(w);
}

/* --- fingerprints ------------------------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	/* a separator byte that strings cannot contain, and a marker for NULL */
	h ^= s ? 0xff : 0xfe;
	h *= 0x100000001b3ULL;
	return h;
}

static uint64_t finding_hash(struct sarif *s, const struct kg_finding *f)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	cache_path(s, f->file ? f->file : "");
	h = fnv1a(h, f->rule_id);
	h = fnv1a(h, s->cache_norm.data ? s->cache_norm.data : "");
	h = fnv1a(h, f->kind);
	h = fnv1a(h, f->namespace_);
	h = fnv1a(h, f->name);
	h = fnv1a(h, f->path);
	h = fnv1a(h, f->container);
	return h;
}

static int fp_init(struct sarif *s, size_t n)
{
	s->fp_size = 16;
	while (s->fp_size < 2 * n)
		s->fp_size *= 2;
	s->fp_keys = calloc(s->fp_size, sizeof(*s->fp_keys));
	s->fp_counts = calloc(s->fp_size, sizeof(*s->fp_counts));
	return s->fp_keys && s->fp_counts ? 0 : -1;
}

/* 1 for the first finding with this hash, 2 for the next, ... (report order is deterministic) */
static unsigned fp_occurrence(struct sarif *s, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & (s->fp_size - 1);
	while (s->fp_counts[i] && s->fp_keys[i] != h)
		i = (i + 1) & (s->fp_size - 1);
	s->fp_keys[i] = h;
	return ++s->fp_counts[i];
}

/* --- results ------------------------------------------------------------------------------ */

static void result(struct sarif *s, const struct kg_finding *f)
{
	struct kg_jw *w = &s->w;
	char fp[40]; /* "%016llx:%u", without printf's cost: this runs for every result */
	static const char hex[] = "0123456789abcdef";
	uint64_t h = finding_hash(s, f);
	unsigned occ = fp_occurrence(s, h);
	for (int i = 0; i < 16; i++)
		fp[i] = hex[(h >> (60 - 4 * i)) & 15];
	fp[16] = ':';
	char t[12];
	size_t k = sizeof(t);
	do {
		t[--k] = (char)('0' + occ % 10);
		occ /= 10;
	} while (occ);
	memcpy(fp + 17, t + k, sizeof(t) - k);
	fp[17 + sizeof(t) - k] = '\0';
	kg_jw_obj(w);
	kg_jw_kstr(w, "ruleId", f->rule_id ? f->rule_id : "");
	kg_jw_kint(w, "ruleIndex", (int64_t)rule_index(s, f->rule_id));
	kg_jw_kstr(w, "level", level_of(f->severity));
	text_obj(w, "message", nonempty(f->message) ? f->message : nonempty(f->title) ? f->title : f->rule_id ? f->rule_id : "finding");
	locations(s, f->file, f->line, f->col, f);
	kg_jw_key(w, "partialFingerprints");
	kg_jw_obj(w);
	kg_jw_kstr(w, FINGERPRINT_KEY, fp);
	kg_jw_obj_end(w);
	kg_jw_key(w, "properties");
	kg_jw_obj(w);
	kg_jw_kstr(w, "severity", kg_severity_name(f->severity));
	if (f->path)
		kg_jw_kstr(w, "path", f->path);
	if (f->container)
		kg_jw_kstr(w, "container", f->container);
	if (f->kind) {
		kg_jw_key(w, "object");
		kg_jw_obj(w);
		kg_jw_kstr(w, "apiVersion", f->api_version);
		kg_jw_kstr(w, "kind", f->kind);
		kg_jw_kstr(w, "namespace", f->namespace_);
		kg_jw_kstr(w, "name", f->name);
		kg_jw_obj_end(w);
	}
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
}

static void invocation(struct sarif *s, const struct kg_report *r)
{
	struct kg_jw *w = &s->w;
	kg_jw_key(w, "invocations");
	kg_jw_arr(w);
	kg_jw_obj(w);
	kg_jw_kbool(w, "executionSuccessful", r->nerrors == 0);
	if (r->nerrors) {
		kg_jw_key(w, "toolExecutionNotifications");
		kg_jw_arr(w);
		for (size_t i = 0; i < r->nerrors; i++) {
			const struct kg_error_rec *e = &r->errors[i];
			kg_jw_obj(w);
			kg_jw_kstr(w, "level", "error");
			text_obj(w, "message", nonempty(e->message) ? e->message : "input error");
			locations(s, e->file, e->line, e->col, NULL);
			kg_jw_key(w, "descriptor");
			kg_jw_obj(w);
			kg_jw_kstr(w, "id", "input-error");
			kg_jw_kint(w, "index", 0);
			kg_jw_obj_end(w);
			kg_jw_obj_end(w);
			if (s->b.len > 1 << 20)
				flush(s);
		}
		kg_jw_arr_end(w);
	}
	kg_jw_obj_end(w);
	kg_jw_arr_end(w);
}

static void driver(struct sarif *s, const struct kg_report *r)
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
		rule_descriptor(s, &s->rules[i]);
	kg_jw_arr_end(w);
	if (r->nerrors) {
		kg_jw_key(w, "notifications");
		kg_jw_arr(w);
		kg_jw_obj(w);
		kg_jw_kstr(w, "id", "input-error");
		kg_jw_kstr(w, "name", "InputError");
		text_obj(w, "shortDescription", "Input error");
		text_obj(w, "fullDescription", "An input could not be read or is not valid YAML/JSON or not a "
			 "Kubernetes object; kguard reported it and scanned the other inputs.");
		kg_jw_key(w, "help");
		kg_jw_obj(w);
		kg_jw_kstr(w, "text", "Fix the input at the given position (or the file name), then scan again. "
			   "kguard exits with 2 when any input had an error.");
		kg_jw_obj_end(w);
		kg_jw_key(w, "defaultConfiguration");
		kg_jw_obj(w);
		kg_jw_kstr(w, "level", "error");
		kg_jw_obj_end(w);
		kg_jw_obj_end(w);
		kg_jw_arr_end(w);
	}
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
}

int kg_write_sarif(FILE *out, const struct kg_report *r, const struct kg_write_opts *o)
{
	struct sarif s;
	memset(&s, 0, sizeof(s));
	s.out = out;
	kg_buf_init(&s.b, 0);
	kg_buf_init(&s.tmp, 0);
	kg_buf_init(&s.cache_norm, 0);
	kg_buf_init(&s.cache_uri, 0);
	kg_jw_init(&s.w, &s.b, true);
	if (collect_rules(&s, r) || fp_init(&s, r->nfindings)) {
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
	text_obj(w, "description", "The directory kguard ran in: file paths are relative to it, as given on its command line.");
	kg_jw_obj_end(w);
	kg_jw_obj_end(w);
	kg_jw_kstr(w, "columnKind", "unicodeCodePoints");
	kg_jw_key(w, "results");
	kg_jw_arr(w);
	for (size_t i = 0; i < r->nfindings; i++) {
		result(&s, &r->findings[i]);
		if (s.b.len > 1 << 20)
			flush(&s);
	}
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
	free(s.fp_keys);
	free(s.fp_counts);
	kg_buf_release(&s.b);
	kg_buf_release(&s.tmp);
	kg_buf_release(&s.cache_norm);
	kg_buf_release(&s.cache_uri);
	return s.failed ? -1 : 0;
}
