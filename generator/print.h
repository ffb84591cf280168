/*
 * print: the body of print.html, the whole handbook as one document for paper and PDF.
 *
 * hb_print_extract() keeps the <article> element of a page as the theme rendered it.
 * hb_print_body() joins the pages' articles in reading order, each in
 * <div class="print-page" id="PAGE-ID">, and rewrites them for one document:
 *   - every id="x" becomes id="PAGE-ID--x", so ids stay unique;
 *   - a link (href, or a quotation's cite) to a page of the site becomes "#PAGE-ID", to one of
 *     its anchors "#PAGE-ID--x", to an anchor of the page itself "#PAGE-ID--x": citations then
 *     lead to the source paragraph within the document;
 *   - any other relative URL (an asset, a file) is made relative to the site root, where
 *     print.html is; URLs with a scheme are left alone.
 * The theme's HTML is regular (attributes in double quotes, '&' and '"' escaped inside them),
 * which is what the rewriting relies on. Pure; thread-safe.
 */
#ifndef HB_PRINT_H
#define HB_PRINT_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "graph.h"

/* The <article>…</article> of a rendered page, in a; NULL when it has none. */
const char *hb_print_extract(struct hb_arena *a, const char *html, size_t len);

/* articles[i] is the article of g->order[i] or NULL (left out, as generated views are). */
void hb_print_body(struct hb_buf *out, const struct hb_graph *g, const char *const *articles);

#endif
