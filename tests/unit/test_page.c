/* Unit tests for page.h: front matter -> struct hb_page, every problem located in the file. */
#include "unit.h"

#include "page.h"

struct fx {
	struct hb_arena a;
	struct hb_diag d;
	struct hb_page p;
};

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

	hb_arena_free(&f->a);
	hb_diag_free(&f->d);
	free(f);
	return 0;
}

/* Parses text as content/<path>; returns hb_page_parse's result. */
static int
parse_as(struct fx *f, const char *path, const char *text, size_t len)
{
	struct hb_file file;

	memset(&file, 0, sizeof(file));
	file.path = (char *)path;
	file.data = (char *)text;
	file.len = len;
	strcpy(file.oid, "0123456789abcdef0123456789abcdef01234567");
	return hb_page_parse(&f->p, &f->a, &file, "content", &f->d);
}

static int
parse(struct fx *f, const char *text)
{
	return parse_as(f, "a.md", text, strlen(text));
}

static void
test_page__minimal_page(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse_as(f, "meetings/dmim-2.md",
	    "---\ntitle: Second DMIM\n---\nBody text.\n", 38), 0);
	assert_int_equal(f->d.n, 0);
	assert_string_equal(f->p.title, "Second DMIM");
	assert_string_equal(f->p.path, "meetings/dmim-2.md");
	assert_string_equal(f->p.src_path, "content/meetings/dmim-2.md");
	assert_string_equal(f->p.oid, "0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(f->p.section, "meetings");
	assert_string_equal(f->p.slug, "dmim-2");
	assert_string_equal(f->p.id, "dmim-2");
	assert_string_equal(f->p.out_path, "meetings/dmim-2.html");
	assert_false(f->p.is_index);
	assert_false(f->p.is_draft);
	assert_int_equal(f->p.weight, 0);
	assert_null(f->p.date);
	assert_null(f->p.type);
	assert_int_equal(f->p.body_line, 4);
	assert_int_equal(f->p.body_len, 11);
	assert_memory_equal(f->p.body, "Body text.\n", 11);
	assert_int_equal(f->p.body[f->p.body_len], '\0');
	assert_non_null(f->p.front);
	assert_int_equal(f->p.front->kind, HB_VALUE_MAP);
	assert_int_equal(f->p.front->n, 1);
	assert_string_equal(f->p.front->keys[0], "title");
}

static void
test_page__page_borrows_nothing_from_the_file(void **state)
{
	struct fx *f = *state;
	char *text = strdup("---\ntitle: T\nsummary: S\ntags: [x]\n---\nbody\n");
	struct hb_file file;

	memset(&file, 0, sizeof(file));
	file.path = strdup("p/q.md");
	file.data = text;
	file.len = strlen(text);
	assert_int_equal(hb_page_parse(&f->p, &f->a, &file, "content", &f->d), 0);
	memset(text, 'X', strlen(text));
	memset(file.path, 'X', strlen(file.path));
	free(text);
	free(file.path);
	assert_string_equal(f->p.title, "T");
	assert_string_equal(f->p.summary, "S");
	assert_string_equal(f->p.tags.v[0].id, "x");
	assert_string_equal(f->p.path, "p/q.md");
	assert_string_equal(f->p.body, "body\n");
}

static void
test_page__root_page_identity(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse_as(f, "about.md", "---\ntitle: About\n---\n", 21), 0);
	assert_string_equal(f->p.section, "");
	assert_string_equal(f->p.id, "about");
	assert_string_equal(f->p.out_path, "about.html");
	assert_string_equal(f->p.src_path, "content/about.md");
}

static void
test_page__nested_page_section_is_first_folder(void **state)
{
	struct fx *f = *state;
	const char *t = "---\ntitle: X\n---\n";

	assert_int_equal(parse_as(f, "a/b/c.md", t, strlen(t)), 0);
	assert_string_equal(f->p.section, "a");
	assert_string_equal(f->p.slug, "c");
	assert_string_equal(f->p.id, "c");
	assert_string_equal(f->p.out_path, "a/b/c.html");
}

static void
test_page__section_index_identity(void **state)
{
	struct fx *f = *state;
	const char *t = "---\ntitle: Meetings\n---\n";

	assert_int_equal(parse_as(f, "meetings/_index.md", t, strlen(t)), 0);
	assert_true(f->p.is_index);
	assert_string_equal(f->p.slug, "_index");
	assert_string_equal(f->p.id, "meetings");
	assert_string_equal(f->p.section, "meetings");
	assert_string_equal(f->p.out_path, "meetings/index.html");
}

