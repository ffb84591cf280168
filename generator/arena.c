#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

/* Blocks start small (most arenas hold little) and double up to a huge page (xalloc.h): a
 * large build's pages, docs and graph then live in 2 MiB pages, a page fault each. */
#define BLOCK_SIZE (64 * 1024)

struct hb_arena_block {
	struct hb_arena_block *next;
	size_t used;
	size_t size;
	size_t mapped;		/* the huge mapping's length, or 0: from calloc */
	max_align_t data[];
};

void
hb_arena_init(struct hb_arena *a)
{
	a->head = NULL;
	a->next_size = BLOCK_SIZE;
}

void
hb_arena_free(struct hb_arena *a)
{
	while (a->head != NULL) {
		struct hb_arena_block *next = a->head->next;

		if (a->head->mapped)
			hb_xunmap_huge(a->head, a->head->mapped);
		else
			free(a->head);
		a->head = next;
	}
}

static struct hb_arena_block *
new_block(size_t size)
{
	/* Zeroed memory either way (calloc, fresh pages), and bump allocation never hands out a
	 * byte twice, so no allocation needs clearing. */
	size_t whole = sizeof(struct hb_arena_block) + size, mapped = 0;
	struct hb_arena_block *b;

	if (whole >= HB_HUGE_SIZE && whole <= SIZE_MAX - HB_HUGE_SIZE) {
		mapped = (whole + HB_HUGE_SIZE - 1) / HB_HUGE_SIZE * HB_HUGE_SIZE;
		b = hb_xmap_huge(mapped);
		size = mapped - sizeof(*b);
	} else {
		b = hb_xcalloc(1, whole);
	}
	b->next = NULL;
	b->used = 0;
	b->size = size;
	b->mapped = mapped;
	return b;
}

void *
hb_arena_alloc(struct hb_arena *a, size_t len)
{
	const size_t align = sizeof(max_align_t);
	struct hb_arena_block *b;
	void *p;

	if (len > SIZE_MAX - align)
		len = SIZE_MAX;	/* hb_xmalloc fails below */
	len = (len + align - 1) / align * align;
	if (len > BLOCK_SIZE / 4) {
		/* A large allocation gets a block of its own, behind the head. */
		b = new_block(len);
		b->used = len;
		if (a->head == NULL) {
			a->head = b;
		} else {
			b->next = a->head->next;
			a->head->next = b;
		}
		return b->data;
	}
	if (a->head == NULL || a->head->size - a->head->used < len) {
		if (a->next_size < BLOCK_SIZE)
			a->next_size = BLOCK_SIZE;	/* an arena set up by memset */
		b = new_block(a->next_size - sizeof(*b));
		if (a->next_size < HB_HUGE_SIZE)
			a->next_size *= 2;
		b->next = a->head;
		a->head = b;
	}
	b = a->head;
	p = (char *)b->data + b->used;
	b->used += len;
	return p;
}

char *
hb_arena_strndup(struct hb_arena *a, const char *s, size_t len)
{
	char *p = hb_arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
hb_arena_strdup(struct hb_arena *a, const char *s)
{
	return s ? hb_arena_strndup(a, s, strlen(s)) : NULL;
}

char *
hb_arena_printf(struct hb_arena *a, const char *fmt, ...)
{
	struct hb_buf b = HB_BUF_INIT;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	hb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	s = hb_arena_strndup(a, b.buf, b.len);
	hb_buf_free(&b);
	return s;
}
