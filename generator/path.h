/*
 * path: safe relative paths, output URLs and directory helpers.
 *
 * Content and output paths inside handbook are relative, use '/', and never contain an empty,
 * "." or ".." component: hb_path_is_safe() is the single check, and every path that reaches
 * write.c passed it. Returned strings are malloc'd; the caller frees them.
 */
#ifndef HB_PATH_H
#define HB_PATH_H

#include <sys/stat.h>

#include "diag.h"

/* Returns 1 when p is relative, non-empty, without "", "." or ".." components or backslashes. */
int hb_path_is_safe(const char *p);
/* 1 for names editors and tools leave beside files, which are never content: hidden (".x",
 * vim's ".x.swp"), "#x#" autosaves, "x~" backups, "x.tmp", and vim's write probe "4913". */
int hb_path_is_scratch(const char *name);
/* The names in dir that are not scratch files, sorted bytewise: *names holds *n strings, each to
 * free, and the array too. Returns 0, or -1 with errno set when dir cannot be opened. */
int hb_path_list(const char *dir, char ***names, size_t *n);
/* lstat() of path into lst and, through a symbolic link only, stat() into st (else st is lst):
 * one system call for most files. Returns 0, or -1 with errno. _at: path is relative to the
 * folder dir_fd (cheaper than a long path: the fingerprint stats every input file). */
int hb_path_stat_both(const char *path, struct stat *lst, struct stat *st);
int hb_path_stat_both_at(int dir_fd, const char *path, struct stat *lst, struct stat *st);
char *hb_path_join(const char *a, const char *b);
/* The directory part of p ("a/b/c.html" -> "a/b", "c.html" -> ""). */
char *hb_path_dirname(const char *p);
/*
 * The relative URL from the page at output path `from` to output path `to`, both relative to the
 * site root: ("meetings/a.html", "people/b.html") -> "../people/b.html". Bytes of `to` other than
 * letters, digits, "-._~" and '/' are percent-encoded ("ö" -> "%C3%B6", ":" -> "%3A").
 */
char *hb_path_relurl(const char *from, const char *to);
/* The same URL written into out (unterminated) when out is not NULL; returns its length. */
size_t hb_path_relurl_to(char *out, const char *from, const char *to);
/* mkdir -p; returns 0, or -1 with err set. */
int hb_path_mkdirs(const char *dir, struct hb_err *err);
/* rm -rf of a directory tree that handbook made; symlinks are removed, never followed. A second
 * thread takes every other folder of the top one. */
int hb_path_rmtree(const char *dir, struct hb_err *err);
/* Returns 1 when `inner` is `outer` or lies inside it (both must exist; compares real paths). */
int hb_path_is_within(const char *inner, const char *outer);

#endif
