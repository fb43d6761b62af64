/* Per-process state behind kg.user.authz_failures: how many authorization failures each user had
 * in the current window. Bounded: a fixed table of `capacity` users (open addressing, at most 8
 * probes; when those are all live the least recently seen user is evicted and counted), keyed by a
 * seeded 64-bit hash of the user name. Time is the events' own stageTimestamp, so replaying a log
 * file gives the same answers as watching it live. Not shared between processes or threads.
 *
 * A failure is an event at stage ResponseComplete whose response code is 403 or whose
 * authorization decision is "forbid". A user's window starts at its first failure and lasts
 * window_ns; the count restarts with the first failure after it. */
#ifndef KG_AUDIT_BURST_H
#define KG_AUDIT_BURST_H

#include <stdint.h>

#include "../cond/field.h"

struct kg_burst_entry {
	uint64_t key;          /* 0 = empty */
	uint64_t window_start; /* ns */
	uint64_t last_seen;    /* ns */
	uint32_t count;
};

struct kg_field_state {
	struct kg_burst_entry *tab;
	uint32_t mask;       /* capacity - 1 (capacity is a power of two) */
	uint64_t window_ns;
	uint64_t seed;
	uint64_t current;    /* value for the event last observed */
	uint64_t evictions;  /* users forgotten because the table was full */
	uint32_t users;      /* live entries */
};

#define KG_BURST_DEFAULT_USERS 4096u
#define KG_BURST_DEFAULT_WINDOW_S 60u

/* capacity is rounded up to a power of two (at least 16). */
void kg_burst_init(struct kg_field_state *st, uint32_t capacity, uint64_t window_ns, uint64_t seed);
void kg_burst_release(struct kg_field_state *st);
/* Account for one event (call once per event, before evaluating rules). */
void kg_burst_observe(struct kg_field_state *st, const struct kg_node *event, uint64_t ts_ns);

#endif
