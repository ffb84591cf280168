/*
 * build: runs the pipeline (source -> page -> markdown -> graph -> render -> write) with a pool
 * of worker threads, and is the library's entry point: main.c only parses argv.
 *
 * Threads: `jobs` workers parse pages (one cmark parser per page, one arena per worker) and
 * render them (one Lua state per worker); the graph is built once in between, on the calling
 * thread, and shared read-only. Library set-up that is not thread-safe happens here, once,
 * before any worker starts:
 *   - cmark_gfm_core_extensions_ensure_registered(): fills the extension registry;
 *   - git_libgit2_init(): global state of libgit2.
 * Diagnostics are collected per worker and merged, then sorted, so output and messages do not
 * depend on `jobs`.
 *
 * Besides the pages, a build writes the theme's assets, feed.xml and sitemap.xml (feed.h), and,
 * when the theme has the layouts, search.html with its index (search.h), 404.html, and
 * print.html (print.h), rendered last from the other pages' articles. Within one invocation
 * (the editions), a page whose render key is unchanged since the build before is reused
 * (reuse.h), only its edition slot rendered again.
 *
 * Returns 0 when the site was built (or checked) without errors, 1 when there were errors in
 * the input (reported in d; nothing was written), -1 on an environment failure (err set).
 */
#ifndef HB_BUILD_H
#define HB_BUILD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"

/* How far a build is, for a progress bar: updated by the build, read by another thread. */
struct hb_progress {
	_Atomic(const char *) stage;	/* "parsing", "rendering", ...; NULL before the first */
	atomic_size_t done;		/* pages of the stage done */
	atomic_size_t total;		/* pages in the stage */
};

struct hb_options {
	const char *content_dir;	/* default "content" */
	const char *theme_dir;		/* default "themes/default" */
	const char *out_dir;		/* default "site" */
	const char *config_path;	/* default "handbook.yaml" */
	int is_config_explicit;		/* --config given: the file must exist */
	const char *rev;		/* NULL: the working tree */
	const char *base_url;		/* overrides the configuration's */
	int jobs;			/* 0: the number of online processors */
	int include_drafts;
	int is_check;			/* build in memory, write nothing */
	int no_reuse;			/* render every page, even when its output could be reused */
	struct hb_progress *progress;	/* NULL: not reported */
	const atomic_int *cancel;	/* becomes non-zero (e.g. on SIGINT): the build stops and
					 * fails with "interrupted", leaving the output as it was */
};

struct hb_stats {
	size_t n_pages;
	size_t n_files;		/* files written, pages included */
	size_t n_reused;	/* pages whose output was reused from the build before */
	size_t n_parses_taken;	/* pages taken from the parse cache, their files not parsed */
	size_t n_editions;
	int is_unchanged;	/* nothing the build reads changed since the site was built (cache.h) */
	double seconds;
	/* Wall time of each stage, for --verbose: the persistent cache (its fingerprint, loading
	 * and saving it, cache.h), read, parse (front matter and Markdown), graph (links,
	 * backlinks, glossary, order), history (git), render (templates) and write. */
	double t_cache, t_read, t_parse, t_graph, t_history, t_render;
	/* Peak memory (RSS, MiB) of the process at the end of each stage. */
	long rss_read, rss_parse, rss_graph, rss_render;
};

/* --verbose: "stages: read 0.010 s, parse ..." */
void hb_stats_print_stages(const struct hb_stats *st, FILE *fp);
/* Library set-up that must happen once, before threads (see above). */
void hb_build_init(void);
void hb_build_shutdown(void);
int hb_build(const struct hb_options *o, struct hb_diag *d, struct hb_stats *stats,
    struct hb_err *err);
/*
 * `handbook editions`: every edition (editions.h) into editions/<tag>/, oldest first, then the
 * newest again at the root of the output, all committed at once. Each build reuses the output of
 * pages that nothing changed for since the build before it (reuse.h), rendering only their
 * edition slot again. No edition: an environment failure naming the patterns.
 */
int hb_build_editions(const struct hb_options *o, struct hb_diag *d, struct hb_stats *stats,
    struct hb_err *err);

/*
 * `handbook serve`: successive builds of one output directory in one process. Each build is
 * committed like hb_build's, and reuses the output of every page whose render key did not
 * change since the session's last successful build (read back from the output directory),
 * so an edit re-renders only the pages it can change. A failed build leaves the output and the
 * records as they were.
 */
struct hb_session;

struct hb_session *hb_session_new(const struct hb_options *o);
int hb_session_build(struct hb_session *s, struct hb_diag *d, struct hb_stats *stats,
    struct hb_err *err);
void hb_session_free(struct hb_session *s);

#endif