static void
test_page__root_index_identity(void **state)
{
	struct fx *f = *state;
	const char *t = "---\ntitle: Home\n---\n";

	assert_int_equal(parse_as(f, "_index.md", t, strlen(t)), 0);
	assert_true(f->p.is_index);
	assert_string_equal(f->p.id, "index");
	assert_string_equal(f->p.section, "");
	assert_string_equal(f->p.out_path, "index.html");
}

static void
test_page__nested_index_identity(void **state)
{
	struct fx *f = *state;
	const char *t = "---\ntitle: Sub\n---\n";

	assert_int_equal(parse_as(f, "a/b/_index.md", t, strlen(t)), 0);
	assert_true(f->p.is_index);
	assert_string_equal(f->p.id, "b");
	assert_string_equal(f->p.section, "a");
	assert_string_equal(f->p.out_path, "a/b/index.html");
}

static void
test_page__id_override(void **state)
{
	struct fx *f = *state;
	const char *t = "---\ntitle: Kishi\nid: kishi-nobuo\n---\n";

	assert_int_equal(parse_as(f, "people/kishi.md", t, strlen(t)), 0);
	assert_string_equal(f->p.id, "kishi-nobuo");
	/* The output path still follows the file. */
	assert_string_equal(f->p.out_path, "people/kishi.html");
	assert_string_equal(f->p.slug, "kishi");
}

static void
test_page__invalid_id_is_located(void **state)
{
	struct fx *f = *state;

	parse(f, "---\ntitle: T\nid: \"a b\"\n---\n");
	ut_assert_error_at(&f->d, "'id'", "content/a.md", 3, 5);
	assert_string_equal(f->p.id, "a");	/* falls back to the stem */
	hb_diag_free(&f->d);
	parse(f, "---\ntitle: T\nid: x#y\n---\n");
	ut_assert_error_at(&f->d, "'id'", "content/a.md", 3, 5);
	hb_diag_free(&f->d);
	parse(f, "---\ntitle: T\nid: a|b\n---\n");
	ut_assert_error_at(&f->d, "'id'", "content/a.md", 3, 5);
}

static void
test_page__all_known_keys(void **state)
{
	struct fx *f = *state;
	const char *t =
	    "---\n"
	    "title: Kishi Nobuo\n"
	    "summary: Defence minister\n"
	    "type: person\n"
	    "date: 2016-11-16\n"
	    "end_date: 2016-11-17\n"
	    "venue: Vientiane\n"
	    "format: in-person\n"
	    "abbr: NK\n"
	    "aliases: [Kishi, Nobuo Kishi]\n"
	    "sources: [mod-2016]\n"
	    "participants: [a, b]\n"
	    "related: [c]\n"
	    "tags: [defence]\n"
	    "weight: -3\n"
	    "draft: true\n"
	    "custom: kept\n"
	    "---\n";

	assert_int_equal(parse(f, t), 0);
	assert_int_equal(f->d.n, 0);
	assert_string_equal(f->p.summary, "Defence minister");
	assert_string_equal(f->p.type, "person");
	assert_string_equal(f->p.date, "2016-11-16");
	assert_string_equal(f->p.end_date, "2016-11-17");
	assert_string_equal(f->p.venue, "Vientiane");
	assert_string_equal(f->p.format, "in-person");
	assert_string_equal(f->p.abbr, "NK");
	assert_int_equal(f->p.aliases.n, 2);
	assert_string_equal(f->p.aliases.v[1].id, "Nobuo Kishi");
	assert_int_equal(f->p.sources.n, 1);
	assert_int_equal(f->p.participants.n, 2);
	assert_int_equal(f->p.related.n, 1);
	assert_int_equal(f->p.tags.n, 1);
	assert_int_equal(f->p.weight, -3);
	assert_true(f->p.is_draft);
	assert_string_equal(hb_value_get(f->p.front, "custom")->str, "kept");
	assert_int_equal(f->p.body_line, 19);
	assert_int_equal(f->p.body_len, 0);
}

