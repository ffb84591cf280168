/* Unit tests for buf.h: strbuf's invariants (never NULL, NUL-terminated, len excludes the NUL). */
#include "unit.h"

#include "buf.h"

/* The invariants every function must keep. */
static void
check_invariants(const struct hb_buf *b)
{
	assert_non_null(b->buf);
	assert_int_equal(b->buf[b->len], '\0');
	if (b->alloc)
		assert_true(b->len < b->alloc);
	else
		assert_int_equal(b->len, 0);
}

static void
test_buf__init_is_empty_and_terminated(void **state)
{
	struct hb_buf a = HB_BUF_INIT, b;

	(void)state;
	hb_buf_init(&b);
	check_invariants(&a);
	check_invariants(&b);
	assert_string_equal(a.buf, "");
	assert_string_equal(b.buf, "");
	assert_int_equal(a.alloc, 0);
	hb_buf_free(&a);
	hb_buf_free(&b);
	check_invariants(&a);
}

static void
test_buf__put_puts_putc_append(void **state)
{
	struct hb_buf b = HB_BUF_INIT;

	(void)state;
	hb_buf_puts(&b, "ab");
	hb_buf_putc(&b, 'c');
	hb_buf_put(&b, "defXYZ", 3);
	hb_buf_put(&b, "", 0);
	check_invariants(&b);
	assert_string_equal(b.buf, "abcdef");
	assert_int_equal(b.len, 6);
	hb_buf_free(&b);
}

static void
test_buf__put_keeps_embedded_nul(void **state)
{
	struct hb_buf b = HB_BUF_INIT;

	(void)state;
	hb_buf_put(&b, "a\0b", 3);
	check_invariants(&b);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.buf, "a\0b\0", 4);
	hb_buf_free(&b);
}

static void
test_buf__grows_across_many_reallocations(void **state)
{
	struct hb_buf b = HB_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		hb_buf_putc(&b, 'a' + (int)(i % 26));
		check_invariants(&b);
	}
	assert_int_equal(b.len, 10000);
	for (i = 0; i < 10000; i++)
		assert_int_equal(b.buf[i], 'a' + (int)(i % 26));
	hb_buf_free(&b);
}

static void
test_buf__grow_reserves_without_changing_content(void **state)
{
	struct hb_buf b = HB_BUF_INIT;
	char *before;

	(void)state;
	hb_buf_puts(&b, "xy");
	hb_buf_grow(&b, 1000);
	check_invariants(&b);
	assert_true(b.alloc >= 2 + 1000 + 1);
	assert_string_equal(b.buf, "xy");
	before = b.buf;
	hb_buf_put(&b, "0123456789", 10);	/* fits in the reserved room: no move */
	assert_ptr_equal(b.buf, before);
	assert_string_equal(b.buf, "xy0123456789");
	hb_buf_free(&b);
}

static void
test_buf__printf_formats_and_appends(void **state)
{
	struct hb_buf b = HB_BUF_INIT;

	(void)state;
	hb_buf_printf(&b, "%s-%d", "a", 42);
	hb_buf_printf(&b, "|%05.1f|%c", 3.14159, 'z');
	check_invariants(&b);
	assert_string_equal(b.buf, "a-42|003.1|z");
	assert_int_equal(b.len, strlen("a-42|003.1|z"));
	hb_buf_free(&b);
}

static void
test_buf__printf_longer_than_room(void **state)
{
	struct hb_buf b = HB_BUF_INIT;
	char big[5001];
	size_t i;

	(void)state;
	memset(big, 'q', 5000);
	big[5000] = '\0';
	hb_buf_puts(&b, "<");
	hb_buf_printf(&b, "%s>", big);
	check_invariants(&b);
	assert_int_equal(b.len, 5002);
	assert_int_equal(b.buf[0], '<');
	for (i = 1; i <= 5000; i++)
		assert_int_equal(b.buf[i], 'q');
	assert_int_equal(b.buf[5001], '>');
	/* Many short appends, each across whatever room is left. */
	hb_buf_reset(&b);
	for (i = 0; i < 1000; i++)
		hb_buf_printf(&b, "%03zu,", i);
	check_invariants(&b);
	assert_int_equal(b.len, 4000);
	assert_memory_equal(b.buf, "000,001,002,", 12);
	assert_memory_equal(b.buf + 3996, "999,", 4);
	hb_buf_free(&b);
}

