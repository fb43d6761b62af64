/* Input for a libyaml parser, bypassing libyaml's reader when it has nothing to do.
 *
 * libyaml decodes every byte of its input into a buffer of checked characters before its scanner
 * sees them (yaml_parser_update_buffer: a sixth of the instructions of parsing a typical
 * manifest). For input that this decoding would copy unchanged -- UTF-8 without a leading byte
 * order mark, every character one YAML allows (tab, line breaks, printable Unicode; no other
 * control, no NUL, no surrogate) -- kg_yaml_input_set hands the scanner a copy of the bytes,
 * followed by the NUL the reader appends at the end of input, in the reader's place (or the bytes
 * themselves, when the caller lets a NUL be written behind them). Any other
 * input goes through the reader, which then reports its error exactly as before.
 *
 * This relies on libyaml 0.2's reader (unchanged from 0.2.1 to 0.2.5): yaml_parser_update_buffer
 * returns at once when the end-of-input flag is set and the raw buffer is empty, and the scanner
 * reads its input only through buffer.pointer and unread (characters left, the NUL included). The
 * decoded buffer libyaml allocated stays in buffer.start and is freed by yaml_parser_delete as
 * usual. Other libyaml versions always get the reader. Equivalence is tested event by event
 * (tests/unit/test_yaml_input.c, tests/fuzz/fuzz_yaml_input.c). */
#ifndef KG_YAML_INPUT_H
#define KG_YAML_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

/* Inputs above this size (the loader's largest document) go through the reader. A copy larger
 * than KG_YAML_INPUT_KEEP is freed by kg_yaml_input_done once its parser is deleted, so that one
 * large document does not hold its size for the rest of the run. */
#define KG_YAML_DIRECT_MAX (16u << 20)
#define KG_YAML_INPUT_KEEP (4u << 20)

/* Bytes the scanner may read after the NUL: it looks up to 4 characters ahead without checking
 * that they exist (in the reader's buffer it reads whatever is left there), never deciding by
 * what lies beyond a NUL. */
#define KG_YAML_INPUT_PAD 16

/* A reusable copy buffer, and the byte an in-place input borrowed; zero-initialise, release with
 * kg_yaml_input_release. */
struct kg_yaml_input {
	char *buf;
	size_t cap;
	char *restore_at, restore;
};

/* Give p (initialised, no input yet) the input buf[0..len). With direct false, or when the input
 * is not clean or too large, this is yaml_parser_set_input_string. Returns true when the reader is
 * bypassed. The parser reads in->buf until yaml_parser_delete, so in must not be reused before. */
bool kg_yaml_input_set(yaml_parser_t *p, struct kg_yaml_input *in, const char *buf, size_t len, bool direct);
/* The same without a copy, for a caller that owns the memory behind the input: buf[len] is set to
 * NUL until kg_yaml_input_done puts it back, and the KG_YAML_INPUT_PAD bytes after it must be
 * readable (their values do not matter). */
bool kg_yaml_input_set_inplace(yaml_parser_t *p, struct kg_yaml_input *in, char *buf, size_t len, bool direct);
/* After yaml_parser_delete: puts back a borrowed byte, gives a large copy back. */
void kg_yaml_input_done(struct kg_yaml_input *in);
void kg_yaml_input_release(struct kg_yaml_input *in);

/* The number of characters in s[0..n) when libyaml's reader would pass it through unchanged (see
 * above), else SIZE_MAX. */
size_t kg_yaml_clean_chars(const char *s, size_t n);

#endif
