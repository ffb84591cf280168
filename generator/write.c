#define _GNU_SOURCE
#include "write.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "map.h"
#include "path.h"
#include "xalloc.h"

struct hb_writer {
	char *out_dir;
	char *staging;
	int lock_fd;		/* flock()ed for the writer's life: one build per output */
	int has_previous;	/* out_dir exists and is handbook's */
	int has_spare;		/* staging began as the site before the current one */
	atomic_long n_writes;
	atomic_long n_kept;	/* files the new site shares with the current one */
	long fail_after;
	pthread_mutex_t lock;			/* guards outputs, written and dirs */
	struct hb_map dirs;			/* staging directories known to exist */
	struct hb_write_output *outputs;	/* what was put in the site, as it stat()ed */
	size_t n_outputs, outputs_alloc;
	struct hb_map written;			/* their paths (-> themselves), the first
						 * n_written of them (index_written) */
	size_t n_written;
};

static int
is_empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int empty = 1;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	return empty;
}

/* The path itself if it exists, else its nearest existing ancestor ("." at worst). */
static char *
nearest_existing(const char *path)
{
	char *p = hb_xstrdup(path);

	while (access(p, F_OK) != 0) {
		char *parent = hb_path_dirname(p);

		free(p);
		if (parent[0] == '\0') {
			free(parent);
			return hb_xstrdup(path[0] == '/' ? "/" : ".");
		}
		p = parent;
	}
	return p;
}

/* Checks out_dir against the protected directories and for handbook's marker. */
static int
check_out_dir(struct hb_writer *w, const char *const *protect, struct hb_err *err)
{
	char *existing = nearest_existing(w->out_dir), *marker;
	struct stat st;
	int is_ours, exists = strcmp(existing, w->out_dir) == 0;

	for (; protect && *protect; protect++) {
		if (hb_path_is_within(existing, *protect) ||
		    (exists && hb_path_is_within(*protect, w->out_dir))) {
			hb_err_set(err, "refusing to write into %s: it overlaps %s", w->out_dir,
			    *protect);
			free(existing);
			return -1;
		}
	}
	free(existing);
	if (lstat(w->out_dir, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode)) {
		hb_err_set(err, "refusing to replace %s: it is not a directory", w->out_dir);
		return -1;
	}
	marker = hb_path_join(w->out_dir, HB_WRITE_MARKER);
	is_ours = access(marker, F_OK) == 0;
	free(marker);
	if (!is_ours && !is_empty_dir(w->out_dir)) {
		hb_err_set(err, "refusing to replace %s: it is not empty and handbook did not "
		    "create it", w->out_dir);
		return -1;
	}
	w->has_previous = 1;
	return 0;
}

/* "<parent>/.<base>.<what>" beside out_dir. */
static char *
beside_out(const struct hb_writer *w, const char *what)
{
	char *parent = hb_path_dirname(w->out_dir);
	const char *base = strrchr(w->out_dir, '/') ? strrchr(w->out_dir, '/') + 1 : w->out_dir;
	struct hb_buf b = HB_BUF_INIT;

	hb_buf_printf(&b, "%s%s.%s.%s", parent, parent[0] ? "/" : "", base, what);
	free(parent);
	return hb_buf_detach(&b, NULL);
}

/*
 * Takes the output's lock (".<base>.lock" beside it), so that two builds of one output never
 * interleave, then removes the staging directories that builds killed before they could clean
 * up left behind (holding the lock, no live build owns one).
 */
