/*
 * editions: the handbook's published editions (git tags) and what changed between them.
 *
 * hb_editions_read() opens the repository that contains the content directory (as git finds it)
 * and takes every tag whose name matches one of the patterns (fnmatch(3): "edition-*", "v*").
 * Each edition is the commit its tag points to; editions are ordered by that commit's time, then
 * by name, oldest first. A tag whose name cannot be a folder name (a '/' or a leading '.') is
 * skipped with a warning, as is a tag whose commit lacks the content directory.
 *
 * For each edition it lists the output paths of its pages (from the .md files of the content
 * directory in the tag's tree, without parsing them), and the changes since the previous
 * edition: pages added, removed, renamed (git_diff_find_similar) and changed, with both texts of
 * a changed or renamed page (blob contents), so the build can show a word-level difference.
 * hb_editions_follow() maps a page to the same page in another edition, following renames.
 *
 * Everything lives in the struct's own arena. Single-threaded while reading; read-only after.
 */
#ifndef HB_EDITIONS_H
#define HB_EDITIONS_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "map.h"

enum hb_change_kind {
	HB_CHANGE_ADDED,
	HB_CHANGE_REMOVED,
	HB_CHANGE_RENAMED,	/* perhaps with changes too: compare the texts */
	HB_CHANGE_CHANGED,
};

struct hb_change {
	enum hb_change_kind kind;
	const char *old_path;	/* content path ("meetings/x.md") before; NULL when added */
	const char *new_path;	/* after; NULL when removed */
	const char *old_text, *new_text;	/* file contents (NUL-terminated), "" when none */
	size_t old_len, new_len;
};

struct hb_edition {
	const char *tag;
	const char *commit;		/* 40 hex digits */
	long long time;			/* commit time, seconds since the epoch */
	const char *date;		/* YYYY-MM-DD, UTC */
	const char *prefix;		/* "editions/<tag>/" */
	struct hb_map pages;		/* output path ("meetings/x.html") -> the content path */
	struct hb_map renamed_from;	/* output path here -> output path in the previous edition */
	struct hb_map renamed_to;	/* output path in the previous edition -> output path here */
	struct hb_change *changes;	/* since the previous edition, sorted by path */
	size_t n_changes;
};

struct hb_editions {
	struct hb_edition *v;		/* oldest first */
	size_t n;
	struct hb_arena arena;
};

/* Returns 0 (n may be 0), or -1 with err set when the repository cannot be read. */
int hb_editions_read(struct hb_editions *out, const char *content_dir,
    const char *const *patterns, struct hb_diag *d, struct hb_err *err);
void hb_editions_free(struct hb_editions *e);
/*
 * The output path in edition `to` of the page at out_path in edition `from`, following renames
 * edition by edition; NULL when that edition does not have the page.
 */
const char *hb_editions_follow(const struct hb_editions *e, size_t from, const char *out_path,
    size_t to);
/* The output path of the page made from content path ("a/_index.md" -> "a/index.html"). */
const char *hb_editions_out_path(struct hb_arena *a, const char *content_path);

#endif
