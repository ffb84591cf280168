#include "render.h"

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <stdlib.h>
#include <string.h>

static const char *const extension_names[] = {
	"table", "strikethrough", "autolink", "tagfilter", "tasklist", NULL,
};

static void
set_link(struct hb_link *link)
{
	cmark_node *node = link->node;

	cmark_node_set_url(node, link->href ? link->href : "");
	if (link->kind == HB_LINK_WIKI && link->label == NULL && link->page != NULL)
		cmark_node_set_literal(cmark_node_first_child(node), link->page->title);
}

/* Replaces a heading by a custom block "<hN id=...>" holding the same inline children. */
static void
set_anchor(const struct hb_heading *h)
{
	cmark_node *heading = h->node, *block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK), *child;
	struct hb_buf open = HB_BUF_INIT, close = HB_BUF_INIT;

	hb_buf_printf(&open, "<h%d id=\"", h->level);
	hb_buf_put_html(&open, h->anchor, strlen(h->anchor));
	hb_buf_puts(&open, "\">");
	hb_buf_printf(&close, "</h%d>", h->level);
	cmark_node_set_on_enter(block, open.buf);
	cmark_node_set_on_exit(block, close.buf);
	while ((child = cmark_node_first_child(heading)) != NULL)
		cmark_node_append_child(block, child);
	cmark_node_replace(heading, block);
	cmark_node_free(heading);
	hb_buf_free(&open);
	hb_buf_free(&close);
}

void
hb_render_body(struct hb_buf *out, struct hb_doc *doc)
{
	cmark_mem *mem = cmark_get_default_mem_allocator();
	cmark_llist *extensions = NULL;
	char *html;
	size_t i;

	for (i = 0; i < doc->n_links; i++)
		set_link(&doc->links[i]);
	for (i = 0; i < doc->n_headings; i++)
		set_anchor(&doc->headings[i]);
	for (i = 0; extension_names[i]; i++)
		extensions = cmark_llist_append(mem, extensions,
		    cmark_find_syntax_extension(extension_names[i]));
	html = cmark_render_html(doc->root, CMARK_OPT_DEFAULT, extensions);
	cmark_llist_free(mem, extensions);
	hb_buf_puts(out, html);
	free(html);
}
