#include "yaml_input.h"

#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"

/* The reader this file stands in for is the same from libyaml 0.2.1 to 0.2.5. */
static bool reader_known(void)
{
	int major, minor, patch;
	yaml_get_version(&major, &minor, &patch);
	return major == 0 && minor == 2 && patch >= 1 && patch <= 5;
}

/* Non-ASCII characters the reader accepts (YAML 1.1's printable set above 0x7F). */
static bool allowed_above_ascii(uint32_t c)
{
	return c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

size_t kg_yaml_clean_chars(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	/* the reader drops a leading UTF-8 byte order mark (UTF-16 ones are not UTF-8) */
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return SIZE_MAX;
	size_t i = 0, continuation = 0;
	for (;;) {
		i += kg_text_ascii_len(s + i, n - i);
		if (i == n)
			return n - continuation;
		uint32_t c;
		size_t len = p[i] < 0x80 ? 0 : kg_utf8_decode(p + i, n - i, &c);
		if (!len || !allowed_above_ascii(c))
			return SIZE_MAX;
		continuation += len - 1;
		i += len;
	}
}

/* chars of buf[0..len) when the reader may be bypassed for it, else SIZE_MAX */
static size_t bypass_chars(const char *buf, size_t len, bool direct)
{
	return direct && len <= KG_YAML_DIRECT_MAX && reader_known() ? kg_yaml_clean_chars(buf, len) : SIZE_MAX;
}

/* The scanner reads text[0..] (NUL-terminated, chars characters before the NUL) in the reader's
 * place: the read handler must be set, and with eof set and the raw buffer empty it is never
 * called. */
static void bypass(yaml_parser_t *p, char *text, size_t len, size_t chars)
{
	yaml_parser_set_input_string(p, (const unsigned char *)text, len);
	p->encoding = YAML_UTF8_ENCODING;
	p->eof = 1;
	p->buffer.pointer = (yaml_char_t *)text;
	p->unread = chars + 1; /* and the NUL */
}

bool kg_yaml_input_set(yaml_parser_t *p, struct kg_yaml_input *in, const char *buf, size_t len, bool direct)
{
	size_t chars = bypass_chars(buf, len, direct);
	if (chars != SIZE_MAX && in->cap < len + 1 + KG_YAML_INPUT_PAD) {
		size_t cap = in->cap ? in->cap : 64 * 1024;
		while (cap < len + 1 + KG_YAML_INPUT_PAD)
			cap *= 2;
		char *b = realloc(in->buf, cap);
		if (b) {
			in->buf = b;
			in->cap = cap;
		} else {
			chars = SIZE_MAX; /* the reader needs no more memory than it has */
		}
	}
	if (chars == SIZE_MAX) {
		yaml_parser_set_input_string(p, (const unsigned char *)buf, len);
		return false;
	}
	memcpy(in->buf, buf, len);
	memset(in->buf + len, 0, 1 + KG_YAML_INPUT_PAD);
	bypass(p, in->buf, len, chars);
	return true;
}

bool kg_yaml_input_set_inplace(yaml_parser_t *p, struct kg_yaml_input *in, char *buf, size_t len, bool direct)
{
	size_t chars = bypass_chars(buf, len, direct);
	if (chars == SIZE_MAX) {
		yaml_parser_set_input_string(p, (const unsigned char *)buf, len);
		return false;
	}
	in->restore_at = buf + len;
	in->restore = buf[len];
	buf[len] = '\0';
	bypass(p, buf, len, chars);
	return true;
}

void kg_yaml_input_done(struct kg_yaml_input *in)
{
	if (in->restore_at) {
		*in->restore_at = in->restore;
		in->restore_at = NULL;
	}
	if (in->cap > KG_YAML_INPUT_KEEP)
		kg_yaml_input_release(in);
}

void kg_yaml_input_release(struct kg_yaml_input *in)
{
	free(in->buf);
	in->buf = NULL;
	in->cap = 0;
}
