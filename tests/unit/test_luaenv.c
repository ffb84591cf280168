/*
 * Unit tests for luaenv.h: the sandbox templates run in. Each test builds a tiny theme in memory
 * (a struct hb_source of "layouts/..." files) and renders pages of a three-page site:
 *
 *     _index.md            "Home"          index.html
 *     meetings/dmim-2.md   "Second DMIM"   meetings/dmim-2.html
 *     people/kishi.md      "Kishi Nobuo"   people/kishi.html
 */
#include "unit.h"

#include "luaenv.h"

#define THEME "themes/t"

struct fx {
	struct hb_arena a;
	struct hb_diag d;
	struct hb_node nodes[3];
	size_t n;
	struct hb_graph g;
	struct hb_config cfg;
	struct hb_history hist;		/* unavailable unless a test fills it */
	struct hb_source theme;
	struct hb_luaenv *env;
	struct hb_buf out;
};

static const char *no_sections[] = { NULL };

static int
group_setup(void **state)
{
	(void)state;
	hb_markdown_init();
	return 0;
}

static void
add_page(struct fx *f, const char *path, const char *yaml, const char *body)
{
	struct hb_node *node = &f->nodes[f->n++];
	struct hb_file file;
	size_t len = strlen(yaml) + strlen(body) + 16;
	char *text = malloc(len);

	snprintf(text, len, "---\n%s---\n%s", yaml, body);
	memset(&file, 0, sizeof(file));
	file.path = (char *)path;
	file.data = text;
	file.len = strlen(text);
	node->page = hb_arena_alloc(&f->a, sizeof(struct hb_page));
	assert_int_equal(hb_page_parse(node->page, &f->a, &file, "content", &f->d), 0);
	assert_int_equal(hb_markdown_parse(&node->doc, node->page, &f->a, &f->d), 0);
	free(text);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	hb_arena_init(&f->a);
	hb_diag_init(&f->d);
	hb_buf_init(&f->out);
	add_page(f, "_index.md", "title: Home\n", "Welcome. [[dmim-2]]\n");
	add_page(f, "meetings/dmim-2.md",
	    "title: Second DMIM\ndate: 2016-11-16\nsummary: In Vientiane\n"
	    "tags: [defence, asean]\nrelated: [kishi]\ncustom: kept\nsources: [kishi]\n",
	    "## Outcomes\n\nChaired by [[kishi]].\n");
	add_page(f, "people/kishi.md",
	    "title: Kishi Nobuo\ntype: person\naliases: [Minister Kishi]\n"
	    "summary: \"A & B <c> \\\"d\\\" 'e'\"\n",
	    "Attended [[dmim-2]].\n");
	hb_graph_build(&f->g, f->nodes, f->n, no_sections, 1, &f->a, &f->d);
	f->cfg.title = "Handbook & Co";
	f->cfg.description = "A test site";
	f->cfg.language = "en";
	f->cfg.base_url = "";
	f->cfg.sections = no_sections;
	hb_diag_free(&f->d);	/* the graph's warnings (no sources) do not matter here */
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	size_t i;

	hb_luaenv_free(f->env);
	hb_map_free(&f->hist.by_path);
	hb_source_free(&f->theme);
	hb_graph_free(&f->g);
	for (i = 0; i < f->n; i++)
		hb_doc_free(&f->nodes[i].doc);
	hb_buf_free(&f->out);
	hb_arena_free(&f->a);
	hb_diag_free(&f->d);
	free(f);
	return 0;
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct hb_file *)a)->path, ((const struct hb_file *)b)->path);
}

/* Adds a theme file (path relative to the theme, e.g. "layouts/page.html"). */
static void
theme_file(struct fx *f, const char *path, const char *text)
{
	struct hb_file *file;

	f->theme.files = realloc(f->theme.files, (f->theme.n_files + 1) * sizeof(*file));
	file = &f->theme.files[f->theme.n_files++];
	memset(file, 0, sizeof(*file));
	file->path = strdup(path);
	file->data = strdup(text);
	file->len = strlen(text);
	f->theme.n_alloc = f->theme.n_files;
	qsort(f->theme.files, f->theme.n_files, sizeof(*file), cmp_file);
}

/* Creates the environment over the theme and the site; returns hb_luaenv_new's result. */
static int
start(struct fx *f, size_t mem_quota, long budget)
{
	struct hb_luaenv_config lc = { &f->theme, THEME, mem_quota, budget };
	int rc = hb_luaenv_new(&f->env, &lc, &f->d);

	if (rc == 0)
		hb_luaenv_set_site(f->env, &f->g, &f->cfg, &f->hist);
	return rc;
}

/* A theme whose only layout is page.html = text, started with default budgets. */
static void
start_with(struct fx *f, const char *text)
{
	theme_file(f, "layouts/page.html", text);
	assert_int_equal(start(f, 0, 0), 0);
}

/* Renders the page with this id; returns hb_luaenv_render's result (output in f->out). */
static int
render(struct fx *f, const char *id, const char *layout, const char *content)
{
	const struct hb_node *node = hb_graph_lookup(&f->g, id);

	assert_non_null(node);
	hb_buf_reset(&f->out);
	return hb_luaenv_render(&f->out, f->env, node, content, layout, &f->d);
}

static void
assert_renders(struct fx *f, const char *id, const char *layout, const char *want)
{
	int rc = render(f, id, layout, "<p>body</p>");

	if (rc != 0 || strcmp(f->out.buf, want) != 0) {
		print_message("layout %s of %s: rc %d, got '%s', want '%s'\n", layout, id, rc,
		    f->out.buf, want);
		ut_dump(&f->d);
	}
	assert_int_equal(rc, 0);
	assert_string_equal(f->out.buf, want);
}

