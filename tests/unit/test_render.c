/*
 * Unit tests for render.h: a parsed body -> HTML. Standard Markdown must render exactly as
 * cmark-gfm renders it (the expected strings come from calling cmark-gfm directly, with the same
 * extensions and options); headings gain id="anchor"; links get the href the graph computed.
 */
#include "unit.h"

#include <pthread.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>

#include "buf.h"
#include "graph.h"
#include "markdown.h"
#include "render.h"

#define FRONT "---\ntitle: T\n---\n"

static const char *const gfm_extensions[] = {
	"table", "strikethrough", "autolink", "tagfilter", "tasklist", NULL,
};

struct fx {
	struct hb_arena a;
	struct hb_diag d;
	struct hb_page p;
	struct hb_doc doc;
	int has_doc;
	struct hb_buf out;
};

static int
group_setup(void **state)
{
	(void)state;
	hb_markdown_init();
	hb_render_init();
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	hb_arena_init(&f->a);
	hb_diag_init(&f->d);
	hb_buf_init(&f->out);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	if (f->has_doc)
		hb_doc_free(&f->doc);
	hb_buf_free(&f->out);
	hb_arena_free(&f->a);
	hb_diag_free(&f->d);
	free(f);
	return 0;
}

/* What cmark-gfm itself makes of body (caller frees). */
static char *
cmark_gfm_html(const char *body)
{
	const int opts = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES;
	cmark_parser *parser = cmark_parser_new(opts);
	cmark_node *root;
	char *html;
	size_t i;

	for (i = 0; gfm_extensions[i]; i++)
		assert_int_equal(cmark_parser_attach_syntax_extension(parser,
		    cmark_find_syntax_extension(gfm_extensions[i])), 1);
	cmark_parser_feed(parser, body, strlen(body));
	root = cmark_parser_finish(parser);
	html = cmark_render_html(root, opts, cmark_parser_get_syntax_extensions(parser));
	cmark_node_free(root);
	cmark_parser_free(parser);
	return html;
}

/*
 * The build's way to render: p's body parsed again and prepared at once (hb_render_prepare),
 * then given what the graph gave doc's links, finished and rendered from its marks. Returns
 * the HTML (caller frees), or NULL when p's body cannot be prepared.
 */
static char *
render_prepared(struct hb_arena *a, struct hb_page *p, const struct hb_doc *doc,
    const struct hb_graph *g)
{
	struct hb_diag quiet;
	struct hb_node node;
	struct hb_buf out = HB_BUF_INIT;
	size_t i;

	hb_diag_init(&quiet);
	memset(&node, 0, sizeof(node));
	node.page = p;
	assert_int_equal(hb_markdown_parse(&node.doc, p, a, &quiet), 0);
	hb_diag_free(&quiet);
	hb_render_prepare(&node.doc, p, a);
	if (node.doc.html == NULL) {
		hb_doc_free(&node.doc);
		return NULL;
	}
	assert_null(node.doc.root);
	assert_int_equal(node.doc.n_links, doc->n_links);
	for (i = 0; i < doc->n_links; i++) {
		struct hb_link *l = &node.doc.links[i];

		l->page = doc->links[i].page;
		l->href = doc->links[i].href;
		l->paragraph = doc->links[i].paragraph;
		l->cite_number = doc->links[i].cite_number;
		l->cited_text = doc->links[i].cited_text;
	}
	hb_markdown_finish(&node.doc, a);
	hb_render_body(&out, &node, g);
	return hb_buf_detach(&out, NULL);
}

/*
 * Finishes and renders one page's doc from its tree (with g's glossary, if any), and checks
 * that the build's way, from prepared HTML, writes the same bytes.
 */
static void
render_with(struct hb_arena *a, struct hb_buf *out, struct hb_page *p, struct hb_doc *doc,
    const struct hb_graph *g)
{
	char *prepared = render_prepared(a, p, doc, g);
	size_t start = out->len;
	struct hb_node node;

	hb_markdown_finish(doc, a);
	memset(&node, 0, sizeof(node));
	node.page = p;
	node.doc = *doc;
	hb_render_body(out, &node, g);
	doc->root = node.doc.root;
	if (prepared != NULL && strcmp(out->buf + start, prepared) != 0)
		print_message("from the tree:\n%s\nprepared:\n%s\n", out->buf + start, prepared);
	if (prepared != NULL)
		assert_string_equal(out->buf + start, prepared);
	free(prepared);
}