static void
test_page__reference_locations(void **state)
{
	struct fx *f = *state;
	const char *t =
	    "---\n"
	    "title: T\n"
	    "sources:\n"
	    "  - mod-2016\n"
	    "  - \"mod-2019\"\n"
	    "related: [x, yy]\n"
	    "---\n";

	assert_int_equal(parse(f, t), 0);
	assert_int_equal(f->p.sources.n, 2);
	assert_string_equal(f->p.sources.v[0].id, "mod-2016");
	assert_int_equal(f->p.sources.v[0].line, 4);
	assert_int_equal(f->p.sources.v[0].col, 5);
	assert_string_equal(f->p.sources.v[1].id, "mod-2019");
	assert_int_equal(f->p.sources.v[1].line, 5);
	assert_int_equal(f->p.sources.v[1].col, 5);
	assert_int_equal(f->p.related.v[0].line, 6);
	assert_int_equal(f->p.related.v[0].col, 11);
	assert_int_equal(f->p.related.v[1].col, 14);
}

static void
test_page__missing_title_at_line_1(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\nsummary: no title\n---\nbody\n"), -1);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "missing required key 'title'", "content/a.md", 1, 1);
}

static void
test_page__empty_front_matter_lacks_title(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\n---\nbody\n"), -1);
	ut_assert_error_at(&f->d, "missing required key 'title'", "content/a.md", 1, 1);
}

static void
test_page__empty_title_is_located(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\nsummary: s\ntitle: \"\"\n---\n"), -1);
	ut_assert_error_at(&f->d, "'title'", "content/a.md", 3, 8);
}

static void
test_page__title_must_be_a_string(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: [a, b]\n---\n"), -1);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "'title' must be a string", "content/a.md", 2, 8);
}

static void
test_page__no_front_matter(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "# Just Markdown\n\ntitle: no\n"), -1);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "front matter", "content/a.md", 1, 1);
}

static void
test_page__empty_file(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse_as(f, "a.md", "", 0), -1);
	ut_assert_error_at(&f->d, "front matter", "content/a.md", 1, 1);
}

static void
test_page__unclosed_front_matter(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: T\nsummary: never closed\n\nbody\n"), -1);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "front matter", "content/a.md", 1, 1);
}

static void
test_page__opening_line_must_be_exactly_dashes(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "----\ntitle: T\n---\n"), -1);
	ut_assert_error_at(&f->d, "front matter", "content/a.md", 1, 1);
	hb_diag_free(&f->d);
	assert_int_equal(parse(f, "--- x\ntitle: T\n---\n"), -1);
	ut_assert_error_at(&f->d, "front matter", "content/a.md", 1, 1);
}

static void
test_page__front_matter_may_end_with_dots(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: T\n...\nbody\n"), 0);
	assert_string_equal(f->p.title, "T");
	assert_string_equal(f->p.body, "body\n");
	assert_int_equal(f->p.body_line, 4);
}

static void
test_page__closing_line_without_newline_at_eof(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: T\n---"), 0);
	assert_string_equal(f->p.title, "T");
	assert_int_equal(f->p.body_len, 0);
	assert_string_equal(f->p.body, "");
}

static void
test_page__dashes_inside_body_are_body(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: T\n---\nA\n\n---\n\nB\n"), 0);
	assert_string_equal(f->p.body, "A\n\n---\n\nB\n");
}

static void
test_page__crlf_line_endings(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\r\ntitle: CRLF page\r\nweight: 2\r\n---\r\nBody\r\n"), 0);
	assert_int_equal(f->d.n, 0);
	assert_string_equal(f->p.title, "CRLF page");
	assert_int_equal(f->p.weight, 2);
	assert_int_equal(f->p.body_line, 5);
	assert_string_equal(f->p.body, "Body\r\n");
}

static void
test_page__crlf_error_lines(void **state)
{
	struct fx *f = *state;

	parse(f, "---\r\ntitle: T\r\n\r\nweight: x\r\n---\r\n");
	ut_assert_error_at(&f->d, "'weight'", "content/a.md", 4, 9);
}

static void
test_page__utf8_bom(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "\xEF\xBB\xBF---\ntitle: BOM\ndraft: maybe\n---\nText\n"), 0);
	assert_string_equal(f->p.title, "BOM");
	assert_int_equal(f->p.body_line, 5);
	assert_string_equal(f->p.body, "Text\n");
	ut_assert_error_at(&f->d, "'draft'", "content/a.md", 3, 8);
}

