/*
 * reuse: whether a page's output from an earlier render can be used again instead of rendering.
 *
 * A page's output depends on
 *   (a) the configuration, the theme and the glossary (the same for every page: the global
 *       signature);
 *   (b) its own file, and for each link in its body the target's id, title and path;
 *   (c) everything its templates read (luaenv.h records it): the plain fields of other pages
 *       (front matter, place in the reading order, resolved references) and their deep fields
 *       (headings, backlinks and their sentences, participated, git history, generated data),
 *       hashed apart; the page lists of sections, the list of sections, of all pages, of the
 *       type indexes.
 * hb_reuse_prepare() hashes each of these once per build; hb_reuse_key() hashes (a) to (c) for
 * a page over the names of what it read into a render key. A memo value shared by many pages
 * counts as one dependency, a group, digested once per build. A render
 * reads the same things whenever what it read is the same, so an earlier render whose key,
 * recomputed now over the same names, is unchanged made the same bytes (its edition slot
 * aside). A render that read the edition's own data outside the slot is never reused.
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
#include "luaenv.h"
#include "map.h"
#include "source.h"

#define HB_REUSE_KEY_SIZE 20

struct hb_reuse {
	const struct hb_graph *g;
	unsigned char global[HB_REUSE_KEY_SIZE];
	unsigned char all[HB_REUSE_KEY_SIZE];		/* the list of every page */
	unsigned char sections[HB_REUSE_KEY_SIZE];	/* the list of sections */
	unsigned char indexes[HB_REUSE_KEY_SIZE];	/* the generated type indexes */
	unsigned char *pages;		/* per page, by reading order: the hashes of its plain
					 * fields, its deep fields, its prev and next */
	unsigned char *section;		/* the same per section (its page list) */
	struct hb_map section_by_name;	/* name -> index + 1 */
};

/* What an earlier render of one output path left for the next build to compare with. */
struct hb_reuse_record {
	unsigned char key[HB_REUSE_KEY_SIZE];
	const char **deps;		/* what the key covers: page ids (plain fields), "<id>#"
					 * (deep fields), "<id>^" (prev and next), "/s/<section>",
					 * "/all", "/sections", "/indexes", sorted */
	size_t n_deps;
	const char **groups;		/* memo values used, by key (see struct hb_reuse_group) */
	size_t n_groups;
	int has_key;			/* 0: not reusable (read the edition's own data) */
	int is_kept;			/* kept from the build before: key is the one its render
					 * had then and still has (hb_reuse_matches), while its
					 * groups read what they read then */
	int has_slot;
	size_t slot_start, slot_len;	/* the edition slot's bytes in the written file */
	const char *slot;		/* and those bytes (slot_len of them) */
	const char *line;		/* the persistent cache's line it was loaded from, while
					 * the record is the same (cache.c writes it again) */
	size_t line_len;
};

/* A memo value: what it read, as dependency names. One per memo key and build. */
struct hb_reuse_group {
	const char **deps;
	size_t n_deps;
};

/*
 * Hashes what is the same for every page's key (the configuration, the theme, the lists);
 * then hb_reuse_hash_page() for every page (a page's hashes are its own: any thread, any
 * order) before any key is made.
 */
void hb_reuse_prepare(struct hb_reuse *r, const struct hb_graph *g, const struct hb_config *cfg,
    const struct hb_source *theme);
void hb_reuse_hash_page(struct hb_reuse *r, size_t order, const struct hb_history *h);
void hb_reuse_free(struct hb_reuse *r);
/* The dependencies in info as sorted names, in a (the node's own page left out). */
void hb_reuse_names(const struct hb_node *node, const struct hb_render_info *info,
    struct hb_arena *a, const char ***out, size_t *n_out);
/*
 * Digests of groups (name -> struct hb_reuse_group) under this build's hashes, into digests
 * (name -> HB_REUSE_KEY_SIZE bytes in a); a group with a dependency that no longer exists gets
 * none. Single-threaded.
 */
void hb_reuse_digest_groups(const struct hb_reuse *r, const struct hb_map *groups,
    struct hb_map *digests, struct hb_arena *a);
/*
 * The render key of node over rec's dependencies and groups (digests from
 * hb_reuse_digest_groups). Returns 0, or -1 when one of them no longer exists.
 */
int hb_reuse_key(const struct hb_reuse *r, const struct hb_node *node,
    const struct hb_reuse_record *rec, const struct hb_map *digests,
    unsigned char out[HB_REUSE_KEY_SIZE]);
/* 1 when the earlier render in prev made what rendering node now would make. */
int hb_reuse_matches(const struct hb_reuse *r, const struct hb_node *node,
    const struct hb_reuse_record *prev, const struct hb_map *digests);

#endif