/* Renders one page's doc on its own (no graph, so no glossary), both ways. */
static void
render_doc(struct hb_arena *a, struct hb_buf *out, struct hb_page *p, struct hb_doc *doc)
{
	render_with(a, out, p, doc, NULL);
}

/* Parses body (after a 3-line front matter) into f->doc as content/<path>. */
static void
parse_as(struct fx *f, struct hb_page *p, struct hb_doc *doc, const char *path, const char *front,
    const char *body)
{
	struct hb_file file;
	char *text = malloc(strlen(front) + strlen(body) + 1);

	strcpy(text, front);
	strcat(text, body);
	memset(&file, 0, sizeof(file));
	file.path = (char *)path;
	file.data = text;
	file.len = strlen(text);
	assert_int_equal(hb_page_parse(p, &f->a, &file, "content", &f->d), 0);
	free(text);
	assert_int_equal(hb_markdown_parse(doc, p, &f->a, &f->d), 0);
}

static void
parse(struct fx *f, const char *body)
{
	parse_as(f, &f->p, &f->doc, "a.md", FRONT, body);
	f->has_doc = 1;
}

/* Renders body with no links or headings and compares with cmark-gfm's own HTML. */
static void
assert_same_as_cmark(struct fx *f, const char *body)
{
	char *want = cmark_gfm_html(body);

	parse(f, body);
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	if (strcmp(f->out.buf, want) != 0)
		print_message("body:\n%s\nhandbook:\n%s\ncmark-gfm:\n%s\n", body, f->out.buf, want);
	assert_string_equal(f->out.buf, want);
	free(want);
}

static void
test_render__paragraphs_and_inlines(void **state)
{
	assert_same_as_cmark(*state,
	    "Plain *emphasis*, **strong**, `code`, a [link](https://example.org/ \"t\"),\n"
	    "an ![image](img.png), an entity &amp; &copy; and a hard  \nbreak.\n\n"
	    "> quoted\n\n1. one\n2. two\n\n- a\n- b\n\n---\n\n```c\nint x;\n```\n\n    indented\n");
}

static void
test_render__table(void **state)
{
	assert_same_as_cmark(*state,
	    "| Year | Meeting | Venue |\n|---:|:---:|:---|\n| 2016 | DMIM 2 | Vientiane |\n"
	    "| 2019 | *DMIM 5* | Bangkok \\| Thailand |\n");
}

static void
test_render__footnotes(void **state)
{
	assert_same_as_cmark(*state,
	    "The Vision[^vv] and its update[^2].\n\n[^vv]: Announced in 2016.\n[^2]: In 2019.\n");
}

static void
test_render__tasklist(void **state)
{
	assert_same_as_cmark(*state, "- [ ] to do\n- [x] done\n- plain\n");
}

static void
test_render__strikethrough(void **state)
{
	assert_same_as_cmark(*state, "~~withdrawn~~ and ~single~ tilde\n");
}

static void
test_render__autolinks(void **state)
{
	assert_same_as_cmark(*state,
	    "Visit www.mod.go.jp or https://www.mod.go.jp/en/ or <https://asean.org>\n"
	    "or write to info@example.org.\n");
}

static void
test_render__raw_html_is_omitted(void **state)
{
	struct fx *f = *state;

	assert_same_as_cmark(f,
	    "<div onclick=\"x()\">block</div>\n\n"
	    "inline <b>bold</b> and <script>alert(1)</script>\n");
	assert_null(strstr(f->out.buf, "<div"));
	assert_null(strstr(f->out.buf, "<script"));
	assert_null(strstr(f->out.buf, "<b>"));
}

static void
test_render__dangerous_urls_are_dropped(void **state)
{
	struct fx *f = *state;

	assert_same_as_cmark(f,
	    "[x](javascript:alert(1)) [y](vbscript:msgbox) ![z](data:text/html;base64,AAAA)\n");
	assert_null(strstr(f->out.buf, "javascript:"));
	assert_null(strstr(f->out.buf, "vbscript:"));
}