/* Asserts that rendering fails with an error containing needle at path:line. */
static void
assert_render_error(struct fx *f, const char *id, const char *layout, const char *needle,
    const char *path, int line)
{
	size_t before = f->d.n;
	const struct hb_diag_entry *e;

	assert_int_equal(render(f, id, layout, NULL), -1);
	assert_true(f->d.n > before);
	e = &f->d.v[f->d.n - 1];
	if (e->level != HB_ERROR || strstr(e->msg, needle) == NULL || strcmp(e->path, path) != 0 ||
	    e->line != line) {
		print_message("want error '%s' at %s:%d\n", needle, path, line);
		ut_dump(&f->d);
		fail();
	}
}

static void
test_luaenv__escaped_and_raw_output(void **state)
{
	struct fx *f = *state;

	start_with(f, "<%= page.summary %>|<%- page.summary %>|<%- page.content %>|"
	    "<%= page.content %>");
	assert_renders(f, "kishi", "page.html",
	    "A &amp; B &lt;c&gt; &quot;d&quot; &#39;e&#39;|A & B <c> \"d\" 'e'|<p>body</p>|"
	    "&lt;p&gt;body&lt;/p&gt;");
}

static void
test_luaenv__escape_helper(void **state)
{
	struct fx *f = *state;

	start_with(f, "<%- escape('<a href=\"x\">&\\'</a>') %>");
	assert_renders(f, "kishi", "page.html", "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
}

static void
test_luaenv__nil_writes_nothing(void **state)
{
	struct fx *f = *state;

	start_with(f, "[<%= page.summary %>][<%- nil %>][<%= page.venue %>]");
	assert_renders(f, "index", "page.html", "[][][]");
}

static void
test_luaenv__numbers_are_written(void **state)
{
	struct fx *f = *state;

	start_with(f, "<%= 1 + 2 %> <%= #site.pages %> <%= page.order %>");
	assert_renders(f, "kishi", "page.html", "3 3 3");
}

static void
test_luaenv__page_and_site_fields(void **state)
{
	struct fx *f = *state;

	start_with(f,
	    "<%= page.id %>|<%= page.title %>|<%= page.path %>|<%= page.section %>|"
	    "<%= page.date %>|<%= page.tags[1] %>,<%= page.tags[2] %>|"
	    "<%= page.related[1].title %>|<%= page.headings[1].anchor %>|<%= page.params.custom %>|"
	    "<%= page.prev.title %>|<%= page.next.title %>|<%= site.title %>|"
	    "<%= site.pages[1].title %>|<%= site.page('kishi').title %>|<%= #page.backlinks %>");
	assert_renders(f, "dmim-2", "page.html",
	    "dmim-2|Second DMIM|meetings/dmim-2.html|meetings|2016-11-16|defence,asean|"
	    "Kishi Nobuo|outcomes|kept|Home|Kishi Nobuo|Handbook &amp; Co|Home|Kishi Nobuo|2");
}

/*
 * A page's rich fields (lists, headings, backlinks, front matter) are filled when first read
 * and taken out after each render: every render still sees them, for any page, and a missing
 * plain field reads as nil.
 */
static void
test_luaenv__rich_fields_are_there_in_every_render(void **state)
{
	struct fx *f = *state;
	const char *layout = "<% local k = site.page('kishi') %><%= #k.backlinks %>|"
	    "<%= page.headings[1] and page.headings[1].anchor %>|<%= page.tags[1] %>|"
	    "<%= page.venue %>|<%= page.prev and page.prev.title %>|"
	    "<% local n = 0 for _ in pairs(page) do n = n + 1 end %><%= n > 20 %>";

	start_with(f, layout);
	assert_renders(f, "dmim-2", "page.html", "1|outcomes|defence||Home|true");
	assert_renders(f, "kishi", "page.html", "1||||Second DMIM|true");
	assert_renders(f, "dmim-2", "page.html", "1|outcomes|defence||Home|true");
}

/*
 * A page's plain fields are filled on its first read too (a worker may never read most
 * pages): a first read of a field the page lacks, or of pairs(), still sees all of them.
 */
static void
test_luaenv__plain_fields_are_filled_on_first_read(void **state)
{
	struct fx *f = *state;

	start_with(f, "<% local k = site.page('kishi') %><%= k.venue == nil %>|<%= k.title %>|"
	    "<%= k.path %>|<% local n = 0 for _ in pairs(site.page('dmim-2')) do n = n + 1 end %>"
	    "<%= n > 20 %>|<%= site.page('dmim-2').venue %>|<%= #site.pages %>");
	assert_renders(f, "index", "page.html",
	    "true|Kishi Nobuo|people/kishi.html|true||3");
	assert_renders(f, "kishi", "page.html",
	    "true|Kishi Nobuo|people/kishi.html|true||3");
}

/* Rich fields are filled a group at a time; each still reads right after another was read. */
static void
test_luaenv__rich_fields_filled_by_group(void **state)
{
	struct fx *f = *state;

	start_with(f, "<% local k = site.page('dmim-2') %><%= k.params.venue == nil %>|"
	    "<%= k.tags[2] %>|<%= #k.headings %>|<%= k.next and k.next.id %>|"
	    "<%= k.prev and k.prev.id %>|<%= #site.page('kishi').backlinks %>|"
	    "<%= #site.page('kishi').participated %>|<%= k.params.venue == nil %>");
	assert_renders(f, "index", "page.html", "true|asean|1|kishi|index|1|0|true");
	assert_renders(f, "kishi", "page.html", "true|asean|1|kishi|index|1|0|true");
}

static void
test_luaenv__sections_view(void **state)
{
	struct fx *f = *state;

	start_with(f, "<% for _, s in ipairs(site.sections) do %>[<%= s.name %>:<%= #s.pages %>]"
	    "<% end %>");
	assert_renders(f, "index", "page.html", "[:0][meetings:1][people:1]");
}

static void
test_luaenv__include_partial_with_context(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/partials/x.html", "[<%= ctx.n %>:<%= page.id %>]");
	start_with(f, "<% include('x', {n = 1}) %><% include('x', {n = 2}) %>"
	    "<% include('partials/x.html', {n = 3}) %>");
	assert_renders(f, "kishi", "page.html", "[1:kishi][2:kishi][3:kishi]");
}

static void
test_luaenv__nested_includes_restore_environment(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/partials/r.html",
	    "<%= ctx.n %><% if ctx.n < 3 then include('r', {n = ctx.n + 1}) end %><%= ctx.n %>");
	theme_file(f, "layouts/partials/outer.html",
	    "(<%= ctx.name %><% include('r', {n = 1}) %><%= ctx.name %>)");
	start_with(f, "<% include('outer', {name = 'o'}) %>|<% include('r', {n = 9}) %>");
	assert_renders(f, "kishi", "page.html", "(o123321o)|99");
}

