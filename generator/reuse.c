#include "reuse.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "xalloc.h"

/* A page's hashes in struct hb_reuse's pages: the three a dependency name can stand for
 * ("<id>", "<id>#", "<id>^"), what its links and paragraphs show other pages, then its head.
 * struct hb_reuse_then keeps all but the head. */
#define HASHES_PER_PAGE 5
#define OUT 3
#define HEAD 4

static void
hash(const struct hb_buf *b, unsigned char out[HB_REUSE_KEY_SIZE])
{
	hb_hash_blob(b->buf, b->len, out);
}

/* A field and its terminator: NUL cannot occur in any of the strings hashed. */
static void
field(struct hb_buf *b, const char *s)
{
	if (s != NULL)
		hb_buf_puts(b, s);
	hb_buf_putc(b, '\0');
}

static void
value(struct hb_buf *b, const struct hb_value *v)
{
	size_t i;

	if (v == NULL) {
		field(b, "~");
		return;
	}
	hb_buf_put_int(b, (int)v->kind);
	hb_buf_putc(b, ':');
	hb_buf_put_uint(b, v->n);
	field(b, v->kind == HB_VALUE_STRING ? v->str : "");
	for (i = 0; i < v->n; i++) {
		if (v->kind == HB_VALUE_MAP)
			field(b, v->keys[i]);
		value(b, &v->items[i]);
	}
}

/* The configuration, the theme and the glossary. */
static void
global_signature(struct hb_reuse *r, const struct hb_config *cfg, const struct hb_source *theme)
{
	const struct hb_graph *g = r->g;
	struct hb_buf b = HB_BUF_INIT;
	size_t i;

	field(&b, cfg->title);
	field(&b, cfg->description);
	field(&b, cfg->language);
	field(&b, cfg->base_url);
	value(&b, cfg->raw);
	for (i = 0; i < theme->n_files; i++) {
		field(&b, theme->files[i].path);
		field(&b, theme->files[i].oid);
	}
	for (i = 0; i < g->n_terms; i++) {
		field(&b, g->terms[i].abbr);
		field(&b, g->terms[i].expansion);
		field(&b, g->terms[i].node->page->out_path);
	}
	hash(&b, r->global);
	hb_buf_free(&b);
}

/* The global signature and which git history the pages have: what every page's hashes share. */
static void
world(struct hb_reuse *r, const struct hb_history *h)
{
	struct hb_buf b = HB_BUF_INIT;

	hb_buf_put(&b, r->global, HB_REUSE_KEY_SIZE);
	if (h != NULL)
		hb_buf_printf(&b, "%d:%zu:%lld", h->is_available, h->n_commits, h->build_time);
	if (h != NULL && h->n_commits > 0)
		field(&b, h->commits[0].id);
	hash(&b, r->world);
	hb_buf_free(&b);
}

static void
refs(struct hb_buf *b, const struct hb_graph *g, const char *name, const struct hb_reflist *l)
{
	size_t i;

	field(b, name);
	for (i = 0; i < l->n; i++) {
		const struct hb_node *to = hb_graph_lookup(g, l->v[i].id);

		field(b, to ? to->page->id : "");
	}
}

/* The plain fields a template can read of one page (luaenv.c's fill_page, set_positions). */
static void
page_plain(struct hb_buf *b, const struct hb_graph *g, const struct hb_node *n)
{
	const struct hb_page *p = n->page;

	field(b, p->path);
	field(b, p->src_path);
	field(b, p->out_path);
	field(b, p->id);
	field(b, p->title);
	field(b, p->layout);
	field(b, p->index_type);
	/* (order and position are the lists' business: luaenv.c records them as such) */
	hb_buf_put_int(b, p->is_index);
	hb_buf_putc(b, ':');
	hb_buf_put_int(b, p->is_draft);
	hb_buf_putc(b, ':');
	hb_buf_put_int(b, p->weight);
	hb_buf_put(b, p->front_text ? p->front_text : "", p->front_len);
	field(b, "");
	refs(b, g, "sources", &p->sources);
	refs(b, g, "participants", &p->participants);
	refs(b, g, "related", &p->related);
}

/* What the page's links and numbered paragraphs show the pages they link to or that cite them
 * (their backlinks and citations), and the targets they resolved to. */
