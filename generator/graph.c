#include "graph.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "path.h"
#include "xalloc.h"

/* Sites of fewer pages resolve their links on one thread (resolve_apart). */
#define PARALLEL_NODES 1000

/* Stored in by_alias and by_title when two pages share the name. */
static const struct hb_node ambiguous_name;
#define AMBIGUOUS ((struct hb_node *)&ambiguous_name)

struct gctx {
	struct hb_graph *g;
	struct hb_node *nodes;
	size_t n;
	struct hb_arena *a;
	struct hb_diag *d;
	size_t n_suggested;
};

static struct hb_loc
ref_loc(const struct hb_node *node, int line, int col)
{
	struct hb_loc loc = { node->page->src_path, line, col };

	return loc;
}

/* Registers ids, aliases, titles and paths; reports duplicate ids and ambiguous aliases. */
static void
index_pages(struct gctx *c)
{
	struct hb_graph *g = c->g;
	size_t i, j;

	hb_map_reserve(&g->by_path, c->n);
	hb_map_reserve(&g->by_id, c->n);
	hb_map_reserve(&g->by_title, c->n);
	hb_map_reserve(&g->by_alias, c->n);
	for (i = 0; i < c->n; i++) {
		struct hb_node *node = &c->nodes[i], *prev;
		struct hb_page *p = node->page;

		hb_map_put(&g->by_path, p->path, node);
		if ((prev = hb_map_put(&g->by_id, p->id, node)) != NULL) {
			hb_diag(c->d, HB_ERROR, ref_loc(node, 1, 1),
			    "duplicate page id '%s' (also %s)", p->id, prev->page->src_path);
			hb_map_put(&g->by_id, p->id, prev);
		}
		/* Put first, looked at after: one lookup for the many keys that are new. */
		if ((prev = hb_map_put(&g->by_title, p->title, node)) != NULL && prev != node)
			hb_map_put(&g->by_title, p->title, AMBIGUOUS);
		for (j = 0; j < p->aliases.n; j++) {
			const struct hb_ref *r = &p->aliases.v[j];

			prev = hb_map_put(&g->by_alias, r->id, node);
			if (prev != NULL && prev != node && prev != AMBIGUOUS) {
				/* Only a link that uses it is an error (report_unresolved). */
				hb_diag(c->d, HB_WARNING, ref_loc(node, r->line, r->col),
				    "alias '%s' is also an alias of '%s' (%s); links must use "
				    "an id", r->id, prev->page->id, prev->page->src_path);
				hb_map_put(&g->by_alias, r->id, AMBIGUOUS);
			} else if (prev != NULL) {
				hb_map_put(&g->by_alias, r->id, prev);	/* as it was */
			}
		}
	}
}

const struct hb_node *
hb_graph_lookup(const struct hb_graph *g, const char *name)
{
	const struct hb_node *n;

	if ((n = hb_map_get(&g->by_id, name)) != NULL)
		return n;
	if ((n = hb_map_get(&g->by_alias, name)) != NULL)
		return n == AMBIGUOUS ? NULL : n;
	n = hb_map_get(&g->by_title, name);
	return n == AMBIGUOUS ? NULL : n;
}

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, best;

	if (la > 200 || lb > 200)
		return (size_t)-1;
	row = hb_xmalloc((lb + 1) * sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], cost = (a[i - 1] | 32) == (b[j - 1] | 32) ? 0 : 1;
			size_t v = diag + cost;

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

static void
consider(const char *cand, const char *name, const char **best, size_t *best_d)
{
	size_t dist = edit_distance(name, cand);

	if (dist < *best_d || (dist == *best_d && *best && strcmp(cand, *best) < 0)) {
		*best_d = dist;
		*best = cand;
	}
}

/* The id, alias or title nearest to name, or NULL when nothing is close. */
static const char *
suggest(const struct gctx *c, const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, i, j, limit = strlen(name) / 3 + 2;

	for (i = 0; i < c->n; i++) {
		const struct hb_page *p = c->nodes[i].page;

		consider(p->id, name, &best, &best_d);
		consider(p->title, name, &best, &best_d);
		for (j = 0; j < p->aliases.n; j++)
			consider(p->aliases.v[j].id, name, &best, &best_d);
	}
	return best_d <= limit ? best : NULL;
}