static void
test_luaenv__partial_globals_stay_in_partial(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/partials/setter.html", "<% x = 'inner' %><%= x %>");
	start_with(f, "<% x = 'outer' %><% include('setter') %>,<%= x %>");
	assert_renders(f, "kishi", "page.html", "inner,outer");
}

static void
test_luaenv__each_render_gets_fresh_globals(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/set.html", "<% leftover = 'x' %>set");
	theme_file(f, "layouts/get.html", "<%= leftover %>");
	assert_int_equal(start(f, 0, 0), 0);
	assert_renders(f, "kishi", "set.html", "set");
	assert_render_error(f, "kishi", "get.html", "leftover", THEME "/layouts/get.html", 1);
}

static void
test_luaenv__include_of_unknown_partial(void **state)
{
	struct fx *f = *state;

	start_with(f, "a\n<% include('nope') %>");
	assert_render_error(f, "kishi", "page.html", "nope", THEME "/layouts/page.html", 2);
}

static void
test_luaenv__undefined_global_is_located(void **state)
{
	struct fx *f = *state;

	start_with(f, "<h1><%= page.title %></h1>\n\n<p><%= pgae.title %></p>\n");
	assert_render_error(f, "kishi", "page.html", "undefined global 'pgae'",
	    THEME "/layouts/page.html", 3);
}

static void
test_luaenv__error_in_partial_is_located_in_partial(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/partials/bad.html", "fine\nfine\n<%= oops %>");
	start_with(f, "<% include('bad') %>");
	assert_render_error(f, "kishi", "page.html", "undefined global 'oops'",
	    THEME "/layouts/partials/bad.html", 3);
}

static void
test_luaenv__runtime_error_is_located(void **state)
{
	struct fx *f = *state;

	start_with(f, "1\n2\n3\n<%= page.title .. nil %>\n");
	assert_render_error(f, "kishi", "page.html", "concatenate", THEME "/layouts/page.html", 4);
}

static void
test_luaenv__error_with_table_value(void **state)
{
	struct fx *f = *state;

	start_with(f, "<% error({}) %>");
	assert_int_equal(render(f, "kishi", "page.html", NULL), -1);
	assert_int_equal(f->d.n_errors, 1);
	assert_non_null(strstr(f->d.v[0].path, "page.html"));
}

static void
test_luaenv__missing_layout_is_an_error(void **state)
{
	struct fx *f = *state;

	start_with(f, "x");
	assert_int_equal(render(f, "kishi", "meeting.html", NULL), -1);
	assert_non_null(ut_find(&f->d, HB_ERROR, "meeting.html"));
}

static void
test_luaenv__forbidden_globals_are_undefined(void **state)
{
	static const char *const names[] = {
		"io", "os", "require", "load", "loadfile", "dofile", "debug", "package", "print",
		"setmetatable", "getmetatable", "rawset", "rawget", "rawequal", "rawlen",
		"collectgarbage", "pcall", "xpcall", "coroutine", "loadstring", "module", "_G",
		"newproxy", NULL,
	};
	struct fx *f = *state;
	char layout[64], text[128], want[64];
	size_t i;

	for (i = 0; names[i]; i++) {
		snprintf(layout, sizeof(layout), "layouts/t_%s.html", names[i]);
		snprintf(text, sizeof(text), "\n<%%= type(%s) %%>", names[i]);
		theme_file(f, layout, text);
	}
	assert_int_equal(start(f, 0, 0), 0);
	for (i = 0; names[i]; i++) {
		snprintf(layout, sizeof(layout), "t_%s.html", names[i]);
		snprintf(text, sizeof(text), THEME "/layouts/t_%s.html", names[i]);
		snprintf(want, sizeof(want), "undefined global '%s'", names[i]);
		assert_render_error(f, "kishi", layout, want, text, 2);
	}
}

static void
test_luaenv__allowed_globals_are_present(void **state)
{
	struct fx *f = *state;

	start_with(f,
	    "<% for _, n in ipairs({'assert', 'error', 'ipairs', 'next', 'pairs', 'select', "
	    "'tonumber', 'tostring', 'type', 'url', 'include', 'date', 'escape'}) do %>"
	    "<%= type(_ENV[n]) %>,<% end %>|<%= type(string) %> <%= type(table) %> "
	    "<%= type(math) %> <%= type(utf8) %> <%= type(page) %> <%= type(site) %> "
	    "<%= type(root) %>|<%= string.upper('x') %><%= table.concat({'a', 'b'}, '-') %>"
	    "<%= math.floor(2.5) %><%= utf8.char(233) %><%= ('abc'):sub(2, 2) %>");
	assert_renders(f, "kishi", "page.html",
	    "function,function,function,function,function,function,function,function,function,"
	    "function,function,function,function,|table table table table table table string|"
	    "Xa-b2\xC3\xA9" "b");
}

