/*
 * graph: the site as a whole. Indexes pages by id, alias, title and path; resolves every link
 * and front-matter reference; computes sections, reading order, prev/next and backlinks.
 *
 * It also collects the glossary (abbreviations for automatic linking; two pages defining one
 * abbreviation is an error) and, for each page, the pages that list it as a participant.
 *
 * Input: one struct hb_node per page (page and parsed doc), owned by the caller. hb_graph_build()
 * fills each node's links (hb_link.page, hb_link.to) and the graph's derived fields; a link's
 * relative URL (hb_link.href) is made by hb_graph_set_hrefs() for the pages that are rendered. Every
 * problem is a located diagnostic: an unresolved link or reference (with "did you mean"), an
 * unknown heading, a duplicate id, an ambiguous alias or title. Orphans and pages without
 * sources are warnings. Nothing here depends on hash-map order: every list is sorted.
 * Single-threaded; the result is read-only afterwards and may be shared by workers.
 */
#ifndef HB_GRAPH_H
#define HB_GRAPH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "map.h"
#include "markdown.h"
#include "page.h"

struct hb_node;

struct hb_backlink {
	const struct hb_node *from;
	const struct hb_link *link;	/* its first link here (for the context), or NULL when
					 * the page only names this one in its front matter */
};

/* A glossary entry: a page with `type: glossary` and `abbr`. */
struct hb_term {
	const char *abbr;
	const char *expansion;		/* may be NULL */
	const struct hb_node *node;
};

/* A citation on a page: one source paragraph (0: the source as a whole), numbered. */
struct hb_citation {
	int number;
	const struct hb_node *source;
	int paragraph;
	const char *text;		/* the paragraph's text, or NULL */
};

/* On a source page: a page citing it. */
struct hb_cited_by {
	int paragraph;
	const struct hb_node *from;
	int number;			/* the citation's number on that page */
};

struct hb_node {
	struct hb_page *page;
	struct hb_doc doc;
	size_t order;			/* position in reading order */
	const struct hb_node *prev;	/* reading order, NULL at the ends */
	const struct hb_node *next;
	struct hb_section *section;
	const struct hb_node **refs_to;	/* the pages its sources, participants and related
					 * name, in that order (NULL where none is) */
	struct hb_backlink *backlinks;	/* sorted by the source's reading order */
	size_t n_backlinks;
	const struct hb_node **participated;	/* pages listing this one in `participants` */
	size_t n_participated;
	struct hb_citation *citations;	/* by number (cite.h) */
	size_t n_citations;
	struct hb_cited_by *cited_by;	/* sources: by paragraph, then citing page's order */
	size_t n_cited_by;
	int is_taken;			/* page and doc were taken from the parse cache: the
					 * build before had them so */
	const void *sentences_from;	/* taken without its links' sentences: where they are,
					 * for hb_graph's take_sentences */
	atomic_int is_finished;		/* its links' sentences are made (hb_graph_finish) */
};

struct hb_section {
	const char *name;		/* "" for the root */
	struct hb_node *index;		/* its _index page */
	struct hb_node **pages;		/* the other pages, in reading order */
	size_t n_pages;
};

struct hb_graph {
	struct hb_node **order;		/* every node in reading order */
	size_t n_nodes;
	struct hb_section *sections;	/* the root first, then the configured order, then A-Z */
	size_t n_sections;
	struct hb_map by_id;
	struct hb_map by_alias;		/* case-insensitive */
	struct hb_map by_title;		/* case-insensitive */
	struct hb_map by_path;
	struct hb_term *terms;		/* glossary, longest abbreviation first */
	size_t n_terms;
	/* terms[term_order[term_start[b] .. term_start[b + 1])] begin with the byte b, longest
	 * first: the candidates at one position of a text, without scanning every term. */
	size_t *term_order;
	size_t term_start[257];
	pthread_mutex_t finish_lock;	/* hb_graph_finish's, with what it makes */
	struct hb_arena finish_arena;
	/* Gives a node with sentences_from its links' sentences, in a, before they are made
	 * (build.c's, from the parse cache); set after hb_graph_build. */
	void (*take_sentences)(struct hb_node *node, struct hb_arena *a, void *arg);
	void *take_arg;
};

/*
 * Builds the graph over nodes[0..n). section_order lists section names in the configured order
 * (may be NULL). With threads > 1, a large site's links are resolved on two threads. Returns
 * the number of errors added to d.
 */
size_t hb_graph_build(struct hb_graph *g, struct hb_node *nodes, size_t n,
    const char *const *section_order, int threads, struct hb_arena *a, struct hb_diag *d);
void hb_graph_free(struct hb_graph *g);
/* Sets the href of each resolved link of node that has none (citations have theirs from
 * cite.h), in a. Thread-safe for distinct nodes. */
void hb_graph_set_hrefs(struct hb_node *node, struct hb_arena *a);
/* Resolves name by id, then alias, then title (case-insensitive). Returns NULL if none. */
const struct hb_node *hb_graph_lookup(const struct hb_graph *g, const char *name);
/*
 * The sentences of node's links (hb_markdown_finish), made once: by hb_graph_finish_in() for
 * nodes a worker finishes itself, or on first need by hb_graph_finish(), from any thread (a
 * rebuild that keeps most pages reads few of them: what a rendered page's backlinks show).
 * Call one before reading hb_link.before and .after.
 */
void hb_graph_finish(const struct hb_graph *g, const struct hb_node *node);
void hb_graph_finish_in(const struct hb_graph *g, struct hb_node *node, struct hb_arena *a);

#endif
