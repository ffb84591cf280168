#define _GNU_SOURCE
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"
#include "path.h"
#include "xalloc.h"

/* libgit2 1.5.1 can return NULL from git_error_last(); this is the one place that copes. */
static void
set_git_err(struct hb_err *err, const char *what)
{
	const git_error *e = git_error_last();

	hb_err_set(err, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

static struct hb_file *
add_file(struct hb_source *src, const char *path, char *data, size_t len)
{
	struct hb_file *f;

	src->files = hb_xgrow(src->files, &src->n_alloc, src->n_files + 1, sizeof(*src->files));
	f = &src->files[src->n_files++];
	memset(f, 0, sizeof(*f));
	f->path = hb_xstrdup(path);
	f->data = data;
	f->len = len;
	if (data == NULL)
		return f;	/* lazy: hb_source_load() reads it and hashes it */
	hb_hash_blob_hex(data, len, f->oid);
	return f;
}

static int
read_whole(char **out, size_t *len_out, const char *path, struct hb_err *err)
{
	struct stat st;
	size_t cap, len = 0;
	ssize_t n;
	char *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		hb_err_set(err, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	/* Room for the whole file and its NUL, read in place; more if it grew meanwhile. */
	cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	data = hb_xmalloc(cap);
	for (;;) {
		if (cap - len < 2) {
			cap *= 2;
			data = hb_xrealloc(data, cap);
		}
		if ((n = read(fd, data + len, cap - len - 1)) <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		hb_err_set(err, "cannot read %s: %s", path, strerror(errno));
		free(data);
		return -1;
	}
	data[len] = '\0';
	*out = data;
	*len_out = len;
	return 0;
}

struct walk {
	struct hb_source *src;
	const struct hb_source_spec *spec;
	struct hb_diag *d;
	struct hb_err *err;
};

static int walk_dir(struct walk *w, const char *rel);

/* Reads one directory entry; returns -1 only for environment failures. */
static int
walk_entry(struct walk *w, const char *rel)
{
	char *full = hb_path_join(w->spec->dir, rel), *data = NULL;
	struct hb_loc loc = { full, 0, 0 };
	struct stat lst, st;
	size_t len;
	int rc = 0;

	if (!hb_path_is_safe(rel)) {
		hb_diag(w->d, HB_ERROR, loc, "file name not allowed (it contains a backslash)");
		goto out;
	}
	if (hb_path_stat_both(full, &lst, &st) != 0) {
		hb_diag(w->d, HB_ERROR, loc, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (S_ISLNK(lst.st_mode) && !hb_path_is_within(full, w->spec->dir)) {
		hb_diag(w->d, HB_ERROR, loc, "symbolic link points outside %s", w->spec->dir);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = S_ISLNK(lst.st_mode) ? 0 : walk_dir(w, rel);
		goto out;
	}
	if (!S_ISREG(st.st_mode))
		goto out;
	if ((unsigned long long)st.st_size > HB_SOURCE_MAX_FILE) {
		hb_diag(w->d, HB_ERROR, loc, "file is %lld bytes; the limit is %u",
		    (long long)st.st_size, HB_SOURCE_MAX_FILE);
		goto out;
	}
	if (w->spec->is_lazy)
		add_file(w->src, rel, NULL, (size_t)st.st_size)->full_path = hb_xstrdup(full);
	else if ((rc = read_whole(&data, &len, full, w->err)) == 0)
		add_file(w->src, rel, data, len);
out:
	free(full);
	return rc;
}

static int
walk_dir(struct walk *w, const char *rel)
{
	char *full = hb_path_join(w->spec->dir, rel);
	char **names;
	size_t n, i;
	int rc = 0;

	if (hb_path_list(full, &names, &n) != 0) {
		hb_err_set(w->err, "cannot open directory %s: %s", full, strerror(errno));
		free(full);
		return -1;
	}
	for (i = 0; i < n; i++) {
		char *child = hb_path_join(rel, names[i]);

		if (rc == 0)
			rc = walk_entry(w, child);
		free(child);
		free(names[i]);
	}
	free(names);
	free(full);
	return rc;
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct hb_file *)a)->path, ((const struct hb_file *)b)->path);
}

struct tree_walk {
	struct walk *w;
	git_repository *repo;
	int rc;
};

static int
tree_cb(const char *root, const git_tree_entry *entry, void *payload)
{
	struct tree_walk *tw = payload;
	const char *name = git_tree_entry_name(entry);
	git_blob *blob = NULL;
	char *rel, *shown;

	if (hb_path_is_scratch(name))
		return git_tree_entry_type(entry) == GIT_OBJECT_TREE ? 1 : 0;
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
	    git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK)
		return 0;
	if (git_blob_lookup(&blob, tw->repo, git_tree_entry_id(entry)) != 0) {
		set_git_err(tw->w->err, "cannot read blob");
		tw->rc = -1;
		return -1;
	}
	rel = hb_path_join(root, name);
	shown = hb_path_join(tw->w->spec->dir, rel);	/* as the user named the folder */
	if (!hb_path_is_safe(rel)) {
		hb_diag(tw->w->d, HB_ERROR, (struct hb_loc){ shown, 0, 0 }, "file name not allowed");
	} else if (git_blob_rawsize(blob) > HB_SOURCE_MAX_FILE) {
		hb_diag(tw->w->d, HB_ERROR, (struct hb_loc){ shown, 0, 0 },
		    "file is larger than %u bytes", HB_SOURCE_MAX_FILE);
	} else {
		/* git_blob_rawcontent is borrowed from the blob: copy it now. */
		size_t len = (size_t)git_blob_rawsize(blob);

		add_file(tw->w->src, rel, hb_xstrndup(git_blob_rawcontent(blob), len), len);
	}
	free(rel);
	free(shown);
	git_blob_free(blob);
	return 0;
}

/* The path of dir relative to the repository's working directory, with '/'. */
static char *
repo_relative(git_repository *repo, const char *dir, struct hb_err *err)
{
	const char *workdir = git_repository_workdir(repo);
	char *real = realpath(dir, NULL), *rel = NULL;
	char *rwork = workdir ? realpath(workdir, NULL) : NULL;
	size_t n;

	if (real == NULL || rwork == NULL) {
		hb_err_set(err, "%s: not inside a git working tree", dir);
		goto out;
	}
	n = strlen(rwork);
	if (strncmp(real, rwork, n) != 0 || (real[n] != '\0' && real[n] != '/')) {
		hb_err_set(err, "%s: not inside the repository", dir);
		goto out;
	}
	rel = hb_xstrdup(real[n] == '/' ? real + n + 1 : real + n);
out:
	free(real);
	free(rwork);
	return rel;
}

static int
read_rev(struct walk *w)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_tree *tree = NULL, *sub = NULL;
	git_tree_entry *entry = NULL;
	struct tree_walk tw = { w, NULL, 0 };
	char *rel = NULL;
	int rc = -1;

	if (git_repository_open_ext(&repo, w->spec->repo_dir ? w->spec->repo_dir : w->spec->dir, 0,
	    NULL) != 0) {
		set_git_err(w->err, w->spec->dir);
		goto out;
	}
	if (git_revparse_single(&obj, repo, w->spec->rev) != 0) {
		hb_err_set(w->err, "unknown revision '%s'", w->spec->rev);
		goto out;
	}
	if (git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) != 0) {
		hb_err_set(w->err, "revision '%s' has no tree", w->spec->rev);
		goto out;
	}
	if ((rel = repo_relative(repo, w->spec->dir, w->err)) == NULL)
		goto out;
	if (rel[0] != '\0') {
		if (git_tree_entry_bypath(&entry, tree, rel) != 0 ||
		    git_tree_entry_type(entry) != GIT_OBJECT_TREE ||
		    git_tree_lookup(&sub, repo, git_tree_entry_id(entry)) != 0) {
			hb_err_set(w->err, "%s does not exist in revision '%s'", rel, w->spec->rev);
			goto out;
		}
	}
	tw.repo = repo;
	git_tree_walk(sub ? sub : tree, GIT_TREEWALK_PRE, tree_cb, &tw);
	rc = tw.rc;
out:
	free(rel);
	git_tree_entry_free(entry);
	git_tree_free(sub);
	git_tree_free(tree);
	git_object_free(obj);
	git_repository_free(repo);
	return rc;
}