static void
test_luaenv__no_string_dump_and_no_random(void **state)
{
	struct fx *f = *state;

	start_with(f, "<%= tostring(string.dump) %> <%= tostring(('').dump) %> "
	    "<%= tostring(math.random) %> <%= tostring(math.randomseed) %>");
	assert_renders(f, "kishi", "page.html", "nil nil nil nil");
}

static void
test_luaenv__page_and_site_are_read_only(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/w1.html", "\n<% page.title = 'x' %>");
	theme_file(f, "layouts/w2.html", "\n\n<% page.brand_new = 1 %>");
	theme_file(f, "layouts/w3.html", "<% site.title = 'x' %>");
	theme_file(f, "layouts/w4.html", "<% page.params.custom = 'x' %>");
	theme_file(f, "layouts/w5.html", "<% site.pages[1] = nil %>");
	theme_file(f, "layouts/w6.html", "<% page.tags[1] = 'x' %>");
	theme_file(f, "layouts/after.html",
	    "<%= page.title %>|<%= site.title %>|<%= #site.pages %>");
	assert_int_equal(start(f, 0, 0), 0);
	assert_render_error(f, "dmim-2", "w1.html", "read-only", THEME "/layouts/w1.html", 2);
	assert_render_error(f, "dmim-2", "w2.html", "read-only", THEME "/layouts/w2.html", 3);
	assert_render_error(f, "dmim-2", "w3.html", "read-only", THEME "/layouts/w3.html", 1);
	assert_render_error(f, "dmim-2", "w4.html", "read-only", THEME "/layouts/w4.html", 1);
	assert_render_error(f, "dmim-2", "w5.html", "read-only", THEME "/layouts/w5.html", 1);
	assert_render_error(f, "dmim-2", "w6.html", "read-only", THEME "/layouts/w6.html", 1);
	assert_renders(f, "dmim-2", "after.html", "Second DMIM|Handbook &amp; Co|3");
}

/* Splits "a,b,c," and checks the keys are strictly ascending. */
static void
assert_sorted_list(const char *s, size_t min_items)
{
	char *copy = strdup(s), *save = NULL, *tok, *prev = NULL;
	size_t n = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (prev != NULL && strcmp(prev, tok) >= 0)
			print_message("'%s' before '%s' in %s\n", prev, tok, s);
		assert_true(prev == NULL || strcmp(prev, tok) < 0);
		prev = tok;
		n++;
	}
	assert_true(n >= min_items);
	free(copy);
}

static void
test_luaenv__pairs_is_sorted(void **state)
{
	struct fx *f = *state;
	char *sep;

	start_with(f, "<% for k in pairs(page) do %><%= k %>,<% end %>|"
	    "<% for k, v in pairs(page.params) do %><%= k %>,<% end %>");
	assert_int_equal(render(f, "dmim-2", "page.html", "<p>x</p>"), 0);
	sep = strchr(f->out.buf, '|');
	assert_non_null(sep);
	*sep = '\0';
	assert_sorted_list(f->out.buf, 10);
	assert_non_null(strstr(f->out.buf, "title,"));
	assert_non_null(strstr(f->out.buf, "id,"));
	/* In file order: title, date, summary, tags, related, custom, sources. */
	assert_string_equal(sep + 1, "custom,date,related,sources,summary,tags,title,");
}

static void
test_luaenv__url_gives_relative_urls(void **state)
{
	struct fx *f = *state;

	start_with(f, "<%= url('kishi') %> <%= url(site.page('kishi')) %> <%= url(page) %> "
	    "<%= url('index') %> <%= url(page.next or page) %> [<%= root %>]");
	assert_renders(f, "dmim-2", "page.html",
	    "../people/kishi.html ../people/kishi.html dmim-2.html ../index.html "
	    "../people/kishi.html [../]");
	assert_renders(f, "index", "page.html",
	    "people/kishi.html people/kishi.html index.html index.html meetings/dmim-2.html []");
	/* URLs are kept per folder: back in one seen before, and in a third. */
	assert_renders(f, "dmim-2", "page.html",
	    "../people/kishi.html ../people/kishi.html dmim-2.html ../index.html "
	    "../people/kishi.html [../]");
	assert_renders(f, "kishi", "page.html",
	    "kishi.html kishi.html kishi.html ../index.html kishi.html [../]");
}

/* A table that is not a page's view: its path, when it has one, is still a page's place. */
static void
test_luaenv__url_of_a_table_that_is_not_a_page(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/path.html", "<%= url({ path = 'people/kishi.html' }) %>");
	theme_file(f, "layouts/none.html", "\n<%= url({}) %>");
	assert_int_equal(start(f, 0, 0), 0);
	assert_renders(f, "dmim-2", "path.html", "../people/kishi.html");
	assert_render_error(f, "dmim-2", "none.html", "not a page", THEME "/layouts/none.html", 2);
}

static void
test_luaenv__url_of_unknown_id_is_an_error(void **state)
{
	struct fx *f = *state;

	start_with(f, "\n<%= url('nobody') %>");
	assert_render_error(f, "kishi", "page.html", "nobody", THEME "/layouts/page.html", 2);
}

