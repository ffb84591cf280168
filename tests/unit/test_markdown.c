/*
 * Unit tests for markdown.h: headings and their anchors, wiki links and .md links, each located
 * at the file's line and column (in characters). Pages start with a 3-line front matter, so the
 * body's first line is line 4 of the file.
 */
#include "unit.h"

#include "markdown.h"
#include "render.h"

#define FRONT "---\ntitle: T\n---\n"

struct fx {
	struct hb_arena a;
	struct hb_diag d;
	struct hb_page p;
	struct hb_doc doc;
	int has_doc;
};

static int
group_setup(void **state)
{
	(void)state;
	hb_markdown_init();
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	hb_arena_init(&f->a);
	hb_diag_init(&f->d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	if (f->has_doc)
		hb_doc_free(&f->doc);
	hb_arena_free(&f->a);
	hb_diag_free(&f->d);
	free(f);
	return 0;
}

/* Parses FRONT + body as content/a.md; returns hb_markdown_parse's result. */
static int
md(struct fx *f, const char *body)
{
	struct hb_file file;
	char *text = malloc(strlen(FRONT) + strlen(body) + 1);
	int rc;

	strcpy(text, FRONT);
	strcat(text, body);
	memset(&file, 0, sizeof(file));
	file.path = (char *)"a.md";
	file.data = text;
	file.len = strlen(text);
	assert_int_equal(hb_page_parse(&f->p, &f->a, &file, "content", &f->d), 0);
	free(text);
	if (f->has_doc)
		hb_doc_free(&f->doc);
	rc = hb_markdown_parse(&f->doc, &f->p, &f->a, &f->d);
	f->has_doc = 1;
	return rc;
}

static void
assert_link(const struct hb_link *l, enum hb_link_kind kind, const char *target,
    const char *fragment, const char *label, int line, int col)
{
	assert_int_equal(l->kind, kind);
	assert_string_equal(l->target, target);
	if (fragment == NULL)
		assert_null(l->fragment);
	else
		assert_string_equal(l->fragment, fragment);
	if (label == NULL)
		assert_null(l->label);
	else
		assert_string_equal(l->label, label);
	if (l->line != line || l->col != col)
		print_message("link '%s' at %d:%d, want %d:%d\n", target, l->line, l->col, line,
		    col);
	assert_int_equal(l->line, line);
	assert_int_equal(l->col, col);
	assert_non_null(l->node);
	assert_null(l->page);
	assert_null(l->href);
}

static void
test_markdown__plain_body_has_no_links(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "Just *text* with [a web link](https://example.org/).\n"), 0);
	assert_int_equal(f->doc.n_links, 0);
	assert_int_equal(f->doc.n_headings, 0);
	assert_non_null(f->doc.root);
	assert_int_equal(f->d.n, 0);
}

static void
test_markdown__empty_body(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, ""), 0);
	assert_int_equal(f->doc.n_links, 0);
	assert_int_equal(f->doc.n_headings, 0);
}

static void
test_markdown__heading_anchor_and_line(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "Intro.\n\n## Early Life\n\ntext\n\nSetext Title\n===\n"), 0);
	assert_int_equal(f->doc.n_headings, 2);
	assert_int_equal(f->doc.headings[0].level, 2);
	assert_string_equal(f->doc.headings[0].text, "Early Life");
	assert_string_equal(f->doc.headings[0].anchor, "early-life");
	assert_int_equal(f->doc.headings[0].line, 6);
	assert_non_null(f->doc.headings[0].node);
	assert_int_equal(f->doc.headings[1].level, 1);
	assert_string_equal(f->doc.headings[1].anchor, "setext-title");
	assert_int_equal(f->doc.headings[1].line, 10);
}