static void
test_render__wiki_syntax_in_code_is_literal(void **state)
{
	struct fx *f = *state;

	assert_same_as_cmark(f, "Write `[[id]]`.\n\n```\n[[id|label]]\n```\n");
	assert_non_null(strstr(f->out.buf, "<code>[[id]]</code>"));
}

static void
test_render__appends_to_output(void **state)
{
	struct fx *f = *state;

	hb_buf_puts(&f->out, "<main>");
	parse(f, "x\n");
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	assert_string_equal(f->out.buf, "<main><p>x</p>\n");
}

static void
test_render__empty_body(void **state)
{
	struct fx *f = *state;

	parse(f, "");
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	assert_string_equal(f->out.buf, "");
}

static void
test_render__headings_carry_their_anchor(void **state)
{
	struct fx *f = *state;

	parse(f, "# Hello *World*\n\nText.\n\n## Hello *World*\n\nSetext\n------\n");
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	assert_string_equal(f->out.buf,
	    "<h1 id=\"hello-world\">Hello <em>World</em>"
	    "<a class=\"headerlink\" href=\"#hello-world\" title=\"Link to this section\">¶</a>"
	    "</h1>\n"
	    "<p>Text.</p>\n"
	    "<h2 id=\"hello-world-1\">Hello <em>World</em>"
	    "<a class=\"headerlink\" href=\"#hello-world-1\" title=\"Link to this section\">¶</a>"
	    "</h2>\n"
	    "<h2 id=\"setext\">Setext"
	    "<a class=\"headerlink\" href=\"#setext\" title=\"Link to this section\">¶</a>"
	    "</h2>\n");
}

static void
test_render__heading_inside_a_quote_and_all_levels(void **state)
{
	struct fx *f = *state;
	const char *want[] = {
		"<blockquote>\n<h3 id=\"quoted\">", "<h4 id=\"four\">", "<h5 id=\"five\">",
		"<h6 id=\"six\">", "</h3>\n</blockquote>\n", "Six", "</h6>\n",
	};
	size_t i;

	parse(f, "> ### Quoted\n\n#### Four\n##### Five\n###### Six\n");
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (strstr(f->out.buf, want[i]) == NULL)
			print_message("missing %s in:\n%s\n", want[i], f->out.buf);
		assert_non_null(strstr(f->out.buf, want[i]));
	}
	assert_null(strstr(f->out.buf, "<h3>"));
	assert_null(strstr(f->out.buf, "<h4>"));
}

static void
test_render__heading_text_is_escaped(void **state)
{
	struct fx *f = *state;

	parse(f, "# Q&A \\<x\\> \"quoted\"\n");
	assert_string_equal(f->doc.headings[0].anchor, "qa-x-quoted");
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	assert_non_null(strstr(f->out.buf, "<h1 id=\"qa-x-quoted\">"));
	assert_non_null(strstr(f->out.buf, "Q&amp;A &lt;x&gt; &quot;quoted&quot;"));
	assert_null(strstr(f->out.buf, "<x>"));
}

static void
test_render__heading_then_gfm_matches_cmark(void **state)
{
	struct fx *f = *state;
	const char *rest =
	    "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\nNote[^n].\n\n[^n]: Here.\n";
	char *body = malloc(strlen(rest) + 32), *want_rest = cmark_gfm_html(rest);
	struct hb_buf want = HB_BUF_INIT;

	strcpy(body, "## Results\n\n");
	strcat(body, rest);
	parse(f, body);
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	/* Whatever the heading looks like, everything after it is cmark-gfm's. */
	assert_true(strncmp(f->out.buf, "<h2 id=\"results\">", strlen("<h2 id=\"results\">")) == 0);
	hb_buf_puts(&want, strstr(f->out.buf, "</h2>\n") + 6);
	assert_string_equal(want.buf, want_rest);
	hb_buf_free(&want);
	free(want_rest);
	free(body);
}

/* A target page for links set by hand, without a graph. */
static struct hb_page *
target_page(struct fx *f, const char *title_yaml)
{
	struct hb_page *p = hb_arena_alloc(&f->a, sizeof(*p));
	struct hb_doc doc;
	char front[256];

	snprintf(front, sizeof(front), "---\ntitle: %s\n---\n", title_yaml);
	parse_as(f, p, &doc, "people/kishi.md", front, "");
	hb_doc_free(&doc);
	return p;
}

