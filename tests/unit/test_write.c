/*
 * Unit tests for write.h: staging, the atomic swap, abort, refusals, fault injection and hard
 * links to unchanged files. Every test works in its own /tmp/hbtest-XXXXXX with the site at
 * <tmp>/site and the content at <tmp>/content.
 */
#include "unit.h"

#include <fcntl.h>
#include <pthread.h>

#include "buf.h"
#include "write.h"

struct fx {
	char *tmp;
	char *site;
	char *content;
	char *theme;
	const char *protect[3];
	struct hb_err err;
	struct hb_writer *w;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->tmp = ut_mkdtemp();
	f->site = ut_join(f->tmp, "site");
	f->content = ut_join(f->tmp, "content");
	f->theme = ut_join(f->tmp, "themes/default");
	ut_write_str(f->content, "a.md", "---\ntitle: A\n---\n");
	ut_write_str(f->theme, "layouts/page.html", "x");
	f->protect[0] = f->content;
	f->protect[1] = f->theme;
	f->protect[2] = NULL;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	hb_write_abort(f->w);
	ut_rmtree(f->tmp);
	free(f->tmp);
	free(f->site);
	free(f->content);
	free(f->theme);
	free(f);
	return 0;
}

/* Appends "path\n<bytes>\n" for every entry under dir, sorted, recursively, to b. */
static void
snapshot_into(struct hb_buf *b, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	for (i = 0; i < n; i++) {
		size_t j;

		for (j = i + 1; j < n; j++) {
			if (strcmp(names[j], names[i]) < 0) {
				char *t = names[i];

				names[i] = names[j];
				names[j] = t;
			}
		}
	}
	for (i = 0; i < n; i++) {
		char *full = ut_join(dir, names[i]);
		char *child = rel[0] ? ut_join(rel, names[i]) : strdup(names[i]);
		struct stat st;

		assert_int_equal(lstat(full, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			hb_buf_printf(b, "%s/\n", child);
			snapshot_into(b, full, child);
		} else {
			size_t len = 0;
			char *data = ut_read(full, &len);

			assert_non_null(data);
			hb_buf_printf(b, "%s %zu\n", child, len);
			hb_buf_put(b, data, len);
			hb_buf_putc(b, '\n');
			free(data);
		}
		free(full);
		free(child);
		free(names[i]);
	}
	free(names);
}

/* A listing of the tree with every file's bytes (caller frees). */
static char *
snapshot(const char *dir)
{
	struct hb_buf b = HB_BUF_INIT;

	snapshot_into(&b, dir, "");
	return hb_buf_detach(&b, NULL);
}

/* Counts entries of the temporary directory whose name starts with prefix. */
static size_t
count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* The file at path holds exactly want. */
static void
assert_file(const char *path, const char *want)
{
	char *data = ut_read(path, NULL);

	assert_string_equal(data, want);
	free(data);
}

static void
assert_site(struct fx *f, const char *rel, const char *want)
{
	char *path = ut_join(f->site, rel);

	assert_file(path, want);
	free(path);
}

static char *
read_site(struct fx *f, const char *rel)
{
	char *path = ut_join(f->site, rel), *data = ut_read(path, NULL);

	free(path);
	return data;
}

static ino_t
inode_of(struct fx *f, const char *rel)
{
	char *path = ut_join(f->site, rel);
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	free(path);
	return st.st_ino;
}

static void
begin(struct fx *f)
{
	f->err.msg[0] = '\0';
	if (hb_write_begin(&f->w, f->site, f->protect, &f->err) != 0)
		print_message("begin: %s\n", f->err.msg);
	assert_non_null(f->w);
}

static void
commit(struct fx *f)
{
	struct hb_writer *w = f->w;

	f->w = NULL;
	if (hb_write_commit(w, &f->err) != 0) {
		print_message("commit: %s\n", f->err.msg);
		fail();
	}
}

/* Builds a first site with the given files ("path", "text", ..., NULL). */
static void
build_site(struct fx *f, const char *const *files)
{
	begin(f);
	for (; *files; files += 2)
		assert_int_equal(hb_write_file(f->w, files[0], files[1], strlen(files[1]),
		    &f->err), 0);
	commit(f);
}

static void
test_write__first_build_creates_the_site(void **state)
{
	struct fx *f = *state;
	char *marker;

	begin(f);
	/* Staging lives beside the output, which does not exist yet. */
	assert_int_equal(count_entries(f->tmp, ".site.staging-"), 1);
	assert_int_equal(access(f->site, F_OK), -1);
	assert_int_equal(hb_write_file(f->w, "index.html", "<p>home</p>", 11, &f->err), 0);
	assert_int_equal(hb_write_file(f->w, "meetings/a/b.html", "deep", 4, &f->err), 0);
	assert_int_equal(hb_write_file(f->w, "empty.txt", "", 0, &f->err), 0);
	assert_int_equal(access(f->site, F_OK), -1);
	commit(f);
	assert_site(f, "index.html", "<p>home</p>");
	assert_site(f, "meetings/a/b.html", "deep");
	assert_site(f, "empty.txt", "");
	marker = ut_join(f->site, HB_WRITE_MARKER);
	assert_int_equal(access(marker, F_OK), 0);
	free(marker);
	assert_int_equal(count_entries(f->tmp, ".site.staging-"), 0);
}

static void
test_write__commit_replaces_the_previous_site(void **state)
{
	struct fx *f = *state;
	const char *first[] = { "index.html", "old home", "stale.html", "gone soon", NULL };
	char *stale;

	build_site(f, first);
	begin(f);
	assert_int_equal(hb_write_file(f->w, "index.html", "new home", 8, &f->err), 0);
	/* Until the commit, the site is the old one. */
	assert_site(f, "index.html", "old home");
	commit(f);
	assert_site(f, "index.html", "new home");
	stale = ut_join(f->site, "stale.html");
	assert_int_equal(access(stale, F_OK), -1);
	free(stale);
	assert_int_equal(count_entries(f->tmp, ".site.staging-"), 0);
	assert_int_equal(count_entries(f->tmp, "site"), 1);
}

static void
test_write__abort_leaves_the_site_byte_identical(void **state)
{
	struct fx *f = *state;
	const char *first[] = { "index.html", "home", "a/b.html", "b", "c.css", "body{}", NULL };
	char *before, *after;

	build_site(f, first);
	before = snapshot(f->site);
	begin(f);
	assert_int_equal(hb_write_file(f->w, "index.html", "changed", 7, &f->err), 0);
	assert_int_equal(hb_write_file(f->w, "new.html", "new", 3, &f->err), 0);
	hb_write_abort(f->w);
	f->w = NULL;
	after = snapshot(f->site);
	assert_string_equal(after, before);
	assert_int_equal(count_entries(f->tmp, ".site.staging-"), 0);
	free(before);
	free(after);
}

static void
test_write__abort_without_previous_site(void **state)
{
	struct fx *f = *state;

	begin(f);
	assert_int_equal(hb_write_file(f->w, "index.html", "x", 1, &f->err), 0);
	hb_write_abort(f->w);
	f->w = NULL;
	assert_int_equal(access(f->site, F_OK), -1);
	assert_int_equal(count_entries(f->tmp, ".site.staging-"), 0);
	hb_write_abort(NULL);	/* harmless */
}

static void
test_write__foreign_non_empty_directory_is_refused(void **state)
{
	struct fx *f = *state;
	char *before, *after;

	ut_write_str(f->site, "thesis.tex", "years of work");
	before = snapshot(f->site);
	f->err.msg[0] = '\0';
	assert_int_equal(hb_write_begin(&f->w, f->site, f->protect, &f->err), -1);
	assert_null(f->w);
	assert_non_null(strstr(f->err.msg, f->site));
	after = snapshot(f->site);
	assert_string_equal(after, before);
	assert_int_equal(count_entries(f->tmp, ".site.staging-"), 0);
	free(before);
	free(after);
}

static void
test_write__foreign_directory_with_only_hidden_files_is_refused(void **state)
{
	struct fx *f = *state;

	ut_write_str(f->site, ".git/config", "[core]");
	assert_int_equal(hb_write_begin(&f->w, f->site, f->protect, &f->err), -1);
	assert_null(f->w);
}

static void
test_write__empty_existing_directory_is_accepted(void **state)
{
	struct fx *f = *state;

	ut_mkdirs(f->site);
	begin(f);
	assert_int_equal(hb_write_file(f->w, "index.html", "ok", 2, &f->err), 0);
	commit(f);
	assert_site(f, "index.html", "ok");
	assert_int_equal(count_entries(f->tmp, ".site.staging-"), 0);
}

static void
test_write__regular_file_as_output_is_refused(void **state)
{
	struct fx *f = *state;
	char *data;

	ut_write_str(f->tmp, "site", "not a directory");
	assert_int_equal(hb_write_begin(&f->w, f->site, f->protect, &f->err), -1);
	assert_null(f->w);
	data = ut_read(f->site, NULL);
	assert_string_equal(data, "not a directory");
	free(data);
}

static void
test_write__degenerate_output_names_are_refused(void **state)
{
	struct fx *f = *state;
	const char *names[] = { "", "/", ".", "..", "//" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(hb_write_begin(&f->w, names[i], NULL, &f->err), -1);
		assert_null(f->w);
	}
	/* Refusing so early once closed file descriptor 0 (the lock's, not yet opened). */
	assert_int_not_equal(fcntl(0, F_GETFD), -1);
}

static void
test_write__unsafe_paths_are_refused(void **state)
{
	struct fx *f = *state;
	const char *bad[] = {
		"../x.html", "/abs.html", "a//b.html", "a/./b.html", "a/../../x.html", "", ".",
		"..", "a/", "a\\..\\b", NULL,
	};
	char *before, *after;
	size_t i;

	before = snapshot(f->tmp);
	begin(f);
	for (i = 0; bad[i]; i++) {
		f->err.msg[0] = '\0';
		assert_int_equal(hb_write_file(f->w, bad[i], "x", 1, &f->err), -1);
		assert_true(strlen(f->err.msg) > 0);
	}
	assert_int_equal(hb_write_file(f->w, "ok.html", "fine", 4, &f->err), 0);
	commit(f);
	/* Nothing appeared outside the site. */
	{
		char *site_only = snapshot(f->site);

		assert_non_null(strstr(site_only, "ok.html"));
		free(site_only);
	}
	ut_rmtree(f->site);
	{
		/* The output's lock file, beside it, is the one thing a build adds there. */
		char *lock = ut_join(f->tmp, ".site.lock");

		assert_int_equal(unlink(lock), 0);
		free(lock);
	}
	after = snapshot(f->tmp);
	assert_string_equal(after, before);
	assert_int_equal(access("/abs.html", F_OK), -1);
	free(before);
	free(after);
}

static void
test_write__marker_cannot_be_written_as_a_page(void **state)
{
	struct fx *f = *state;

	begin(f);
	assert_int_equal(hb_write_file(f->w, HB_WRITE_MARKER, "x", 1, &f->err), -1);
}

static void
test_write__files_are_created_exclusively(void **state)
{
	struct fx *f = *state;

	begin(f);
	assert_int_equal(hb_write_file(f->w, "index.html", "first", 5, &f->err), 0);
	assert_int_equal(hb_write_file(f->w, "index.html", "second", 6, &f->err), -1);
	commit(f);
	assert_site(f, "index.html", "first");
}

static void
test_write__output_inside_content_is_refused(void **state)
{
	struct fx *f = *state;
	char *inside = ut_join(f->content, "site"), *existing = ut_join(f->content, "built");

	/* Whether or not it exists yet. */
	assert_int_equal(hb_write_begin(&f->w, inside, f->protect, &f->err), -1);
	assert_null(f->w);
	assert_int_equal(access(inside, F_OK), -1);
	assert_int_equal(count_entries(f->content, ".site"), 0);
	ut_mkdirs(existing);
	assert_int_equal(hb_write_begin(&f->w, existing, f->protect, &f->err), -1);
	assert_null(f->w);
	assert_int_equal(count_entries(f->content, ".built"), 0);
	free(inside);
	free(existing);
}

static void
test_write__output_inside_theme_is_refused(void **state)
{
	struct fx *f = *state;
	char *inside = ut_join(f->theme, "layouts/out");

	assert_int_equal(hb_write_begin(&f->w, inside, f->protect, &f->err), -1);
	assert_null(f->w);
	free(inside);
}

static void
test_write__output_equal_to_content_is_refused(void **state)
{
	struct fx *f = *state;
	char *before = snapshot(f->content), *after, *slashed = malloc(strlen(f->content) + 2);

	assert_int_equal(hb_write_begin(&f->w, f->content, f->protect, &f->err), -1);
	assert_null(f->w);
	strcpy(slashed, f->content);
	strcat(slashed, "/");
	assert_int_equal(hb_write_begin(&f->w, slashed, f->protect, &f->err), -1);
	assert_null(f->w);
	after = snapshot(f->content);
	assert_string_equal(after, before);
	free(before);
	free(after);
	free(slashed);
}

static void
test_write__output_containing_content_is_refused(void **state)
{
	struct fx *f = *state;
	const char *first[] = { "index.html", "x", NULL };
	const char *protect[] = { NULL, NULL };
	char *content_in_site = ut_join(f->site, "content");

	/* A site handbook made, which (somehow) now holds the content folder. */
	build_site(f, first);
	ut_write_str(content_in_site, "a.md", "---\ntitle: A\n---\n");
	protect[0] = content_in_site;
	assert_int_equal(hb_write_begin(&f->w, f->site, protect, &f->err), -1);
	assert_null(f->w);
	assert_int_equal(access(content_in_site, F_OK), 0);
	free(content_in_site);
}

static void
test_write__fault_injection_fails_nth_and_later_writes(void **state)
{
	struct fx *f = *state;
	const char *first[] = { "index.html", "home", "a.html", "a", NULL };
	char *before, *after;

	build_site(f, first);
	before = snapshot(f->site);
	begin(f);
	hb_write_fail_after(f->w, 2);
	assert_int_equal(hb_write_file(f->w, "index.html", "new", 3, &f->err), 0);
	f->err.msg[0] = '\0';
	assert_int_equal(hb_write_file(f->w, "a.html", "new a", 5, &f->err), -1);
	assert_true(strlen(f->err.msg) > 0);
	assert_int_equal(hb_write_file(f->w, "b.html", "b", 1, &f->err), -1);
	assert_int_equal(hb_write_file(f->w, "c.html", "c", 1, &f->err), -1);
	hb_write_abort(f->w);
	f->w = NULL;
	after = snapshot(f->site);
	assert_string_equal(after, before);
	assert_int_equal(count_entries(f->tmp, ".site.staging-"), 0);
	free(before);
	free(after);
}

static void
test_write__fault_injection_zero_disables(void **state)
{
	struct fx *f = *state;
	int i;

	begin(f);
	hb_write_fail_after(f->w, 1);
	hb_write_fail_after(f->w, 0);
	for (i = 0; i < 5; i++) {
		char name[32];

		snprintf(name, sizeof(name), "p%d.html", i);
		assert_int_equal(hb_write_file(f->w, name, "x", 1, &f->err), 0);
	}
	commit(f);
}

static void
test_write__unchanged_files_are_hard_links(void **state)
{
	struct fx *f = *state;
	const char *first[] = { "same.html", "unchanged bytes", "diff.html", "old", "sub/s.css",
	    "css", NULL };
	ino_t same, same_css, diff;
	struct stat st;
	char *path;

	build_site(f, first);
	same = inode_of(f, "same.html");
	same_css = inode_of(f, "sub/s.css");
	diff = inode_of(f, "diff.html");
	begin(f);
	assert_int_equal(hb_write_file(f->w, "same.html", "unchanged bytes", 15, &f->err), 0);
	assert_int_equal(hb_write_file(f->w, "sub/s.css", "css", 3, &f->err), 0);
	assert_int_equal(hb_write_file(f->w, "diff.html", "new", 3, &f->err), 0);
	commit(f);
	assert_true(inode_of(f, "same.html") == same);
	assert_true(inode_of(f, "sub/s.css") == same_css);
	assert_true(inode_of(f, "diff.html") != diff);
	assert_site(f, "diff.html", "new");
	/* The previous site is gone, so the kept file has one link again. */
	path = ut_join(f->site, "same.html");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_nlink, 1);
	free(path);
}

