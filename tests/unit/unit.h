/*
 * unit.h: helpers shared by the cmocka unit tests (temporary directories, files, diagnostics).
 *
 * Only test code lives here; every test still reaches the generator through its module's public
 * header. All helpers are static inline so a test file that does not use one gets no warning.
 * Temporary trees live under /tmp/hbtest-XXXXXX and are removed by ut_rmtree().
 */
#ifndef HB_UNIT_H
#define HB_UNIT_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "diag.h"

/* Returns a fresh directory /tmp/hbtest-XXXXXX (caller frees the string, ut_rmtree the tree). */
static inline char *
ut_mkdtemp(void)
{
	char *dir = strdup("/tmp/hbtest-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

/* Returns "a/b" (caller frees). */
static inline char *
ut_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	assert_non_null(p);
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

/* rm -rf without following symlinks; the test's own cleanup, independent of path.c. */
static inline void
ut_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL) {
		unlink(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *child;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		child = ut_join(dir, de->d_name);
		if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
			ut_rmtree(child);
		else
			unlink(child);
		free(child);
	}
	closedir(d);
	rmdir(dir);
}

/* mkdir -p for test fixtures. */
static inline void
ut_mkdirs(const char *path)
{
	char *p = strdup(path), *s;

	assert_non_null(p);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0777);
		*s = '/';
	}
	mkdir(p, 0777);
	free(p);
}

/* Writes len bytes to dir/rel, creating folders. */
static inline void
ut_write(const char *dir, const char *rel, const void *data, size_t len)
{
	char *path = ut_join(dir, rel), *slash = strrchr(path, '/');
	FILE *fp;

	*slash = '\0';
	ut_mkdirs(path);
	*slash = '/';
	fp = fopen(path, "wb");
	assert_non_null(fp);
	if (len > 0)
		assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

static inline void
ut_write_str(const char *dir, const char *rel, const char *s)
{
	ut_write(dir, rel, s, strlen(s));
}

/* Reads a whole file (NUL-terminated, caller frees), or returns NULL when it cannot be opened. */
static inline char *
ut_read(const char *path, size_t *len_out)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			cap = (len + 4096 + 1) * 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = fread(buf + len, 1, 4096, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	buf[len] = '\0';
	if (len_out)
		*len_out = len;
	return buf;
}

/* Returns the first diagnostic of level whose message contains needle, or NULL. */
static inline const struct hb_diag_entry *
ut_find(const struct hb_diag *d, enum hb_level level, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == level && strstr(d->v[i].msg, needle) != NULL)
			return &d->v[i];
	}
	return NULL;
}

static inline size_t
ut_count(const struct hb_diag *d, enum hb_level level)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->v[i].level == level;
	return n;
}

/* Prints every diagnostic, for a failing test's output. */
static inline void
ut_dump(const struct hb_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		print_message("  diag %zu: %s:%d:%d: [%d] %s%s%s\n", i, d->v[i].path, d->v[i].line,
		    d->v[i].col, (int)d->v[i].level, d->v[i].msg, d->v[i].note ? " / note: " : "",
		    d->v[i].note ? d->v[i].note : "");
}

/* Asserts that an error with needle exists at path:line:col; returns it. */
#define ut_assert_error_at(d, needle, path_, line_, col_) \
	ut_assert_at_impl((d), HB_ERROR, (needle), (path_), (line_), (col_), __FILE__, __LINE__)

static inline const struct hb_diag_entry *
ut_assert_at_impl(const struct hb_diag *d, enum hb_level level, const char *needle,
    const char *path, int line, int col, const char *file, int at)
{
	const struct hb_diag_entry *e = ut_find(d, level, needle);

	if (e == NULL) {
		ut_dump(d);
		_fail(file, at);
	}
	if (strcmp(e->path, path) != 0 || e->line != line || e->col != col) {
		print_message("  want %s:%d:%d for '%s', got %s:%d:%d\n", path, line, col, needle,
		    e->path, e->line, e->col);
		ut_dump(d);
		_fail(file, at);
	}
	return e;
}

#endif
