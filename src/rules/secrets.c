/* Rule family 'secrets': how workloads consume Secrets, and credentials written where they do
 * not belong (container env and arguments, ConfigMaps, annotations, committed Secret objects).
 * Messages never contain the matched value: only its kind, length and where it is. */
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "secret_detect.h"
#include "family.h"

enum {
	SEC_ENV_REF,
	SEC_CONTAINER_LITERAL,
	SEC_CONFIGMAP_LITERAL,
	SEC_ANNOTATION_LITERAL,
	SEC_PLAIN_SECRET,
	SEC_NRULES
};

#define K8S "https://kubernetes.io/docs/"
#define CIS "https://www.cisecurity.org/benchmark/kubernetes"
#define NSA "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF"
#define SECRET_DOC K8S "concepts/configuration/secret/"
#define GOOD_PRACTICE K8S "concepts/security/secrets-good-practices/"

static const struct kg_rule secret_rules[SEC_NRULES] = {
	[SEC_ENV_REF] = { "secret.env-secret-ref", KG_SEV_LOW, "secrets",
		"Secret value is passed as an environment variable",
		"env[].valueFrom.secretKeyRef or envFrom[].secretRef puts a Secret into the process "
		"environment, which is inherited by every child process, shown by /proc/<pid>/environ to "
		"anyone with the same UID, often dumped into logs and crash reports, and fixed for the "
		"life of the container (a rotated Secret is not picked up). CIS Kubernetes Benchmark "
		"5.4.1 prefers files.",
		"Mount the Secret as a volume (optionally with items to pick keys) and read the file; "
		"mounted Secrets are updated in place when the Secret changes.",
		SECRET_DOC "#using-secrets-as-files-from-a-pod " GOOD_PRACTICE " " CIS,
		"kube-linter:read-secret-from-env-var kubesec:SecretsAsEnvironmentVariables checkov:CKV_K8S_35" },
	[SEC_CONTAINER_LITERAL] = { "secret.container-literal", KG_SEV_HIGH, "secrets",
		"Credential written literally in a container's env or arguments",
		"An env[].value, command or args entry holds something that is a credential by its shape "
		"(private key, AWS access key id, GitHub/GitLab/Slack/Stripe/Google/npm token, JWT, a "
		"password in a URL) or a high-entropy value under a name such as *_PASSWORD, *_TOKEN or "
		"--api-key. It is then in the repository, in every rendered manifest, in the object "
		"stored in etcd unencrypted and readable by anyone who can read the workload.",
		"Move the value into a Secret (or an external secret store), rotate it since it was "
		"exposed, and reference it from a mounted file.",
		GOOD_PRACTICE " " NSA,
		"kube-linter:env-var-secret polaris:sensitiveContainerEnvVar" },
	[SEC_CONFIGMAP_LITERAL] = { "secret.configmap-literal", KG_SEV_HIGH, "secrets",
		"Credential stored in a ConfigMap",
		"A ConfigMap data value (a whole config file included) holds a credential by its shape "
		"or a high-entropy value under a credential-named key. ConfigMaps are not treated as "
		"sensitive: RBAC grants read access to them widely, they are not encrypted at rest by "
		"EncryptionConfiguration profiles meant for Secrets, and they show up in logs and "
		"dashboards.",
		"Move the credential into a Secret and reference it from the configuration (most "
		"config formats can include a file or read an environment variable); rotate it.",
		K8S "concepts/configuration/configmap/ " GOOD_PRACTICE,
		"polaris:sensitiveConfigmapContent trivy:KSV-0109" },
	[SEC_ANNOTATION_LITERAL] = { "secret.annotation-literal", KG_SEV_HIGH, "secrets",
		"Credential stored in an annotation",
		"An annotation (of the object or of its pod template) holds a credential by its shape or "
		"a high-entropy value under a credential-named key. Annotations are readable by anyone "
		"who can get the object, are copied by controllers to the objects they create, and end "
		"up in audit logs. kubectl's last-applied-configuration annotation is skipped: it copies "
		"the object, which is checked itself.",
		"Remove the credential from the annotation, keep it in a Secret, and rotate it.",
		K8S "concepts/overview/working-with-objects/annotations/ " GOOD_PRACTICE,
		"" },
	[SEC_PLAIN_SECRET] = { "secret.plain-secret", KG_SEV_HIGH, "secrets",
		"Secret object with plain values is committed",
		"A kind: Secret manifest carries data or stringData values. Base64 is an encoding, not "
		"encryption: anyone who can read the repository or the rendered manifests has the "
		"values. Encrypted or indirect forms (SealedSecret, SOPS-encrypted files, ExternalSecret, "
		"SecretProviderClass) are other kinds and are not reported. Meant for repository scans; "
		"an admission controller sees every Secret in plain form and should disable it.",
		"Replace the manifest with an encrypted or external form (SealedSecret, SOPS, "
		"ExternalSecret, Secrets Store CSI driver) and rotate the values that were committed.",
		SECRET_DOC " " GOOD_PRACTICE " " NSA,
		"" },
};

