/* Helpers shared by the report writers (not part of the public API). Nothing here allocates
 * except into the kg_buf it is given; buffer failures are returned as -1. */
#ifndef KG_WRITE_PRIV_H
#define KG_WRITE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "finding.h"

/* Length of the valid UTF-8 sequence at p (1..4) with its code point in *cp, or 0 when the
 * bytes there are not valid UTF-8 (overlong forms, surrogates and truncation included). */
size_t kg_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* "Kind namespace/name" of a finding's object ("Kind name" without a namespace, "Kind (unnamed)"
 * without a name); the empty string when the finding has no kind. Raw text, not escaped. */
int kg_write_object_label(struct kg_buf *b, const struct kg_finding *f);

/* Family of a rule id: the part before the first '.' ("pss" for "pss.privileged"). */
int kg_write_family(struct kg_buf *b, const char *rule_id);

/* Order of objects inside one file: document, then identity. Used to group findings. */
int kg_write_cmp_object(const struct kg_finding *a, const struct kg_finding *b);

#endif
