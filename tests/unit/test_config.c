/* Unit tests for config.h: handbook.yaml -> struct hb_config, with defaults and located errors. */
#include "unit.h"

#include "config.h"

struct fx {
	char *dir;
	char *path;		/* dir/handbook.yaml */
	struct hb_arena a;
	struct hb_diag d;
	struct hb_err err;
	struct hb_config cfg;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = ut_mkdtemp();
	f->path = ut_join(f->dir, "handbook.yaml");
	hb_arena_init(&f->a);
	hb_diag_init(&f->d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	ut_rmtree(f->dir);
	free(f->dir);
	free(f->path);
	hb_arena_free(&f->a);
	hb_diag_free(&f->d);
	free(f);
	return 0;
}

static int
load(struct fx *f, const char *text)
{
	ut_write_str(f->dir, "handbook.yaml", text);
	return hb_config_load(&f->cfg, f->path, 0, &f->a, &f->d, &f->err);
}

static size_t
n_sections(const struct hb_config *c)
{
	size_t n = 0;

	while (c->sections[n] != NULL)
		n++;
	return n;
}

static void
test_config__full_file(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f,
	    "title: Japan–ASEAN Handbook\n"
	    "description: A briefing\n"
	    "language: en-GB\n"
	    "base_url: https://example.org/hb/\n"
	    "sections:\n"
	    "  - overview\n"
	    "  - meetings\n"
	    "  - people\n"), 0);
	assert_int_equal(f->d.n, 0);
	assert_string_equal(f->cfg.title, "Japan–ASEAN Handbook");
	assert_string_equal(f->cfg.description, "A briefing");
	assert_string_equal(f->cfg.language, "en-GB");
	assert_string_equal(f->cfg.base_url, "https://example.org/hb/");
	assert_int_equal(n_sections(&f->cfg), 3);
	assert_string_equal(f->cfg.sections[0], "overview");
	assert_string_equal(f->cfg.sections[1], "meetings");
	assert_string_equal(f->cfg.sections[2], "people");
	assert_non_null(f->cfg.raw);
}

static void
test_config__missing_optional_file_gives_defaults(void **state)
{
	struct fx *f = *state;
	char *missing = ut_join(f->dir, "nope.yaml");

	assert_int_equal(hb_config_load(&f->cfg, missing, 1, &f->a, &f->d, &f->err), 0);
	assert_int_equal(f->d.n, 0);
	assert_non_null(f->cfg.title);
	assert_true(f->cfg.title[0] != '\0');
	assert_non_null(f->cfg.description);
	assert_non_null(f->cfg.language);
	assert_non_null(f->cfg.base_url);
	assert_non_null(f->cfg.sections);
	assert_null(f->cfg.sections[0]);
	assert_null(f->cfg.raw);
	free(missing);
}

static void
test_config__missing_required_file_is_env_error(void **state)
{
	struct fx *f = *state;
	char *missing = ut_join(f->dir, "nope.yaml");

	f->err.msg[0] = '\0';
	assert_int_equal(hb_config_load(&f->cfg, missing, 0, &f->a, &f->d, &f->err), -1);
	assert_int_equal(f->d.n, 0);
	assert_non_null(strstr(f->err.msg, "nope.yaml"));
	free(missing);
}

static void
test_config__unreadable_path_is_env_error_even_if_optional(void **state)
{
	struct fx *f = *state;

	/* A directory is not a missing file: "optional" covers only ENOENT. */
	f->err.msg[0] = '\0';
	ut_mkdirs(f->path);
	assert_int_equal(hb_config_load(&f->cfg, f->path, 1, &f->a, &f->d, &f->err), -1);
	assert_true(strlen(f->err.msg) > 0);
}

