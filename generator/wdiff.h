/*
 * wdiff: a readable word-level difference of two texts, as HTML.
 *
 * The texts are split into words and runs of white space; the shortest edit between the two
 * token lists (Myers' algorithm, after the common prefix and suffix are set aside) is written as
 * the tokens themselves, HTML-escaped, with deletions in <del> and insertions in <ins>. Long
 * unchanged stretches are shortened to a few words of context around an ellipsis, so a reader
 * sees what changed, not the whole page again. When the texts differ in more than
 * HB_WDIFF_MAX_EDITS tokens, the old text is shown deleted and the new one inserted (a rewrite).
 *
 * The output is meant for an element with `white-space: pre-wrap`. Pure; thread-safe.
 */
#ifndef HB_WDIFF_H
#define HB_WDIFF_H

#include <stddef.h>

#include "buf.h"

#define HB_WDIFF_MAX_EDITS 2000
#define HB_WDIFF_CONTEXT 12	/* words kept on each side of an elided stretch */

struct hb_wdiff_stats {
	size_t words_deleted;
	size_t words_inserted;
};

/* Appends the difference from old to new to out; fills stats when not NULL. */
void hb_wdiff_html(struct hb_buf *out, const char *old, size_t old_len, const char *new_text,
    size_t new_len, struct hb_wdiff_stats *stats);

#endif