int
hb_source_read(struct hb_source *out, const struct hb_source_spec *spec, struct hb_diag *d,
    struct hb_err *err)
{
	struct walk w = { out, spec, d, err };
	struct stat st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (stat(spec->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		hb_err_set(err, "%s: not a directory", spec->dir);
		return -1;
	}
	rc = spec->rev ? read_rev(&w) : walk_dir(&w, "");
	if (rc != 0) {
		hb_source_free(out);
		return -1;
	}
	if (out->n_files > 1)
		qsort(out->files, out->n_files, sizeof(*out->files), cmp_file);
	return 0;
}

int
hb_source_load(struct hb_file *f, struct hb_err *err)
{
	if (f->data != NULL || f->full_path == NULL)
		return 0;
	if (read_whole(&f->data, &f->len, f->full_path, err) != 0)
		return -1;
	hb_hash_blob_hex(f->data, f->len, f->oid);
	return 0;
}

void
hb_source_drop_data(struct hb_file *f)
{
	free(f->data);
	f->data = NULL;
}

void
hb_source_free(struct hb_source *src)
{
	size_t i;

	for (i = 0; i < src->n_files; i++) {
		free(src->files[i].path);
		free(src->files[i].data);
		free(src->files[i].full_path);
	}
	free(src->files);
	memset(src, 0, sizeof(*src));
}

const struct hb_file *
hb_source_find(const struct hb_source *src, const char *path)
{
	struct hb_file key = { (char *)path, NULL, 0, "", NULL };

	if (src->n_files == 0)
		return NULL;
	return bsearch(&key, src->files, src->n_files, sizeof(*src->files), cmp_file);
}
