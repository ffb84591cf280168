/* Unit tests for map.h: string keys (copied or borrowed) to borrowed pointers, exact or ASCII
 * case-folded. */
#include "unit.h"

#include "map.h"

static int v1 = 1, v2 = 2, v3 = 3;

static void
test_map__empty_map_finds_nothing(void **state)
{
	struct hb_map m;

	(void)state;
	hb_map_init(&m, HB_MAP_EXACT);
	assert_null(hb_map_get(&m, "x"));
	assert_null(hb_map_get(&m, ""));
	assert_int_equal(m.n, 0);
	hb_map_free(&m);
}

static void
test_map__put_then_get(void **state)
{
	struct hb_map m;

	(void)state;
	hb_map_init(&m, HB_MAP_EXACT);
	assert_null(hb_map_put(&m, "a", &v1));
	assert_null(hb_map_put(&m, "b", &v2));
	assert_null(hb_map_put(&m, "", &v3));
	assert_ptr_equal(hb_map_get(&m, "a"), &v1);
	assert_ptr_equal(hb_map_get(&m, "b"), &v2);
	assert_ptr_equal(hb_map_get(&m, ""), &v3);
	assert_null(hb_map_get(&m, "c"));
	assert_null(hb_map_get(&m, "ab"));
	assert_int_equal(m.n, 3);
	hb_map_free(&m);
}

static void
test_map__put_existing_key_returns_previous(void **state)
{
	struct hb_map m;

	(void)state;
	hb_map_init(&m, HB_MAP_EXACT);
	assert_null(hb_map_put(&m, "k", &v1));
	assert_ptr_equal(hb_map_put(&m, "k", &v2), &v1);
	assert_ptr_equal(hb_map_get(&m, "k"), &v2);
	assert_int_equal(m.n, 1);
	hb_map_free(&m);
}

static void
test_map__exact_map_is_case_sensitive(void **state)
{
	struct hb_map m;

	(void)state;
	hb_map_init(&m, HB_MAP_EXACT);
	hb_map_put(&m, "Kishi", &v1);
	assert_null(hb_map_get(&m, "kishi"));
	assert_null(hb_map_get(&m, "KISHI"));
	assert_null(hb_map_put(&m, "kishi", &v2));
	assert_ptr_equal(hb_map_get(&m, "Kishi"), &v1);
	assert_ptr_equal(hb_map_get(&m, "kishi"), &v2);
	assert_int_equal(m.n, 2);
	hb_map_free(&m);
}

static void
test_map__fold_map_ignores_ascii_case(void **state)
{
	struct hb_map m;

	(void)state;
	hb_map_init(&m, HB_MAP_FOLD);
	hb_map_put(&m, "Vientiane Vision", &v1);
	assert_ptr_equal(hb_map_get(&m, "vientiane vision"), &v1);
	assert_ptr_equal(hb_map_get(&m, "VIENTIANE VISION"), &v1);
	assert_null(hb_map_get(&m, "Vientiane  Vision"));
	/* Same key in another case replaces the value, not a second entry. */
	assert_ptr_equal(hb_map_put(&m, "VIENTIANE vision", &v2), &v1);
	assert_int_equal(m.n, 1);
	assert_ptr_equal(hb_map_get(&m, "vientiane VISION"), &v2);
	hb_map_free(&m);
}

static void
test_map__keys_are_copied(void **state)
{
	struct hb_map m;
	char key[8] = "abc";

	(void)state;
	hb_map_init(&m, HB_MAP_EXACT);
	hb_map_put(&m, key, &v1);
	strcpy(key, "xyz");
	assert_ptr_equal(hb_map_get(&m, "abc"), &v1);
	assert_null(hb_map_get(&m, "xyz"));
	hb_map_free(&m);
}

/* A borrowing map keeps the caller's key (which must outlive it), through growth, and frees
 * none: the sanitizer build would report a free of a stack or static key. */
