/* Helpers shared by the report writers (not part of the public API). Nothing here allocates
 * except into the kg_buf it is given; buffer failures are returned as -1. */
#ifndef KG_WRITE_PRIV_H
#define KG_WRITE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/utf8.h"
#include "finding.h"

/* "Kind namespace/name" of a finding's object ("Kind name" without a namespace, "Kind (unnamed)"
 * without a name); the empty string when the finding has no kind. Raw text, not escaped. */
int kg_write_object_label(struct kg_buf *b, const struct kg_finding *f);

/* Family of a rule id: the part before the first '.' ("pss" for "pss.privileged"). */
int kg_write_family(struct kg_buf *b, const char *rule_id);

/* Order of objects inside one file: document, then identity. Used to group findings. */
int kg_write_cmp_object(const struct kg_finding *a, const struct kg_finding *b);

#endif
