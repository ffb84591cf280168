#include "render.h"

#include <assert.h>
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm/buffer.h>
#include <cmark-gfm/render.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	cmark_node *n = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);

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

void
hb_render_init(void)
{
	if (heading_extension != NULL)
		return;
	heading_extension = cmark_syntax_extension_new("hb-heading");
	cmark_syntax_extension_set_html_render_func(heading_extension, render_heading);
	citation_extension = cmark_syntax_extension_new("hb-citation");
	cmark_syntax_extension_set_html_render_func(citation_extension, render_citation);
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
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	char *lit = hb_xstrndup(s, len);

	cmark_node_set_literal(t, lit);
	free(lit);
	return t;
}

/* <a href="…"><abbr title="…">ABBR</abbr></a> for term t, linked from the page `self`. */
static cmark_node *
term_link(const struct hb_term *t, const struct hb_node *self)
{
	cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
	cmark_node *abbr = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
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

void
hb_render_body(struct hb_buf *out, struct hb_node *node, const struct hb_graph *graph)
{
	struct hb_doc *doc = &node->doc;
	cmark_mem *mem = cmark_get_default_mem_allocator();
	cmark_llist *extensions = NULL;
	char *html;
	size_t i;

	assert(heading_extension != NULL);	/* hb_render_init() ran */
	for (i = 0; i < doc->n_links; i++)
		set_link(&doc->links[i]);
	link_glossary(doc->root, node, graph);
	for (i = 0; i < doc->n_headings; i++)
		set_anchor(&doc->headings[i]);
	for (i = 0; i < doc->n_paragraphs; i++)
		number_paragraph(&doc->paragraphs[i]);
	for (i = 0; extension_names[i]; i++)
		extensions = cmark_llist_append(mem, extensions,
		    cmark_find_syntax_extension(extension_names[i]));
	html = cmark_render_html(doc->root, CMARK_OPT_DEFAULT, extensions);
	cmark_llist_free(mem, extensions);
	hb_buf_puts(out, html);
	free(html);
}
