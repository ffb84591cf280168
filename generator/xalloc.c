#define _GNU_SOURCE	/* MADV_HUGEPAGE */
#include "xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void (*_Atomic on_failure)(void);
static long fail_after;			/* from HANDBOOK_FAIL_ALLOC_AFTER; 0: never */
static atomic_long n_allocs;
static pthread_once_t fail_once = PTHREAD_ONCE_INIT;

static void
read_fail_after(void)
{
	const char *s = getenv("HANDBOOK_FAIL_ALLOC_AFTER");

	fail_after = s ? atol(s) : 0;
}

int
hb_xalloc_should_fail(void)
{
	pthread_once(&fail_once, read_fail_after);
	return fail_after > 0 && atomic_fetch_add(&n_allocs, 1) + 1 >= fail_after;
}

void
hb_xalloc_on_failure(void (*handler)(void))
{
	atomic_store(&on_failure, handler);
}

void
hb_xalloc_die(void)
{
	static atomic_int is_dying;
	void (*handler)(void) = atomic_load(&on_failure);

	if (atomic_exchange(&is_dying, 1))
		_exit(2);	/* out of memory again, while cleaning up */
	fputs("handbook: out of memory\n", stderr);
	fail_after = 0;		/* an injected fault: let the clean-up allocate */
	if (handler != NULL)
		handler();
	_exit(2);
}

void *
hb_xmalloc(size_t len)
{
	void *p = hb_xalloc_should_fail() ? NULL : malloc(len ? len : 1);

	if (p == NULL)
		hb_xalloc_die();
	return p;
}

void *
hb_xcalloc(size_t n, size_t len)
{
	void *p = hb_xalloc_should_fail() ? NULL : calloc(n ? n : 1, len ? len : 1);

	if (p == NULL)
		hb_xalloc_die();
	return p;
}

void *
hb_xrealloc(void *p, size_t len)
{
	p = hb_xalloc_should_fail() ? NULL : realloc(p, len ? len : 1);
	if (p == NULL)
		hb_xalloc_die();
	return p;
}

void *
hb_xgrow(void *p, size_t *n_alloc, size_t need, size_t len)
{
	size_t n = *n_alloc;

	if (need <= n)
		return p;
	if (n < 8)
		n = 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			hb_xalloc_die();
		n *= 2;
	}
	if (n > SIZE_MAX / len)
		hb_xalloc_die();
	*n_alloc = n;
	return hb_xrealloc(p, n * len);
}

char *
hb_xstrndup(const char *s, size_t len)
{
	char *p = hb_xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
hb_xstrdup(const char *s)
{
	return hb_xstrndup(s, strlen(s));
}

void *
hb_xmap_huge(size_t len)
{
	size_t span;
	char *p, *aligned;

	if (hb_xalloc_should_fail() || len > SIZE_MAX - HB_HUGE_SIZE)
		hb_xalloc_die();
	span = len + HB_HUGE_SIZE;	/* room to align the start */
	p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		hb_xalloc_die();
	aligned = (char *)(((uintptr_t)p + HB_HUGE_SIZE - 1) & ~(uintptr_t)(HB_HUGE_SIZE - 1));
	if (aligned > p)
		munmap(p, (size_t)(aligned - p));
	if (p + span > aligned + len)
		munmap(aligned + len, (size_t)(p + span - (aligned + len)));
	(void)madvise(aligned, len, MADV_HUGEPAGE);	/* advice: small pages work too */
	return aligned;
}

void
hb_xunmap_huge(void *p, size_t len)
{
	if (p != NULL)
		munmap(p, len);
}
