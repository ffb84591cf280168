#define _GNU_SOURCE
#include "build.h"

#include <git2.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "cache.h"
#include "caps.h"
#include "changes.h"
#include "cite.h"
#include "config.h"
#include "editions.h"
#include "feed.h"
#include "graph.h"
#include "hash.h"
#include "history.h"
#include "luaenv.h"
#include "map.h"
#include "markdown.h"
#include "page.h"
#include "parsed.h"
#include "path.h"
#include "render.h"
#include "print.h"
#include "reuse.h"
#include "search.h"
#include "source.h"
#include "write.h"
#include "xalloc.h"

/*
 * One invocation: a plain build, or every edition and then the newest again at the root, into
 * one output directory. Each build leaves a record per page for the next one to reuse from.
 */
struct run {
	const struct hb_options *o;
	struct hb_writer *writer;		/* NULL for `check` */
	const struct hb_editions *editions;	/* NULL for a plain build */
	struct hb_map prev;			/* output path -> the previous build's record */
	struct hb_map prev_groups;		/* memo key -> its struct hb_reuse_group */
	struct hb_reuse_then then;		/* the hashes the previous build's keys were
						 * made with */
	const char *prev_prefix;		/* where the previous build wrote */
	struct hb_arena *prev_arenas;		/* its records and groups, one arena per worker */
	int prev_jobs;
	int has_read_history;
	int prev_in_site;			/* the previous build is the committed site (serve,
						 * the persistent cache), not one written earlier in
						 * this run */
	const struct hb_map *prev_outputs;	/* from the persistent cache: out path -> struct
						 * hb_write_output, how its files must still stat */
	const struct hb_cache_fingerprint *fp;	/* the persistent cache's, or NULL; with it, the
						 * previous build is the cache's, whose records
						 * outlive the run */
	struct hb_cache_parses *parses;	/* its parse cache: pages not to parse again */
	struct pending_records *records;	/* its records, until loaded (take_records) */
	const struct hb_cache_previous *cache_prev;	/* and those records, loaded */
	struct listing *listing;		/* the working tree, listed early, or NULL */
};

/*
 * The persistent cache's records, loaded on a thread of their own while the graph is built (the
 * build needs them only to render): take_records() starts it, join_records() waits for it.
 */
struct pending_records {
	struct hb_cache_file *f;
	const struct hb_cache_fingerprint *fp;
	struct hb_cache_previous *prev;
	struct run *run;		/* to fill, once started */
	pthread_t thread;
	int is_started;
};

/*
 * The working tree's content and theme as hb_source_read lists them, made on a thread of its
 * own while the persistent cache is fingerprinted and loaded: the same stat()s of every file,
 * which the build needs once the cache has not replayed. Its diagnostics wait in diag.
 */
struct listing {
	const struct hb_options *o;
	pthread_t thread;
	struct hb_source content, theme;
	struct hb_diag diag;
	struct hb_err err;
	int rc;
	int is_joined;
};

struct build {
	const struct hb_options *o;
	struct run *run;
	const char *rev;		/* NULL: the working tree */
	const char *prefix;		/* "" or "editions/<tag>/" */
	size_t edition;			/* index in run->editions */
	struct hb_config cfg;
	struct hb_arena arena;		/* build lifetime: synthesized pages, graph */
	struct hb_source content;
	struct hb_source theme;
	struct hb_file **md;		/* the .md files of content (their bytes dropped once
					 * parsed: a page keeps its own copy) */
	size_t n_md;
	struct hb_node *nodes;		/* one per page, parallel to md until compacted */
	size_t n_nodes;
	struct hb_graph graph;
	struct hb_history history;
	struct hb_reuse reuse;
	struct hb_reuse_record *records;	/* by reading order */
	struct hb_arena *record_arenas;		/* one per worker, handed to the run */
	struct hb_map groups;			/* memo key -> group, of this build */
	struct hb_map prev_digests;		/* the previous build's groups, digested now */
	const struct hb_map *digests;		/* this build's, while the keys are made */
	struct hb_map changed_groups;		/* and those whose dependencies changed */
	int wants_text;			/* the search index is made: parse keeps pages' texts */
	int prepares_bodies;		/* parse renders bodies (hb_render_prepare); not when most
					 * pages may be reused from the build before */
	const char **texts;		/* by reading order: plain text, for the search index */
	const char **articles;		/* by reading order: the <article>, for print.html */
	struct hb_cache_page *shard_pages;	/* the parse cache's pages, shard by shard */
	size_t *shard_start;		/* shard s's are [shard_start[s], shard_start[s + 1]) */
	size_t n_shards;
	struct hb_writer *writer;	/* NULL for `check` */
	int jobs;
	struct slice *slices;		/* the phase's items, a slice per worker (next_item) */
	int n_slices;			/* the phase's workers */
	struct hb_node **queued;	/* the pages to render, once those kept are known */
	atomic_size_t n_queued;
	pthread_mutex_t body_lock;	/* over taken pages' bodies, read on more than one thread */
	atomic_int has_failed_sentences;	/* take_sentences could not: why in */
	struct hb_err sentences_err;
};

struct worker {
	struct build *b;
	int index;
	struct hb_arena arena;		/* pages and their strings; lives as long as the build */
	struct hb_diag diag;
	struct hb_err err;
	int has_failed;			/* environment failure, in err */
	size_t n_files;
	size_t n_reused;
	size_t n_parses_taken;
	struct hb_map groups;		/* memo key -> group, as this worker first saw it */
	struct hb_reuse_names names;	/* the dependency names its records use */
	struct hb_luaenv *lua;		/* the render phase's, once a page needed it */
	int has_no_lua;			/* the theme did not load (diag says why) */
};

/* The writer of the build in progress, for the template watchdog's last act. */
static struct hb_writer *_Atomic live_writer;

typedef void *(*phase_fn)(void *);

static int
is_cancelled(const struct build *b)
{
	return b->o->cancel != NULL && atomic_load(b->o->cancel) != 0;
}

static void
progress_stage(const struct build *b, const char *stage, size_t total)
{
	struct hb_progress *p = b->o->progress;

	if (p != NULL) {
		atomic_store(&p->done, 0);
		atomic_store(&p->total, total);
		atomic_store(&p->stage, stage);
	}
}

static void
progress_step(const struct build *b)
{
	if (b->o->progress != NULL)
		atomic_fetch_add(&b->o->progress->done, 1);
}

/* A worker's part of a phase's items, [next, end) once next is past the ones taken. */
struct slice {
	atomic_size_t next;
	size_t end;
};

/*
 * The next of n items for a worker to take in this phase, or n when all are taken. Each worker
 * takes its own slice in order (the pages of a few folders: two threads adding files to one
 * folder wait for each other in the kernel), then helps the others with theirs, so a thread
 * slowed down (a busy CPU) holds the phase up by one item at most. Which worker takes an item
 * changes nothing in the output.
 */
static size_t
next_item(struct worker *w, size_t n)
{
	const struct build *b = w->b;
	int k;

	for (k = 0; k < b->n_slices; k++) {
		struct slice *s = &b->slices[(w->index + k) % b->n_slices];
		size_t i;

		if (atomic_load(&s->next) >= s->end)
			continue;
		if ((i = atomic_fetch_add(&s->next, 1)) < s->end)
			return i;
	}
	return n;
}

/* Runs fn on every worker, over n items (next_item): on threads when there are several,
 * inline otherwise. */
static void
run_phase(struct worker *workers, int jobs, phase_fn fn, size_t n)
{
	struct build *b = workers[0].b;
	pthread_t *threads = hb_xcalloc((size_t)jobs, sizeof(*threads));
	int *started = hb_xcalloc((size_t)jobs, sizeof(*started));
	int i;

	b->slices = hb_xcalloc((size_t)jobs, sizeof(*b->slices));
	b->n_slices = jobs;
	for (i = 0; i < jobs; i++) {
		atomic_init(&b->slices[i].next, n * (size_t)i / (size_t)jobs);
		b->slices[i].end = n * (size_t)(i + 1) / (size_t)jobs;
	}
	for (i = 0; i < jobs; i++) {
		started[i] = jobs > 1 && pthread_create(&threads[i], NULL, fn, &workers[i]) == 0;
		if (!started[i])
			fn(&workers[i]);
	}
	for (i = 0; i < jobs; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
	}
	free(started);
	free(threads);
	free(b->slices);
	b->slices = NULL;
}

static int
is_markdown(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".md") == 0;
}

/*
 * Parses page's Markdown into node. The tree is most of the memory, so the body is rendered
 * now as far as it can be before the graph (and its Markdown forgotten). When the build before
 * left pages to reuse, most will not be rendered at all: the body is kept instead, to be parsed
 * again if the page is rendered; so is a body our marks cannot be used in.
 */
static void
parse_markdown(struct worker *w, struct hb_node *node, struct hb_page *page)
{
	node->page = page;
	hb_markdown_parse(&node->doc, page, &w->arena, &w->diag);
	if (w->b->wants_text && hb_markdown_can_mark(page))
		node->doc.text = hb_markdown_marked_text(&node->doc, &w->arena);
	if (w->b->prepares_bodies)
		hb_render_prepare(&node->doc, page, &w->arena);
	if (node->doc.html != NULL)
		hb_page_forget_body(page);
	else
		hb_page_keep_body(page, &w->arena);
	hb_markdown_drop_tree(&node->doc);
}

/*
 * The page and doc of file as the parse cache has them, unless it has none for it or its entry
 * is not intact: the file is not read (its body is, if the page is rendered). Returns 0 when
 * taken.
 */
