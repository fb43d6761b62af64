/* The policy's representation, shared by the loader (policy_load.c) and the decisions
 * (policy.c). Everything lives in the policy's arena. */
#ifndef KG_POLICY_INT_H
#define KG_POLICY_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

struct kg_rule_setting {
	int8_t enabled;  /* -1 not set, 0 off, 1 on */
	int8_t severity; /* -1 not set, else enum kg_severity */
	int8_t exact;    /* set by an exact id (beats globs) */
	/* worked out once after loading, for the per-finding decision: */
	bool drop;       /* never reported: disabled, or off by default and not enabled */
	bool exempt;     /* some exemption in force names the rule */
};

struct kg_exemption {
	const char *reason;
	unsigned line;
	bool expired;
	uint8_t *rules;                 /* bitmap over catalog indices */
	const struct kg_node *namespaces, *names, *kinds, *selector; /* NULL when not given */
};

struct kg_serve_ns {
	const struct kg_node *names;
	enum kg_policy_mode mode;
	enum kg_severity fail_on;
};

struct kg_policy {
	struct kg_arena arena;
	const char *path;
	const struct kg_node *root;
	size_t nrules;                    /* catalog size at load */
	struct kg_rule_setting *settings; /* indexed like kg_rule_at() */
	struct kg_exemption *ex;
	size_t nex;
	const struct kg_node *params;
	bool has_level, has_minor;
	int pss_level, pss_minor;
	enum kg_policy_mode serve_mode;
	enum kg_severity serve_fail_on;
	struct kg_serve_ns *serve_ns;
	size_t nserve_ns;
	struct kg_pod_path *pod_paths;
	unsigned npod_paths;
};

/* Index of a rule in the sorted catalog, or (size_t)-1. */
size_t kg_policy_rule_index(const struct kg_rule *rule);

#endif
