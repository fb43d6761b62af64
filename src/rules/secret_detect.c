/* Credential detection (see secret_detect.h). Hand-written matchers: each format is a fixed
 * prefix plus a run of characters from a known alphabet, with word boundaries on both sides. */
#include "secret_detect.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

const char *kg_secret_kind_name(enum kg_secret_kind kind)
{
	switch (kind) {
	case KG_SECRET_PRIVATE_KEY: return "private key";
	case KG_SECRET_AWS_ACCESS_KEY: return "AWS access key id";
	case KG_SECRET_GITHUB_TOKEN: return "GitHub token";
	case KG_SECRET_GITLAB_TOKEN: return "GitLab token";
	case KG_SECRET_SLACK_TOKEN: return "Slack token";
	case KG_SECRET_SLACK_WEBHOOK: return "Slack webhook URL";
	case KG_SECRET_STRIPE_KEY: return "Stripe live key";
	case KG_SECRET_GOOGLE_API_KEY: return "Google API key";
	case KG_SECRET_NPM_TOKEN: return "npm token";
	case KG_SECRET_JWT: return "JSON Web Token";
	case KG_SECRET_URL_PASSWORD: return "password in a URL";
	case KG_SECRET_GENERIC: return "high-entropy credential";
	case KG_SECRET_NONE: break;
	}
	return "credential";
}

double kg_shannon_entropy(const char *s, size_t len)
{
	unsigned counts[256] = { 0 };
	double h = 0;
	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (int c = 0; c < 256; c++) {
		if (!counts[c])
			continue;
		double p = (double)counts[c] / (double)len;
		h -= p * log2(p);
	}
	return h;
}

/* ---- fixed-shape formats ---- */

static bool is_alnum(char c)
{
	return isalnum((unsigned char)c);
}