/* "'a' (path) and 'b' (path)": every page whose alias or title is name. */
static const char *
pages_named(struct gctx *c, const char *name)
{
	struct hb_buf b = HB_BUF_INIT;
	const char *s;
	size_t i, j, n = 0;

	for (i = 0; i < c->n; i++) {
		const struct hb_page *p = c->nodes[i].page;
		int named = strcasecmp(p->title, name) == 0;

		for (j = 0; !named && j < p->aliases.n; j++)
			named = strcasecmp(p->aliases.v[j].id, name) == 0;
		if (!named)
			continue;
		hb_buf_printf(&b, "%s'%s' (%s)", n++ ? " and " : "", p->id, p->src_path);
	}
	s = hb_arena_strdup(c->a, b.len ? b.buf : "several pages");
	hb_buf_free(&b);
	return s;
}

/* Reports a name that resolves to nothing, or to two pages. */
static void
report_unresolved(struct gctx *c, struct hb_loc loc, const char *what, const char *name)
{
	const char *s;

	if (hb_map_get(&c->g->by_alias, name) == AMBIGUOUS ||
	    hb_map_get(&c->g->by_title, name) == AMBIGUOUS) {
		hb_diag(c->d, HB_ERROR, loc, "ambiguous %s '%s': %s; use a page id", what, name,
		    pages_named(c, name));
		return;
	}
	hb_diag(c->d, HB_ERROR, loc, "unresolved %s '%s': no page has this id, alias or title",
	    what, name);
	/* Each suggestion compares with every name: a few hundred are plenty for one build. */
	if (c->n_suggested++ < 200 && (s = suggest(c, name)) != NULL)
		hb_diag_note(c->d, "did you mean '%s'?", s);
}

/* Joins the page's folder and a relative .md path, folding "." and ".."; NULL if it escapes. */
static char *
resolve_md_path(const char *page_path, const char *target)
{
	char *dir = hb_path_dirname(page_path), *joined = hb_path_join(dir, target), *seg;
	char **parts = NULL, *save = NULL;
	size_t n = 0, n_alloc = 0, i;
	struct hb_buf out = HB_BUF_INIT;
	int escapes = 0;

	for (seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (n == 0)
				escapes = 1;
			else
				n--;
			continue;
		}
		parts = hb_xgrow(parts, &n_alloc, n + 1, sizeof(*parts));
		parts[n++] = seg;
	}
	for (i = 0; i < n; i++) {
		if (i)
			hb_buf_putc(&out, '/');
		hb_buf_puts(&out, parts[i]);
	}
	free(parts);
	free(joined);
	free(dir);
	if (escapes) {
		hb_buf_free(&out);
		return NULL;
	}
	return hb_buf_detach(&out, NULL);
}

static int
has_anchor(const struct hb_node *node, const char *anchor)
{
	size_t i;

	for (i = 0; i < node->doc.n_headings; i++) {
		if (strcmp(node->doc.headings[i].anchor, anchor) == 0)
			return 1;
	}
	return 0;
}

static void
report_bad_anchor(struct gctx *c, struct hb_loc loc, const struct hb_node *to, const char *frag)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, i;

	hb_diag(c->d, HB_ERROR, loc, "page '%s' has no heading with anchor '#%s'", to->page->id,
	    frag);
	for (i = 0; i < to->doc.n_headings; i++)
		consider(to->doc.headings[i].anchor, frag, &best, &best_d);
	if (best != NULL && best_d <= strlen(frag) / 2 + 2)
		hb_diag_note(c->d, "did you mean '#%s'?", best);
}