static void
test_page__nul_byte_is_an_error(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse_as(f, "a.md", "---\ntitle: T\n---\na\0b\n", 19), -1);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "NUL", "content/a.md", 4, 2);
}

static void
test_page__duplicate_key_is_located(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: A\nsummary: s\ntitle: B\n---\n"), -1);
	ut_assert_error_at(&f->d, "duplicate key 'title'", "content/a.md", 4, 1);
}

static void
test_page__duplicate_key_in_nested_map(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: A\nmeta:\n  x: 1\n  x: 2\n---\n"), -1);
	ut_assert_error_at(&f->d, "duplicate key 'x'", "content/a.md", 5, 3);
}

static void
test_page__same_key_in_different_maps_is_fine(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: A\nm1: {x: 1}\nm2: {x: 2}\n---\n"), 0);
	assert_int_equal(f->d.n, 0);
}

static void
test_page__yaml_alias_is_rejected(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: &t Anchor\nsummary: *t\n---\n"), -1);
	ut_assert_error_at(&f->d, "alias", "content/a.md", 3, 10);
}

static void
test_page__billion_laughs_is_rejected(void **state)
{
	struct fx *f = *state;
	const char *t =
	    "---\n"
	    "title: T\n"
	    "a: &a [x, x, x, x, x, x, x, x, x]\n"
	    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	    "---\n";

	assert_int_equal(parse(f, t), -1);
	ut_assert_error_at(&f->d, "alias", "content/a.md", 4, 8);
}

/* "---\nx: " + depth '[' + depth ']' + "\ntitle: T\n---\n" */
static char *
nested(int depth)
{
	char *s = malloc((size_t)depth * 2 + 64);
	int i;

	strcpy(s, "---\nx: ");
	for (i = 0; i < depth; i++)
		strcat(s, "[");
	for (i = 0; i < depth; i++)
		strcat(s, "]");
	strcat(s, "\ntitle: T\n---\n");
	return s;
}

static void
test_page__depth_limit(void **state)
{
	struct fx *f = *state;
	char *ok = nested(HB_YAML_MAX_DEPTH - 2), *deep = nested(HB_YAML_MAX_DEPTH + 1);
	char *very = nested(1000);

	assert_int_equal(parse(f, ok), 0);
	assert_int_equal(f->d.n, 0);
	assert_int_equal(parse(f, deep), -1);
	assert_int_equal(f->d.n_errors, 1);
	assert_non_null(ut_find(&f->d, HB_ERROR, "deeper"));
	assert_string_equal(f->d.v[0].path, "content/a.md");
	assert_int_equal(f->d.v[0].line, 2);
	hb_diag_free(&f->d);
	/* Far too deep must be refused quickly and without exhausting the stack. */
	assert_int_equal(parse(f, very), -1);
	assert_non_null(ut_find(&f->d, HB_ERROR, "deeper"));
	free(ok);
	free(deep);
	free(very);
}

static void
test_page__invalid_yaml_is_located(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: A: B\n---\n"), -1);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "invalid YAML", "content/a.md", 2, 9);
}

static void
test_page__front_matter_must_be_a_map(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\n- a\n- b\n---\n"), -1);
	ut_assert_error_at(&f->d, "mapping", "content/a.md", 1, 1);
	hb_diag_free(&f->d);
	assert_int_equal(parse(f, "---\njust a string\n---\n"), -1);
	ut_assert_error_at(&f->d, "mapping", "content/a.md", 1, 1);
}

static void
test_page__keys_must_be_scalars(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: T\n? [k]\n: v\n---\n"), -1);
	assert_int_equal(f->d.n_errors, 1);
	assert_string_equal(f->d.v[0].path, "content/a.md");
	assert_int_equal(f->d.v[0].line, 3);
}

static void
test_page__sources_not_a_list(void **state)
{
	struct fx *f = *state;

	parse(f, "---\ntitle: T\nsources: x\n---\n");
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "'sources' must be a list", "content/a.md", 3, 10);
	assert_int_equal(f->p.sources.n, 0);
}

