/* Unit tests for diag.h: collecting, sorting, merging and printing located diagnostics. */
#include "unit.h"

#include "diag.h"

static struct hb_loc
at(const char *path, int line, int col)
{
	struct hb_loc loc = { path, line, col };

	return loc;
}

/* Prints d into a string (caller frees). */
static char *
print_to_string(const struct hb_diag *d, int use_color)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	assert_non_null(fp);
	hb_diag_print(d, fp, use_color);
	assert_int_equal(fclose(fp), 0);
	return s;
}

static void
test_diag__collects_and_counts(void **state)
{
	struct hb_diag d;

	(void)state;
	hb_diag_init(&d);
	hb_diag(&d, HB_ERROR, at("content/a.md", 3, 5), "bad %s", "thing");
	hb_diag(&d, HB_WARNING, at("content/b.md", 1, 1), "lonely page '%s'", "b");
	hb_diag(&d, HB_NOTE, at("content/c.md", 2, 0), "just saying");
	assert_int_equal(d.n, 3);
	assert_int_equal(d.n_errors, 1);
	assert_int_equal(d.n_warnings, 1);
	assert_string_equal(d.v[0].msg, "bad thing");
	assert_string_equal(d.v[0].path, "content/a.md");
	assert_int_equal(d.v[0].line, 3);
	assert_int_equal(d.v[0].col, 5);
	assert_int_equal(d.v[0].level, HB_ERROR);
	assert_null(d.v[0].note);
	assert_string_equal(d.v[1].msg, "lonely page 'b'");
	hb_diag_free(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.n_errors, 0);
}

static void
test_diag__path_is_copied(void **state)
{
	struct hb_diag d;
	char path[32] = "content/a.md";

	(void)state;
	hb_diag_init(&d);
	hb_diag(&d, HB_ERROR, at(path, 1, 1), "x");
	strcpy(path, "overwritten");
	assert_string_equal(d.v[0].path, "content/a.md");
	hb_diag_free(&d);
}

static void
test_diag__print_format_is_compiler_style(void **state)
{
	struct hb_diag d;
	char *out;

	(void)state;
	hb_diag_init(&d);
	hb_diag(&d, HB_ERROR, at("content/meetings/x.md", 12, 7), "unresolved link '%s'", "kisi");
	hb_diag_note(&d, "did you mean '%s'?", "kishi");
	hb_diag(&d, HB_WARNING, at("content/people/y.md", 1, 1), "page 'y' lists no sources");
	out = print_to_string(&d, 0);
	assert_string_equal(out,
	    "content/meetings/x.md:12:7: error: unresolved link 'kisi'\n"
	    "content/meetings/x.md:12:7: note: did you mean 'kishi'?\n"
	    "content/people/y.md:1:1: warning: page 'y' lists no sources\n");
	free(out);
	hb_diag_free(&d);
}

static void
test_diag__unknown_line_and_column_are_left_out(void **state)
{
	struct hb_diag d;
	char *out;

	(void)state;
	hb_diag_init(&d);
	hb_diag(&d, HB_ERROR, at("themes/t/layouts/page.html", 4, 0), "no column");
	hb_diag(&d, HB_ERROR, at("content/big.md", 0, 0), "no line");
	hb_diag(&d, HB_ERROR, at("content/odd.md", 0, 9), "column without line");
	out = print_to_string(&d, 0);
	assert_string_equal(out,
	    "themes/t/layouts/page.html:4: error: no column\n"
	    "content/big.md: error: no line\n"
	    "content/odd.md: error: column without line\n");
	free(out);
	hb_diag_free(&d);
}