static void
test_markdown__heading_anchor_drops_punctuation(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f,
	    "# What's new? (2019)\n"
	    "# C++ & Rust\n"
	    "# snake_case and kebab-case\n"
	    "# The `foo()` *call*\n"
	    "# Vientiane Vision 2.0\n"
	    "# ASEAN-Japan: Defence\n"), 0);
	assert_int_equal(f->doc.n_headings, 6);
	assert_string_equal(f->doc.headings[0].anchor, "whats-new-2019");
	assert_string_equal(f->doc.headings[1].anchor, "c--rust");
	assert_string_equal(f->doc.headings[2].anchor, "snake_case-and-kebab-case");
	assert_string_equal(f->doc.headings[3].text, "The foo() call");
	assert_string_equal(f->doc.headings[3].anchor, "the-foo-call");
	assert_string_equal(f->doc.headings[4].anchor, "vientiane-vision-20");
	assert_string_equal(f->doc.headings[5].anchor, "asean-japan-defence");
}

static void
test_markdown__duplicate_headings_are_numbered(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "# Notes\n\n## Notes\n\n### notes\n\n# Other\n"), 0);
	assert_int_equal(f->doc.n_headings, 4);
	assert_string_equal(f->doc.headings[0].anchor, "notes");
	assert_string_equal(f->doc.headings[1].anchor, "notes-1");
	assert_string_equal(f->doc.headings[2].anchor, "notes-2");
	assert_string_equal(f->doc.headings[3].anchor, "other");
}

static void
test_markdown__numbering_skips_taken_anchors(void **state)
{
	struct fx *f = *state;

	/* As GitHub: "a", "a-1" (written), then "a" again must not reuse "a-1". */
	assert_int_equal(md(f, "# A\n# A-1\n# A\n"), 0);
	assert_string_equal(f->doc.headings[0].anchor, "a");
	assert_string_equal(f->doc.headings[1].anchor, "a-1");
	assert_string_equal(f->doc.headings[2].anchor, "a-2");
}

static void
test_markdown__anchor_function(void **state)
{
	struct fx *f = *state;

	assert_string_equal(hb_markdown_anchor(&f->a, "Hello World"), "hello-world");
	/* No de-duplication here: the same text gives the same anchor. */
	assert_string_equal(hb_markdown_anchor(&f->a, "Hello World"), "hello-world");
	assert_string_equal(hb_markdown_anchor(&f->a, "  Two  spaces "), "--two--spaces-");
	assert_string_equal(hb_markdown_anchor(&f->a, "Q&A: 1/2"), "qa-12");
	assert_string_equal(hb_markdown_anchor(&f->a, "café"), "café");
}

static void
test_markdown__anchor_lowercases_non_ascii(void **state)
{
	struct fx *f = *state;

	/* GitHub lower-cases every letter: "Élan" -> "élan". */
	assert_string_equal(hb_markdown_anchor(&f->a, "\xC3\x89lan"), "\xC3\xA9lan");
}

static void
test_markdown__anchor_drops_unicode_punctuation(void **state)
{
	struct fx *f = *state;

	/* GitHub drops every non-word character: the en dash of "Japan–ASEAN" goes. */
	assert_string_equal(hb_markdown_anchor(&f->a, "Japan\xE2\x80\x93" "ASEAN"), "japanasean");
	assert_string_equal(hb_markdown_anchor(&f->a, "A \xE2\x80\x94 B"), "a--b");
}

/* Link i of the doc has the sentence before ... after around it. */
static void
sentence_is(const struct fx *f, size_t i, const char *before, const char *after)
{
	assert_string_equal(f->doc.links[i].before, before);
	assert_string_equal(f->doc.links[i].after, after);
}

static void
test_markdown__finish_records_the_sentence_around_each_link(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f,
	    "First sentence. Japan's [[kishi|minister]] spoke, then left. Last one.\n"
	    "\n"
	    "[[vv]] opens a paragraph.\n"), 0);
	hb_markdown_finish(&f->doc, &f->a);
	sentence_is(f, 0, "Japan's ", " spoke, then left.");
	/* A link first in its block: nothing before it (this once read out of bounds). */
	sentence_is(f, 1, "", " opens a paragraph.");
}

/*
 * The sentence around a link shows the other links as readers see them: an unlabelled wiki
 * link by its target's title (known only after the graph), with the tree already dropped.
 */
