#include "render.h"

#include <assert.h>
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm/buffer.h>
#include <cmark-gfm/houdini.h>
#include <cmark-gfm/render.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "path.h"
#include "xalloc.h"

static const char *const extension_names[] = {
	"table", "strikethrough", "autolink", "tagfilter", "tasklist", NULL,
};

/* At most max bytes of s, cut at a character boundary, "…" when cut. */
static void
put_excerpt(struct hb_buf *b, const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len <= max) {
		hb_buf_put_html(b, s, len);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	hb_buf_put_html(b, s, max);
	hb_buf_puts(b, "…");
}

/*
 * A citation: the number in brackets, linked to the source paragraph, with the cited text in a
 * span the stylesheet shows on hover and focus.
 */
static void
put_citation(struct hb_buf *h, const struct hb_link *l)
{
	hb_buf_puts(h, "<sup class=\"cite\"><a href=\"");
	hb_buf_put_html(h, l->href, strlen(l->href));
	hb_buf_printf(h, "\">[%d]</a>", l->cite_number);
	if (l->cited_text != NULL) {
		hb_buf_printf(h, "<span class=\"cite-text\" role=\"tooltip\">¶%d ", l->paragraph);
		put_excerpt(h, l->cited_text, 400);
		hb_buf_puts(h, "</span>");
	}
	hb_buf_puts(h, "</sup>");
}

/*
 * Citations and quotations stay LINK nodes, which every container (table cells included)
 * accepts, and render through a syntax extension of our own, as headings do: a quotation as
 * <q cite="…">words</q> and its citation, a citation alone. The hb_link is the node's user data.
 */
static cmark_syntax_extension *citation_extension;

static void
render_citation(cmark_syntax_extension *ext, struct cmark_html_renderer *r, cmark_node *node,
    cmark_event_type ev, int options)
{
	const struct hb_link *l = cmark_node_get_user_data(node);
	struct hb_buf h = HB_BUF_INIT;

	(void)ext;
	(void)options;
	if (l->kind == HB_LINK_QUOTE && ev == CMARK_EVENT_ENTER) {
		hb_buf_puts(&h, "<q cite=\"");
		hb_buf_put_html(&h, l->href, strlen(l->href));
		hb_buf_puts(&h, "\">");
	} else if (l->kind == HB_LINK_QUOTE) {
		hb_buf_puts(&h, "</q>");
		put_citation(&h, l);
	} else if (ev == CMARK_EVENT_ENTER) {
		put_citation(&h, l);
	}
	cmark_strbuf_put(r->html, (const unsigned char *)h.buf, (bufsize_t)h.len);
	hb_buf_free(&h);
}

static void
set_citation(struct hb_link *link)
{
	cmark_node *node = link->node, *child;

	if (link->href == NULL)
		return;		/* an error was reported; the build writes nothing */
	if (link->kind == HB_LINK_CITE) {
		while ((child = cmark_node_first_child(node)) != NULL)
			cmark_node_free(child);	/* the citation has no words of its own */
	}
	cmark_node_set_syntax_extension(node, citation_extension);
	cmark_node_set_user_data(node, link);
}

static void
set_link(struct hb_link *link)
{
	cmark_node *node = link->node;

	if (link->kind == HB_LINK_CITE || link->kind == HB_LINK_QUOTE) {
		set_citation(link);
		return;
	}
	cmark_node_set_url(node, link->href ? link->href : "");
}

static cmark_node *
raw_inline(const char *html)
{
	cmark_node *n = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, hb_markdown_mem());

	cmark_node_set_on_enter(n, html);
	return n;
}

/* A source's numbered paragraph starts with its number, a link to itself. */
static void
number_paragraph(const struct hb_paragraph *p)
{
	char html[128];

	snprintf(html, sizeof(html), "<a class=\"pnum\" id=\"p%d\" href=\"#p%d\" "
	    "aria-label=\"Paragraph %d\">%d</a> ", p->number, p->number, p->number, p->number);
	cmark_node_prepend_child(p->node, raw_inline(html));
}

