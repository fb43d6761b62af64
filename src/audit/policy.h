/* `kguard audit policy`: what an audit Policy (audit.k8s.io/v1) lets the rules see. For each
 * detection the loaded rules depend on (a resource and verbs, and the audit level the fields
 * need: Metadata for who/what, Request for requestObject fields, RequestResponse for
 * responseObject fields), the policy is evaluated like the API server does (first matching rule
 * wins, omitStages, default None) and every gap is reported. --recommend prints a Policy that
 * covers the rules. This is a command (it prints its report and its errors, like src/cmd); the
 * analysis itself is pure. Errors: usage and unreadable policies exit 2. */
#ifndef KG_AUDIT_POLICY_H
#define KG_AUDIT_POLICY_H

int kg_cmd_audit_policy(int argc, char **argv);

struct kg_ruleset;
/* Load and compile rules files (the defaults when nfiles is 0), printing errors and warnings on
 * stderr (src/cmd/audit.c). NULL on error. */
struct kg_ruleset *kg_audit_load_rules(const char **files, int nfiles);

#endif
