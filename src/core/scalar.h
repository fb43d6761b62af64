/* Kubernetes' reading of YAML scalars: the resolution rules of go-yaml v2 (YAML 1.1), which
 * sigs.k8s.io/yaml uses before the API server ever sees an object.
 *
 * Plain scalars: y/Y/yes/Yes/YES/on/On/ON/true/True/TRUE are true, n/N/no/.../off/.../false/...
 * are false, ""/~/null/Null/NULL are null; integers follow Go's strconv.ParseInt with base 0 after
 * removing every '_' (so 0x1F, 0o17, 017, 0b101, +5, 1_000); otherwise a YAML-style float
 * (1.5, .5, 1e3, 08); .inf/.nan forms; integers beyond uint64 that are not decimal floats (0x1 followed
 * by 16 zeros) are big integers, read as floats; anything else is a string. Quoted scalars are
 * strings, and so is anything tagged "!" or with a local tag (!foo).
 * Explicit tags decide: !!str keeps text, !!bool/!!int/!!float/!!null must resolve to that type
 * (!!float accepts an integer), otherwise decoding fails as it does in go-yaml.
 *
 * Pure functions: no allocation except a temporary copy of number-like text longer than 127 bytes
 * (go-yaml reads numbers of any length). */
#ifndef KG_SCALAR_H
#define KG_SCALAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node.h"

struct kg_scalar {
	enum kg_type type; /* KG_NULL, KG_BOOL, KG_INT, KG_FLOAT or KG_STR */
	bool is_uint;      /* KG_INT above INT64_MAX, value in u */
	bool is_merge;     /* the merge key: plain "<<" (or "<<" tagged !!merge); type is KG_STR */
	bool is_big;       /* an integer beyond uint64 (go-yaml's big.Int, e.g. 0x10000000000000000):
			    * type KG_FLOAT with the double the API server reads (inf when too big) */
	bool b;
	int64_t i;
	uint64_t u;
	double f;
};

/* tag: the full tag from the parser ("tag:yaml.org,2002:bool", "!", "!custom") or NULL.
 * plain_implicit: the scalar was plain and untagged (libyaml's plain_implicit).
 * Returns 0, or -1 with a reason in *err (a static string) when a tag cannot be satisfied. */
int kg_scalar_resolve(const char *tag, const char *text, size_t len, bool plain_implicit,
		      struct kg_scalar *out, const char **err);

/* go-yaml's short tag of a resolved scalar ("!!int", "!!str", ...), for messages such as
 * "cannot decode !!str `abc` as a !!bool". */
const char *kg_scalar_tag_name(const struct kg_scalar *sc);

/* Go's strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) on exactly len bytes. 0 on success. */
int kg_go_parse_int(const char *s, size_t len, int64_t *out);
int kg_go_parse_uint(const char *s, size_t len, uint64_t *out);

/* The key text sigs.k8s.io/yaml gives a non-string map key (bool, int, float). Writes into buf. */
void kg_scalar_key_text(const struct kg_scalar *sc, char *buf, size_t size);

#endif
