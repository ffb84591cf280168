/*
 * search: the offline search index, written at build time for themes/default/assets/search.js.
 *
 * Tokens (hb_search_tokens, mirrored by search.js): words of letters and digits, lower-cased,
 * with Latin diacritics folded ("Défense" -> "defense", "Kōno" -> "kono"); single letters are
 * dropped; a run of CJK characters (kana, kanji, hangul) gives its overlapping bigrams ("防衛省"
 * -> "防衛", "衛省"), or itself when it is one character, so Japanese names and terms are found
 * without a dictionary.
 *
 * Each page is a document with weighted fields: title 10, headings 5, summary 3, text 1 (per
 * occurrence, capped at 255). hb_search_write() writes two scripts, loadable from file://:
 *   search-index.js  window.HANDBOOK_SEARCH = {docs: [[title, path, section, summary]...],
 *                    terms: [sorted tokens], postings: ["d.w d.w ...": doc-id deltas and
 *                    weights in base 36]} -- the index proper, loaded with the page;
 *   search-text.js   window.HANDBOOK_SEARCH_TEXT = [plain text of each document] -- for
 *                    snippets, loaded when results are shown.
 * Documents are added in reading order by one thread (hb_search_add is not thread-safe).
 */
#ifndef HB_SEARCH_H
#define HB_SEARCH_H

#include <stddef.h>

#include "buf.h"
#include "map.h"

struct hb_search_doc {
	const char *title;
	const char *path;	/* output path, relative to the site root */
	const char *section;	/* the section's title, or "" */
	const char *summary;	/* or NULL */
	const char *const *headings;
	size_t n_headings;
	const char *text;	/* the body as plain text */
};

struct hb_search {
	struct hb_buf docs;	/* JSON of the docs array, built as they come */
	struct hb_buf texts;	/* JSON of the texts array */
	size_t n_docs;
	struct hb_map terms;	/* token -> struct posting list */
};

typedef void (*hb_token_fn)(void *ctx, const char *token, size_t len);

/* Calls fn for every token of text (see above). Pure; thread-safe. */
void hb_search_tokens(const char *text, size_t len, hb_token_fn fn, void *ctx);

void hb_search_init(struct hb_search *s);
void hb_search_add(struct hb_search *s, const struct hb_search_doc *doc);
/* The two scripts' contents. */
void hb_search_write(struct hb_search *s, struct hb_buf *index_js, struct hb_buf *text_js);
void hb_search_free(struct hb_search *s);

#endif
