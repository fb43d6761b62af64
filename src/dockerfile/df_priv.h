/* Internals shared by the Dockerfile parser files (not part of the df.h API). */
#ifndef KG_DF_PRIV_H
#define KG_DF_PRIV_H

#include "df.h"

/* Go's unicode.IsSpace applied to the UTF-8 sequence at s (n bytes left); returns its length
 * when it is a space, 0 otherwise. */
size_t kg_df_space_at(const char *s, size_t n);
/* Length of the UTF-8 sequence at s[i] (1 for ASCII and invalid bytes). */
size_t kg_df_rune_len(const char *s, size_t n, size_t i);

/* Build one instruction from a logical line the way BuildKit's newNodeFromLine does: keyword,
 * flags, then the keyword's line parser. text is the logical line (NUL-terminated, in arena).
 * Returns 0, or -1 with a message in err. */
int kg_df_node_from_line(struct kg_arena *a, struct kg_df_instr *in, const char *text, size_t len,
			 char escape, char *err, size_t errsz);

/* Heredoc words of a logical line (heredocsFromLine): fills names/flags; bodies are read by the
 * caller. Returns the number found, or -1 with a message in err. */
int kg_df_heredocs_from_line(struct kg_arena *a, const char *line, size_t len, struct kg_df_heredoc *out,
			     unsigned max, char *err, size_t errsz);

/* Whether the instruction may carry heredocs (ADD/COPY/RUN, directly or under ONBUILD, not JSON). */
bool kg_df_can_heredoc(const struct kg_df_instr *in);

#endif
