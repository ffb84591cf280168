/*
 * Unit tests for source.h: the input files from the working tree or from a git revision.
 * The repositories are made here with libgit2 in a temporary directory.
 */
#include "unit.h"

#include <git2.h>

#include "path.h"
#include "source.h"

/* `git hash-object` of "hello\n" and of the empty file. */
#define OID_HELLO "ce013625030ba8dba906f756967f9e9ca394464a"
#define OID_EMPTY "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"

struct fx {
	char *dir;
	struct hb_source src;
	struct hb_diag d;
	struct hb_err err;
};

static int
group_setup(void **state)
{
	(void)state;
	git_libgit2_init();
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	git_libgit2_shutdown();
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = ut_mkdtemp();
	hb_diag_init(&f->d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	hb_source_free(&f->src);
	hb_diag_free(&f->d);
	ut_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static int
read_dir(struct fx *f, const char *dir, const char *rev)
{
	struct hb_source_spec spec = { dir, rev, NULL, 0 };

	hb_source_free(&f->src);
	f->err.msg[0] = '\0';
	return hb_source_read(&f->src, &spec, &f->d, &f->err);
}

/* The blob id git gives these bytes, from libgit2 itself. */
static void
blob_id(char out[41], const char *data, size_t len)
{
	git_oid oid;

	assert_int_equal(git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB), 0);
	git_oid_tostr(out, 41, &oid);
}

/* Stages every file under workdir (git add -A) and commits on HEAD; returns the commit id. */
static void
commit_all(git_repository *repo, const char *message, git_time_t when, git_oid *out)
{
	git_index *index = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_oid tree_id, head_id;
	const git_commit *parents[1];
	size_t n_parents = 0;

	assert_int_equal(git_repository_index(&index, repo), 0);
	assert_int_equal(git_index_add_all(index, NULL, GIT_INDEX_ADD_FORCE, NULL, NULL), 0);
	assert_int_equal(git_index_update_all(index, NULL, NULL, NULL), 0);
	assert_int_equal(git_index_write(index), 0);
	assert_int_equal(git_index_write_tree(&tree_id, index), 0);
	assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
	assert_int_equal(git_signature_new(&sig, "Test", "test@example.org", when, 0), 0);
	if (git_reference_name_to_id(&head_id, repo, "HEAD") == 0) {
		assert_int_equal(git_commit_lookup(&parent, repo, &head_id), 0);
		parents[n_parents++] = parent;
	}
	assert_int_equal(git_commit_create(out, repo, "HEAD", sig, sig, NULL, message, tree,
	    n_parents, parents), 0);
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(index);
}

static void
test_source__reads_tree_sorted_by_path(void **state)
{
	struct fx *f = *state;
	const char *want[] = { "a-b.md", "a.md", "a/x.md", "b.md", "z/deep/er/file.txt" };
	size_t i;

	ut_write_str(f->dir, "b.md", "B");
	ut_write_str(f->dir, "a/x.md", "AX");
	ut_write_str(f->dir, "a.md", "A");
	ut_write_str(f->dir, "a-b.md", "A-B");
	ut_write_str(f->dir, "z/deep/er/file.txt", "deep");
	assert_int_equal(read_dir(f, f->dir, NULL), 0);
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->src.n_files, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(f->src.files[i].path, want[i]);
	assert_string_equal(f->src.files[2].data, "AX");
	assert_int_equal(f->src.files[2].len, 2);
	assert_string_equal(f->src.files[4].data, "deep");
}

static void
test_source__skips_hidden_files_and_folders(void **state)
{
	struct fx *f = *state;

	ut_write_str(f->dir, ".hidden.md", "h");
	ut_write_str(f->dir, ".git/config", "c");
	ut_write_str(f->dir, "a/.DS_Store", "x");
	ut_write_str(f->dir, "a/.dot/inner.md", "x");
	ut_write_str(f->dir, "a/visible.md", "v");
	assert_int_equal(read_dir(f, f->dir, NULL), 0);
	assert_int_equal(f->src.n_files, 1);
	assert_string_equal(f->src.files[0].path, "a/visible.md");
}

static void
test_source__bytes_are_copied_exactly_and_terminated(void **state)
{
	struct fx *f = *state;
	const char bin[] = { 'a', '\0', 'b', '\r', '\n', (char)0xff };

	ut_write(f->dir, "bin.dat", bin, sizeof(bin));
	ut_write(f->dir, "empty.md", "", 0);
	assert_int_equal(read_dir(f, f->dir, NULL), 0);
	assert_int_equal(f->src.n_files, 2);
	assert_int_equal(f->src.files[0].len, sizeof(bin));
	assert_memory_equal(f->src.files[0].data, bin, sizeof(bin));
	assert_int_equal(f->src.files[0].data[sizeof(bin)], '\0');
	assert_int_equal(f->src.files[1].len, 0);
	assert_non_null(f->src.files[1].data);
	assert_int_equal(f->src.files[1].data[0], '\0');
}

static void
test_source__blob_ids_of_working_tree_files(void **state)
{
	struct fx *f = *state;

	ut_write_str(f->dir, "hello.txt", "hello\n");
	ut_write(f->dir, "zero.txt", "", 0);
	assert_int_equal(read_dir(f, f->dir, NULL), 0);
	assert_string_equal(f->src.files[0].oid, OID_HELLO);
	assert_string_equal(f->src.files[1].oid, OID_EMPTY);
}

static void
test_source__find(void **state)
{
	struct fx *f = *state;
	const struct hb_file *file;

	ut_write_str(f->dir, "layouts/page.html", "P");
	ut_write_str(f->dir, "layouts/partials/nav.html", "N");
	ut_write_str(f->dir, "assets/site.css", "C");
	assert_int_equal(read_dir(f, f->dir, NULL), 0);
	file = hb_source_find(&f->src, "layouts/partials/nav.html");
	assert_non_null(file);
	assert_string_equal(file->data, "N");
	assert_non_null(hb_source_find(&f->src, "assets/site.css"));
	assert_null(hb_source_find(&f->src, "layouts/nav.html"));
	assert_null(hb_source_find(&f->src, "layouts"));
	assert_null(hb_source_find(&f->src, ""));
}

static void
test_source__empty_directory(void **state)
{
	struct fx *f = *state;

	assert_int_equal(read_dir(f, f->dir, NULL), 0);
	assert_int_equal(f->src.n_files, 0);
	assert_null(hb_source_find(&f->src, "x"));
}

static void
test_source__missing_directory_is_env_error(void **state)
{
	struct fx *f = *state;
	char *missing = ut_join(f->dir, "nope");

	assert_int_equal(read_dir(f, missing, NULL), -1);
	assert_non_null(strstr(f->err.msg, "nope"));
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->src.n_files, 0);
	free(missing);
}