/*
 * Headings keep their node type and children; a syntax extension of our own (never
 * registered, so no parser sees it) renders their tags: `<hN id="anchor">` on entry, and the
 * permalink and `</hN>` on exit, with the newlines cmark-gfm itself puts around a heading. The
 * anchor travels in the node's user data. Made once by hb_render_init(), read-only afterwards.
 */
static cmark_syntax_extension *heading_extension;

static void
put_newline_unless_at_line_start(cmark_strbuf *html)
{
	if (html->size > 0 && html->ptr[html->size - 1] != '\n')
		cmark_strbuf_putc(html, '\n');
}

static void
render_heading(cmark_syntax_extension *ext, struct cmark_html_renderer *r, cmark_node *node,
    cmark_event_type ev, int options)
{
	const char *anchor = cmark_node_get_user_data(node);
	int level = cmark_node_get_heading_level(node);
	struct hb_buf tag = HB_BUF_INIT;

	(void)ext;
	(void)options;
	if (ev == CMARK_EVENT_ENTER) {
		put_newline_unless_at_line_start(r->html);
		hb_buf_printf(&tag, "<h%d id=\"", level);
		hb_buf_put_html(&tag, anchor, strlen(anchor));
		hb_buf_puts(&tag, "\">");
	} else {
		hb_buf_puts(&tag, "<a class=\"headerlink\" href=\"#");
		hb_buf_put_html(&tag, anchor, strlen(anchor));
		hb_buf_printf(&tag, "\" title=\"Link to this section\">¶</a></h%d>\n", level);
	}
	cmark_strbuf_put(r->html, (const unsigned char *)tag.buf, (bufsize_t)tag.len);
	hb_buf_free(&tag);
}

/*
 * hb_render_prepare() renders a doc before the graph exists, with marks where the graph decides:
 * "\x01a<k>\x02" opens link k (and shows its target's title when it takes one), "\x01z<k>\x02"
 * closes it, and "\x01t<n>\x02" precedes the n bytes of a text that may name glossary terms,
 * as written. A mark stands only where the final HTML is never empty, so cmark's own choices
 * (a newline unless at line start) come out the same.
 */
static cmark_syntax_extension *link_mark_extension, *text_mark_extension;

/* A marked link node's user data: its index, and whether it is a citation. */
#define LINK_MARK(k, is_cite)	((void *)(uintptr_t)(2 * (k) + 2 + ((is_cite) ? 1 : 0)))
#define LINK_MARK_INDEX(data)	((size_t)(((data) - 2) >> 1))
#define LINK_MARK_IS_CITE(data)	((((data) - 2) & 1) != 0)

static void
render_link_mark(cmark_syntax_extension *ext, struct cmark_html_renderer *r, cmark_node *node,
    cmark_event_type ev, int options)
{
	uintptr_t data = (uintptr_t)cmark_node_get_user_data(node);
	char mark[32];

	(void)ext;
	(void)options;
	if (LINK_MARK_IS_CITE(data) && ev != CMARK_EVENT_ENTER)
		return;		/* a citation is all said on entry */
	snprintf(mark, sizeof(mark), "\x01%c%zu\x02", ev == CMARK_EVENT_ENTER ? 'a' : 'z',
	    LINK_MARK_INDEX(data));
	cmark_strbuf_puts(r->html, mark);
}

static void
render_text_mark(cmark_syntax_extension *ext, struct cmark_html_renderer *r, cmark_node *node,
    cmark_event_type ev, int options)
{
	const char *text = cmark_node_get_literal(node);
	size_t len = strlen(text);
	char mark[32];

	(void)ext;
	(void)ev;
	(void)options;
	snprintf(mark, sizeof(mark), "\x01t%zu\x02", len);
	cmark_strbuf_puts(r->html, mark);
	cmark_strbuf_put(r->html, (const unsigned char *)text, (bufsize_t)len);
}

