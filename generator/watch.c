#define _GNU_SOURCE
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "path.h"
#include "xalloc.h"

#define WATCH_MASK (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
	IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
#define SETTLE_MS 50
#define POLL_MS 500

/* What one inotify watch descriptor stands for. */
struct wd_entry {
	char *dir;
	int is_tree;		/* everything under it counts */
	char **names;		/* otherwise, only these file names */
	size_t n_names;
};

struct hb_watch {
	int fd;			/* inotify; -1 when polling */
	struct wd_entry *wds;	/* indexed by watch descriptor */
	size_t n_wds;
	char **dirs, **files;	/* what to fingerprint when polling */
	size_t n_dirs, n_files;
	uint64_t fingerprint;
};

static struct wd_entry *
entry_for(struct hb_watch *w, int wd)
{
	size_t need = (size_t)wd + 1;

	if (need > w->n_wds) {
		w->wds = hb_xrealloc(w->wds, need * sizeof(*w->wds));
		memset(w->wds + w->n_wds, 0, (need - w->n_wds) * sizeof(*w->wds));
		w->n_wds = need;
	}
	return &w->wds[wd];
}

static int
add_dir_watch(struct hb_watch *w, const char *dir, int is_tree, const char *name,
    struct hb_err *err)
{
	int wd = inotify_add_watch(w->fd, dir, WATCH_MASK | IN_ONLYDIR | IN_DONT_FOLLOW);
	struct wd_entry *e;

	if (wd < 0) {
		hb_err_set(err, "cannot watch %s: %s%s", dir, strerror(errno), errno == ENOSPC ?
		    " (raise fs.inotify.max_user_watches, or use --poll)" : "");
		return -1;
	}
	e = entry_for(w, wd);
	if (e->dir == NULL)
		e->dir = hb_xstrdup(dir);
	e->is_tree |= is_tree;
	if (name != NULL) {
		e->names = hb_xrealloc(e->names, (e->n_names + 1) * sizeof(*e->names));
		e->names[e->n_names++] = hb_xstrdup(name);
	}
	return 0;
}

/* Watches dir and every directory below it (symlinks are not followed). */
static int
add_tree(struct hb_watch *w, const char *dir, struct hb_err *err)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (add_dir_watch(w, dir, 1, NULL, err) != 0)
		return -1;
	if ((d = opendir(dir)) == NULL)
		return 0;	/* gone already: its parent's event covers it */
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char *sub;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		sub = hb_path_join(dir, de->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			rc = add_tree(w, sub, err);
		free(sub);
	}
	closedir(d);
	return rc;
}

/* Reads the pending events; returns 1 when one of them counts as a change. */
static int
drain_events(struct hb_watch *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	struct hb_err ignored;
	ssize_t n;
	char *p;
	int changed = 0;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			const struct wd_entry *e;
			size_t i;
			int counts;

			ev = (const struct inotify_event *)p;
			if ((ev->mask & IN_Q_OVERFLOW) != 0) {
				changed = 1;	/* events were lost: assume the worst */
				continue;
			}
			if (ev->wd < 0 || (size_t)ev->wd >= w->n_wds || w->wds[ev->wd].dir == NULL)
				continue;
			e = &w->wds[ev->wd];
			if (ev->len == 0) {	/* the directory itself went away */
				changed |= e->is_tree && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF));
				continue;
			}
			counts = e->is_tree && !hb_path_is_scratch(ev->name);
			for (i = 0; !counts && i < e->n_names; i++)
				counts = strcmp(e->names[i], ev->name) == 0;
			if (counts && e->is_tree && (ev->mask & IN_ISDIR) &&
			    (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
				char *sub = hb_path_join(e->dir, ev->name);

				(void)add_tree(w, sub, &ignored);
				free(sub);
			}
			changed |= counts;
		}
	}
	return changed;
}

/* Order-independent: the sum of one hash per file. */
static uint64_t
fingerprint_file(const char *path, const struct stat *st)
{
	uint64_t h = hb_hash_fnv(HB_FNV_START, path, strlen(path));

	h = hb_hash_fnv(h, &st->st_size, sizeof(st->st_size));
	h = hb_hash_fnv(h, &st->st_mtim, sizeof(st->st_mtim));
	h = hb_hash_fnv(h, &st->st_ino, sizeof(st->st_ino));
	return hb_hash_fnv(h, &st->st_mode, sizeof(st->st_mode));
}