static int
take_parse(struct worker *w, struct hb_node *node, struct hb_page *page, struct hb_file *file)
{
	const struct hb_cache_parse *e = w->b->run->parses == NULL ? NULL :
	    hb_map_get(&w->b->run->parses->by_path, file->path);

	if (e == NULL || !hb_cache_parse_is_intact(e))
		return -1;
	if (hb_parsed_take(e->bytes, e->len, page, &node->doc, &w->arena) != 0 ||
	    strcmp(page->path, file->path) != 0 || (page->is_draft && !w->b->o->include_drafts)) {
		memset(&node->doc, 0, sizeof(node->doc));	/* parsed from the file instead */
		return -1;
	}
	page->file = file;
	node->page = page;
	node->is_taken = 1;
	node->sentences_from = e;
	return 0;
}

static void *
parse_pages(void *arg)
{
	struct worker *w = arg;
	struct build *b = w->b;
	size_t i;

	while ((i = next_item(w, b->n_md)) < b->n_md && !is_cancelled(b)) {
		struct hb_page *page = hb_arena_alloc(&w->arena, sizeof(*page));
		int rc;

		progress_step(b);
		if (take_parse(w, &b->nodes[i], page, b->md[i]) == 0) {
			w->n_parses_taken++;
			continue;
		}
		if (hb_source_load(b->md[i], &w->err) != 0) {
			w->has_failed = 1;
			break;
		}
		rc = hb_page_parse_lent(page, &w->arena, b->md[i], b->o->content_dir, &w->diag);
		if (rc == 0 && (!page->is_draft || b->o->include_drafts))
			parse_markdown(w, &b->nodes[i], page);
		hb_source_drop_data(b->md[i]);
	}
	return NULL;
}

/* Every page's link sentences (hb_graph_finish_in), in the worker's arena: before every page
 * is hashed, which reads them all. */
static void *
finish_docs(void *arg)
{
	struct worker *w = arg;
	struct build *b = w->b;
	size_t i;

	while ((i = next_item(w, b->n_nodes)) < b->n_nodes)
		hb_graph_finish_in(&b->graph, &b->nodes[i], &w->arena);
	return NULL;
}

/* A landing page for a folder that has no _index.md: a title and the generated page list. */
static struct hb_page *
synthesize_index(struct build *b, const char *section)
{
	struct hb_page *p = hb_arena_alloc(&b->arena, sizeof(*p));
	struct hb_value *front = hb_arena_alloc(&b->arena, sizeof(*front));
	char *title;

	front->kind = HB_VALUE_MAP;
	p->front = front;
	p->section = section;
	p->is_index = 1;
	p->slug = "_index";
	p->body = "";
	p->body_line = 1;
	p->oid = "";
	if (section[0] == '\0') {
		p->path = "_index.md";
		p->id = "index";
		p->out_path = "index.html";
		p->title = b->cfg.title;
	} else {
		p->path = hb_arena_printf(&b->arena, "%s/_index.md", section);
		p->id = section;
		p->out_path = hb_arena_printf(&b->arena, "%s/index.html", section);
		title = hb_arena_strdup(&b->arena, section);
		if (title[0] >= 'a' && title[0] <= 'z')
			title[0] = (char)(title[0] - 'a' + 'A');
		p->title = title;
	}
	p->src_path = hb_arena_printf(&b->arena, "%s/%s", b->o->content_dir, p->path);
	return p;
}

/* The sections whose folder has its own _index.md, as a set of names. */
static void
find_indexes(const struct build *b, struct hb_map *with_index)
{
	size_t i;

	for (i = 0; i < b->n_nodes; i++) {
		const struct hb_page *p = b->nodes[i].page;

		if (p->is_index && strchr(p->path, '/') == strrchr(p->path, '/'))
			hb_map_put(with_index, p->section, (void *)p);
	}
}

static void
add_index(struct build *b, const char *section, struct hb_diag *d)
{
	struct hb_node *node = &b->nodes[b->n_nodes++];

	memset(node, 0, sizeof(*node));
	node->page = synthesize_index(b, section);
	hb_markdown_parse(&node->doc, node->page, &b->arena, d);
}

static const char *const type_plurals[][2] = {
	{ "meeting", "meetings" }, { "initiative", "initiatives" }, { "programme", "programmes" },
	{ "person", "people" }, { "organisation", "organisations" }, { "country", "countries" },
	{ "concept", "concepts" }, { "source", "sources" }, { "glossary", "glossary" },
};

static int
theme_has(const struct build *b, const char *layout)
{
	char path[256];

	snprintf(path, sizeof(path), "layouts/%s", layout);
	return hb_source_find(&b->theme, path) != NULL;
}

/* A generated page the theme has a layout for, unless handbook.yaml turned it off. */
static int
wants(const struct build *b, const char *layout)
{
	if ((strcmp(layout, "search.html") == 0 && !b->cfg.has_search) ||
	    (strcmp(layout, "print.html") == 0 && !b->cfg.has_print))
		return 0;
	return theme_has(b, layout);
}

static void
add_generated(struct build *b, const char *id, const char *out_path, const char *title,
    const char *layout, const char *index_type, struct hb_diag *d)
{
	struct hb_node *node = &b->nodes[b->n_nodes++];
	struct hb_page *p = synthesize_index(b, "");

	p->is_index = 0;
	p->id = id;
	p->slug = id;
	p->out_path = out_path;
	p->path = hb_arena_printf(&b->arena, "%s.md", id);
	p->title = title;
	p->layout = layout;
	p->index_type = index_type;
	p->src_path = hb_arena_printf(&b->arena, "%s/layouts/%s", b->o->theme_dir, layout);
	memset(node, 0, sizeof(*node));
	node->page = p;
	hb_markdown_parse(&node->doc, p, &b->arena, d);
}

/*
 * Pages the theme asks for by having their layout: timeline.html (every dated page by year)
 * and type-index.html (one table per page type that the content uses).
 */
static void
add_generated_pages(struct build *b, size_t n_content, struct hb_diag *d)
{
	size_t i, j;

	if (theme_has(b, "timeline.html"))
		add_generated(b, "timeline", "timeline.html", "Timeline", "timeline.html", NULL, d);
	if (b->run->editions != NULL && theme_has(b, "changes.html"))
		add_generated(b, "changes", "changes.html", "What changed", "changes.html", NULL, d);
	if (wants(b, "search.html"))
		add_generated(b, "search", "search.html", "Search", "search.html", NULL, d);
	if (theme_has(b, "404.html"))
		add_generated(b, "not-found", "404.html", "Page not found", "404.html", NULL, d);
	if (wants(b, "print.html"))
		add_generated(b, "print", "print.html", b->cfg.title, "print.html", NULL, d);
	if (!theme_has(b, "type-index.html"))
		return;
	for (i = 0; i < sizeof(type_plurals) / sizeof(type_plurals[0]); i++) {
		const char *type = type_plurals[i][0], *plural = type_plurals[i][1];

		for (j = 0; j < n_content; j++) {
			const char *t = b->nodes[j].page->type;

			if (t && strcmp(t, type) == 0)
				break;
		}
		if (j == n_content)
			continue;
		add_generated(b, hb_arena_printf(&b->arena, "all-%s", plural),
		    hb_arena_printf(&b->arena, "types/%s.html", plural),
		    hb_arena_printf(&b->arena, "All %s", plural), "type-index.html", type, d);
	}
}

/* Drops unparsed and draft pages, then adds the missing landing pages. */
static void
complete_pages(struct build *b, struct hb_diag *d)
{
	struct hb_map with_index;
	size_t i, k = 0, n = b->n_nodes;

	for (i = 0; i < n; i++) {
		if (b->nodes[i].page != NULL)
			b->nodes[k++] = b->nodes[i];
	}
	b->n_nodes = k;
	/* Room for one landing page per page in the worst case, the home page, the timeline,
	 * the changes, search, 404 and print pages, and one index per type. */
	b->nodes = hb_xrealloc(b->nodes, (2 * k + 17) * sizeof(*b->nodes));
	hb_map_init(&with_index, HB_MAP_EXACT);
	find_indexes(b, &with_index);
	for (i = 0; i < k; i++) {
		const char *section = b->nodes[i].page->section;

		if (hb_map_get(&with_index, section) != NULL)
			continue;
		hb_map_put(&with_index, section, (void *)section);
		add_index(b, section, d);
	}
	if (hb_map_get(&with_index, "") == NULL)
		add_index(b, "", d);
	hb_map_free(&with_index);
	add_generated_pages(b, k, d);
}

static const char *
choose_layout(const struct hb_luaenv *lua, const struct hb_page *p)
{
	static const char *const by_type[] = {
		"meeting.html", "initiative.html", "programme.html", "person.html",
		"organisation.html", "country.html", "concept.html", "source.html", "glossary.html",
	};
	size_t i;

	if (p->layout != NULL)
		return p->layout;
	if (p->is_index && p->section[0] == '\0' && hb_luaenv_has(lua, "index.html"))
		return "index.html";
	if (p->is_index && hb_luaenv_has(lua, "section.html"))
		return "section.html";
	for (i = 0; p->type && i < sizeof(by_type) / sizeof(by_type[0]); i++) {
		if (strncmp(by_type[i], p->type, strlen(p->type)) == 0 &&
		    by_type[i][strlen(p->type)] == '.' && hb_luaenv_has(lua, by_type[i]))
			return by_type[i];
	}
	return "page.html";
}

static const char *
out_file(struct hb_arena *a, const struct build *b, const char *path)
{
	return b->prefix[0] ? hb_arena_printf(a, "%s%s", b->prefix, path) : path;
}

static int
has_layout(const struct hb_page *p, const char *layout)
{
	return p->layout != NULL && strcmp(p->layout, layout) == 0;
}

static int
is_changes_page(const struct hb_page *p)
{
	return has_layout(p, "changes.html");
}

