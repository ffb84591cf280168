#include "feed.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "path.h"
#include "xalloc.h"

static void
put_time(struct hb_buf *out, long long t)
{
	time_t tt = (time_t)(t < 0 ? 0 : t > 253402300799LL ? 253402300799LL : t);
	struct tm tm;
	char s[32];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	hb_buf_puts(out, s);
}

static void
put_text(struct hb_buf *out, const char *s)
{
	hb_buf_put_html(out, s, strlen(s));
}

/* The URL of a file given from the site root: absolute with base_url, else from the feed. */
static void
put_url(struct hb_buf *out, const struct hb_feed *f, const char *path)
{
	const char *base = f->cfg->base_url;
	size_t n = strlen(base);
	char *self = hb_xmalloc(strlen(f->prefix) + sizeof("feed.xml")), *url;

	strcpy(self, f->prefix);
	strcat(self, "feed.xml");
	if (n > 0) {
		put_text(out, base);
		if (base[n - 1] != '/')
			hb_buf_putc(out, '/');
	}
	url = hb_path_relurl(n > 0 ? "index.html" : self, path);
	put_text(out, url);
	free(url);
	free(self);
}

static void
put_link(struct hb_buf *out, const struct hb_feed *f, const char *path)
{
	hb_buf_puts(out, "<link rel=\"alternate\" type=\"text/html\" href=\"");
	put_url(out, f, path);
	hb_buf_puts(out, "\"/>\n");
}

/* A feed's and its entries' ids: URLs under base_url, else a urn naming the path. */
static void
put_id(struct hb_buf *out, const struct hb_feed *f, const char *path)
{
	hb_buf_puts(out, "<id>");
	if (f->cfg->base_url[0] != '\0') {
		put_url(out, f, path);
	} else {
		hb_buf_puts(out, "urn:handbook:");
		put_text(out, path);
	}
	hb_buf_puts(out, "</id>\n");
}

static const char *const change_names[] = { "added", "removed", "renamed", "changed" };

static void
edition_entry(struct hb_buf *out, const struct hb_feed *f, const struct hb_edition *ed,
    size_t index)
{
	size_t counts[4] = { 0, 0, 0, 0 }, i;
	struct hb_buf page = HB_BUF_INIT;

	hb_buf_printf(&page, "%schanges.html", ed->prefix);
	hb_buf_puts(out, "<entry>\n<title>Edition ");
	put_text(out, ed->tag);
	hb_buf_puts(out, "</title>\n");
	put_link(out, f, page.buf);
	put_id(out, f, page.buf);
	hb_buf_puts(out, "<updated>");
	put_time(out, ed->time);
	hb_buf_puts(out, "</updated>\n<summary>");
	for (i = 0; i < ed->n_changes; i++)
		counts[ed->changes[i].kind]++;
	if (index == 0) {
		hb_buf_puts(out, "The first edition.");
	} else {
		for (i = 0; i < 4; i++)
			hb_buf_printf(out, "%s%zu %s %s", i ? ", " : "", counts[i],
			    counts[i] == 1 ? "page" : "pages", change_names[i]);
		hb_buf_puts(out, " since ");
		put_text(out, f->editions->v[index - 1].tag);
		hb_buf_putc(out, '.');
	}
	hb_buf_puts(out, "</summary>\n");
	hb_buf_puts(out, "<content type=\"html\">");
	for (i = 0; i < ed->n_changes; i++) {
		const struct hb_change *c = &ed->changes[i];
		struct hb_buf li = HB_BUF_INIT;

		hb_buf_printf(&li, "<li>%s: ", change_names[c->kind]);
		hb_buf_put_html(&li, c->new_path ? c->new_path : c->old_path,
		    strlen(c->new_path ? c->new_path : c->old_path));
		hb_buf_puts(&li, "</li>");
		put_text(out, li.buf);	/* escaped again: the content is HTML carried as text */
		hb_buf_free(&li);
	}
	hb_buf_puts(out, "</content>\n</entry>\n");
	hb_buf_free(&page);
}

