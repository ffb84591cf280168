/*
 * Unit tests for graph.h: name resolution, link and reference checks, relative hrefs, sections,
 * reading order, prev/next and backlinks. Pages are parsed from text with page.h and markdown.h.
 */
#include "unit.h"

#include "graph.h"

#define MAX_NODES 16

struct fx {
	struct hb_arena a;
	struct hb_diag d;
	struct hb_node nodes[MAX_NODES];
	size_t n;
	struct hb_graph g;
	int is_built;
};

static int
group_setup(void **state)
{
	(void)state;
	hb_markdown_init();
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	hb_arena_init(&f->a);
	hb_diag_init(&f->d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	size_t i;

	if (f->is_built)
		hb_graph_free(&f->g);
	for (i = 0; i < f->n; i++)
		hb_doc_free(&f->nodes[i].doc);
	hb_arena_free(&f->a);
	hb_diag_free(&f->d);
	free(f);
	return 0;
}

/* Adds content/<path>: "---\n" + yaml + "---\n" + body. Returns the node. */
static struct hb_node *
add(struct fx *f, const char *path, const char *yaml, const char *body)
{
	struct hb_node *node = &f->nodes[f->n++];
	struct hb_file file;
	size_t len = strlen(yaml) + strlen(body) + 16;
	char *text = malloc(len);

	assert_true(f->n <= MAX_NODES);
	snprintf(text, len, "---\n%s---\n%s", yaml, body);
	memset(&file, 0, sizeof(file));
	file.path = (char *)path;
	file.data = text;
	file.len = strlen(text);
	node->page = hb_arena_alloc(&f->a, sizeof(struct hb_page));
	assert_int_equal(hb_page_parse(node->page, &f->a, &file, "content", &f->d), 0);
	assert_int_equal(hb_markdown_parse(&node->doc, node->page, &f->a, &f->d), 0);
	assert_int_equal(f->d.n, 0);
	free(text);
	return node;
}

static size_t
build(struct fx *f, const char *const *order)
{
	size_t errors = hb_graph_build(&f->g, f->nodes, f->n, order, 1, &f->a, &f->d), i;

	f->is_built = 1;
	for (i = 0; i < f->n; i++)
		hb_graph_set_hrefs(&f->nodes[i], &f->a);	/* as each page is rendered */
	return errors;
}

static const char *
id_of(const struct hb_node *n)
{
	return n ? n->page->id : "(null)";
}

static void
test_graph__lookup_by_id_alias_and_title(void **state)
{
	struct fx *f = *state;
	struct hb_node *kishi;

	kishi = add(f, "people/kishi.md", "title: Kishi Nobuo\naliases: [Minister Kishi]\n", "");
	add(f, "people/inada.md", "title: Inada Tomomi\n", "");
	build(f, NULL);
	assert_ptr_equal(hb_graph_lookup(&f->g, "kishi"), kishi);
	assert_ptr_equal(hb_graph_lookup(&f->g, "Minister Kishi"), kishi);
	assert_ptr_equal(hb_graph_lookup(&f->g, "MINISTER kishi"), kishi);
	assert_ptr_equal(hb_graph_lookup(&f->g, "Kishi Nobuo"), kishi);
	assert_ptr_equal(hb_graph_lookup(&f->g, "kishi nobuo"), kishi);
	assert_string_equal(id_of(hb_graph_lookup(&f->g, "inada tomomi")), "inada");
	assert_null(hb_graph_lookup(&f->g, "Kishi Nobu"));
	assert_null(hb_graph_lookup(&f->g, "nobody"));
	assert_null(hb_graph_lookup(&f->g, ""));
}

static void
test_graph__id_before_alias_before_title(void **state)
{
	struct fx *f = *state;
	struct hb_node *by_id, *by_alias;

	by_id = add(f, "x.md", "title: Page X\n", "");
	add(f, "other.md", "title: Other\naliases: [x]\n", "");
	by_alias = add(f, "y-alias.md", "title: Holder\naliases: [Shared Name]\n", "");
	add(f, "y-title.md", "title: Shared Name\n", "");
	build(f, NULL);
	assert_ptr_equal(hb_graph_lookup(&f->g, "x"), by_id);
	assert_ptr_equal(hb_graph_lookup(&f->g, "shared name"), by_alias);
	assert_int_equal(ut_count(&f->d, HB_ERROR), 0);
}

static void
test_graph__ids_are_case_sensitive(void **state)
{
	struct fx *f = *state;

	add(f, "abc.md", "title: Something\n", "");
	build(f, NULL);
	assert_non_null(hb_graph_lookup(&f->g, "abc"));
	assert_null(hb_graph_lookup(&f->g, "ABC"));
}

static void
test_graph__wiki_links_resolve_with_relative_hrefs(void **state)
{
	struct fx *f = *state;
	struct hb_node *a, *kishi, *home;

	a = add(f, "meetings/a.md", "title: Meeting A\n",
	    "[[kishi]] [[Minister Kishi]] [[kishi nobuo|him]] [[b]] [[meetings]] [[index]]\n");
	add(f, "meetings/b.md", "title: Meeting B\n", "");
	add(f, "meetings/_index.md", "title: Meetings\n", "");
	kishi = add(f, "people/kishi.md", "title: Kishi Nobuo\naliases: [Minister Kishi]\n",
	    "[[a]] [[deep]]\n");
	home = add(f, "_index.md", "title: Home\n", "[[kishi]] [[a]] [[deep]]\n");
	add(f, "people/japan/deep.md", "title: Deep\n", "[[kishi]] [[a]] [[index]]\n");
	assert_int_equal(build(f, NULL), 0);
	assert_string_equal(a->doc.links[0].href, "../people/kishi.html");
	assert_ptr_equal(a->doc.links[0].page, kishi->page);
	assert_string_equal(a->doc.links[1].href, "../people/kishi.html");
	assert_string_equal(a->doc.links[2].href, "../people/kishi.html");
	assert_string_equal(a->doc.links[3].href, "b.html");
	assert_string_equal(a->doc.links[4].href, "index.html");
	assert_string_equal(a->doc.links[5].href, "../index.html");
	assert_string_equal(kishi->doc.links[0].href, "../meetings/a.html");
	assert_string_equal(kishi->doc.links[1].href, "japan/deep.html");
	assert_string_equal(home->doc.links[0].href, "people/kishi.html");
	assert_string_equal(home->doc.links[1].href, "meetings/a.html");
	assert_string_equal(home->doc.links[2].href, "people/japan/deep.html");
	assert_string_equal(f->nodes[5].doc.links[0].href, "../kishi.html");
	assert_string_equal(f->nodes[5].doc.links[1].href, "../../meetings/a.html");
	assert_string_equal(f->nodes[5].doc.links[2].href, "../../index.html");
}

/* The graph resolves every link; a URL is made only for a page about to be rendered. */
static void
test_graph__hrefs_are_made_for_the_pages_asked(void **state)
{
	struct fx *f = *state;
	struct hb_node *a, *b;

	a = add(f, "meetings/a.md", "title: A\n", "[[b]] [[b#top]] [[#top]]\n\n# Top\n");
	b = add(f, "people/b.md", "title: B\n", "# Top\n\n[[a]]\n");
	assert_int_equal(hb_graph_build(&f->g, f->nodes, f->n, NULL, 1, &f->a, &f->d), 0);
	f->is_built = 1;
	assert_ptr_equal(a->doc.links[0].to, b);
	assert_ptr_equal(b->doc.links[0].to, a);
	assert_null(a->doc.links[0].href);
	assert_null(b->doc.links[0].href);
	hb_graph_set_hrefs(a, &f->a);
	assert_string_equal(a->doc.links[0].href, "../people/b.html");
	assert_string_equal(a->doc.links[1].href, "../people/b.html#top");
	assert_string_equal(a->doc.links[2].href, "#top");
	assert_null(b->doc.links[0].href);
}

static void
test_graph__unresolved_link_with_suggestion(void **state)
{
	struct fx *f = *state;
	const struct hb_diag_entry *e;
	struct hb_node *a;

	a = add(f, "meetings/x.md", "title: X\n", "Chaired by\nminister [[kisi]].\n");
	add(f, "people/kishi.md", "title: Kishi Nobuo\n", "");
	assert_int_equal(build(f, NULL), 1);
	e = ut_assert_error_at(&f->d, "unresolved link 'kisi'", "content/meetings/x.md", 5, 10);
	assert_non_null(e->note);
	assert_string_equal(e->note, "did you mean 'kishi'?");
	assert_null(a->doc.links[0].page);
	assert_null(a->doc.links[0].href);
}

static void
test_graph__suggestion_from_titles_and_aliases(void **state)
{
	struct fx *f = *state;
	const struct hb_diag_entry *e;

	add(f, "a.md", "title: A\n", "[[Vientiane Vison]] [[jasmin]]\n");
	add(f, "vv.md", "title: Vientiane Vision\n", "");
	add(f, "j.md", "title: Japan-ASEAN Ship Rider\naliases: [JASMINE]\n", "");
	assert_int_equal(build(f, NULL), 2);
	e = ut_assert_error_at(&f->d, "unresolved link 'Vientiane Vison'", "content/a.md", 4, 1);
	assert_string_equal(e->note, "did you mean 'Vientiane Vision'?");
	e = ut_assert_error_at(&f->d, "unresolved link 'jasmin'", "content/a.md", 4, 21);
	assert_string_equal(e->note, "did you mean 'JASMINE'?");
}

static void
test_graph__unresolved_link_without_near_name(void **state)
{
	struct fx *f = *state;
	const struct hb_diag_entry *e;

	add(f, "a.md", "title: A\n", "[[completely-different-name]]\n");
	add(f, "kishi.md", "title: Kishi Nobuo\n", "");
	assert_int_equal(build(f, NULL), 1);
	e = ut_assert_error_at(&f->d, "unresolved link", "content/a.md", 4, 1);
	assert_null(e->note);
}

static void
test_graph__ambiguous_alias_is_an_error(void **state)
{
	struct fx *f = *state;

	add(f, "a.md", "title: A\naliases: [JSDF]\n", "");
	add(f, "b.md", "title: B\naliases:\n  - other\n  - jsdf\n", "");
	add(f, "c.md", "title: C\n", "[[jsdf]]\n");
	/* Two pages may share an alias (a warning); only a link that uses it is an error. */
	assert_int_equal(build(f, NULL), 1);
	ut_assert_at_impl(&f->d, HB_WARNING, "alias 'jsdf' is also an alias of 'a'", "content/b.md",
	    5, 5, __FILE__, __LINE__);
	ut_assert_error_at(&f->d, "ambiguous link 'jsdf': 'a' (content/a.md) and 'b' (content/b.md)",
	    "content/c.md", 4, 1);
	assert_null(hb_graph_lookup(&f->g, "JSDF"));
	assert_string_equal(id_of(hb_graph_lookup(&f->g, "other")), "b");
}

static void
test_graph__ambiguous_title_link_is_an_error(void **state)
{
	struct fx *f = *state;

	add(f, "m/a.md", "title: Tokyo Meeting\n", "");
	add(f, "m/b.md", "title: tokyo meeting\n", "");
	add(f, "c.md", "title: C\n", "See [[Tokyo Meeting]].\n");
	assert_int_equal(build(f, NULL), 1);
	ut_assert_error_at(&f->d, "ambiguous link 'Tokyo Meeting'", "content/c.md", 4, 5);
	assert_null(hb_graph_lookup(&f->g, "tokyo meeting"));
	/* The ids still work. */
	assert_string_equal(id_of(hb_graph_lookup(&f->g, "a")), "a");
}

static void
test_graph__duplicate_id_is_an_error(void **state)
{
	struct fx *f = *state;
	const struct hb_diag_entry *e;

	add(f, "meetings/x.md", "title: X meeting\n", "");
	add(f, "people/x.md", "title: X person\n", "");
	add(f, "people/y.md", "title: Y\nid: x\n", "");
	assert_int_equal(build(f, NULL), 2);
	e = ut_assert_error_at(&f->d, "duplicate page id 'x'", "content/people/x.md", 1, 1);
	assert_non_null(strstr(e->msg, "content/meetings/x.md"));
	assert_int_equal(f->d.v[1].level, HB_ERROR);
	assert_string_equal(f->d.v[1].path, "content/people/y.md");
	assert_string_equal(f->d.v[1].msg, "duplicate page id 'x' (also content/meetings/x.md)");
}

static void
test_graph__heading_fragment_is_checked(void **state)
{
	struct fx *f = *state;
	const struct hb_diag_entry *e;
	struct hb_node *a;

	a = add(f, "meetings/a.md", "title: A\n",
	    "[[kishi#career]] [[kishi#carer]]\n[[kishi#zzzzzzzzzzzzzz]]\n");
	add(f, "people/kishi.md", "title: Kishi Nobuo\n", "## Early Life\n\n## Career\n");
	assert_int_equal(build(f, NULL), 2);
	assert_string_equal(a->doc.links[0].href, "../people/kishi.html#career");
	assert_non_null(a->doc.links[0].page);
	e = ut_assert_error_at(&f->d, "page 'kishi' has no heading with anchor '#carer'",
	    "content/meetings/a.md", 4, 18);
	assert_string_equal(e->note, "did you mean '#career'?");
	e = ut_assert_error_at(&f->d, "'#zzzzzzzzzzzzzz'", "content/meetings/a.md", 5, 1);
	assert_null(e->note);
	assert_null(a->doc.links[1].href);
}

static void
test_graph__fragment_only_link_targets_own_page(void **state)
{
	struct fx *f = *state;
	struct hb_node *a;

	a = add(f, "people/a.md", "title: A\n",
	    "## Background\n\nSee [[#background]] and [[#backgruond]].\n");
	assert_int_equal(build(f, NULL), 1);
	assert_string_equal(a->doc.links[0].href, "#background");
	assert_ptr_equal(a->doc.links[0].page, a->page);
	ut_assert_error_at(&f->d, "no heading with anchor '#backgruond'", "content/people/a.md",
	    6, 25);
	/* A link to itself is not a backlink. */
	assert_int_equal(a->n_backlinks, 0);
}

static void
test_graph__md_links_resolve_by_path(void **state)
{
	struct fx *f = *state;
	struct hb_node *a;

	a = add(f, "meetings/a.md", "title: A\n",
	    "[k](../people/kishi.md) [b](b.md) [b2](./b.md) [c](../people/kishi.md#career)\n"
	    "[i](_index.md) [h](../_index.md)\n");
	add(f, "meetings/b.md", "title: B\n", "");
	add(f, "meetings/_index.md", "title: Meetings\n", "");
	add(f, "people/kishi.md", "title: Kishi\n", "## Career\n");
	add(f, "_index.md", "title: Home\n", "");
	assert_int_equal(build(f, NULL), 0);
	assert_string_equal(a->doc.links[0].href, "../people/kishi.html");
	assert_string_equal(a->doc.links[1].href, "b.html");
	assert_string_equal(a->doc.links[2].href, "b.html");
	assert_string_equal(a->doc.links[3].href, "../people/kishi.html#career");
	assert_string_equal(a->doc.links[4].href, "index.html");
	assert_string_equal(a->doc.links[5].href, "../index.html");
	assert_string_equal(a->doc.links[0].page->id, "kishi");
}

static void
test_graph__broken_md_links_are_errors(void **state)
{
	struct fx *f = *state;

	add(f, "meetings/a.md", "title: A\n",
	    "[x](nothere.md) and [y](../../escape.md)\n[z](../people/kishi.md#nope)\n");
	add(f, "people/kishi.md", "title: Kishi\n", "## Career\n");
	assert_int_equal(build(f, NULL), 3);
	ut_assert_error_at(&f->d, "unresolved link 'nothere.md'", "content/meetings/a.md", 4, 5);
	ut_assert_error_at(&f->d, "unresolved link '../../escape.md'", "content/meetings/a.md",
	    4, 25);
	ut_assert_error_at(&f->d, "no heading with anchor '#nope'", "content/meetings/a.md", 5, 5);
}

static void
test_graph__sources_must_be_of_type_source(void **state)
{
	struct fx *f = *state;

	add(f, "meetings/a.md",
	    "title: A\nsources:\n  - mod-2016\n  - kishi\n  - nowhere\n", "");
	add(f, "sources/mod-2016.md", "title: MoD release 2016\ntype: source\n", "");
	add(f, "people/kishi.md", "title: Kishi\ntype: person\n", "");
	assert_int_equal(build(f, NULL), 2);
	ut_assert_error_at(&f->d, "'kishi' in 'sources' is not a page of type 'source'",
	    "content/meetings/a.md", 5, 5);
	ut_assert_error_at(&f->d, "unresolved sources 'nowhere'", "content/meetings/a.md", 6, 5);
}

static void
test_graph__participants_and_related_are_resolved(void **state)
{
	struct fx *f = *state;
	const struct hb_diag_entry *e;

	add(f, "meetings/a.md",
	    "title: A\nparticipants: [Kishi Nobuo, kishy]\nrelated: [vv, missing-page]\n", "");
	add(f, "people/kishi.md", "title: Kishi Nobuo\n", "");
	add(f, "vv.md", "title: Vientiane Vision\n", "");
	assert_int_equal(build(f, NULL), 2);
	e = ut_assert_error_at(&f->d, "unresolved participants 'kishy'", "content/meetings/a.md",
	    3, 29);
	assert_string_equal(e->note, "did you mean 'kishi'?");
	ut_assert_error_at(&f->d, "unresolved related 'missing-page'", "content/meetings/a.md",
	    4, 15);
}

static void
test_graph__backlinks_unique_and_in_reading_order(void **state)
{
	struct fx *f = *state;
	struct hb_node *t, *a, *b, *c;

	t = add(f, "people/t.md", "title: Target\n", "[[t]] links to itself.\n");
	b = add(f, "people/b.md", "title: B\nweight: 3\n", "[[t]]\n");
	a = add(f, "people/a.md", "title: A\nweight: 2\n", "[[t]] and [[Target]] and [t](t.md)\n");
	c = add(f, "people/c.md", "title: C\nweight: 1\nrelated: [t]\n", "");
	assert_int_equal(build(f, NULL), 0);
	assert_int_equal(t->n_backlinks, 3);
	assert_ptr_equal(t->backlinks[0].from, c);
	assert_ptr_equal(t->backlinks[1].from, a);
	assert_ptr_equal(t->backlinks[2].from, b);
	assert_int_equal(a->n_backlinks, 0);
	assert_int_equal(b->n_backlinks, 0);
}

static void
test_graph__references_count_as_backlinks(void **state)
{
	struct fx *f = *state;
	struct hb_node *src, *person;

	add(f, "meetings/m.md", "title: M\nsources: [src]\nparticipants: [person]\n", "");
	src = add(f, "sources/src.md", "title: Src\ntype: source\n", "");
	person = add(f, "people/person.md", "title: Person\n", "");
	assert_int_equal(build(f, NULL), 0);
	assert_int_equal(src->n_backlinks, 1);
	assert_string_equal(src->backlinks[0].from->page->id, "m");
	assert_int_equal(person->n_backlinks, 1);
}

static void
test_graph__sections_in_configured_order(void **state)
{
	struct fx *f = *state;
	const char *const order[] = { "people", "meetings", "unused", NULL };
	const char *want[] = { "", "people", "meetings", "alpha", "zeta" };
	size_t i;

	add(f, "zeta/z.md", "title: Z\n", "");
	add(f, "meetings/m.md", "title: M\n", "");
	add(f, "alpha/a.md", "title: A\n", "");
	add(f, "about.md", "title: About\n", "");
	add(f, "people/p.md", "title: P\n", "");
	build(f, order);
	assert_int_equal(f->g.n_sections, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(f->g.sections[i].name, want[i]);
	assert_int_equal(f->g.n_nodes, 5);
	assert_string_equal(f->g.order[0]->page->id, "about");
	assert_string_equal(f->g.order[1]->page->id, "p");
	assert_string_equal(f->g.order[2]->page->id, "m");
	assert_string_equal(f->g.order[3]->page->id, "a");
	assert_string_equal(f->g.order[4]->page->id, "z");
}

static void
test_graph__sections_without_order_are_alphabetical(void **state)
{
	struct fx *f = *state;

	add(f, "b/x.md", "title: X\n", "");
	add(f, "a/y.md", "title: Y\n", "");
	build(f, NULL);
	assert_int_equal(f->g.n_sections, 2);
	assert_string_equal(f->g.sections[0].name, "a");
	assert_string_equal(f->g.sections[1].name, "b");
}

static void
test_graph__reading_order_and_prev_next(void **state)
{
	struct fx *f = *state;
	const char *const order[] = { "meetings", NULL };
	/* Titles compare without case: "alpha" before "Beta". */
	const char *want[] = { "index", "home-page", "meetings", "w1", "alpha", "beta", "w9" };
	size_t i;

	add(f, "meetings/w9.md", "title: W9\nweight: 9\n", "");
	add(f, "meetings/beta.md", "title: Beta\n", "");
	add(f, "meetings/_index.md", "title: Meetings\n", "");
	add(f, "meetings/alpha.md", "title: alpha\n", "");
	add(f, "meetings/w1.md", "title: W1\nweight: -1\n", "");
	add(f, "home-page.md", "title: Home page\n", "");
	add(f, "_index.md", "title: Home\n", "");
	build(f, order);
	assert_int_equal(f->g.n_nodes, 7);
	for (i = 0; i < 7; i++) {
		const struct hb_node *n = f->g.order[i];

		if (strcmp(n->page->id, want[i]) != 0)
			print_message("order[%zu] = %s, want %s\n", i, n->page->id, want[i]);
		assert_string_equal(n->page->id, want[i]);
		assert_int_equal(n->order, i);
		assert_ptr_equal(n->prev, i > 0 ? f->g.order[i - 1] : NULL);
		assert_ptr_equal(n->next, i + 1 < 7 ? f->g.order[i + 1] : NULL);
	}
	/* Sections: the index apart, the other pages in reading order. */
	assert_string_equal(f->g.sections[0].name, "");
	assert_string_equal(f->g.sections[0].index->page->id, "index");
	assert_int_equal(f->g.sections[0].n_pages, 1);
	assert_string_equal(f->g.sections[1].name, "meetings");
	assert_string_equal(f->g.sections[1].index->page->id, "meetings");
	assert_int_equal(f->g.sections[1].n_pages, 4);
	assert_string_equal(f->g.sections[1].pages[0]->page->id, "w1");
	assert_string_equal(f->g.sections[1].pages[3]->page->id, "w9");
	for (i = 0; i < 7; i++)
		assert_non_null(f->nodes[i].section);
	assert_ptr_equal(f->nodes[0].section, &f->g.sections[1]);
	assert_ptr_equal(f->nodes[5].section, &f->g.sections[0]);
}

static void
test_graph__section_without_index_page(void **state)
{
	struct fx *f = *state;

	add(f, "people/a.md", "title: A\n", "");
	add(f, "people/sub/_index.md", "title: Sub\n", "");
	build(f, NULL);
	assert_int_equal(f->g.n_sections, 1);
	assert_null(f->g.sections[0].index);
	/* A nested folder's _index is an ordinary page of the section. */
	assert_int_equal(f->g.sections[0].n_pages, 2);
	assert_int_equal(f->g.n_nodes, 2);
}

static void
test_graph__orphans_and_pages_without_sources_warn(void **state)
{
	struct fx *f = *state;

	add(f, "_index.md", "title: Home\n", "[[linked]]\n");
	add(f, "linked.md", "title: Linked\nsources: [s]\n", "");
	add(f, "orphan.md", "title: Orphan\n", "");
	add(f, "s.md", "title: S\ntype: source\n", "[[orphan]]\n");
	assert_int_equal(build(f, NULL), 0);
	assert_int_equal(f->d.n_errors, 0);
	ut_assert_at_impl(&f->d, HB_WARNING, "page 'orphan' lists no sources", "content/orphan.md",
	    1, 1, __FILE__, __LINE__);
	ut_assert_at_impl(&f->d, HB_WARNING, "page 's' lists no sources", "content/s.md", 1, 1,
	    __FILE__, __LINE__);
	assert_null(ut_find(&f->d, HB_WARNING, "'linked' lists no sources"));
	assert_null(ut_find(&f->d, HB_WARNING, "'index'"));	/* index pages are exempt */
	assert_null(ut_find(&f->d, HB_WARNING, "'orphan' is not linked"));
	assert_null(ut_find(&f->d, HB_WARNING, "'linked' is not linked"));
	assert_null(ut_find(&f->d, HB_WARNING, "'s' is not linked"));	/* referenced */
	assert_int_equal(f->d.n_warnings, 2);
}

static void
test_graph__orphan_page_warns(void **state)
{
	struct fx *f = *state;

	add(f, "alone.md", "title: Alone\nsources: [s]\n", "");
	add(f, "s.md", "title: S\ntype: source\n", "[[s]]\n");
	assert_int_equal(build(f, NULL), 0);
	ut_assert_at_impl(&f->d, HB_WARNING, "page 'alone' is not linked from any other page",
	    "content/alone.md", 1, 1, __FILE__, __LINE__);
}

static void
test_graph__empty_site(void **state)
{
	struct fx *f = *state;

	assert_int_equal(build(f, NULL), 0);
	assert_int_equal(f->g.n_nodes, 0);
	assert_int_equal(f->g.n_sections, 0);
	assert_null(hb_graph_lookup(&f->g, "x"));
}

/* A large site (enough pages that its links are resolved on two threads), built with threads:
 * page i links to page i + 1 and cites the source page 0; broken_at, when not 0, links to no
 * page. Returns its nodes, the graph in *g. */
#define LARGE 1200
static struct hb_node *
build_large(struct hb_graph *g, int threads, size_t broken_at, struct hb_arena *a,
    struct hb_diag *d)
{
	struct hb_node *nodes = calloc(LARGE, sizeof(*nodes));
	size_t i;

	for (i = 0; i < LARGE; i++) {
		char path[32], text[256];
		struct hb_file file;

		snprintf(path, sizeof(path), "notes/p%zu.md", i);
		snprintf(text, sizeof(text), "---\ntitle: Page %zu\n%s---\nSee [[p%zu]] and "
		    "[[%s]].\n", i, i == 0 ? "type: source\n" : "sources: [p0]\n",
		    (i + 1) % LARGE, i == broken_at && i > 0 ? "nowhere" : "Page 0");
		memset(&file, 0, sizeof(file));
		file.path = path;
		file.data = text;
		file.len = strlen(text);
		nodes[i].page = hb_arena_alloc(a, sizeof(struct hb_page));
		assert_int_equal(hb_page_parse(nodes[i].page, a, &file, "content", d), 0);
		assert_int_equal(hb_markdown_parse(&nodes[i].doc, nodes[i].page, a, d), 0);
	}
	hb_graph_build(g, nodes, LARGE, NULL, threads, a, d);
	return nodes;
}

static void
free_large(struct hb_graph *g, struct hb_node *nodes)
{
	size_t i;

	hb_graph_free(g);
	for (i = 0; i < LARGE; i++)
		hb_doc_free(&nodes[i].doc);
	free(nodes);
}

/* Two threads resolve a large site's links as one does: the same targets, references and
 * backlinks, and with a broken link in either half, the same diagnostics. */
static void
test_graph__two_threads_resolve_as_one(void **state)
{
	const size_t broken[] = { 0, 100, 1100 };
	size_t b, i, j;

	(void)state;
	for (b = 0; b < sizeof(broken) / sizeof(*broken); b++) {
		struct hb_arena a1, a2;
		struct hb_diag d1, d2;
		struct hb_graph g1, g2;
		struct hb_node *one, *two;

		hb_arena_init(&a1);
		hb_arena_init(&a2);
		hb_diag_init(&d1);
		hb_diag_init(&d2);
		one = build_large(&g1, 1, broken[b], &a1, &d1);
		two = build_large(&g2, 2, broken[b], &a2, &d2);
		for (i = 0; i < LARGE; i++) {
			assert_int_equal(two[i].doc.n_links, one[i].doc.n_links);
			for (j = 0; j < one[i].doc.n_links; j++) {
				const struct hb_node *t1 = one[i].doc.links[j].to;
				const struct hb_node *t2 = two[i].doc.links[j].to;

				assert_true(t1 == NULL ? t2 == NULL : t2 == two + (t1 - one));
			}
			assert_int_equal(two[i].n_backlinks, one[i].n_backlinks);
			if (i > 0)
				assert_ptr_equal(two[i].refs_to[0], two);
		}
		assert_ptr_equal(one[LARGE - 1].doc.links[0].to, one);
		assert_int_equal(d2.n, d1.n);
		assert_int_equal(d1.n_errors, broken[b] ? 1 : 0);
		for (i = 0; i < d1.n; i++) {
			assert_string_equal(d2.v[i].msg, d1.v[i].msg);
			assert_int_equal(d2.v[i].line, d1.v[i].line);
			assert_string_equal(d2.v[i].path, d1.v[i].path);
		}
		free_large(&g1, one);
		free_large(&g2, two);
		hb_arena_free(&a1);
		hb_arena_free(&a2);
		hb_diag_free(&d1);
		hb_diag_free(&d2);
	}
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_graph__lookup_by_id_alias_and_title),
		T(test_graph__id_before_alias_before_title),
		T(test_graph__ids_are_case_sensitive),
		T(test_graph__wiki_links_resolve_with_relative_hrefs),
		T(test_graph__hrefs_are_made_for_the_pages_asked),
		T(test_graph__unresolved_link_with_suggestion),
		T(test_graph__suggestion_from_titles_and_aliases),
		T(test_graph__unresolved_link_without_near_name),
		T(test_graph__ambiguous_alias_is_an_error),
		T(test_graph__ambiguous_title_link_is_an_error),
		T(test_graph__duplicate_id_is_an_error),
		T(test_graph__heading_fragment_is_checked),
		T(test_graph__fragment_only_link_targets_own_page),
		T(test_graph__md_links_resolve_by_path),
		T(test_graph__broken_md_links_are_errors),
		T(test_graph__sources_must_be_of_type_source),
		T(test_graph__participants_and_related_are_resolved),
		T(test_graph__backlinks_unique_and_in_reading_order),
		T(test_graph__references_count_as_backlinks),
		T(test_graph__sections_in_configured_order),
		T(test_graph__sections_without_order_are_alphabetical),
		T(test_graph__reading_order_and_prev_next),
		T(test_graph__section_without_index_page),
		T(test_graph__orphans_and_pages_without_sources_warn),
		T(test_graph__orphan_page_warns),
		T(test_graph__empty_site),
		cmocka_unit_test(test_graph__two_threads_resolve_as_one),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