static void
test_config__partial_file_keeps_other_defaults(void **state)
{
	struct fx *f = *state;
	struct hb_config defaults;
	char *missing = ut_join(f->dir, "nope.yaml");

	assert_int_equal(hb_config_load(&defaults, missing, 1, &f->a, &f->d, &f->err), 0);
	assert_int_equal(load(f, "title: Only a title\n"), 0);
	assert_string_equal(f->cfg.title, "Only a title");
	assert_string_equal(f->cfg.language, defaults.language);
	assert_string_equal(f->cfg.description, defaults.description);
	assert_string_equal(f->cfg.base_url, defaults.base_url);
	assert_null(f->cfg.sections[0]);
	free(missing);
}

static void
test_config__empty_file_gives_defaults(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f, ""), 0);
	assert_int_equal(f->d.n, 0);
	assert_non_null(f->cfg.title);
	assert_null(f->cfg.sections[0]);
}

static void
test_config__unknown_keys_are_kept_in_raw(void **state)
{
	struct fx *f = *state;
	const struct hb_value *v;

	assert_int_equal(load(f, "title: T\nfooter: \"(c) MoD\"\nsocial:\n  x: handle\n"), 0);
	assert_int_equal(f->d.n, 0);
	v = hb_value_get(f->cfg.raw, "footer");
	assert_non_null(v);
	assert_string_equal(v->str, "(c) MoD");
	v = hb_value_get(f->cfg.raw, "social");
	assert_non_null(v);
	assert_string_equal(hb_value_get(v, "x")->str, "handle");
}

static void
test_config__wrong_type_is_located(void **state)
{
	struct fx *f = *state;

	load(f, "description: ok\ntitle:\n  - not\n  - a string\n");
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "'title' must be a string", f->path, 3, 3);
	assert_non_null(f->cfg.title);	/* the default stays */
	assert_string_equal(f->cfg.description, "ok");
}

static void
test_config__base_url_wrong_type_is_located(void **state)
{
	struct fx *f = *state;

	load(f, "title: T\nbase_url: {a: b}\n");
	ut_assert_error_at(&f->d, "'base_url'", f->path, 2, 11);
}

static void
test_config__sections_must_be_a_list(void **state)
{
	struct fx *f = *state;

	load(f, "title: T\nsections: overview\n");
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "'sections'", f->path, 2, 11);
	assert_null(f->cfg.sections[0]);
}

static void
test_config__section_entries_must_be_strings(void **state)
{
	struct fx *f = *state;

	load(f, "title: T\nsections:\n  - overview\n  - [nested]\n  - people\n");
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "sections", f->path, 4, 5);
}

static void
test_config__not_a_mapping(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f, "- a\n- b\n"), -1);
	ut_assert_error_at(&f->d, "mapping", f->path, 1, 1);
}

static void
test_config__bad_yaml_is_located(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f, "title: T\nlanguage: en: GB\n"), -1);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "invalid YAML", f->path, 2, 13);
}

static void
test_config__duplicate_key_is_located(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f, "title: A\n\ntitle: B\n"), -1);
	ut_assert_error_at(&f->d, "duplicate key 'title'", f->path, 3, 1);
}

static void
test_config__aliases_are_rejected(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f, "title: &t A\ndescription: *t\n"), -1);
	ut_assert_error_at(&f->d, "alias", f->path, 2, 14);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_config__full_file),
		T(test_config__missing_optional_file_gives_defaults),
		T(test_config__missing_required_file_is_env_error),
		T(test_config__unreadable_path_is_env_error_even_if_optional),
		T(test_config__partial_file_keeps_other_defaults),
		T(test_config__empty_file_gives_defaults),
		T(test_config__unknown_keys_are_kept_in_raw),
		T(test_config__wrong_type_is_located),
		T(test_config__base_url_wrong_type_is_located),
		T(test_config__sections_must_be_a_list),
		T(test_config__section_entries_must_be_strings),
		T(test_config__not_a_mapping),
		T(test_config__bad_yaml_is_located),
		T(test_config__duplicate_key_is_located),
		T(test_config__aliases_are_rejected),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