static void
page_out(struct hb_buf *b, const struct hb_graph *g, const struct hb_node *n)
{
	size_t i;

	hb_graph_finish(g, n);
	for (i = 0; i < n->doc.n_links; i++) {
		const struct hb_link *l = &n->doc.links[i];

		hb_buf_put_int(b, (int)l->kind);
		hb_buf_putc(b, ':');
		hb_buf_put_int(b, l->paragraph);
		hb_buf_putc(b, ':');
		hb_buf_put_int(b, l->cite_number);
		field(b, l->page ? l->page->id : "");
		field(b, l->fragment);
		field(b, l->label);
		field(b, l->before);
		field(b, l->after);
	}
	for (i = 0; i < n->doc.n_paragraphs; i++) {
		hb_buf_putc(b, 'p');
		hb_buf_put_int(b, n->doc.paragraphs[i].number);
		field(b, n->doc.paragraphs[i].text);
	}
}

/* A page's neighbours in the reading order. */
static void
page_neighbours(struct hb_buf *b, const struct hb_node *n)
{
	field(b, n->prev ? n->prev->page->id : "");
	field(b, n->next ? n->next->page->id : "");
}

/* The deep fields of one page: what other pages' text, its own headings and git decide. */
static void
page_deep(struct hb_buf *b, const struct hb_graph *g, const struct hb_node *n,
    const struct hb_history *h)
{
	const struct hb_page *p = n->page;
	const struct hb_file_history *fh = h ? hb_history_get(h, p->path) : NULL;
	size_t i;

	value(b, p->data);
	for (i = 0; i < n->n_backlinks; i++)
		hb_graph_finish(g, n->backlinks[i].from);
	for (i = 0; i < n->doc.n_headings; i++) {
		hb_buf_putc(b, 'h');
		hb_buf_put_int(b, n->doc.headings[i].level);
		field(b, n->doc.headings[i].text);
		field(b, n->doc.headings[i].anchor);
	}
	for (i = 0; i < n->n_backlinks; i++) {
		const struct hb_link *l = n->backlinks[i].link;

		field(b, n->backlinks[i].from->page->id);
		field(b, l ? l->before : "-");
		field(b, l ? (l->label ? l->label : "") : "-");
		field(b, l ? l->after : "-");
	}
	field(b, "participated");
	for (i = 0; i < n->n_participated; i++)
		field(b, n->participated[i]->page->id);
	field(b, "history");
	for (i = 0; fh && i < fh->n_commits; i++)
		field(b, fh->commits[i]->id);
	field(b, "citations");
	for (i = 0; i < n->n_citations; i++) {
		hb_buf_put_int(b, n->citations[i].number);
		hb_buf_putc(b, ':');
		hb_buf_put_int(b, n->citations[i].paragraph);
		field(b, n->citations[i].source->page->id);
		field(b, n->citations[i].text);
	}
	field(b, "cited_by");
	for (i = 0; i < n->n_cited_by; i++) {
		hb_buf_put_int(b, n->cited_by[i].paragraph);
		hb_buf_putc(b, ':');
		hb_buf_put_int(b, n->cited_by[i].number);
		field(b, n->cited_by[i].from->page->id);
	}
}

static void
section_head(struct hb_buf *b, const struct hb_section *s)
{
	field(b, s->name);
	field(b, s->index ? s->index->page->id : "");
	field(b, s->index ? s->index->page->title : "");
}

static void
lists(struct hb_reuse *r)
{
	const struct hb_graph *g = r->g;
	struct hb_buf all = HB_BUF_INIT, sections = HB_BUF_INIT, one = HB_BUF_INIT;
	struct hb_buf indexes = HB_BUF_INIT;
	size_t i, j;

	for (i = 0; i < g->n_nodes; i++) {
		const struct hb_page *p = g->order[i]->page;

		field(&all, p->id);
		if (p->layout != NULL && strcmp(p->layout, "type-index.html") == 0)
			field(&indexes, p->id);
	}
	hash(&all, r->all);
	hash(&indexes, r->indexes);
	for (i = 0; i < g->n_sections; i++) {
		const struct hb_section *s = &g->sections[i];

		section_head(&sections, s);
		hb_buf_reset(&one);
		section_head(&one, s);
		for (j = 0; j < s->n_pages; j++)
			field(&one, s->pages[j]->page->id);
		hash(&one, r->section + i * HB_REUSE_KEY_SIZE);
		hb_map_put(&r->section_by_name, s->name, (void *)(i + 1));
	}
	hash(&sections, r->sections);
	hb_buf_free(&all);
	hb_buf_free(&indexes);
	hb_buf_free(&sections);
	hb_buf_free(&one);
}