/* print.html holds every other page: it is rendered last, from their articles (print.h). */
static int
is_print_page(const struct hb_page *p)
{
	return has_layout(p, "print.html");
}

static const char **
copy_names(struct hb_arena *a, const char *const *names, size_t n)
{
	const char **v = hb_arena_alloc(a, (n + 1) * sizeof(*v));
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = hb_arena_strdup(a, names[i]);
	return v;
}

enum reuse { NOT_REUSED, REUSED_BYTES, REUSED_LINKED };

/*
 * The worker's template environment, made when it first renders something: a rebuild that keeps
 * every page it comes to never loads the theme or builds the site's model. NULL when the theme
 * does not load.
 */
static struct hb_luaenv *
worker_lua(struct worker *w)
{
	struct build *b = w->b;
	struct hb_luaenv_config lc = { &b->theme, b->o->theme_dir, 0, 0 };
	struct hb_luaenv_edition le = { b->run->editions, b->edition, b->prefix };

	if (w->lua == NULL) {
		w->has_no_lua = hb_luaenv_new(&w->lua, &lc, &w->diag) != 0;
		if (!w->has_no_lua) {
			hb_luaenv_set_edition(w->lua, &le);
			hb_luaenv_set_site(w->lua, &b->graph, &b->cfg, &b->history);
		}
	}
	return w->has_no_lua ? NULL : w->lua;
}

/*
 * The previous build's output for this page when nothing it depends on changed (reuse.h): its
 * bytes with the edition slot rendered again, in page_out (REUSED_BYTES). From the persistent
 * cache, when the slot renders as before and its bytes are not needed (no print.html), the old
 * file is linked into the new site unread (REUSED_LINKED).
 */
static enum reuse
reuse_previous(struct worker *w, struct hb_node *node, struct hb_buf *page_out)
{
	struct build *b = w->b;
	struct hb_arena *a = &b->record_arenas[w->index];
	const struct hb_reuse_record *prev;
	const struct hb_write_output *file = NULL;	/* the persistent cache's */
	struct hb_reuse_record *rec = &b->records[node->order];
	struct hb_buf old = HB_BUF_INIT, slot = HB_BUF_INIT;
	const char *old_path, *out_path = node->page->out_path;
	enum reuse done = NOT_REUSED;

	if (b->writer == NULL || b->o->no_reuse || is_changes_page(node->page) ||
	    (prev = hb_map_get(&b->run->prev, out_path)) == NULL ||
	    !(hb_reuse_is_unchanged(&b->reuse, node, prev) ||
	    hb_reuse_matches(&b->reuse, node, prev, &b->prev_digests)) ||
	    (b->run->prev_outputs != NULL &&
	    (file = hb_map_get(b->run->prev_outputs, out_path)) == NULL))
		return NOT_REUSED;
	/* The slot shows the edition, or in a run without editions the build date: it renders
	 * as it did while the git history is the same (reuse.h's world). */
	if (prev->has_slot && b->run->editions == NULL && prev->slot != NULL &&
	    b->reuse.is_same_world)
		hb_buf_put(&slot, prev->slot, prev->slot_len);
	else if (prev->has_slot && (worker_lua(w) == NULL || hb_luaenv_render(&slot, w->lua,
	    node, NULL, HB_SLOT_PARTIAL, &w->diag) != 0))
		goto out;
	old_path = hb_arena_printf(&w->arena, "%s%s", b->run->prev_prefix, out_path);
	if (file != NULL && b->articles == NULL && prev->slot != NULL &&
	    slot.len == prev->slot_len && memcmp(slot.buf, prev->slot, slot.len) == 0) {
		switch (hb_write_keep(b->writer, out_file(&w->arena, b, out_path), file, &w->err)) {
		case -1:
			w->has_failed = 1;
			/* fall through */
		case 1:
			done = REUSED_LINKED;
		}
	} else if ((file == NULL || hb_write_previous_is(b->writer, out_path, file)) &&
	    (b->run->prev_in_site ? hb_write_read_previous(b->writer, old_path, &old) :
	    hb_write_read(b->writer, old_path, &old)) == 0 &&
	    prev->slot_start + prev->slot_len <= old.len) {
		hb_buf_put(page_out, old.buf, prev->slot_start);
		hb_buf_put(page_out, slot.buf, slot.len);
		hb_buf_put(page_out, old.buf + prev->slot_start + prev->slot_len,
		    old.len - prev->slot_start - prev->slot_len);
		done = REUSED_BYTES;
	}
	if (done != NOT_REUSED) {
		/* The same record, in this build's arenas: the build before's are freed when
		 * this one ends, but for the persistent cache's, which outlive the run. */
		*rec = *prev;
		rec->is_kept = 1;
		if (done != REUSED_LINKED)
			rec->line = NULL;	/* the slot may have changed */
		rec->slot_len = slot.len;
		rec->slot = hb_arena_strndup(a, slot.buf ? slot.buf : "", slot.len);
		if (b->run->fp == NULL) {
			rec->deps = copy_names(a, prev->deps, prev->n_deps);
			rec->groups = copy_names(a, prev->groups, prev->n_groups);
		}
	}
out:
	hb_buf_free(&old);
	hb_buf_free(&slot);
	return done;
}

/* The group of a memo value this worker used, as the record of it; NULL when it is not
 * reusable (it read the edition's own data). */
static const struct hb_reuse_group *
note_group(struct worker *w, struct hb_luaenv *lua, const char *key)
{
	struct hb_arena *a = &w->b->record_arenas[w->index];
	struct hb_reuse_group *grp = hb_map_get(&w->groups, key);
	struct hb_render_info gi;

	if (grp != NULL)
		return grp->deps ? grp : NULL;
	grp = hb_arena_alloc(a, sizeof(*grp));
	memset(grp, 0, sizeof(*grp));
	/* Every page the value read, the one being rendered included: other pages share it. */
	if (hb_luaenv_memo_info(lua, key, &gi) == 0 && !gi.uses_edition)
		hb_reuse_names(NULL, &gi, &w->names, a, &grp->deps, &grp->n_deps);
	hb_render_info_free(&gi);
	hb_map_put(&w->groups, key, grp);
	return grp->deps ? grp : NULL;
}

/* Keeps what the render read, so the next build of the run can reuse its output. */
static void
record_render(struct worker *w, struct hb_luaenv *lua, struct hb_node *node,
    const struct hb_buf *page_out)
{
	struct build *b = w->b;
	struct hb_arena *a = &b->record_arenas[w->index];
	struct hb_reuse_record *rec = &b->records[node->order];
	struct hb_render_info info;
	size_t i;

	if (b->writer == NULL)
		return;
	hb_luaenv_render_info(lua, &info);
	rec->has_key = !info.uses_edition && !is_changes_page(node->page);
	for (i = 0; rec->has_key && i < info.n_groups; i++)
		rec->has_key = note_group(w, lua, info.groups[i]) != NULL;
	if (rec->has_key) {
		hb_reuse_names(node, &info, &w->names, a, &rec->deps, &rec->n_deps);
		rec->groups = copy_names(a, info.groups, info.n_groups);
		rec->n_groups = info.n_groups;
		rec->has_slot = info.has_slot;
		rec->slot_start = info.slot_start;
		rec->slot_len = info.slot_end - info.slot_start;
		rec->slot = hb_arena_strndup(a, page_out->buf + rec->slot_start, rec->slot_len);
	}
	hb_render_info_free(&info);
}

#define PARSE_DIFFERS "the second parse of this page differs from the first"

/* hb_page_read_body, for a page that the render and take_sentences may both read. */
static int
read_body(struct build *b, struct hb_page *page, struct hb_arena *a, struct hb_err *err)
{
	int rc;

	pthread_mutex_lock(&b->body_lock);
	rc = hb_page_read_body(page, a, err);
	pthread_mutex_unlock(&b->body_lock);
	return rc;
}

/*
 * A taken page's links' sentences (hb_graph's take_sentences, on the thread that first needs
 * them): from the parse cache, or when they are not intact there, from the page parsed again.
 */
static void
take_sentences(struct hb_node *node, struct hb_arena *a, void *arg)
{
	struct build *b = arg;
	const struct hb_cache_parse *e = node->sentences_from;
	const char *bytes = hb_cache_parse_sentences(b->run->parses, e, a);
	struct hb_err err;
	int rc;

	if (bytes != NULL && hb_parsed_take_sentences(bytes, e->sentences_len, &node->doc, a) == 0)
		return;
	node->sentences_from = NULL;
	if ((rc = read_body(b, node->page, a, &err)) == 0 &&
	    hb_markdown_sentences_again(&node->doc, node->page, a) == 0)
		return;
	if (rc == 0)
		hb_err_set(&err, "%s: %s", node->page->src_path, PARSE_DIFFERS);
	if (atomic_exchange(&b->has_failed_sentences, 1) == 0)
		b->sentences_err = err;
}

/*
 * Parses a page whose tree was dropped again, reading its body first when it was taken from the
 * parse cache. Returns 0; -1 with err when the body cannot be read; 1 when the parse differs.
 */
static int
parse_again(struct build *b, struct hb_node *node, struct hb_arena *a, struct hb_err *err)
{
	if (read_body(b, node->page, a, err) != 0)
		return -1;
	return hb_markdown_reparse(&node->doc, node->page) == 0 ? 0 : 1;
}

/* The page's prepared HTML (hb_render_prepare), else its parse tree, parsed again. */
static int
has_body(struct worker *w, struct hb_node *node)
{
	struct hb_loc loc = { node->page->src_path, 0, 0 };
	int rc;

	if (node->doc.html != NULL || node->doc.root != NULL)
		return 0;
	if ((rc = parse_again(w->b, node, &w->arena, &w->err)) == -1)
		w->has_failed = 1;
	else if (rc == 1)
		hb_diag(&w->diag, HB_ERROR, loc, PARSE_DIFFERS);
	return rc == 0 ? 0 : -1;
}

