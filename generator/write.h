/*
 * write: the built site onto disk, all or nothing.
 *
 * hb_write_begin() checks the output directory and creates a private staging directory beside
 * it; hb_write_file() puts files there (paths must pass hb_path_is_safe; files are created
 * exclusively and never through a symlink); hb_write_commit() marks the staging directory as
 * handbook's and swaps it with the output directory in one rename (RENAME_EXCHANGE), then
 * removes the previous site, or keeps it as the spare (".<name>.spare" beside the output) when
 * the new site shares most of its files (hard links: the spare then takes little room). The next
 * build's staging directory begins as the spare, where the files it keeps are found in place;
 * whatever else the spare holds is replaced or removed before the swap. hb_write_abort() removes
 * the staging directory and leaves the output directory untouched, byte for byte.
 *
 * Refused (environment errors): an output directory that is the content or theme directory,
 * lies inside it, or contains it; an existing non-empty output directory without handbook's
 * marker file (handbook never deletes a directory it did not create). A file whose bytes equal
 * the previous site's is hard-linked from it rather than written, so unchanged files keep their
 * timestamps. hb_write_file() is thread-safe; begin, commit and abort are not.
 *
 * A writer holds an exclusive lock (flock on ".<name>.lock" beside the output directory) from
 * begin to commit or abort: a second build of the same output fails at once with an environment
 * error instead of interleaving. Holding it, begin removes the staging directories that killed
 * builds left behind.
 */
#ifndef HB_WRITE_H
#define HB_WRITE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

#define HB_WRITE_MARKER ".handbook-site"

struct hb_writer;
struct hb_write_output;

/* protect: NULL-terminated directories the output must stay clear of (content, theme). */
int hb_write_begin(struct hb_writer **out, const char *out_dir, const char *const *protect,
    struct hb_err *err);
int hb_write_file(struct hb_writer *w, const char *path, const void *data, size_t len,
    struct hb_err *err);
/* hb_write_file for a file only handbook reads (its caches): always written anew, never read
 * back from the previous site to compare (a cache is megabytes, and rarely the same). */
int hb_write_private(struct hb_writer *w, const char *path, const void *data, size_t len,
    struct hb_err *err);
/* Puts the current site's file at path into the new site unread, as a hard link (its bytes are
 * known to be right: the persistent cache's reuse). seen, when not NULL, is how the file stat()ed
 * just before: the output is listed with those numbers instead of a stat() of the link.
 * Returns 0, or -1 with err. */
int hb_write_link_previous(struct hb_writer *w, const char *path,
    const struct hb_write_output *seen, struct hb_err *err);
/* 1 when the current site's file at path still stats as seen says (nobody changed it since). */
int hb_write_previous_is(struct hb_writer *w, const char *path,
    const struct hb_write_output *seen);
/*
 * Puts the file the last build wrote at path into the new site unread, when one that stats as
 * seen says (the spare's, else the current site's) is still there: returns 1. Returns 0 when
 * none is (someone changed it since: write it anew), -1 with err on failure.
 */
int hb_write_keep(struct hb_writer *w, const char *path, const struct hb_write_output *seen,
    struct hb_err *err);
/* Appends the bytes this build already wrote to path; returns 0, or -1 when there are none. */
int hb_write_read(struct hb_writer *w, const char *path, struct hb_buf *out);
/* Appends the bytes of path in the current site (the output directory, when it is handbook's);
 * returns 0, or -1 when there are none. */
int hb_write_read_previous(struct hb_writer *w, const char *path, struct hb_buf *out);
/* A file this writer put in the site, as stat() saw it just after (for cache.h). */
struct hb_write_output {
	char *path;
	long long size, mtime_ns;
	unsigned long long ino;
};
/* Every file written so far, in no particular order; valid until commit or abort. */
void hb_write_outputs(struct hb_writer *w, const struct hb_write_output **v, size_t *n);
int hb_write_commit(struct hb_writer *w, struct hb_err *err);
void hb_write_abort(struct hb_writer *w);
/* For a process about to exit from another thread (the template watchdog): removes the
 * staging directory as far as it can while workers may still write into it. */
void hb_write_abandon(struct hb_writer *w);
/* Test hook (fault injection): fail the Nth and every later hb_write_file call; 0 disables.
 * HANDBOOK_FAIL_WRITE_AFTER=N in the environment sets it for every writer. */
void hb_write_fail_after(struct hb_writer *w, long n);

#endif
