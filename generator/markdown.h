/*
 * markdown: a page body -> struct hb_doc (the AST, its headings and its links).
 *
 * The body is parsed as GitHub Flavored Markdown with cmark-gfm (table, strikethrough, autolink,
 * tagfilter, tasklist, footnotes; never CMARK_OPT_UNSAFE). Then:
 *   - every `[[target]]`, `[[target|label]]` and `[[target#anchor]]` in text becomes a link whose
 *     URL the graph fills in later (inside tables write `\|` for the bar);
 *   - `[[src:source#p3]]` is a citation of paragraph 3 of a source page, `[[quote:source#p3|
 *     words]]` a quotation from it (the paragraph may be left out: the graph finds it);
 *   - every ordinary link to a relative `.md` path is recorded for the graph to resolve;
 *   - a source page's full text (after "## Full text") has its paragraphs numbered;
 *   - every heading gets a stable anchor id (GitHub's scheme: lower case, punctuation dropped,
 *     spaces to '-', duplicates numbered -1, -2, ...).
 * Link locations are the file's line and column (in characters), found in the Markdown source,
 * because cmark's inline source positions are unreliable.
 *
 * The AST is opaque outside markdown.c and render.c. hb_doc_free() releases it. Thread-safe:
 * cmark_parser_finish() toggles a global table in cmark-gfm 0.29, so it runs under an internal
 * mutex (hb_cmark_lock); hb_markdown_init() must run once before any thread parses.
 */
#ifndef HB_MARKDOWN_H
#define HB_MARKDOWN_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "page.h"

struct hb_node;

struct hb_heading {
	int level;
	const char *text;
	const char *anchor;
	int line;
	void *node;		/* opaque: cmark_node * */
};

enum hb_link_kind {
	HB_LINK_WIKI,		/* [[target]] */
	HB_LINK_MD,		/* [text](path.md) */
	HB_LINK_CITE,		/* [[src:source#p3]]: a citation of a source's paragraph */
	HB_LINK_QUOTE,		/* [[quote:source#p3|words]]: a quotation, checked, and its citation */
};

struct hb_link {
	enum hb_link_kind kind;
	const char *target;	/* wiki: id, alias or title; md: the path as written, no fragment */
	const char *fragment;	/* heading anchor after '#', or NULL */
	const char *label;	/* wiki: the text after '|', or NULL */
	const char *title;	/* md: the link's title ("[t](x.md "title")"), or NULL */
	int line;
	int col;
	void *node;		/* opaque: the LINK node */
	const char *before;	/* the plain text of its sentence before the link (for backlinks) */
	const char *after;	/* and after it; either may start or end with "…" */
	const char *context;	/* when the sentence shows an unlabelled wiki link's title (not
				 * known before the graph): its block's text, each link k's text
				 * as "\x01k\x02text\x03" (empty for such a link), from which
				 * hb_markdown_finish() sets before and after; else NULL */

	/* Filled in by the graph. */
	const struct hb_page *page;	/* the target, or NULL when unresolved */
	const struct hb_node *to;	/* and its node (graph.h) */
	const char *href;		/* relative URL: hb_graph_set_hrefs(), cite.h */
	int paragraph;			/* citations: the paragraph cited (from 1), 0 for none */
	int cite_number;		/* citations: the number on this page (from 1) */
	const char *cited_text;		/* citations: that paragraph's text */
};

/*
 * A numbered paragraph of a source page's full text: every paragraph (list items' included)
 * after the level-2 heading "Full text", up to the next heading of level 2 or 1.
 */
struct hb_paragraph {
	int number;		/* from 1: anchor "p<number>" */
	const char *text;	/* plain text */
	int line;		/* in the file */
	void *node;		/* opaque: cmark_node * */
};

struct hb_doc {
	void *root;		/* opaque: cmark_node *, owned */
	void *pool;		/* opaque: the memory of root's tree (markdown.c), owned */
	struct hb_heading *headings;
	size_t n_headings;
	struct hb_link *links;
	size_t n_links;
	struct hb_paragraph *paragraphs;	/* source pages (type: source) only */
	size_t n_paragraphs;
	const char *html;	/* the body rendered but for what the graph decides, or NULL:
				 * see hb_render_prepare() */
	size_t html_len;
	const char *text;	/* the search text, unlabelled links' titles marked, or NULL:
				 * see hb_markdown_marked_text() */
};

/* An unlabelled wiki link shows its target's title once the graph has found it. */
int hb_link_takes_title(const struct hb_link *l);

/*
 * The allocator of every parse tree. cmark-gfm links a node into a tree only when both come
 * from the same allocator: nodes made to add to a tree are made with this one.
 */
struct cmark_mem;
struct cmark_mem *hb_markdown_mem(void);

/* Registers the cmark-gfm extensions; call once before threads start. */
void hb_markdown_init(void);
/* Parses page's body. Returns 0, or -1 with errors in d. Arrays live in a. */
int hb_markdown_parse(struct hb_doc *out, const struct hb_page *page, struct hb_arena *a,
    struct hb_diag *d);
/*
 * After the graph resolved the links: an unlabelled wiki link shows its target's title, and
 * every link records the plain text of the sentence around it (for "Referenced by"), in a.
 * Works on a doc whose tree was dropped.
 */
void hb_markdown_finish(struct hb_doc *doc, struct hb_arena *a);
/*
 * The tree is most of a doc's memory and is needed again only to render: hb_markdown_drop_tree()
 * frees it once parsed (keeping links, headings and paragraphs), and hb_markdown_reparse() parses
 * the page again into the same doc (the same links, headings and paragraphs, by index, with what
 * the graph filled in) and shows the titles as hb_markdown_finish() does. The second parse of
 * the same text cannot fail; reparse returns -1 only if it somehow differs.
 */
void hb_markdown_drop_tree(struct hb_doc *doc);
int hb_markdown_reparse(struct hb_doc *doc, const struct hb_page *page);
/* The links' sentences (or the text to make them from) of a doc taken without them (parsed.h),
 * from page parsed again, in a: 0, or -1 when the parse has other links. */
int hb_markdown_sentences_again(struct hb_doc *doc, const struct hb_page *page,
    struct hb_arena *a);
/* The plain text of the whole document, a line per block (for the search index), in a. */
const char *hb_markdown_text(const struct hb_doc *doc, struct hb_arena *a);

/*
 * Control characters of our own mark the places the graph fills in, in hb_render_prepare()'s
 * HTML and in hb_markdown_marked_text(); a body that has one itself is kept out of both.
 */
int hb_markdown_can_mark(const struct hb_page *page);

/*
 * The search text as hb_markdown_text() gives it, taken right after the parse: the text of an
 * unlabelled wiki link k (its target's title, known after the graph) is "\x01k\x02" instead.
 * hb_markdown_unmark_text() puts the titles in, once hb_markdown_finish() ran.
 */
const char *hb_markdown_marked_text(const struct hb_doc *doc, struct hb_arena *a);
const char *hb_markdown_unmark_text(const struct hb_doc *doc, struct hb_arena *a);
void hb_doc_free(struct hb_doc *doc);
/* Writes the GitHub-style anchor for heading text into a (without de-duplication). */
const char *hb_markdown_anchor(struct hb_arena *a, const char *text);

#endif
