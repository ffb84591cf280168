/* Unit tests for path.h: the safe-path check, relative URLs and directory helpers. */
#include "unit.h"

#include "path.h"

/* Tests that touch the file system get a fresh /tmp/hbtest-XXXXXX as their state. */
static int
tmp_setup(void **state)
{
	*state = ut_mkdtemp();
	return 0;
}

static int
tmp_teardown(void **state)
{
	ut_rmtree(*state);
	free(*state);
	return 0;
}

static void
test_path__safe_paths_are_accepted(void **state)
{
	(void)state;
	assert_true(hb_path_is_safe("a"));
	assert_true(hb_path_is_safe("index.html"));
	assert_true(hb_path_is_safe("meetings/x.html"));
	assert_true(hb_path_is_safe("a/b/c/d.html"));
	assert_true(hb_path_is_safe(".handbook"));	/* a dot file is a name, not "." */
	assert_true(hb_path_is_safe("a/..b/c"));
	assert_true(hb_path_is_safe("a/b.../c"));
	assert_true(hb_path_is_safe("assets/style.css"));
}

static void
test_path__unsafe_paths_are_refused(void **state)
{
	(void)state;
	assert_false(hb_path_is_safe(NULL));
	assert_false(hb_path_is_safe(""));
	assert_false(hb_path_is_safe("/abs"));
	assert_false(hb_path_is_safe("/"));
	assert_false(hb_path_is_safe(".."));
	assert_false(hb_path_is_safe("../x"));
	assert_false(hb_path_is_safe("a/../x"));
	assert_false(hb_path_is_safe("a/.."));
	assert_false(hb_path_is_safe("."));
	assert_false(hb_path_is_safe("./a"));
	assert_false(hb_path_is_safe("a/./b"));
	assert_false(hb_path_is_safe("a//b"));
	assert_false(hb_path_is_safe("a/"));
	assert_false(hb_path_is_safe("a\\b"));
	assert_false(hb_path_is_safe("..\\x"));
}

static void
check_join(const char *a, const char *b, const char *want)
{
	char *got = hb_path_join(a, b);

	assert_string_equal(got, want);
	free(got);
}

static void
test_path__join(void **state)
{
	(void)state;
	check_join("a", "b", "a/b");
	check_join("a/", "b", "a/b");
	check_join("content/meetings", "x.md", "content/meetings/x.md");
	check_join("", "b", "b");
	check_join("a", "", "a");
	check_join("/tmp", "x", "/tmp/x");
}

static void
check_dirname(const char *p, const char *want)
{
	char *got = hb_path_dirname(p);

	assert_string_equal(got, want);
	free(got);
}

static void
test_path__dirname(void **state)
{
	(void)state;
	check_dirname("a/b/c.html", "a/b");
	check_dirname("c.html", "");
	check_dirname("meetings/x.html", "meetings");
	check_dirname("", "");
}

static void
check_relurl(const char *from, const char *to, const char *want)
{
	char *got = hb_path_relurl(from, to);

	if (strcmp(got, want) != 0)
		print_message("relurl(%s, %s) = %s, want %s\n", from, to, got, want);
	assert_string_equal(got, want);
	free(got);
}

static void
test_path__relurl_percent_encodes_file_names(void **state)
{
	char *u;

	(void)state;
	u = hb_path_relurl("notes/a.html", "notes/javascript:alert(1).html");
	assert_string_equal(u, "javascript%3Aalert%281%29.html");
	free(u);
	u = hb_path_relurl("index.html", "people/minister-\xc3\xb6lund.html");
	assert_string_equal(u, "people/minister-%C3%B6lund.html");
	free(u);
	u = hb_path_relurl("a/b.html", "a/c# d?.html");
	assert_string_equal(u, "c%23%20d%3F.html");
	free(u);
}

static void
test_path__relurl_across_folders(void **state)
{
	(void)state;
	check_relurl("meetings/a.html", "people/b.html", "../people/b.html");
	check_relurl("a/b/c.html", "index.html", "../../index.html");
	check_relurl("a/b/c.html", "a/d.html", "../d.html");
	check_relurl("a/b/c.html", "x/y/z.html", "../../x/y/z.html");
	check_relurl("meetings/a.html", "index.html", "../index.html");
	check_relurl("people/x.html", "meetings/index.html", "../meetings/index.html");
}

static void
test_path__relurl_same_folder_and_root(void **state)
{
	(void)state;
	check_relurl("meetings/a.html", "meetings/b.html", "b.html");
	check_relurl("index.html", "people/b.html", "people/b.html");
	check_relurl("index.html", "about.html", "about.html");
	check_relurl("a/b.html", "a/b.html", "b.html");
	check_relurl("a/b.html", "a/b/c.html", "b/c.html");
}

