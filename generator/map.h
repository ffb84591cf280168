/*
 * map: a hash map from NUL-terminated strings to pointers (open addressing, keys hashed eight
 * bytes at a time).
 *
 * Keys are copied, unless HB_MAP_BORROW says they outlive the map; values are borrowed. With
 * HB_MAP_FOLD the keys compare ASCII case-insensitively (titles, aliases). Iteration order is
 * never exposed: callers that need an order sort explicitly. Not thread-safe for writers;
 * concurrent readers are fine.
 */
#ifndef HB_MAP_H
#define HB_MAP_H

#include <stddef.h>

enum { HB_MAP_EXACT = 0, HB_MAP_FOLD = 1, HB_MAP_BORROW = 2 };

struct hb_map_slot {
	char *key;
	void *value;
	size_t hash;
};

struct hb_map {
	struct hb_map_slot *slots;
	size_t n;
	size_t cap;		/* power of two, or 0 */
	int flags;		/* HB_MAP_FOLD, HB_MAP_BORROW */
};

void hb_map_init(struct hb_map *m, int flags);
void hb_map_free(struct hb_map *m);
void *hb_map_get(const struct hb_map *m, const char *key);
/* Makes room for n entries in all, so that adding them never grows the table. */
void hb_map_reserve(struct hb_map *m, size_t n);
/* Sets key to value; returns the previous value or NULL. */
void *hb_map_put(struct hb_map *m, const char *key, void *value);

#endif