static void
test_buf__printf_empty_result(void **state)
{
	struct hb_buf b = HB_BUF_INIT;

	(void)state;
	hb_buf_printf(&b, "%s", "");
	check_invariants(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	hb_buf_free(&b);
}

static void
vprintf_helper(struct hb_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hb_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static void
test_buf__vprintf_uses_va_list(void **state)
{
	struct hb_buf b = HB_BUF_INIT;

	(void)state;
	vprintf_helper(&b, "%d+%d=%s", 1, 2, "three");
	vprintf_helper(&b, "%s", "!");
	assert_string_equal(b.buf, "1+2=three!");
	hb_buf_free(&b);
}

/* The decimal writers print what printf's %llu and %lld print, at the ends of the range too. */
static void
test_buf__put_decimal_as_printf(void **state)
{
	const long long v[] = { 0, 7, -7, 10, 1234567890123LL, -9223372036854775807LL - 1,
		9223372036854775807LL };
	struct hb_buf got = HB_BUF_INIT, want = HB_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(*v); i++) {
		hb_buf_put_int(&got, v[i]);
		hb_buf_putc(&got, ' ');
		hb_buf_put_uint(&got, (unsigned long long)v[i]);
		hb_buf_putc(&got, ' ');
		hb_buf_printf(&want, "%lld %llu ", v[i], (unsigned long long)v[i]);
	}
	assert_string_equal(got.buf, want.buf);
	hb_buf_free(&got);
	hb_buf_free(&want);
}

static void
test_buf__put_html_escapes_five_characters(void **state)
{
	struct hb_buf b = HB_BUF_INIT;
	const char *s = "a&b<c>d\"e'f";

	(void)state;
	hb_buf_put_html(&b, s, strlen(s));
	check_invariants(&b);
	assert_string_equal(b.buf, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	hb_buf_free(&b);
}

static void
test_buf__put_html_respects_len_and_plain_text(void **state)
{
	struct hb_buf b = HB_BUF_INIT;

	(void)state;
	hb_buf_puts(&b, "[");
	hb_buf_put_html(&b, "plain <tail", 5);	/* only "plain" */
	hb_buf_put_html(&b, "", 0);
	hb_buf_put_html(&b, "&&", 2);
	hb_buf_puts(&b, "]");
	assert_string_equal(b.buf, "[plain&amp;&amp;]");
	hb_buf_free(&b);
}

static void
test_buf__detach_hands_over_and_leaves_empty(void **state)
{
	struct hb_buf b = HB_BUF_INIT;
	size_t len = 99;
	char *s;

	(void)state;
	hb_buf_puts(&b, "hello");
	s = hb_buf_detach(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	check_invariants(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	/* Still usable, and independent of the detached bytes. */
	hb_buf_puts(&b, "again");
	assert_string_equal(s, "hello");
	assert_string_equal(b.buf, "again");
	free(s);
	hb_buf_free(&b);
}

static void
test_buf__detach_of_empty_buffer_is_freeable(void **state)
{
	struct hb_buf b = HB_BUF_INIT;
	size_t len = 99;
	char *s;

	(void)state;
	s = hb_buf_detach(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	assert_ptr_not_equal(s, hb_buf_empty);
	free(s);
	s = hb_buf_detach(&b, NULL);
	assert_string_equal(s, "");
	free(s);
	check_invariants(&b);
}

static void
test_buf__reset_empties_but_keeps_allocation(void **state)
{
	struct hb_buf b = HB_BUF_INIT;
	size_t alloc;

	(void)state;
	hb_buf_puts(&b, "some text");
	alloc = b.alloc;
	hb_buf_reset(&b);
	check_invariants(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	assert_int_equal(b.alloc, alloc);
	hb_buf_puts(&b, "x");
	assert_string_equal(b.buf, "x");
	hb_buf_free(&b);
	/* Reset of a never-used buffer keeps it valid too. */
	hb_buf_reset(&b);
	check_invariants(&b);
	assert_string_equal(hb_buf_empty, "");
}

static void
test_buf__free_returns_to_initial_state(void **state)
{
	struct hb_buf b = HB_BUF_INIT;

	(void)state;
	hb_buf_puts(&b, "abc");
	hb_buf_free(&b);
	check_invariants(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.alloc, 0);
	hb_buf_free(&b);	/* twice is fine */
	hb_buf_puts(&b, "reuse");
	assert_string_equal(b.buf, "reuse");
	hb_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf__init_is_empty_and_terminated),
		cmocka_unit_test(test_buf__put_puts_putc_append),
		cmocka_unit_test(test_buf__put_keeps_embedded_nul),
		cmocka_unit_test(test_buf__grows_across_many_reallocations),
		cmocka_unit_test(test_buf__grow_reserves_without_changing_content),
		cmocka_unit_test(test_buf__printf_formats_and_appends),
		cmocka_unit_test(test_buf__printf_longer_than_room),
		cmocka_unit_test(test_buf__printf_empty_result),
		cmocka_unit_test(test_buf__vprintf_uses_va_list),
		cmocka_unit_test(test_buf__put_decimal_as_printf),
		cmocka_unit_test(test_buf__put_html_escapes_five_characters),
		cmocka_unit_test(test_buf__put_html_respects_len_and_plain_text),
		cmocka_unit_test(test_buf__detach_hands_over_and_leaves_empty),
		cmocka_unit_test(test_buf__detach_of_empty_buffer_is_freeable),
		cmocka_unit_test(test_buf__reset_empties_but_keeps_allocation),
		cmocka_unit_test(test_buf__free_returns_to_initial_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