/* ---- workloads ---- */

struct sec_pod {
	struct kg_check *c;
	const struct kg_pod_ref *ref;
};

static void emit_ctr(const struct sec_pod *p, int rule, const struct kg_node *ctr, const struct kg_node *at,
		     const char *path, const char *fmt, const char *a, const char *b, const char *d)
{
	char msg[1024];
	kg_fmt(msg, sizeof(msg), fmt, a, b, d);
	kg_emit(p->c, &secret_rules[rule], at ? at : ctr, path, kg_str(kg_map_get(ctr, "name")), "%s", msg);
}

/* One container; its path and label are formatted when a finding first needs them (most
 * containers have none). */
struct sec_ctr {
	const struct kg_node *node;
	enum kg_container_kind kind;
	unsigned index;
	bool named;        /* path and who are set */
	char path[400];    /* "spec.containers[0]" */
	char who[160];     /* "container 'app'" */
};

static void ctr_name(const struct sec_pod *p, struct sec_ctr *c)
{
	static const char *const kinds[] = { "init container", "container", "ephemeral container" };
	if (c->named)
		return;
	c->named = true;
	kg_fmt(c->path, sizeof(c->path), "%s.%s[%u]", p->ref->spec_path, kg_container_fields[c->kind], c->index);
	const char *name = kg_str(kg_map_get(c->node, "name"));
	kg_fmt(c->who, sizeof(c->who), "%s '%s'", kinds[c->kind], name ? name : "?");
}

/* "a GitHub token (40 characters)", "a value that looks like a credential (24 characters, ...)" */
static void describe(const struct kg_secret_hit *hit, char *buf, size_t size)
{
	if (hit->kind == KG_SECRET_GENERIC)
		kg_fmt(buf, size, "a high-entropy value under key '%s' (%zu characters, %.1f bits/char; redacted)",
			 hit->key, hit->length, hit->entropy);
	else if (hit->kind == KG_SECRET_URL_PASSWORD)
		kg_fmt(buf, size, "a password in a URL (%zu characters; redacted)", hit->length);
	else
		kg_fmt(buf, size, "a %s (%zu characters; redacted)", kg_secret_kind_name(hit->kind), hit->length);
}

static void check_env(const struct sec_pod *p, struct sec_ctr *c)
{
	const struct kg_node *ctr = c->node;
	const struct kg_node *env = kg_map_get(ctr, "env");
	char path[512], what[256];
	for (uint32_t i = 0; kg_is_seq(env) && i < env->len; i++) {
		const struct kg_node *e = env->v.items[i];
		const char *name = kg_str(kg_map_get(e, "name"));
		const struct kg_node *ref = kg_map_get(kg_map_get(e, "valueFrom"), "secretKeyRef");
		if (kg_is_map(ref)) {
			char src[300];
			const char *sn = kg_str(kg_map_get(ref, "name")), *sk = kg_str(kg_map_get(ref, "key"));
			kg_fmt(src, sizeof(src), "%s/%s", sn ? sn : "?", sk ? sk : "?");
			ctr_name(p, c);
			kg_fmt(path, sizeof(path), "%s.env[%u].valueFrom.secretKeyRef", c->path, i);
			emit_ctr(p, SEC_ENV_REF, ctr, ref, path,
				 "%s reads Secret key %s into environment variable %s; mount the Secret as a file instead",
				 c->who, src, name ? name : "?");
			continue;
		}
		const struct kg_node *vn = kg_map_get(e, "value");
		const char *v = kg_str(vn);
		struct kg_secret_hit hit;
		if (v && kg_secret_scan_value(name, v, vn->len, &hit)) {
			describe(&hit, what, sizeof(what));
			ctr_name(p, c);
			kg_fmt(path, sizeof(path), "%s.env[%u].value", c->path, i);
			emit_ctr(p, SEC_CONTAINER_LITERAL, ctr, vn, path,
				 "%s has %s in environment variable %s; move it into a Secret mounted as a file and rotate it",
				 c->who, what, name ? name : "?");
		}
	}
	const struct kg_node *from = kg_map_get(ctr, "envFrom");
	if (!kg_is_seq(from))
		return;
	for (uint32_t i = 0; i < from->len; i++) {
		const struct kg_node *ref = kg_map_get(from->v.items[i], "secretRef");
		if (!kg_is_map(ref))
			continue;
		const char *sn = kg_str(kg_map_get(ref, "name"));
		ctr_name(p, c);
		kg_fmt(path, sizeof(path), "%s.envFrom[%u].secretRef", c->path, i);
		emit_ctr(p, SEC_ENV_REF, ctr, ref, path,
			 "%s imports every key of Secret '%s' as environment variables (envFrom)%s; mount the Secret as a "
			 "volume instead", c->who, sn ? sn : "?", "");
	}
}

