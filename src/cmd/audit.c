/* kguard audit: placeholder until its issue lands; says so and fails. */
#include <stdio.h>

#include "commands.h"

int kg_cmd_audit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("kguard audit: not available in this build\n", stderr);
	return KG_EXIT_INTERNAL;
}