static void
test_source__file_instead_of_directory_is_env_error(void **state)
{
	struct fx *f = *state;
	char *file = ut_join(f->dir, "plain");

	ut_write_str(f->dir, "plain", "x");
	assert_int_equal(read_dir(f, file, NULL), -1);
	assert_non_null(strstr(f->err.msg, "plain"));
	free(file);
}

static void
test_source__symlink_leaving_the_directory_is_an_error(void **state)
{
	struct fx *f = *state;
	char *content = ut_join(f->dir, "content"), *outside = ut_join(f->dir, "secret.txt");
	char *link = ut_join(content, "leak.md"), *dlink = ut_join(content, "etc");
	char *want_path;

	ut_write_str(f->dir, "secret.txt", "secret");
	ut_write_str(content, "ok.md", "ok");
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(symlink("/etc", dlink), 0);
	assert_int_equal(read_dir(f, content, NULL), 0);
	assert_int_equal(f->src.n_files, 1);
	assert_string_equal(f->src.files[0].path, "ok.md");
	assert_int_equal(f->d.n_errors, 2);
	want_path = ut_join(content, "leak.md");
	assert_string_equal(f->d.v[1].path, want_path);
	assert_non_null(strstr(f->d.v[1].msg, "outside"));
	assert_string_equal(f->d.v[0].path, dlink);
	free(want_path);
	free(content);
	free(outside);
	free(link);
	free(dlink);
}

static void
test_source__symlink_within_the_directory_is_read(void **state)
{
	struct fx *f = *state;
	char *link = ut_join(f->dir, "b.md");

	ut_write_str(f->dir, "a.md", "target");
	assert_int_equal(symlink("a.md", link), 0);
	assert_int_equal(read_dir(f, f->dir, NULL), 0);
	assert_int_equal(f->d.n, 0);
	assert_non_null(hb_source_find(&f->src, "a.md"));
	free(link);
}

