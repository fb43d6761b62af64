/* kguard: one binary, one command table. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "scan", kg_cmd_scan, "check Kubernetes manifests (YAML/JSON, Helm/Kustomize output on stdin)" },
	{ "serve", kg_cmd_serve, "run the validating and mutating admission webhook" },
	{ "audit", kg_cmd_audit, "detect threats in API-server audit logs with Falco-compatible rules" },
	{ "dockerfile", kg_cmd_dockerfile, "check Dockerfiles" },
	{ "node", kg_cmd_node, "check control-plane and kubelet configuration against the CIS Benchmark" },
	{ "rules", kg_cmd_rules, "list the rule catalog" },
	{ "version", kg_cmd_version, "print the version" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: kguard COMMAND [options] [args]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'kguard COMMAND --help' describes a command.\n"
		     "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 3 internal error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return KG_EXIT_INPUT;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return KG_EXIT_OK;
	}
	if (!strcmp(name, "--version"))
		name = "version";
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kguard: unknown command '%s'\n", name);
	usage(stderr);
	return KG_EXIT_INPUT;
}