/* A cache is written anew even when its bytes are the previous site's: comparing would mean
 * reading the old one whole first. */
static void
test_write__private_files_are_written_anew(void **state)
{
	struct fx *f = *state;
	const char *first[] = { ".cache", "the same bytes", NULL };
	ino_t before;

	build_site(f, first);
	before = inode_of(f, ".cache");
	begin(f);
	assert_int_equal(hb_write_private(f->w, ".cache", "the same bytes", 14, &f->err), 0);
	commit(f);
	assert_true(inode_of(f, ".cache") != before);
	assert_site(f, ".cache", "the same bytes");
}

static void
test_write__same_size_different_bytes_is_rewritten(void **state)
{
	struct fx *f = *state;
	const char *first[] = { "a.html", "abc", NULL };

	build_site(f, first);
	begin(f);
	assert_int_equal(hb_write_file(f->w, "a.html", "abd", 3, &f->err), 0);
	commit(f);
	assert_site(f, "a.html", "abd");
}

static void
test_write__abort_keeps_hard_linked_previous_files(void **state)
{
	struct fx *f = *state;
	const char *first[] = { "same.html", "same", NULL };
	char *before, *after;

	build_site(f, first);
	before = snapshot(f->site);
	begin(f);
	assert_int_equal(hb_write_file(f->w, "same.html", "same", 4, &f->err), 0);
	hb_write_abort(f->w);
	f->w = NULL;
	after = snapshot(f->site);
	assert_string_equal(after, before);
	free(before);
	free(after);
}

