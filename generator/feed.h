/*
 * feed: feed.xml, an Atom feed (RFC 4287) of what changed in the handbook, and sitemap.xml.
 *
 * In a build of editions, one entry per edition up to the one being built, newest first, linking
 * to its "What changed" page, with the pages added, changed, renamed and removed. In a plain
 * build, one entry per page for the HB_FEED_MAX pages updated last (git history). Dates come
 * from commits, never the clock. With base_url set, links are absolute; otherwise relative to
 * the feed. Pure; thread-safe.
 */
#ifndef HB_FEED_H
#define HB_FEED_H

#include <stddef.h>

#include "buf.h"
#include "config.h"
#include "editions.h"
#include "graph.h"
#include "history.h"

#define HB_FEED_MAX 30

struct hb_feed {
	const struct hb_config *cfg;
	const struct hb_graph *g;
	const struct hb_history *h;
	const struct hb_editions *editions;	/* NULL: a plain build */
	size_t edition;				/* the one being built */
	const char *prefix;			/* where the feed goes: "" or "editions/<tag>/" */
};

void hb_feed_atom(struct hb_buf *out, const struct hb_feed *f);
/*
 * sitemap.xml: every page and generated view (not the search, 404, print and What changed
 * tools), with its last change's date. The sitemaps protocol wants absolute URLs: set base_url;
 * without it the locations are relative to the sitemap.
 */
void hb_feed_sitemap(struct hb_buf *out, const struct hb_feed *f);

#endif
