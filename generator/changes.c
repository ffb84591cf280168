#include "changes.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "path.h"
#include "wdiff.h"
#include "xalloc.h"

static struct hb_value *
new_value(struct hb_arena *a, enum hb_value_kind kind)
{
	struct hb_value *v = hb_arena_alloc(a, sizeof(*v));

	memset(v, 0, sizeof(*v));
	v->kind = kind;
	return v;
}

/* Appends an item (key ignored for lists) and returns it; items are re-allocated as they grow. */
static struct hb_value *
add(struct hb_arena *a, struct hb_value *to, const char *key, enum hb_value_kind kind)
{
	struct hb_value *items = hb_arena_alloc(a, (to->n + 1) * sizeof(*items));
	const char **keys = hb_arena_alloc(a, (to->n + 1) * sizeof(*keys));

	if (to->n) {
		memcpy(items, to->items, to->n * sizeof(*items));
		if (to->keys)
			memcpy(keys, to->keys, to->n * sizeof(*keys));
	}
	memset(&items[to->n], 0, sizeof(*items));
	items[to->n].kind = kind;
	keys[to->n] = key;
	to->items = items;
	to->keys = to->kind == HB_VALUE_MAP ? keys : NULL;
	return &to->items[to->n++];
}

static void
add_string(struct hb_arena *a, struct hb_value *map, const char *key, const char *s)
{
	if (s != NULL)
		add(a, map, key, HB_VALUE_STRING)->str = s;
}

const char *
hb_changes_title(struct hb_arena *a, const char *path, const char *text, size_t len)
{
	struct hb_file f = { (char *)path, (char *)text, len, "", NULL };
	struct hb_page p;
	struct hb_diag d;
	const char *title = path;

	hb_diag_init(&d);
	if (hb_page_parse(&p, a, &f, "", &d) == 0)
		title = p.title;
	hb_diag_free(&d);
	return title;
}

static const char *
url_to(struct hb_arena *a, const char *self, const char *prefix, const char *out_path)
{
	char *full = hb_arena_printf(a, "%s%s", prefix, out_path), *url = hb_path_relurl(self, full);
	const char *s = hb_arena_strdup(a, url);

	free(url);
	return s;
}

/* Title of the page at content path in this edition (the build's graph). */
static const char *
current_title(struct hb_arena *a, const struct hb_graph *g, const struct hb_change *c)
{
	const struct hb_node *n = hb_map_get(&g->by_path, c->new_path);

	return n ? n->page->title : hb_changes_title(a, c->new_path, c->new_text, c->new_len);
}

static void
add_diff(struct hb_arena *a, struct hb_value *item, const struct hb_change *c)
{
	struct hb_buf html = HB_BUF_INIT;
	struct hb_wdiff_stats st;

	hb_wdiff_html(&html, c->old_text, c->old_len, c->new_text, c->new_len, &st);
	add_string(a, item, "diff", hb_arena_strndup(a, html.buf, html.len));
	add_string(a, item, "deleted", hb_arena_printf(a, "%zu", st.words_deleted));
	add_string(a, item, "inserted", hb_arena_printf(a, "%zu", st.words_inserted));
	hb_buf_free(&html);
}

struct hb_value *
hb_changes_view(struct hb_arena *a, const struct hb_graph *g, const struct hb_editions *e,
    size_t edition, const char *prefix, const char *self)
{
	struct hb_value *view = new_value(a, HB_VALUE_MAP), *lists[4];
	static const char *const names[] = { "added", "removed", "renamed", "changed" };
	const struct hb_edition *ed = &e->v[edition], *prev = edition ? &e->v[edition - 1] : NULL;
	size_t i;

	if (prev != NULL) {
		add_string(a, view, "since", prev->tag);
		add_string(a, view, "since_date", prev->date);
		add_string(a, view, "since_url", url_to(a, self, prev->prefix, "index.html"));
	}
	/* The lists are filled apart and added last: adding to a value moves its items. */
	for (i = 0; i < 4; i++)
		lists[i] = new_value(a, HB_VALUE_LIST);
	for (i = 0; i < ed->n_changes; i++) {
		const struct hb_change *c = &ed->changes[i];
		struct hb_value *item = add(a, lists[c->kind], NULL, HB_VALUE_MAP);

		if (c->kind == HB_CHANGE_REMOVED) {
			add_string(a, item, "title", hb_changes_title(a, c->old_path, c->old_text,
			    c->old_len));
			add_string(a, item, "url", url_to(a, self, prev ? prev->prefix : "",
			    hb_editions_out_path(a, c->old_path)));
			continue;
		}
		add_string(a, item, "title", current_title(a, g, c));
		add_string(a, item, "url", url_to(a, self, prefix,
		    hb_editions_out_path(a, c->new_path)));
		if (c->kind == HB_CHANGE_RENAMED) {
			add_string(a, item, "old_url", url_to(a, self, prev ? prev->prefix : "",
			    hb_editions_out_path(a, c->old_path)));
			if (c->old_len == c->new_len && memcmp(c->old_text, c->new_text, c->old_len) == 0)
				continue;
		}
		if (c->kind != HB_CHANGE_ADDED)
			add_diff(a, item, c);
	}
	for (i = 0; i < 4; i++)
		*add(a, view, names[i], HB_VALUE_LIST) = *lists[i];
	return view;
}
