/* libFuzzer target: an AdmissionReview body through kguard serve's whole decision path (parse,
 * request, validate with a policy that enforces, warns, audits, ratchets and mutates, then
 * mutate), and the response writer. A decision must be well-formed: a denial has a code and a
 * message, warnings fit the API server's 256-byte limit, the response is written. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "admission/config.h"
#include "admission/eval.h"
#include "admission/review.h"
#include "rules/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char policy_text[] = "serve:\n  mode: enforce\n  failOn: medium\n  mutate: true\n"
				  "  connect: {exec: enforce, attach: warn}\n  pss: {warn: baseline, audit: restricted, "
				  "audit-version: v1.22}\n  exemptions: {runtimeClasses: [kata]}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kg_adm_worker *w;
	static struct kg_adm_config *cfg;
	static struct kg_buf out;
	if (!w) {
		struct kg_load_limits lim;
		kg_load_limits_default(&lim);
		lim.max_depth = 512;
		w = kg_adm_worker_new(&lim);
		struct kg_diag d;
		struct kg_policy *p = kg_policy_parse("fuzz.yaml", policy_text, sizeof(policy_text) - 1, &d);
		if (!p || !(cfg = kg_adm_config_new(p, &d)))
			abort();
		kg_buf_init(&out, 0);
	}
	const struct kg_node *root;
	struct kg_diag err;
	if (kg_adm_worker_parse(w, (const char *)data, size, &root, &err))
		return 0;
	struct kg_adm_request rq;
	char msg[256];
	if (kg_adm_request_parse(root, &rq, msg, sizeof(msg)))
		return 0;
	for (int mutate = 0; mutate < 2; mutate++) {
		struct kg_adm_decision d;
		if (mutate)
			kg_adm_mutate(w, cfg, &rq, &d);
		else
			kg_adm_validate(w, cfg, &rq, &d);
		if (!d.resp.allowed && (!d.resp.code || !d.resp.message || !*d.resp.message))
			abort();
		for (size_t i = 0; i < d.resp.nwarnings; i++)
			if (strlen(d.resp.warnings[i]) > 256)
				abort();
		kg_buf_reset(&out);
		if (kg_adm_response_write(&out, &rq, &d.resp))
			abort();
	}
	return 0;
}