static void
test_diag__color_only_when_asked(void **state)
{
	struct hb_diag d;
	char *plain, *color;

	(void)state;
	hb_diag_init(&d);
	hb_diag(&d, HB_ERROR, at("a.md", 1, 2), "boom");
	hb_diag_note(&d, "hint");
	plain = print_to_string(&d, 0);
	color = print_to_string(&d, 1);
	assert_null(strchr(plain, '\033'));
	assert_non_null(strchr(color, '\033'));
	assert_non_null(strstr(color, "a.md:1:2: "));
	assert_non_null(strstr(color, "error:"));
	assert_non_null(strstr(color, "boom"));
	assert_non_null(strstr(color, "note:"));
	assert_non_null(strstr(color, "hint"));
	free(plain);
	free(color);
	hb_diag_free(&d);
}

static void
test_diag__note_attaches_to_latest(void **state)
{
	struct hb_diag d;

	(void)state;
	hb_diag_init(&d);
	hb_diag_note(&d, "ignored: nothing to attach to");
	assert_int_equal(d.n, 0);
	hb_diag(&d, HB_ERROR, at("a.md", 1, 1), "first");
	hb_diag(&d, HB_ERROR, at("a.md", 2, 1), "second");
	hb_diag_note(&d, "about %s", "second");
	assert_null(d.v[0].note);
	assert_string_equal(d.v[1].note, "about second");
	hb_diag_note(&d, "replaced");
	assert_string_equal(d.v[1].note, "replaced");
	hb_diag_free(&d);
}

static void
test_diag__sort_by_path_line_col(void **state)
{
	struct hb_diag d;

	(void)state;
	hb_diag_init(&d);
	hb_diag(&d, HB_ERROR, at("content/b.md", 1, 1), "b1");
	hb_diag(&d, HB_ERROR, at("content/a.md", 10, 1), "a10");
	hb_diag(&d, HB_WARNING, at("content/a.md", 9, 30), "a9.30");
	hb_diag(&d, HB_ERROR, at("content/a.md", 9, 4), "a9.4");
	hb_diag(&d, HB_ERROR, at("content/a.md", 2, 1), "a2");
	hb_diag_note(&d, "note of a2");
	hb_diag_sort(&d);
	assert_int_equal(d.n, 5);
	/* Lines and columns compare as numbers: 9 before 10, 4 before 30. */
	assert_string_equal(d.v[0].msg, "a2");
	assert_string_equal(d.v[0].note, "note of a2");
	assert_string_equal(d.v[1].msg, "a9.4");
	assert_string_equal(d.v[2].msg, "a9.30");
	assert_string_equal(d.v[3].msg, "a10");
	assert_string_equal(d.v[4].msg, "b1");
	assert_int_equal(d.n_errors, 4);
	assert_int_equal(d.n_warnings, 1);
	hb_diag_free(&d);
}

static void
test_diag__sort_drops_repeated_entries(void **state)
{
	struct hb_diag d;

	(void)state;
	hb_diag_init(&d);
	/* A template error met once per page is one problem. */
	hb_diag(&d, HB_ERROR, at("themes/t/layouts/page.html", 3, 0), "undefined global 'x'");
	hb_diag(&d, HB_ERROR, at("content/a.md", 1, 1), "other");
	hb_diag(&d, HB_ERROR, at("themes/t/layouts/page.html", 3, 0), "undefined global 'x'");
	hb_diag(&d, HB_ERROR, at("themes/t/layouts/page.html", 3, 0), "undefined global 'x'");
	hb_diag(&d, HB_ERROR, at("themes/t/layouts/page.html", 3, 0), "undefined global 'y'");
	hb_diag_sort(&d);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.n_errors, 3);
	assert_string_equal(d.v[0].path, "content/a.md");
	assert_string_equal(d.v[1].msg, "undefined global 'x'");
	assert_string_equal(d.v[2].msg, "undefined global 'y'");
	hb_diag_free(&d);
}