void
hb_render_init(void)
{
	if (heading_extension != NULL)
		return;
	heading_extension = cmark_syntax_extension_new("hb-heading");
	cmark_syntax_extension_set_html_render_func(heading_extension, render_heading);
	citation_extension = cmark_syntax_extension_new("hb-citation");
	cmark_syntax_extension_set_html_render_func(citation_extension, render_citation);
	link_mark_extension = cmark_syntax_extension_new("hb-link-mark");
	cmark_syntax_extension_set_html_render_func(link_mark_extension, render_link_mark);
	text_mark_extension = cmark_syntax_extension_new("hb-text-mark");
	cmark_syntax_extension_set_html_render_func(text_mark_extension, render_text_mark);
}

static void
set_anchor(const struct hb_heading *h)
{
	cmark_node_set_syntax_extension(h->node, heading_extension);
	cmark_node_set_user_data(h->node, (void *)h->anchor);
}

struct glossary {
	const struct hb_graph *g;
	const struct hb_node *self;
	char *used;			/* per term: already linked on this page */
};

static int
is_word_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '_' || c >= 0x80;
}

/* A term may not be part of a longer word: "ADMM" is not found in "ADMMs" or "ADMM-Plus". */
static int
is_whole_word(const char *text, size_t start, size_t end)
{
	unsigned char before = start ? (unsigned char)text[start - 1] : ' ';
	unsigned char after = (unsigned char)text[end];

	if (is_word_byte(before) || (before == '-' && start > 1 &&
	    is_word_byte((unsigned char)text[start - 2])))
		return 0;
	if (is_word_byte(after) || (after == '-' && is_word_byte((unsigned char)text[end + 1])))
		return 0;
	return 1;
}

/* Finds the first unused term in text at or after *pos; returns its index or -1. */
static long
find_term(const struct glossary *gl, const char *text, size_t *pos)
{
	size_t p, i;

	for (p = *pos; text[p]; p++) {
		unsigned char b = (unsigned char)text[p];
		size_t k;

		if (p > 0 && is_word_byte((unsigned char)text[p - 1]))
			continue;	/* terms start words */
		for (k = gl->g->term_start[b]; k < gl->g->term_start[b + 1]; k++) {
			const struct hb_term *t = &gl->g->terms[i = gl->g->term_order[k]];
			size_t len = strlen(t->abbr);

			if (gl->used[i] || strncmp(text + p, t->abbr, len) != 0 ||
			    !is_whole_word(text, p, p + len))
				continue;
			*pos = p;
			return (long)i;
		}
	}
	return -1;
}

static cmark_node *
new_text(const char *s, size_t len)
{
	cmark_node *t = cmark_node_new_with_mem(CMARK_NODE_TEXT, hb_markdown_mem());
	char *lit = hb_xstrndup(s, len);

	cmark_node_set_literal(t, lit);
	free(lit);
	return t;
}

/* <a href="…"><abbr title="…">ABBR</abbr></a> for term t, linked from the page `self`. */
static cmark_node *
term_link(const struct hb_term *t, const struct hb_node *self)
{
	cmark_node *link = cmark_node_new_with_mem(CMARK_NODE_LINK, hb_markdown_mem());
	cmark_node *abbr = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, hb_markdown_mem());
	struct hb_buf open = HB_BUF_INIT;
	char *url = hb_path_relurl(self->page->out_path, t->node->page->out_path);

	hb_buf_puts(&open, "<abbr");
	if (t->expansion != NULL) {
		hb_buf_puts(&open, " title=\"");
		hb_buf_put_html(&open, t->expansion, strlen(t->expansion));
		hb_buf_putc(&open, '"');
	}
	hb_buf_putc(&open, '>');
	cmark_node_set_on_enter(abbr, open.buf);
	cmark_node_set_on_exit(abbr, "</abbr>");
	cmark_node_append_child(abbr, new_text(t->abbr, strlen(t->abbr)));
	cmark_node_append_child(link, abbr);
	cmark_node_set_url(link, url);
	hb_buf_free(&open);
	free(url);
	return link;
}