void
hb_reuse_prepare(struct hb_reuse *r, const struct hb_graph *g, const struct hb_config *cfg,
    const struct hb_source *theme, const struct hb_history *h)
{
	r->g = g;
	r->pages = hb_xcalloc(HASHES_PER_PAGE * g->n_nodes + 1, HB_REUSE_KEY_SIZE);
	r->section = hb_xcalloc(g->n_sections + 1, HB_REUSE_KEY_SIZE);
	hb_map_init(&r->section_by_name, HB_MAP_EXACT);
	hb_map_init(&r->changed, HB_MAP_EXACT);
	hb_map_init(&r->dirty_groups, HB_MAP_EXACT);
	hb_arena_init(&r->names);
	global_signature(r, cfg, theme);
	world(r, h);
	lists(r);
}

static unsigned char *
page_hash(const struct hb_reuse *r, size_t order, int part)
{
	return r->pages + (HASHES_PER_PAGE * order + (size_t)part) * HB_REUSE_KEY_SIZE;
}

/* The part of a page's key that is its own: the global signature, which page and file it is,
 * and what its body shows of the pages it links to. */
static void
page_head(struct hb_buf *b, const struct hb_reuse *r, const struct hb_node *node)
{
	size_t i;

	hb_buf_put(b, r->global, HB_REUSE_KEY_SIZE);
	field(b, node->page->id);
	field(b, node->page->out_path);
	field(b, node->page->oid);
	for (i = 0; i < node->doc.n_links; i++) {
		const struct hb_link *l = &node->doc.links[i];

		field(b, l->page ? l->page->id : "");
		field(b, l->page ? l->page->title : "");
		/* what the link's URL is made of (a citation's is set already, by cite.c) */
		field(b, l->page ? l->page->out_path : "");
		hb_buf_putc(b, l->fragment ? '#' : '-');
		field(b, l->fragment);
		field(b, l->kind == HB_LINK_CITE || l->kind == HB_LINK_QUOTE ? l->href : NULL);
		hb_buf_put(b, &l->cite_number, sizeof(l->cite_number));
		field(b, l->cited_text);	/* a citation shows the paragraph it cites */
	}
}

void
hb_reuse_hash_page(struct hb_reuse *r, size_t order, const struct hb_history *h,
    struct hb_buf *scratch)
{
	const struct hb_node *n = r->g->order[order];

	hb_buf_reset(scratch);
	page_plain(scratch, r->g, n);
	hash(scratch, page_hash(r, order, 0));
	hb_buf_reset(scratch);
	page_deep(scratch, r->g, n, h);
	hash(scratch, page_hash(r, order, 1));
	hb_buf_reset(scratch);
	page_neighbours(scratch, n);
	hash(scratch, page_hash(r, order, 2));
	hb_buf_reset(scratch);
	page_out(scratch, r->g, n);
	hash(scratch, page_hash(r, order, OUT));
	hb_buf_reset(scratch);
	page_head(scratch, r, n);
	hash(scratch, page_hash(r, order, HEAD));
}

const unsigned char *
hb_reuse_head(const struct hb_reuse *r, const struct hb_node *node)
{
	return page_hash(r, node->order, HEAD);
}

void
hb_reuse_free(struct hb_reuse *r)
{
	free(r->pages);
	free(r->section);
	free(r->page_changed);
	if (r->g != NULL) {
		hb_map_free(&r->section_by_name);
		hb_map_free(&r->changed);
		hb_map_free(&r->dirty_groups);
		hb_arena_free(&r->names);
	}
	memset(r, 0, sizeof(*r));
}

/* The hash a dependency name stands for now, or NULL when it no longer exists. */
static const unsigned char *
dep_hash(const struct hb_reuse *r, const char *name)
{
	const struct hb_node *n;
	size_t i, len = strlen(name);
	size_t part = len == 0 ? 0 : name[len - 1] == '#' ? 1 : name[len - 1] == '^' ? 2 : 0;
	char small[128], *id;

	if (strcmp(name, "/all") == 0)
		return r->all;
	if (strcmp(name, "/indexes") == 0)
		return r->indexes;
	if (strcmp(name, "/sections") == 0)
		return r->sections;
	if (strncmp(name, "/s/", 3) == 0) {
		i = (size_t)hb_map_get(&r->section_by_name, name + 3);
		return i ? r->section + (i - 1) * HB_REUSE_KEY_SIZE : NULL;
	}
	/* The id without its part's suffix: most fit on the stack (this runs for every name of
	 * every record). */
	len -= part > 0;
	id = len < sizeof(small) ? memcpy(small, name, len) : hb_xstrndup(name, len);
	id[len] = '\0';
	n = hb_map_get(&r->g->by_id, id);
	if (id != small)
		free(id);
	return n ? page_hash(r, n->order, (int)part) : NULL;
}