struct writer_job {
	struct hb_writer *w;
	int id;
	int failures;
};

static void *
write_many(void *arg)
{
	struct writer_job *job = arg;
	struct hb_err err;
	int i;

	for (i = 0; i < 50; i++) {
		char name[64], text[64];

		snprintf(name, sizeof(name), "t%d/dir%d/p%d.html", job->id, i % 5, i);
		snprintf(text, sizeof(text), "%d:%d", job->id, i);
		if (hb_write_file(job->w, name, text, strlen(text), &err) != 0)
			job->failures++;
	}
	return NULL;
}

static void
test_write__write_file_is_thread_safe(void **state)
{
	struct fx *f = *state;
	struct writer_job jobs[4];
	pthread_t threads[4];
	int i;

	begin(f);
	for (i = 0; i < 4; i++) {
		jobs[i].w = f->w;
		jobs[i].id = i;
		jobs[i].failures = 0;
		assert_int_equal(pthread_create(&threads[i], NULL, write_many, &jobs[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(jobs[i].failures, 0);
	}
	commit(f);
	for (i = 0; i < 4; i++) {
		char rel[64], want[64], *data;

		snprintf(rel, sizeof(rel), "t%d/dir%d/p%d.html", i, 49 % 5, 49);
		snprintf(want, sizeof(want), "%d:%d", i, 49);
		data = read_site(f, rel);
		assert_non_null(data);
		assert_string_equal(data, want);
		free(data);
	}
}

static void
test_write__missing_parent_folders_are_created(void **state)
{
	struct fx *f = *state;
	char *deep = ut_join(f->tmp, "out/er/site"), *file = ut_join(deep, "index.html"), *data;
	struct hb_writer *w = NULL;

	assert_int_equal(hb_write_begin(&w, deep, f->protect, &f->err), 0);
	assert_int_equal(hb_write_file(w, "index.html", "deep", 4, &f->err), 0);
	assert_int_equal(hb_write_commit(w, &f->err), 0);
	data = ut_read(file, NULL);
	assert_non_null(data);
	assert_string_equal(data, "deep");
	free(data);
	free(file);
	free(deep);
}

/* hb_write_output of a file of the current site, as a cache would have it. */
static struct hb_write_output
seen_in_site(struct fx *f, const char *rel)
{
	char *path = ut_join(f->site, rel);
	struct hb_write_output o = { NULL, 0, 0, 0 };
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	o.size = (long long)st.st_size;
	o.mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	o.ino = (unsigned long long)st.st_ino;
	free(path);
	return o;
}

static const char *const eight[] = { "a.html", "a", "b.html", "b", "c.html", "c", "d.html", "d",
	"e.html", "e", "sub/f.html", "f", "sub/g.html", "g", "gone.html", "soon gone", NULL };

/* Builds eight, then the same with a.html changed: most files kept, the site before stays
 * as the spare. */
static void
build_twice(struct fx *f)
{
	const char *const *p;

	build_site(f, eight);
	begin(f);
	for (p = eight; *p; p += 2)
		assert_int_equal(hb_write_file(f->w, p[0], p == eight ? "a, changed" : p[1],
		    strlen(p == eight ? "a, changed" : p[1]), &f->err), 0);
	commit(f);
	assert_int_equal(count_entries(f->tmp, ".site.spare"), 1);
}

/* The spare is the site before, sharing the kept files: the next build finds them in place
 * (the same inodes), writes a changed file anew, and removes what it did not write. */
static void
test_write__spare_is_the_site_before(void **state)
{
	struct fx *f = *state;
	struct hb_write_output seen;
	ino_t b, a;
	char *data, *path, *spare = ut_join(f->tmp, ".site.spare");

	build_twice(f);
	b = inode_of(f, "b.html");
	a = inode_of(f, "a.html");
	path = ut_join(spare, "b.html");
	assert_file(path, "b");
	free(path);
	begin(f);
	assert_int_equal(count_entries(f->tmp, ".site.spare"), 0);
	seen = seen_in_site(f, "b.html");
	assert_int_equal(hb_write_keep(f->w, "b.html", &seen, &f->err), 1);
	/* the spare's a.html is the first site's: the current one's is linked */
	seen = seen_in_site(f, "a.html");
	assert_int_equal(hb_write_keep(f->w, "a.html", &seen, &f->err), 1);
	assert_int_equal(hb_write_file(f->w, "c.html", "c, changed", 10, &f->err), 0);
	assert_int_equal(hb_write_file(f->w, "sub/f.html", "f", 1, &f->err), 0);
	commit(f);
	assert_true(inode_of(f, "b.html") == b);
	assert_true(inode_of(f, "a.html") == a);
	assert_site(f, "a.html", "a, changed");
	assert_site(f, "c.html", "c, changed");
	data = snapshot(f->site);
	assert_non_null(strstr(data, "sub/f.html"));
	assert_null(strstr(data, "gone.html"));
	assert_null(strstr(data, "d.html"));
	assert_null(strstr(data, "sub/g.html"));
	free(data);
	free(spare);
}

/* A file that no longer stats as the cache says (changed in place since) is not kept. */
static void
test_write__keep_refuses_a_changed_file(void **state)
{
	struct fx *f = *state;
	struct hb_write_output seen;

	build_twice(f);
	seen = seen_in_site(f, "b.html");
	seen.size++;
	begin(f);
	assert_int_equal(hb_write_keep(f->w, "b.html", &seen, &f->err), 0);
	hb_write_abort(f->w);
	f->w = NULL;
}

/* What the spare holds is never followed: a symbolic link planted for a folder or a file is
 * replaced, and what it pointed to stays as it was; a folder where a file goes is removed. Nor
 * is a spare file read back as this build's. */
static void
test_write__spare_links_are_not_followed(void **state)
{
	struct fx *f = *state;
	char *spare = ut_join(f->tmp, ".site.spare"), *sub = ut_join(spare, "sub");
	char *file = ut_join(spare, "b.html"), *outside = ut_join(f->tmp, "outside");
	char *target = ut_join(outside, "b.html"), *folder = ut_join(spare, "c.html");
	struct hb_buf b = HB_BUF_INIT;

	build_twice(f);
	ut_write_str(outside, "b.html", "outside");
	ut_rmtree(sub);
	assert_int_equal(symlink(outside, sub), 0);
	assert_int_equal(unlink(file), 0);
	assert_int_equal(symlink(target, file), 0);
	assert_int_equal(unlink(folder), 0);
	ut_write_str(folder, "inside.html", "a folder where a file goes");
	begin(f);
	assert_int_equal(hb_write_read(f->w, "c.html", &b), -1);
	assert_int_equal(hb_write_file(f->w, "b.html", "b", 1, &f->err), 0);
	assert_int_equal(hb_write_file(f->w, "sub/b.html", "inside", 6, &f->err), 0);
	assert_int_equal(hb_write_file(f->w, "c.html", "c", 1, &f->err), 0);
	assert_int_equal(hb_write_read(f->w, "sub/b.html", &b), 0);
	commit(f);
	assert_file(target, "outside");
	assert_site(f, "sub/b.html", "inside");
	assert_site(f, "b.html", "b");
	assert_site(f, "c.html", "c");
	hb_buf_free(&b);
	free(spare);
	free(sub);
	free(file);
	free(target);
	free(folder);
	free(outside);
}

/* A build that rewrote most files keeps no spare (it would double the room the site takes),
 * and an aborted build leaves none either. */
static void
test_write__no_spare_after_a_rewrite_or_an_abort(void **state)
{
	struct fx *f = *state;
	const char *const *p;

	build_twice(f);
	begin(f);
	for (p = eight; *p; p += 2)
		assert_int_equal(hb_write_file(f->w, p[0], "new", 3, &f->err), 0);
	commit(f);
	assert_int_equal(count_entries(f->tmp, ".site.spare"), 0);
	build_twice(f);
	begin(f);
	hb_write_abort(f->w);
	f->w = NULL;
	assert_int_equal(count_entries(f->tmp, ".site.spare"), 0);
	assert_int_equal(count_entries(f->tmp, ".site.staging-"), 0);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_write__first_build_creates_the_site),
		T(test_write__commit_replaces_the_previous_site),
		T(test_write__abort_leaves_the_site_byte_identical),
		T(test_write__abort_without_previous_site),
		T(test_write__foreign_non_empty_directory_is_refused),
		T(test_write__foreign_directory_with_only_hidden_files_is_refused),
		T(test_write__empty_existing_directory_is_accepted),
		T(test_write__regular_file_as_output_is_refused),
		T(test_write__degenerate_output_names_are_refused),
		T(test_write__unsafe_paths_are_refused),
		T(test_write__marker_cannot_be_written_as_a_page),
		T(test_write__files_are_created_exclusively),
		T(test_write__output_inside_content_is_refused),
		T(test_write__output_inside_theme_is_refused),
		T(test_write__output_equal_to_content_is_refused),
		T(test_write__output_containing_content_is_refused),
		T(test_write__fault_injection_fails_nth_and_later_writes),
		T(test_write__fault_injection_zero_disables),
		T(test_write__unchanged_files_are_hard_links),
		T(test_write__private_files_are_written_anew),
		T(test_write__same_size_different_bytes_is_rewritten),
		T(test_write__abort_keeps_hard_linked_previous_files),
		T(test_write__write_file_is_thread_safe),
		T(test_write__missing_parent_folders_are_created),
		T(test_write__spare_is_the_site_before),
		T(test_write__keep_refuses_a_changed_file),
		T(test_write__spare_links_are_not_followed),
		T(test_write__no_spare_after_a_rewrite_or_an_abort),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
