/*
 * history: what git knows about each content file, from one walk of the history.
 *
 * hb_history_read() opens the repository that contains the content directory (as git finds it),
 * walks the first-parent history of `rev` (HEAD when NULL) once, newest first, and diffs each
 * commit's tree with its parent's, restricted to the content directory, with rename detection
 * (git_diff_find_similar). Each file then has the commits that changed it (renames followed back
 * to the file's older names), so its creation and last-update dates. The build date is the
 * newest commit's time, or SOURCE_DATE_EPOCH when set; never the wall clock. Dates are UTC.
 *
 * Outside git the history is unavailable: a warning, and the build goes on without dates. In a
 * shallow clone the walk stops where the object database does, with a warning: pages get the
 * history that exists (what the oldest available commit changed is unknown). An unknown
 * revision is an environment failure (-1, err set). A revision that names a tree rather than a
 * commit (`git write-tree`) gets HEAD's history.
 * Single-threaded (owns a git_repository while it runs); the result is read-only afterwards.
 */
#ifndef HB_HISTORY_H
#define HB_HISTORY_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "map.h"

struct hb_commit {
	const char *id;		/* 40 hex digits */
	const char *short_id;	/* 7 hex digits */
	const char *date;	/* YYYY-MM-DD, UTC */
	const char *subject;	/* the first line of the message */
	long long time;		/* seconds since the epoch */
};

struct hb_file_history {
	const struct hb_commit **commits;	/* newest first */
	size_t n_commits;
};

struct hb_history {
	int is_available;
	struct hb_commit *commits;	/* the walked commits, newest first */
	size_t n_commits;
	struct hb_map by_path;		/* content path ("meetings/x.md") -> hb_file_history */
	const char *build_date;		/* YYYY-MM-DD, or NULL when nothing gives one */
	long long build_time;
};

int hb_history_read(struct hb_history *out, const char *content_dir, const char *rev,
    struct hb_arena *a, struct hb_diag *d, struct hb_err *err);
/* The history of one content file, or NULL when git has none (new, or no repository). */
const struct hb_file_history *hb_history_get(const struct hb_history *h, const char *path);
void hb_history_free(struct hb_history *h);
/*
 * The content directory relative to the working directory of repo (a git_repository *), with a
 * trailing '/' ("" at the top); NULL when it lies outside. The caller frees it.
 */
struct git_repository;
char *hb_history_content_prefix(struct git_repository *repo, const char *content_dir);
/* Formats seconds since the epoch as YYYY-MM-DD in UTC into a. */
const char *hb_history_date(struct hb_arena *a, long long t);

#endif
