/* AdmissionReview request parsing and response writing (review.h). */
#include "review.h"

#include <stdio.h>
#include <string.h>

#include "../util/jsonw.h"

#define V1 "admission.k8s.io/v1"
#define V1BETA1 "admission.k8s.io/v1beta1"

static const char *str_or_empty(const struct kg_node *map, const char *key)
{
	const char *s = kg_str(kg_map_get(map, key));
	return s ? s : "";
}

static const struct kg_node *non_null(const struct kg_node *n)
{
	return n && n->type != KG_NULL ? n : NULL;
}

int kg_adm_request_parse(const struct kg_node *root, struct kg_adm_request *r, char *msg, size_t msgsz)
{
	memset(r, 0, sizeof(*r));
	if (!kg_is_map(root)) {
		snprintf(msg, msgsz, "the body is a JSON %s, not an AdmissionReview object", kg_type_name((enum kg_type)root->type));
		return -1;
	}
	const char *av = kg_str(kg_map_get(root, "apiVersion"));
	const char *kind = kg_str(kg_map_get(root, "kind"));
	if (!kind || strcmp(kind, "AdmissionReview")) {
		snprintf(msg, msgsz, "kind must be AdmissionReview");
		return -1;
	}
	if (!av || (strcmp(av, V1) && strcmp(av, V1BETA1))) {
		snprintf(msg, msgsz, "apiVersion must be " V1 " or " V1BETA1);
		return -1;
	}
	r->api_version = !strcmp(av, V1) ? V1 : V1BETA1;
	const struct kg_node *req = kg_map_get(root, "request");
	if (!kg_is_map(req)) {
		snprintf(msg, msgsz, "the AdmissionReview has no request object");
		return -1;
	}
	r->uid = kg_str(kg_map_get(req, "uid"));
	if (!r->uid || !*r->uid) {
		snprintf(msg, msgsz, "request.uid is missing");
		r->uid = NULL;
		return -1;
	}
	const struct kg_node *k = kg_map_get(req, "kind");
	r->group = str_or_empty(k, "group");
	r->version = str_or_empty(k, "version");
	r->kind = str_or_empty(k, "kind");
	r->resource = str_or_empty(kg_map_get(req, "resource"), "resource");
	r->sub_resource = str_or_empty(req, "subResource");
	r->name = str_or_empty(req, "name");
	r->namespace_ = str_or_empty(req, "namespace");
	r->operation = str_or_empty(req, "operation");
	r->username = str_or_empty(kg_map_get(req, "userInfo"), "username");
	r->object = non_null(kg_map_get(req, "object"));
	r->old_object = non_null(kg_map_get(req, "oldObject"));
	r->options = non_null(kg_map_get(req, "options"));
	bool dry = false;
	r->dry_run = kg_as_bool(kg_map_get(req, "dryRun"), &dry) && dry;
	return 0;
}

int kg_base64_append(struct kg_buf *out, const void *data, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	if (kg_buf_reserve(out, (n + 2) / 3 * 4 + 1))
		return -1;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = { tab[(v >> 18) & 63], tab[(v >> 12) & 63], i + 1 < n ? tab[(v >> 6) & 63] : '=',
			      i + 2 < n ? tab[v & 63] : '=' };
		if (kg_buf_add(out, q, 4))
			return -1;
	}
	return 0;
}

int kg_adm_response_write(struct kg_buf *out, const struct kg_adm_request *r, const struct kg_adm_response *resp)
{
	struct kg_jw w;
	kg_jw_init(&w, out, false);
	kg_jw_obj(&w);
	kg_jw_kstr(&w, "apiVersion", r->api_version);
	kg_jw_kstr(&w, "kind", "AdmissionReview");
	kg_jw_key(&w, "response");
	kg_jw_obj(&w);
	kg_jw_kstr(&w, "uid", r->uid);
	kg_jw_kbool(&w, "allowed", resp->allowed);
	if (!resp->allowed) {
		kg_jw_key(&w, "status");
		kg_jw_obj(&w);
		kg_jw_key(&w, "metadata");
		kg_jw_obj(&w);
		kg_jw_obj_end(&w);
		kg_jw_kstr(&w, "status", "Failure");
		kg_jw_kint(&w, "code", resp->code ? resp->code : 403);
		kg_jw_kstr(&w, "reason", resp->reason ? resp->reason : "Forbidden");
		kg_jw_kstr(&w, "message", resp->message ? resp->message : "denied by kguard");
		if (resp->ncauses) {
			kg_jw_key(&w, "details");
			kg_jw_obj(&w);
			if (*r->name)
				kg_jw_kstr(&w, "name", r->name);
			if (*r->group)
				kg_jw_kstr(&w, "group", r->group);
			if (*r->resource)
				kg_jw_kstr(&w, "kind", r->resource);
			kg_jw_key(&w, "causes");
			kg_jw_arr(&w);
			for (size_t i = 0; i < resp->ncauses; i++) {
				kg_jw_obj(&w);
				kg_jw_kstr(&w, "reason", "FieldValueForbidden");
				kg_jw_kstr(&w, "message", resp->causes[i].message);
				if (resp->causes[i].field && *resp->causes[i].field)
					kg_jw_kstr(&w, "field", resp->causes[i].field);
				kg_jw_obj_end(&w);
			}
			kg_jw_arr_end(&w);
			kg_jw_obj_end(&w);
		}
		kg_jw_obj_end(&w);
	}
	if (resp->nwarnings) {
		kg_jw_key(&w, "warnings");
		kg_jw_arr(&w);
		for (size_t i = 0; i < resp->nwarnings; i++)
			kg_jw_str(&w, resp->warnings[i]);
		kg_jw_arr_end(&w);
	}
	if (resp->nannotations) {
		kg_jw_key(&w, "auditAnnotations");
		kg_jw_obj(&w);
		for (size_t i = 0; i < resp->nannotations; i++)
			kg_jw_kstr(&w, resp->annotations[i].key, resp->annotations[i].value);
		kg_jw_obj_end(&w);
	}
	if (resp->patch) {
		kg_jw_kstr(&w, "patchType", "JSONPatch");
		kg_jw_key(&w, "patch");
		/* the writer has no raw-string call: write the quotes around the base64 ourselves */
		kg_jw_raw(&w, "\"");
		kg_base64_append(out, resp->patch, resp->patch_len);
		if (kg_buf_addc(out, '"'))
			w.failed = true;
	}
	kg_jw_obj_end(&w);
	kg_jw_obj_end(&w);
	if (kg_buf_addc(out, '\n'))
		w.failed = true;
	return w.failed ? -1 : 0;
}
