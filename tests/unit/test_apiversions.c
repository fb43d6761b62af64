/* The apiversions family: removed and deprecated API versions, the kubernetesVersion parameter. */
#include "harness.h"
#include "scan_helper.h"

#include "rules/params.h"

extern const struct kg_family kg_family_apiversions;

static const char objs[] =
	"apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"
	"---\napiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: {name: f}\n"
	"---\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\n"
	"---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\n"
	"---\napiVersion: apps/v1beta2\nkind: ControllerRevision\nmetadata: {name: c}\n"
	"---\napiVersion: networking.k8s.io/v1beta1\nkind: ServiceCIDR\nmetadata: {name: s}\n"
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n";

static void *state_for(const char *version_yaml)
{
	struct kg_scan_opts opts = { KG_PSS_RESTRICTED, KG_PSS_LATEST_MINOR, NULL };
	struct kg_diag err;
	struct kg_policy *p = NULL;
	if (version_yaml) {
		p = th_policy(version_yaml, &err);
		CHECK(p != NULL);
		opts.policy = p;
	}
	void *st = kg_family_apiversions.state_new(&opts);
	kg_policy_free(p);
	return st;
}

TEST(latest_target)
{
	struct th_run r;
	void *st = state_for(NULL);
	th_scan(&r, &kg_family_apiversions, st, objs);
	CHECK_INT(th_count(&r, "api.removed"), 4);
	CHECK_INT(th_count(&r, "api.deprecated"), 1);
	const struct kg_finding *f = th_get(&r, "api.removed", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "extensions/v1beta1 Ingress is no longer served since Kubernetes v1.22 (deprecated in "
				      "v1.14); use networking.k8s.io/v1 Ingress (backend serviceName/servicePort become "
				      "service.name/service.port.number, pathType is required)");
		CHECK_STR(f->path, "apiVersion");
		CHECK_INT(f->line, 1);
		CHECK_INT(f->col, 13);
	}
	CHECK(th_has(&r, "api.removed", "policy/v1beta1 PodSecurityPolicy is no longer served since Kubernetes v1.25 "
					"(deprecated in v1.21); there is no replacement apiVersion (there is no replacement "
					"API: use Pod Security Admission)"));
	CHECK(th_has(&r, "api.removed", "apps/v1beta2 ControllerRevision is no longer served since Kubernetes v1.16"));
	CHECK(th_has(&r, "api.deprecated", "v1 Endpoints is deprecated since Kubernetes v1.33 (no removal scheduled); use "
					   "discovery.k8s.io/v1 EndpointSlice"));
	CHECK_INT(r.handled, 5); /* ServiceCIDR v1beta1 and apps/v1 are not in the table */
	th_free(&r);
	kg_family_apiversions.state_free(st);
}

TEST(older_target_turns_removed_into_deprecated)
{
	struct th_run r;
	void *st = state_for("version: 1\nparameters:\n  kubernetesVersion: \"1.30\"\n");
	th_scan(&r, &kg_family_apiversions, st, objs);
	CHECK(th_has(&r, "api.deprecated", "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is deprecated since "
					   "Kubernetes v1.29 and stops being served in v1.32; use "
					   "flowcontrol.apiserver.k8s.io/v1 FlowSchema"));
	CHECK_INT(th_count(&r, "api.removed"), 3);
	CHECK_INT(th_count(&r, "api.deprecated"), 1); /* Endpoints deprecated only from 1.33 */
	th_free(&r);
	kg_family_apiversions.state_free(st);

	st = state_for("version: 1\nparameters:\n  kubernetesVersion: v1.15\n");
	th_scan(&r, &kg_family_apiversions, st, objs);
	CHECK_INT(th_count(&r, "api.removed"), 0);
	CHECK_INT(th_count(&r, "api.deprecated"), 2); /* Ingress (dep 1.14), ControllerRevision (dep 1.9) */
	th_free(&r);
	kg_family_apiversions.state_free(st);
}

TEST(version_parameter_errors)
{
	struct kg_diag err;
	struct kg_node s = { 0 };
	s.type = KG_STR;
	s.v.s = "2.1";
	s.len = 3;
	s.line = 4;
	s.col = 22;
	CHECK_INT(kg_api_param_check("kubernetesVersion", &s, &err), -1);
	CHECK_STR(err.message, "parameter kubernetesVersion: expected a release such as \"v1.30\" or \"latest\"");
	CHECK_INT(err.line, 4);
	CHECK_INT(err.col, 22);
	s.v.s = "latest";
	CHECK_INT(kg_api_param_check("kubernetesVersion", &s, &err), 1);
	/* an unquoted 1.30 would be 1.3: numbers are refused with a hint */
	struct kg_node f = { 0 };
	f.type = KG_FLOAT;
	f.v.f = 1.3;
	f.line = 3;
	f.col = 22;
	CHECK_INT(kg_api_param_check("kubernetesVersion", &f, &err), -1);
	CHECK_STR(err.message, "parameter kubernetesVersion: write the release as a string such as \"v1.30\" (an "
			       "unquoted 1.30 is the number 1.3)");
	CHECK_INT(err.line, 3);
	struct kg_diag perr;
	CHECK(th_policy("version: 1\nparameters:\n  kubernetesVersion: 1.30\n", &perr) == NULL);
	CHECK(strstr(perr.message, "an unquoted 1.30 is the number 1.3") != NULL);
	CHECK_INT(perr.line, 3);
	CHECK_INT(perr.col, 22);
	CHECK_INT(kg_api_param_check("other", &s, &err), 0);
}
