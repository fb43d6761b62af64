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
	bool (*alphabet)(char);
	size_t min, max; /* length of the part after the prefix */
	enum kg_secret_kind kind;
};

static const struct prefix_fmt prefix_fmts[] = {
	{ "ghp_", is_alnum, 36, 36, KG_SECRET_GITHUB_TOKEN },
	{ "gho_", is_alnum, 36, 36, KG_SECRET_GITHUB_TOKEN },
	{ "ghu_", is_alnum, 36, 36, KG_SECRET_GITHUB_TOKEN },
	{ "ghs_", is_alnum, 36, 36, KG_SECRET_GITHUB_TOKEN },
	{ "ghr_", is_alnum, 36, 36, KG_SECRET_GITHUB_TOKEN },
	{ "github_pat_", is_b64url, 59, 90, KG_SECRET_GITHUB_TOKEN },
	{ "glpat-", is_b64url, 20, 64, KG_SECRET_GITLAB_TOKEN },
	{ "glrt-", is_b64url, 20, 64, KG_SECRET_GITLAB_TOKEN },
	{ "gldt-", is_b64url, 20, 64, KG_SECRET_GITLAB_TOKEN },
	{ "xoxb-", is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ "xoxp-", is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ "xoxa-", is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ "xoxr-", is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ "xoxs-", is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ "xoxe-", is_b64url, 20, 255, KG_SECRET_SLACK_TOKEN },
	{ "sk_live_", is_alnum, 24, 247, KG_SECRET_STRIPE_KEY },
	{ "rk_live_", is_alnum, 24, 247, KG_SECRET_STRIPE_KEY },
	{ "AIza", is_b64url, 35, 35, KG_SECRET_GOOGLE_API_KEY },
	{ "npm_", is_alnum, 36, 36, KG_SECRET_NPM_TOKEN },
};

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
	for (size_t f = 0; f < sizeof(prefix_fmts) / sizeof(prefix_fmts[0]); f++) {
		const struct prefix_fmt *pf = &prefix_fmts[f];
		if (pf->prefix[0] != t[at])
			continue;
		size_t pl = strlen(pf->prefix);
		if (at + pl > n || memcmp(t + at, pf->prefix, pl) || !word_start(t, at))
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

static bool has_ci(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (!strncasecmp(s + i, needle, m))
			return true;
	return false;
}

static bool ends_ci(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);
	return n >= m && !strncasecmp(s + n - m, suffix, m);
}

bool kg_secret_key_name(const char *key, size_t n)
{
	static const char *const words[] = {
		"password", "passwd", "passphrase", "secret", "token", "apikey", "api_key", "api-key",
		"accesskey", "access_key", "access-key", "privatekey", "private_key", "private-key",
		"credential", "auth_key", "authkey", "signing_key", "encryption_key", "pwd", NULL,
	};
	/* references to a credential, not the credential */
	static const char *const not_value[] = {
		"_file", "-file", "file", "_path", "-path", "path", "_dir", "_name", "-name", "name", "_ref",
		"-ref", "ref", "_id", "keyid", "_url", "-url", "url", "_uri", "_enabled", "enabled", "_length",
		"length", "_ttl", "ttl", "_expiry", "_timeout", "timeout", "_header", "header", "_type", "type",
		"_mode", "_policy", "policy", "_namespace", "_key_key", "_secret_key_ref", "_version", "_format",
		"_size", "_count", "_rotation", "_provider", "provider", "_source", "_store", "_backend", "_endpoint",
		"endpoint", "_audience", "audience", "_issuer", "issuer", "_hash", "_field", "_location", "_mount",
		"mountpath", NULL,
	};
	bool hit = false;
	for (int i = 0; words[i]; i++)
		if (has_ci(key, n, words[i])) {
			hit = true;
			break;
		}
	if (!hit)
		return false;
	for (int i = 0; not_value[i]; i++)
		if (ends_ci(key, n, not_value[i]))
			return false;
	return true;
}

/* Markers of placeholders, templates and references in a value. */
static bool placeholder(const char *v, size_t n)
{
	static const char *const words[] = {
		"changeme", "change_me", "change-me", "example", "placeholder", "dummy", "redacted", "xxxx",
		"****", "your_", "your-", "yourpass", "replace", "todo", "fixme", "sample", "<", ">", "${", "$(",
		"{{", "}}", "%(", "secret", "password", "passwd", "insert", "fake", "default", "foobar", "notset",
		"none", "null", "undefined", "vault:", "ref+", "arn:aws", "env:", "file:", "secretkeyref", "...",
		"test", "demo", "admin", "localhost", NULL,
	};
	for (int i = 0; words[i]; i++)
		if (has_ci(v, n, words[i]))
			return true;
	return false;
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