/* A page's text for the search index: kept from its parse, else from its tree. */
static const char *
search_text(const struct hb_node *node, struct hb_arena *a)
{
	if (node->doc.text != NULL)
		return hb_markdown_unmark_text(&node->doc, a);
	return hb_markdown_text(&node->doc, a);
}

/* A page's output, made or kept as bytes: its article for print.html, and the file. */
static void
put_page(struct worker *w, struct hb_node *node, const struct hb_buf *page_out)
{
	struct build *b = w->b;

	if (b->articles != NULL && node->page->layout == NULL)
		b->articles[node->order] = hb_print_extract(&w->arena, page_out->buf, page_out->len);
	if (b->writer == NULL || w->has_failed)
		return;
	if (hb_write_file(b->writer, out_file(&w->arena, b, node->page->out_path), page_out->buf,
	    page_out->len, &w->err) != 0)
		w->has_failed = 1;
	else
		w->n_files++;
}

static void
render_one(struct worker *w, struct hb_node *node, struct hb_buf *html, struct hb_buf *page_out)
{
	struct build *b = w->b;
	struct hb_luaenv *lua;

	hb_buf_reset(html);
	hb_buf_reset(page_out);
	if ((lua = worker_lua(w)) == NULL || has_body(w, node) != 0)
		return;
	if (b->texts != NULL)
		b->texts[node->order] = search_text(node, &w->arena);
	hb_graph_set_hrefs(node, &w->arena);
	hb_render_body(html, node, &b->graph);
	hb_markdown_drop_tree(&node->doc);
	if (hb_luaenv_render(page_out, lua, node, html->buf, choose_layout(lua, node->page),
	    &w->diag) != 0)
		return;
	record_render(w, lua, node, page_out);
	put_page(w, node, page_out);
}

static int
stops_for_cancel(struct worker *w)
{
	if (!is_cancelled(w->b))
		return 0;
	hb_err_set(&w->err, "interrupted");
	w->has_failed = 1;
	return 1;
}

/*
 * The render phase's first pass: each page whose output the build before left is kept
 * (reuse_previous); the first worker renders the others, and the other workers queue theirs
 * for the second pass (render_queued).
 */
static void *
render_pages(void *arg)
{
	struct worker *w = arg;
	struct build *b = w->b;
	struct hb_buf html = HB_BUF_INIT, page_out = HB_BUF_INIT;
	size_t i;

	while (!w->has_no_lua && (i = next_item(w, b->graph.n_nodes)) < b->graph.n_nodes &&
	    !stops_for_cancel(w)) {
		struct hb_node *node = b->graph.order[i];
		enum reuse reused = NOT_REUSED;

		hb_buf_reset(&page_out);
		if (is_print_page(node->page)) {
			/* rendered last, from the others' articles */
		} else if ((reused = reuse_previous(w, node, &page_out)) != NOT_REUSED) {
			w->n_reused++;
			if (reused == REUSED_LINKED)
				w->n_files++;
			else
				put_page(w, node, &page_out);
		} else if (w->index == 0) {
			render_one(w, node, &html, &page_out);
		} else {
			b->queued[atomic_fetch_add(&b->n_queued, 1)] = node;
			continue;
		}
		progress_step(b);
	}
	hb_buf_free(&html);
	hb_buf_free(&page_out);
	return NULL;
}

static void *
render_queued(void *arg)
{
	struct worker *w = arg;
	struct build *b = w->b;
	struct hb_buf html = HB_BUF_INIT, page_out = HB_BUF_INIT;
	size_t n = atomic_load(&b->n_queued), i;

	while (!w->has_no_lua && (i = next_item(w, n)) < n && !stops_for_cancel(w)) {
		render_one(w, b->queued[i], &html, &page_out);
		progress_step(b);
	}
	hb_buf_free(&html);
	hb_buf_free(&page_out);
	return NULL;
}

/* Pages that list many others (section indexes, type indexes, the timeline) take 50 to 600
 * times a page's time: rendered first, the workers' last pages are short ones, and none
 * waits long at the end for another. */
static int
lists_pages(const struct hb_page *p)
{
	return p->is_index || p->layout != NULL;
}

