/* Credential detectors: each format found, placeholders and references not, entropy math. */
#include "harness.h"

#include <math.h>

#include "rules/secret_detect.h"

static enum kg_secret_kind value_kind(const char *key, const char *v)
{
	struct kg_secret_hit h;
	return kg_secret_scan_value(key, v, strlen(v), &h) ? h.kind : KG_SECRET_NONE;
}

static enum kg_secret_kind text_kind(const char *t)
{
	struct kg_secret_hit h;
	return kg_secret_scan_text(t, strlen(t), &h) ? h.kind : KG_SECRET_NONE;
}

TEST(entropy)
{
	CHECK(fabs(kg_shannon_entropy("aaaa", 4)) < 1e-9);
	CHECK(fabs(kg_shannon_entropy("abab", 4) - 1.0) < 1e-9);
	CHECK(fabs(kg_shannon_entropy("abcdefgh", 8) - 3.0) < 1e-9);
	CHECK(fabs(kg_shannon_entropy("", 0)) < 1e-9);
}

TEST(fixed_formats)
{
	CHECK_INT(value_kind(NULL, "AK" "IAZ7QRSTUVWX2345AB"), KG_SECRET_AWS_ACCESS_KEY);
	CHECK_INT(value_kind(NULL, "id=AS" "IAZ7QRSTUVWX2345AB;"), KG_SECRET_AWS_ACCESS_KEY);
	CHECK_INT(value_kind(NULL, "AKIAIOSFODNN7EXAMPLE"), KG_SECRET_NONE);     /* the documented example */
	CHECK_INT(value_kind(NULL, "XAK" "IAZ7QRSTUVWX2345AB"), KG_SECRET_NONE);    /* no word boundary */
	CHECK_INT(value_kind(NULL, "AK" "IAZ7QRSTUVWX2345ABC"), KG_SECRET_NONE);    /* too long */
	CHECK_INT(value_kind(NULL, "gh" "p_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"), KG_SECRET_GITHUB_TOKEN);
	CHECK_INT(value_kind(NULL, "gh" "p_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), KG_SECRET_NONE);
	CHECK_INT(value_kind(NULL, "gl" "pat-Xy7_k2Pq9LmN4vB8zR1t"), KG_SECRET_GITLAB_TOKEN);
	CHECK_INT(value_kind(NULL, "xo" "xb-2041963871-4428829385283-Gq7ZbQkVw3mNs8xR"), KG_SECRET_SLACK_TOKEN);
	CHECK_INT(value_kind(NULL, "https://hooks.slack" ".com/services/T0AB12CD3/B0EF45GH6/q8Wz3xYv7Lk2Mn9Pp4Rt6Sb1"),
		  KG_SECRET_SLACK_WEBHOOK);
	CHECK_INT(value_kind(NULL, "sk_" "live_51Hx7kQ2eZvKYlo2C8mN3pQ4r"), KG_SECRET_STRIPE_KEY);
	CHECK_INT(value_kind(NULL, "sk_" "test_51Hx7kQ2eZvKYlo2C8mN3pQ4r"), KG_SECRET_NONE);
	CHECK_INT(value_kind(NULL, "AI" "zaSyD8k3Lm9Qp2Rt7Vw4Xy6Zb1Cd5Ef0Gh3Ij"), KG_SECRET_GOOGLE_API_KEY);
	CHECK_INT(value_kind(NULL, "np" "m_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"), KG_SECRET_NPM_TOKEN);
	/* {"alg":"HS256","typ":"JWT"}.{"sub":"1234567890"}.signature */
	CHECK_INT(value_kind(NULL, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
				   "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
		  KG_SECRET_JWT);
	/* a header that is not a JWT header */
	CHECK_INT(value_kind(NULL, "eyJmb28iOiJiYXIiLCJiYXoiOjF9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
				   "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
		  KG_SECRET_NONE);
}

TEST(private_keys_need_a_body)
{
	char key[600];
	snprintf(key, sizeof(key), "-----BEGIN RSA PRIVATE" " KEY-----\n%s\n%s\n-----END RSA PRIVATE" " KEY-----\n",
		 "MIIEowIBAAKCAQEA1x7mK2pQ9vL4nR8sT3wY6zB0cD5eF7gH1iJ3kL5mN7oP9qR2",
		 "sT4uV6wX8yZ0aB2cD4eF6gH8iJ0kL2mN4oP6qR8sT0uV2wX4yZ6aB8cD0eF2gH4i");
	CHECK_INT(text_kind(key), KG_SECRET_PRIVATE_KEY);
	CHECK_INT(text_kind("-----BEGIN OPENSSH PRIVATE" " KEY-----\n[...]\n-----END OPENSSH PRIVATE" " KEY-----"),
		  KG_SECRET_NONE);
	CHECK_INT(text_kind("-----BEGIN CERTIFICATE-----\nMIIEowIBAAKCAQEA1x7mK2pQ9vL4nR8sT3wY6zB0cD5eF7gH1iJ3kL5mN7oP9qR2"
			    "sT4uV6wX8yZ0aB2cD4eF6gH8iJ0kL2mN4oP6qR8sT0uV2\n-----END CERTIFICATE-----"),
		  KG_SECRET_NONE);
}

TEST(generic_values_need_a_credential_key_and_entropy)
{
	CHECK_INT(value_kind("DB_PASSWORD", "s3cr3tP@ssw0rd!"), KG_SECRET_GENERIC);
	CHECK_INT(value_kind("api_key", "Xk9mP2vL7qR4tW8z"), KG_SECRET_GENERIC);
	CHECK_INT(value_kind("CLIENT_SECRET", "'Tr0ub4dor&3xyzQ'"), KG_SECRET_GENERIC);
	/* not credential keys */
	CHECK_INT(value_kind("DB_HOST", "Xk9mP2vL7qR4tW8z"), KG_SECRET_NONE);
	CHECK_INT(value_kind("DB_PASSWORD_FILE", "Xk9mP2vL7qR4tW8z"), KG_SECRET_NONE);
	CHECK_INT(value_kind("TOKEN_URL", "Xk9mP2vL7qR4tW8z"), KG_SECRET_NONE);
	CHECK_INT(value_kind("secretName", "Xk9mP2vL7qR4tW8z"), KG_SECRET_NONE);
	/* placeholders, references and structural values */
	CHECK_INT(value_kind("DB_PASSWORD", "changeme"), KG_SECRET_NONE);
	CHECK_INT(value_kind("DB_PASSWORD", "${DB_PASSWORD}"), KG_SECRET_NONE);
	CHECK_INT(value_kind("DB_PASSWORD", "$(cat /run/pw)"), KG_SECRET_NONE);
	CHECK_INT(value_kind("DB_PASSWORD", "{{ .Values.pw }}"), KG_SECRET_NONE);
	CHECK_INT(value_kind("DB_PASSWORD", "<your-password>"), KG_SECRET_NONE);
	CHECK_INT(value_kind("GOOGLE_API_KEY", "GOOGLE_API_KEY_VAL"), KG_SECRET_NONE);
	CHECK_INT(value_kind("API_TOKEN", "REPLACE_WITH_TOKEN"), KG_SECRET_NONE);
	CHECK_INT(value_kind("secretKey", "first_friend"), KG_SECRET_NONE);
	CHECK_INT(value_kind("token_secret", "my-app-token.svc"), KG_SECRET_NONE);
	CHECK_INT(value_kind("PASSWORD", "/etc/secret/pw"), KG_SECRET_NONE);
	CHECK_INT(value_kind("PASSWORD", "12345678"), KG_SECRET_NONE);
	CHECK_INT(value_kind("PASSWORD", "abcdefgh"), KG_SECRET_NONE); /* one character class */
	CHECK_INT(value_kind("PASSWORD", "aB1"), KG_SECRET_NONE);      /* too short */
	CHECK_INT(value_kind("PASSWORD", "aaaaBBBB1111"), KG_SECRET_NONE); /* low entropy */
	CHECK_INT(value_kind("PASSWORD", "with space 9X"), KG_SECRET_NONE);
	CHECK(kg_secret_key_name("x-api-key", 9));
	CHECK(!kg_secret_key_name("keyRef", 6));
}

TEST(text_pairs_and_urls)
{
	struct kg_secret_hit h;
	const char *cfg = "[db]\nhost = db.local\npassword = Zq8#Lm2!Vx7@Pw4\nuser = app\n";
	CHECK(kg_secret_scan_text(cfg, strlen(cfg), &h));
	CHECK_INT(h.kind, KG_SECRET_GENERIC);
	CHECK_STR(h.key, "password");
	CHECK_INT(h.offset, (long long)(strstr(cfg, "Zq8") - cfg));
	CHECK_INT(h.length, 15);
	CHECK_INT(text_kind("{\"clientSecret\":\"Qw7Er9Ty2Ui4Op6A\",\"x\":1}"), KG_SECRET_GENERIC);
	CHECK_INT(text_kind("--db-password=Qw7Er9Ty2Ui4Op6A"), KG_SECRET_GENERIC);
	CHECK_INT(text_kind("url: postgres://app:Qw7Er9Ty2U@db:5432/app"), KG_SECRET_URL_PASSWORD);
	CHECK_INT(text_kind("url: postgres://app:${PGPASSWORD}@db:5432/app"), KG_SECRET_NONE);
	CHECK_INT(text_kind("url: postgres://user:password@db:5432/app"), KG_SECRET_NONE);
	CHECK_INT(text_kind("url: https://example.com/path?a=b"), KG_SECRET_NONE);
	CHECK_INT(text_kind("token_file: /var/run/secrets/token\npassword: changeme\n"), KG_SECRET_NONE);
	CHECK_STR(kg_secret_kind_name(KG_SECRET_AWS_ACCESS_KEY), "AWS access key id");
}
