/* Unit tests for wdiff.h: word-level differences as HTML. */
#include "unit.h"

#include "wdiff.h"

static char *
wdiff(const char *a, const char *b, struct hb_wdiff_stats *st)
{
	struct hb_buf out = HB_BUF_INIT;

	hb_wdiff_html(&out, a, strlen(a), b, strlen(b), st);
	return hb_buf_detach(&out, NULL);
}

static void
test_wdiff__one_word_changed(void **state)
{
	struct hb_wdiff_stats st;
	char *s = wdiff("The meeting was held in Jakarta.", "The meeting was held in Bangkok.", &st);

	(void)state;
	assert_string_equal(s, "The meeting was held in <del>Jakarta.</del><ins>Bangkok.</ins>");
	assert_int_equal(st.words_deleted, 1);
	assert_int_equal(st.words_inserted, 1);
	free(s);
}

static void
test_wdiff__insertion_and_deletion_in_the_middle(void **state)
{
	struct hb_wdiff_stats st;
	char *s = wdiff("a b c d", "a x b d", &st);

	(void)state;
	assert_string_equal(s, "a <ins>x</ins> b <del>c</del> d");
	assert_int_equal(st.words_deleted, 1);
	assert_int_equal(st.words_inserted, 1);
	free(s);
}

static void
test_wdiff__identical_texts_have_no_marks(void **state)
{
	char *s = wdiff("same text", "same text", NULL);

	(void)state;
	assert_string_equal(s, "same text");
	free(s);
}

static void
test_wdiff__text_is_escaped(void **state)
{
	char *s = wdiff("<b>", "<i> & \"q\"", NULL);

	(void)state;
	assert_string_equal(s, "<del>&lt;b&gt;</del><ins>&lt;i&gt; &amp; &quot;q&quot;</ins>");
	free(s);
}

static void
test_wdiff__long_unchanged_stretches_are_elided(void **state)
{
	struct hb_buf a = HB_BUF_INIT, b = HB_BUF_INIT;
	char *s;
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		hb_buf_printf(&a, "w%d ", i);
		hb_buf_printf(&b, "w%d ", i == 50 ? 999 : i);
	}
	s = wdiff(a.buf, b.buf, NULL);
	assert_non_null(strstr(s, "<del>w50</del><ins>w999</ins>"));
	assert_non_null(strstr(s, "…"));
	assert_null(strstr(s, "w10 "));		/* far from the change: elided */
	assert_non_null(strstr(s, "w40 "));	/* within the context */
	assert_non_null(strstr(s, "w60 "));
	assert_null(strstr(s, "w90 "));
	free(s);
	hb_buf_free(&a);
	hb_buf_free(&b);
}

static void
test_wdiff__a_rewrite_past_the_edit_limit_is_shown_whole(void **state)
{
	struct hb_buf a = HB_BUF_INIT, b = HB_BUF_INIT;
	struct hb_wdiff_stats st;
	char *s;
	int i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		hb_buf_printf(&a, "a%d ", i);
		hb_buf_printf(&b, "b%d ", i);
	}
	s = wdiff(a.buf, b.buf, &st);
	assert_int_equal(st.words_deleted, 3000);
	assert_int_equal(st.words_inserted, 3000);
	assert_true(strncmp(s, "<del>a0 ", 8) == 0);
	free(s);
	hb_buf_free(&a);
	hb_buf_free(&b);
}

static void
test_wdiff__empty_sides(void **state)
{
	char *s = wdiff("", "new words", NULL), *t = wdiff("old", "", NULL), *u = wdiff("", "", NULL);

	(void)state;
	assert_string_equal(s, "<ins>new words</ins>");
	assert_string_equal(t, "<del>old</del>");
	assert_string_equal(u, "");
	free(s);
	free(t);
	free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wdiff__one_word_changed),
		cmocka_unit_test(test_wdiff__insertion_and_deletion_in_the_middle),
		cmocka_unit_test(test_wdiff__identical_texts_have_no_marks),
		cmocka_unit_test(test_wdiff__text_is_escaped),
		cmocka_unit_test(test_wdiff__long_unchanged_stretches_are_elided),
		cmocka_unit_test(test_wdiff__a_rewrite_past_the_edit_limit_is_shown_whole),
		cmocka_unit_test(test_wdiff__empty_sides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
