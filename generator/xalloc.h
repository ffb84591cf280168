/*
 * xalloc: allocation that cannot fail.
 *
 * Every function here either returns memory or prints "handbook: out of memory" and exits with
 * status 2 (as sblg does). This is the only exit() outside main.c: running out of memory is an
 * environment failure that no caller can repair, and checking every allocation would hide the
 * real control flow. Thread-safe.
 */
#ifndef HB_XALLOC_H
#define HB_XALLOC_H

#include <stddef.h>

void *hb_xmalloc(size_t len);
void *hb_xcalloc(size_t n, size_t len);
void *hb_xrealloc(void *p, size_t len);
/* Grows an array of n_alloc elements of size len so that it holds at least need elements. */
void *hb_xgrow(void *p, size_t *n_alloc, size_t need, size_t len);
char *hb_xstrdup(const char *s);
char *hb_xstrndup(const char *s, size_t len);

#endif