/* The page's head, then the three hashes others may depend on. */
static void
put_key(struct hb_buf *b, const struct hb_reuse *r, const struct hb_node *node)
{
	hb_buf_put(b, page_hash(r, node->order, HEAD), HB_REUSE_KEY_SIZE);
	hb_buf_put(b, page_hash(r, node->order, 0), 3 * HB_REUSE_KEY_SIZE);
}

/* Appends each name and the hash it stands for; returns -1 when one no longer exists. */
static int
put_deps(struct hb_buf *b, const struct hb_reuse *r, const char *const *deps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const unsigned char *h = dep_hash(r, deps[i]);

		if (h == NULL)
			return -1;
		field(b, deps[i]);
		hb_buf_put(b, h, HB_REUSE_KEY_SIZE);
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A dependency name: "<id>", "<id>#", "<id>^" (part 0 to 2), made in a the first time the
 * worker whose names these are needs it (every page reads the same few). */
static const char *
page_name(const struct hb_node *n, int part, struct hb_reuse_names *names, struct hb_arena *a)
{
	const char **slot = &names->pages[3 * n->order + (size_t)part];

	if (*slot == NULL)
		*slot = part == 0 ? hb_arena_strdup(a, n->page->id) :
		    hb_arena_printf(a, "%s%c", n->page->id, part == 1 ? '#' : '^');
	return *slot;
}

/* "/s/<section>", the same way. */
static const char *
section_name(const struct hb_section *s, struct hb_reuse_names *names, struct hb_arena *a)
{
	const char **slot = &names->sections[s - names->g->sections];

	if (*slot == NULL)
		*slot = hb_arena_printf(a, "/s/%s", s->name);
	return *slot;
}

void
hb_reuse_names_init(struct hb_reuse_names *names, const struct hb_graph *g)
{
	names->g = g;
	names->pages = hb_xcalloc(3 * g->n_nodes + 1, sizeof(*names->pages));
	names->sections = hb_xcalloc(g->n_sections + 1, sizeof(*names->sections));
}

void
hb_reuse_names_free(struct hb_reuse_names *names)
{
	free(names->pages);
	free(names->sections);
	memset(names, 0, sizeof(*names));
}

void
hb_reuse_names(const struct hb_node *node, const struct hb_render_info *info,
    struct hb_reuse_names *names, struct hb_arena *a, const char ***out, size_t *n_out)
{
	size_t n = info->n_pages + info->n_deep_pages + info->n_neighbour_pages + info->n_sections +
	    3, i, k = 0;
	const char **deps = hb_arena_alloc(a, (n + 1) * sizeof(*deps));

	for (i = 0; i < info->n_pages; i++) {
		if (info->pages[i] != node)
			deps[k++] = page_name(info->pages[i], 0, names, a);
	}
	for (i = 0; i < info->n_deep_pages; i++) {
		if (info->deep_pages[i] != node)
			deps[k++] = page_name(info->deep_pages[i], 1, names, a);
	}
	for (i = 0; i < info->n_neighbour_pages; i++) {
		if (info->neighbour_pages[i] != node)
			deps[k++] = page_name(info->neighbour_pages[i], 2, names, a);
	}
	for (i = 0; i < info->n_sections; i++)
		deps[k++] = section_name(info->sections[i], names, a);
	if (info->uses_all)
		deps[k++] = "/all";
	if (info->uses_sections)
		deps[k++] = "/sections";
	if (info->uses_indexes)
		deps[k++] = "/indexes";
	if (k > 1)
		qsort(deps, k, sizeof(*deps), cmp_str);
	*out = deps;
	*n_out = k;
}

void
hb_reuse_digest_groups(const struct hb_reuse *r, const struct hb_map *groups,
    struct hb_map *digests, struct hb_arena *a)
{
	struct hb_buf b = HB_BUF_INIT;
	size_t i;

	for (i = 0; i < groups->cap; i++) {
		const struct hb_map_slot *slot = &groups->slots[i];
		const struct hb_reuse_group *grp = slot->value;
		unsigned char *digest;

		if (slot->key == NULL || grp == NULL)
			continue;
		hb_buf_reset(&b);
		if (put_deps(&b, r, grp->deps, grp->n_deps) != 0)
			continue;
		digest = hb_arena_alloc(a, HB_REUSE_KEY_SIZE);
		hash(&b, digest);
		hb_map_put(digests, slot->key, digest);
	}
	hb_buf_free(&b);
}

int
hb_reuse_key(const struct hb_reuse *r, const struct hb_node *node,
    const struct hb_reuse_record *rec, const struct hb_map *digests,
    unsigned char out[HB_REUSE_KEY_SIZE])
{
	struct hb_buf b = HB_BUF_INIT;
	size_t i;
	int rc;

	put_key(&b, r, node);
	rc = put_deps(&b, r, rec->deps, rec->n_deps);
	for (i = 0; rc == 0 && i < rec->n_groups; i++) {
		const unsigned char *d = hb_map_get(digests, rec->groups[i]);

		if (d == NULL) {
			rc = -1;
			break;
		}
		field(&b, rec->groups[i]);
		hb_buf_put(&b, d, HB_REUSE_KEY_SIZE);
	}
	if (rc == 0)
		hash(&b, out);
	hb_buf_free(&b);
	return rc;
}

int
hb_reuse_matches(const struct hb_reuse *r, const struct hb_node *node,
    const struct hb_reuse_record *prev, const struct hb_map *digests)
{
	unsigned char key[HB_REUSE_KEY_SIZE];

	return prev->has_key && hb_reuse_key(r, node, prev, digests, key) == 0 &&
	    memcmp(key, prev->key, HB_REUSE_KEY_SIZE) == 0;
}

static unsigned char *
then_hash(const struct hb_reuse_then *then, size_t order, int part)
{
	return then->pages + (HB_REUSE_THEN_PER_PAGE * order + (size_t)part) * HB_REUSE_KEY_SIZE;
}

void
hb_reuse_export(const struct hb_reuse *r, struct hb_reuse_then *then, struct hb_arena *a)
{
	const struct hb_graph *g = r->g;
	size_t i;

	memset(then, 0, sizeof(*then));
	then->n_pages = g->n_nodes;
	then->ids = hb_arena_alloc(a, (g->n_nodes + 1) * sizeof(*then->ids));
	then->pages = hb_arena_alloc(a, HB_REUSE_THEN_PER_PAGE * g->n_nodes * HB_REUSE_KEY_SIZE + 1);
	for (i = 0; i < g->n_nodes; i++) {
		then->ids[i] = hb_arena_strdup(a, g->order[i]->page->id);
		memcpy(then_hash(then, i, 0), page_hash(r, i, 0),
		    HB_REUSE_THEN_PER_PAGE * HB_REUSE_KEY_SIZE);
	}
	then->n_sections = g->n_sections;
	then->sections = hb_arena_alloc(a, (g->n_sections + 1) * sizeof(*then->sections));
	then->section = hb_arena_alloc(a, g->n_sections * HB_REUSE_KEY_SIZE + 1);
	for (i = 0; i < g->n_sections; i++)
		then->sections[i] = hb_arena_strdup(a, g->sections[i].name);
	memcpy(then->section, r->section, g->n_sections * HB_REUSE_KEY_SIZE);
	memcpy(then->lists, r->all, HB_REUSE_KEY_SIZE);
	memcpy(then->lists + HB_REUSE_KEY_SIZE, r->sections, HB_REUSE_KEY_SIZE);
	memcpy(then->lists + 2 * HB_REUSE_KEY_SIZE, r->indexes, HB_REUSE_KEY_SIZE);
	memcpy(then->lists + 3 * HB_REUSE_KEY_SIZE, r->world, HB_REUSE_KEY_SIZE);
	then->is_set = 1;
}

/* Whether then has the same pages and sections as this build, in the same order. */
static int
is_comparable(const struct hb_reuse *r, const struct hb_reuse_then *then)
{
	const struct hb_graph *g = r->g;
	size_t i;

	if (!then->is_set || then->n_pages != g->n_nodes || then->n_sections != g->n_sections)
		return 0;
	for (i = 0; i < g->n_nodes; i++) {
		if (strcmp(then->ids[i], g->order[i]->page->id) != 0)
			return 0;
	}
	for (i = 0; i < g->n_sections; i++) {
		if (strcmp(then->sections[i], g->sections[i].name) != 0)
			return 0;
	}
	return 1;
}

static void
note_changed(struct hb_reuse *r, const char *name)
{
	hb_map_put(&r->changed, name, (void *)name);
}

static int
differs(const unsigned char *a, const unsigned char *b)
{
	return memcmp(a, b, HB_REUSE_KEY_SIZE) != 0;
}

/* The names of each page's hashes that differ from then's. */
static void
compare_pages(struct hb_reuse *r, const struct hb_reuse_then *then)
{
	static const char *const suffix[3] = { "", "#", "^" };
	const struct hb_graph *g = r->g;
	size_t i;
	int part;

	for (i = 0; i < g->n_nodes; i++) {
		for (part = 0; part < 3; part++) {
			if (!differs(page_hash(r, i, part), then_hash(then, i, part)))
				continue;
			r->page_changed[i] = 1;
			note_changed(r, hb_arena_printf(&r->names, "%s%s",
			    g->order[i]->page->id, suffix[part]));
		}
	}
}

void
hb_reuse_compare(struct hb_reuse *r, const struct hb_reuse_then *then,
    const struct hb_map *groups)
{
	const struct hb_graph *g = r->g;
	size_t i, j;

	r->groups = groups;
	r->is_same_world = then->is_set && !differs(r->world, then->lists + 3 * HB_REUSE_KEY_SIZE);
	if (!is_comparable(r, then))
		return;
	r->page_changed = hb_xcalloc(g->n_nodes + 1, 1);
	compare_pages(r, then);
	for (i = 0; i < g->n_sections; i++) {
		if (differs(r->section + i * HB_REUSE_KEY_SIZE, then->section + i * HB_REUSE_KEY_SIZE))
			note_changed(r, hb_arena_printf(&r->names, "/s/%s", g->sections[i].name));
	}
	if (differs(r->all, then->lists))
		note_changed(r, "/all");
	if (differs(r->sections, then->lists + HB_REUSE_KEY_SIZE))
		note_changed(r, "/sections");
	if (differs(r->indexes, then->lists + 2 * HB_REUSE_KEY_SIZE))
		note_changed(r, "/indexes");
	for (i = 0; r->changed.n > 0 && i < groups->cap; i++) {
		const struct hb_reuse_group *grp = groups->slots[i].value;

		for (j = 0; groups->slots[i].key != NULL && grp != NULL && j < grp->n_deps; j++) {
			if (hb_map_get(&r->changed, grp->deps[j]) != NULL) {
				hb_map_put(&r->dirty_groups, groups->slots[i].key,
				    (void *)groups->slots[i].key);
				break;
			}
		}
	}
	r->is_compared = 1;
}

int
hb_reuse_is_unchanged(const struct hb_reuse *r, const struct hb_node *node,
    const struct hb_reuse_record *prev)
{
	size_t i;

	if (!r->is_compared || !prev->has_key || r->page_changed[node->order] ||
	    differs(prev->head, page_hash(r, node->order, HEAD)))
		return 0;
	for (i = 0; r->changed.n > 0 && i < prev->n_deps; i++) {
		if (hb_map_get(&r->changed, prev->deps[i]) != NULL)
			return 0;
	}
	for (i = 0; i < prev->n_groups; i++) {
		if (hb_map_get(r->groups, prev->groups[i]) == NULL ||
		    hb_map_get(&r->dirty_groups, prev->groups[i]) != NULL)
			return 0;
	}
	return 1;
}

int
hb_reuse_take_then(struct hb_reuse *r, const struct hb_reuse_then *then,
    const struct hb_map *records, unsigned char *needs_hashing)
{
	const struct hb_graph *g = r->g;
	size_t i;

	if (!is_comparable(r, then) || differs(r->world, then->lists + 3 * HB_REUSE_KEY_SIZE))
		return 0;
	for (i = 0; i < g->n_nodes; i++) {
		const struct hb_reuse_record *rec = hb_map_get(records, g->order[i]->page->out_path);

		memcpy(page_hash(r, i, 0), then_hash(then, i, 0),
		    HB_REUSE_THEN_PER_PAGE * HB_REUSE_KEY_SIZE);
		if (rec != NULL && rec->has_key)
			memcpy(page_hash(r, i, HEAD), rec->head, HB_REUSE_KEY_SIZE);
		else
			needs_hashing[i] = 1;
	}
	return 1;
}

int
hb_reuse_shows_as_then(const struct hb_reuse *r, const struct hb_reuse_then *then, size_t order)
{
	return memcmp(page_hash(r, order, 0), then_hash(then, order, 0),
	    HB_REUSE_THEN_PER_PAGE * HB_REUSE_KEY_SIZE) == 0;
}
