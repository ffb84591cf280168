#define _GNU_SOURCE
#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"

int
hb_path_is_safe(const char *p)
{
	const char *seg = p;

	if (p == NULL || *p == '\0' || *p == '/')
		return 0;
	for (;;) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);

		if (len == 0 || (len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (memchr(seg, '\\', len) != NULL)
			return 0;
		if (end == NULL)
			return 1;
		seg = end + 1;
	}
}

int
hb_path_is_scratch(const char *name)
{
	size_t n = strlen(name);

	return n == 0 || name[0] == '.' || name[0] == '#' || name[n - 1] == '~' ||
	    strcmp(name, "4913") == 0 || (n > 4 && strcmp(name + n - 4, ".tmp") == 0);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
hb_path_list(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t alloc = 0;

	*names = NULL;
	*n = 0;
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (hb_path_is_scratch(de->d_name))
			continue;	/* "." and ".." too */
		*names = hb_xgrow(*names, &alloc, *n + 1, sizeof(**names));
		(*names)[(*n)++] = hb_xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

char *
hb_path_join(const char *a, const char *b)
{
	struct hb_buf buf = HB_BUF_INIT;

	if (a == NULL || *a == '\0')
		return hb_xstrdup(b);
	if (b == NULL || *b == '\0')
		return hb_xstrdup(a);
	hb_buf_puts(&buf, a);
	if (a[strlen(a) - 1] != '/')
		hb_buf_putc(&buf, '/');
	hb_buf_puts(&buf, b);
	return hb_buf_detach(&buf, NULL);
}

char *
hb_path_dirname(const char *p)
{
	const char *slash = strrchr(p, '/');

	return slash ? hb_xstrndup(p, (size_t)(slash - p)) : hb_xstrdup("");
}

static int
is_url_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

size_t
hb_path_relurl_to(char *out, const char *from, const char *to)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t common = 0, n = 0, i;

	/* Skip the directories both paths share. */
	for (i = 0; from[i] && from[i] == to[i]; i++) {
		if (from[i] == '/')
			common = i + 1;
	}
	for (i = common; from[i]; i++) {
		if (from[i] != '/')
			continue;
		if (out)
			memcpy(out + n, "../", 3);
		n += 3;
	}
	/* File names become URL path segments: anything but unreserved characters and '/' is
	 * percent-encoded, so "a#b.md" or "javascript:x.md" can only ever name a file. */
	for (i = common; to[i]; i++) {
		unsigned char c = (unsigned char)to[i];

		if (is_url_safe(c)) {
			if (out)
				out[n] = (char)c;
			n++;
			continue;
		}
		if (out) {
			out[n] = '%';
			out[n + 1] = hex[c >> 4];
			out[n + 2] = hex[c & 15];
		}
		n += 3;
	}
	return n;
}

char *
hb_path_relurl(const char *from, const char *to)
{
	size_t n = hb_path_relurl_to(NULL, from, to);
	char *url = hb_xmalloc(n + 1);

	hb_path_relurl_to(url, from, to);
	url[n] = '\0';
	return url;
}

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int
hb_path_mkdirs(const char *dir, struct hb_err *err)
{
	char *p = hb_xstrdup(dir), *s;
	int rc = -1;

	for (s = p + 1; ; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && (errno != EEXIST || !is_dir(p))) {
			hb_err_set(err, "cannot create directory %s: %s", p,
			    errno == EEXIST ? "a file is in the way" : strerror(errno));
			goto out;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	rc = 0;
out:
	free(p);
	return rc;
}

static int rmtree_at(int parent, const char *name, struct hb_err *err);

/* Removes the entry de of the directory dir_fd, a folder with all it holds. */
static int
remove_entry(int dir_fd, const struct dirent *de, struct hb_err *err)
{
	struct stat st;

	/* readdir says what most entries are: no stat for them */
	if (de->d_type == DT_DIR || (de->d_type == DT_UNKNOWN &&
	    fstatat(dir_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)))
		return rmtree_at(dir_fd, de->d_name, err);
	if (unlinkat(dir_fd, de->d_name, 0) != 0) {
		hb_err_set(err, "cannot remove %s: %s", de->d_name, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Removes name in the directory parent and all it holds, through file descriptors: no path is
 * built, so nothing is allocated here (a site's commit removes the previous site after the swap,
 * when failing would leave a changed site behind a failed build).
 */
static int
rmtree_at(int parent, const char *name, struct hb_err *err)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		hb_err_set(err, "cannot open directory %s: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rc = remove_entry(dirfd(d), de, err);
	}
	closedir(d);
	if (rc == 0 && unlinkat(parent, name, AT_REMOVEDIR) != 0) {
		hb_err_set(err, "cannot remove directory %s: %s", name, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* The folders of a tree's top folder a second thread removes (hb_path_rmtree). */
struct rm_share {
	int dir_fd;
	char names[16][NAME_MAX + 1];
	size_t n;
	int rc;
	struct hb_err err;
};

static void *
rm_share(void *arg)
{
	struct rm_share *sh = arg;
	size_t i;

	for (i = 0; i < sh->n && sh->rc == 0; i++)
		sh->rc = rmtree_at(sh->dir_fd, sh->names[i], &sh->err);
	return NULL;
}

static int
is_shared(const struct rm_share *sh, const char *name)
{
	size_t i;

	for (i = 0; i < sh->n; i++) {
		if (strcmp(sh->names[i], name) == 0)
			return 1;
	}
	return 0;
}

/*
 * A site is a few folders of thousands of files: a second thread takes every other folder of
 * the top one (up to 16), the caller's thread the rest. Without a thread, it all runs here.
 */
int
hb_path_rmtree(const char *dir, struct hb_err *err)
{
	struct rm_share *sh = calloc(1, sizeof(*sh));
	struct dirent *de;
	pthread_t thread;
	size_t k = 0;
	DIR *d = NULL;
	int rc = 0, is_started = 0, fd = -1;

	if (sh != NULL && (fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0)
		d = fdopendir(dup(fd));
	if (d == NULL) {	/* no memory, or not a folder: one thread, and its error */
		if (fd >= 0)
			close(fd);
		free(sh);
		return rmtree_at(AT_FDCWD, dir, err);
	}
	sh->dir_fd = fd;
	while ((de = readdir(d)) != NULL && sh->n < 16) {
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 && k++ % 2 == 1)
			strcpy(sh->names[sh->n++], de->d_name);
	}
	is_started = sh->n > 0 && pthread_create(&thread, NULL, rm_share, sh) == 0;
	if (!is_started)
		sh->n = 0;
	rewinddir(d);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
		    !is_shared(sh, de->d_name))
			rc = remove_entry(dirfd(d), de, err);
	}
	closedir(d);
	if (is_started)
		pthread_join(thread, NULL);
	if (rc == 0 && sh->rc != 0) {
		*err = sh->err;
		rc = -1;
	}
	close(sh->dir_fd);
	free(sh);
	if (rc == 0 && rmdir(dir) != 0) {
		hb_err_set(err, "cannot remove directory %s: %s", dir, strerror(errno));
		rc = -1;
	}
	return rc;
}

int
hb_path_is_within(const char *inner, const char *outer)
{
	char *ri = realpath(inner, NULL), *ro = realpath(outer, NULL);
	int within = 0;

	if (ri != NULL && ro != NULL) {
		size_t n = strlen(ro);

		within = strncmp(ri, ro, n) == 0 &&
		    (ri[n] == '\0' || ri[n] == '/' || strcmp(ro, "/") == 0);
	}
	free(ri);
	free(ro);
	return within;
}

int
hb_path_stat_both(const char *path, struct stat *lst, struct stat *st)
{
	return hb_path_stat_both_at(AT_FDCWD, path, lst, st);
}

int
hb_path_stat_both_at(int dir_fd, const char *path, struct stat *lst, struct stat *st)
{
	if (fstatat(dir_fd, path, lst, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (!S_ISLNK(lst->st_mode)) {
		*st = *lst;
		return 0;
	}
	return fstatat(dir_fd, path, st, 0);
}
