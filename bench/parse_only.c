/* The benchmark's baseline: libyaml event parsing of every file given, no tree, no rules.
 * This is the least work any YAML-reading scanner must do, so kguard scan is compared against it.
 * Usage: parse_only FILE...   Prints files, documents, events and bytes; exits 1 when a file
 * could not be read or parsed (the error goes to stderr, the other files are still parsed).
 *
 * Built with -DPARSE_ONLY_BYPASS (and src/core/yaml_input.c, src/util/utf8.c), each file is read
 * whole and handed to libyaml in place through kguard's bypass of its reader (core/yaml_input.h), as
 * kguard does: the bench prints the ratio against that too, which is kguard's own work beyond parsing. */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

#ifdef PARSE_ONLY_BYPASS
#include <stdbool.h>

#include "core/yaml_input.h"

/* The whole file into *buf (grown, reused: kguard reads into one buffer too); false on error. */
static bool slurp(FILE *fp, char **buf, size_t *cap, size_t *len)
{
	size_t n = 0;
	for (;;) {
		if (*cap - n <= 1 + KG_YAML_INPUT_PAD) { /* room for the NUL and the pad behind the text */
			size_t c = *cap ? *cap * 2 : 1 << 20;
			char *b = realloc(*buf, c);
			if (!b)
				return false;
			*buf = b;
			*cap = c;
		}
		size_t got = fread(*buf + n, 1, *cap - n - 1 - KG_YAML_INPUT_PAD, fp);
		n += got;
		if (!got)
			break;
	}
	*len = n;
	return !ferror(fp);
}
#endif

int main(int argc, char **argv)
{
	unsigned long long events = 0, docs = 0, bytes = 0;
	int bad = 0;
#ifdef PARSE_ONLY_BYPASS
	struct kg_yaml_input in = { 0 };
	char *text = NULL;
	size_t cap = 0;
#endif
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
#ifdef PARSE_ONLY_BYPASS
		size_t len;
		if (!slurp(fp, &text, &cap, &len)) {
			perror(argv[i]);
			bad = 1;
			yaml_parser_delete(&p);
			fclose(fp);
			continue;
		}
		(void)kg_yaml_input_set_inplace(&p, &in, text, len, true);
#else
		yaml_parser_set_input_file(&p, fp);
#endif
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
#ifdef PARSE_ONLY_BYPASS
		bytes += len;
		yaml_parser_delete(&p);
		kg_yaml_input_done(&in);
#else
		bytes += (unsigned long long)p.offset;
		yaml_parser_delete(&p);
#endif
		fclose(fp);
	}
#ifdef PARSE_ONLY_BYPASS
	kg_yaml_input_release(&in);
	free(text);
#endif
	printf("parse_only: %d files, %llu documents, %llu events, %llu bytes\n", argc - 1, docs, events, bytes);
	return bad;
}