static void
test_luaenv__date_formats(void **state)
{
	struct fx *f = *state;

	start_with(f, "<%= date('2016-11-16') %>|<%= date('2019-11') %>|<%= date('2019') %>|"
	    "<%= date('2016-11-05') %>|<%= date('%d/%m/%Y', '2016-11-05') %>|"
	    "<%= date('%b %e, %Y', '2016-11-05') %>|<%= date('%B %Y', '2019') %>|"
	    "<%= date(page.date) %>");
	assert_renders(f, "dmim-2", "page.html",
	    "16 November 2016|November 2019|2019|5 November 2016|05/11/2016|Nov 5, 2016|2019|"
	    "16 November 2016");
}

static void
test_luaenv__date_rejects_non_dates(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/d1.html", "\n<%= date('2016-02-30') %>");
	theme_file(f, "layouts/d2.html", "<%= date('16 November 2016') %>");
	assert_int_equal(start(f, 0, 0), 0);
	assert_render_error(f, "kishi", "d1.html", "2016-02-30", THEME "/layouts/d1.html", 2);
	assert_render_error(f, "kishi", "d2.html", "not a date", THEME "/layouts/d2.html", 1);
}

static void
test_luaenv__instruction_budget(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/loop.html", "<% while true do end %>");
	theme_file(f, "layouts/cb.html",
	    "\n<% string.gsub('aaaa', 'a', function() while true do end end) %>");
	theme_file(f, "layouts/small.html", "<% for i = 1, 100 do end %>ok");
	assert_int_equal(start(f, 0, 100000), 0);
	assert_render_error(f, "kishi", "loop.html", "budget", THEME "/layouts/loop.html", 1);
	assert_render_error(f, "kishi", "cb.html", "budget", THEME "/layouts/cb.html", 2);
	/* The budget is per render: the next one starts afresh. */
	assert_renders(f, "kishi", "small.html", "ok");
	assert_render_error(f, "kishi", "loop.html", "budget", THEME "/layouts/loop.html", 1);
	assert_renders(f, "kishi", "small.html", "ok");
}

static void
test_luaenv__budget_error_cannot_be_swallowed(void **state)
{
	struct fx *f = *state;

	/* Nothing in the sandbox can catch an error: no pcall, xpcall or coroutines. */
	theme_file(f, "layouts/p.html", "<% pcall(function() while true do end end) %>after");
	theme_file(f, "layouts/x.html",
	    "<% xpcall(function() while true do end end, type) %>after");
	theme_file(f, "layouts/c.html", "<% coroutine.wrap(function() while true do end end)() %>");
	/* Error handlers that run Lua code (__close, __gc) cannot stop it either. */
	theme_file(f, "layouts/n.html",
	    "<% do local x <close> = nil; while true do end end %>after");
	assert_int_equal(start(f, 0, 100000), 0);
	assert_render_error(f, "kishi", "p.html", "pcall", THEME "/layouts/p.html", 1);
	assert_render_error(f, "kishi", "x.html", "xpcall", THEME "/layouts/x.html", 1);
	assert_render_error(f, "kishi", "c.html", "coroutine", THEME "/layouts/c.html", 1);
	assert_render_error(f, "kishi", "n.html", "budget", THEME "/layouts/n.html", 1);
	assert_null(strstr(f->out.buf, "after"));
}

static void
test_luaenv__memory_quota(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/rep.html", "<% local s = string.rep('x', 64 * 1024 * 1024) %>");
	theme_file(f, "layouts/tbl.html", "<% local t = {} for i = 1, 1e7 do t[i] = i end %>");
	theme_file(f, "layouts/small.html", "<%= #string.rep('x', 1000) %>");
	assert_int_equal(start(f, 1024 * 1024, 0), 0);
	assert_int_equal(render(f, "kishi", "rep.html", NULL), -1);
	assert_non_null(ut_find(&f->d, HB_ERROR, "memory"));
	hb_diag_free(&f->d);
	assert_int_equal(render(f, "kishi", "tbl.html", NULL), -1);
	assert_non_null(ut_find(&f->d, HB_ERROR, "memory"));
	/* The state is usable afterwards. */
	assert_renders(f, "kishi", "small.html", "1000");
}

static void
test_luaenv__quota_is_per_render(void **state)
{
	struct fx *f = *state;
	int i;

	theme_file(f, "layouts/half.html", "<% local s = string.rep('x', 300 * 1024) %><%= #s %>");
	assert_int_equal(start(f, 1024 * 1024, 0), 0);
	for (i = 0; i < 10; i++)
		assert_renders(f, "kishi", "half.html", "307200");
}

static void
test_luaenv__infinite_include_recursion_is_an_error(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/partials/loop.html", "<% include('loop') %>");
	start_with(f, "<% include('loop') %>");
	assert_int_equal(render(f, "kishi", "page.html", NULL), -1);
	assert_int_equal(f->d.n_errors, 1);
	assert_string_equal(f->d.v[0].path, THEME "/layouts/partials/loop.html");
	assert_int_equal(f->d.v[0].line, 1);
}

static void
test_luaenv__closure_from_partial_stays_sandboxed(void **state)
{
	struct fx *f = *state;

	/* A function made in a partial must not see the real globals after the partial returns. */
	theme_file(f, "layouts/partials/leak.html", "<% ctx.f = function() return dofile end %>");
	start_with(f, "<% local c = {} include('leak', c) %>\n<%= type(c.f()) %>");
	assert_int_equal(render(f, "kishi", "page.html", NULL), -1);
	assert_null(strstr(f->out.buf, "function"));
	assert_non_null(ut_find(&f->d, HB_ERROR, "dofile"));
}

