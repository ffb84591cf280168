/*
 * xalloc: allocation that cannot fail.
 *
 * Every function here either returns memory or prints "handbook: out of memory", runs the
 * handler set with hb_xalloc_on_failure() (the build removes its staging directory there) and
 * ends the process with status 2 (_exit: other threads may still be running). Running out of
 * memory is an environment failure that no caller can repair, and checking every allocation
 * would hide the real control flow. Thread-safe.
 *
 * Fault injection, for tests: with HANDBOOK_FAIL_ALLOC_AFTER=N in the environment, the Nth
 * allocation of the process (counting these functions' and the Lua states') fails, and every
 * later one; hb_xalloc_should_fail() is that counter, for allocators outside this file.
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
/*
 * len bytes (a multiple of HB_HUGE_SIZE), zeroed, aligned to HB_HUGE_SIZE and advised to the
 * kernel as transparent huge pages: touching them faults once per 2 MiB instead of once per
 * 4 KiB, and page faults were a large share of a build on a virtual machine. Free with
 * hb_xunmap_huge.
 */
#define HB_HUGE_SIZE ((size_t)2 * 1024 * 1024)
void *hb_xmap_huge(size_t len);
void hb_xunmap_huge(void *p, size_t len);
void hb_xalloc_on_failure(void (*handler)(void));
/* What the functions here do when memory runs out; for libraries that report it (libyaml, Lua). */
void hb_xalloc_die(void) __attribute__((noreturn));
int hb_xalloc_should_fail(void);

#endif