static void
test_render__wiki_link_shows_target_title(void **state)
{
	struct fx *f = *state;
	struct hb_page *kishi = target_page(f, "Kishi Nobuo");

	parse(f, "See [[kishi]], [[kishi|the minister]] and [[kishi#early-life]].\n");
	assert_int_equal(f->doc.n_links, 3);
	f->doc.links[0].page = kishi;
	f->doc.links[0].href = "../people/kishi.html";
	f->doc.links[1].page = kishi;
	f->doc.links[1].href = "../people/kishi.html";
	f->doc.links[2].page = kishi;
	f->doc.links[2].href = "../people/kishi.html#early-life";
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	assert_string_equal(f->out.buf,
	    "<p>See <a href=\"../people/kishi.html\">Kishi Nobuo</a>, "
	    "<a href=\"../people/kishi.html\">the minister</a> and "
	    "<a href=\"../people/kishi.html#early-life\">Kishi Nobuo</a>.</p>\n");
}

static void
test_render__wiki_link_text_is_escaped(void **state)
{
	struct fx *f = *state;
	struct hb_page *rd = target_page(f, "\"R&D <Unit>\"");

	parse(f, "[[rd]] and [[rd|a \\<b\\> & 'c']]\n");
	f->doc.links[0].page = rd;
	f->doc.links[0].href = "rd.html";
	f->doc.links[1].page = rd;
	f->doc.links[1].href = "rd.html";
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	assert_string_equal(f->out.buf,
	    "<p><a href=\"rd.html\">R&amp;D &lt;Unit&gt;</a> and "
	    "<a href=\"rd.html\">a &lt;b&gt; &amp; 'c'</a></p>\n");
}

static void
test_render__md_link_gets_href(void **state)
{
	struct fx *f = *state;
	struct hb_page *kishi = target_page(f, "Kishi Nobuo");

	parse(f,
	    "[*Kishi*](../people/kishi.md) and [youth](../people/kishi.md#early-life \"t\")\n");
	assert_int_equal(f->doc.n_links, 2);
	f->doc.links[0].page = kishi;
	f->doc.links[0].href = "../people/kishi.html";
	f->doc.links[1].page = kishi;
	f->doc.links[1].href = "../people/kishi.html#early-life";
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	/* The link text is the author's, not the title. */
	assert_string_equal(f->out.buf,
	    "<p><a href=\"../people/kishi.html\"><em>Kishi</em></a> and "
	    "<a href=\"../people/kishi.html#early-life\" title=\"t\">youth</a></p>\n");
}

static void
test_render__wiki_link_in_table_cell(void **state)
{
	struct fx *f = *state;
	struct hb_page *kishi = target_page(f, "Kishi Nobuo");

	parse(f, "| who |\n|---|\n| [[kishi\\|K.]] |\n");
	assert_int_equal(f->doc.n_links, 1);
	f->doc.links[0].page = kishi;
	f->doc.links[0].href = "kishi.html";
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	assert_string_equal(f->out.buf,
	    "<table>\n<thead>\n<tr>\n<th>who</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
	    "<td><a href=\"kishi.html\">K.</a></td>\n</tr>\n</tbody>\n</table>\n");
}

static void
test_render__wrapped_wiki_label(void **state)
{
	struct fx *f = *state;
	struct hb_page *kishi = target_page(f, "Kishi Nobuo");

	parse(f, "the [[kishi|Minister\nKishi]] said\n");
	f->doc.links[0].page = kishi;
	f->doc.links[0].href = "kishi.html";
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	assert_string_equal(f->out.buf,
	    "<p>the <a href=\"kishi.html\">Minister Kishi</a> said</p>\n");
}