static const struct hb_node *
find_target(struct gctx *c, const struct hb_node *from, const struct hb_link *link)
{
	const struct hb_node *to;
	struct hb_loc loc = ref_loc(from, link->line, link->col);
	char *path;

	if (link->kind != HB_LINK_MD) {
		if (link->target[0] == '\0')
			return from;
		if ((to = hb_graph_lookup(c->g, link->target)) == NULL)
			report_unresolved(c, loc, "link", link->target);
		return to;
	}
	path = resolve_md_path(from->page->path, link->target);
	to = path ? hb_map_get(&c->g->by_path, path) : NULL;
	if (to == NULL)
		hb_diag(c->d, HB_ERROR, loc, "unresolved link '%s': no such page in the content",
		    link->target);
	free(path);
	return to;
}

/* The relative URL of to (and its fragment) from from; a link to a heading of the same page is
 * just "#anchor". Written straight into the arena: there is one for every link of the site. */
static const char *
href(struct hb_arena *a, const struct hb_node *from, const struct hb_node *to,
    const char *fragment)
{
	int is_self = to == from && fragment != NULL;
	size_t n = is_self ? 0 : hb_path_relurl_to(NULL, from->page->out_path, to->page->out_path);
	size_t n_frag = fragment ? strlen(fragment) + 1 : 0;
	char *url = hb_arena_alloc(a, n + n_frag + 1);

	if (!is_self)
		hb_path_relurl_to(url, from->page->out_path, to->page->out_path);
	if (fragment) {
		url[n] = '#';
		memcpy(url + n + 1, fragment, n_frag - 1);
	}
	url[n + n_frag] = '\0';
	return url;
}

static void
resolve_link(struct gctx *c, struct hb_node *from, struct hb_link *link)
{
	const struct hb_node *to = find_target(c, from, link);

	if (to == NULL)
		return;
	if (link->kind == HB_LINK_CITE || link->kind == HB_LINK_QUOTE) {
		link->page = to->page;	/* the paragraph and URL are cite.c's */
		link->to = to;
		return;
	}
	if (link->fragment != NULL && !has_anchor(to, link->fragment)) {
		report_bad_anchor(c, ref_loc(from, link->line, link->col), to, link->fragment);
		return;
	}
	link->page = to->page;
	link->to = to;
}

void
hb_graph_set_hrefs(struct hb_node *node, struct hb_arena *a)
{
	size_t i;

	for (i = 0; i < node->doc.n_links; i++) {
		struct hb_link *l = &node->doc.links[i];

		if (l->to != NULL && l->href == NULL && l->kind != HB_LINK_CITE &&
		    l->kind != HB_LINK_QUOTE)
			l->href = href(a, node, l->to, l->fragment);
	}
}

/* Checks a front-matter list of references, its pages into to; want_type, when set, is the
 * required page type. */
static void
check_refs(struct gctx *c, const struct hb_node *from, const struct hb_reflist *refs,
    const struct hb_node **to_out, const char *key, const char *want_type)
{
	size_t i;

	for (i = 0; i < refs->n; i++) {
		const struct hb_ref *r = &refs->v[i];
		struct hb_loc loc = ref_loc(from, r->line, r->col);
		const struct hb_node *to = to_out[i] = hb_graph_lookup(c->g, r->id);

		if (to == NULL) {
			report_unresolved(c, loc, key, r->id);
			continue;
		}
		if (want_type && (to->page->type == NULL || strcmp(to->page->type, want_type) != 0))
			hb_diag(c->d, HB_ERROR, loc, "'%s' in '%s' is not a page of type '%s'",
			    r->id, key, want_type);
	}
}

static int
cmp_reading(const void *a, const void *b)
{
	const struct hb_page *x = (*(struct hb_node *const *)a)->page;
	const struct hb_page *y = (*(struct hb_node *const *)b)->page;
	int c;

	if (x->is_index != y->is_index)
		return x->is_index ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	if ((x->date == NULL) != (y->date == NULL))
		return x->date ? -1 : 1;
	if (x->date && (c = strcmp(x->date, y->date)) != 0)
		return c;
	if ((c = strcasecmp(x->title, y->title)) != 0)
		return c;
	return strcmp(x->path, y->path);
}

