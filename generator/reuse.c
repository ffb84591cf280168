#include "reuse.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

static void
hash(const struct hb_buf *b, unsigned char out[HB_REUSE_KEY_SIZE])
{
	git_oid oid;

	git_odb_hash(&oid, b->buf, b->len, GIT_OBJECT_BLOB);
	memcpy(out, oid.id, HB_REUSE_KEY_SIZE);
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
	hb_buf_printf(b, "%d:%zu", (int)v->kind, v->n);
	field(b, v->kind == HB_VALUE_STRING ? v->str : "");
	for (i = 0; i < v->n; i++) {
		if (v->kind == HB_VALUE_MAP)
			field(b, v->keys[i]);
		value(b, &v->items[i]);
	}
}

static void
site_signature(struct hb_reuse *r, const struct hb_config *cfg, const struct hb_source *theme)
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
	for (i = 0; i < g->n_nodes; i++) {
		const struct hb_page *p = g->order[i]->page;

		field(&b, p->path);
		field(&b, p->out_path);
		field(&b, p->id);
		field(&b, p->title);
		field(&b, p->layout);
		field(&b, p->index_type);
		hb_buf_put(&b, p->front_text ? p->front_text : "", p->front_len);
		field(&b, "");
	}
	hash(&b, r->site);
	hb_buf_free(&b);
}

static void
deep_fields(struct hb_buf *b, const struct hb_node *n, const struct hb_history *h)
{
	const struct hb_file_history *fh = h ? hb_history_get(h, n->page->path) : NULL;
	size_t i;

	for (i = 0; i < n->doc.n_headings; i++) {
		hb_buf_printf(b, "h%d", n->doc.headings[i].level);
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
}

void
hb_reuse_prepare(struct hb_reuse *r, const struct hb_graph *g, const struct hb_config *cfg,
    const struct hb_source *theme, const struct hb_history *h)
{
	struct hb_buf b = HB_BUF_INIT;
	size_t i;

	r->g = g;
	r->deep = hb_xcalloc(g->n_nodes + 1, HB_REUSE_KEY_SIZE);
	site_signature(r, cfg, theme);
	for (i = 0; i < g->n_nodes; i++) {
		hb_buf_reset(&b);
		deep_fields(&b, g->order[i], h);
		hash(&b, r->deep + i * HB_REUSE_KEY_SIZE);
	}
	hb_buf_free(&b);
}

void
hb_reuse_free(struct hb_reuse *r)
{
	free(r->deep);
	memset(r, 0, sizeof(*r));
}

static void
key_over(const struct hb_reuse *r, const struct hb_node *node, const struct hb_node *const *deps,
    size_t n, unsigned char out[HB_REUSE_KEY_SIZE])
{
	struct hb_buf b = HB_BUF_INIT;
	size_t i;

	hb_buf_put(&b, r->site, HB_REUSE_KEY_SIZE);
	field(&b, node->page->oid);
	field(&b, node->page->out_path);
	hb_buf_put(&b, r->deep + node->order * HB_REUSE_KEY_SIZE, HB_REUSE_KEY_SIZE);
	for (i = 0; i < n; i++) {
		field(&b, deps[i]->page->id);
		hb_buf_put(&b, r->deep + deps[i]->order * HB_REUSE_KEY_SIZE, HB_REUSE_KEY_SIZE);
	}
	hash(&b, out);
	hb_buf_free(&b);
}

static int
cmp_by_id(const void *a, const void *b)
{
	const struct hb_node *x = *(const struct hb_node *const *)a;
	const struct hb_node *y = *(const struct hb_node *const *)b;

	return strcmp(x->page->id, y->page->id);
}

void
hb_reuse_record(const struct hb_reuse *r, const struct hb_node *node,
    const struct hb_node *const *deps, size_t n, struct hb_arena *a, struct hb_reuse_record *rec)
{
	const struct hb_node **all = hb_xcalloc(n + 1, sizeof(*all));
	size_t i, k = 0, m = 0;

	for (i = 0; i < n; i++)
		all[k++] = deps[i];
	if (k > 1)
		qsort(all, k, sizeof(*all), cmp_by_id);
	for (i = 0; i < k; i++) {
		if (all[i] != node && (m == 0 || all[m - 1] != all[i]))
			all[m++] = all[i];
	}
	key_over(r, node, all, m, rec->key);
	rec->dep_ids = hb_arena_alloc(a, (m + 1) * sizeof(*rec->dep_ids));
	for (i = 0; i < m; i++)
		rec->dep_ids[i] = hb_arena_strdup(a, all[i]->page->id);
	rec->n_deps = m;
	free(all);
}

int
hb_reuse_matches(const struct hb_reuse *r, const struct hb_node *node,
    const struct hb_reuse_record *prev)
{
	const struct hb_node **deps = hb_xcalloc(prev->n_deps + 1, sizeof(*deps));
	unsigned char key[HB_REUSE_KEY_SIZE];
	size_t i;
	int ok = 1;

	for (i = 0; ok && i < prev->n_deps; i++)
		ok = (deps[i] = hb_map_get(&r->g->by_id, prev->dep_ids[i])) != NULL;
	if (ok) {
		key_over(r, node, deps, prev->n_deps, key);
		ok = memcmp(key, prev->key, HB_REUSE_KEY_SIZE) == 0;
	}
	free(deps);
	return ok;
}