static void
test_render__links_resolved_by_the_graph(void **state)
{
	struct fx *f = *state;
	struct hb_node nodes[2];
	struct hb_graph g;

	memset(nodes, 0, sizeof(nodes));
	nodes[0].page = hb_arena_alloc(&f->a, sizeof(struct hb_page));
	nodes[1].page = hb_arena_alloc(&f->a, sizeof(struct hb_page));
	parse_as(f, nodes[0].page, &nodes[0].doc, "meetings/dmim.md", FRONT,
	    "Chaired by [[Kishi Nobuo]]; see [[kishi#career]] and [x](../people/kishi.md).\n");
	parse_as(f, nodes[1].page, &nodes[1].doc, "people/kishi.md",
	    "---\ntitle: Kishi Nobuo\n---\n", "## Career\n\nLinks back to [[dmim|the meeting]].\n");
	hb_graph_build(&g, nodes, 2, NULL, 1, &f->a, &f->d);
	assert_int_equal(f->d.n_errors, 0);
	hb_markdown_finish(&nodes[0].doc, &f->a);
	hb_markdown_finish(&nodes[1].doc, &f->a);
	hb_graph_set_hrefs(&nodes[0], &f->a);
	hb_graph_set_hrefs(&nodes[1], &f->a);
	render_with(&f->a, &f->out, nodes[0].page, &nodes[0].doc, NULL);
	assert_string_equal(f->out.buf,
	    "<p>Chaired by <a href=\"../people/kishi.html\">Kishi Nobuo</a>; see "
	    "<a href=\"../people/kishi.html#career\">Kishi Nobuo</a> and "
	    "<a href=\"../people/kishi.html\">x</a>.</p>\n");
	hb_buf_reset(&f->out);
	render_with(&f->a, &f->out, nodes[1].page, &nodes[1].doc, NULL);
	assert_non_null(strstr(f->out.buf, "<h2 id=\"career\">"));
	assert_non_null(strstr(f->out.buf,
	    "</h2>\n<p>Links back to <a href=\"../meetings/dmim.html\">the meeting</a>.</p>\n"));
	hb_graph_free(&g);
	hb_doc_free(&nodes[0].doc);
	hb_doc_free(&nodes[1].doc);
}

/* Glossary terms: first mention only, whole words, never in headings or links; escaped. */
static void
test_render__glossary_terms_linked_alike_both_ways(void **state)
{
	struct fx *f = *state;
	struct hb_node nodes[3];
	struct hb_graph g;

	memset(nodes, 0, sizeof(nodes));
	for (int i = 0; i < 3; i++)
		nodes[i].page = hb_arena_alloc(&f->a, sizeof(struct hb_page));
	parse_as(f, nodes[0].page, &nodes[0].doc, "meetings/dmim.md", FRONT,
	    "## ADMM in a heading\n\n"
	    "The [ADMM link](../glossary/admm.md) and [[admm]] do not count; ADMMs, ADMM-Plus, xADMM neither.\n"
	    "Then the ADMM, the ADMM again, and R&D 1 < 2 *the R&D unit* with `ADMM` code.\n\n"
	    "- a list: R&D\n\n| ADMM |\n|---|\n| x |\n");
	parse_as(f, nodes[1].page, &nodes[1].doc, "glossary/admm.md",
	    "---\ntitle: ADMM\ntype: glossary\nabbr: ADMM\n"
	    "expansion: \"ASEAN Defence Ministers' Meeting <\\\"x\\\">\"\n---\n",
	    "The ADMM itself is not linked on its own page.\n");
	parse_as(f, nodes[2].page, &nodes[2].doc, "glossary/rd.md",
	    "---\ntitle: R&D\ntype: glossary\nabbr: R&D\n---\n", "");
	hb_graph_build(&g, nodes, 3, NULL, 1, &f->a, &f->d);
	assert_int_equal(f->d.n_errors, 0);
	assert_int_equal(g.n_terms, 2);
	render_with(&f->a, &f->out, nodes[0].page, &nodes[0].doc, &g);
	assert_non_null(strstr(f->out.buf, "Then the <a href=\"../glossary/admm.html\"><abbr "
	    "title=\"ASEAN Defence Ministers&#39; Meeting &lt;&quot;x&quot;&gt;\">ADMM</abbr></a>, "
	    "the ADMM again, and <a href=\"../glossary/rd.html\"><abbr>R&amp;D</abbr></a> "
	    "1 &lt; 2 <em>the R&amp;D unit</em>"));
	assert_non_null(strstr(f->out.buf, "ADMM in a heading"));
	hb_buf_reset(&f->out);
	render_with(&f->a, &f->out, nodes[1].page, &nodes[1].doc, &g);
	assert_string_equal(f->out.buf, "<p>The ADMM itself is not linked on its own page.</p>\n");
	hb_graph_free(&g);
	for (int i = 0; i < 3; i++)
		hb_doc_free(&nodes[i].doc);
}