static size_t
section_rank(const char *name, const char *const *order)
{
	size_t i;

	if (name[0] == '\0')
		return 0;
	for (i = 0; order && order[i]; i++) {
		if (strcmp(order[i], name) == 0)
			return i + 1;
	}
	return (size_t)-1;
}

struct ranked_section {
	size_t rank;
	struct hb_section section;
};

static int
cmp_section(const void *a, const void *b)
{
	const struct ranked_section *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->section.name, y->section.name);
}

/* Groups nodes by section (first folder), sorts sections and their pages. */
static void
build_sections(struct gctx *c, const char *const *order)
{
	struct hb_graph *g = c->g;
	struct ranked_section *rs = NULL;
	struct hb_map seen;
	size_t n = 0, n_alloc = 0, i;

	hb_map_init(&seen, HB_MAP_EXACT);
	for (i = 0; i < c->n; i++) {
		const char *name = c->nodes[i].page->section;

		if (hb_map_get(&seen, name) != NULL)
			continue;
		hb_map_put(&seen, name, (void *)name);
		rs = hb_xgrow(rs, &n_alloc, n + 1, sizeof(*rs));
		memset(&rs[n], 0, sizeof(*rs));
		rs[n].rank = section_rank(name, order);
		rs[n++].section.name = name;
	}
	hb_map_free(&seen);
	if (n > 1)
		qsort(rs, n, sizeof(*rs), cmp_section);
	g->sections = hb_arena_alloc(c->a, n * sizeof(*g->sections));
	for (i = 0; i < n; i++)
		g->sections[i] = rs[i].section;
	g->n_sections = n;
	free(rs);
	hb_map_init(&seen, HB_MAP_EXACT);
	for (i = 0; i < n; i++)
		hb_map_put(&seen, g->sections[i].name, &g->sections[i]);
	for (i = 0; i < c->n; i++)
		c->nodes[i].section = hb_map_get(&seen, c->nodes[i].page->section);
	hb_map_free(&seen);
}

/* Fills each section's page list and the site's reading order, prev and next. */
/* The _index.md of a section's own folder (not of a folder inside it). */
static int
is_section_index(const struct hb_page *p)
{
	return p->is_index && strchr(p->path, '/') == strrchr(p->path, '/');
}

static void
build_order(struct gctx *c)
{
	struct hb_graph *g = c->g;
	struct hb_node **all = hb_arena_alloc(c->a, c->n * sizeof(*all));
	size_t i, k = 0;

	for (i = 0; i < c->n; i++)
		all[i] = &c->nodes[i];
	if (c->n > 1)
		qsort(all, c->n, sizeof(*all), cmp_reading);
	g->order = hb_arena_alloc(c->a, c->n * sizeof(*g->order));
	for (i = 0; i < g->n_sections; i++) {
		struct hb_section *s = &g->sections[i];
		size_t j;

		s->pages = hb_arena_alloc(c->a, c->n * sizeof(*s->pages));
		for (j = 0; j < c->n; j++) {
			struct hb_node *node = all[j];

			if (node->section != s || node->page->layout != NULL)
				continue;
			if (is_section_index(node->page) && s->index == NULL)
				s->index = node;
			else
				s->pages[s->n_pages++] = node;
		}
		if (s->index)
			g->order[k++] = s->index;
		for (j = 0; j < s->n_pages; j++)
			g->order[k++] = s->pages[j];
	}
	for (i = 0; i < k; i++) {
		g->order[i]->order = i;
		g->order[i]->prev = i > 0 ? g->order[i - 1] : NULL;
		g->order[i]->next = i + 1 < k ? g->order[i + 1] : NULL;
	}
	/* Generated pages (timeline, type indexes) come last, outside the prev/next chain. */
	for (i = 0; i < c->n; i++) {
		if (all[i]->page->layout == NULL)
			continue;
		all[i]->order = k;
		g->order[k++] = all[i];
	}
	g->n_nodes = k;
}

