/*
 * changes: "what changed" in an edition, as data for the theme's changes.html and for the feed.
 *
 * hb_changes_view() turns the changes since the previous edition (editions.h) into a value tree
 * that templates read as page.data:
 *
 *   since, since_date, since_url    the previous edition (absent for the first)
 *   added    [{title, url}]
 *   removed  [{title, url}]          url: the page in the previous edition
 *   renamed  [{title, url, old_url, diff?, deleted, inserted}]
 *   changed  [{title, url, diff, deleted, inserted}]
 *
 * diff is HTML (wdiff.h) of the files' text, front matter included; deleted and inserted count
 * words. URLs are relative to the changes page at `self` (its path from the site root). Titles
 * come from this edition's pages, or from the old file's front matter for removed pages. Values
 * live in a. Thread-safe for distinct arenas.
 */
#ifndef HB_CHANGES_H
#define HB_CHANGES_H

#include <stddef.h>

#include "arena.h"
#include "editions.h"
#include "graph.h"
#include "page.h"

struct hb_value *hb_changes_view(struct hb_arena *a, const struct hb_graph *g,
    const struct hb_editions *e, size_t edition, const char *prefix, const char *self);
/* The title of a page from its file's text (front matter), or its path when it has none. */
const char *hb_changes_title(struct hb_arena *a, const char *path, const char *text, size_t len);

#endif
