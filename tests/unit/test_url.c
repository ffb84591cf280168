/* Unit tests for url.h: which URLs may be emitted, and the filter over template output. */
#include "unit.h"

#include "url.h"

static int
safe(const char *u, int is_image)
{
	return hb_url_is_safe(u, strlen(u), is_image);
}

static char *
filtered(const char *html)
{
	struct hb_buf b = HB_BUF_INIT;

	hb_buf_puts(&b, html);
	hb_url_filter_html(&b, 0, b.len);
	return hb_buf_detach(&b, NULL);
}

static void
test_url__schemes_read_as_browsers_read_them(void **state)
{
	(void)state;
	assert_false(safe("javascript:alert(1)", 0));
	assert_false(safe("  JaVaScRiPt:alert(1)", 0));
	assert_false(safe("java\tscript:x", 0));
	assert_false(safe("java\nscript:x", 0));
	assert_false(safe("&#106;avascript:x", 0));
	assert_false(safe("&#x6A;avascript:x", 0));
	assert_false(safe("javascript&colon;x", 0));
	assert_false(safe("\x01javascript:x", 0));
	assert_false(safe("vbscript:x", 0));
	assert_false(safe("file:///etc/passwd", 0));
	assert_false(safe("data:text/html,x", 0));
	assert_false(safe("data:text/html,x", 1));
	assert_false(safe("data:image/png;base64,AA", 0));
}

static void
test_url__ordinary_urls_pass(void **state)
{
	(void)state;
	assert_true(safe("https://example.org/a?b=1#c", 0));
	assert_true(safe("mailto:editor@example.org", 0));
	assert_true(safe("../people/kishi.html", 0));
	assert_true(safe("#p3", 0));
	assert_true(safe("", 0));
	assert_true(safe("javascript.html", 0));	/* a file name, not a scheme */
	assert_true(safe("./javascript:x", 0));
	assert_true(safe("data:image/png;base64,AA", 1));
	assert_true(safe("DATA:IMAGE/svg+xml,x", 1));
}

static void
test_url__filter_empties_unsafe_attribute_values(void **state)
{
	char *s;

	(void)state;
	s = filtered("<a href=\"javascript:x\">a</a><a href='vbscript:y'>b</a><a href=file:z>c</a>");
	assert_string_equal(s, "<a href=\"\">a</a><a href=''>b</a><a href=>c</a>");
	free(s);
	s = filtered("<img src=\"data:image/png;base64,AA\" alt=\"\"><iframe src=\"data:text/html,x\">");
	assert_string_equal(s, "<img src=\"data:image/png;base64,AA\" alt=\"\"><iframe src=\"\">");
	free(s);
	s = filtered("<meta http-equiv=\"refresh\" content=\"0; url=javascript:x\"><img srcset=\"a.png 1x, javascript:b 2x\">");
	assert_string_equal(s, "<meta http-equiv=\"refresh\" content=\"\"><img srcset=\"\">");
	free(s);
	s = filtered("<FORM ACTION=\"JAVASCRIPT:x\"><button formaction=\"javascript:y\">");
	assert_string_equal(s, "<FORM ACTION=\"\"><button formaction=\"\">");
	free(s);
}

static void
test_url__filter_leaves_text_scripts_and_comments_alone(void **state)
{
	const char *html = "<p>javascript:alert(1) in text</p><!-- <a href=\"javascript:x\"> -->"
	    "<script>var s = \"<a href='javascript:y'>\";</script><a title=\"javascript:z\">t</a>";
	char *s = filtered(html);

	(void)state;
	assert_string_equal(s, html);
	free(s);
}

static void
test_url__filter_works_on_a_range_and_reports_what_it_removed(void **state)
{
	struct hb_buf b = HB_BUF_INIT;
	size_t removed;

	(void)state;
	hb_buf_puts(&b, "<a href=\"javascript:1\">x</a>|<a href=\"javascript:2\">y</a>");
	removed = hb_url_filter_html(&b, 0, 27);	/* the first link only */
	assert_int_equal(removed, strlen("javascript:1"));
	assert_string_equal(b.buf, "<a href=\"\">x</a>|<a href=\"javascript:2\">y</a>");
	hb_buf_free(&b);
}

static void
test_url__clean_html_is_what_the_filter_leaves_and_ends_between_tags(void **state)
{
	static const char *const clean[] = {
		"<li><a href=\"../a.html\">A &amp; B</a></li>\n", "text only", "a < b > c", "",
	};
	static const char *const unclean[] = {
		"<li><a href=\"javascript:x\">x</a></li>",	/* the filter changes it */
		"<a ",				/* ends inside a tag: what follows is its attributes */
		"<a title=\"x",			/* inside a quoted value */
		"x <",				/* a '<' whose tag may follow */
		"<!-- x -->", "<script>x</script>", "<style>p{}</style>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(clean) / sizeof(clean[0]); i++)
		assert_true(hb_url_is_clean_html(clean[i], strlen(clean[i])));
	for (i = 0; i < sizeof(unclean) / sizeof(unclean[0]); i++)
		assert_false(hb_url_is_clean_html(unclean[i], strlen(unclean[i])));
}

/* Skipping clean spans gives the bytes the full filter gives, around removals too. */
static void
test_url__skipping_clean_spans_filters_the_rest_the_same(void **state)
{
	const char *item = "<li><a href=\"x.html\">x</a></li>";
	struct hb_buf a = HB_BUF_INIT, b = HB_BUF_INIT;
	struct hb_url_span spans[3];
	size_t n = 0, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		hb_buf_puts(&b, "<a href=\"javascript:bad\">t</a>");
		spans[n].start = b.len;
		hb_buf_puts(&b, item);
		hb_buf_puts(&b, item);
		spans[n++].end = b.len;
	}
	hb_buf_puts(&b, "<a href='vbscript:z'>");
	hb_buf_put(&a, b.buf, b.len);
	assert_int_equal(hb_url_filter_html_skipping(&b, 0, b.len, spans, n),
	    hb_url_filter_html(&a, 0, a.len));
	assert_string_equal(b.buf, a.buf);
	assert_null(strstr(b.buf, "script:"));
	hb_buf_free(&a);
	hb_buf_free(&b);
}

/* A "clean" span that a tag before it runs into is not skipped: the tag is filtered whole. */
static void
test_url__a_span_inside_a_tag_is_not_skipped(void **state)
{
	struct hb_buf b = HB_BUF_INIT;
	struct hb_url_span span;

	(void)state;
	hb_buf_puts(&b, "<a title=\"");
	span.start = b.len;
	hb_buf_puts(&b, "text");
	span.end = b.len;
	hb_buf_puts(&b, "\" href=\"javascript:x\">");
	hb_url_filter_html_skipping(&b, 0, b.len, &span, 1);
	assert_string_equal(b.buf, "<a title=\"text\" href=\"\">");
	hb_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url__schemes_read_as_browsers_read_them),
		cmocka_unit_test(test_url__ordinary_urls_pass),
		cmocka_unit_test(test_url__filter_empties_unsafe_attribute_values),
		cmocka_unit_test(test_url__filter_leaves_text_scripts_and_comments_alone),
		cmocka_unit_test(test_url__filter_works_on_a_range_and_reports_what_it_removed),
		cmocka_unit_test(test_url__clean_html_is_what_the_filter_leaves_and_ends_between_tags),
		cmocka_unit_test(test_url__skipping_clean_spans_filters_the_rest_the_same),
		cmocka_unit_test(test_url__a_span_inside_a_tag_is_not_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