static int
lock_output(struct hb_writer *w, struct hb_err *err)
{
	char *lock = beside_out(w, "lock"), *parent = hb_path_dirname(w->out_dir);
	char *prefix = beside_out(w, "staging-");
	const char *prefix_name = strrchr(prefix, '/') ? strrchr(prefix, '/') + 1 : prefix;
	struct hb_err ignored;
	struct dirent *de;
	DIR *dir;
	int rc = -1;

	if (parent[0] != '\0' && hb_path_mkdirs(parent, err) != 0)
		goto out;
	w->lock_fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (w->lock_fd < 0) {
		hb_err_set(err, "cannot create the lock %s: %s", lock, strerror(errno));
		goto out;
	}
	if (flock(w->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		hb_err_set(err, "another handbook build is writing %s (it holds %s)", w->out_dir,
		    lock);
		goto out;
	}
	if ((dir = opendir(parent[0] ? parent : ".")) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (strncmp(de->d_name, prefix_name, strlen(prefix_name)) == 0 &&
			    strlen(de->d_name) == strlen(prefix_name) + 6) {
				char *stale = hb_path_join(parent[0] ? parent : ".", de->d_name);

				(void)hb_path_rmtree(stale, &ignored);
				free(stale);
			}
		}
		closedir(dir);
	}
	rc = 0;
out:
	free(lock);
	free(parent);
	free(prefix);
	return rc;
}

