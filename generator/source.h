/*
 * source: the input files of a build (content and theme), from the working tree or from a git
 * revision's tree, without a checkout.
 *
 * hb_source_read() lists every regular file under spec->dir (editors' scratch files, as
 * hb_path_is_scratch says: hidden ones, backups, autosaves, are skipped), sorted by path, and
 * copies its bytes (a lazy source's later, one file at a time: hb_source_load). With spec->rev
 * set, the same directory is read from that revision of the repository that contains it (found
 * from spec->dir upwards, as git does); the working tree, index and HEAD are never touched.
 *
 * Each file carries its path relative to spec->dir ('/'-separated, hb_path_is_safe), its bytes
 * (NUL-terminated copy), and its git blob id (computed for working-tree files too, so caches can
 * key on it). Problems with one file (a symlink that leaves the directory, an oversized file) are
 * diagnostics; a directory or revision that cannot be read is an environment failure: returns -1
 * with err set. The caller frees the result with hb_source_free(). Not thread-safe (libgit2
 * repository handle); call it from the build's main thread.
 */
#ifndef HB_SOURCE_H
#define HB_SOURCE_H

#include <stddef.h>

#include "diag.h"

#define HB_SOURCE_MAX_FILE (16u * 1024 * 1024)

struct hb_file {
	char *path;
	char *data;		/* NULL until hb_source_load() for a lazy source */
	size_t len;
	char oid[41];		/* with data */
	char *full_path;	/* a lazy source's file, to load it from */
};

struct hb_source {
	struct hb_file *files;	/* sorted by path */
	size_t n_files;
	size_t n_alloc;
};

struct hb_source_spec {
	const char *dir;	/* as the user gave it; also the prefix of diagnostics */
	const char *rev;	/* NULL: the working tree */
	const char *repo_dir;	/* with rev: find the repository from here (NULL: from dir); the
				 * theme is read from the content's repository */
	int is_lazy;		/* working tree: list the files, read each with hb_source_load()
				 * when it is needed (so they are not all in memory at once) */
};

int hb_source_read(struct hb_source *out, const struct hb_source_spec *spec, struct hb_diag *d,
    struct hb_err *err);
/* Reads a lazy source's file, if not read yet, and its blob id. Thread-safe for distinct files.
 * Returns 0, or -1 with err set. */
int hb_source_load(struct hb_file *f, struct hb_err *err);
/* Frees a file's bytes once nothing needs them (a page, once parsed); data becomes NULL. */
void hb_source_drop_data(struct hb_file *f);
void hb_source_free(struct hb_source *src);
/* Returns the file at path, or NULL. */
const struct hb_file *hb_source_find(const struct hb_source *src, const char *path);

#endif
