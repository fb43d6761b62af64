/* The benchmark's baseline: libyaml event parsing of every file given, no tree, no rules.
 * This is the least work any YAML-reading scanner must do, so kguard scan is compared against it.
 * Usage: parse_only FILE...   Prints files, documents, events and bytes; exits 1 when a file
 * could not be read or parsed (the error goes to stderr, the other files are still parsed). */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

int main(int argc, char **argv)
{
	unsigned long long events = 0, docs = 0, bytes = 0;
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		if (!fp) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		yaml_parser_t p;
		yaml_event_t ev;
		if (!yaml_parser_initialize(&p)) {
			fclose(fp);
			return 2;
		}
		yaml_parser_set_input_file(&p, fp);
		for (;;) {
			if (!yaml_parser_parse(&p, &ev)) {
				fprintf(stderr, "%s:%lu:%lu: %s\n", argv[i], (unsigned long)p.problem_mark.line + 1,
					(unsigned long)p.problem_mark.column + 1, p.problem ? p.problem : "error");
				bad = 1;
				break;
			}
			events++;
			if (ev.type == YAML_DOCUMENT_START_EVENT)
				docs++;
			int end = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
			if (end)
				break;
		}
		bytes += (unsigned long long)p.offset;
		yaml_parser_delete(&p);
		fclose(fp);
	}
	printf("parse_only: %d files, %llu documents, %llu events, %llu bytes\n", argc - 1, docs, events, bytes);
	return bad;
}
