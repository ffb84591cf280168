/*
 * parsed: a content page's parse (struct hb_page and the struct hb_doc of its body, without the
 * tree) as bytes, and back, so that a build can take a page whose file did not change from the
 * cache (cache.h) instead of reading and parsing it again.
 *
 * What is written is what the parse made: the page's fields and front matter, the body's
 * headings, links (as written), numbered paragraphs and marked search text; apart from them, the
 * links' sentences (or the marked text to make them from, see struct hb_link), which are half
 * the bytes and which a build that renders few pages needs for few of them. What the graph fills
 * in is left out and made again. Taken back, the page has no body (hb_page_read_body reads it if
 * the page must be rendered) and the doc no tree (hb_markdown_reparse, as after
 * hb_markdown_drop_tree).
 *
 * The bytes are for the executable that wrote them (the cache is only read by the same one):
 * integers in its own byte order, every string NUL-terminated in place so that a page taken
 * back points into the bytes, which must outlive it.
 */
#ifndef HB_PARSED_H
#define HB_PARSED_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "markdown.h"
#include "page.h"

/* Appends page and doc, as the parse left them (the graph's fields aside), to b, and their
 * links' sentences to sentences. */
void hb_parsed_put(struct hb_buf *b, struct hb_buf *sentences, const struct hb_page *page,
    const struct hb_doc *doc);

/*
 * Takes back what hb_parsed_put wrote to b, in [bytes, bytes + len): page and doc point into the
 * bytes, their arrays are in a; the links have no sentences yet. Returns 0, or -1 when the bytes
 * are not one whole page.
 */
int hb_parsed_take(const char *bytes, size_t len, struct hb_page *page, struct hb_doc *doc,
    struct hb_arena *a);
/* Takes back the sentences hb_parsed_put wrote of doc's links, into them. Returns 0, or -1 (doc
 * unchanged) when the bytes are not sentences of as many links. */
int hb_parsed_take_sentences(const char *bytes, size_t len, struct hb_doc *doc,
    struct hb_arena *a);

#endif