/* command and args: "--password=x" in one item, or "--password" followed by the value. */
static void check_args(const struct sec_pod *p, struct sec_ctr *c)
{
	const struct kg_node *ctr = c->node;
	static const char *const fields[] = { "command", "args" };
	char path[512], what[256];
	for (int f = 0; f < 2; f++) {
		const struct kg_node *list = kg_map_get(ctr, fields[f]);
		if (!kg_is_seq(list))
			continue;
		for (uint32_t i = 0; i < list->len; i++) {
			const struct kg_node *it = list->v.items[i];
			const char *s = kg_str(it);
			struct kg_secret_hit hit;
			bool found = false;
			if (!s)
				continue;
			if (s[0] == '-' && !strchr(s, '=') && i + 1 < list->len) {
				const char *flag = s + strspn(s, "-");
				const struct kg_node *next = list->v.items[i + 1];
				const char *nv = kg_str(next);
				if (nv && nv[0] != '-' && kg_secret_key_name(flag, strlen(flag)) &&
				    kg_secret_scan_value(flag, nv, next->len, &hit)) {
					it = next;
					i++;
					found = true;
				}
			}
			if (!found)
				found = kg_secret_scan_text(s, it->len, &hit);
			if (!found)
				continue;
			describe(&hit, what, sizeof(what));
			ctr_name(p, c);
			kg_fmt(path, sizeof(path), "%s.%s[%u]", c->path, fields[f], i);
			emit_ctr(p, SEC_CONTAINER_LITERAL, ctr, it, path,
				 "%s has %s in its %s; pass it through a mounted Secret file and rotate it", c->who, what,
				 fields[f]);
		}
	}
}

static void on_container(void *ctx, const struct kg_node *ctr, enum kg_container_kind kind, unsigned index)
{
	const struct sec_pod *p = ctx;
	struct sec_ctr c;
	c.node = ctr;
	c.kind = kind;
	c.index = index;
	c.named = false;
	check_env(p, &c);
	check_args(p, &c);
}

static void check_annotations(struct kg_check *c, const struct kg_node *meta, const char *meta_path);

static void on_pod(void *ctx, const struct kg_pod_ref *ref)
{
	struct sec_pod p = { ctx, ref };
	kg_each_container(ref->spec, on_container, &p);
	/* a Pod's template metadata is its own metadata, checked once in secrets_check */
	if (ref->meta && ref->meta_path && ref->meta != kg_map_get(p.c->obj->node, "metadata"))
		check_annotations(p.c, ref->meta, ref->meta_path);
}

/* ---- annotations, ConfigMaps, Secrets ---- */

static const char *after_slash(const char *key)
{
	const char *s = strrchr(key, '/');
	return s ? s + 1 : key;
}

static bool scan_entry(const char *key, const struct kg_node *v, struct kg_secret_hit *hit)
{
	const char *s = kg_str(v);
	if (!s)
		return false;
	/* one-line values are judged against their key; multi-line ones are files */
	if (!memchr(s, '\n', v->len) && kg_secret_scan_value(key, s, v->len, hit))
		return true;
	return kg_secret_scan_text(s, v->len, hit);
}