static void
test_page__list_items_must_be_non_empty_strings(void **state)
{
	struct fx *f = *state;

	parse(f, "---\ntitle: T\naliases: [ok, \"\", [x], {k: v}, fine]\n---\n");
	assert_int_equal(f->d.n_errors, 3);
	ut_assert_error_at(&f->d, "'aliases'", "content/a.md", 3, 15);
	assert_int_equal(f->d.v[1].col, 19);
	assert_int_equal(f->d.v[2].col, 24);
	assert_int_equal(f->p.aliases.n, 2);
	assert_string_equal(f->p.aliases.v[0].id, "ok");
	assert_string_equal(f->p.aliases.v[1].id, "fine");
}

static void
test_page__columns_count_characters(void **state)
{
	struct fx *f = *state;

	/* "tags: [é, ü, " is 13 characters (15 bytes): the bad item starts at column 14. */
	parse(f, "---\ntitle: T\ntags: [\xC3\xA9, \xC3\xBC, \"\"]\n---\n");
	ut_assert_error_at(&f->d, "'tags'", "content/a.md", 3, 14);
}

static void
test_page__unknown_format(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: T\nformat: zoom\n---\n"), 0);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "zoom", "content/a.md", 3, 9);
	assert_null(f->p.format);
}

static void
test_page__known_formats(void **state)
{
	struct fx *f = *state;
	const char *formats[] = { "in-person", "videoconference", "hybrid" };
	char text[128];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "---\ntitle: T\nformat: %s\n---\n", formats[i]);
		assert_int_equal(parse(f, text), 0);
		assert_int_equal(f->d.n, 0);
		assert_string_equal(f->p.format, formats[i]);
	}
}

static void
test_page__unknown_type(void **state)
{
	struct fx *f = *state;

	parse(f, "---\ntitle: T\n\ntype: persn\n---\n");
	ut_assert_error_at(&f->d, "persn", "content/a.md", 4, 7);
	assert_null(f->p.type);
}

static void
test_page__draft_must_be_boolean(void **state)
{
	struct fx *f = *state;

	parse(f, "---\ntitle: T\ndraft: maybe\n---\n");
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "'draft'", "content/a.md", 3, 8);
	assert_false(f->p.is_draft);
	hb_diag_free(&f->d);
	assert_int_equal(parse(f, "---\ntitle: T\ndraft: false\n---\n"), 0);
	assert_int_equal(f->d.n, 0);
	assert_false(f->p.is_draft);
}

static void
test_page__weight_must_be_integer(void **state)
{
	struct fx *f = *state;

	parse(f, "---\ntitle: T\nweight: x\n---\n");
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "'weight'", "content/a.md", 3, 9);
	hb_diag_free(&f->d);
	parse(f, "---\ntitle: T\nweight: 1.5\n---\n");
	ut_assert_error_at(&f->d, "'weight'", "content/a.md", 3, 9);
	hb_diag_free(&f->d);
	parse(f, "---\ntitle: T\nweight: 99999999999999999999999\n---\n");
	ut_assert_error_at(&f->d, "'weight'", "content/a.md", 3, 9);
	hb_diag_free(&f->d);
	parse(f, "---\ntitle: T\nweight: [1]\n---\n");
	ut_assert_error_at(&f->d, "'weight'", "content/a.md", 3, 9);
	hb_diag_free(&f->d);
	assert_int_equal(parse(f, "---\ntitle: T\nweight: 10\n---\n"), 0);
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->p.weight, 10);
}

static void
test_page__string_key_with_list_value(void **state)
{
	struct fx *f = *state;

	parse(f, "---\ntitle: T\nsummary:\n  - a\n---\n");
	ut_assert_error_at(&f->d, "'summary' must be a string", "content/a.md", 4, 3);
	assert_null(f->p.summary);
}

static void
test_page__impossible_date_is_recoverable(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: T\ndate: 2023-02-30\n---\nbody\n"), 0);
	assert_int_equal(f->d.n_errors, 1);
	ut_assert_error_at(&f->d, "2023-02-30", "content/a.md", 3, 7);
	assert_null(f->p.date);
	assert_string_equal(f->p.title, "T");
}

static void
test_page__end_date_checked(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: T\nend_date: 2019-13\n---\n"), 0);
	ut_assert_error_at(&f->d, "'end_date'", "content/a.md", 3, 11);
}

