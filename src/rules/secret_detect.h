/* Credential detection in strings: token formats with a fixed shape (PEM private keys, AWS
 * access key ids, GitHub/GitLab/Slack/Stripe/Google/npm tokens, JWTs, URLs with a password) and
 * generic "secret-looking key = high-entropy value" pairs.
 *
 * The generic test is where false positives come from; it requires all of: a key whose name
 * says password/secret/token/api key (and not _FILE, _PATH, _NAME, _REF, ...), a value of at
 * least 8 bytes without blanks, at least two character classes, a Shannon entropy of at least
 * KG_SECRET_MIN_ENTROPY bits per byte, and nothing that marks a placeholder or a reference
 * (${VAR}, $(VAR), {{ }}, <...>, "changeme", "example", a path, a plain DNS name...).
 *
 * Nothing here allocates or keeps pointers. Hits carry offsets into the scanned text so callers
 * can point at the right place, but callers must never print the matched bytes. */
#ifndef KG_SECRET_DETECT_H
#define KG_SECRET_DETECT_H

#include <stdbool.h>
#include <stddef.h>

#define KG_SECRET_MIN_ENTROPY 3.0
/* Longest text scanned per value (larger values are scanned up to this size). */
#define KG_SECRET_MAX_SCAN (1u << 20)

enum kg_secret_kind {
	KG_SECRET_NONE = 0,
	KG_SECRET_PRIVATE_KEY,
	KG_SECRET_AWS_ACCESS_KEY,
	KG_SECRET_GITHUB_TOKEN,
	KG_SECRET_GITLAB_TOKEN,
	KG_SECRET_SLACK_TOKEN,
	KG_SECRET_SLACK_WEBHOOK,
	KG_SECRET_STRIPE_KEY,
	KG_SECRET_GOOGLE_API_KEY,
	KG_SECRET_NPM_TOKEN,
	KG_SECRET_JWT,
	KG_SECRET_URL_PASSWORD,
	KG_SECRET_GENERIC,
};

struct kg_secret_hit {
	enum kg_secret_kind kind;
	size_t offset, length;  /* the credential within the scanned text */
	double entropy;         /* bits per byte of the credential (generic hits) */
	char key[64];           /* the key that named it (generic and URL hits), may be "" */
};

/* Human name of a kind: "private key", "AWS access key id", ... */
const char *kg_secret_kind_name(enum kg_secret_kind kind);

/* Shannon entropy of s[0..len) in bits per byte. */
double kg_shannon_entropy(const char *s, size_t len);

/* Whether a key name suggests a credential (password, secret, token, api key, ...) and is not
 * a reference to one (..._FILE, ..._PATH, ..._NAME, ..._REF, ...). */
bool kg_secret_key_name(const char *key, size_t len);

/* Whether a value, known to belong to a credential-named key, looks like a real credential
 * (the generic test above). *entropy receives its entropy. */
bool kg_secret_value_plausible(const char *val, size_t len, double *entropy);

/* A value stored under key (key may be NULL): the fixed-shape formats anywhere in it, then the
 * generic test on the whole value when key names a credential. */
bool kg_secret_scan_value(const char *key, const char *val, size_t len, struct kg_secret_hit *hit);

/* Free text (a config file in a ConfigMap, an annotation, a command line): the fixed-shape
 * formats anywhere, then every `key: value`, `key=value`, `"key": "value"` and `--key=value`
 * pair with a credential-named key. Returns the first hit. */
bool kg_secret_scan_text(const char *text, size_t len, struct kg_secret_hit *hit);

#endif