static void
test_luaenv__syntax_error_is_located(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/page.html", "<html>\n<%= page.title %>\n<% if then %>\n</html>\n");
	theme_file(f, "layouts/partials/ok.html", "fine");
	theme_file(f, "layouts/partials/bad.html", "\n\n\n\n<%= 1 + %>");
	assert_int_equal(start(f, 0, 0), -1);
	assert_int_equal(f->d.n_errors, 2);
	/* Lua's own message, at the template's line. */
	assert_string_equal(f->d.v[0].path, THEME "/layouts/page.html");
	assert_int_equal(f->d.v[0].line, 3);
	assert_non_null(strstr(f->d.v[0].msg, "near 'then'"));
	assert_string_equal(f->d.v[1].path, THEME "/layouts/partials/bad.html");
	assert_int_equal(f->d.v[1].line, 5);
}

static void
test_luaenv__unclosed_tag_is_located(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/page.html", "a\nb\n<%= page.title\n");
	assert_int_equal(start(f, 0, 0), -1);
	assert_int_equal(f->d.n_errors, 1);
	assert_string_equal(f->d.v[0].path, THEME "/layouts/page.html");
	assert_int_equal(f->d.v[0].line, 3);
}

static void
test_luaenv__has_lists_layouts_only(void **state)
{
	struct fx *f = *state;

	theme_file(f, "layouts/partials/nav.html", "n");
	theme_file(f, "layouts/README.txt", "<% not a template");
	theme_file(f, "assets/style.html", "<% not a template either");
	start_with(f, "p");
	assert_true(hb_luaenv_has(f->env, "page.html"));
	assert_true(hb_luaenv_has(f->env, "partials/nav.html"));
	assert_false(hb_luaenv_has(f->env, "nav.html"));
	assert_false(hb_luaenv_has(f->env, "meeting.html"));
	assert_false(hb_luaenv_has(f->env, "README.txt"));
	assert_false(hb_luaenv_has(f->env, "style.html"));
	assert_int_equal(f->d.n, 0);
}

static void
test_luaenv__history_fields(void **state)
{
	struct fx *f = *state;
	static const struct hb_commit newer = {
		"abcdef0123456789abcdef0123456789abcdef01", "abcdef0", "2023-05-01",
		"Update the DMIM page", 1682899200,
	};
	static const struct hb_commit older = {
		"0123456789abcdef0123456789abcdef01234567", "0123456", "2016-11-20",
		"Add the DMIM page", 1479600000,
	};
	static const struct hb_commit *commits[] = { &newer, &older };
	static struct hb_file_history fh = { commits, 2 };

	f->hist.is_available = 1;
	f->hist.build_date = "2024-01-02";
	hb_map_init(&f->hist.by_path, HB_MAP_EXACT);
	hb_map_put(&f->hist.by_path, "meetings/dmim-2.md", &fh);
	start_with(f, "<%= page.created %>|<%= page.updated %>|<%= #page.history %>|"
	    "<% for _, c in ipairs(page.history) do %><%= c.date %> <%= c.short_id %> "
	    "<%= c.subject %>;<% end %>|<%= site.build_date %>");
	assert_renders(f, "dmim-2", "page.html",
	    "2016-11-20|2023-05-01|2|2023-05-01 abcdef0 Update the DMIM page;"
	    "2016-11-20 0123456 Add the DMIM page;|2024-01-02");
	/* A page git knows nothing about has no dates and an empty history. */
	assert_renders(f, "kishi", "page.html", "||0||2024-01-02");
}

static void
test_luaenv__unavailable_history(void **state)
{
	struct fx *f = *state;

	start_with(f, "[<%= page.created %>][<%= page.updated %>][<%= #page.history %>]"
	    "[<%= site.build_date %>]");
	assert_renders(f, "dmim-2", "page.html", "[][][0][]");
}

static void
test_luaenv__render_appends(void **state)
{
	struct fx *f = *state;

	start_with(f, "<%= page.id %>");
	hb_buf_puts(&f->out, "before:");
	assert_int_equal(hb_luaenv_render(&f->out, f->env, hb_graph_lookup(&f->g, "kishi"), NULL,
	    "page.html", &f->d), 0);
	assert_string_equal(f->out.buf, "before:kishi");
}

/* Returns 1 when the list holds the page with this id. */
static int
has_page(const struct hb_node *const *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i]->page->id, id) == 0)
			return 1;
	}
	return 0;
}

static void
test_luaenv__render_info_records_plain_and_deep_reads(void **state)
{
	struct fx *f = *state;
	struct hb_render_info info;

	start_with(f, "<%= site.page('kishi').title %><%= #site.page('dmim-2').headings %>"
	    "<% if site.page('nobody') then end %><%= site.title %>");
	assert_int_equal(render(f, "index", "page.html", NULL), 0);
	hb_luaenv_render_info(f->env, &info);
	assert_true(has_page(info.pages, info.n_pages, "kishi"));
	assert_false(has_page(info.deep_pages, info.n_deep_pages, "kishi"));
	assert_true(has_page(info.deep_pages, info.n_deep_pages, "dmim-2"));
	assert_true(info.uses_all);	/* 'nobody' might be added */
	assert_false(info.uses_sections);
	assert_false(info.uses_edition);
	assert_int_equal(info.n_groups, 0);
	hb_render_info_free(&info);
}