static void
test_page__partial_dates(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "---\ntitle: T\ndate: 2019\n---\n"), 0);
	assert_int_equal(f->d.n, 0);
	assert_string_equal(f->p.date, "2019");
	assert_int_equal(parse(f, "---\ntitle: T\ndate: 2019-11\nend_date: \"2020\"\n---\n"), 0);
	assert_int_equal(f->d.n, 0);
	assert_string_equal(f->p.date, "2019-11");
	assert_string_equal(f->p.end_date, "2020");
}

static void
test_page__is_date(void **state)
{
	(void)state;
	assert_true(hb_page_is_date("2019"));
	assert_true(hb_page_is_date("2019-11"));
	assert_true(hb_page_is_date("2016-11-16"));
	assert_true(hb_page_is_date("2019-01-31"));
	assert_true(hb_page_is_date("2019-12-31"));
	assert_true(hb_page_is_date("2024-02-29"));	/* leap year */
	assert_true(hb_page_is_date("2000-02-29"));	/* divisible by 400 */
	assert_false(hb_page_is_date("1900-02-29"));	/* divisible by 100 */
	assert_false(hb_page_is_date("2023-02-29"));
	assert_false(hb_page_is_date("2023-02-30"));
	assert_false(hb_page_is_date("2019-04-31"));
	assert_false(hb_page_is_date("2019-11-00"));
	assert_false(hb_page_is_date("2019-11-32"));
	assert_false(hb_page_is_date("2019-00"));
	assert_false(hb_page_is_date("2019-13"));
	assert_false(hb_page_is_date("2019-13-01"));
	assert_false(hb_page_is_date("2019-1-01"));
	assert_false(hb_page_is_date("2019-01-1"));
	assert_false(hb_page_is_date("19-01-01"));
	assert_false(hb_page_is_date("20190101"));
	assert_false(hb_page_is_date("2019/01/01"));
	assert_false(hb_page_is_date(" 2019"));
	assert_false(hb_page_is_date("2019-11-16T00:00"));
	assert_false(hb_page_is_date("abcd"));
	assert_false(hb_page_is_date(""));
}

static void
test_page__errors_are_all_reported(void **state)
{
	struct fx *f = *state;
	const char *t =
	    "---\n"
	    "title: T\n"
	    "date: 2019-02-29\n"
	    "format: zoom\n"
	    "weight: heavy\n"
	    "draft: maybe\n"
	    "sources: x\n"
	    "---\n";

	assert_int_equal(parse(f, t), 0);
	assert_int_equal(f->d.n_errors, 5);
	ut_assert_error_at(&f->d, "'date'", "content/a.md", 3, 7);
	ut_assert_error_at(&f->d, "zoom", "content/a.md", 4, 9);
	ut_assert_error_at(&f->d, "'weight'", "content/a.md", 5, 9);
	ut_assert_error_at(&f->d, "'draft'", "content/a.md", 6, 8);
	ut_assert_error_at(&f->d, "'sources'", "content/a.md", 7, 10);
}

static void
test_page__lines_count_comments_and_blank_lines(void **state)
{
	struct fx *f = *state;

	parse(f, "---\n# a comment\n\ntitle: T\n\n# another\nweight: x\n---\n\nbody\n");
	ut_assert_error_at(&f->d, "'weight'", "content/a.md", 7, 9);
	assert_int_equal(f->p.body_line, 9);
}

static void
test_page__value_tree_is_kept(void **state)
{
	struct fx *f = *state;
	const struct hb_value *v, *m;

	assert_int_equal(parse(f, "---\ntitle: T\nq: \"quoted\"\nl: [a, b]\nm:\n  k: v\n---\n"), 0);
	v = hb_value_get(f->p.front, "q");
	assert_non_null(v);
	assert_int_equal(v->kind, HB_VALUE_STRING);
	assert_false(v->is_plain);
	assert_true(hb_value_get(f->p.front, "title")->is_plain);
	v = hb_value_get(f->p.front, "l");
	assert_int_equal(v->kind, HB_VALUE_LIST);
	assert_int_equal(v->n, 2);
	assert_string_equal(v->items[1].str, "b");
	assert_int_equal(v->items[1].line, 4);
	assert_int_equal(v->items[1].col, 8);
	m = hb_value_get(f->p.front, "m");
	assert_int_equal(m->kind, HB_VALUE_MAP);
	assert_string_equal(hb_value_get(m, "k")->str, "v");
	assert_int_equal(hb_value_get(m, "k")->line, 6);
	assert_int_equal(hb_value_get(m, "k")->col, 6);
	assert_null(hb_value_get(f->p.front, "nope"));
	assert_null(hb_value_get(v, "a"));	/* not a map */
	assert_null(hb_value_get(NULL, "a"));
	/* Keys keep file order. */
	assert_string_equal(f->p.front->keys[0], "title");
	assert_string_equal(f->p.front->keys[3], "m");
}