static void
test_markdown__finish_shows_titles_in_the_sentence_without_the_tree(void **state)
{
	struct fx *f = *state;
	struct hb_page target;

	assert_int_equal(md(f, "See [[kishi]], then [[vv|the vision]] and [[kishi]]. Next one.\n"), 0);
	hb_markdown_drop_tree(&f->doc);
	assert_null(f->doc.root);
	memset(&target, 0, sizeof(target));
	target.title = "Kishi Nobuo";
	f->doc.links[0].page = &target;		/* the graph found [[kishi]]; the last one not */
	hb_markdown_finish(&f->doc, &f->a);
	sentence_is(f, 0, "See ", ", then the vision and kishi.");
	sentence_is(f, 1, "See Kishi Nobuo, then ", " and kishi.");
	sentence_is(f, 2, "See Kishi Nobuo, then the vision and ", ".");
}

/*
 * A link's sentence is cut from its block's text as if the link were not there: one right
 * after a full stop starts a sentence, though the title it shows would not end one. (The
 * block's text is made once for all its links.)
 */
static void
test_markdown__a_link_after_a_full_stop_starts_its_sentence(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "First.[[a]] second [[b]] third. Last [[c|see]].\n"), 0);
	hb_markdown_drop_tree(&f->doc);
	hb_markdown_finish(&f->doc, &f->a);
	sentence_is(f, 0, "", " second b third.");
	sentence_is(f, 1, "First.a second ", " third.");
	sentence_is(f, 2, "Last ", ".");
}

/* A dropped tree parsed again: the same links by index, what the graph set kept, titles shown. */
static void
test_markdown__reparse_restores_the_tree_under_the_same_links(void **state)
{
	struct fx *f = *state;
	struct hb_page target;
	struct hb_buf html = HB_BUF_INIT;
	struct hb_node node;

	assert_int_equal(md(f, "# Top\n\nSee [[kishi]] and [x](b.md).\n"), 0);
	hb_markdown_drop_tree(&f->doc);
	memset(&target, 0, sizeof(target));
	target.title = "Kishi Nobuo";
	f->doc.links[0].page = &target;
	f->doc.links[0].href = "../people/kishi.html";
	f->doc.links[1].href = "b.html";
	assert_int_equal(hb_markdown_reparse(&f->doc, &f->p), 0);
	assert_non_null(f->doc.root);
	assert_int_equal(f->doc.n_links, 2);
	assert_string_equal(f->doc.links[0].href, "../people/kishi.html");
	memset(&node, 0, sizeof(node));
	node.page = &f->p;
	node.doc = f->doc;
	hb_render_init();
	hb_render_body(&html, &node, NULL);
	f->doc.root = node.doc.root;
	assert_non_null(strstr(html.buf, "<a href=\"../people/kishi.html\">Kishi Nobuo</a>"));
	assert_non_null(strstr(html.buf, "<a href=\"b.html\">x</a>"));
	assert_non_null(strstr(html.buf, "id=\"top\""));
	hb_buf_free(&html);
}

static void
test_markdown__finish_cuts_long_context(void **state)
{
	struct fx *f = *state;
	char body[1200];

	memset(body, 'x', 400);
	memcpy(body + 400, " [[a]] ", 7);
	memset(body + 407, 'y', 400);
	strcpy(body + 807, "\n");
	assert_int_equal(md(f, body), 0);
	hb_markdown_finish(&f->doc, &f->a);
	assert_true(strncmp(f->doc.links[0].before, "…", 3) == 0);
	assert_true(strlen(f->doc.links[0].before) <= 160 + 3);
	assert_true(strlen(f->doc.links[0].after) <= 160 + 3);
	assert_string_equal(f->doc.links[0].after + strlen(f->doc.links[0].after) - 3,
	    "…");
}

static void
test_markdown__wiki_link_forms(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f,
	    "See [[kishi]].\n"
	    "Also [[kishi|Mr Kishi]] and [[kishi#early-life]].\n"
	    "Here: [[#background]] and [[kishi#early-life|his youth]].\n"), 0);
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->doc.n_links, 5);
	assert_link(&f->doc.links[0], HB_LINK_WIKI, "kishi", NULL, NULL, 4, 5);
	assert_link(&f->doc.links[1], HB_LINK_WIKI, "kishi", NULL, "Mr Kishi", 5, 6);
	assert_link(&f->doc.links[2], HB_LINK_WIKI, "kishi", "early-life", NULL, 5, 29);
	assert_link(&f->doc.links[3], HB_LINK_WIKI, "", "background", NULL, 6, 7);
	assert_link(&f->doc.links[4], HB_LINK_WIKI, "kishi", "early-life", "his youth", 6, 27);
}