static bool is_b64url(char c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

static bool is_b64(char c)
{
	return is_alnum(c) || c == '+' || c == '/' || c == '=';
}

/* Length of the run of chars accepted by ok starting at s (at most max). */
static size_t run(const char *s, size_t n, bool (*ok)(char), size_t max)
{
	size_t i = 0;
	while (i < n && i < max && ok(s[i]))
		i++;
	return i;
}

static bool word_start(const char *text, size_t at)
{
	return at == 0 || !is_alnum(text[at - 1]);
}

static bool is_upper_b32(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

struct prefix_fmt {
	const char *prefix;
	size_t len;         /* of prefix */
	bool (*alphabet)(char);
	size_t min, max; /* length of the part after the prefix */
	enum kg_secret_kind kind;
};

#define P(lit) lit, sizeof(lit) - 1
static const struct prefix_fmt prefix_fmts[] = {
	{ P("ghp_"), is_alnum, 36, 36, KG_SECRET_GITHUB_TOKEN },
	{ P("gho_"), is_alnum, 36, 36, KG_SECRET_GITHUB_TOKEN },
	{ P("ghu_"), is_alnum, 36, 36, KG_SECRET_GITHUB_TOKEN },
	{ P("ghs_"), is_alnum, 36, 36, KG_SECRET_GITHUB_TOKEN },
	{ P("ghr_"), is_alnum, 36, 36, KG_SECRET_GITHUB_TOKEN },
	{ P("github_pat_"), is_b64url, 59, 90, KG_SECRET_GITHUB_TOKEN },
	{ P("glpat-"), is_b64url, 20, 64, KG_SECRET_GITLAB_TOKEN },
	{ P("glrt-"), is_b64url, 20, 64, KG_SECRET_GITLAB_TOKEN },
	{ P("gldt-"), is_b64url, 20, 64, KG_SECRET_GITLAB_TOKEN },
	{ P("xoxb-"), is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ P("xoxp-"), is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ P("xoxa-"), is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ P("xoxr-"), is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ P("xoxs-"), is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ P("xoxe-"), is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ P("sk_live_"), is_alnum, 24, 247, KG_SECRET_STRIPE_KEY },
	{ P("rk_live_"), is_alnum, 24, 247, KG_SECRET_STRIPE_KEY },
	{ P("AIza"), is_b64url, 35, 35, KG_SECRET_GOOGLE_API_KEY },
	{ P("npm_"), is_alnum, 36, 36, KG_SECRET_NPM_TOKEN },
};
#undef P

/* A token body made of one repeated character or an obvious run is a placeholder. */
static bool boring(const char *s, size_t n)
{
	size_t same = 0;
	for (size_t i = 1; i < n; i++)
		if (s[i] == s[0])
			same++;
	return same + 1 == n || kg_shannon_entropy(s, n) < 2.5;
}

static bool match_prefix_fmt(const char *t, size_t n, size_t at, struct kg_secret_hit *hit)
{
	if (!word_start(t, at)) /* every format needs it; most letters are inside words */
		return false;
	for (size_t f = 0; f < sizeof(prefix_fmts) / sizeof(prefix_fmts[0]); f++) {
		const struct prefix_fmt *pf = &prefix_fmts[f];
		size_t pl = pf->len;
		/* every prefix is 4 bytes or more: the first two tell most of them apart */
		if (pf->prefix[0] != t[at] || at + pl > n || pf->prefix[1] != t[at + 1])
			continue;
		if (memcmp(t + at, pf->prefix, pl))
			continue;
		size_t body = run(t + at + pl, n - at - pl, pf->alphabet, pf->max + 1);
		if (body < pf->min || body > pf->max || boring(t + at + pl, body))
			continue;
		hit->kind = pf->kind;
		hit->offset = at;
		hit->length = pl + body;
		return true;
	}
	return false;
}

static bool match_aws(const char *t, size_t n, size_t at, struct kg_secret_hit *hit)
{
	static const char *const ids[] = { "AKIA", "ASIA", "ABIA", "ACCA" };
	if (at + 20 > n || !word_start(t, at))
		return false;
	for (int i = 0; i < 4; i++) {
		if (memcmp(t + at, ids[i], 4))
			continue;
		size_t body = run(t + at + 4, n - at - 4, is_upper_b32, 17);
		if (body != 16 || (at + 20 < n && is_alnum(t[at + 20])))
			return false;
		if (!memcmp(t + at + 13, "EXAMPLE", 7)) /* the documentation example key */
			return false;
		hit->kind = KG_SECRET_AWS_ACCESS_KEY;
		hit->offset = at;
		hit->length = 20;
		return true;
	}
	return false;
}

/* -----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP ]PRIVATE KEY[ BLOCK]----- and a body. */
static bool match_pem(const char *t, size_t n, size_t at, struct kg_secret_hit *hit)
{
	static const char begin[] = "-----BEGIN ";
	if (at + sizeof(begin) - 1 > n || memcmp(t + at, begin, sizeof(begin) - 1))
		return false;
	size_t i = at + sizeof(begin) - 1, lim = i + 40 < n ? i + 40 : n;
	const char *label_end = NULL;
	for (size_t j = i; j + 5 <= lim; j++)
		if (!memcmp(t + j, "-----", 5)) {
			label_end = t + j;
			break;
		}
	if (!label_end)
		return false;
	size_t llen = (size_t)(label_end - (t + i));
	/* the label must end in PRIVATE KEY (or PRIVATE KEY BLOCK for PGP) */
	bool priv = (llen >= 11 && !memcmp(label_end - 11, "PRIVATE KEY", 11)) ||
		    (llen >= 17 && !memcmp(label_end - 17, "PRIVATE KEY BLOCK", 17));
	if (!priv)
		return false;
	/* a real key has a body: at least 64 base64 characters before the END line */
	size_t body = 0;
	for (size_t j = (size_t)(label_end - t) + 5; j < n && body < 64; j++) {
		if (t[j] == '-')
			break;
		if (is_b64(t[j]))
			body++;
	}
	if (body < 64)
		return false;
	hit->kind = KG_SECRET_PRIVATE_KEY;
	hit->offset = at;
	hit->length = (size_t)(label_end - (t + at)) + 5;
	return true;
}

/* Base64url decode of a JWT segment start, to check the header is a JSON object with "alg". */
static bool jwt_header_ok(const char *s, size_t n)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char out[96];
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n && o + 1 < sizeof(out); i++) {
		const char *p = memchr(alpha, s[i], 64);
		if (!p)
			return false;
		acc = (acc << 6) | (uint32_t)(p - alpha);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return out[0] == '{' && strstr(out, "\"alg\"") != NULL;
}

static bool match_jwt(const char *t, size_t n, size_t at, struct kg_secret_hit *hit)
{
	if (at + 3 > n || memcmp(t + at, "eyJ", 3) || !word_start(t, at))
		return false;
	size_t h = run(t + at, n - at, is_b64url, 4096);
	if (h < 10 || at + h >= n || t[at + h] != '.')
		return false;
	size_t p0 = at + h + 1;
	size_t p = run(t + p0, n - p0, is_b64url, 1 << 16);
	if (p < 10 || p0 + p >= n || t[p0 + p] != '.')
		return false;
	size_t s0 = p0 + p + 1;
	size_t s = run(t + s0, n - s0, is_b64url, 4096);
	if (s < 16 || !jwt_header_ok(t + at, h))
		return false;
	hit->kind = KG_SECRET_JWT;
	hit->offset = at;
	hit->length = s0 + s - at;
	return true;
}

static bool match_slack_webhook(const char *t, size_t n, size_t at, struct kg_secret_hit *hit)
{
	static const char pre[] = "https://hooks.slack.com/services/";
	size_t pl = sizeof(pre) - 1;
	if (at + pl > n || memcmp(t + at, pre, pl))
		return false;
	size_t body = run(t + at + pl, n - at - pl, is_b64url, 200);
	size_t i = at + pl + body;
	/* T.../B.../secret */
	int parts = 1;
	while (i < n && t[i] == '/' && parts < 3) {
		size_t r = run(t + i + 1, n - i - 1, is_b64url, 200);
		if (!r)
			break;
		i += 1 + r;
		parts++;
	}
	if (parts < 3 || body < 8)
		return false;
	hit->kind = KG_SECRET_SLACK_WEBHOOK;
	hit->offset = at;
	hit->length = i - at;
	return true;
}

/* ---- generic key/value test ---- */

/* Word lists are lower case; comparisons fold ASCII case as strncasecmp does in the C locale
 * (kguard never calls setlocale). */
struct word {
	const char *s;
	size_t len;
};
#define W(lit) { lit, sizeof(lit) - 1 }

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* s starts with the m bytes of the lower-case w, ignoring case. */
static bool prefix_ci(const char *s, const char *w, size_t m)
{
	for (size_t i = 0; i < m; i++)
		if (lower(s[i]) != w[i])
			return false;
	return true;
}

/* Whether any of the words occurs in s[0..n), ignoring case. Positions whose byte starts no
 * word are skipped with a bitmap of first bytes. */
static bool has_any_ci(const char *s, size_t n, const struct word *words, size_t nwords)
{
	uint64_t first[4] = { 0 };
	size_t shortest = SIZE_MAX;
	for (size_t w = 0; w < nwords; w++) {
		unsigned char c = (unsigned char)words[w].s[0];
		first[c >> 6] |= (uint64_t)1 << (c & 63);
		if (words[w].len < shortest)
			shortest = words[w].len;
	}
	for (size_t i = 0; i < n && n - i >= shortest; i++) {
		unsigned char c = (unsigned char)lower(s[i]);
		if (!(first[c >> 6] >> (c & 63) & 1))
			continue;
		for (size_t w = 0; w < nwords; w++)
			if (words[w].s[0] == (char)c && words[w].len <= n - i && prefix_ci(s + i, words[w].s, words[w].len))
				return true;
	}
	return false;
}

static bool ends_ci(const char *s, size_t n, const struct word *suffix)
{
	return n >= suffix->len && prefix_ci(s + n - suffix->len, suffix->s, suffix->len);
}

static const struct word key_words[] = {
	W("password"), W("passwd"), W("passphrase"), W("secret"), W("token"), W("apikey"), W("api_key"),
	W("api-key"), W("accesskey"), W("access_key"), W("access-key"), W("privatekey"), W("private_key"),
	W("private-key"), W("credential"), W("auth_key"), W("authkey"), W("signing_key"), W("encryption_key"),
	W("pwd"),
};

/* references to a credential, not the credential */
static const struct word not_value[] = {
	W("_file"), W("-file"), W("file"), W("_path"), W("-path"), W("path"), W("_dir"), W("_name"), W("-name"),
	W("name"), W("_ref"), W("-ref"), W("ref"), W("_id"), W("keyid"), W("_url"), W("-url"), W("url"), W("_uri"),
	W("_enabled"), W("enabled"), W("_length"), W("length"), W("_ttl"), W("ttl"), W("_expiry"), W("_timeout"),
	W("timeout"), W("_header"), W("header"), W("_type"), W("type"), W("_mode"), W("_policy"), W("policy"),
	W("_namespace"), W("_key_key"), W("_secret_key_ref"), W("_version"), W("_format"), W("_size"), W("_count"),
	W("_rotation"), W("_provider"), W("provider"), W("_source"), W("_store"), W("_backend"), W("_endpoint"),
	W("endpoint"), W("_audience"), W("audience"), W("_issuer"), W("issuer"), W("_hash"), W("_field"),
	W("_location"), W("_mount"), W("mountpath"),
};

#define NWORDS(a) (sizeof(a) / sizeof((a)[0]))

bool kg_secret_key_name(const char *key, size_t n)
{
	if (!has_any_ci(key, n, key_words, NWORDS(key_words)))
		return false;
	for (size_t i = 0; i < NWORDS(not_value); i++)
		if (ends_ci(key, n, &not_value[i]))
			return false;
	return true;
}

/* Markers of placeholders, templates and references in a value. */
static const struct word placeholder_words[] = {
	W("changeme"), W("change_me"), W("change-me"), W("example"), W("placeholder"), W("dummy"), W("redacted"),
	W("xxxx"), W("****"), W("your_"), W("your-"), W("yourpass"), W("replace"), W("todo"), W("fixme"),
	W("sample"), W("<"), W(">"), W("${"), W("$("), W("{{"), W("}}"), W("%("), W("secret"), W("password"),
	W("passwd"), W("insert"), W("fake"), W("default"), W("foobar"), W("notset"), W("none"), W("null"),
	W("undefined"), W("vault:"), W("ref+"), W("arn:aws"), W("env:"), W("file:"), W("secretkeyref"), W("..."),
	W("test"), W("demo"), W("admin"), W("localhost"),
};

static bool placeholder(const char *v, size_t n)
{
	return has_any_ci(v, n, placeholder_words, NWORDS(placeholder_words));
}

/* A DNS name, a path, a version, a number, an email, a duration: not a credential. */
static bool looks_structural(const char *v, size_t n)
{
	bool digits = true, dns = true, constant = true;
	if (v[0] == '/' || (n > 2 && v[0] == '.' && v[1] == '/') || v[0] == '~')
		return true;
	if (memchr(v, '@', n) && memchr(v, '.', n))
		return true; /* email address */
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!isdigit((unsigned char)c) && c != '.' && c != '-' && c != ':')
			digits = false;
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-' || c == '.' || c == '_'))
			dns = false;
		if (!(isupper((unsigned char)c) || isdigit((unsigned char)c) || c == '_'))
			constant = false;
	}
	if (digits)
		return true; /* numbers, versions, IPs, times */
	/* lower-case names with separators (my-app.svc.cluster.local, argocd-redis, first_friend) */
	if (dns && (memchr(v, '-', n) || memchr(v, '.', n) || memchr(v, '_', n)))
		return true;
	/* CONSTANT_CASE identifiers are placeholders to substitute (GOOGLE_API_KEY_VAL) */
	if (constant && memchr(v, '_', n))
		return true;
	if (n > 6 && !strncasecmp(v, "http", 4) && !memchr(v, '@', n))
		return true; /* URL without credentials */
	return false;
}

