/*
 * Unit tests for hash.h: git's blob id, computed with OpenSSL, must be the id git gives the
 * same bytes (here: libgit2's git_odb_hash, and two ids git itself prints).
 */
#include "unit.h"

#include <git2.h>

#include "hash.h"

/* What libgit2 says the blob id of len bytes of data is. */
static void
libgit2_id(const void *data, size_t len, char out[GIT_OID_HEXSZ + 1])
{
	git_oid oid;

	assert_int_equal(git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB), 0);
	git_oid_tostr(out, GIT_OID_HEXSZ + 1, &oid);
}

static void
test_hash__ids_git_prints(void **state)
{
	char id[2 * HB_HASH_SIZE + 1];

	(void)state;
	/* `git hash-object /dev/null` and `printf 'hello\n' | git hash-object --stdin` */
	hb_hash_blob_hex("", 0, id);
	assert_string_equal(id, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
	hb_hash_blob_hex("hello\n", 6, id);
	assert_string_equal(id, "ce013625030ba8dba906f756967f9e9ca394464a");
}

static void
test_hash__same_as_libgit2_for_any_length(void **state)
{
	size_t lens[] = { 1, 55, 56, 63, 64, 65, 1000, 4096, 1 << 20 }, i, j;
	char want[GIT_OID_HEXSZ + 1], got[2 * HB_HASH_SIZE + 1];
	unsigned char raw[HB_HASH_SIZE];
	unsigned char *data = malloc(1 << 20);

	(void)state;
	assert_non_null(data);
	for (j = 0; j < (size_t)1 << 20; j++)
		data[j] = (unsigned char)(j * 2654435761u >> 13);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		libgit2_id(data, lens[i], want);
		hb_hash_blob_hex(data, lens[i], got);
		assert_string_equal(got, want);
		hb_hash_blob(data, lens[i], raw);
		for (j = 0; j < HB_HASH_SIZE; j++)
			assert_int_equal(raw[j], strtoul((char[3]){ want[2 * j], want[2 * j + 1], 0 },
			    NULL, 16));
	}
	free(data);
}

/* FNV-1a's published values (the offset basis; "a", "foobar"), and a hash continued in pieces
 * is the hash of the whole. */
static void
test_hash__fnv_known_values_and_pieces(void **state)
{
	(void)state;
	assert_true(hb_hash_fnv(HB_FNV_START, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(hb_hash_fnv(HB_FNV_START, "a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(hb_hash_fnv(HB_FNV_START, "foobar", 6) == 0x85944171f73967e8ULL);
	assert_true(hb_hash_fnv(hb_hash_fnv(HB_FNV_START, "foo", 3), "bar", 3) ==
	    hb_hash_fnv(HB_FNV_START, "foobar", 6));
}

static void
test_hash__hex_of_an_id(void **state)
{
	unsigned char id[HB_HASH_SIZE];
	char hex[2 * HB_HASH_SIZE + 1], again[2 * HB_HASH_SIZE + 1];

	(void)state;
	hb_hash_blob("hello\n", 6, id);
	hb_hash_hex(id, hex);
	hb_hash_blob_hex("hello\n", 6, again);
	assert_string_equal(hex, again);
	assert_string_equal(hex, "ce013625030ba8dba906f756967f9e9ca394464a");
}

/* The quick hash as a checksum: every single changed bit of a buffer, and every shorter
 * prefix or a zero byte more, hashes apart from the buffer. */
static void
test_hash__quick_tells_any_change(void **state)
{
	unsigned char data[67], copy[68];
	uint64_t whole;
	size_t i, bit;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37 + 11);
	whole = hb_hash_quick(data, sizeof(data));
	assert_true(hb_hash_quick(data, sizeof(data)) == whole);
	for (i = 0; i < sizeof(data); i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, data, sizeof(data));
			copy[i] ^= (unsigned char)(1u << bit);
			assert_true(hb_hash_quick(copy, sizeof(data)) != whole);
		}
		assert_true(hb_hash_quick(data, i) != whole);
	}
	memcpy(copy, data, sizeof(data));
	copy[sizeof(data)] = 0;
	assert_true(hb_hash_quick(copy, sizeof(copy)) != whole);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash__ids_git_prints),
		cmocka_unit_test(test_hash__same_as_libgit2_for_any_length),
		cmocka_unit_test(test_hash__fnv_known_values_and_pieces),
		cmocka_unit_test(test_hash__hex_of_an_id),
		cmocka_unit_test(test_hash__quick_tells_any_change),
	};

	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