/*
 * Calls fn for every page from links to or references, in the order backlinks list them: body
 * links first (in document order), then references; to may be NULL or from itself.
 */
static void
for_each_edge(struct gctx *c, const struct hb_node *from,
    void (*fn)(struct gctx *, const struct hb_node *, const struct hb_node *,
    const struct hb_link *))
{
	const struct hb_page *p = from->page;
	size_t i;

	for (i = 0; i < from->doc.n_links; i++)
		fn(c, from, from->doc.links[i].to, &from->doc.links[i]);
	for (i = 0; i < p->sources.n + p->participants.n + p->related.n; i++)
		fn(c, from, from->refs_to[i], NULL);
}

static void
count_backlink(struct gctx *c, const struct hb_node *from, const struct hb_node *to,
    const struct hb_link *link)
{
	(void)link;
	if (to != NULL && to != from)
		c->nodes[to - c->nodes].n_backlinks++;
}

/* Once per source: its first edge is its first body link, if any. */
static void
add_backlink(struct gctx *c, const struct hb_node *from, const struct hb_node *to,
    const struct hb_link *link)
{
	struct hb_node *t;

	if (to == NULL || to == from)
		return;
	t = &c->nodes[to - c->nodes];
	if (t->n_backlinks > 0 && t->backlinks[t->n_backlinks - 1].from == from)
		return;
	t->backlinks[t->n_backlinks].from = from;
	t->backlinks[t->n_backlinks++].link = link;
}

/*
 * Backlinks: every page that links to or references a page, once, in reading order (a body link
 * before a reference). Counted first, so that each list is allocated once.
 */
static void
build_backlinks(struct gctx *c)
{
	struct hb_graph *g = c->g;
	size_t i;

	for (i = 0; i < g->n_nodes; i++)
		for_each_edge(c, g->order[i], count_backlink);
	for (i = 0; i < g->n_nodes; i++) {
		struct hb_node *n = g->order[i];

		n->backlinks = hb_arena_alloc(c->a, n->n_backlinks * sizeof(*n->backlinks));
		n->n_backlinks = 0;
	}
	for (i = 0; i < g->n_nodes; i++)
		for_each_edge(c, g->order[i], add_backlink);
}

static int
cmp_term(const void *a, const void *b)
{
	const struct hb_term *x = a, *y = b;
	size_t lx = strlen(x->abbr), ly = strlen(y->abbr);

	if (lx != ly)
		return lx > ly ? -1 : 1;
	return strcmp(x->abbr, y->abbr);
}

/* A counting sort of the terms by first byte, stable, so each run stays longest first. */
static void
index_terms(struct gctx *c)
{
	struct hb_graph *g = c->g;
	size_t next[256], i, b;

	memset(g->term_start, 0, sizeof(g->term_start));
	for (i = 0; i < g->n_terms; i++)
		g->term_start[(unsigned char)g->terms[i].abbr[0] + 1]++;
	for (b = 1; b <= 256; b++)
		g->term_start[b] += g->term_start[b - 1];
	memcpy(next, g->term_start, sizeof(next));
	g->term_order = hb_arena_alloc(c->a, g->n_terms * sizeof(*g->term_order));
	for (i = 0; i < g->n_terms; i++)
		g->term_order[next[(unsigned char)g->terms[i].abbr[0]]++] = i;
}

