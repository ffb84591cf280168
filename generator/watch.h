/*
 * watch: tells `handbook serve` when the files a site is built from have changed.
 *
 * With inotify, every directory under the watched roots has a watch, and directories that
 * appear later get one as they do; a watched single file (handbook.yaml) is watched through its
 * directory, counting only events that name it. With polling (--poll: network mounts and other
 * file systems where inotify says nothing), a fingerprint of every file's path, size, mtime and
 * inode is compared twice a second.
 *
 * Editors' scratch files (hb_path_is_scratch), which builds skip too, do not count.
 * hb_watch_wait() returns once a burst of changes has
 * settled (50 ms without another event), so a save that touches several files makes one
 * rebuild. Single-threaded.
 */
#ifndef HB_WATCH_H
#define HB_WATCH_H

#include "diag.h"

struct hb_watch;

/* dirs and files: NULL-terminated. A missing file is watched for its creation; a missing
 * directory is an error. Returns 0, or -1 with err set. */
int hb_watch_open(struct hb_watch **out, const char *const *dirs, const char *const *files,
    int use_poll, struct hb_err *err);
/* Blocks until something changed (1) or wake_fd became readable (0); -1 on error, err set. */
int hb_watch_wait(struct hb_watch *w, int wake_fd, struct hb_err *err);
void hb_watch_free(struct hb_watch *w);

#endif
