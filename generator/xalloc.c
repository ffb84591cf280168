#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
die_oom(void)
{
	fputs("handbook: out of memory\n", stderr);
	exit(2);
}

void *
hb_xmalloc(size_t len)
{
	void *p = malloc(len ? len : 1);

	if (p == NULL)
		die_oom();
	return p;
}

void *
hb_xcalloc(size_t n, size_t len)
{
	void *p = calloc(n ? n : 1, len ? len : 1);

	if (p == NULL)
		die_oom();
	return p;
}

void *
hb_xrealloc(void *p, size_t len)
{
	p = realloc(p, len ? len : 1);
	if (p == NULL)
		die_oom();
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
			die_oom();
		n *= 2;
	}
	if (n > SIZE_MAX / len)
		die_oom();
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
