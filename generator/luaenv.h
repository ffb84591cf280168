/*
 * luaenv: the sandboxed Lua state in which theme templates run; one per worker thread.
 *
 * hb_luaenv_new() compiles every template of the theme (files under layouts/, by name:
 * "page.html", "partials/nav.html") once. hb_luaenv_set_site() builds the read-only view of the
 * site (every page, the sections, the configuration) once. hb_luaenv_render() then renders one
 * page with one layout into a buffer.
 *
 * A page's view holds its front matter (typed fields and `params`), its place in the site
 * (section, prev, next, headings; backlinks: {page, before, text, after}, the sentence around
 * the first link from that page; participated: the pages listing it in `participants`) and
 * its git history (created, updated, history: commits newest first, each {date, subject, id,
 * short_id}), its citations of sources and, on a source, who cites it (citations, cited_by:
 * cite.h), what the generator computed for it (data: the What changed page's), and the same
 * page in every edition (editions). site.build_date is the date of the newest commit or
 * SOURCE_DATE_EPOCH; site.edition and site.editions describe the editions being built.
 *
 * Templates see only: page, site, root (the relative prefix to the site root), the helpers
 * url(page_or_id), include(partial, ctx), date(fmt, date), escape(s), memo(key, fn) (a value
 * computed once per key and worker, for fragments shared by many pages), and the globals assert
 * error ipairs next pairs select tonumber tostring type string table math (no random) utf8.
 * There is no io, os, require, load, dofile, debug, string.dump or bytecode. Reading an
 * undefined global, or writing to page or site, is an error. Each render has a memory quota and
 * an instruction budget; once the budget trips, the hook fires on every instruction so nothing
 * can swallow the error. Errors are diagnostics at the template's own line:
 * `themes/default/layouts/page.html:12: error: ...`.
 *
 * Not thread-safe: one struct hb_luaenv per thread. The graph and config it views must outlive it.
 */
#ifndef HB_LUAENV_H
#define HB_LUAENV_H

#include <stddef.h>

#include "buf.h"
#include "config.h"
#include "editions.h"
#include "diag.h"
#include "graph.h"
#include "history.h"
#include "source.h"

#define HB_LUA_MEM_QUOTA (64u * 1024 * 1024)
#define HB_LUA_INSTRUCTION_BUDGET 50000000L
#define HB_LUA_RENDER_SECONDS 10	/* wall clock per render; HANDBOOK_RENDER_TIMEOUT overrides */

struct hb_luaenv;

struct hb_luaenv_config {
	const struct hb_source *theme;	/* theme files; templates are those under layouts/ */
	const char *theme_dir;		/* as the user named it, for chunk names */
	size_t mem_quota;		/* per render, bytes; 0: HB_LUA_MEM_QUOTA */
	long instruction_budget;	/* per render; 0: HB_LUA_INSTRUCTION_BUDGET */
};

/*
 * What one render read, so that its output can be reused when none of that changed (reuse.h).
 * Pages, sections and the site are tracked views. Reading a page's deep fields (backlinks,
 * citations, cited_by, created, data, headings, history, participated, updated: what other
 * pages' text and git decide) makes its deep part a dependency; its prev or next, its
 * neighbours; its order or position, the list of all pages or its section's list; any other
 * field, its plain part. Reading a section's `pages` makes that section's list one. Reading the list of sections (or a
 * section's name, title or page), the list of all pages (site.pages, or site.page(id) finding
 * nothing), site.indexes, or the edition's data (site.build_date, site.edition, site.editions,
 * page.editions) sets a flag. The configuration and the theme are the same for
 * every page and not recorded. A memo value is recorded whole, by its key (a group): what it
 * read is kept with it (hb_luaenv_memo_info), so a group shared by many pages is compared once.
 *
 * The partial HB_SLOT_PARTIAL, when the layout includes it (once, outside memo), is the edition
 * slot: it gets no ctx, what it reads is not recorded, and the bytes it wrote are given here, so
 * a reused page can have its slot rendered again alone (hb_luaenv_render() of that partial).
 */
#define HB_SLOT_PARTIAL "partials/editions.html"

struct hb_render_info {
	const struct hb_node **pages;		/* pages whose plain fields were read (caller
						 * frees the array) */
	size_t n_pages;
	const struct hb_node **deep_pages;	/* pages whose deep fields were read (ditto) */
	size_t n_deep_pages;
	const struct hb_node **neighbour_pages;	/* pages whose prev or next were read (ditto) */
	size_t n_neighbour_pages;
	const struct hb_section **sections;	/* sections whose page lists were read (ditto) */
	size_t n_sections;
	int uses_all;			/* the list of every page */
	int uses_sections;		/* the list of sections, their names, titles, index pages */
	int uses_indexes;		/* site.indexes */
	int uses_edition;		/* the edition's data, outside the slot */
	const char *const *groups;	/* memo keys of the values used (valid until the next
					 * render; render info only) */
	size_t n_groups;
	int has_slot;
	size_t slot_start, slot_end;	/* bytes of the output the slot wrote */
};

/* The edition a build makes (editions NULL when it is a plain build). */
struct hb_luaenv_edition {
	const struct hb_editions *editions;
	size_t current;			/* index in editions */
	const char *prefix;		/* where this build's pages go: "" or "editions/<tag>/" */
};

/* Returns 0, or -1 with template syntax errors in d. The caller frees *out with hb_luaenv_free. */
int hb_luaenv_new(struct hb_luaenv **out, const struct hb_luaenv_config *cfg, struct hb_diag *d);
void hb_luaenv_free(struct hb_luaenv *env);
/* Returns 1 when the theme has the template `name` ("meeting.html"). */
int hb_luaenv_has(const struct hb_luaenv *env, const char *name);
/* history may be unavailable (no dates then); graph, config and history must outlive env. */
void hb_luaenv_set_site(struct hb_luaenv *env, const struct hb_graph *g,
    const struct hb_config *cfg, const struct hb_history *history);
/* Before hb_luaenv_set_site(). */
void hb_luaenv_set_edition(struct hb_luaenv *env, const struct hb_luaenv_edition *edition);
/*
 * Renders node with template `layout`, the page's HTML body in content_html. Appends to out.
 * Returns 0, or -1 with the template error in d.
 */
int hb_luaenv_render(struct hb_buf *out, struct hb_luaenv *env, const struct hb_node *node,
    const char *content_html, const char *layout, struct hb_diag *d);
/* What the last render read (see struct hb_render_info). Free with hb_render_info_free. */
void hb_luaenv_render_info(const struct hb_luaenv *env, struct hb_render_info *out);
/*
 * The watchdog: a thread, started with the first environment, that looks at every render in
 * progress ten times a second. A render that has run for more than HB_LUA_RENDER_SECONDS
 * (HANDBOOK_RENDER_TIMEOUT in the environment, in seconds, overrides) cannot be stopped
 * safely: the watchdog prints "theme/layouts/x.html:LINE: error: ..." (the line where the count
 * hook last saw the render), calls handler (to clean up; it may return) and exits with status 1.
 */
void hb_luaenv_on_overdue(void (*handler)(void));
/* What the memo value of key read; returns -1 when this worker has no such value. */
int hb_luaenv_memo_info(const struct hb_luaenv *env, const char *key, struct hb_render_info *out);
void hb_render_info_free(struct hb_render_info *info);

#endif
