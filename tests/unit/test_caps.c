/* Unit tests for caps.h: what a page may hold, checked before parsing. */
#include "unit.h"

#include "buf.h"
#include "caps.h"

struct fx {
	struct hb_diag d;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	hb_diag_init(&f->d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	hb_diag_free(&f->d);
	free(f);
	return 0;
}

static int
check(struct fx *f, const char *text, size_t len)
{
	return hb_caps_check_page("content/a.md", text, len, &f->d);
}

static void
test_caps__an_ordinary_page_passes(void **state)
{
	struct fx *f = *state;
	const char *page = "---\ntitle: \"Ōno\"\n---\n> - one\n>   - two [[x]] ![i](a.png)\n1. 防衛\n";

	assert_int_equal(check(f, page, strlen(page)), 0);
	assert_int_equal(f->d.n_errors, 0);
}

static void
test_caps__nesting_past_the_limit_is_located(void **state)
{
	struct fx *f = *state;
	struct hb_buf b = HB_BUF_INIT;
	int i;

	hb_buf_puts(&b, "intro\n");
	for (i = 0; i < 40; i++)
		hb_buf_puts(&b, "> ");
	hb_buf_puts(&b, "x\n");
	assert_int_equal(check(f, b.buf, b.len), -1);
	ut_assert_error_at(&f->d, "nested more than 32 deep", "content/a.md", 2, 65);
	hb_buf_free(&b);
}

static void
test_caps__indentation_counts_as_nesting(void **state)
{
	struct fx *f = *state;
	struct hb_buf b = HB_BUF_INIT;
	int i;

	for (i = 0; i < 40; i++) {
		hb_buf_printf(&b, "%*s- x\n", 2 * i, "");
	}
	assert_int_equal(check(f, b.buf, b.len), -1);
	assert_int_equal(f->d.n_errors, 1);
	hb_buf_free(&b);
}

static void
test_caps__brackets_past_the_limit(void **state)
{
	struct fx *f = *state;
	struct hb_buf b = HB_BUF_INIT;
	int i;

	for (i = 0; i < 5001; i++)
		hb_buf_puts(&b, "![[]()");
	hb_buf_putc(&b, '\n');
	assert_int_equal(check(f, b.buf, b.len), -1);
	ut_assert_error_at(&f->d, "more than 10000 '['", "content/a.md", 1, 30002);
	hb_buf_free(&b);
}

static void
test_caps__invalid_utf8_is_located_in_characters(void **state)
{
	struct fx *f = *state;
	const char page[] = "ok\nŌno \xc0\xaf";

	assert_int_equal(check(f, page, sizeof(page) - 1), -1);
	ut_assert_error_at(&f->d, "invalid UTF-8 (byte 0xc0)", "content/a.md", 2, 5);
}

static void
test_caps__surrogates_and_out_of_range_code_points_are_invalid(void **state)
{
	struct fx *f = *state;

	assert_int_equal(check(f, "\xed\xa0\x80", 3), -1);
	assert_int_equal(check(f, "\xf4\x90\x80\x80", 4), -1);
	assert_int_equal(check(f, "\xe2\x82", 2), -1);	/* cut short */
	assert_int_equal(f->d.n_errors, 3);
}

static void
test_caps__long_line_and_nul(void **state)
{
	struct fx *f = *state;
	size_t n = HB_CAP_LINE_BYTES + 1;
	char *line = malloc(n + 8);

	memset(line, 'x', n);
	memcpy(line + n, "\nab\0c\n", 6);
	assert_int_equal(check(f, line, n + 6), -1);
	ut_assert_error_at(&f->d, "line is 100001 bytes long", "content/a.md", 1, 1);
	ut_assert_error_at(&f->d, "NUL byte", "content/a.md", 2, 3);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_caps__an_ordinary_page_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps__nesting_past_the_limit_is_located, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps__indentation_counts_as_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps__brackets_past_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps__invalid_utf8_is_located_in_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps__surrogates_and_out_of_range_code_points_are_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps__long_line_and_nul, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