static void
test_markdown__wiki_link_parts_are_trimmed(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "[[ Vientiane Vision | the Vision ]]\n"), 0);
	assert_int_equal(f->doc.n_links, 1);
	assert_link(&f->doc.links[0], HB_LINK_WIKI, "Vientiane Vision", NULL, "the Vision", 4, 1);
}

static void
test_markdown__wiki_link_label_wrapping_lines(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "Before [[kishi|Minister\nKishi Nobuo]] after.\n"), 0);
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->doc.n_links, 1);
	assert_link(&f->doc.links[0], HB_LINK_WIKI, "kishi", NULL, "Minister Kishi Nobuo", 4, 8);
}

static void
test_markdown__wiki_link_target_wrapping_lines(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "A long reference to [[Vientiane\nVision]] here.\n"), 0);
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->doc.n_links, 1);
	assert_link(&f->doc.links[0], HB_LINK_WIKI, "Vientiane Vision", NULL, NULL, 4, 21);
}

static void
test_markdown__wiki_links_in_code_are_not_links(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f,
	    "Write `[[id]]` to link.\n"
	    "\n"
	    "```\n"
	    "[[in a fence]]\n"
	    "```\n"
	    "\n"
	    "    [[indented code]]\n"
	    "\n"
	    "`[[unclosed` in code is fine too.\n"), 0);
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->doc.n_links, 0);
}

static void
test_markdown__link_after_code_span_is_located(void **state)
{
	struct fx *f = *state;

	/* The same text inside a code span earlier on the line is not the link. */
	assert_int_equal(md(f, "`[[a]]` and [[a]]\n"), 0);
	assert_int_equal(f->doc.n_links, 1);
	assert_link(&f->doc.links[0], HB_LINK_WIKI, "a", NULL, NULL, 4, 13);
}

static void
test_markdown__columns_count_characters(void **state)
{
	struct fx *f = *state;

	/* "日本 " is 3 characters (7 bytes); "é " and "ü " are 2 characters each. */
	assert_int_equal(md(f,
	    "\xE6\x97\xA5\xE6\x9C\xAC [[japan]]\n\xC3\xA9 [[a]] \xC3\xBC [[b]]\n"), 0);
	assert_int_equal(f->doc.n_links, 3);
	assert_link(&f->doc.links[0], HB_LINK_WIKI, "japan", NULL, NULL, 4, 4);
	assert_link(&f->doc.links[1], HB_LINK_WIKI, "a", NULL, NULL, 5, 3);
	assert_link(&f->doc.links[2], HB_LINK_WIKI, "b", NULL, NULL, 5, 11);
}

static void
test_markdown__same_link_twice_located_separately(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "[[x]] and\nagain [[x]]\n\n- item [[x]]\n"), 0);
	assert_int_equal(f->doc.n_links, 3);
	assert_link(&f->doc.links[0], HB_LINK_WIKI, "x", NULL, NULL, 4, 1);
	assert_link(&f->doc.links[1], HB_LINK_WIKI, "x", NULL, NULL, 5, 7);
	assert_link(&f->doc.links[2], HB_LINK_WIKI, "x", NULL, NULL, 7, 8);
}

static void
test_markdown__wiki_links_in_blocks(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f,
	    "> quoted [[q]]\n"
	    "\n"
	    "1. listed [[l]]\n"
	    "\n"
	    "## Heading [[h]]\n"
	    "\n"
	    "*emphasised [[e]]*\n"), 0);
	assert_int_equal(f->doc.n_links, 4);
	assert_link(&f->doc.links[0], HB_LINK_WIKI, "q", NULL, NULL, 4, 10);
	assert_link(&f->doc.links[1], HB_LINK_WIKI, "l", NULL, NULL, 6, 11);
	assert_link(&f->doc.links[2], HB_LINK_WIKI, "h", NULL, NULL, 8, 12);
	assert_link(&f->doc.links[3], HB_LINK_WIKI, "e", NULL, NULL, 10, 13);
}

