/*
 * reuse: whether a page's output from an earlier render can be used again instead of rendering.
 *
 * A page's output depends on
 *   (a) its own file;
 *   (b) what front matter, the configuration and the theme decide for the whole site: titles,
 *       paths, reading order, sections, the glossary, how every link resolves;
 *   (c) its own deep fields (headings, backlinks with their sentences, participated, history);
 *   (d) the deep fields of the pages whose deep fields its templates read (recorded by
 *       luaenv, memo values included). A link in the body shows its target's title and path,
 *       which are (b); a link to a missing heading is an error, so there is no output to reuse.
 * hb_reuse_prepare() hashes (b) once per build into the site signature, and (c) once per page.
 * hb_reuse_key() hashes (a) to (d) for a page and a list of dependencies into a render key. A
 * render reads the same things whenever what it read is the same, so an earlier render with an
 * equal key, over the same dependencies, made the same bytes (its edition slot aside).
 *
 * Hashes are SHA-1 (libgit2's). Not thread-safe while preparing; read-only afterwards.
 */
#ifndef HB_REUSE_H
#define HB_REUSE_H

#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "graph.h"
#include "history.h"
#include "source.h"

#define HB_REUSE_KEY_SIZE 20

struct hb_reuse {
	const struct hb_graph *g;
	unsigned char site[HB_REUSE_KEY_SIZE];
	unsigned char *deep;		/* HB_REUSE_KEY_SIZE bytes per page, by reading order */
};

/* What an earlier render of one output path left for the next build to compare with. */
struct hb_reuse_record {
	unsigned char key[HB_REUSE_KEY_SIZE];
	const char **dep_ids;		/* the dependencies the key covers, by page id */
	size_t n_deps;
	int has_slot;
	size_t slot_start, slot_len;	/* the edition slot's bytes in the written file */
};

void hb_reuse_prepare(struct hb_reuse *r, const struct hb_graph *g, const struct hb_config *cfg,
    const struct hb_source *theme, const struct hb_history *h);
void hb_reuse_free(struct hb_reuse *r);
/*
 * Fills rec (key and dependencies, in a) for node after a render that read deps[0..n).
 * Thread-safe for distinct arenas.
 */
void hb_reuse_record(const struct hb_reuse *r, const struct hb_node *node,
    const struct hb_node *const *deps, size_t n, struct hb_arena *a, struct hb_reuse_record *rec);
/*
 * Returns 1 when the earlier render recorded in prev made what rendering node now would make:
 * every dependency still exists and the key over them is equal.
 */
int hb_reuse_matches(const struct hb_reuse *r, const struct hb_node *node,
    const struct hb_reuse_record *prev);

#endif
