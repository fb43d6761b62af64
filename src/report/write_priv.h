/* Helpers shared by the report writers (not part of the public API). Nothing here allocates
 * except into the kg_buf it is given; buffer failures are returned as -1. */
#ifndef KG_WRITE_PRIV_H
#define KG_WRITE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/fmt.h"
#include "../util/utf8.h"
#include "finding.h"
#include "write.h"

/* Output blocks (struct kg_wout): the buffer is allocated at this size once and written out when
 * it holds KG_WOUT_FLUSH_AT; the rest is room for the piece that crossed the mark, so it is rarely
 * regrown. */
#define KG_WOUT_BLOCK ((size_t)1 << 18)
#define KG_WOUT_FLUSH_AT (KG_WOUT_BLOCK - KG_WOUT_BLOCK / 8)

void kg_wout_init(struct kg_wout *w, FILE *out);
void kg_wout_release(struct kg_wout *w);
/* Write out everything held; 0, or -1 when this or an earlier write failed. */
int kg_wout_flush(struct kg_wout *w);

struct kg_json_cache *kg_json_cache_new(void);
void kg_json_cache_free(struct kg_json_cache *c);

/* Write out a full block; true when it did (offsets into the buffer are then stale). */
static inline bool kg_wout_full(struct kg_wout *w)
{
	if (w->b.len < KG_WOUT_FLUSH_AT)
		return false;
	kg_wout_flush(w);
	return true;
}

/* "Kind namespace/name" of a finding's object ("Kind name" without a namespace, "Kind (unnamed)"
 * without a name); the empty string when the finding has no kind. Raw text, not escaped. */
int kg_write_object_label(struct kg_buf *b, const struct kg_finding *f);

/* Family of a rule id: the part before the first '.' ("pss" for "pss.privileged"). */
int kg_write_family(struct kg_buf *b, const char *rule_id);

/* Order of objects inside one file: document, then identity. Used to group findings. */
int kg_write_cmp_object(const struct kg_finding *a, const struct kg_finding *b);

/* Writers that reserve room first and then write through a pointer (one bounds check per part,
 * not per byte). kg_wp_room: room for n more bytes and the NUL, the write position, or NULL when
 * the buffer's cap is reached; kg_wp_done: the new end. */
#define KG_LIT(s) s, sizeof(s) - 1

static inline char *kg_wp_room(struct kg_buf *b, size_t n)
{
	if (b->alloc - b->len <= n && kg_buf_reserve(b, n))
		return NULL;
	return b->data + b->len;
}

static inline void kg_wp_done(struct kg_buf *b, char *end)
{
	b->len = (size_t)(end - b->data);
	*end = '\0';
}

/* strlen, 0 for NULL (findings leave unknown fields NULL) */
static inline size_t kg_wp_len0(const char *s)
{
	return s ? strlen(s) : 0;
}

/* s may be NULL when n is 0 (an empty kg_buf's data) */
static inline char *kg_wp_put(char *d, const char *s, size_t n)
{
	if (n)
		memcpy(d, s, n);
	return d + n;
}

#endif
