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
 * Most rebuilds change a few pages' hashes, if any. hb_reuse_compare() finds which names'
 * hashes differ from those the earlier build made its keys with (struct hb_reuse_then); an
 * earlier render none of whose names changed, and whose page's own part of the key (its head:
 * the global signature, its file, what its links show) is the same, has the same key without
 * hashing it again (hb_reuse_is_unchanged).
 *
 * Hashes are SHA-1 (libgit2's). Not thread-safe while preparing; read-only afterwards.
 */
#ifndef HB_REUSE_H
#define HB_REUSE_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
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
	unsigned char world[HB_REUSE_KEY_SIZE];	/* the global signature and the git history */
	unsigned char *pages;		/* per page, by reading order: the hashes of its plain
					 * fields, its deep fields, its prev and next, what its
					 * links show others, and its head */
	unsigned char *section;		/* the same per section (its page list) */
	struct hb_map section_by_name;	/* name -> index + 1 */
	/* hb_reuse_compare's findings */
	int is_same_world;		/* the world is then's */
	int is_compared;		/* the pages and sections are those of then, in order */
	unsigned char *page_changed;	/* per page: whether one of its hashes differs */
	struct hb_map changed;		/* the names whose hash differs (-> themselves) */
	struct hb_map dirty_groups;	/* then's groups with a changed name (-> themselves) */
	const struct hb_map *groups;	/* then's groups */
	struct hb_arena names;		/* the changed names */
};

/* The hashes an earlier build made its keys with, by name (hb_reuse_export). */
#define HB_REUSE_THEN_PER_PAGE 4
struct hb_reuse_then {
	size_t n_pages;
	const char **ids;		/* by reading order */
	unsigned char *pages;		/* per page: plain fields, deep fields, neighbours, what
					 * its links show others (HB_REUSE_THEN_PER_PAGE) */
	size_t n_sections;
	const char **sections;		/* the sections' names, in order */
	unsigned char *section;		/* one per section */
	unsigned char lists[4 * HB_REUSE_KEY_SIZE];	/* all, sections, indexes, world */
	int is_set;
};

/* What an earlier render of one output path left for the next build to compare with. */
struct hb_reuse_record {
	unsigned char key[HB_REUSE_KEY_SIZE];
	unsigned char head[HB_REUSE_KEY_SIZE];	/* its page's head when the key was made */
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
    const struct hb_source *theme, const struct hb_history *h);
void hb_reuse_hash_page(struct hb_reuse *r, size_t order, const struct hb_history *h,
    struct hb_buf *scratch);
void hb_reuse_free(struct hb_reuse *r);
/*
 * The names of one worker's renders, each made once (in the arena it passes with them, which
 * must outlive the records): one set per worker and render phase of graph g.
 */
struct hb_reuse_names {
	const struct hb_graph *g;
	const char **pages;		/* 3 per page, by reading order */
	const char **sections;
};
void hb_reuse_names_init(struct hb_reuse_names *names, const struct hb_graph *g);
void hb_reuse_names_free(struct hb_reuse_names *names);
/* The dependencies in info as sorted names, from names or made in a (the node's own page left
 * out). */
void hb_reuse_names(const struct hb_node *node, const struct hb_render_info *info,
    struct hb_reuse_names *names, struct hb_arena *a, const char ***out, size_t *n_out);
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
/* The head of node's key (hb_reuse_hash_page made it). */
const unsigned char *hb_reuse_head(const struct hb_reuse *r, const struct hb_node *node);

/*
 * Hashing every page again, when only a few files changed, finds the hashes of the build before.
 * A page's hashes are made of its own parse and of what other pages show it (their plain
 * fields, what their links and paragraphs show, the order), under the world (configuration,
 * theme, glossary, git history). So when the world and the pages (in order) are then's, and
 * every page parsed anew since shows what it showed then, every other page's hashes are then's.
 *
 * hb_reuse_take_then() checks the world and the pages and puts then's hashes in for every page,
 * the head from its record in records (output path -> struct hb_reuse_record) where it has a
 * key; sets needs_hashing[order] for a page without one. Returns 0 (nothing taken) when then
 * cannot stand in. The caller then hashes the pages parsed anew and those needing it, and
 * checks each page parsed anew with hb_reuse_shows_as_then(): when one does not, every page
 * must be hashed after all.
 */
int hb_reuse_take_then(struct hb_reuse *r, const struct hb_reuse_then *then,
    const struct hb_map *records, unsigned char *needs_hashing);
int hb_reuse_shows_as_then(const struct hb_reuse *r, const struct hb_reuse_then *then,
    size_t order);

/* This build's hashes by name, for the next build (copied into a). */
void hb_reuse_export(const struct hb_reuse *r, struct hb_reuse_then *then, struct hb_arena *a);
/* After every hb_reuse_hash_page: which names' hashes differ from then's, whose keys were made
 * with groups (memo key -> struct hb_reuse_group); then may be unset (nothing is compared). */
void hb_reuse_compare(struct hb_reuse *r, const struct hb_reuse_then *then,
    const struct hb_map *groups);
/*
 * 1 when prev, an earlier render's record whose key was made with the compared build's hashes,
 * still has the key it had: nothing it names changed and its page's head is the same. Then
 * hb_reuse_matches would say 1 too; 0 says nothing (it may still match).
 */
int hb_reuse_is_unchanged(const struct hb_reuse *r, const struct hb_node *node,
    const struct hb_reuse_record *prev);

#endif
