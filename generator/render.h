/*
 * render: a resolved struct hb_doc -> the page body as HTML.
 *
 * Edits the AST in place, then renders it with cmark-gfm's HTML renderer in safe mode (raw HTML
 * omitted, dangerous URLs dropped) with the GFM extensions: every link gets the relative URL the
 * graph computed, a wiki link without a label shows its target's title, and every heading
 * carries its anchor as `id` (rendered as a custom block, so the heading's content sits on a
 * line of its own: `<h2 id="x">\nText\n</h2>`, the same text to a browser). Nothing else
 * changes: standard Markdown renders exactly as cmark-gfm renders it. Thread-safe for distinct
 * documents.
 */
#ifndef HB_RENDER_H
#define HB_RENDER_H

#include "buf.h"
#include "markdown.h"

/* Appends the body's HTML to out. The doc's AST is changed (call once per doc). */
void hb_render_body(struct hb_buf *out, struct hb_doc *doc);

#endif