static void
test_luaenv__pairs_over_a_page_records_all_of_it(void **state)
{
	struct fx *f = *state;
	struct hb_render_info info;

	start_with(f, "<% for k in pairs(site.page('kishi')) do end %>");
	assert_int_equal(render(f, "index", "page.html", NULL), 0);
	hb_luaenv_render_info(f->env, &info);
	assert_true(has_page(info.pages, info.n_pages, "kishi"));
	assert_true(has_page(info.deep_pages, info.n_deep_pages, "kishi"));
	assert_true(has_page(info.neighbour_pages, info.n_neighbour_pages, "kishi"));
	assert_true(info.uses_all);	/* its order */
	assert_int_equal(info.n_sections, 1);	/* its position in its section */
	hb_render_info_free(&info);
}

/* A page read many times in one render gives the same values and records the same
 * dependencies as one read: its fields, its order and position (which depend on other pages),
 * and again in the next render. */
static void
test_luaenv__a_page_read_often_reads_the_same(void **state)
{
	struct fx *f = *state;
	struct hb_render_info info;

	theme_file(f, "layouts/often.html",
	    "<% local k = site.page('kishi') for i = 1, 10 do local _ = k.title end %>"
	    "<%= k.title %>|<%= k.type %>|<%= tostring(k.date) %>|<%= #k.backlinks %>|"
	    "<%= k.backlinks[1].page.title %>|<%= k.order %>|<%= k.position %>|"
	    "<% for key in pairs(k) do if key == 'order' or key == 'position' then %><%= key %>,"
	    "<% end end %>");
	theme_file(f, "layouts/self.html", "<% for i = 1, 10 do local _ = page.title end %>");
	theme_file(f, "layouts/once.html", "<%= site.page('kishi').title %>");
	assert_int_equal(start(f, 0, 0), 0);
	assert_renders(f, "index", "often.html",
	    "Kishi Nobuo|person|nil|1|Second DMIM|3|1|order,position,");
	hb_luaenv_render_info(f->env, &info);
	assert_true(has_page(info.pages, info.n_pages, "kishi"));
	assert_true(has_page(info.deep_pages, info.n_deep_pages, "kishi"));	/* backlinks */
	assert_true(info.uses_all);	/* its order */
	assert_int_equal(info.n_sections, 1);	/* its position */
	hb_render_info_free(&info);

	/* The next render records its own reads. */
	assert_int_equal(render(f, "kishi", "self.html", NULL), 0);
	assert_int_equal(render(f, "index", "once.html", NULL), 0);
	hb_luaenv_render_info(f->env, &info);
	assert_true(has_page(info.pages, info.n_pages, "kishi"));
	assert_false(info.uses_all);
	hb_render_info_free(&info);
}

/* A memo value made after the render read a page many times still records its reads of it. */
static void
test_luaenv__a_memo_records_a_page_read_often_before_it(void **state)
{
	struct fx *f = *state;
	struct hb_render_info memo;

	start_with(f, "<% local k = site.page('kishi') for i = 1, 10 do local _ = k.title end %>"
	    "<%= memo('m', function() return k.title .. (site.page('dmim-2').title) end) %>");
	assert_renders(f, "index", "page.html", "Kishi NobuoSecond DMIM");
	assert_int_equal(hb_luaenv_memo_info(f->env, "m", &memo), 0);
	assert_true(has_page(memo.pages, memo.n_pages, "kishi"));
	assert_true(has_page(memo.pages, memo.n_pages, "dmim-2"));
	hb_render_info_free(&memo);
}

static void
test_luaenv__render_info_records_lists_and_edition(void **state)
{
	struct fx *f = *state;
	struct hb_render_info info;

	start_with(f, "<% for _, s in ipairs(site.sections) do if s.name == 'people' then "
	    "for _, p in ipairs(s.pages) do end end end %><%= site.build_date %>");
	assert_int_equal(render(f, "index", "page.html", NULL), 0);
	hb_luaenv_render_info(f->env, &info);
	assert_true(info.uses_sections);
	assert_int_equal(info.n_sections, 1);
	assert_string_equal(info.sections[0]->name, "people");
	assert_true(info.uses_edition);
	hb_render_info_free(&info);
}

static void
test_luaenv__memo_values_are_groups_with_their_reads(void **state)
{
	struct fx *f = *state;
	struct hb_render_info info, memo;
	int i;

	start_with(f, "<%= memo('k', function() return site.page('kishi').updated or '-' end) %>");
	for (i = 0; i < 2; i++) {	/* computed, then reused: the same record */
		assert_int_equal(render(f, "index", "page.html", NULL), 0);
		hb_luaenv_render_info(f->env, &info);
		assert_int_equal(info.n_groups, 1);
		assert_string_equal(info.groups[0], "k");
		assert_int_equal(info.n_pages + info.n_deep_pages, 0);	/* in the group */
		hb_render_info_free(&info);
	}
	assert_int_equal(hb_luaenv_memo_info(f->env, "k", &memo), 0);
	assert_true(has_page(memo.deep_pages, memo.n_deep_pages, "kishi"));
	hb_render_info_free(&memo);
	assert_int_equal(hb_luaenv_memo_info(f->env, "unknown", &memo), -1);
	hb_render_info_free(&memo);
}

static void
test_luaenv__slot_is_located_and_not_recorded(void **state)
{
	struct fx *f = *state;
	struct hb_render_info info;

	theme_file(f, "layouts/partials/editions.html", "[<%= site.build_date %>]");
	start_with(f, "ab<% include('editions') %>cd");
	assert_int_equal(render(f, "index", "page.html", NULL), 0);
	assert_string_equal(f->out.buf, "ab[]cd");
	hb_luaenv_render_info(f->env, &info);
	assert_true(info.has_slot);
	assert_int_equal(info.slot_start, 2);
	assert_int_equal(info.slot_end, 4);
	assert_false(info.uses_edition);
	hb_render_info_free(&info);
}

