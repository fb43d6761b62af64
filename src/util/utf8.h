/* UTF-8 validation shared by the JSON loader and the report writers. Pure functions. */
#ifndef KG_UTF8_H
#define KG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at p (1..4, n bytes available) with its code point in *cp,
 * or 0 when the bytes there are not valid UTF-8 (overlong forms, surrogates, values above
 * U+10FFFF and truncation included). */
size_t kg_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* Length of the longest prefix of s[0..n) that is printable ASCII (0x20..0x7e): the text that
 * report writers copy as it is. Reads nothing past s + n. */
size_t kg_print_ascii_len(const char *s, size_t n);
/* The same with tab, line feed and carriage return counted in: the ASCII text YAML's reader passes
 * through unchanged (core/yaml_input.c). */
size_t kg_text_ascii_len(const char *s, size_t n);

/* XML 1.0 character data: the escaped form of s[0..n) written at dst, which must have room for
 * KG_XML_ESC_MAX(n) bytes; returns the end. '&', '<', '>' become entity references and CR &#13;;
 * with attr (inside a double-quoted attribute) also '"', and newline and tab become character
 * references, which attribute-value normalisation would otherwise turn into spaces. Characters XML
 * cannot carry (other controls, invalid UTF-8, U+FFFE, U+FFFF) become U+FFFD. */
#define KG_XML_ESC_MAX(n) ((n) * 6)
char *kg_xml_escape_to(char *dst, const char *s, size_t n, bool attr);

#endif