/* Removes the entry at path, whatever it is, without following it; 0, or -1 with errno. */
static int
clear_entry(const char *path)
{
	struct hb_err ignored;

	if (unlink(path) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	return hb_path_rmtree(path, &ignored);
}

/*
 * The staging directory: a fresh directory beside out_dir, so the final rename stays on one fs.
 * The spare (".<base>.spare", the site before the current one, which the last commit kept)
 * takes its place when there is one: most of its files are the current site's too (hard links),
 * so a build that keeps most pages finds them in place instead of linking each anew. Its other
 * files are replaced as they are written, or removed at the commit (remove_stale).
 */
static int
make_staging(struct hb_writer *w, struct hb_err *err)
{
	char *tmpl = beside_out(w, "staging-XXXXXX"), *spare = beside_out(w, "spare");
	struct stat st;

	if (mkdtemp(tmpl) == NULL) {
		hb_err_set(err, "cannot create a staging directory beside %s: %s", w->out_dir,
		    strerror(errno));
		free(tmpl);
		free(spare);
		return -1;
	}
	chmod(tmpl, 0755);
	w->staging = tmpl;
	if (lstat(spare, &st) == 0) {
		w->has_spare = S_ISDIR(st.st_mode) && rename(spare, tmpl) == 0;
		if (!w->has_spare)
			(void)clear_entry(spare);
	}
	free(spare);
	return 0;
}

int
hb_write_begin(struct hb_writer **out, const char *out_dir, const char *const *protect,
    struct hb_err *err)
{
	struct hb_writer *w = hb_xcalloc(1, sizeof(*w));
	size_t n = strlen(out_dir);

	*out = NULL;
	w->lock_fd = -1;
	pthread_mutex_init(&w->lock, NULL);
	hb_map_init(&w->dirs, HB_MAP_EXACT);
	hb_map_init(&w->written, HB_MAP_EXACT | HB_MAP_BORROW);	/* the outputs' own paths */
	w->out_dir = hb_xstrdup(out_dir);
	while (n > 1 && w->out_dir[n - 1] == '/')
		w->out_dir[--n] = '\0';
	if (n == 0 || strcmp(w->out_dir, "/") == 0 || strcmp(w->out_dir, ".") == 0 ||
	    strcmp(w->out_dir, "..") == 0) {
		hb_err_set(err, "refusing to write the site into '%s'", out_dir);
		goto fail;
	}
	if (getenv("HANDBOOK_FAIL_WRITE_AFTER") != NULL)
		w->fail_after = atol(getenv("HANDBOOK_FAIL_WRITE_AFTER"));
	if (check_out_dir(w, protect, err) != 0 || lock_output(w, err) != 0 ||
	    make_staging(w, err) != 0)
		goto fail;
	*out = w;
	return 0;
fail:
	if (w->lock_fd >= 0)
		close(w->lock_fd);
	pthread_mutex_destroy(&w->lock);
	hb_map_free(&w->dirs);
	hb_map_free(&w->written);
	free(w->out_dir);
	free(w);
	return -1;
}

/* Reads a regular file (never through a symlink) into out; returns 0, or -1. */
static int
read_regular(const char *path, struct hb_buf *out)
{
	char chunk[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		hb_buf_put(out, chunk, (size_t)r);
	close(fd);
	return r < 0 ? -1 : 0;
}

/* Returns 1 when the previous site holds path with exactly these bytes; st is its stat(). */
static int
same_as_previous(const struct hb_writer *w, const char *prev, const void *data, size_t len,
    struct stat *st)
{
	struct hb_buf old = HB_BUF_INIT;
	int same;

	if (!w->has_previous || lstat(prev, st) != 0 || !S_ISREG(st->st_mode) ||
	    (size_t)st->st_size != len)
		return 0;
	same = read_regular(prev, &old) == 0 && old.len == len && memcmp(old.buf, data, len) == 0;
	hb_buf_free(&old);
	return same;
}

/* Whether the file at path is the one st describes (the same inode, unchanged since). */
static int
is_file(const char *path, const struct stat *st)
{
	struct stat now;

	return lstat(path, &now) == 0 && S_ISREG(now.st_mode) && now.st_ino == st->st_ino &&
	    now.st_dev == st->st_dev && now.st_size == st->st_size &&
	    now.st_mtim.tv_sec == st->st_mtim.tv_sec && now.st_mtim.tv_nsec == st->st_mtim.tv_nsec;
}

/* Whether st is how a file stat()ed when it was written (struct hb_write_output). */
static int
stats_as(const struct stat *st, const struct hb_write_output *seen)
{
	return S_ISREG(st->st_mode) && st->st_size == seen->size &&
	    (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec == seen->mtime_ns &&
	    st->st_ino == seen->ino;
}

static int
read_under(const char *dir, const char *path, struct hb_buf *out)
{
	char *src;
	int rc;

	if (!hb_path_is_safe(path))
		return -1;
	src = hb_path_join(dir, path);
	rc = read_regular(src, out);
	free(src);
	return rc;
}

/* The outputs noted since last time into written (under the lock, or single-threaded): a map
 * kept only when it is asked, not for each of a large site's files as it is written. */
static void
index_written(struct hb_writer *w)
{
	for (; w->n_written < w->n_outputs; w->n_written++)
		hb_map_put(&w->written, w->outputs[w->n_written].path,
		    w->outputs[w->n_written].path);
}

int
hb_write_read(struct hb_writer *w, const char *path, struct hb_buf *out)
{
	int is_written;

	pthread_mutex_lock(&w->lock);
	index_written(w);
	is_written = hb_map_get(&w->written, path) != NULL;
	pthread_mutex_unlock(&w->lock);
	return is_written ? read_under(w->staging, path, out) : -1;
}

int
hb_write_read_previous(struct hb_writer *w, const char *path, struct hb_buf *out)
{
	return w->has_previous ? read_under(w->out_dir, path, out) : -1;
}

static int
write_new(const char *dst, const void *data, size_t len, struct hb_err *err)
{
	int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	const char *p = data;

	if (fd < 0) {
		hb_err_set(err, "cannot create %s: %s", dst, strerror(errno));
		return -1;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			hb_err_set(err, "cannot write %s: %s", dst, strerror(errno));
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0) {
		hb_err_set(err, "cannot write %s: %s", dst, strerror(errno));
		return -1;
	}
	return 0;
}

/* In a staging directory that was the spare: each folder of dir below it that is not a folder
 * (a file, a symbolic link) is removed, for hb_path_mkdirs to make one, never to follow it. */
static int
clear_way(const struct hb_writer *w, const char *dir, struct hb_err *err)
{
	char *p = hb_xstrdup(dir), *s;
	struct stat st;
	int rc = 0;

	for (s = p + strlen(w->staging); rc == 0 && *s == '/'; ) {
		char *next = strchr(s + 1, '/');

		if (next != NULL)
			*next = '\0';
		if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode) && clear_entry(p) != 0) {
			hb_err_set(err, "cannot remove %s: %s", p, strerror(errno));
			rc = -1;
		}
		if (next == NULL)
			break;
		*next = '/';
		s = next;
	}
	free(p);
	return rc;
}

/* Makes a staging directory once per build: most files share a few folders. */
static int
make_dir(struct hb_writer *w, const char *dir, struct hb_err *err)
{
	int known;

	pthread_mutex_lock(&w->lock);
	known = hb_map_get(&w->dirs, dir) != NULL;
	pthread_mutex_unlock(&w->lock);
	if (known)
		return 0;
	if ((w->has_spare && clear_way(w, dir, err) != 0) || hb_path_mkdirs(dir, err) != 0)
		return -1;
	pthread_mutex_lock(&w->lock);
	hb_map_put(&w->dirs, dir, w);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

/* Notes a file now in the staging directory, with what stat() says of it. */
static void
note_output(struct hb_writer *w, const char *path, const char *dst,
    const struct hb_write_output *seen)
{
	struct hb_write_output now, *o;
	struct stat st;

	if (seen == NULL) {
		if (lstat(dst, &st) != 0)
			return;
		now.size = (long long)st.st_size;
		now.mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
		now.ino = (unsigned long long)st.st_ino;
		seen = &now;
	}
	pthread_mutex_lock(&w->lock);
	w->outputs = hb_xgrow(w->outputs, &w->outputs_alloc, w->n_outputs + 1,
	    sizeof(*w->outputs));
	o = &w->outputs[w->n_outputs++];
	o->path = hb_xstrdup(path);
	o->size = seen->size;
	o->mtime_ns = seen->mtime_ns;
	o->ino = seen->ino;
	pthread_mutex_unlock(&w->lock);
}

void
hb_write_outputs(struct hb_writer *w, const struct hb_write_output **v, size_t *n)
{
	*v = w->outputs;
	*n = w->n_outputs;
}

static int
put_file(struct hb_writer *w, const char *path, const void *data, size_t len,
    int may_link, struct hb_err *err)
{
	char *dst = NULL, *dir = NULL, *prev = NULL;
	long nth = atomic_fetch_add(&w->n_writes, 1) + 1;
	struct stat st;
	int rc = -1;

	if (!hb_path_is_safe(path) || strcmp(path, HB_WRITE_MARKER) == 0) {
		hb_err_set(err, "refusing to write outside the output directory: '%s'", path);
		return -1;
	}
	if (w->fail_after > 0 && nth >= w->fail_after) {
		hb_err_set(err, "cannot write %s: injected failure", path);
		return -1;
	}
	dst = hb_path_join(w->staging, path);
	dir = hb_path_dirname(dst);
	if (make_dir(w, dir, err) != 0)
		goto out;
	prev = hb_path_join(w->out_dir, path);
	if (may_link && same_as_previous(w, prev, data, len, &st)) {
		if (w->has_spare && is_file(dst, &st))
			rc = 0;		/* the spare has it already */
		else if ((!w->has_spare || clear_entry(dst) == 0) && link(prev, dst) == 0)
			rc = 0;
		if (rc == 0)
			atomic_fetch_add(&w->n_kept, 1);
	}
	if (rc != 0) {
		if (w->has_spare && clear_entry(dst) != 0)
			hb_err_set(err, "cannot remove %s: %s", dst, strerror(errno));
		else
			rc = write_new(dst, data, len, err);
	}
	if (rc == 0)
		note_output(w, path, dst, NULL);
out:
	free(dst);
	free(dir);
	free(prev);
	return rc;
}

int
hb_write_file(struct hb_writer *w, const char *path, const void *data, size_t len,
    struct hb_err *err)
{
	return put_file(w, path, data, len, 1, err);
}

int
hb_write_private(struct hb_writer *w, const char *path, const void *data, size_t len,
    struct hb_err *err)
{
	return put_file(w, path, data, len, 0, err);
}

static void
free_writer(struct hb_writer *w)
{
	size_t i;

	close(w->lock_fd);
	for (i = 0; i < w->n_outputs; i++)
		free(w->outputs[i].path);
	free(w->outputs);
	pthread_mutex_destroy(&w->lock);
	hb_map_free(&w->dirs);
	hb_map_free(&w->written);
	free(w->staging);
	free(w->out_dir);
	free(w);
}

int
hb_write_link_previous(struct hb_writer *w, const char *path,
    const struct hb_write_output *seen, struct hb_err *err)
{
	char *dst, *dir, *prev;
	int rc = -1;

	if (!w->has_previous || !hb_path_is_safe(path) || strcmp(path, HB_WRITE_MARKER) == 0) {
		hb_err_set(err, "no previous site to keep '%s' from", path);
		return -1;
	}
	atomic_fetch_add(&w->n_writes, 1);
	dst = hb_path_join(w->staging, path);
	dir = hb_path_dirname(dst);
	prev = hb_path_join(w->out_dir, path);
	if (make_dir(w, dir, err) == 0) {
		if (w->has_spare && clear_entry(dst) != 0)
			hb_err_set(err, "cannot remove %s: %s", dst, strerror(errno));
		else if (link(prev, dst) != 0)
			hb_err_set(err, "cannot link %s to %s: %s", prev, dst, strerror(errno));
		else
			rc = 0;
	}
	if (rc == 0) {
		note_output(w, path, dst, seen);
		atomic_fetch_add(&w->n_kept, 1);
	}
	free(dst);
	free(dir);
	free(prev);
	return rc;
}

int
hb_write_previous_is(struct hb_writer *w, const char *path, const struct hb_write_output *seen)
{
	char *prev = hb_path_join(w->out_dir, path);
	struct stat st;
	int is = w->has_previous && lstat(prev, &st) == 0 && stats_as(&st, seen);

	free(prev);
	return is;
}

int
hb_write_keep(struct hb_writer *w, const char *path, const struct hb_write_output *seen,
    struct hb_err *err)
{
	char *dst;
	struct stat st;
	int rc = 0;

	if (!w->has_previous || !hb_path_is_safe(path) || strcmp(path, HB_WRITE_MARKER) == 0)
		return 0;
	dst = hb_path_join(w->staging, path);
	if (w->has_spare && lstat(dst, &st) == 0 && stats_as(&st, seen)) {
		atomic_fetch_add(&w->n_writes, 1);
		atomic_fetch_add(&w->n_kept, 1);
		note_output(w, path, dst, seen);
		rc = 1;
	} else if (hb_write_previous_is(w, path, seen)) {
		rc = hb_write_link_previous(w, path, seen, err) == 0 ? 1 : -1;
	}
	free(dst);
	return rc;
}

/*
 * For file systems without RENAME_EXCHANGE: out_dir -> aside, staging -> out_dir. The output
 * directory is missing for the moment between the two renames, never half-written.
 */
static int
swap_by_two_renames(struct hb_writer *w, struct hb_err *err)
{
	struct hb_buf aside = HB_BUF_INIT;
	int rc = -1;

	hb_buf_printf(&aside, "%s.previous", w->staging);
	if (rename(w->out_dir, aside.buf) != 0)
		goto out;
	if (rename(w->staging, w->out_dir) != 0) {
		rename(aside.buf, w->out_dir);
		goto out;
	}
	hb_path_rmtree(aside.buf, err);
	rc = 0;
out:
	hb_buf_free(&aside);
	return rc;
}

/*
 * Removes what this build did not put in the staging directory, in the folder rel of it ("" at
 * the top): the spare's files of pages gone since, and anything not a file or folder. Returns
 * how many entries the folder keeps, or -1 with err.
 */
static long
remove_stale(struct hb_writer *w, const char *rel, struct hb_err *err)
{
	char *dir = rel[0] ? hb_path_join(w->staging, rel) : hb_xstrdup(w->staging);
	DIR *d = opendir(dir);
	struct dirent *de;
	long kept = 0;

	while (d != NULL && kept >= 0 && (de = readdir(d)) != NULL) {
		char *sub, *full;
		struct stat st;
		int is_dir = de->d_type == DT_DIR;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		sub = rel[0] ? hb_path_join(rel, de->d_name) : hb_xstrdup(de->d_name);
		full = hb_path_join(w->staging, sub);
		if (de->d_type == DT_UNKNOWN)
			is_dir = lstat(full, &st) == 0 && S_ISDIR(st.st_mode);
		if (is_dir) {
			long n = remove_stale(w, sub, err);

			if (n < 0)
				kept = -1;
			else if (n > 0)
				kept++;
			else if (rmdir(full) != 0)
				kept = -1;
		} else if (hb_map_get(&w->written, sub) != NULL) {
			kept++;
		} else if (clear_entry(full) != 0) {
			kept = -1;
		}
		if (kept < 0 && err->msg[0] == '\0')
			hb_err_set(err, "cannot remove %s: %s", full, strerror(errno));
		free(sub);
		free(full);
	}
	if (d == NULL) {
		hb_err_set(err, "cannot read %s: %s", dir, strerror(errno));
		kept = -1;
	} else {
		closedir(d);
	}
	free(dir);
	return kept;
}

/*
 * After the swap the staging name holds the site before: kept as the spare when the new site
 * shares most of its files (three in four), so that it costs little room; else removed.
 */
static void
keep_or_remove_previous(struct hb_writer *w, struct hb_err *err)
{
	char *spare = beside_out(w, "spare");

	if (atomic_load(&w->n_kept) * 4 < (long)w->n_outputs * 3 || rename(w->staging, spare) != 0)
		hb_path_rmtree(w->staging, err);
	free(spare);
}

int
hb_write_commit(struct hb_writer *w, struct hb_err *err)
{
	static const char marker_text[] = "This directory is a site built by handbook; "
	    "handbook replaces it whole on every build.\n";
	char *marker = hb_path_join(w->staging, HB_WRITE_MARKER);
	int rc = 0;

	err->msg[0] = '\0';
	if (w->has_spare) {
		index_written(w);
		hb_map_put(&w->written, HB_WRITE_MARKER, w);
		if (remove_stale(w, "", err) < 0 || clear_entry(marker) != 0)
			rc = -1;
	}
	if (rc == 0)
		rc = write_new(marker, marker_text, sizeof(marker_text) - 1, err);
	free(marker);
	if (rc != 0)
		goto fail;
	if (!w->has_previous || access(w->out_dir, F_OK) != 0) {
		if (rename(w->staging, w->out_dir) != 0) {
			hb_err_set(err, "cannot move the site into %s: %s", w->out_dir,
			    strerror(errno));
			goto fail;
		}
	} else if (renameat2(AT_FDCWD, w->staging, AT_FDCWD, w->out_dir, RENAME_EXCHANGE) != 0) {
		if (errno != EINVAL || swap_by_two_renames(w, err) != 0) {
			hb_err_set(err, "cannot swap the site into %s: %s", w->out_dir,
			    strerror(errno));
			goto fail;
		}
	} else {
		keep_or_remove_previous(w, err);
	}
	free_writer(w);
	return 0;
fail:
	hb_write_abort(w);
	return -1;
}

void
hb_write_abort(struct hb_writer *w)
{
	struct hb_err ignored;

	if (w == NULL)
		return;
	if (w->staging)
		hb_path_rmtree(w->staging, &ignored);
	free_writer(w);
}

void
hb_write_abandon(struct hb_writer *w)
{
	struct hb_err ignored;

	(void)hb_path_rmtree(w->staging, &ignored);	/* what is left, the next build removes */
}

void
hb_write_fail_after(struct hb_writer *w, long n)
{
	w->fail_after = n;
}