static void
test_diag__strict_turns_warnings_into_errors(void **state)
{
	struct hb_diag d;
	char *out;

	(void)state;
	hb_diag_init(&d);
	d.warnings_are_errors = 1;
	hb_diag(&d, HB_WARNING, at("a.md", 1, 1), "lonely");
	hb_diag(&d, HB_NOTE, at("a.md", 1, 1), "fyi");
	assert_int_equal(d.n_errors, 1);
	assert_int_equal(d.n_warnings, 0);
	out = print_to_string(&d, 0);
	assert_string_equal(out, "a.md:1:1: error: lonely\na.md:1:1: note: fyi\n");
	free(out);
	hb_diag_free(&d);
}

static void
test_diag__merge_moves_entries(void **state)
{
	struct hb_diag into, from;

	(void)state;
	hb_diag_init(&into);
	hb_diag_init(&from);
	hb_diag(&into, HB_ERROR, at("a.md", 1, 1), "in into");
	hb_diag(&from, HB_ERROR, at("b.md", 2, 2), "in from");
	hb_diag_note(&from, "with a note");
	hb_diag(&from, HB_WARNING, at("c.md", 3, 3), "warned");
	hb_diag_merge(&into, &from);
	assert_int_equal(into.n, 3);
	assert_int_equal(into.n_errors, 2);
	assert_int_equal(into.n_warnings, 1);
	assert_string_equal(into.v[1].msg, "in from");
	assert_string_equal(into.v[1].note, "with a note");
	assert_string_equal(into.v[2].path, "c.md");
	assert_int_equal(from.n, 0);
	assert_int_equal(from.n_errors, 0);
	/* from stays usable */
	hb_diag(&from, HB_ERROR, at("d.md", 1, 1), "later");
	assert_int_equal(from.n, 1);
	hb_diag_free(&from);
	hb_diag_free(&into);
}

static void
test_diag__merge_into_strict_list_promotes_warnings(void **state)
{
	struct hb_diag into, from;

	(void)state;
	hb_diag_init(&into);
	hb_diag_init(&from);
	into.warnings_are_errors = 1;
	hb_diag(&from, HB_WARNING, at("b.md", 2, 2), "warned");
	hb_diag_merge(&into, &from);
	assert_int_equal(into.n_errors, 1);
	assert_int_equal(into.n_warnings, 0);
	assert_int_equal(into.v[0].level, HB_ERROR);
	hb_diag_free(&from);
	hb_diag_free(&into);
}

static void
test_diag__merge_of_empty_list(void **state)
{
	struct hb_diag into, from;

	(void)state;
	hb_diag_init(&into);
	hb_diag_init(&from);
	hb_diag(&into, HB_ERROR, at("a.md", 1, 1), "x");
	hb_diag_merge(&into, &from);
	assert_int_equal(into.n, 1);
	hb_diag_free(&from);
	hb_diag_free(&into);
}

static void
test_diag__err_set_formats_and_truncates(void **state)
{
	struct hb_err err;
	char long_name[3000];

	(void)state;
	hb_err_set(&err, "cannot read %s: %s", "content/x.md", "No such file or directory");
	assert_string_equal(err.msg, "cannot read content/x.md: No such file or directory");
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	hb_err_set(&err, "cannot read %s", long_name);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_memory_equal(err.msg, "cannot read nnn", 15);
	hb_err_set(NULL, "no crash %d", 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diag__collects_and_counts),
		cmocka_unit_test(test_diag__path_is_copied),
		cmocka_unit_test(test_diag__print_format_is_compiler_style),
		cmocka_unit_test(test_diag__unknown_line_and_column_are_left_out),
		cmocka_unit_test(test_diag__color_only_when_asked),
		cmocka_unit_test(test_diag__note_attaches_to_latest),
		cmocka_unit_test(test_diag__sort_by_path_line_col),
		cmocka_unit_test(test_diag__sort_drops_repeated_entries),
		cmocka_unit_test(test_diag__strict_turns_warnings_into_errors),
		cmocka_unit_test(test_diag__merge_moves_entries),
		cmocka_unit_test(test_diag__merge_into_strict_list_promotes_warnings),
		cmocka_unit_test(test_diag__merge_of_empty_list),
		cmocka_unit_test(test_diag__err_set_formats_and_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
