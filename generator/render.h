/*
 * render: a resolved struct hb_doc -> the page body as HTML.
 *
 * Call hb_markdown_finish() on every doc first (it shows unlabelled wiki links' titles). This
 * edits the AST in place, then renders it with cmark-gfm's HTML renderer in safe mode (raw HTML
 * omitted, dangerous URLs dropped) with the GFM extensions: every link gets the relative URL the
 * graph computed, and every heading carries its anchor as `id` and ends with a permalink:
 * `<h2 id="x">Text<a class="headerlink" href="#x" title="Link to this section">¶</a></h2>`.
 * Nothing else changes: standard Markdown renders exactly as cmark-gfm renders it.
 * Thread-safe for distinct documents.
 */
#ifndef HB_RENDER_H
#define HB_RENDER_H

#include "buf.h"
#include "graph.h"
#include "markdown.h"

/* Makes the heading renderer; once, before any thread renders (see build.c). */
void hb_render_init(void);

/*
 * Renders a freshly parsed doc as far as it can before the graph: every link, its words when
 * the graph chooses them, and every text that may name a glossary term are marked (see
 * render.c), and the tree is dropped. The HTML, a little larger than the Markdown, costs less
 * memory than the tree and spares a second parse. Nothing happens when the body has a control
 * character our marks use (hb_markdown_can_mark()): the tree stays, to be dropped and parsed
 * again (hb_markdown_reparse()) as before. In a.
 */
void hb_render_prepare(struct hb_doc *doc, const struct hb_page *page, struct hb_arena *a);

/*
 * Renders node's doc, from its prepared HTML or from its tree. Glossary terms (graph->terms) are linked on their first mention in text,
 * as <a href="…"><abbr title="expansion">ABBR</abbr></a>: whole words only, case-sensitive,
 * the longest term first, never inside headings, code, links or images, and not on glossary
 * pages. Every heading also ends with a permalink: <a class="headerlink" href="#id">¶</a>.
 * Appends the HTML to out. The doc's AST is changed (call once per doc).
 */
void hb_render_body(struct hb_buf *out, struct hb_node *node, const struct hb_graph *graph);

#endif
