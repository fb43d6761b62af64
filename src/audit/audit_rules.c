/* The catalog entries of kguard's own audit rule pack (rules/kguard_audit_rules.yaml), so that
 * `kguard rules` and docs/rules.md list them. The detections themselves are Falco rules in that
 * file (the title is the rule name there; test_audit.c keeps the two in step). The upstream Falco
 * k8s_audit rules are data loaded at run time and stay out of the catalog. */
#include <stddef.h>

#include "../rules/rule.h"

#define POLICY " Needs the audit Policy to log it: check with `kguard audit policy`."

const struct kg_rule kg_audit_rules[] = {
	{ "audit.secrets-list-cluster-wide", KG_SEV_HIGH, "audit",
	  "K8s Secrets Listed Cluster-Wide by Service Account",
	  "A service account listed or watched Secrets in all namespaces: what a stolen token is used for "
	  "first, and what an over-privileged workload can do to harvest every credential." POLICY,
	  "Find the workload behind the service account; remove list/watch on secrets at cluster scope from "
	  "its roles. Controllers that need it go in the kg_cluster_secret_readers list.",
	  "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets",
	  "" },
	{ "audit.sa-token-requested", KG_SEV_HIGH, "audit",
	  "K8s ServiceAccount Token Requested",
	  "A token was minted for a service account (serviceaccounts/token) by someone other than a kubelet "
	  "or a known controller: the caller can now act as that service account." POLICY,
	  "Check who requested it and why; remove create on serviceaccounts/token from roles that do not need "
	  "it. Expected requesters go in kg_token_requesters.",
	  "https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/",
	  "" },
	{ "audit.binding-anonymous", KG_SEV_CRITICAL, "audit",
	  "K8s Binding to Anonymous or Unauthenticated",
	  "A RoleBinding or ClusterRoleBinding grants a role to system:anonymous or system:unauthenticated: "
	  "anyone who can reach the API server gets it." POLICY,
	  "Delete the binding, then look for what was done with it (anonymous requests in the log).",
	  "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles",
	  "falco:Anonymous Request Allowed" },
	{ "audit.anonymous-request-succeeded", KG_SEV_CRITICAL, "audit",
	  "K8s Anonymous Request Succeeded",
	  "An unauthenticated request succeeded for something other than the health, version and OIDC "
	  "discovery endpoints every cluster serves." POLICY,
	  "Disable anonymous authentication (--anonymous-auth=false or an AuthenticationConfiguration "
	  "limited to health endpoints) and remove bindings to system:anonymous / system:unauthenticated.",
	  "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
	  "falco:Anonymous Request Allowed" },
	{ "audit.authz-failure-burst", KG_SEV_HIGH, "audit",
	  "K8s Authorization Failure Burst",
	  "One user was denied ten times within the burst window (kguard audit --burst-window, 60 s by "
	  "default): permission probing with stolen or misused credentials. kguard counts per user in a "
	  "bounded per-process table (--burst-users)." POLICY,
	  "Find where the credential is used from (sourceIPs, userAgent); rotate it if the activity is not "
	  "expected.",
	  "https://attack.mitre.org/techniques/T1613/",
	  "" },
	{ "audit.exec-kube-system", KG_SEV_HIGH, "audit",
	  "K8s Exec Into kube-system Pod",
	  "An exec or attach session was opened in a kube-system pod, where control-plane components and "
	  "their credentials live. Fires on the ResponseStarted stage, which the Policy must not omit." POLICY,
	  "Confirm the session was authorised; restrict pods/exec in kube-system to break-glass roles.",
	  "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#pods-exec",
	  "falco:Attach/Exec Pod" },
	{ "audit.admission-config-changed", KG_SEV_HIGH, "audit",
	  "K8s Admission Webhook Configuration Changed",
	  "An admission webhook configuration or admission policy was created, changed or deleted: it can "
	  "silence every other admission control or read every object." POLICY,
	  "Review the change; restrict write access to admissionregistration.k8s.io. Tools that patch "
	  "CA bundles go in kg_admission_config_managers.",
	  "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/",
	  "" },
	{ "audit.privileged-workload-untrusted-user", KG_SEV_HIGH, "audit",
	  "K8s Privileged or HostPath Workload by Untrusted User",
	  "A pod or a workload template with a privileged container or a hostPath volume was created or "
	  "changed by a user outside kg_privileged_workload_users: both give the pod its node. Needs the "
	  "Request level for pods and workloads." POLICY,
	  "Remove privileged and hostPath from the workload, or add the user to kg_privileged_workload_users "
	  "in a rules file loaded after kguard's. Enforce with Pod Security Admission (baseline).",
	  "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
	  "falco:Create Privileged Pod falco:Create Sensitive Mount Pod" },
};

const size_t kg_audit_nrules = sizeof(kg_audit_rules) / sizeof(kg_audit_rules[0]);