/* Our marks are control characters: a body that has one is rendered from its tree instead. */
static void
test_render__body_with_a_mark_character_is_not_prepared(void **state)
{
	struct fx *f = *state;
	struct hb_page *kishi = target_page(f, "Kishi Nobuo");

	parse(f, "odd \x01t3\x02 bytes and [[kishi]]\n");
	f->doc.links[0].page = kishi;
	f->doc.links[0].href = "kishi.html";
	assert_null(render_prepared(&f->a, &f->p, &f->doc, NULL));
	render_doc(&f->a, &f->out, &f->p, &f->doc);
	assert_string_equal(f->out.buf,
	    "<p>odd \x01t3\x02 bytes and <a href=\"kishi.html\">Kishi Nobuo</a></p>\n");
}

#define PARALLEL_BODY \
	"| a | ~~b~~ |\n|---|---|\n| www.example.org | *x* |\n\n- [ ] task ~~done~~\n\n" \
	"Text with ~~strike~~, https://example.org and a note[^1].\n\n[^1]: Note.\n"

struct parallel_job {
	const char *want;
	int mismatches;
};

/* Parses and renders PARALLEL_BODY repeatedly with its own arena and diagnostics. */
static void *
render_many(void *arg)
{
	struct parallel_job *job = arg;
	const char *text = "---\ntitle: T\n---\n" PARALLEL_BODY;
	struct hb_file file;
	int i;

	memset(&file, 0, sizeof(file));
	file.path = (char *)"a.md";
	file.data = (char *)text;
	file.len = strlen(text);
	for (i = 0; i < 200; i++) {
		struct hb_arena a;
		struct hb_diag d;
		struct hb_page p;
		struct hb_doc doc;
		struct hb_buf out = HB_BUF_INIT;

		hb_arena_init(&a);
		hb_diag_init(&d);
		if (hb_page_parse(&p, &a, &file, "content", &d) != 0 ||
		    hb_markdown_parse(&doc, &p, &a, &d) != 0) {
			job->mismatches++;
		} else {
			render_doc(&a, &out, &p, &doc);
			job->mismatches += strcmp(out.buf, job->want) != 0;
			hb_doc_free(&doc);
		}
		hb_buf_free(&out);
		hb_diag_free(&d);
		hb_arena_free(&a);
	}
	return NULL;
}

static void
test_render__parallel_renders_are_identical(void **state)
{
	char *want = cmark_gfm_html(PARALLEL_BODY);
	struct parallel_job jobs[4];
	pthread_t threads[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		jobs[i].want = want;
		jobs[i].mismatches = 0;
		assert_int_equal(pthread_create(&threads[i], NULL, render_many, &jobs[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(jobs[i].mismatches, 0);
	}
	free(want);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_render__paragraphs_and_inlines),
		T(test_render__table),
		T(test_render__footnotes),
		T(test_render__tasklist),
		T(test_render__strikethrough),
		T(test_render__autolinks),
		T(test_render__raw_html_is_omitted),
		T(test_render__dangerous_urls_are_dropped),
		T(test_render__wiki_syntax_in_code_is_literal),
		T(test_render__appends_to_output),
		T(test_render__empty_body),
		T(test_render__headings_carry_their_anchor),
		T(test_render__heading_inside_a_quote_and_all_levels),
		T(test_render__heading_text_is_escaped),
		T(test_render__heading_then_gfm_matches_cmark),
		T(test_render__wiki_link_shows_target_title),
		T(test_render__wiki_link_text_is_escaped),
		T(test_render__md_link_gets_href),
		T(test_render__wiki_link_in_table_cell),
		T(test_render__wrapped_wiki_label),
		T(test_render__links_resolved_by_the_graph),
		T(test_render__glossary_terms_linked_alike_both_ways),
		T(test_render__body_with_a_mark_character_is_not_prepared),
		T(test_render__parallel_renders_are_identical),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