/* The glossary: every page with type glossary and an abbr; one page per abbreviation. */
static void
build_glossary(struct gctx *c)
{
	struct hb_graph *g = c->g;
	struct hb_map seen;
	size_t i;

	hb_map_init(&seen, HB_MAP_EXACT);
	g->terms = hb_arena_alloc(c->a, c->n * sizeof(*g->terms));
	for (i = 0; i < c->n; i++) {
		const struct hb_node *node = &c->nodes[i], *prev;
		const struct hb_page *p = node->page;

		if (p->abbr == NULL || p->abbr[0] == '\0' || p->type == NULL ||
		    strcmp(p->type, "glossary") != 0)
			continue;
		if ((prev = hb_map_get(&seen, p->abbr)) != NULL) {
			const struct hb_value *v = hb_value_get(p->front, "abbr");

			hb_diag(c->d, HB_ERROR, ref_loc(node, v->line, v->col),
			    "abbreviation '%s' is already defined by '%s' (%s)", p->abbr,
			    prev->page->id, prev->page->src_path);
			continue;
		}
		hb_map_put(&seen, p->abbr, (void *)node);
		g->terms[g->n_terms].abbr = p->abbr;
		g->terms[g->n_terms].expansion = p->expansion;
		g->terms[g->n_terms++].node = node;
	}
	hb_map_free(&seen);
	if (g->n_terms > 1)
		qsort(g->terms, g->n_terms, sizeof(*g->terms), cmp_term);
	index_terms(c);
}

/* Calls fn for every (meeting, participant) pair, in reading order. */
static void
for_each_participation(struct gctx *c, void (*fn)(struct gctx *, const struct hb_node *,
    struct hb_node *))
{
	struct hb_graph *g = c->g;
	size_t i, j;

	for (i = 0; i < g->n_nodes; i++) {
		const struct hb_node *from = g->order[i];

		for (j = 0; j < from->page->participants.n; j++) {
			struct hb_node *to =
			    (struct hb_node *)from->refs_to[from->page->sources.n + j];

			if (to != NULL && to != from)
				fn(c, from, to);
		}
	}
}

static void
count_participation(struct gctx *c, const struct hb_node *from, struct hb_node *to)
{
	(void)c;
	(void)from;
	to->n_participated++;	/* an upper bound until add_participation counts again */
}

static void
add_participation(struct gctx *c, const struct hb_node *from, struct hb_node *to)
{
	(void)c;
	if (to->n_participated > 0 && to->participated[to->n_participated - 1] == from)
		return;
	to->participated[to->n_participated++] = from;
}

/* For each page, the pages (meetings) that list it in `participants`, in reading order. */
static void
build_participation(struct gctx *c)
{
	size_t i;

	for_each_participation(c, count_participation);
	for (i = 0; i < c->n; i++) {
		struct hb_node *node = &c->nodes[i];

		if (node->n_participated == 0)
			continue;
		node->participated = hb_arena_alloc(c->a,
		    node->n_participated * sizeof(*node->participated));
		node->n_participated = 0;
	}
	for_each_participation(c, add_participation);
}

static void
warn_lonely_pages(struct gctx *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct hb_node *node = &c->nodes[i];

		if (node->page->is_index || node->page->layout != NULL)
			continue;
		if (node->n_backlinks == 0)
			hb_diag(c->d, HB_WARNING, ref_loc(node, 1, 1),
			    "page '%s' is not linked from any other page", node->page->id);
		if (node->page->sources.n == 0)
			hb_diag(c->d, HB_WARNING, ref_loc(node, 1, 1),
			    "page '%s' lists no sources", node->page->id);
	}
}

/* Resolves the links and checks the references of nodes [from, to). */
static void
resolve_nodes(struct gctx *c, size_t from, size_t to)
{
	size_t i, j;

	for (i = from; i < to; i++) {
		struct hb_node *node = &c->nodes[i];
		const struct hb_page *p = node->page;

		for (j = 0; j < node->doc.n_links; j++)
			resolve_link(c, node, &node->doc.links[j]);
		check_refs(c, node, &p->sources, node->refs_to, "sources", "source");
		check_refs(c, node, &p->participants, node->refs_to + p->sources.n,
		    "participants", NULL);
		check_refs(c, node, &p->related, node->refs_to + p->sources.n +
		    p->participants.n, "related", NULL);
	}
}

/* Half the nodes, resolved on a thread of their own with a diagnostics list and arena of
 * their own. */
struct resolving {
	struct gctx c;
	size_t from, to;
	struct hb_diag d;
	struct hb_arena a;
};

static void *
resolve_half(void *arg)
{
	struct resolving *r = arg;

	resolve_nodes(&r->c, r->from, r->to);
	return NULL;
}

