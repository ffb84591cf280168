/*
 * cite: citations of the sources, paragraph by paragraph, and quotations checked against them.
 *
 * After the graph resolved links, hb_cite_check() visits every citation link ([[src:x#p3]])
 * and quotation ([[quote:x#p3|words]], markdown.h) of every page:
 *   - the target must be a source page (type: source) and the paragraph one of its numbered
 *     paragraphs (its "## Full text");
 *   - a quotation must be in that paragraph (in any paragraph of the source when none is named;
 *     the first that holds it is then the one cited). Only differences of white space, quote
 *     marks (" ' “ ” ‘ ’ « » 「 」 …) and dashes (- ‐ – — − …) are ignored; "…" or "..." in a
 *     quotation stands for words left out, and the parts around it must come in order.
 *     A quotation not found is an error at its place, with "note: the source says '…'" when
 *     a stretch of the source comes close;
 *   - each page numbers its citations in order of appearance (one number per source paragraph)
 *     into node->citations, and every source lists the citations of it in node->cited_by, by
 *     paragraph.
 * Links get their URL (the source page, #p<N>), number and cited text. Single-threaded, like
 * the graph; the result is read-only afterwards. Returns the number of errors added to d.
 */
#ifndef HB_CITE_H
#define HB_CITE_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "graph.h"

size_t hb_cite_check(struct hb_graph *g, struct hb_arena *a, struct hb_diag *d);

/*
 * Normalizes text for comparing quotations into out: white-space runs become one space (none at
 * the ends), quote marks '"', a run of dashes one '-'. Exposed for the tests.
 */
void hb_cite_normalize(struct hb_buf *out, const char *text, size_t len);

#endif
