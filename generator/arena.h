/*
 * arena: a bump allocator for data that lives as long as one build (pages, strings, the graph).
 *
 * Allocations are never freed one by one; hb_arena_free() releases all of them at once.
 * Memory is zeroed. Not thread-safe: each worker owns its own arena, or uses the build arena
 * only from the thread that owns it.
 */
#ifndef HB_ARENA_H
#define HB_ARENA_H

#include <stddef.h>

struct hb_arena_block;

struct hb_arena {
	struct hb_arena_block *head;
	size_t next_size;	/* of the next block: they double, up to huge pages */
};

void hb_arena_init(struct hb_arena *a);
void hb_arena_free(struct hb_arena *a);
void *hb_arena_alloc(struct hb_arena *a, size_t len);
char *hb_arena_strdup(struct hb_arena *a, const char *s);
char *hb_arena_strndup(struct hb_arena *a, const char *s, size_t len);
char *hb_arena_printf(struct hb_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
