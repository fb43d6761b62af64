/* Front ends. Each takes the arguments after its name (argv[0] is the command name) and returns
 * the process exit code: 0 clean, 1 findings at or above the threshold, 2 usage or input error,
 * 3 internal error. */
#ifndef KG_COMMANDS_H
#define KG_COMMANDS_H

enum { KG_EXIT_OK = 0, KG_EXIT_FINDINGS = 1, KG_EXIT_INPUT = 2, KG_EXIT_INTERNAL = 3 };

int kg_cmd_scan(int argc, char **argv);
int kg_cmd_rules(int argc, char **argv);
int kg_cmd_version(int argc, char **argv);
int kg_cmd_serve(int argc, char **argv);
int kg_cmd_audit(int argc, char **argv);
int kg_cmd_dockerfile(int argc, char **argv);
int kg_cmd_node(int argc, char **argv);

#endif