static void
test_luaenv__write_items_writes_a_range_of_a_list(void **state)
{
	struct fx *f = *state;

	start_with(f, "<% local t = memo('m', function() return { '<i>1</i>', '2', '<b>3</b>' } end) %>"
	    "<% write_items(t, 2) %>|<% write_items(t, 1, 2) %>|<% write_items({ 'x', 'y' }) %>|"
	    "<% write_items(t, 3, 1) %>.");
	assert_renders(f, "kishi", "page.html", "2<b>3</b>|<i>1</i>2|xy|.");
}

/* Items of a memo value are checked once; a list made in the page is filtered like any output. */
static void
test_luaenv__write_items_output_is_url_filtered(void **state)
{
	struct fx *f = *state;

	start_with(f, "<% local bad = memo('bad', function() return { '<a href=\"javascript:x\">x</a>' } end) %>"
	    "<% write_items(bad) %>|<% write_items({ '<a href=\"vbscript:y\">y</a>' }) %>|"
	    "<% write_items(memo('ok', function() return { '<a href=\"a.html\">a</a>' } end)) %>");
	assert_renders(f, "kishi", "page.html",
	    "<a href=\"\">x</a>|<a href=\"\">y</a>|<a href=\"a.html\">a</a>");
}

static void
test_luaenv__write_items_refuses_what_is_not_a_string(void **state)
{
	struct fx *f = *state;

	start_with(f, "\n<% write_items({ 'a', {} }) %>");
	assert_render_error(f, "kishi", "page.html", "item 2 is not a string", THEME "/layouts/page.html", 2);
}

/* A memo list is copied as runs of its items: its edges behave as a plain list's. */
static void
test_luaenv__write_items_of_a_memo_list_at_its_edges(void **state)
{
	struct fx *f = *state;

	start_with(f, "<% local t = memo('m', function() return { 'a', 'b', 'c' } end) %>"
	    "<% local none = memo('none', function() return {} end) %>"
	    "<% write_items(t, 0, 1) %>|<% write_items(t, 3) %>|<% write_items(t, 4) %>|"
	    "<% write_items(none) %>|<% write_items(t, 2, 2) %>.");
	assert_renders(f, "kishi", "page.html", "a|c|||b.");
}

static void
test_luaenv__write_items_past_a_memo_lists_end_is_an_error(void **state)
{
	struct fx *f = *state;

	start_with(f, "<% local t = memo('m', function() return { 'a', 'b', 'c' } end) %>\n"
	    "<% write_items(t, 2, 5) %>");
	assert_render_error(f, "kishi", "page.html", "item 4 is not a string", THEME "/layouts/page.html", 2);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_luaenv__escaped_and_raw_output),
		T(test_luaenv__write_items_writes_a_range_of_a_list),
		T(test_luaenv__write_items_output_is_url_filtered),
		T(test_luaenv__write_items_of_a_memo_list_at_its_edges),
		T(test_luaenv__write_items_past_a_memo_lists_end_is_an_error),
		T(test_luaenv__write_items_refuses_what_is_not_a_string),
		T(test_luaenv__escape_helper),
		T(test_luaenv__nil_writes_nothing),
		T(test_luaenv__numbers_are_written),
		T(test_luaenv__page_and_site_fields),
		T(test_luaenv__sections_view),
		T(test_luaenv__rich_fields_are_there_in_every_render),
		T(test_luaenv__plain_fields_are_filled_on_first_read),
		T(test_luaenv__rich_fields_filled_by_group),
		T(test_luaenv__include_partial_with_context),
		T(test_luaenv__nested_includes_restore_environment),
		T(test_luaenv__partial_globals_stay_in_partial),
		T(test_luaenv__each_render_gets_fresh_globals),
		T(test_luaenv__include_of_unknown_partial),
		T(test_luaenv__undefined_global_is_located),
		T(test_luaenv__error_in_partial_is_located_in_partial),
		T(test_luaenv__runtime_error_is_located),
		T(test_luaenv__error_with_table_value),
		T(test_luaenv__missing_layout_is_an_error),
		T(test_luaenv__forbidden_globals_are_undefined),
		T(test_luaenv__allowed_globals_are_present),
		T(test_luaenv__no_string_dump_and_no_random),
		T(test_luaenv__page_and_site_are_read_only),
		T(test_luaenv__pairs_is_sorted),
		T(test_luaenv__url_gives_relative_urls),
		T(test_luaenv__url_of_a_table_that_is_not_a_page),
		T(test_luaenv__url_of_unknown_id_is_an_error),
		T(test_luaenv__date_formats),
		T(test_luaenv__date_rejects_non_dates),
		T(test_luaenv__instruction_budget),
		T(test_luaenv__budget_error_cannot_be_swallowed),
		T(test_luaenv__memory_quota),
		T(test_luaenv__quota_is_per_render),
		T(test_luaenv__infinite_include_recursion_is_an_error),
		T(test_luaenv__closure_from_partial_stays_sandboxed),
		T(test_luaenv__syntax_error_is_located),
		T(test_luaenv__unclosed_tag_is_located),
		T(test_luaenv__has_lists_layouts_only),
		T(test_luaenv__history_fields),
		T(test_luaenv__unavailable_history),
		T(test_luaenv__render_appends),
		T(test_luaenv__render_info_records_plain_and_deep_reads),
		T(test_luaenv__render_info_records_lists_and_edition),
		T(test_luaenv__a_page_read_often_reads_the_same),
		T(test_luaenv__a_memo_records_a_page_read_often_before_it),
		T(test_luaenv__pairs_over_a_page_records_all_of_it),
		T(test_luaenv__memo_values_are_groups_with_their_reads),
		T(test_luaenv__slot_is_located_and_not_recorded),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