static void
test_source__oversized_file_is_a_diagnostic(void **state)
{
	struct fx *f = *state;
	char *big = ut_join(f->dir, "big.md");

	ut_write_str(f->dir, "small.md", "s");
	ut_write_str(f->dir, "big.md", "");
	assert_int_equal(truncate(big, (off_t)HB_SOURCE_MAX_FILE + 1), 0);	/* sparse */
	assert_int_equal(read_dir(f, f->dir, NULL), 0);
	assert_int_equal(f->src.n_files, 1);
	assert_string_equal(f->src.files[0].path, "small.md");
	assert_int_equal(f->d.n_errors, 1);
	assert_string_equal(f->d.v[0].path, big);
	free(big);
}

static void
test_source__file_at_the_limit_is_read(void **state)
{
	struct fx *f = *state;
	char *big = ut_join(f->dir, "limit.md");

	ut_write_str(f->dir, "limit.md", "");
	assert_int_equal(truncate(big, (off_t)HB_SOURCE_MAX_FILE), 0);
	assert_int_equal(read_dir(f, f->dir, NULL), 0);
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->src.n_files, 1);
	assert_int_equal(f->src.files[0].len, HB_SOURCE_MAX_FILE);
	free(big);
}

static void
test_source__every_listed_path_is_safe(void **state)
{
	struct fx *f = *state;
	size_t i;

	/* A backslash is a legal byte in a Linux file name but never in a handbook path. */
	ut_write_str(f->dir, "ok.md", "ok");
	ut_write_str(f->dir, "back\\slash.txt", "b");
	assert_int_equal(read_dir(f, f->dir, NULL), 0);
	for (i = 0; i < f->src.n_files; i++) {
		if (!hb_path_is_safe(f->src.files[i].path))
			print_message("unsafe path listed: %s\n", f->src.files[i].path);
		assert_true(hb_path_is_safe(f->src.files[i].path));
	}
	assert_non_null(hb_source_find(&f->src, "ok.md"));
	assert_int_equal(f->d.n_errors, 1);
}

/* A repository with content/ committed, then changed in the working tree. */
static git_repository *
make_repo(struct fx *f, git_oid *first)
{
	git_repository *repo = NULL;

	assert_int_equal(git_repository_init(&repo, f->dir, 0), 0);
	ut_write_str(f->dir, "content/a.md", "committed\n");
	ut_write_str(f->dir, "content/sub/b.md", "hello\n");
	ut_write_str(f->dir, "content/.hidden.md", "hidden\n");
	ut_write_str(f->dir, "content/.dot/c.md", "dot\n");
	ut_write_str(f->dir, "theme/layouts/page.html", "<%= page.title %>\n");
	commit_all(repo, "first", 1500000000, first);
	return repo;
}

static void
test_source__rev_reads_committed_bytes(void **state)
{
	struct fx *f = *state;
	char *content = ut_join(f->dir, "content"), *wt = ut_join(content, "a.md");
	char want_oid[41];
	git_repository *repo;
	git_oid first;
	size_t len;

	repo = make_repo(f, &first);
	/* The working tree moves on: changed, added and deleted files. */
	ut_write_str(content, "a.md", "changed in the working tree\n");
	ut_write_str(content, "new.md", "untracked\n");
	{
		char *b = ut_join(content, "sub/b.md");

		assert_int_equal(unlink(b), 0);
		free(b);
	}
	assert_int_equal(read_dir(f, content, "HEAD"), 0);
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->src.n_files, 2);
	assert_string_equal(f->src.files[0].path, "a.md");
	assert_string_equal(f->src.files[0].data, "committed\n");
	assert_int_equal(f->src.files[0].len, 10);
	blob_id(want_oid, "committed\n", 10);
	assert_string_equal(f->src.files[0].oid, want_oid);
	assert_string_equal(f->src.files[1].path, "sub/b.md");
	assert_string_equal(f->src.files[1].data, "hello\n");
	assert_string_equal(f->src.files[1].oid, OID_HELLO);
	/* The working tree was not touched. */
	{
		char *now = ut_read(wt, &len);

		assert_string_equal(now, "changed in the working tree\n");
		free(now);
	}
	git_repository_free(repo);
	free(content);
	free(wt);
}