/* Links the first unused terms of one text node, splitting it around them. */
static void
link_terms_in(struct glossary *gl, cmark_node *text)
{
	char *lit = hb_xstrdup(cmark_node_get_literal(text));
	size_t start = 0, pos = 0;
	long i;

	while ((i = find_term(gl, lit, &pos)) >= 0) {
		const struct hb_term *t = &gl->g->terms[i];

		gl->used[i] = 1;
		if (pos > start)
			cmark_node_insert_before(text, new_text(lit + start, pos - start));
		cmark_node_insert_before(text, term_link(t, gl->self));
		pos += strlen(t->abbr);
		start = pos;
	}
	if (start > 0)
		cmark_node_set_literal(text, lit + start);
	free(lit);
}

static int
can_hold_terms(cmark_node *node)
{
	for (node = cmark_node_parent(node); node; node = cmark_node_parent(node)) {
		cmark_node_type t = cmark_node_get_type(node);

		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE || t == CMARK_NODE_HEADING)
			return 0;
	}
	return 1;
}

static void
link_glossary(cmark_node *root, const struct hb_node *self, const struct hb_graph *g)
{
	struct glossary gl = { g, self, NULL };
	cmark_node **texts = NULL;
	size_t n = 0, n_alloc = 0, i;
	cmark_iter *it;
	cmark_event_type ev;

	if (g == NULL || g->n_terms == 0 ||
	    (self->page->type && strcmp(self->page->type, "glossary") == 0))
		return;
	it = cmark_iter_new(root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);

		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_TEXT &&
		    can_hold_terms(node)) {
			texts = hb_xgrow(texts, &n_alloc, n + 1, sizeof(*texts));
			texts[n++] = node;
		}
	}
	cmark_iter_free(it);
	gl.used = hb_xcalloc(g->n_terms, 1);
	for (i = 0; i < n; i++)
		link_terms_in(&gl, texts[i]);
	free(gl.used);
	free(texts);
}

/* Renders root with the GFM extensions, into a new string. */
static char *
render_tree(cmark_node *root)
{
	cmark_mem *mem = cmark_get_default_mem_allocator();
	cmark_llist *extensions = NULL;
	char *html;
	size_t i;

	for (i = 0; extension_names[i]; i++)
		extensions = cmark_llist_append(mem, extensions,
		    cmark_find_syntax_extension(extension_names[i]));
	/* The HTML in the heap, not in the memory of root's tree (markdown.c), to be freed. */
	html = cmark_render_html_with_mem(root, CMARK_OPT_DEFAULT, extensions, mem);
	cmark_llist_free(mem, extensions);
	return html;
}

/* Puts the headings' anchors and the source paragraphs' numbers in the tree. */
static void
set_anchors_and_numbers(const struct hb_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n_headings; i++)
		set_anchor(&doc->headings[i]);
	for (i = 0; i < doc->n_paragraphs; i++)
		number_paragraph(&doc->paragraphs[i]);
}

static int
is_glossary_page(const struct hb_page *page)
{
	return page->type != NULL && strcmp(page->type, "glossary") == 0;
}

/* Marks link k: its words go when the graph gives them (a title, a citation's number). */
static void
mark_link(struct hb_link *l, size_t k)
{
	cmark_node *node = l->node, *child;

	if (l->kind == HB_LINK_CITE || hb_link_takes_title(l)) {
		while ((child = cmark_node_first_child(node)) != NULL)
			cmark_node_free(child);
	}
	cmark_node_set_syntax_extension(node, link_mark_extension);
	cmark_node_set_user_data(node, LINK_MARK(k, l->kind == HB_LINK_CITE));
}