/* The pages the first pass queued: the long ones first, each kind in reading order. */
static int
by_length_then_order(const void *a, const void *b)
{
	const struct hb_node *x = *(struct hb_node *const *)a, *y = *(struct hb_node *const *)b;

	if (lists_pages(x->page) != lists_pages(y->page))
		return lists_pages(x->page) ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Every page kept or rendered, in two passes: a worker that renders builds the site's model for
 * its templates first, which costs about as much as rendering a page for every hundred pages of
 * the site, so when the build before left most pages to keep, one worker renders the few others.
 * The pages the first pass queued are rendered long ones first (by_length_then_order).
 */
static void
keep_and_render(struct build *b, struct worker *workers)
{
	size_t n;
	int w;

	b->queued = hb_xcalloc(b->graph.n_nodes + 1, sizeof(*b->queued));
	atomic_store(&b->n_queued, 0);
	run_phase(workers, b->jobs, render_pages, b->graph.n_nodes);
	n = atomic_load(&b->n_queued);
	qsort(b->queued, n, sizeof(*b->queued), by_length_then_order);
	run_phase(workers, n <= 16 + b->graph.n_nodes / 100 ? 1 : b->jobs, render_queued, n);
	for (w = 0; w < b->jobs; w++) {
		hb_luaenv_free(workers[w].lua);
		workers[w].lua = NULL;
		workers[w].has_no_lua = 0;
	}
	free(b->queued);
	b->queued = NULL;
}

static void
claim_output(struct hb_map *taken, const char *out_path, const char *by, struct hb_diag *d)
{
	const char *prev = hb_map_put(taken, out_path, (void *)by);
	struct hb_loc loc = { by, 0, 0 };

	if (prev == NULL)
		return;
	hb_map_put(taken, out_path, (void *)prev);	/* the first claim stands */
	hb_diag(d, HB_ERROR, loc, "writes %s, which %s writes too", out_path, prev);
}

/*
 * Two inputs may not make one output file: pages (landing pages and generated views included),
 * the content folder's other files and the theme's assets each claim their path.
 */
static void
check_outputs(struct build *b, struct hb_diag *d)
{
	struct hb_map taken;
	size_t i;

	hb_map_init(&taken, HB_MAP_EXACT | HB_MAP_BORROW);	/* the pages' and files' paths */
	hb_map_reserve(&taken, b->n_nodes + b->content.n_files + b->theme.n_files);
	for (i = 0; i < b->n_nodes; i++)
		claim_output(&taken, b->nodes[i].page->out_path, b->nodes[i].page->src_path, d);
	for (i = 0; i < b->content.n_files; i++) {
		const struct hb_file *f = &b->content.files[i];

		if (!is_markdown(f->path))
			claim_output(&taken, f->path, hb_arena_printf(&b->arena, "%s/%s",
			    b->o->content_dir, f->path), d);
	}
	for (i = 0; i < b->theme.n_files; i++) {
		const struct hb_file *f = &b->theme.files[i];

		if (strncmp(f->path, "assets/", 7) == 0)
			claim_output(&taken, f->path, hb_arena_printf(&b->arena, "%s/%s",
			    b->o->theme_dir, f->path), d);
	}
	hb_map_free(&taken);
}

/* Copies theme assets to assets/ and the content folder's other files to their own paths. */
static int
write_static(struct build *b, size_t *n_files, struct hb_err *err)
{
	size_t i;

	for (i = 0; i < b->theme.n_files; i++) {
		const struct hb_file *f = &b->theme.files[i];

		if (strncmp(f->path, "assets/", 7) != 0)
			continue;
		if (hb_write_file(b->writer, out_file(&b->arena, b, f->path), f->data, f->len,
		    err) != 0)
			return -1;
		(*n_files)++;
	}
	for (i = 0; i < b->content.n_files; i++) {
		struct hb_file *f = &b->content.files[i];

		if (is_markdown(f->path))
			continue;
		if (hb_source_load(f, err) != 0 || hb_write_file(b->writer,
		    out_file(&b->arena, b, f->path), f->data, f->len, err) != 0)
			return -1;
		(*n_files)++;
	}
	return 0;
}

/*
 * The content of revision rev (NULL: the working tree) and the theme of theme_rev. The working
 * tree's pages are read later, by the parse workers, one at a time each. Returns as
 * hb_source_read does.
 */
static int
read_tree(const struct hb_options *o, const char *rev, const char *theme_rev,
    struct hb_source *content, struct hb_source *theme, struct hb_diag *d, struct hb_err *err)
{
	struct hb_source_spec content_spec = { o->content_dir, rev, NULL, 1 };
	struct hb_source_spec theme_spec = { o->theme_dir, theme_rev, o->content_dir, 0 };

	return hb_source_read(content, &content_spec, d, err) != 0 ||
	    hb_source_read(theme, &theme_spec, d, err) != 0 ? -1 : 0;
}

static void *
list_sources(void *arg)
{
	struct listing *l = arg;

	l->rc = read_tree(l->o, NULL, NULL, &l->content, &l->theme, &l->diag, &l->err);
	return NULL;
}

/* Starts listing the working tree for the run's build (a plain one, with more than one job),
 * if a thread can. */
static void
start_listing(struct run *run)
{
	struct listing *l = hb_xcalloc(1, sizeof(*l));

	l->o = run->o;
	hb_diag_init(&l->diag);
	if (pthread_create(&l->thread, NULL, list_sources, l) != 0) {
		hb_diag_free(&l->diag);
		free(l);
		return;
	}
	run->listing = l;
}

static void
end_listing(struct run *run)
{
	struct listing *l = run->listing;

	if (l == NULL)
		return;
	if (!l->is_joined)
		pthread_join(l->thread, NULL);
	hb_source_free(&l->content);
	hb_source_free(&l->theme);
	hb_diag_free(&l->diag);
	free(l);
	run->listing = NULL;
}

/* Waits for the listing; its diagnostics join d. Returns its result, with err. */
static int
take_listing(struct run *run, struct hb_diag *d, struct hb_err *err)
{
	struct listing *l = run->listing;
	int rc;

	pthread_join(l->thread, NULL);
	l->is_joined = 1;
	hb_diag_merge(d, &l->diag);
	if ((rc = l->rc) != 0) {
		*err = l->err;
		end_listing(run);
	}
	return rc;
}

static int
read_sources(struct build *b, struct hb_diag *d, struct hb_err *err)
{
	/* Editions publish each tag's content with today's theme (as with the configuration): every
	 * edition then looks alike and has the edition switcher. */
	const char *theme_rev = b->run->editions ? NULL : b->rev;
	size_t i;

	if (b->run->listing != NULL && b->rev == NULL) {
		if (take_listing(b->run, d, err) != 0)
			return -1;
		b->content = b->run->listing->content;
		b->theme = b->run->listing->theme;
		memset(&b->run->listing->content, 0, sizeof(b->content));
		memset(&b->run->listing->theme, 0, sizeof(b->theme));
		end_listing(b->run);
	} else if (read_tree(b->o, b->rev, theme_rev, &b->content, &b->theme, d, err) != 0) {
		return -1;
	}
	b->md = hb_xcalloc(b->content.n_files, sizeof(*b->md));
	for (i = 0; i < b->content.n_files; i++) {
		if (is_markdown(b->content.files[i].path))
			b->md[b->n_md++] = &b->content.files[i];
	}
	if (b->n_md > HB_CAP_PAGES) {
		hb_diag(d, HB_ERROR, (struct hb_loc){ b->o->content_dir, 0, 0 },
		    "%zu Markdown files; the limit is %u pages", b->n_md, HB_CAP_PAGES);
		return -1;
	}
	b->nodes = hb_xcalloc(b->n_md + 1, sizeof(*b->nodes));
	b->n_nodes = b->n_md;
	return 0;
}

static int
count_jobs(const struct hb_options *o)
{
	long n = o->jobs > 0 ? o->jobs : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static void
merge_workers(struct worker *workers, int jobs, struct hb_diag *d)
{
	int i;

	for (i = 0; i < jobs; i++)
		hb_diag_merge(d, &workers[i].diag);
}

/* The changes page's data, once the graph knows this edition's pages. */
static void
fill_changes_page(struct build *b)
{
	const struct hb_node *n = hb_map_get(&b->graph.by_id, "changes");

	if (n == NULL || !is_changes_page(n->page))
		return;
	n->page->data = hb_changes_view(&b->arena, &b->graph, b->run->editions, b->edition,
	    b->prefix, out_file(&b->arena, b, n->page->out_path));
}

/* feed.xml and sitemap.xml (feed.h). */
static int
write_feed(struct build *b, size_t *n_files, struct hb_err *err)
{
	struct hb_feed feed = { &b->cfg, &b->graph, &b->history, b->run->editions, b->edition,
		b->prefix };
	struct hb_buf xml = HB_BUF_INIT;
	int rc;

	hb_feed_atom(&xml, &feed);
	rc = hb_write_file(b->writer, out_file(&b->arena, b, "feed.xml"), xml.buf, xml.len, err);
	*n_files += rc == 0;
	hb_buf_reset(&xml);
	hb_feed_sitemap(&xml, &feed);
	if (rc == 0)
		rc = hb_write_file(b->writer, out_file(&b->arena, b, "sitemap.xml"), xml.buf, xml.len,
		    err);
	*n_files += rc == 0;
	hb_buf_free(&xml);
	return rc;
}

/* print.html, once every other page is rendered: their articles as one document. */
static int
render_print(struct build *b, struct hb_diag *d, size_t *n_files, struct hb_err *err)
{
	const struct hb_node *node = hb_map_get(&b->graph.by_id, "print");
	struct hb_luaenv_config lc = { &b->theme, b->o->theme_dir, 0, 0 };
	struct hb_luaenv_edition le = { b->run->editions, b->edition, b->prefix };
	struct hb_luaenv *lua = NULL;
	struct hb_buf page = HB_BUF_INIT, html = HB_BUF_INIT;
	int rc = -1;

	/* The template writes a marker where the body goes, and the body is put there after:
	 * a large handbook's body is more than a render may write. */
	static const char marker[] = "\x01handbook:print-body\x01";
	const char *at;

	if (node == NULL || b->articles == NULL || !is_print_page(node->page))
		return 0;
	if (hb_luaenv_new(&lua, &lc, d) != 0)
		goto out;
	hb_luaenv_set_edition(lua, &le);
	hb_luaenv_set_site(lua, &b->graph, &b->cfg, &b->history);
	if (hb_luaenv_render(&page, lua, node, marker, "print.html", d) != 0)
		goto out;
	at = strstr(page.buf, marker);
	hb_buf_put(&html, page.buf, at ? (size_t)(at - page.buf) : page.len);
	if (at != NULL) {
		hb_print_body(&html, &b->graph, b->articles);
		hb_buf_puts(&html, at + sizeof(marker) - 1);
	}
	rc = 0;
	if (b->writer != NULL) {
		rc = hb_write_file(b->writer, out_file(&b->arena, b, node->page->out_path), html.buf,
		    html.len, err);
		*n_files += rc == 0;
	}
out:
	hb_luaenv_free(lua);
	hb_buf_free(&page);
	hb_buf_free(&html);
	return rc;
}

static const char *
section_title(const struct hb_section *s)
{
	if (s == NULL || s->name[0] == '\0')
		return "";
	return s->index ? s->index->page->title : s->name;
}

/*
 * The search index of the site's pages (not of the generated views) in reading order, written
 * as search-index.js and search-text.js (search.h). A reused page's text comes from its tree,
 * parsed again for it.
 */
static int
write_search(struct build *b, size_t *n_files, struct hb_err *err)
{
	struct hb_search s;
	struct hb_buf index_js = HB_BUF_INIT, text_js = HB_BUF_INIT;
	size_t i, j;
	int rc;

	hb_search_init(&s);
	for (i = 0; i < b->graph.n_nodes; i++) {
		const struct hb_node *n = b->graph.order[i];
		const char **heads = hb_arena_alloc(&b->arena, (n->doc.n_headings + 1) *
		    sizeof(*heads));
		struct hb_search_doc doc = { n->page->title, n->page->out_path,
			section_title(n->section), n->page->summary, heads, n->doc.n_headings,
			b->texts[i] };

		if (n->page->layout != NULL)
			continue;
		for (j = 0; j < n->doc.n_headings; j++)
			heads[j] = n->doc.headings[j].text;
		if (doc.text == NULL) {		/* a reused page */
			struct hb_node *m = b->graph.order[i];

			if (m->doc.text == NULL && m->doc.root == NULL &&
			    (rc = parse_again(b, m, &b->arena, err)) != 0) {
				if (rc == 1)
					hb_err_set(err, "%s: %s", m->page->src_path, PARSE_DIFFERS);
				hb_search_free(&s);
				return -1;
			}
			doc.text = search_text(m, &b->arena);
			hb_markdown_drop_tree(&m->doc);
		}
		hb_search_add(&s, &doc);
	}
	hb_search_write(&s, &index_js, &text_js);
	rc = hb_write_file(b->writer, out_file(&b->arena, b, "search-index.js"), index_js.buf,
	    index_js.len, err);
	if (rc == 0)
		rc = hb_write_file(b->writer, out_file(&b->arena, b, "search-text.js"), text_js.buf,
		    text_js.len, err);
	*n_files += rc == 0 ? 2 : 0;
	hb_buf_free(&index_js);
	hb_buf_free(&text_js);
	hb_search_free(&s);
	return rc;
}

/* A group under its key in this build's table, copied into this build's arena. */
static void
add_group(struct build *b, const char *key, const struct hb_reuse_group *grp)
{
	struct hb_reuse_group *copy;

	if (hb_map_get(&b->groups, key) != NULL)
		return;
	copy = hb_arena_alloc(&b->record_arenas[0], sizeof(*copy));
	copy->deps = copy_names(&b->record_arenas[0], grp->deps, grp->n_deps);
	copy->n_deps = grp->n_deps;
	hb_map_put(&b->groups, key, copy);
}

/* What each page's render key is made of (hb_reuse_hash_page). */
static void *
hash_pages(void *arg)
{
	struct worker *w = arg;
	struct build *b = w->b;
	struct hb_buf scratch = HB_BUF_INIT;
	size_t i;

	while ((i = next_item(w, b->graph.n_nodes)) < b->graph.n_nodes)
		hb_reuse_hash_page(&b->reuse, i, &b->history, &scratch);
	hb_buf_free(&scratch);
	return NULL;
}

/*
 * The hashes of the build before, for the pages it had as they are (hb_reuse_take_then): only
 * the pages not taken from the parse cache, and those without a keyed record, are hashed here.
 * Returns 0 when every page must be hashed: then does not stand in, a page parsed anew shows
 * other pages something new, or too many pages are new for one thread (an eighth, and 100).
 */
static int
hash_changed_pages(struct build *b)
{
	size_t n = b->graph.n_nodes, limit = n / 8 + 100, n_hashed = 0, i;
	unsigned char *needs;
	struct hb_buf scratch = HB_BUF_INIT;
	int ok;

	for (i = 0; i < n; i++)
		n_hashed += !b->graph.order[i]->is_taken;
	if (b->run->parses == NULL || n_hashed > limit)
		return 0;
	needs = hb_xcalloc(n + 1, 1);
	ok = hb_reuse_take_then(&b->reuse, &b->run->then, &b->run->prev, needs);
	for (i = 0, n_hashed = 0; ok && i < n; i++) {
		int is_taken = b->graph.order[i]->is_taken;

		if (is_taken && !needs[i])
			continue;
		hb_reuse_hash_page(&b->reuse, i, &b->history, &scratch);
		ok = ++n_hashed <= limit &&
		    (is_taken || hb_reuse_shows_as_then(&b->reuse, &b->run->then, i));
	}
	hb_buf_free(&scratch);
	free(needs);
	return ok;
}

static int
same_names(const char *const *a, size_t n_a, const char *const *b, size_t n_b)
{
	size_t i;

	for (i = 0; n_a == n_b && i < n_a; i++) {
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	}
	return n_a == n_b;
}

/* Whether one of the memo groups rec uses read other things in this build than in the last. */
static int
uses_changed_group(const struct build *b, const struct hb_reuse_record *rec)
{
	size_t i;

	for (i = 0; i < rec->n_groups; i++) {
		if (hb_map_get(&b->changed_groups, rec->groups[i]) != NULL)
			return 1;
	}
	return 0;
}

/* Each record's key (hb_reuse_key only reads what it is given); a kept one's stands unless a
 * group it uses changed. */
static void *
key_pages(void *arg)
{
	struct worker *w = arg;
	struct build *b = w->b;
	size_t i;

	while ((i = next_item(w, b->graph.n_nodes)) < b->graph.n_nodes) {
		struct hb_reuse_record *rec = &b->records[i];

		if (!rec->has_key || (rec->is_kept && !uses_changed_group(b, rec)))
			continue;
		rec->line = NULL;	/* its key is made again */
		if (hb_reuse_key(&b->reuse, b->graph.order[i], rec, b->digests, rec->key) != 0)
			rec->has_key = 0;
		memcpy(rec->head, hb_reuse_head(&b->reuse, b->graph.order[i]), sizeof(rec->head));
	}
	return NULL;
}

/*
 * After the render phase: this build's groups (the workers' and those of reused pages, kept
 * from the build before), digested once each, then every record's key.
 */
static void
key_records(struct build *b, struct worker *workers)
{
	struct hb_map digests;
	size_t i, j;
	int w;

	if (b->writer == NULL)
		return;
	for (w = 0; w < b->jobs; w++) {
		const struct hb_map *m = &workers[w].groups;

		for (i = 0; i < m->cap; i++) {
			const struct hb_reuse_group *grp = m->slots[i].value;

			if (m->slots[i].key != NULL && grp != NULL && grp->deps != NULL)
				add_group(b, m->slots[i].key, grp);
		}
	}
	for (i = 0; i < b->graph.n_nodes; i++) {
		const struct hb_reuse_record *rec = &b->records[i];

		for (j = 0; rec->has_key && j < rec->n_groups; j++) {
			const struct hb_reuse_group *grp = hb_map_get(&b->groups, rec->groups[j]);

			if (grp == NULL)
				grp = hb_map_get(&b->run->prev_groups, rec->groups[j]);
			if (grp != NULL)
				add_group(b, rec->groups[j], grp);
		}
	}
	hb_map_init(&b->changed_groups, HB_MAP_EXACT);
	for (i = 0; i < b->groups.cap; i++) {
		const char *key = b->groups.slots[i].key;
		const struct hb_reuse_group *now = b->groups.slots[i].value, *then;

		if (key != NULL && ((then = hb_map_get(&b->run->prev_groups, key)) == NULL ||
		    !same_names(now->deps, now->n_deps, then->deps, then->n_deps)))
			hb_map_put(&b->changed_groups, key, (void *)key);
	}
	hb_map_init(&digests, HB_MAP_EXACT);
	hb_reuse_digest_groups(&b->reuse, &b->groups, &digests, &b->arena);
	b->digests = &digests;
	run_phase(workers, b->jobs, key_pages, b->graph.n_nodes);
	b->digests = NULL;
	hb_map_free(&digests);
	hb_map_free(&b->changed_groups);
}

/* What hb_parsed_put makes of the page in reading order index; a page taken from the parse
 * cache gets its links' sentences first. */
static void
put_parse(struct hb_buf *out, struct hb_buf *sentences, size_t index, void *arg)
{
	const struct build *b = arg;
	const struct hb_node *n = b->graph.order[index];

	if (n->sentences_from != NULL)
		hb_graph_finish(&b->graph, n);
	hb_parsed_put(out, sentences, n->page, &n->doc);
}

/* Writes or keeps each shard of the parse cache (a shard a work item). */
static void *
save_shards(void *arg)
{
	struct worker *w = arg;
	struct build *b = w->b;
	size_t s;

	while ((s = next_item(w, b->n_shards)) < b->n_shards && !w->has_failed) {
		if (hb_cache_save_shard(b->writer, b->run->parses, s, b->n_shards,
		    b->shard_pages + b->shard_start[s], b->shard_start[s + 1] - b->shard_start[s],
		    put_parse, b, &w->err) != 0)
			w->has_failed = 1;
	}
	return NULL;
}

/* A page parsed from a content file, not one the generator made. */
static int
is_from_content(const struct hb_page *p)
{
	return p->layout == NULL && p->oid[0] != '\0';
}

/* The parse cache for the next build: every content page, by shard, in reading order. */
static int
save_parses(struct build *b, struct worker *workers, struct hb_err *err)
{
	const struct hb_map *taken = &b->run->parses->by_path;
	size_t i, n = 0, *shard;
	int w, rc = 0;

	shard = hb_xcalloc(b->graph.n_nodes + 1, sizeof(*shard));
	for (i = 0; i < b->graph.n_nodes; i++)
		n += is_from_content(b->graph.order[i]->page);
	b->n_shards = hb_cache_shards(n);
	b->shard_start = hb_xcalloc(b->n_shards + 2, sizeof(*b->shard_start));
	b->shard_pages = hb_xcalloc(n + 1, sizeof(*b->shard_pages));
	for (i = 0; i < b->graph.n_nodes; i++) {
		const struct hb_page *p = b->graph.order[i]->page;

		if (is_from_content(p)) {
			shard[i] = hb_cache_shard_of(p->path, b->n_shards);
			b->shard_start[shard[i] + 2]++;
		}
	}
	for (i = 2; i < b->n_shards + 2; i++)
		b->shard_start[i] += b->shard_start[i - 1];
	for (i = 0; i < b->graph.n_nodes; i++) {
		const struct hb_page *p = b->graph.order[i]->page;
		struct hb_cache_page *cp;

		if (!is_from_content(p))
			continue;
		cp = &b->shard_pages[b->shard_start[shard[i] + 1]++];
		cp->path = p->path;
		cp->taken = p->file != NULL ? hb_map_get(taken, p->path) : NULL;
		cp->index = i;
	}
	free(shard);
	run_phase(workers, b->jobs, save_shards, b->n_shards);
	for (w = 0; w < b->jobs && rc == 0; w++) {
		if (workers[w].has_failed) {
			*err = workers[w].err;
			rc = -1;
		}
	}
	return rc;
}

/* The render phase and the write stage; returns as hb_build does. */
static int
render_and_write(struct build *b, struct worker *workers, struct hb_diag *d,
    struct hb_stats *stats, struct hb_err *err)
{
	const char *protect[] = { b->o->content_dir, b->o->theme_dir, NULL };
	int i;

	/* The output directory is checked once the input is known to be good. */
	if (!b->o->is_check && b->run->writer == NULL &&
	    hb_write_begin(&b->run->writer, b->o->out_dir, protect, err) != 0)
		return -1;
	b->writer = b->run->writer;
	atomic_store(&live_writer, b->writer);
	free(b->records);
	b->records = hb_xcalloc(b->graph.n_nodes + 1, sizeof(*b->records));
	free(b->texts);
	b->texts = b->wants_text ? hb_xcalloc(b->graph.n_nodes + 1,
	    sizeof(*b->texts)) : NULL;
	free(b->articles);
	b->articles = wants(b, "print.html") ? hb_xcalloc(b->graph.n_nodes + 1,
	    sizeof(*b->articles)) : NULL;
	b->record_arenas = hb_xcalloc((size_t)b->jobs, sizeof(*b->record_arenas));
	for (i = 0; i < b->jobs; i++) {
		hb_arena_init(&b->record_arenas[i]);
		hb_map_free(&workers[i].groups);
		hb_map_init(&workers[i].groups, HB_MAP_EXACT);
		hb_reuse_names_free(&workers[i].names);
		hb_reuse_names_init(&workers[i].names, &b->graph);
		workers[i].n_files = workers[i].n_reused = 0;
	}
	hb_map_free(&b->prev_digests);
	hb_map_init(&b->prev_digests, HB_MAP_EXACT);
	hb_reuse_free(&b->reuse);
	hb_reuse_prepare(&b->reuse, &b->graph, &b->cfg, &b->theme, &b->history);
	if (!hash_changed_pages(b)) {
		run_phase(workers, b->jobs, finish_docs, b->graph.n_nodes);
		run_phase(workers, b->jobs, hash_pages, b->graph.n_nodes);
	}
	hb_reuse_compare(&b->reuse, &b->run->then, &b->run->prev_groups);
	hb_reuse_digest_groups(&b->reuse, &b->run->prev_groups, &b->prev_digests, &b->arena);
	progress_stage(b, "rendering", b->graph.n_nodes);
	keep_and_render(b, workers);
	merge_workers(workers, b->jobs, d);
	key_records(b, workers);
	for (i = 0; i < b->jobs; i++) {
		stats->n_files += workers[i].n_files;
		stats->n_reused += workers[i].n_reused;
		if (workers[i].has_failed) {
			*err = workers[i].err;
			return -1;
		}
	}
	if (atomic_load(&b->has_failed_sentences)) {
		*err = b->sentences_err;
		return -1;
	}
	if (d->n_errors > 0)
		return 1;
	progress_stage(b, "writing", 0);
	if (render_print(b, d, &stats->n_files, err) != 0)
		return d->n_errors > 0 ? 1 : -1;
	if (b->writer == NULL)
		return 0;
	if (write_static(b, &stats->n_files, err) != 0 || write_feed(b, &stats->n_files, err) != 0 ||
	    (b->texts != NULL && write_search(b, &stats->n_files, err) != 0))
		return -1;
	return 0;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The process's peak RSS so far, in MiB. */
static long
peak_rss_mib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss / 1024 : 0;
}

static void
drop_previous(struct run *run)
{
	int i;

	for (i = 0; i < run->prev_jobs; i++)
		hb_arena_free(&run->prev_arenas[i]);
	free(run->prev_arenas);
	run->prev_arenas = NULL;
	run->prev_jobs = 0;
	hb_map_free(&run->prev);
	hb_map_init(&run->prev, HB_MAP_EXACT);
	hb_map_free(&run->prev_groups);
	hb_map_init(&run->prev_groups, HB_MAP_EXACT);
	memset(&run->then, 0, sizeof(run->then));
}

/*
 * The persistent cache (cache.h) of this build, the only one of its run: each page's record
 * under its output path, the groups, this build's hashes.
 */
static int
save_cache(struct build *b, const struct hb_diag *d, size_t n_pages, struct hb_err *err)
{
	const char **paths = hb_xcalloc(b->graph.n_nodes + 1, sizeof(*paths));
	struct hb_reuse_then then;
	size_t i;
	int rc;

	for (i = 0; i < b->graph.n_nodes; i++)
		paths[i] = b->graph.order[i]->page->out_path;
	hb_reuse_export(&b->reuse, &then, &b->arena);
	rc = hb_cache_save(b->writer, b->run->fp, d, n_pages, paths, b->records,
	    b->graph.n_nodes, &b->groups, &then, b->run->cache_prev, err) == 0 ? 0 : -1;
	free(paths);
	return rc;
}

/* Hands this build's records to the run, for the next build to reuse from. */
static void
keep_records(struct build *b)
{
	struct run *run = b->run;
	struct hb_reuse_record *kept;
	size_t i;

	drop_previous(run);
	if (b->records == NULL)
		return;
	/* The records move into the first record arena, which the run owns from now on. */
	kept = hb_arena_alloc(&b->record_arenas[0], (b->graph.n_nodes + 1) * sizeof(*kept));
	memcpy(kept, b->records, (b->graph.n_nodes + 1) * sizeof(*kept));
	for (i = 0; i < b->graph.n_nodes; i++) {
		if (kept[i].has_key)
			hb_map_put(&run->prev, b->graph.order[i]->page->out_path, &kept[i]);
	}
	run->prev_groups = b->groups;
	hb_map_init(&b->groups, HB_MAP_EXACT);
	hb_reuse_export(&b->reuse, &run->then, &b->record_arenas[0]);
	run->prev_arenas = b->record_arenas;
	run->prev_jobs = b->jobs;
	run->prev_prefix = b->prefix;
	b->record_arenas = NULL;
}

/* The git history of the build's revision. Its warnings (no repository, a shallow clone) are
 * the same for every build of a run: only the first build reports them. */
static int
read_history(struct build *b, struct hb_diag *d, struct hb_err *err)
{
	struct hb_diag quiet;
	int rc;

	if (!b->run->has_read_history) {
		b->run->has_read_history = 1;
		return hb_history_read(&b->history, b->o->content_dir, b->rev, &b->arena, d, err);
	}
	hb_diag_init(&quiet);
	rc = hb_history_read(&b->history, b->o->content_dir, b->rev, &b->arena, &quiet, err);
	hb_diag_free(&quiet);
	return rc;
}

/*
 * The last build's records from the persistent cache become the run's previous build, as in a
 * serve session: its pages are in the site. prev keeps the output list the records rely on; the
 * run takes the records and groups (and frees them), prev->arena stays prev's.
 */
static void
take_cached_records(struct run *run, struct hb_cache_file *f,
    const struct hb_cache_fingerprint *fp, struct hb_cache_previous *prev)
{
	if (!hb_cache_load(f, fp, prev))
		return;
	hb_map_free(&run->prev);
	hb_map_free(&run->prev_groups);
	run->prev = prev->records;
	run->prev_groups = prev->groups;
	run->then = prev->then;
	hb_map_init(&prev->records, HB_MAP_EXACT);
	hb_map_init(&prev->groups, HB_MAP_EXACT);
	run->prev_prefix = "";
	run->prev_in_site = 1;
	run->prev_outputs = &prev->outputs;
}

static void *
load_records(void *arg)
{
	struct pending_records *r = arg;

	take_cached_records(r->run, r->f, r->fp, r->prev);
	return NULL;
}

/* Starts loading the records on a thread when the build has more than one job. */
static void
take_records(struct run *run, int jobs)
{
	struct pending_records *r = run->records;

	if (r == NULL || jobs < 2)
		return;
	r->run = run;
	r->is_started = pthread_create(&r->thread, NULL, load_records, r) == 0;
}

/* The records loaded, by the thread or now (unless the build failed: is_needed 0). */
static void
join_records(struct run *run, int is_needed)
{
	struct pending_records *r = run->records;

	if (r == NULL)
		return;
	run->records = NULL;
	if (r->is_started)
		pthread_join(r->thread, NULL);
	else if (is_needed)
		take_cached_records(run, r->f, r->fp, r->prev);
}

/*
 * One build of the run: rev (NULL: the working tree) into prefix, and with also_root into the
 * root of the output too (the newest edition: read, parsed and linked once, rendered twice,
 * the second time reusing the first). Returns as hb_build does.
 */
static int
build_one(struct run *run, const char *rev, const char *prefix, size_t edition, int also_root,
    struct hb_diag *d, struct hb_stats *stats, struct hb_err *err)
{
	const struct hb_options *o = run->o;
	struct build b;
	struct worker *workers = NULL;
	struct timespec t0;
	size_t errors_before = d->n_errors, i;
	int rc = -1, w;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err->msg[0] = '\0';
	memset(&b, 0, sizeof(b));
	b.o = o;
	b.run = run;
	b.rev = rev;
	b.prefix = prefix;
	b.edition = edition;
	b.jobs = count_jobs(o);
	hb_arena_init(&b.arena);
	hb_map_init(&b.groups, HB_MAP_EXACT);
	hb_map_init(&b.prev_digests, HB_MAP_EXACT);
	pthread_mutex_init(&b.body_lock, NULL);
	if (hb_config_load(&b.cfg, o->config_path, !o->is_config_explicit, &b.arena, d, err) != 0)
		goto out;
	if (o->base_url)
		b.cfg.base_url = o->base_url;
	if (read_sources(&b, d, err) != 0)
		goto out;
	stats->t_read += seconds_since(&t0);
	stats->rss_read = peak_rss_mib();
	workers = hb_xcalloc((size_t)b.jobs, sizeof(*workers));
	for (w = 0; w < b.jobs; w++) {
		workers[w].b = &b;
		workers[w].index = w;
		hb_arena_init(&workers[w].arena);
		hb_diag_init(&workers[w].diag);
		hb_map_init(&workers[w].groups, HB_MAP_EXACT);
	}
	b.wants_text = wants(&b, "search.html");
	b.prepares_bodies = o->no_reuse || (run->prev.n == 0 && run->records == NULL);
	progress_stage(&b, "parsing", b.n_md);
	run_phase(workers, b.jobs, parse_pages, b.n_md);
	take_records(run, b.jobs);
	merge_workers(workers, b.jobs, d);
	for (w = 0; w < b.jobs; w++)
		stats->n_parses_taken += workers[w].n_parses_taken;
	for (w = 0; w < b.jobs; w++) {
		if (workers[w].has_failed) {
			*err = workers[w].err;
			goto out;
		}
	}
	if (is_cancelled(&b)) {
		hb_err_set(err, "interrupted");
		goto out;
	}
	complete_pages(&b, d);
	check_outputs(&b, d);
	stats->t_parse += seconds_since(&t0);
	stats->rss_parse = peak_rss_mib();
	hb_graph_build(&b.graph, b.nodes, b.n_nodes, b.cfg.sections, b.jobs, &b.arena, d);
	b.graph.take_sentences = take_sentences;
	b.graph.take_arg = &b;
	hb_cite_check(&b.graph, &b.arena, d);
	stats->n_pages += b.graph.n_nodes;
	stats->t_graph += seconds_since(&t0);
	stats->rss_graph = peak_rss_mib();
	if (d->n_errors > errors_before) {
		rc = 1;
		goto out;
	}
	if (read_history(&b, d, err) != 0)
		goto out;
	if (run->editions != NULL)
		fill_changes_page(&b);
	stats->t_history += seconds_since(&t0);
	join_records(run, 1);
	rc = render_and_write(&b, workers, d, stats, err);
	if (rc == 0 && run->fp != NULL && b.writer != NULL)
		rc = save_parses(&b, workers, err);
	if (rc == 0 && run->fp != NULL && b.writer != NULL)
		rc = save_cache(&b, d, stats->n_pages, err);
	else if (rc == 0)
		keep_records(&b);
	if (rc == 0 && also_root) {
		b.prefix = "";
		fill_changes_page(&b);
		stats->n_pages += b.graph.n_nodes;
		rc = render_and_write(&b, workers, d, stats, err);
		if (rc == 0)
			keep_records(&b);
	}
	stats->t_render += seconds_since(&t0);
	stats->rss_render = peak_rss_mib();
out:
	join_records(run, 0);
	if (rc == -1 && err->msg[0] == '\0' && d->n_errors > errors_before)
		rc = 1;		/* the configuration's YAML was bad: a content error */
	for (i = 0; i < b.n_nodes; i++)
		hb_doc_free(&b.nodes[i].doc);
	for (w = 0; workers && w < b.jobs; w++) {
		hb_arena_free(&workers[w].arena);
		hb_diag_free(&workers[w].diag);
		hb_map_free(&workers[w].groups);
		hb_reuse_names_free(&workers[w].names);
	}
	hb_map_free(&b.groups);
	hb_map_free(&b.prev_digests);
	pthread_mutex_destroy(&b.body_lock);
	for (w = 0; b.record_arenas && w < b.jobs; w++)
		hb_arena_free(&b.record_arenas[w]);
	free(b.record_arenas);
	free(b.records);
	free(b.texts);
	free(b.articles);
	free(b.shard_pages);
	free(b.shard_start);
	free(workers);
	hb_reuse_free(&b.reuse);
	hb_graph_free(&b.graph);
	hb_history_free(&b.history);
	free(b.nodes);
	free(b.md);
	hb_source_free(&b.content);
	hb_source_free(&b.theme);
	hb_arena_free(&b.arena);
	return rc;
}

/* Stage times were summed as "seconds since the build began": make them per stage. */
static void
stage_times(struct hb_stats *stats, const struct timespec *t0)
{
	stats->t_render -= stats->t_history;
	stats->t_history -= stats->t_graph;
	stats->t_graph -= stats->t_parse;
	stats->t_parse -= stats->t_read;
	stats->seconds = seconds_since(t0);
}

static void
begin_run(struct run *run, const struct hb_options *o, struct hb_stats *stats,
    struct hb_err *err)
{
	memset(run, 0, sizeof(*run));
	memset(stats, 0, sizeof(*stats));
	run->o = o;
	hb_map_init(&run->prev, HB_MAP_EXACT);
	hb_map_init(&run->prev_groups, HB_MAP_EXACT);
	err->msg[0] = '\0';
}

/* Commits the output when every build succeeded, else leaves the previous site as it was. */
static int
end_run(struct run *run, int rc, struct hb_err *err)
{
	if (rc == 0 && run->o->cancel != NULL && atomic_load(run->o->cancel) != 0) {
		hb_err_set(err, "interrupted");
		rc = -1;
	}
	if (rc == 0 && run->writer != NULL && hb_write_commit(run->writer, err) != 0)
		rc = -1;	/* commit aborted and freed the writer */
	else if (run->writer != NULL && rc != 0)
		hb_write_abort(run->writer);
	run->writer = NULL;
	atomic_store(&live_writer, NULL);
	drop_previous(run);
	hb_map_free(&run->prev);
	hb_map_free(&run->prev_groups);
	return rc;
}

void
hb_stats_print_stages(const struct hb_stats *st, FILE *fp)
{
	fprintf(fp, "stages: cache %.3f s, read %.3f s, parse %.3f s (%zu taken from the parse "
	    "cache), graph %.3f s, history %.3f s, render and write %.3f s\n", st->t_cache,
	    st->t_read, st->t_parse, st->n_parses_taken, st->t_graph, st->t_history, st->t_render);
	fprintf(fp, "peak memory after: read %ld MiB, parse %ld MiB, graph %ld MiB, "
	    "render and write %ld MiB\n", st->rss_read, st->rss_parse, st->rss_graph,
	    st->rss_render);
}

/* The persistent cache (cache.h) is for plain builds of the working tree into a directory. */
static int
may_use_cache(const struct hb_options *o)
{
	return !o->is_check && o->rev == NULL && !o->no_reuse &&
	    getenv("HANDBOOK_FAIL_WRITE_AFTER") == NULL && getenv("HANDBOOK_FAIL_ALLOC_AFTER") == NULL;
}

int
hb_build(const struct hb_options *o, struct hb_diag *d, struct hb_stats *stats,
    struct hb_err *err)
{
	struct hb_cache_fingerprint fp;
	struct hb_cache_file cache;
	struct hb_cache_previous prev;
	struct hb_cache_parses parses;
	struct pending_records records = { &cache, &fp, &prev, NULL, 0, 0 };
	struct run run;
	struct timespec t0;
	int rc, has_fp;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&prev, 0, sizeof(prev));		/* loaded only if the build gets that far */
	begin_run(&run, o, stats, err);
	if (may_use_cache(o) && count_jobs(o) > 1)
		start_listing(&run);
	has_fp = may_use_cache(o) && hb_cache_fingerprint(&fp, o) == 0;
	if (has_fp)
		hb_cache_read(o->out_dir, &cache);
	if (has_fp && hb_cache_replay(&cache, o->out_dir, &fp, d, &stats->n_pages)) {
		stats->t_cache = seconds_since(&t0);
		stats->n_reused = stats->n_pages;
		stats->is_unchanged = 1;
		rc = d->n_errors > 0 ? 1 : 0;
	} else {
		if (has_fp) {
			hb_cache_load_parses(o->out_dir, &fp, &parses, count_jobs(o));
			run.fp = &fp;
			run.parses = &parses;
			run.cache_prev = &prev;
			/* none to load: the parse renders the bodies (prepares_bodies) */
			if (hb_cache_has_records(&cache, &fp))
				run.records = &records;
		}
		stats->t_cache = seconds_since(&t0);
		rc = build_one(&run, o->rev, "", 0, 0, d, stats, err);
		rc = end_run(&run, rc, err);
		if (has_fp) {
			hb_cache_previous_free(&prev);
			hb_cache_parses_free(&parses);
		}
	}
	if (has_fp) {
		hb_cache_file_free(&cache);
		hb_cache_fingerprint_free(&fp);
	}
	end_listing(&run);
	stage_times(stats, &t0);
	return rc;
}

static int
read_editions(struct hb_editions *e, const struct hb_options *o, struct hb_diag *d,
    struct hb_err *err)
{
	struct hb_arena a;
	struct hb_config cfg;
	int rc = -1;

	hb_arena_init(&a);
	if (hb_config_load(&cfg, o->config_path, !o->is_config_explicit, &a, d, err) == 0 &&
	    hb_editions_read(e, o->content_dir, cfg.edition_patterns, d, err) == 0)
		rc = 0;
	if (rc == 0 && e->n == 0) {
		hb_err_set(err, "no tag names an edition (patterns: '%s'%s)",
		    cfg.edition_patterns[0] ? cfg.edition_patterns[0] : "",
		    cfg.edition_patterns[0] && cfg.edition_patterns[1] ? ", ..." : "");
		rc = -1;
	}
	hb_arena_free(&a);
	return rc;
}

int
hb_build_editions(const struct hb_options *o, struct hb_diag *d, struct hb_stats *stats,
    struct hb_err *err)
{
	struct hb_editions e;
	struct run run;
	struct timespec t0;
	size_t i;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&e, 0, sizeof(e));
	begin_run(&run, o, stats, err);
	if (read_editions(&e, o, d, err) != 0) {
		hb_editions_free(&e);
		return err->msg[0] ? -1 : 1;
	}
	run.editions = &e;
	/* Oldest first, each reusing what it can from the one before; the newest also at the
	 * root, reusing every page of itself but the slot (the same pages, one folder up). */
	for (i = 0; rc == 0 && i < e.n; i++)
		rc = build_one(&run, e.v[i].commit, e.v[i].prefix, i, i == e.n - 1, d, stats, err);
	stats->n_editions = e.n;
	rc = end_run(&run, rc, err);
	hb_editions_free(&e);
	stage_times(stats, &t0);
	return rc;
}