static void
test_source__rev_by_commit_id_and_ancestor(void **state)
{
	struct fx *f = *state;
	char *content = ut_join(f->dir, "content"), hex[41];
	git_repository *repo;
	git_oid first, second;

	repo = make_repo(f, &first);
	ut_write_str(content, "a.md", "second version\n");
	ut_write_str(content, "added.md", "added\n");
	commit_all(repo, "second", 1500000100, &second);

	assert_int_equal(read_dir(f, content, "HEAD~1"), 0);
	assert_int_equal(f->src.n_files, 2);
	assert_string_equal(hb_source_find(&f->src, "a.md")->data, "committed\n");
	assert_null(hb_source_find(&f->src, "added.md"));

	git_oid_tostr(hex, sizeof(hex), &second);
	assert_int_equal(read_dir(f, content, hex), 0);
	assert_int_equal(f->src.n_files, 3);
	assert_string_equal(hb_source_find(&f->src, "a.md")->data, "second version\n");
	assert_string_equal(hb_source_find(&f->src, "added.md")->data, "added\n");
	git_repository_free(repo);
	free(content);
}

static void
test_source__rev_of_repository_root(void **state)
{
	struct fx *f = *state;
	git_repository *repo;
	git_oid first;

	repo = make_repo(f, &first);
	assert_int_equal(read_dir(f, f->dir, "HEAD"), 0);
	assert_int_equal(f->src.n_files, 3);
	assert_string_equal(f->src.files[0].path, "content/a.md");
	assert_string_equal(f->src.files[1].path, "content/sub/b.md");
	assert_string_equal(f->src.files[2].path, "theme/layouts/page.html");
	git_repository_free(repo);
}

static void
test_source__rev_from_a_relative_subfolder_path(void **state)
{
	struct fx *f = *state;
	git_repository *repo;
	git_oid first;
	char cwd[4096];

	repo = make_repo(f, &first);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	assert_int_equal(read_dir(f, "content/sub", "HEAD"), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(f->src.n_files, 1);
	assert_string_equal(f->src.files[0].path, "b.md");
	git_repository_free(repo);
}

static void
test_source__unknown_revision_fails(void **state)
{
	struct fx *f = *state;
	char *content = ut_join(f->dir, "content");
	git_repository *repo;
	git_oid first;

	repo = make_repo(f, &first);
	assert_int_equal(read_dir(f, content, "no-such-branch"), -1);
	assert_non_null(strstr(f->err.msg, "no-such-branch"));
	assert_int_equal(f->src.n_files, 0);
	assert_int_equal(f->d.n, 0);
	git_repository_free(repo);
	free(content);
}

static void
test_source__folder_missing_from_revision_fails(void **state)
{
	struct fx *f = *state;
	char *later = ut_join(f->dir, "later");
	git_repository *repo;
	git_oid first;

	repo = make_repo(f, &first);
	ut_write_str(later, "x.md", "not committed\n");
	assert_int_equal(read_dir(f, later, "HEAD"), -1);
	assert_true(strlen(f->err.msg) > 0);
	assert_int_equal(f->src.n_files, 0);
	git_repository_free(repo);
	free(later);
}

static void
test_source__rev_outside_a_repository_fails(void **state)
{
	struct fx *f = *state;

	ut_write_str(f->dir, "a.md", "x");
	assert_int_equal(read_dir(f, f->dir, "HEAD"), -1);
	assert_true(strlen(f->err.msg) > 0);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_source__reads_tree_sorted_by_path),
		T(test_source__skips_hidden_files_and_folders),
		T(test_source__bytes_are_copied_exactly_and_terminated),
		T(test_source__blob_ids_of_working_tree_files),
		T(test_source__find),
		T(test_source__empty_directory),
		T(test_source__missing_directory_is_env_error),
		T(test_source__file_instead_of_directory_is_env_error),
		T(test_source__symlink_leaving_the_directory_is_an_error),
		T(test_source__symlink_within_the_directory_is_read),
		T(test_source__oversized_file_is_a_diagnostic),
		T(test_source__file_at_the_limit_is_read),
		T(test_source__every_listed_path_is_safe),
		T(test_source__rev_reads_committed_bytes),
		T(test_source__rev_by_commit_id_and_ancestor),
		T(test_source__rev_of_repository_root),
		T(test_source__rev_from_a_relative_subfolder_path),
		T(test_source__unknown_revision_fails),
		T(test_source__folder_missing_from_revision_fails),
		T(test_source__rev_outside_a_repository_fails),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