/* Marks the texts where glossary terms are linked: not in links, images or headings. */
static void
mark_texts(cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		const char *text;

		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_TEXT &&
		    (text = cmark_node_get_literal(node)) != NULL && text[0] != '\0' &&
		    can_hold_terms(node))
			cmark_node_set_syntax_extension(node, text_mark_extension);
	}
	cmark_iter_free(it);
}

void
hb_render_prepare(struct hb_doc *doc, const struct hb_page *page, struct hb_arena *a)
{
	char *html;
	size_t i;

	assert(link_mark_extension != NULL);	/* hb_render_init() ran */
	if (doc->root == NULL || !hb_markdown_can_mark(page))
		return;
	for (i = 0; i < doc->n_links; i++)
		mark_link(&doc->links[i], i);
	if (!is_glossary_page(page))
		mark_texts(doc->root);
	set_anchors_and_numbers(doc);
	html = render_tree(doc->root);
	doc->html_len = strlen(html);
	doc->html = hb_arena_strndup(a, html, doc->html_len);
	free(html);
	hb_markdown_drop_tree(doc);
}

static void
put_html(cmark_strbuf *out, const char *s, size_t len)
{
	houdini_escape_html0(out, (const uint8_t *)s, (bufsize_t)len, 0);
}

/* cmark-gfm's safe mode drops these link targets (javascript:, vbscript:, file:, data:
 * other than four image types), and so do we where we write links ourselves. */
static int
is_dangerous_url(const char *url)
{
	static const char *const images[] = { "png", "gif", "jpeg", "webp" };
	size_t i;

	if (strncasecmp(url, "data:image/", 11) == 0) {
		for (i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
			if (strncasecmp(url + 11, images[i], strlen(images[i])) == 0)
				return 0;
		}
	}
	return strncasecmp(url, "javascript:", 11) == 0 || strncasecmp(url, "vbscript:", 9) == 0 ||
	    strncasecmp(url, "file:", 5) == 0 || strncasecmp(url, "data:", 5) == 0;
}

/* <a href="url"> (with title="…" when there is one), as cmark-gfm writes a link. */
static void
put_link_open(cmark_strbuf *out, const char *url, const char *title)
{
	cmark_strbuf_puts(out, "<a href=\"");
	if (!is_dangerous_url(url))
		houdini_escape_href(out, (const uint8_t *)url, (bufsize_t)strlen(url));
	if (title != NULL) {
		cmark_strbuf_puts(out, "\" title=\"");
		put_html(out, title, strlen(title));
	}
	cmark_strbuf_puts(out, "\">");
}

/* Escaped as put_citation() and term_link() escape attributes (hb_buf_put_html). */
static void
put_attr(cmark_strbuf *out, const char *s)
{
	struct hb_buf h = HB_BUF_INIT;

	hb_buf_put_html(&h, s, strlen(s));
	cmark_strbuf_put(out, (const unsigned char *)h.buf, (bufsize_t)h.len);
	hb_buf_free(&h);
}

static void
put_citation_to(cmark_strbuf *out, const struct hb_link *l)
{
	struct hb_buf h = HB_BUF_INIT;

	put_citation(&h, l);
	cmark_strbuf_put(out, (const unsigned char *)h.buf, (bufsize_t)h.len);
	hb_buf_free(&h);
}

static void
open_marked_link(cmark_strbuf *out, const struct hb_link *l)
{
	if (l->kind == HB_LINK_CITE && l->href != NULL) {
		put_citation_to(out, l);
	} else if (l->kind == HB_LINK_QUOTE && l->href != NULL) {
		cmark_strbuf_puts(out, "<q cite=\"");
		put_attr(out, l->href);
		cmark_strbuf_puts(out, "\">");
	} else {
		put_link_open(out, l->href ? l->href : "", l->title);
		if (hb_link_takes_title(l)) {
			const char *shown = l->page != NULL ? l->page->title : l->target;

			put_html(out, shown, strlen(shown));
		}
	}
}