static void
test_markdown__wiki_link_in_table_with_escaped_bar(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "| who | link |\n|---|---|\n| k | [[kishi\\|Kishi]] |\n"), 0);
	assert_int_equal(f->doc.n_links, 1);
	assert_link(&f->doc.links[0], HB_LINK_WIKI, "kishi", NULL, "Kishi", 6, 7);
}

static void
test_markdown__unclosed_wiki_link_is_located(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "Fine [[ok]].\n\nBroken \xC3\xA9 [[oops here.\n"), -1);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "unclosed wiki link", "content/a.md", 6, 10);
}

static void
test_markdown__unclosed_wiki_link_across_paragraphs(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "Open [[x\n\nclose]] later\n"), -1);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "unclosed wiki link", "content/a.md", 4, 6);
}

static void
test_markdown__md_links_are_recorded(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f,
	    "See [Kishi](../people/kishi.md) and [his youth](../people/kishi.md#early-life).\n"
	    "Local [x](x.md).\n"), 0);
	assert_int_equal(f->doc.n_links, 3);
	assert_link(&f->doc.links[0], HB_LINK_MD, "../people/kishi.md", NULL, NULL, 4, 13);
	assert_link(&f->doc.links[1], HB_LINK_MD, "../people/kishi.md", "early-life", NULL, 4, 49);
	assert_link(&f->doc.links[2], HB_LINK_MD, "x.md", NULL, NULL, 5, 11);
}

static void
test_markdown__absolute_and_scheme_urls_are_not_recorded(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f,
	    "[a](https://example.org/a.md) [b](/root/b.md) [c](mailto:c.md)\n"
	    "[d](http://x/y.md#z) [e](notes.txt) [f](dir/) <https://example.org/g.md>\n"
	    "[g](file:x.md) [h](//cdn.example.org/h.md)\n"), 0);
	assert_int_equal(f->doc.n_links, 0);
}

static void
test_markdown__links_inside_links_are_not_wiki_links(void **state)
{
	struct fx *f = *state;

	assert_int_equal(md(f, "[see [[x]] here](https://example.org/)\n"), 0);
	assert_int_equal(f->doc.n_links, 0);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_markdown__plain_body_has_no_links),
		T(test_markdown__empty_body),
		T(test_markdown__heading_anchor_and_line),
		T(test_markdown__heading_anchor_drops_punctuation),
		T(test_markdown__duplicate_headings_are_numbered),
		T(test_markdown__numbering_skips_taken_anchors),
		T(test_markdown__anchor_function),
		T(test_markdown__anchor_lowercases_non_ascii),
		T(test_markdown__anchor_drops_unicode_punctuation),
		T(test_markdown__finish_records_the_sentence_around_each_link),
		T(test_markdown__finish_cuts_long_context),
		T(test_markdown__finish_shows_titles_in_the_sentence_without_the_tree),
		T(test_markdown__a_link_after_a_full_stop_starts_its_sentence),
		T(test_markdown__reparse_restores_the_tree_under_the_same_links),
		T(test_markdown__wiki_link_forms),
		T(test_markdown__wiki_link_parts_are_trimmed),
		T(test_markdown__wiki_link_label_wrapping_lines),
		T(test_markdown__wiki_link_target_wrapping_lines),
		T(test_markdown__wiki_links_in_code_are_not_links),
		T(test_markdown__link_after_code_span_is_located),
		T(test_markdown__columns_count_characters),
		T(test_markdown__same_link_twice_located_separately),
		T(test_markdown__wiki_links_in_blocks),
		T(test_markdown__wiki_link_in_table_with_escaped_bar),
		T(test_markdown__unclosed_wiki_link_is_located),
		T(test_markdown__unclosed_wiki_link_across_paragraphs),
		T(test_markdown__md_links_are_recorded),
		T(test_markdown__absolute_and_scheme_urls_are_not_recorded),
		T(test_markdown__links_inside_links_are_not_wiki_links),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
