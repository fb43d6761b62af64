/* AdmissionReview (admission.k8s.io/v1 and v1beta1): reading the request the API server sends
 * and writing the response it expects, in the request's apiVersion.
 *
 * Ownership: a parsed request borrows every string and node from the document tree it was read
 * from (the per-request arena); the response writer appends to a caller's buffer. Errors:
 * kg_adm_request_parse returns -1 with a message for a body that is not an AdmissionReview
 * request (the HTTP layer answers 400: without a request uid there is nothing to answer). */
#ifndef KG_ADM_REVIEW_H
#define KG_ADM_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/node.h"
#include "../util/buf.h"

struct kg_adm_request {
	const char *api_version;  /* "admission.k8s.io/v1" or "admission.k8s.io/v1beta1" */
	const char *uid;
	const char *group, *version, *kind; /* request.kind */
	const char *resource, *sub_resource; /* request.resource.resource, request.subResource ("" when none) */
	const char *name, *namespace_;       /* "" when absent */
	const char *operation;               /* CREATE, UPDATE, DELETE, CONNECT */
	const char *username;                /* "" when absent */
	const struct kg_node *object, *old_object, *options; /* NULL when absent or null */
	bool dry_run;
};

/* Fill r from a parsed body. -1 with msg filled when the body is not an AdmissionReview request. */
int kg_adm_request_parse(const struct kg_node *root, struct kg_adm_request *r, char *msg, size_t msgsz);

/* One warning or annotation value as the API server will show it. */
struct kg_adm_kv {
	const char *key;
	const char *value;
};

struct kg_adm_cause {
	const char *field;   /* path */
	const char *message; /* "[rule] message" */
};

struct kg_adm_response {
	bool allowed;
	unsigned code;        /* denial: 403 (policy) or 400 (unreadable object) */
	const char *reason;   /* "Forbidden", "BadRequest" */
	const char *message;  /* denial message */
	const struct kg_adm_cause *causes;
	size_t ncauses;
	const char *const *warnings;
	size_t nwarnings;
	const struct kg_adm_kv *annotations; /* auditAnnotations */
	size_t nannotations;
	const char *patch;    /* a JSON Patch document (written base64-encoded), NULL for none */
	size_t patch_len;
};

/* Write the AdmissionReview response for r into out. -1 when out's cap was reached. */
int kg_adm_response_write(struct kg_buf *out, const struct kg_adm_request *r, const struct kg_adm_response *resp);

/* Standard base64 of n bytes appended to out. */
int kg_base64_append(struct kg_buf *out, const void *data, size_t n);

#endif