static void
close_marked_link(cmark_strbuf *out, const struct hb_link *l)
{
	if (l->kind == HB_LINK_QUOTE && l->href != NULL) {
		cmark_strbuf_puts(out, "</q>");
		put_citation_to(out, l);
	} else {
		cmark_strbuf_puts(out, "</a>");
	}
}

/* A marked text, its first unused glossary terms linked as link_terms_in() links them. */
static void
put_text_with_terms(cmark_strbuf *out, struct glossary *gl, const char *s, size_t len)
{
	char *lit = hb_xstrndup(s, len);
	size_t start = 0, pos = 0;
	long i;

	while (gl->used != NULL && (i = find_term(gl, lit, &pos)) >= 0) {
		const struct hb_term *t = &gl->g->terms[i];
		char *url = hb_path_relurl(gl->self->page->out_path, t->node->page->out_path);

		gl->used[i] = 1;
		put_html(out, lit + start, pos - start);
		put_link_open(out, url, NULL);
		cmark_strbuf_puts(out, "<abbr");
		if (t->expansion != NULL) {
			cmark_strbuf_puts(out, " title=\"");
			put_attr(out, t->expansion);
			cmark_strbuf_putc(out, '"');
		}
		cmark_strbuf_puts(out, ">");
		put_html(out, t->abbr, strlen(t->abbr));
		cmark_strbuf_puts(out, "</abbr></a>");
		free(url);
		pos += strlen(t->abbr);
		start = pos;
	}
	put_html(out, lit + start, len - start);
	free(lit);
}

/* hb_render_body for a prepared doc: its HTML with the marks filled in. */
static void
fill_marks(struct hb_buf *out, struct hb_node *node, const struct hb_graph *graph)
{
	const struct hb_doc *doc = &node->doc;
	const char *p = doc->html, *end = p + doc->html_len;
	struct glossary gl = { graph, node, NULL };
	cmark_strbuf html;

	cmark_strbuf_init(cmark_get_default_mem_allocator(), &html, (bufsize_t)doc->html_len);
	if (graph != NULL && graph->n_terms > 0)
		gl.used = hb_xcalloc(graph->n_terms, 1);
	while (p < end) {
		const char *mark = memchr(p, '\x01', (size_t)(end - p));
		char *close;
		size_t n;

		if (mark == NULL) {
			cmark_strbuf_put(&html, (const unsigned char *)p, (bufsize_t)(end - p));
			break;
		}
		cmark_strbuf_put(&html, (const unsigned char *)p, (bufsize_t)(mark - p));
		n = strtoul(mark + 2, &close, 10);
		p = close + 1;
		if (mark[1] == 't') {
			put_text_with_terms(&html, &gl, p, n);
			p += n;
		} else if (mark[1] == 'a') {
			open_marked_link(&html, &doc->links[n]);
		} else {
			close_marked_link(&html, &doc->links[n]);
		}
	}
	hb_buf_put(out, (const char *)html.ptr, (size_t)html.size);
	cmark_strbuf_free(&html);
	free(gl.used);
}

void
hb_render_body(struct hb_buf *out, struct hb_node *node, const struct hb_graph *graph)
{
	struct hb_doc *doc = &node->doc;
	char *html;
	size_t i;

	assert(heading_extension != NULL);	/* hb_render_init() ran */
	if (doc->html != NULL) {
		fill_marks(out, node, graph);
		return;
	}
	for (i = 0; i < doc->n_links; i++)
		set_link(&doc->links[i]);
	link_glossary(doc->root, node, graph);
	set_anchors_and_numbers(doc);
	html = render_tree(doc->root);
	hb_buf_puts(out, html);
	free(html);
}