static void
test_page__parse_yaml_adds_line_offset(void **state)
{
	struct fx *f = *state;
	const char *y = "a: 1\nb: [x, y]\n";
	struct hb_value *v = hb_page_parse_yaml(&f->a, y, strlen(y), "cfg.yaml", 10, &f->d);
	const struct hb_value *b;

	assert_non_null(v);
	assert_int_equal(v->kind, HB_VALUE_MAP);
	b = hb_value_get(v, "b");
	assert_int_equal(b->line, 12);
	assert_int_equal(b->col, 4);
	assert_int_equal(b->items[1].line, 12);
	assert_int_equal(b->items[1].col, 8);
}

static void
test_page__parse_yaml_errors_use_given_path(void **state)
{
	struct fx *f = *state;
	const char *y = "a: 1\na: 2\n";

	assert_null(hb_page_parse_yaml(&f->a, y, strlen(y), "handbook.yaml", 0, &f->d));
	ut_assert_error_at(&f->d, "duplicate key 'a'", "handbook.yaml", 2, 1);
}

static void
test_page__parse_yaml_empty_is_empty_map(void **state)
{
	struct fx *f = *state;
	struct hb_value *v = hb_page_parse_yaml(&f->a, "", 0, "x.yaml", 0, &f->d);

	assert_non_null(v);
	assert_int_equal(v->kind, HB_VALUE_MAP);
	assert_int_equal(v->n, 0);
	assert_int_equal(f->d.n, 0);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_page__minimal_page),
		T(test_page__page_borrows_nothing_from_the_file),
		T(test_page__root_page_identity),
		T(test_page__nested_page_section_is_first_folder),
		T(test_page__section_index_identity),
		T(test_page__root_index_identity),
		T(test_page__nested_index_identity),
		T(test_page__id_override),
		T(test_page__invalid_id_is_located),
		T(test_page__all_known_keys),
		T(test_page__reference_locations),
		T(test_page__missing_title_at_line_1),
		T(test_page__empty_front_matter_lacks_title),
		T(test_page__empty_title_is_located),
		T(test_page__title_must_be_a_string),
		T(test_page__no_front_matter),
		T(test_page__empty_file),
		T(test_page__unclosed_front_matter),
		T(test_page__opening_line_must_be_exactly_dashes),
		T(test_page__front_matter_may_end_with_dots),
		T(test_page__closing_line_without_newline_at_eof),
		T(test_page__dashes_inside_body_are_body),
		T(test_page__crlf_line_endings),
		T(test_page__crlf_error_lines),
		T(test_page__utf8_bom),
		T(test_page__nul_byte_is_an_error),
		T(test_page__duplicate_key_is_located),
		T(test_page__duplicate_key_in_nested_map),
		T(test_page__same_key_in_different_maps_is_fine),
		T(test_page__yaml_alias_is_rejected),
		T(test_page__billion_laughs_is_rejected),
		T(test_page__depth_limit),
		T(test_page__invalid_yaml_is_located),
		T(test_page__front_matter_must_be_a_map),
		T(test_page__keys_must_be_scalars),
		T(test_page__sources_not_a_list),
		T(test_page__list_items_must_be_non_empty_strings),
		T(test_page__columns_count_characters),
		T(test_page__unknown_format),
		T(test_page__known_formats),
		T(test_page__unknown_type),
		T(test_page__draft_must_be_boolean),
		T(test_page__weight_must_be_integer),
		T(test_page__string_key_with_list_value),
		T(test_page__impossible_date_is_recoverable),
		T(test_page__end_date_checked),
		T(test_page__partial_dates),
		T(test_page__is_date),
		T(test_page__errors_are_all_reported),
		T(test_page__lines_count_comments_and_blank_lines),
		T(test_page__value_tree_is_kept),
		T(test_page__parse_yaml_adds_line_offset),
		T(test_page__parse_yaml_errors_use_given_path),
		T(test_page__parse_yaml_empty_is_empty_map),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
