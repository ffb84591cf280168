/* Unit tests for search.h: tokens and the index's shape. */
#include "unit.h"

#include "search.h"

static void
collect(void *ctx, const char *token, size_t len)
{
	struct hb_buf *b = ctx;

	hb_buf_put(b, token, len);
	hb_buf_putc(b, '|');
}

static void
assert_tokens(const char *text, const char *want)
{
	struct hb_buf b = HB_BUF_INIT;

	hb_search_tokens(text, strlen(text), collect, &b);
	assert_string_equal(b.buf, want);
	hb_buf_free(&b);
}

static void
test_search__words_are_lower_case_without_single_letters(void **state)
{
	(void)state;
	assert_tokens("The Vientiane Vision, 2016: a plan.", "the|vientiane|vision|2016|plan|");
	assert_tokens("Japan's ADMM-Plus", "japan|admm|plus|");
	assert_tokens("", "");
}

static void
test_search__diacritics_are_folded(void **state)
{
	(void)state;
	assert_tokens("Défense Kōno Ærø straße", "defense|kono|aero|strasse|");
	assert_tokens("\xEF\xBC\xA1\xEF\xBC\xA4\xEF\xBC\xAD\xEF\xBC\xAD", "admm|");	/* full width */
}

static void
test_search__cjk_runs_become_bigrams(void **state)
{
	(void)state;
	assert_tokens("防衛省", "防衛|衛省|");
	assert_tokens("日ASEAN防衛", "日|asean|防衛|");
	assert_tokens("防", "防|");
}

static void
test_search__invalid_utf8_ends_words(void **state)
{
	(void)state;
	assert_tokens("ab\xFF" "cd \xE3\x81", "ab|cd|");
}

static void
test_search__index_lists_documents_and_weighted_postings(void **state)
{
	struct hb_search s;
	struct hb_buf idx = HB_BUF_INIT, txt = HB_BUF_INIT;
	const char *heads[] = { "Vision" };
	struct hb_search_doc a = { "Vision", "a.html", "Notes", "x", heads, 1, "vision text" };
	struct hb_search_doc b = { "Other", "b.html", "", NULL, NULL, 0, "the vision </script>" };

	(void)state;
	hb_search_init(&s);
	hb_search_add(&s, &a);
	hb_search_add(&s, &b);
	hb_search_write(&s, &idx, &txt);
	assert_non_null(strstr(idx.buf, "[\"Vision\",\"a.html\",\"Notes\",\"x\"]"));
	assert_non_null(strstr(idx.buf, "[\"Other\",\"b.html\",\"\",\"\"]"));
	/* "vision": doc 0 weighs title 10 + heading 5 + text 1 = 16 ("g" in base 36), then doc 1
	 * (delta 1) with 1. */
	assert_non_null(strstr(idx.buf, "\"0.g 1.1\""));
	assert_non_null(strstr(txt.buf, "\"the vision <\\/script>\""));	/* cannot end a script */
	hb_buf_free(&idx);
	hb_buf_free(&txt);
	hb_search_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search__words_are_lower_case_without_single_letters),
		cmocka_unit_test(test_search__diacritics_are_folded),
		cmocka_unit_test(test_search__cjk_runs_become_bigrams),
		cmocka_unit_test(test_search__invalid_utf8_ends_words),
		cmocka_unit_test(test_search__index_lists_documents_and_weighted_postings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