struct updated {
	const struct hb_node *node;
	const struct hb_commit *last;
};

static int
cmp_updated(const void *pa, const void *pb)
{
	const struct updated *a = pa, *b = pb;

	if (a->last->time != b->last->time)
		return a->last->time > b->last->time ? -1 : 1;
	return strcmp(a->node->page->out_path, b->node->page->out_path);
}

static void
page_entries(struct hb_buf *out, const struct hb_feed *f)
{
	struct updated *v = hb_xcalloc(f->g->n_nodes + 1, sizeof(*v));
	size_t i, n = 0;

	for (i = 0; f->h && i < f->g->n_nodes; i++) {
		const struct hb_node *node = f->g->order[i];
		const struct hb_file_history *fh = hb_history_get(f->h, node->page->path);

		if (fh != NULL && fh->n_commits > 0)
			v[n++] = (struct updated){ node, fh->commits[0] };
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_updated);
	for (i = 0; i < n && i < HB_FEED_MAX; i++) {
		const struct hb_page *p = v[i].node->page;

		hb_buf_puts(out, "<entry>\n<title>");
		put_text(out, p->title);
		hb_buf_puts(out, "</title>\n");
		put_link(out, f, p->out_path);
		put_id(out, f, p->out_path);
		hb_buf_puts(out, "<updated>");
		put_time(out, v[i].last->time);
		hb_buf_puts(out, "</updated>\n<summary>");
		put_text(out, v[i].last->subject);
		hb_buf_puts(out, "</summary>\n</entry>\n");
	}
	free(v);
}

void
hb_feed_atom(struct hb_buf *out, const struct hb_feed *f)
{
	long long updated = f->editions ? f->editions->v[f->edition].time :
	    f->h ? f->h->build_time : 0;
	struct hb_buf self = HB_BUF_INIT;
	size_t i;

	hb_buf_printf(&self, "%sfeed.xml", f->prefix);
	hb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
	put_text(out, f->cfg->title);
	hb_buf_puts(out, "</title>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	put_url(out, f, self.buf);
	hb_buf_puts(out, "\"/>\n");
	hb_buf_reset(&self);
	hb_buf_printf(&self, "%sindex.html", f->prefix);
	put_link(out, f, self.buf);
	hb_buf_reset(&self);
	hb_buf_printf(&self, "%sfeed.xml", f->prefix);
	put_id(out, f, self.buf);
	hb_buf_puts(out, "<updated>");
	put_time(out, updated);
	hb_buf_puts(out, "</updated>\n<author><name>");
	put_text(out, f->cfg->title);
	hb_buf_puts(out, "</name></author>\n");
	if (f->editions != NULL) {
		for (i = f->edition + 1; i > 0; i--)
			edition_entry(out, f, &f->editions->v[i - 1], i - 1);
	} else {
		page_entries(out, f);
	}
	hb_buf_puts(out, "</feed>\n");
	hb_buf_free(&self);
}

void
hb_feed_sitemap(struct hb_buf *out, const struct hb_feed *f)
{
	size_t i;

	hb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (i = 0; i < f->g->n_nodes; i++) {
		const struct hb_page *p = f->g->order[i]->page;
		const struct hb_file_history *fh = f->h ? hb_history_get(f->h, p->path) : NULL;
		struct hb_buf path = HB_BUF_INIT;

		if (p->layout != NULL && strcmp(p->layout, "timeline.html") != 0 &&
		    strcmp(p->layout, "type-index.html") != 0)
			continue;	/* search, 404, print, What changed: tools, not pages */
		hb_buf_printf(&path, "%s%s", f->prefix, p->out_path);
		hb_buf_puts(out, "<url><loc>");
		put_url(out, f, path.buf);
		hb_buf_puts(out, "</loc>");
		if (fh != NULL && fh->n_commits > 0)
			hb_buf_printf(out, "<lastmod>%s</lastmod>", fh->commits[0]->date);
		hb_buf_puts(out, "</url>\n");
		hb_buf_free(&path);
	}
	hb_buf_puts(out, "</urlset>\n");
}
