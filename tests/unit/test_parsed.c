/*
 * Unit tests for parsed.h: a page's parse written as bytes and taken back is the same parse, field
 * for field; bytes that are cut short or damaged are refused (or at least never read out of
 * bounds: the sanitizer build runs these too). And hb_page_read_body (page.h), which reads the
 * body of a page taken back: the file's bytes must still be the ones parsed.
 */
#define _GNU_SOURCE	/* memmem */
#include "unit.h"

#include "markdown.h"
#include "parsed.h"

/* A source page: front matter of every shape, headings, each kind of link (an unlabelled wiki
 * link's sentence waits for its title: a context), numbered paragraphs. */
#define PAGE \
	"---\n" \
	"title: \"Kuala Lumpur statement\"\n" \
	"type: source\n" \
	"date: 2025-11-01\n" \
	"summary: \"The statement, in full.\"\n" \
	"aliases: [KL statement, Statement]\n" \
	"sources: [other]\n" \
	"tags: [admm]\n" \
	"weight: 7\n" \
	"extra:\n" \
	"  nested: [a, b]\n" \
	"---\n" \
	"# Kuala Lumpur statement\n" \
	"\n" \
	"See [[vientiane-vision]] and [[jasmine|the JASMINE programme]]. Then [notes](notes.md \"t\").\n" \
	"\n" \
	"## Full text\n" \
	"\n" \
	"First paragraph, cited [[src:other#p2]].\n" \
	"\n" \
	"- An item, quoted [[quote:other#p1|the words]].\n"

struct fx {
	struct hb_arena a, b;
	struct hb_diag d;
	struct hb_page page, back;
	struct hb_doc doc, doc_back;
	struct hb_buf bytes;
	struct hb_buf sentences;
};

static int
group_setup(void **state)
{
	(void)state;
	hb_markdown_init();
	return 0;
}

/* PAGE parsed as the build parses it (search text included), and written as bytes. */
static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct hb_file file;

	hb_arena_init(&f->a);
	hb_arena_init(&f->b);
	hb_diag_init(&f->d);
	memset(&file, 0, sizeof(file));
	file.path = (char *)"sources/kl.md";
	file.data = (char *)PAGE;
	file.len = strlen(PAGE);
	strcpy(file.oid, "0123456789012345678901234567890123456789");
	assert_int_equal(hb_page_parse(&f->page, &f->a, &file, "content", &f->d), 0);
	assert_int_equal(hb_markdown_parse(&f->doc, &f->page, &f->a, &f->d), 0);
	f->doc.text = hb_markdown_marked_text(&f->doc, &f->a);
	hb_markdown_drop_tree(&f->doc);
	hb_parsed_put(&f->bytes, &f->sentences, &f->page, &f->doc);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	hb_doc_free(&f->doc);
	hb_buf_free(&f->bytes);
	hb_buf_free(&f->sentences);
	hb_arena_free(&f->a);
	hb_arena_free(&f->b);
	hb_diag_free(&f->d);
	free(f);
	return 0;
}