static int char_classes(const char *v, size_t n)
{
	bool lo = false, up = false, dig = false, sym = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (islower(c))
			lo = true;
		else if (isupper(c))
			up = true;
		else if (isdigit(c))
			dig = true;
		else
			sym = true;
	}
	return lo + up + dig + sym;
}

bool kg_secret_value_plausible(const char *val, size_t n, double *entropy)
{
	*entropy = 0;
	if (n < 8 || n > 4096)
		return false;
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)val[i]) || iscntrl((unsigned char)val[i]))
			return false;
	if (placeholder(val, n) || looks_structural(val, n))
		return false;
	if (char_classes(val, n) < 2)
		return false;
	*entropy = kg_shannon_entropy(val, n);
	return *entropy >= KG_SECRET_MIN_ENTROPY;
}

/* scheme://user:password@host with a plausible password. */
static bool match_url_password(const char *t, size_t n, size_t at, struct kg_secret_hit *hit)
{
	if (at + 3 > n || memcmp(t + at, "://", 3))
		return false;
	size_t i = at + 3, colon = 0;
	for (; i < n && i < at + 512; i++) {
		char c = t[i];
		if (c == '@')
			break;
		if (c == '/' || c == '?' || c == '#' || isspace((unsigned char)c) || c == '"' || c == '\'')
			return false;
		if (c == ':' && !colon)
			colon = i;
	}
	if (i >= n || t[i] != '@' || !colon || colon + 1 >= i)
		return false;
	double e;
	const char *pw = t + colon + 1;
	size_t pl = i - colon - 1;
	/* passwords in URLs are often short; take 6 characters with the same other tests */
	if (pl < 6 || placeholder(pw, pl) || pw[0] == '$' || char_classes(pw, pl) < 2)
		return false;
	e = kg_shannon_entropy(pw, pl);
	if (e < 2.5)
		return false;
	hit->kind = KG_SECRET_URL_PASSWORD;
	hit->offset = colon + 1;
	hit->length = pl;
	hit->entropy = e;
	return true;
}