static void
test_map__borrowed_keys_are_the_callers(void **state)
{
	static char keys[100][8];
	struct hb_map m;
	size_t i;

	(void)state;
	hb_map_init(&m, HB_MAP_FOLD | HB_MAP_BORROW);
	for (i = 0; i < 100; i++) {
		snprintf(keys[i], sizeof(keys[i]), "Key%zu", i);
		hb_map_put(&m, keys[i], keys[i]);
	}
	for (i = 0; i < m.cap; i++)
		assert_true(m.slots[i].key == NULL || m.slots[i].key == m.slots[i].value);
	assert_ptr_equal(hb_map_get(&m, "KEY42"), keys[42]);
	hb_map_free(&m);
	assert_int_equal(m.flags, HB_MAP_FOLD | HB_MAP_BORROW);
}

static void
test_map__many_keys_survive_growth(void **state)
{
	static int values[2000];
	struct hb_map m;
	char key[32];
	int i;

	(void)state;
	hb_map_init(&m, HB_MAP_FOLD);
	for (i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "Key-%d", i);
		assert_null(hb_map_put(&m, key, &values[i]));
	}
	assert_int_equal(m.n, 2000);
	assert_true(m.cap >= 2000);
	assert_int_equal(m.cap & (m.cap - 1), 0);	/* a power of two */
	for (i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "KEY-%d", i);
		assert_ptr_equal(hb_map_get(&m, key), &values[i]);
	}
	assert_null(hb_map_get(&m, "key-2000"));
	hb_map_free(&m);
}

static void
test_map__null_values_are_stored(void **state)
{
	struct hb_map m;

	(void)state;
	hb_map_init(&m, HB_MAP_EXACT);
	assert_null(hb_map_put(&m, "a", &v1));
	assert_ptr_equal(hb_map_put(&m, "a", NULL), &v1);
	assert_null(hb_map_get(&m, "a"));
	assert_int_equal(m.n, 1);
	hb_map_free(&m);
}

static void
test_map__free_then_reuse(void **state)
{
	struct hb_map m;

	(void)state;
	hb_map_init(&m, HB_MAP_FOLD);
	hb_map_put(&m, "a", &v1);
	hb_map_free(&m);
	assert_int_equal(m.n, 0);
	assert_null(hb_map_get(&m, "a"));
	assert_int_equal(m.flags, HB_MAP_FOLD);
	hb_map_put(&m, "A", &v2);
	assert_ptr_equal(hb_map_get(&m, "a"), &v2);
	hb_map_free(&m);
}

/* A reserved map takes its entries without growing, and finds them all. */
static void
test_map__reserve_makes_room_once(void **state)
{
	struct hb_map m;
	char key[32];
	size_t cap, i;

	(void)state;
	hb_map_init(&m, HB_MAP_EXACT);
	assert_null(hb_map_put(&m, "first", (void *)1));
	hb_map_reserve(&m, 1000);
	cap = m.cap;
	assert_true(cap * 3 >= 1000 * 4);
	assert_ptr_equal(hb_map_get(&m, "first"), (void *)1);
	for (i = 1; i < 1000; i++) {
		snprintf(key, sizeof(key), "key %zu", i);
		hb_map_put(&m, key, (void *)(i + 1));
	}
	assert_int_equal(m.cap, cap);
	assert_int_equal(m.n, 1000);
	for (i = 1; i < 1000; i++) {
		snprintf(key, sizeof(key), "key %zu", i);
		assert_ptr_equal(hb_map_get(&m, key), (void *)(i + 1));
	}
	hb_map_reserve(&m, 10);	/* never shrinks */
	assert_int_equal(m.cap, cap);
	hb_map_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map__reserve_makes_room_once),
		cmocka_unit_test(test_map__empty_map_finds_nothing),
		cmocka_unit_test(test_map__put_then_get),
		cmocka_unit_test(test_map__put_existing_key_returns_previous),
		cmocka_unit_test(test_map__exact_map_is_case_sensitive),
		cmocka_unit_test(test_map__fold_map_ignores_ascii_case),
		cmocka_unit_test(test_map__keys_are_copied),
		cmocka_unit_test(test_map__borrowed_keys_are_the_callers),
		cmocka_unit_test(test_map__many_keys_survive_growth),
		cmocka_unit_test(test_map__null_values_are_stored),
		cmocka_unit_test(test_map__free_then_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
