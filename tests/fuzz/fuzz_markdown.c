/*
 * Fuzz target: a page body (after a fixed front matter) through the limits, cmark-gfm with our
 * wiki links and citations, the graph (link resolution, glossary) and the HTML renderer.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "fuzz.h"
#include "graph.h"
#include "markdown.h"
#include "page.h"
#include "render.h"
#include "source.h"

static const char front[] = "---\ntitle: Fuzz\naliases: [F]\n---\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int is_ready;
	struct hb_file file = { (char *)"fuzz.md", NULL, 0, "", NULL };
	struct hb_arena a;
	struct hb_diag d;
	struct hb_node node;
	struct hb_graph g;
	struct hb_buf html = HB_BUF_INIT;

	if (!is_ready) {
		hb_markdown_init();
		hb_render_init();
		is_ready = 1;
	}
	file.len = sizeof(front) - 1 + size;
	file.data = malloc(file.len + 1);
	memcpy(file.data, front, sizeof(front) - 1);
	memcpy(file.data + sizeof(front) - 1, data, size);
	file.data[file.len] = '\0';
	hb_arena_init(&a);
	hb_diag_init(&d);
	memset(&node, 0, sizeof(node));
	memset(&g, 0, sizeof(g));
	node.page = hb_arena_alloc(&a, sizeof(*node.page));
	if (hb_page_parse(node.page, &a, &file, "content", &d) == 0 &&
	    hb_markdown_parse(&node.doc, node.page, &a, &d) == 0) {
		hb_graph_build(&g, &node, 1, NULL, 1, &a, &d);
		hb_markdown_finish(&node.doc, &a);
		(void)hb_markdown_text(&node.doc, &a);
		hb_render_body(&html, &node, &g);
		hb_graph_free(&g);
	}
	hb_doc_free(&node.doc);
	hb_buf_free(&html);
	hb_diag_free(&d);
	hb_arena_free(&a);
	free(file.data);
	return 0;
}