static bool scan_formats(const char *t, size_t n, struct kg_secret_hit *hit)
{
	for (size_t i = 0; i < n; i++) {
		switch (t[i]) {
		case '-':
			if (match_pem(t, n, i, hit))
				return true;
			break;
		case 'A':
			if (match_aws(t, n, i, hit) || match_prefix_fmt(t, n, i, hit))
				return true;
			break;
		case 'e':
			if (match_jwt(t, n, i, hit))
				return true;
			break;
		case 'h':
			if (match_slack_webhook(t, n, i, hit))
				return true;
			break;
		case ':':
			if (match_url_password(t, n, i, hit))
				return true;
			break;
		case 'g': case 'x': case 's': case 'r': case 'n':
			if (match_prefix_fmt(t, n, i, hit))
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

static void set_key(struct kg_secret_hit *hit, const char *key, size_t n)
{
	if (n >= sizeof(hit->key))
		n = sizeof(hit->key) - 1;
	memcpy(hit->key, key, n);
	hit->key[n] = '\0';
}

/* A value that repeats its key's name ("${DB_PASSWORD}", "DB_PASSWORD_HERE") is a placeholder. */
static bool echoes_key(const char *key, const char *val, size_t n)
{
	size_t k = strlen(key);
	if (k < 4 || k > n)
		return false;
	for (size_t i = 0; i + k <= n; i++)
		if (!strncasecmp(val + i, key, k))
			return true;
	return false;
}

bool kg_secret_scan_value(const char *key, const char *val, size_t len, struct kg_secret_hit *hit)
{
	memset(hit, 0, sizeof(*hit));
	if (len > KG_SECRET_MAX_SCAN)
		len = KG_SECRET_MAX_SCAN;
	if (scan_formats(val, len, hit)) {
		if (key)
			set_key(hit, key, strlen(key));
		return true;
	}
	double e;
	/* quoted values ("'s3cr3t'") count without their quotes */
	size_t off = 0, n = len;
	if (n >= 2 && (val[0] == '"' || val[0] == '\'') && val[n - 1] == val[0]) {
		off = 1;
		n -= 2;
	}
	if (key && kg_secret_key_name(key, strlen(key)) && !echoes_key(key, val + off, n) &&
	    kg_secret_value_plausible(val + off, n, &e)) {
		hit->kind = KG_SECRET_GENERIC;
		hit->offset = off;
		hit->length = n;
		hit->entropy = e;
		set_key(hit, key, strlen(key));
		return true;
	}
	return false;
}

static bool is_key_char(char c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

bool kg_secret_scan_text(const char *t, size_t n, struct kg_secret_hit *hit)
{
	memset(hit, 0, sizeof(*hit));
	if (n > KG_SECRET_MAX_SCAN)
		n = KG_SECRET_MAX_SCAN;
	if (scan_formats(t, n, hit))
		return true;
	/* key <sep> value pairs: find separators and look back for a key, forward for a value */
	for (size_t i = 0; i < n; i++) {
		if (t[i] != ':' && t[i] != '=')
			continue;
		size_t ke = i;
		while (ke > 0 && (t[ke - 1] == ' ' || t[ke - 1] == '\t'))
			ke--;
		if (ke > 0 && (t[ke - 1] == '"' || t[ke - 1] == '\''))
			ke--;
		size_t ks = ke;
		while (ks > 0 && is_key_char(t[ks - 1]))
			ks--;
		if (ks == ke || !kg_secret_key_name(t + ks, ke - ks))
			continue;
		size_t vs = i + 1;
		if (t[i] == ':' && vs < n && t[vs] == '/')
			continue; /* a URL scheme, handled above */
		while (vs < n && (t[vs] == ' ' || t[vs] == '\t'))
			vs++;
		char quote = 0;
		if (vs < n && (t[vs] == '"' || t[vs] == '\'')) {
			quote = t[vs];
			vs++;
		}
		size_t ve = vs;
		while (ve < n && t[ve] != '\n' && t[ve] != '\r' &&
		       (quote ? t[ve] != quote : (t[ve] != ' ' && t[ve] != ',' && t[ve] != ';' && t[ve] != '&' &&
						 t[ve] != '}' && t[ve] != '"' && t[ve] != '\'')))
			ve++;
		double e;
		char key[64];
		size_t kl = ke - ks < sizeof(key) ? ke - ks : sizeof(key) - 1;
		memcpy(key, t + ks, kl);
		key[kl] = '\0';
		if (!echoes_key(key, t + vs, ve - vs) && kg_secret_value_plausible(t + vs, ve - vs, &e)) {
			hit->kind = KG_SECRET_GENERIC;
			hit->offset = vs;
			hit->length = ve - vs;
			hit->entropy = e;
			set_key(hit, t + ks, ke - ks);
			return true;
		}
	}
	return false;
}