struct hb_session {
	struct hb_options o;
	struct run run;
};

struct hb_session *
hb_session_new(const struct hb_options *o)
{
	struct hb_session *s = hb_xcalloc(1, sizeof(*s));
	struct hb_stats unused;
	struct hb_err unused_err;

	s->o = *o;
	begin_run(&s->run, &s->o, &unused, &unused_err);
	s->run.prev_in_site = 1;
	return s;
}

int
hb_session_build(struct hb_session *s, struct hb_diag *d, struct hb_stats *stats,
    struct hb_err *err)
{
	struct run *run = &s->run;
	struct timespec t0;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(stats, 0, sizeof(*stats));
	err->msg[0] = '\0';
	rc = build_one(run, s->o.rev, "", 0, 0, d, stats, err);
	if (rc == 0 && run->writer != NULL && hb_write_commit(run->writer, err) != 0) {
		rc = -1;	/* the records describe output that never became the site */
		drop_previous(run);
	} else if (rc != 0 && run->writer != NULL) {
		hb_write_abort(run->writer);
	}
	run->writer = NULL;
	atomic_store(&live_writer, NULL);
	stage_times(stats, &t0);
	return rc;
}

void
hb_session_free(struct hb_session *s)
{
	struct hb_err unused;

	if (s == NULL)
		return;
	end_run(&s->run, 1, &unused);
	free(s);
}


/* A process about to die (out of memory, a template stuck past the watchdog's limit) leaves
 * no staging directory behind when it can. */
static void
abandon_output(void)
{
	struct hb_writer *w = atomic_load(&live_writer);

	if (w != NULL)
		hb_write_abandon(w);
}

void
hb_build_init(void)
{
	hb_luaenv_on_overdue(abandon_output);
	hb_xalloc_on_failure(abandon_output);
	hb_markdown_init();
	hb_render_init();
	git_libgit2_init();
}

void
hb_build_shutdown(void)
{
	git_libgit2_shutdown();
}
