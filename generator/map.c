#include "map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hash.h"
#include "xalloc.h"

void
hb_map_init(struct hb_map *m, int flags)
{
	memset(m, 0, sizeof(*m));
	m->flags = flags;
}

void
hb_map_free(struct hb_map *m)
{
	size_t i;

	for (i = 0; i < m->cap && !(m->flags & HB_MAP_BORROW); i++)
		free(m->slots[i].key);
	free(m->slots);
	hb_map_init(m, m->flags);
}

/* ASCII letters in a word of eight bytes to lower case (fold maps). */
static uint64_t
fold_word(uint64_t w)
{
	uint64_t i;

	for (i = 0; i < 64; i += 8) {
		uint64_t c = (w >> i) & 0xff;

		if (c >= 'A' && c <= 'Z')
			w += (uint64_t)('a' - 'A') << i;
	}
	return w;
}

/*
 * A key's hash, eight bytes at a time: the maps' keys are paths and ids of tens of bytes, looked
 * up hundreds of thousands of times a build. A fold map hashes the key in lower case.
 */
static size_t
hash_key(const char *s, int fold)
{
	size_t n = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	if (!fold)
		return (size_t)hb_hash_quick(s, n);
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ fold_word(w)) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ fold_word(w)) * 0xc4ceb9fe1a85ec53ULL;
	return (size_t)(h ^ h >> 29);
}

static int
same_key(const struct hb_map *m, const char *a, const char *b)
{
	return m->flags & HB_MAP_FOLD ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

static struct hb_map_slot *
find_slot(const struct hb_map *m, const char *key, size_t h)
{
	size_t i = h & (m->cap - 1);

	while (m->slots[i].key != NULL) {
		if (m->slots[i].hash == h && same_key(m, m->slots[i].key, key))
			return &m->slots[i];
		i = (i + 1) & (m->cap - 1);
	}
	return &m->slots[i];
}

/* Moves the entries into a table of cap slots (a power of two, above the load factor). */
static void
resize(struct hb_map *m, size_t cap)
{
	struct hb_map_slot *old = m->slots;
	size_t i, old_cap = m->cap;

	m->cap = cap;
	m->slots = hb_xcalloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < old_cap; i++) {
		if (old[i].key != NULL)
			*find_slot(m, old[i].key, old[i].hash) = old[i];
	}
	free(old);
}

static void
rehash(struct hb_map *m)
{
	resize(m, m->cap ? m->cap * 2 : 16);
}

void
hb_map_reserve(struct hb_map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 16;

	while (n * 4 > cap * 3)
		cap *= 2;
	if (cap > m->cap)
		resize(m, cap);
}

void *
hb_map_get(const struct hb_map *m, const char *key)
{
	if (m->cap == 0)
		return NULL;
	return find_slot(m, key, hash_key(key, m->flags & HB_MAP_FOLD))->value;
}

void *
hb_map_put(struct hb_map *m, const char *key, void *value)
{
	struct hb_map_slot *s;
	size_t h = hash_key(key, m->flags & HB_MAP_FOLD);
	void *prev;

	if ((m->n + 1) * 4 > m->cap * 3)
		rehash(m);
	s = find_slot(m, key, h);
	if (s->key != NULL) {
		prev = s->value;
		s->value = value;
		return prev;
	}
	s->key = m->flags & HB_MAP_BORROW ? (char *)key : hb_xstrdup(key);
	s->hash = h;
	s->value = value;
	m->n++;
	return NULL;
}