static uint64_t
fingerprint_tree(const char *dir, int depth)
{
	DIR *d;
	struct dirent *de;
	uint64_t sum = 0;

	if (depth > 64 || (d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char *sub;
		struct stat st;

		if (hb_path_is_scratch(de->d_name))
			continue;	/* "." and ".." too */
		sub = hb_path_join(dir, de->d_name);
		if (lstat(sub, &st) == 0) {
			sum += fingerprint_file(sub, &st);
			if (S_ISDIR(st.st_mode))
				sum += fingerprint_tree(sub, depth + 1);
		}
		free(sub);
	}
	closedir(d);
	return sum;
}

static uint64_t
fingerprint(const struct hb_watch *w)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < w->n_dirs; i++)
		sum += fingerprint_tree(w->dirs[i], 0);
	for (i = 0; i < w->n_files; i++) {
		struct stat st;

		if (lstat(w->files[i], &st) == 0)
			sum += fingerprint_file(w->files[i], &st);
	}
	return sum;
}

static char **
copy_list(const char *const *list, size_t *n)
{
	char **out;

	for (*n = 0; list[*n] != NULL; (*n)++)
		;
	out = hb_xcalloc(*n + 1, sizeof(*out));
	for (size_t i = 0; i < *n; i++)
		out[i] = hb_xstrdup(list[i]);
	return out;
}

static int
watch_file(struct hb_watch *w, const char *file, struct hb_err *err)
{
	char *dir = hb_path_dirname(file);
	const char *name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	int rc = add_dir_watch(w, dir[0] ? dir : ".", 0, name, err);

	free(dir);
	return rc;
}

int
hb_watch_open(struct hb_watch **out, const char *const *dirs, const char *const *files,
    int use_poll, struct hb_err *err)
{
	struct hb_watch *w = hb_xcalloc(1, sizeof(*w));
	struct stat st;
	size_t i;

	*out = NULL;
	w->fd = -1;
	w->dirs = copy_list(dirs, &w->n_dirs);
	w->files = copy_list(files, &w->n_files);
	for (i = 0; i < w->n_dirs; i++) {
		if (stat(w->dirs[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			hb_err_set(err, "cannot watch %s: not a directory", w->dirs[i]);
			goto fail;
		}
	}
	if (use_poll) {
		w->fingerprint = fingerprint(w);
		*out = w;
		return 0;
	}
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		hb_err_set(err, "inotify: %s (try --poll)", strerror(errno));
		goto fail;
	}
	for (i = 0; i < w->n_dirs; i++) {
		if (add_tree(w, w->dirs[i], err) != 0)
			goto fail;
	}
	for (i = 0; i < w->n_files; i++) {
		if (watch_file(w, w->files[i], err) != 0)
			goto fail;
	}
	*out = w;
	return 0;
fail:
	hb_watch_free(w);
	return -1;
}

/* poll() on fd and wake_fd: 1 fd readable, 0 timeout, 2 woken, -1 error. */
static int
wait_for(int fd, int wake_fd, int timeout_ms, struct hb_err *err)
{
	struct pollfd p[2] = { { wake_fd, POLLIN, 0 }, { fd, POLLIN, 0 } };
	int n;

	do
		n = poll(p, fd >= 0 ? 2 : 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		hb_err_set(err, "poll: %s", strerror(errno));
		return -1;
	}
	if (p[0].revents != 0)
		return 2;
	return n > 0 ? 1 : 0;
}

static int
wait_polling(struct hb_watch *w, int wake_fd, struct hb_err *err)
{
	for (;;) {
		uint64_t now;
		int r = wait_for(-1, wake_fd, POLL_MS, err);

		if (r != 0)
			return r == 2 ? 0 : -1;
		if ((now = fingerprint(w)) != w->fingerprint) {
			w->fingerprint = now;
			return 1;
		}
	}
}

int
hb_watch_wait(struct hb_watch *w, int wake_fd, struct hb_err *err)
{
	int r;

	if (w->fd < 0)
		return wait_polling(w, wake_fd, err);
	for (;;) {
		if ((r = wait_for(w->fd, wake_fd, -1, err)) != 1)
			return r == 2 ? 0 : -1;
		if (!drain_events(w))
			continue;
		/* Settle: a save is often several events, or several files. */
		while ((r = wait_for(w->fd, wake_fd, SETTLE_MS, err)) == 1)
			(void)drain_events(w);
		return r == 2 ? 0 : r < 0 ? -1 : 1;
	}
}

void
hb_watch_free(struct hb_watch *w)
{
	size_t i, j;

	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	for (i = 0; i < w->n_wds; i++) {
		free(w->wds[i].dir);
		for (j = 0; j < w->wds[i].n_names; j++)
			free(w->wds[i].names[j]);
		free(w->wds[i].names);
	}
	free(w->wds);
	for (i = 0; i < w->n_dirs; i++)
		free(w->dirs[i]);
	for (i = 0; i < w->n_files; i++)
		free(w->files[i]);
	free(w->dirs);
	free(w->files);
	free(w);
}