static void
test_path__relurl_folder_names_sharing_a_prefix(void **state)
{
	(void)state;
	/* "ab" and "abc" share characters but not a folder. */
	check_relurl("ab/x.html", "abc/y.html", "../abc/y.html");
	check_relurl("abc/x.html", "ab/y.html", "../ab/y.html");
	check_relurl("a/bc/x.html", "a/b/y.html", "../b/y.html");
	check_relurl("meeting.html", "meetings/a.html", "meetings/a.html");
}

static void
test_path__mkdirs_creates_nested_folders(void **state)
{
	char *tmp = *state, *deep = ut_join(tmp, "a/b/c");
	struct hb_err err = { "" };
	struct stat st;

	assert_int_equal(hb_path_mkdirs(deep, &err), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* Existing folders are fine, as with mkdir -p. */
	assert_int_equal(hb_path_mkdirs(deep, &err), 0);
	free(deep);
}

static void
test_path__mkdirs_fails_below_a_file(void **state)
{
	char *tmp = *state, *below = ut_join(tmp, "f/sub");
	struct hb_err err = { "" };

	ut_write_str(tmp, "f", "a file");
	assert_int_equal(hb_path_mkdirs(below, &err), -1);
	assert_non_null(strstr(err.msg, "f"));
	assert_true(strlen(err.msg) > 0);
	free(below);
}

static void
test_path__mkdirs_fails_on_an_existing_file(void **state)
{
	char *tmp = *state, *file = ut_join(tmp, "f");
	struct hb_err err = { "" };

	/* mkdir -p of a path that is a regular file fails ("File exists"). */
	ut_write_str(tmp, "f", "a file");
	assert_int_equal(hb_path_mkdirs(file, &err), -1);
	assert_true(strlen(err.msg) > 0);
	free(file);
}

/* A file is stat()ed once; a link twice, the second time through it; a broken link fails. */
static void
test_path__stat_both_follows_only_links(void **state)
{
	char *tmp = *state, *file = ut_join(tmp, "f"), *link = ut_join(tmp, "l");
	char *broken = ut_join(tmp, "b");
	struct stat lst, st;

	ut_write_str(tmp, "f", "a file");
	assert_int_equal(symlink(file, link), 0);
	assert_int_equal(symlink("nowhere", broken), 0);
	assert_int_equal(hb_path_stat_both(file, &lst, &st), 0);
	assert_true(S_ISREG(lst.st_mode) && S_ISREG(st.st_mode) && lst.st_ino == st.st_ino);
	assert_int_equal(hb_path_stat_both(link, &lst, &st), 0);
	assert_true(S_ISLNK(lst.st_mode) && S_ISREG(st.st_mode) && lst.st_ino != st.st_ino);
	assert_int_equal(st.st_size, 6);
	assert_int_equal(hb_path_stat_both(broken, &lst, &st), -1);
	free(file);
	free(link);
	free(broken);
}

/* A folder's names, sorted bytewise, without ".", ".." and editors' scratch files. */
static void
test_path__list_sorts_and_skips_scratch_files(void **state)
{
	char *tmp = *state, *missing = ut_join(tmp, "missing");
	static const char *const files[] = { "b.md", "B.md", "a.md", ".hidden", "a.md~", "#a.md#",
		"4913", "x.tmp" };
	char **names;
	size_t n, i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		ut_write_str(tmp, files[i], "x");
	ut_write_str(tmp, "sub/c.md", "x");
	assert_int_equal(hb_path_list(tmp, &names, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(names[0], "B.md");
	assert_string_equal(names[1], "a.md");
	assert_string_equal(names[2], "b.md");
	assert_string_equal(names[3], "sub");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	assert_int_equal(hb_path_list(missing, &names, &n), -1);
	assert_int_equal(n, 0);
	free(missing);
}

static void
test_path__rmtree_removes_a_tree(void **state)
{
	char *tmp = *state, *root = ut_join(tmp, "site");
	struct hb_err err = { "" };

	ut_write_str(root, "index.html", "x");
	ut_write_str(root, "a/b/c.html", "y");
	ut_write_str(root, ".hidden", "z");
	{
		char *empty = ut_join(root, "empty");

		ut_mkdirs(empty);
		free(empty);
	}
	assert_int_equal(hb_path_rmtree(root, &err), 0);
	assert_int_equal(access(root, F_OK), -1);
	assert_int_equal(access(tmp, F_OK), 0);
	free(root);
}

/* A site's many folders, shared between two threads (more than the second one takes), with
 * a link to a folder outside among them. */
static void
test_path__rmtree_removes_many_folders(void **state)
{
	char *tmp = *state, *root = ut_join(tmp, "site"), *keep = ut_join(tmp, "keep");
	char *link_dir = ut_join(root, "f07-link"), *kept_file = ut_join(keep, "precious.txt");
	struct hb_err err = { "" };
	char rel[64];
	int f, i;

	ut_write_str(keep, "precious.txt", "do not delete");
	for (f = 0; f < 40; f++) {
		for (i = 0; i < 5; i++) {
			snprintf(rel, sizeof(rel), "f%02d/sub/p%d.html", f, i);
			ut_write_str(root, rel, "x");
		}
	}
	assert_int_equal(symlink(keep, link_dir), 0);
	assert_int_equal(hb_path_rmtree(root, &err), 0);
	assert_int_equal(access(root, F_OK), -1);
	assert_int_equal(access(kept_file, F_OK), 0);
	free(root);
	free(keep);
	free(link_dir);
	free(kept_file);
}

static void
test_path__rmtree_does_not_follow_symlinks(void **state)
{
	char *tmp = *state, *root = ut_join(tmp, "site"), *keep = ut_join(tmp, "keep");
	char *link_dir = ut_join(root, "to-keep"), *link_file = ut_join(root, "to-file");
	char *kept_file = ut_join(keep, "precious.txt");
	struct hb_err err = { "" };

	ut_write_str(keep, "precious.txt", "do not delete");
	ut_write_str(root, "x.html", "x");
	assert_int_equal(symlink(keep, link_dir), 0);
	assert_int_equal(symlink(kept_file, link_file), 0);
	assert_int_equal(hb_path_rmtree(root, &err), 0);
	assert_int_equal(access(root, F_OK), -1);
	assert_int_equal(access(kept_file, F_OK), 0);
	free(root);
	free(keep);
	free(link_dir);
	free(link_file);
	free(kept_file);
}

static void
test_path__rmtree_of_missing_directory_fails(void **state)
{
	char *tmp = *state, *missing = ut_join(tmp, "nope");
	struct hb_err err = { "" };

	assert_int_equal(hb_path_rmtree(missing, &err), -1);
	assert_non_null(strstr(err.msg, "nope"));
	free(missing);
}

static void
test_path__is_within(void **state)
{
	char *tmp = *state, *a = ut_join(tmp, "a"), *ab = ut_join(tmp, "ab");
	char *inner = ut_join(tmp, "a/inner"), *link = ut_join(tmp, "link"), *missing;

	ut_mkdirs(inner);
	ut_mkdirs(ab);
	assert_true(hb_path_is_within(a, a));
	assert_true(hb_path_is_within(inner, a));
	assert_true(hb_path_is_within(inner, tmp));
	assert_false(hb_path_is_within(a, inner));
	assert_false(hb_path_is_within(ab, a));	/* a name prefix is not a parent */
	assert_false(hb_path_is_within(a, ab));
	/* Real paths are compared: a symlink to a/inner is within a. */
	assert_int_equal(symlink(inner, link), 0);
	assert_true(hb_path_is_within(link, a));
	assert_false(hb_path_is_within(link, ab));
	missing = ut_join(tmp, "a/missing");
	assert_false(hb_path_is_within(missing, a));
	free(missing);
	free(a);
	free(ab);
	free(inner);
	free(link);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path__safe_paths_are_accepted),
		cmocka_unit_test(test_path__unsafe_paths_are_refused),
		cmocka_unit_test(test_path__join),
		cmocka_unit_test(test_path__dirname),
		cmocka_unit_test(test_path__relurl_percent_encodes_file_names),
		cmocka_unit_test(test_path__relurl_across_folders),
		cmocka_unit_test(test_path__relurl_same_folder_and_root),
		cmocka_unit_test(test_path__relurl_folder_names_sharing_a_prefix),
		cmocka_unit_test_setup_teardown(test_path__mkdirs_creates_nested_folders, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(test_path__mkdirs_fails_below_a_file, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(test_path__mkdirs_fails_on_an_existing_file, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(test_path__list_sorts_and_skips_scratch_files, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(test_path__rmtree_removes_a_tree, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(test_path__rmtree_removes_many_folders, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(test_path__rmtree_does_not_follow_symlinks, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(test_path__rmtree_of_missing_directory_fails, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(test_path__is_within, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_path__stat_both_follows_only_links, tmp_setup,
		    tmp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
