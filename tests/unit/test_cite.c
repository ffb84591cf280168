/* Unit tests for cite.h: how quotations are normalized before they are compared. */
#include "unit.h"

#include "cite.h"

static void
assert_normalizes(const char *in, const char *want)
{
	struct hb_buf b = HB_BUF_INIT;

	hb_cite_normalize(&b, in, strlen(in));
	assert_string_equal(b.buf, want);
	hb_buf_free(&b);
}

static void
test_cite__white_space_collapses_and_is_trimmed(void **state)
{
	(void)state;
	assert_normalizes("  a \t b\n\nc  ", "a b c");
	assert_normalizes("a\xC2\xA0" "b", "a b");		/* no-break space */
	assert_normalizes("a\xE3\x80\x80" "b", "a b");		/* ideographic space */
	assert_normalizes("", "");
}

static void
test_cite__quote_marks_are_one_mark(void **state)
{
	(void)state;
	assert_normalizes("\xE2\x80\x9C" "x" "\xE2\x80\x9D", "\"x\"");	/* “x” */
	assert_normalizes("Japan\xE2\x80\x99s", "Japan\"s");		/* Japan’s */
	assert_normalizes("'x' \"y\" \xC2\xABz\xC2\xBB", "\"x\" \"y\" \"z\"");
	assert_normalizes("\xE3\x80\x8C" "a" "\xE3\x80\x8D", "\"a\"");	/* 「a」 */
}

static void
test_cite__dashes_are_one_dash(void **state)
{
	(void)state;
	assert_normalizes("a \xE2\x80\x94 b", "a - b");		/* em dash */
	assert_normalizes("a -- b", "a - b");
	assert_normalizes("1990\xE2\x80\x93" "2000", "1990-2000");	/* en dash */
	assert_normalizes("Japan-ASEAN", "Japan-ASEAN");
}

static void
test_cite__other_characters_are_kept(void **state)
{
	(void)state;
	assert_normalizes("Défense, 防衛省.", "Défense, 防衛省.");
	assert_normalizes("A\xFF" "B", "A\xFF" "B");		/* a stray byte stays itself */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cite__white_space_collapses_and_is_trimmed),
		cmocka_unit_test(test_cite__quote_marks_are_one_mark),
		cmocka_unit_test(test_cite__dashes_are_one_dash),
		cmocka_unit_test(test_cite__other_characters_are_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