static void
same_str(const char *want, const char *got)
{
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void
same_value(const struct hb_value *want, const struct hb_value *got)
{
	size_t i;

	assert_int_equal(got->kind, want->kind);
	assert_int_equal(got->line, want->line);
	assert_int_equal(got->col, want->col);
	assert_int_equal(got->is_plain, want->is_plain);
	same_str(want->str, got->str);
	assert_int_equal(got->n, want->n);
	for (i = 0; i < want->n; i++) {
		if (want->kind == HB_VALUE_MAP)
			same_str(want->keys[i], got->keys[i]);
		same_value(&want->items[i], &got->items[i]);
	}
}

static void
same_refs(const struct hb_reflist *want, const struct hb_reflist *got)
{
	size_t i;

	assert_int_equal(got->n, want->n);
	for (i = 0; i < want->n; i++) {
		same_str(want->v[i].id, got->v[i].id);
		assert_int_equal(got->v[i].line, want->v[i].line);
		assert_int_equal(got->v[i].col, want->v[i].col);
	}
}

static void
same_page(const struct hb_page *want, const struct hb_page *got)
{
	same_str(want->path, got->path);
	same_str(want->src_path, got->src_path);
	same_str(want->oid, got->oid);
	same_str(want->section, got->section);
	same_str(want->slug, got->slug);
	same_str(want->id, got->id);
	same_str(want->out_path, got->out_path);
	assert_int_equal(got->is_index, want->is_index);
	same_str(want->title, got->title);
	same_str(want->summary, got->summary);
	same_str(want->type, got->type);
	same_str(want->date, got->date);
	same_str(want->end_date, got->end_date);
	same_str(want->venue, got->venue);
	same_str(want->format, got->format);
	same_str(want->abbr, got->abbr);
	same_str(want->expansion, got->expansion);
	same_str(want->date_inferred, got->date_inferred);
	same_refs(&want->aliases, &got->aliases);
	same_refs(&want->sources, &got->sources);
	same_refs(&want->participants, &got->participants);
	same_refs(&want->related, &got->related);
	same_refs(&want->tags, &got->tags);
	assert_int_equal(got->weight, want->weight);
	assert_int_equal(got->is_draft, want->is_draft);
	same_value(want->front, got->front);
	same_str(want->front_text, got->front_text);
	assert_int_equal(got->front_len, want->front_len);
	assert_int_equal(got->body_len, want->body_len);
	assert_int_equal(got->body_line, want->body_line);
	assert_null(got->body);		/* read when needed: hb_page_read_body */
}

static void
same_doc(const struct hb_doc *want, const struct hb_doc *got)
{
	size_t i;

	assert_null(got->root);
	assert_int_equal(got->n_headings, want->n_headings);
	for (i = 0; i < want->n_headings; i++) {
		assert_int_equal(got->headings[i].level, want->headings[i].level);
		assert_int_equal(got->headings[i].line, want->headings[i].line);
		same_str(want->headings[i].text, got->headings[i].text);
		same_str(want->headings[i].anchor, got->headings[i].anchor);
	}
	assert_int_equal(got->n_links, want->n_links);
	for (i = 0; i < want->n_links; i++) {
		const struct hb_link *w = &want->links[i], *g = &got->links[i];

		assert_int_equal(g->kind, w->kind);
		assert_int_equal(g->line, w->line);
		assert_int_equal(g->col, w->col);
		same_str(w->target, g->target);
		same_str(w->fragment, g->fragment);
		same_str(w->label, g->label);
		same_str(w->title, g->title);
		same_str(w->before, g->before);
		same_str(w->after, g->after);
		same_str(w->context, g->context);
		assert_null(g->page);	/* the graph's to fill in */
		assert_null(g->href);
	}
	assert_int_equal(got->n_paragraphs, want->n_paragraphs);
	for (i = 0; i < want->n_paragraphs; i++) {
		assert_int_equal(got->paragraphs[i].number, want->paragraphs[i].number);
		assert_int_equal(got->paragraphs[i].line, want->paragraphs[i].line);
		same_str(want->paragraphs[i].text, got->paragraphs[i].text);
	}
	same_str(want->text, got->text);
}

static void
test_round_trip(void **state)
{
	struct fx *f = *state;

	/* The fixture has every part worth checking. */
	assert_int_equal(f->doc.n_links, 5);
	assert_non_null(f->doc.links[0].context);	/* [[vientiane-vision]]: no title yet */
	assert_null(f->doc.links[3].context);	/* the quotation's sentence is final */
	assert_non_null(f->doc.links[3].before);
	assert_int_equal(f->doc.n_paragraphs, 2);
	assert_int_equal(f->doc.n_headings, 2);
	assert_int_equal(hb_parsed_take(f->bytes.buf, f->bytes.len, &f->back, &f->doc_back, &f->b),
	    0);
	same_page(&f->page, &f->back);
	/* The links come back without their sentences, which come apart. */
	assert_null(f->doc_back.links[0].context);
	assert_null(f->doc_back.links[3].before);
	assert_int_equal(hb_parsed_take_sentences(f->sentences.buf, f->sentences.len,
	    &f->doc_back, &f->b), 0);
	same_doc(&f->doc, &f->doc_back);
	/* Taken back, the doc finishes as the first one does once the graph named the titles. */
	hb_markdown_finish(&f->doc, &f->a);
	hb_markdown_finish(&f->doc_back, &f->b);
	same_str(f->doc.links[0].before, f->doc_back.links[0].before);
	same_str(f->doc.links[0].after, f->doc_back.links[0].after);
}

/* A string held twice (a block's text is each of its links' context, made again for a link
 * found in a later pass) is written once. */
static void
test_shared_strings_written_once(void **state)
{
	struct fx *f = *state;
	const char *context = f->doc.links[0].context;
	size_t n = 0;
	const char *p = f->sentences.buf, *end = p + f->sentences.len;

	assert_ptr_equal(f->doc.links[1].context, context);
	while ((p = memmem(p, (size_t)(end - p), context, strlen(context))) != NULL) {
		n++;
		p++;
	}
	assert_int_equal(n, 1);
	assert_null(memmem(f->bytes.buf, f->bytes.len, context, strlen(context)));
	assert_int_equal(hb_parsed_take(f->bytes.buf, f->bytes.len, &f->back, &f->doc_back, &f->b),
	    0);
	assert_int_equal(hb_parsed_take_sentences(f->sentences.buf, f->sentences.len,
	    &f->doc_back, &f->b), 0);
	same_str(context, f->doc_back.links[1].context);
}

/* Every prefix of the bytes is refused: a cut-short entry is never taken for a page. */
static void
test_cut_short_is_refused(void **state)
{
	struct fx *f = *state;
	size_t len;

	for (len = 0; len < f->bytes.len; len++) {
		char *copy = malloc(len + 1);	/* exactly len bytes readable, for the sanitizer */

		memcpy(copy, f->bytes.buf, len);
		assert_int_equal(hb_parsed_take(copy, len, &f->back, &f->doc_back, &f->b), -1);
		free(copy);
	}
	assert_int_equal(hb_parsed_take(f->bytes.buf, f->bytes.len, &f->back, &f->doc_back, &f->b),
	    0);
	for (len = 0; len < f->sentences.len; len++) {
		char *copy = malloc(len + 1);

		memcpy(copy, f->sentences.buf, len);
		assert_int_equal(hb_parsed_take_sentences(copy, len, &f->doc_back, &f->b), -1);
		assert_null(f->doc_back.links[3].before);	/* left as it was */
		free(copy);
	}
}

/* Sentences are refused for a doc with other links than theirs. */
static void
test_sentences_of_other_links_are_refused(void **state)
{
	struct fx *f = *state;

	assert_int_equal(hb_parsed_take(f->bytes.buf, f->bytes.len, &f->back, &f->doc_back, &f->b),
	    0);
	f->doc_back.n_links--;
	assert_int_equal(hb_parsed_take_sentences(f->sentences.buf, f->sentences.len,
	    &f->doc_back, &f->b), -1);
	assert_null(f->doc_back.links[3].before);
	f->doc_back.n_links++;
}

/* Any one byte changed: taken back or refused, never read out of bounds (the cache's checksum is
 * what refuses damaged bytes; this is the second line). */
static void
test_damaged_bytes_stay_in_bounds(void **state)
{
	struct fx *f = *state;
	char *copy = malloc(f->bytes.len);
	size_t i;

	for (i = 0; i < f->bytes.len; i++) {
		memcpy(copy, f->bytes.buf, f->bytes.len);
		copy[i] ^= 0x5a;
		(void)hb_parsed_take(copy, f->bytes.len, &f->back, &f->doc_back, &f->b);
	}
	free(copy);
	copy = malloc(f->sentences.len);
	assert_int_equal(hb_parsed_take(f->bytes.buf, f->bytes.len, &f->back, &f->doc_back, &f->b),
	    0);
	for (i = 0; i < f->sentences.len; i++) {
		memcpy(copy, f->sentences.buf, f->sentences.len);
		copy[i] ^= 0x5a;
		(void)hb_parsed_take_sentences(copy, f->sentences.len, &f->doc_back, &f->b);
	}
	free(copy);
}

/* The body is read from the file when its bytes are still the ones parsed; else refused. */
static void
test_read_body(void **state)
{
	struct fx *f = *state;
	char *dir = ut_mkdtemp();
	struct hb_source_spec spec = { dir, NULL, NULL, 1 };
	struct hb_source src;
	struct hb_diag d;
	struct hb_err err;

	hb_diag_init(&d);
	ut_write_str(dir, "kl.md", PAGE);
	assert_int_equal(hb_source_read(&src, &spec, &d, &err), 0);
	assert_int_equal(hb_parsed_take(f->bytes.buf, f->bytes.len, &f->back, &f->doc_back, &f->b),
	    0);
	/* The fixture's made-up blob id is not the file's: it changed since the parse. */
	f->back.file = &src.files[0];
	assert_int_equal(hb_page_read_body(&f->back, &f->b, &err), -1);
	assert_non_null(strstr(err.msg, "content/sources/kl.md changed while the site was being "
	    "built; build again"));
	assert_null(f->back.body);
	assert_int_equal(hb_source_load(&src.files[0], &err), 0);
	f->back.oid = hb_arena_strdup(&f->b, src.files[0].oid);
	assert_int_equal(hb_page_read_body(&f->back, &f->b, &err), 0);
	assert_string_equal(f->back.body, strstr(PAGE, "# Kuala"));
	assert_int_equal(f->back.body_len, strlen(f->back.body));
	assert_null(src.files[0].data);		/* the file's bytes are not kept */
	/* Without the sentences (their file damaged, say), the body parsed again gives them. */
	assert_int_equal(hb_markdown_sentences_again(&f->doc_back, &f->back, &f->b), 0);
	same_doc(&f->doc, &f->doc_back);
	hb_source_free(&src);
	hb_diag_free(&d);
	ut_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_strings_written_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_short_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sentences_of_other_links_are_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_damaged_bytes_stay_in_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_body, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