static unsigned line_in_value(const char *s, size_t off)
{
	unsigned line = 1;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

static void check_annotations(struct kg_check *c, const struct kg_node *meta, const char *meta_path)
{
	const struct kg_node *ann = kg_map_get(meta, "annotations");
	char path[512], what[256];
	if (!kg_is_map(ann))
		return;
	for (uint32_t i = 0; i < ann->len; i++) {
		const struct kg_pair *pr = &ann->v.pairs[i];
		struct kg_secret_hit hit;
		if (!strcmp(pr->key, "kubectl.kubernetes.io/last-applied-configuration"))
			continue;
		if (!scan_entry(after_slash(pr->key), pr->value, &hit))
			continue;
		describe(&hit, what, sizeof(what));
		kg_fmt(path, sizeof(path), "%s.annotations.%s", meta_path, pr->key);
		kg_emit(c, &secret_rules[SEC_ANNOTATION_LITERAL], pr->value, path, NULL,
			"annotation '%s' holds %s; remove it from the annotation, keep it in a Secret and rotate it", pr->key,
			what);
	}
}

static void check_configmap(struct kg_check *c)
{
	const struct kg_node *data = kg_map_get(c->obj->node, "data");
	char path[512], what[256], where[64];
	if (!kg_is_map(data))
		return;
	for (uint32_t i = 0; i < data->len; i++) {
		const struct kg_pair *pr = &data->v.pairs[i];
		struct kg_secret_hit hit;
		if (!scan_entry(pr->key, pr->value, &hit))
			continue;
		describe(&hit, what, sizeof(what));
		where[0] = '\0';
		if (memchr(pr->value->v.s, '\n', pr->value->len))
			kg_fmt(where, sizeof(where), " (line %u of the value)", line_in_value(pr->value->v.s, hit.offset));
		kg_fmt(path, sizeof(path), "data.%s", pr->key);
		kg_emit(c, &secret_rules[SEC_CONFIGMAP_LITERAL], pr->value, path, NULL,
			"ConfigMap key '%s' holds %s%s; move it into a Secret and rotate it", pr->key, what, where);
	}
}

static void list_keys(const struct kg_node *m, const char *label, char *buf, size_t size, size_t *used,
		      unsigned *count)
{
	bool first = true;
	if (!kg_is_map(m))
		return;
	for (uint32_t i = 0; i < m->len; i++) {
		const struct kg_node *v = m->v.pairs[i].value;
		if (!v || v->type == KG_NULL || (v->type == KG_STR && !v->len))
			continue;
		(*count)++;
		if (*used + 1 >= size)
			continue;
		int w = kg_fmt(buf + *used, size - *used, "%s%s%s", first ? (*used ? "; " : "") : ", ",
				 first ? label : "", m->v.pairs[i].key);
		first = false;
		if (w > 0)
			*used = *used + (size_t)w < size ? *used + (size_t)w : size - 1;
	}
}

static void check_secret(struct kg_check *c)
{
	const struct kg_node *data = kg_map_get(c->obj->node, "data");
	const struct kg_node *sdata = kg_map_get(c->obj->node, "stringData");
	char keys[400];
	size_t used = 0;
	unsigned count = 0;
	keys[0] = '\0';
	list_keys(data, "data: ", keys, sizeof(keys), &used, &count);
	list_keys(sdata, "stringData: ", keys, sizeof(keys), &used, &count);
	if (!count)
		return;
	const char *type = kg_str(kg_map_get(c->obj->node, "type"));
	kg_emit(c, &secret_rules[SEC_PLAIN_SECRET], kg_is_map(data) ? data : sdata, kg_is_map(data) ? "data" : "stringData",
		NULL,
		"Secret '%s'%s%s%s commits %u value%s in plain text (%s); replace it with a SealedSecret, SOPS file or "
		"ExternalSecret and rotate the values",
		c->obj->name ? c->obj->name : "?", type ? " (type " : "", type ? type : "", type ? ")" : "", count,
		count == 1 ? "" : "s", keys);
}

static bool core_kind(const struct kg_object *obj, const char *kind)
{
	char group[64];
	return obj->kind && !strcmp(obj->kind, kind) &&
	       !strcmp(kg_api_group(obj->api_version, group, sizeof(group)), "");
}

static void secrets_check(struct kg_check *c)
{
	const struct kg_object *obj = c->obj;
	if (core_kind(obj, "Secret")) {
		*c->handled = true;
		check_secret(c);
	} else if (core_kind(obj, "ConfigMap")) {
		*c->handled = true;
		check_configmap(c);
	} else if (kg_kind_has_pod(obj)) {
		*c->handled = true;
		kg_pod_each(obj, on_pod, c);
	}
	/* the object's own annotations, whatever its kind (a Secret's are checked too: they are not
	 * its data) */
	check_annotations(c, kg_map_get(obj->node, "metadata"), "metadata");
}

const struct kg_family kg_family_secrets = {
	"secrets", secret_rules, SEC_NRULES, secrets_check, NULL, NULL, NULL,
};