/*
 * Resolves every node on two threads, each half of them: 1, or 0 when it cannot start the
 * thread or either half found a problem. A site with problems is resolved again in one go,
 * so that its diagnostics (and which of them get a suggestion) are those of a single thread.
 */
static int
resolve_apart(struct gctx *c)
{
	struct resolving half[2];
	pthread_t thread;
	int i, is_clean;

	for (i = 0; i < 2; i++) {
		half[i].c = *c;
		half[i].c.d = &half[i].d;
		half[i].c.a = &half[i].a;
		half[i].from = i == 0 ? 0 : c->n / 2;
		half[i].to = i == 0 ? c->n / 2 : c->n;
		hb_diag_init(&half[i].d);
		hb_arena_init(&half[i].a);
	}
	if (pthread_create(&thread, NULL, resolve_half, &half[1]) != 0) {
		is_clean = 0;
	} else {
		resolve_half(&half[0]);
		pthread_join(thread, NULL);
		is_clean = half[0].d.n == 0 && half[1].d.n == 0;
	}
	for (i = 0; i < 2; i++) {
		hb_diag_free(&half[i].d);
		hb_arena_free(&half[i].a);
	}
	return is_clean;
}

size_t
hb_graph_build(struct hb_graph *g, struct hb_node *nodes, size_t n,
    const char *const *section_order, int threads, struct hb_arena *a, struct hb_diag *d)
{
	struct gctx c = { g, nodes, n, a, d, 0 };
	size_t before = d->n_errors, i;

	memset(g, 0, sizeof(*g));
	pthread_mutex_init(&g->finish_lock, NULL);
	hb_arena_init(&g->finish_arena);
	/* The keys are the pages' own, which outlive the graph. */
	hb_map_init(&g->by_id, HB_MAP_EXACT | HB_MAP_BORROW);
	hb_map_init(&g->by_alias, HB_MAP_FOLD | HB_MAP_BORROW);
	hb_map_init(&g->by_title, HB_MAP_FOLD | HB_MAP_BORROW);
	hb_map_init(&g->by_path, HB_MAP_EXACT | HB_MAP_BORROW);
	index_pages(&c);
	for (i = 0; i < n; i++) {
		const struct hb_page *p = nodes[i].page;

		nodes[i].refs_to = hb_arena_alloc(a, (p->sources.n + p->participants.n +
		    p->related.n + 1) * sizeof(*nodes[i].refs_to));
	}
	if (threads < 2 || n < PARALLEL_NODES || !resolve_apart(&c))
		resolve_nodes(&c, 0, n);
	build_sections(&c, section_order);
	build_order(&c);
	build_backlinks(&c);
	build_glossary(&c);
	build_participation(&c);
	warn_lonely_pages(&c);
	return d->n_errors - before;
}

void
hb_graph_free(struct hb_graph *g)
{
	hb_map_free(&g->by_id);
	hb_map_free(&g->by_alias);
	hb_map_free(&g->by_title);
	hb_map_free(&g->by_path);
	pthread_mutex_destroy(&g->finish_lock);
	hb_arena_free(&g->finish_arena);
}

void
hb_graph_finish_in(const struct hb_graph *g, struct hb_node *node, struct hb_arena *a)
{
	if (atomic_load(&node->is_finished))
		return;
	if (node->sentences_from != NULL && g->take_sentences != NULL)
		g->take_sentences(node, a, g->take_arg);
	hb_markdown_finish(&node->doc, a);
	atomic_store(&node->is_finished, 1);
}

void
hb_graph_finish(const struct hb_graph *g, const struct hb_node *node)
{
	struct hb_graph *mg = (struct hb_graph *)g;	/* what it makes is made once, under */
	struct hb_node *n = (struct hb_node *)node;	/* the lock: a lazily filled field */

	if (atomic_load(&n->is_finished))
		return;
	pthread_mutex_lock(&mg->finish_lock);
	hb_graph_finish_in(g, n, &mg->finish_arena);
	pthread_mutex_unlock(&mg->finish_lock);
}
