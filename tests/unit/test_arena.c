/* Unit tests for arena.h: zeroed, aligned bump allocations released all at once. */
#include "unit.h"

#include <stdint.h>

#include "arena.h"

static int
is_aligned(const void *p)
{
	return (uintptr_t)p % _Alignof(max_align_t) == 0;	/* as malloc guarantees */
}

static int
all_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] != 0)
			return 0;
	}
	return 1;
}

static void
test_arena__allocations_are_zeroed_and_aligned(void **state)
{
	struct hb_arena a;
	size_t sizes[] = { 1, 3, 7, 8, 15, 16, 17, 100, 1000 }, i;

	(void)state;
	hb_arena_init(&a);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = hb_arena_alloc(&a, sizes[i]);

		assert_non_null(p);
		assert_true(is_aligned(p));
		assert_true(all_zero(p, sizes[i]));
		/* Dirty it: later allocations must still come zeroed. */
		memset(p, 0xAB, sizes[i]);
	}
	hb_arena_free(&a);
}

static void
test_arena__allocations_do_not_overlap(void **state)
{
	struct hb_arena a;
	unsigned char *p[500];
	size_t i, j;

	(void)state;
	hb_arena_init(&a);
	/* Enough to span several blocks, including large ones that get their own block. */
	for (i = 0; i < 500; i++) {
		size_t len = (i % 7 == 0) ? 20000 : 1 + i % 97;

		p[i] = hb_arena_alloc(&a, len);
		assert_true(is_aligned(p[i]));
		assert_true(all_zero(p[i], len));
		memset(p[i], (int)(i % 251) + 1, len);
	}
	for (i = 0; i < 500; i++) {
		size_t len = (i % 7 == 0) ? 20000 : 1 + i % 97;

		for (j = 0; j < len; j++)
			assert_int_equal(p[i][j], (int)(i % 251) + 1);
	}
	hb_arena_free(&a);
}

static void
test_arena__large_allocation_is_zeroed(void **state)
{
	struct hb_arena a;
	unsigned char *small, *big, *after;

	(void)state;
	hb_arena_init(&a);
	small = hb_arena_alloc(&a, 10);
	memset(small, 1, 10);
	big = hb_arena_alloc(&a, 1 << 20);
	assert_true(is_aligned(big));
	assert_true(all_zero(big, 1 << 20));
	memset(big, 2, 1 << 20);
	after = hb_arena_alloc(&a, 10);
	assert_true(all_zero(after, 10));
	assert_int_equal(small[9], 1);
	assert_int_equal(big[(1 << 20) - 1], 2);
	hb_arena_free(&a);
}

static void
test_arena__zero_length_allocation_is_valid(void **state)
{
	struct hb_arena a;
	void *p, *q;

	(void)state;
	hb_arena_init(&a);
	p = hb_arena_alloc(&a, 0);
	assert_non_null(p);
	q = hb_arena_alloc(&a, 8);
	assert_non_null(q);
	memset(q, 0xff, 8);
	hb_arena_free(&a);
}

static void
test_arena__strdup_and_strndup_copy(void **state)
{
	struct hb_arena a;
	char src[] = "hello world";
	char *s, *t, *e;

	(void)state;
	hb_arena_init(&a);
	s = hb_arena_strdup(&a, src);
	t = hb_arena_strndup(&a, src, 5);
	e = hb_arena_strndup(&a, src, 0);
	src[0] = 'J';
	assert_string_equal(s, "hello world");
	assert_ptr_not_equal(s, src);
	assert_string_equal(t, "hello");
	assert_string_equal(e, "");
	hb_arena_free(&a);
}

static void
test_arena__strndup_copies_embedded_bytes_exactly(void **state)
{
	struct hb_arena a;
	char *s;

	(void)state;
	hb_arena_init(&a);
	s = hb_arena_strndup(&a, "ab\0cd", 5);
	assert_memory_equal(s, "ab\0cd\0", 6);
	hb_arena_free(&a);
}

static void
test_arena__printf_formats(void **state)
{
	struct hb_arena a;
	char big[3000];
	char *s;

	(void)state;
	hb_arena_init(&a);
	s = hb_arena_printf(&a, "%s/%s.html", "meetings", "x");
	assert_string_equal(s, "meetings/x.html");
	s = hb_arena_printf(&a, "%d-%02d", 2019, 3);
	assert_string_equal(s, "2019-03");
	s = hb_arena_printf(&a, "%s", "");
	assert_string_equal(s, "");
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = hb_arena_printf(&a, "[%s]", big);
	assert_int_equal(strlen(s), sizeof(big) + 1);
	assert_int_equal(s[0], '[');
	assert_int_equal(s[sizeof(big)], ']');
	hb_arena_free(&a);
}

static void
test_arena__free_then_reuse(void **state)
{
	struct hb_arena a;
	char *s;

	(void)state;
	hb_arena_init(&a);
	hb_arena_alloc(&a, 100);
	hb_arena_alloc(&a, 100000);
	hb_arena_free(&a);
	assert_null(a.head);
	s = hb_arena_strdup(&a, "again");
	assert_string_equal(s, "again");
	hb_arena_free(&a);
	hb_arena_free(&a);	/* freeing an empty arena is harmless */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena__allocations_are_zeroed_and_aligned),
		cmocka_unit_test(test_arena__allocations_do_not_overlap),
		cmocka_unit_test(test_arena__large_allocation_is_zeroed),
		cmocka_unit_test(test_arena__zero_length_allocation_is_valid),
		cmocka_unit_test(test_arena__strdup_and_strndup_copy),
		cmocka_unit_test(test_arena__strndup_copies_embedded_bytes_exactly),
		cmocka_unit_test(test_arena__printf_formats),
		cmocka_unit_test(test_arena__free_then_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
