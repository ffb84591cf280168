#include "parsed.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "xalloc.h"

#define NO_STRING UINT32_MAX
#define SAME_STRING (UINT32_MAX - 1)	/* then the index of a string written before */
#define SEEN_SLOTS 1024

/*
 * Writing one page. A string the page holds more than once (a block's text is every link's
 * context in it; title and summary are front matter values too) is written once, then as a
 * reference to that first copy.
 */
struct writer {
	struct hb_buf *b;
	const char *seen[SEEN_SLOTS];		/* open addressing by content */
	uint32_t index[SEEN_SLOTS];		/* its number among the strings written */
	uint32_t n_strings;
};

static void
put_u32(struct writer *w, uint32_t v)
{
	hb_buf_put(w->b, &v, sizeof(v));
}

/* Sets *slot to s's among the strings seen, or to the empty one it would take; 0 when full. */
static int
seen_slot(struct writer *w, const char *s, size_t len, size_t *slot)
{
	uint64_t h = hb_hash_quick(s, len);
	size_t i;

	for (i = 0; i < SEEN_SLOTS; i++) {
		*slot = (size_t)((h + i) % SEEN_SLOTS);
		if (w->seen[*slot] == NULL || strcmp(w->seen[*slot], s) == 0)
			return 1;
	}
	return 0;
}

/* A string as its length, its bytes and a NUL; NULL as NO_STRING alone; a string written
 * before as SAME_STRING and its index. */
static void
put_str(struct writer *w, const char *s)
{
	size_t n, slot;

	if (s == NULL) {
		put_u32(w, NO_STRING);
		return;
	}
	n = strlen(s);
	if (seen_slot(w, s, n, &slot)) {
		if (w->seen[slot] != NULL) {
			put_u32(w, SAME_STRING);
			put_u32(w, w->index[slot]);
			return;
		}
		w->seen[slot] = s;
		w->index[slot] = w->n_strings;
	}
	w->n_strings++;
	put_u32(w, (uint32_t)n);
	hb_buf_put(w->b, s, n + 1);
}

static void
put_value(struct writer *b, const struct hb_value *v)
{
	size_t i;

	put_u32(b, (uint32_t)v->kind);
	put_u32(b, (uint32_t)v->line);
	put_u32(b, (uint32_t)v->col);
	put_u32(b, (uint32_t)v->is_plain);
	put_str(b, v->str);
	put_u32(b, (uint32_t)v->n);
	for (i = 0; i < v->n; i++) {
		if (v->kind == HB_VALUE_MAP)
			put_str(b, v->keys[i]);
		put_value(b, &v->items[i]);
	}
}

static void
put_refs(struct writer *b, const struct hb_reflist *l)
{
	size_t i;

	put_u32(b, (uint32_t)l->n);
	for (i = 0; i < l->n; i++) {
		put_str(b, l->v[i].id);
		put_u32(b, (uint32_t)l->v[i].line);
		put_u32(b, (uint32_t)l->v[i].col);
	}
}

static void
put_page(struct writer *b, const struct hb_page *p)
{
	const char *const strings[] = { p->path, p->src_path, p->oid, p->section, p->slug, p->id,
		p->out_path, p->title, p->summary, p->type, p->date, p->end_date, p->venue,
		p->format, p->abbr, p->expansion, p->date_inferred, p->front_text };
	const struct hb_reflist *const lists[] = { &p->aliases, &p->sources, &p->participants,
		&p->related, &p->tags };
	size_t i;

	for (i = 0; i < sizeof(strings) / sizeof(*strings); i++)
		put_str(b, strings[i]);
	for (i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		put_refs(b, lists[i]);
	hb_buf_put(b->b, &p->weight, sizeof(p->weight));
	put_u32(b, (uint32_t)p->is_index);
	put_u32(b, (uint32_t)p->is_draft);
	put_u32(b, (uint32_t)p->body_line);
	put_u32(b, (uint32_t)p->body_len);
	put_value(b, p->front);
}

static void
put_doc(struct writer *b, const struct hb_doc *doc)
{
	size_t i;

	put_u32(b, (uint32_t)doc->n_headings);
	for (i = 0; i < doc->n_headings; i++) {
		const struct hb_heading *h = &doc->headings[i];

		put_u32(b, (uint32_t)h->level);
		put_u32(b, (uint32_t)h->line);
		put_str(b, h->text);
		put_str(b, h->anchor);
	}
	put_u32(b, (uint32_t)doc->n_links);
	for (i = 0; i < doc->n_links; i++) {
		const struct hb_link *l = &doc->links[i];

		put_u32(b, (uint32_t)l->kind);
		put_u32(b, (uint32_t)l->line);
		put_u32(b, (uint32_t)l->col);
		put_str(b, l->target);
		put_str(b, l->fragment);
		put_str(b, l->label);
		put_str(b, l->title);
	}
	put_u32(b, (uint32_t)doc->n_paragraphs);
	for (i = 0; i < doc->n_paragraphs; i++) {
		put_u32(b, (uint32_t)doc->paragraphs[i].number);
		put_u32(b, (uint32_t)doc->paragraphs[i].line);
		put_str(b, doc->paragraphs[i].text);
	}
	put_str(b, doc->text);
}

/* The links' sentences; one made from the graph's titles is made again from its context. */
static void
put_sentences(struct writer *b, const struct hb_doc *doc)
{
	size_t i;

	put_u32(b, (uint32_t)doc->n_links);
	for (i = 0; i < doc->n_links; i++) {
		const struct hb_link *l = &doc->links[i];

		put_str(b, l->context ? NULL : l->before);
		put_str(b, l->context ? NULL : l->after);
		put_str(b, l->context);
	}
}

void
hb_parsed_put(struct hb_buf *b, struct hb_buf *sentences, const struct hb_page *page,
    const struct hb_doc *doc)
{
	struct writer *w = hb_xcalloc(1, sizeof(*w));

	w->b = b;
	put_page(w, page);
	put_doc(w, doc);
	memset(w, 0, sizeof(*w));
	w->b = sentences;
	put_sentences(w, doc);
	free(w);
}

/* Reading back: any shortfall or inconsistency sets is_bad, and what follows reads zeros. */
struct reader {
	const char *p, *end;
	struct hb_arena *a;
	int is_bad;
	const char **strings;	/* every string read, for SAME_STRING */
	size_t n_strings, n_alloc;
};

static uint32_t
take_u32(struct reader *r)
{
	uint32_t v = 0;

	if (r->is_bad || (size_t)(r->end - r->p) < sizeof(v)) {
		r->is_bad = 1;
		return 0;
	}
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return v;
}

static int
take_int(struct reader *r)
{
	uint32_t v = take_u32(r);

	if (v > INT32_MAX)
		r->is_bad = 1;
	return r->is_bad ? 0 : (int)v;
}

static const char *
take_str(struct reader *r)
{
	uint32_t n = take_u32(r);
	const char *s = r->p;

	if (r->is_bad || n == NO_STRING)
		return NULL;
	if (n == SAME_STRING) {
		n = take_u32(r);
		if (n < r->n_strings)
			return r->strings[n];
		r->is_bad = 1;
		return NULL;
	}
	if ((size_t)(r->end - r->p) <= n || r->p[n] != '\0' || memchr(s, '\0', n) != NULL) {
		r->is_bad = 1;
		return NULL;
	}
	r->p += n + 1;
	r->strings = hb_xgrow(r->strings, &r->n_alloc, r->n_strings + 1, sizeof(*r->strings));
	r->strings[r->n_strings++] = s;
	return s;
}

/* An array of n items of size each, in the arena; n is bounded by the bytes left (every item
 * takes at least 4 of them), so a bad count cannot ask for much. */
static void *
take_array(struct reader *r, size_t *n_out, size_t size)
{
	size_t n = take_u32(r);

	if (n > (size_t)(r->end - r->p) / 4)
		r->is_bad = 1;
	*n_out = r->is_bad ? 0 : n;
	return hb_arena_alloc(r->a, (*n_out + 1) * size);
}

static void
take_value(struct reader *r, struct hb_value *v, int depth)
{
	size_t i;

	v->kind = (enum hb_value_kind)take_u32(r);
	v->line = take_int(r);
	v->col = take_int(r);
	v->is_plain = take_int(r);
	v->str = take_str(r);
	if (depth > HB_YAML_MAX_DEPTH || (v->kind != HB_VALUE_STRING && v->kind != HB_VALUE_LIST &&
	    v->kind != HB_VALUE_MAP))
		r->is_bad = 1;
	v->items = take_array(r, &v->n, sizeof(*v->items));
	if (v->kind == HB_VALUE_MAP)
		v->keys = hb_arena_alloc(r->a, (v->n + 1) * sizeof(*v->keys));
	for (i = 0; i < v->n && !r->is_bad; i++) {
		if (v->kind == HB_VALUE_MAP)
			v->keys[i] = take_str(r);
		take_value(r, &v->items[i], depth + 1);
	}
}

static void
take_refs(struct reader *r, struct hb_reflist *l)
{
	size_t i;

	l->v = take_array(r, &l->n, sizeof(*l->v));
	for (i = 0; i < l->n; i++) {
		l->v[i].id = take_str(r);
		l->v[i].line = take_int(r);
		l->v[i].col = take_int(r);
	}
}

static void
take_page(struct reader *r, struct hb_page *p)
{
	const char **const strings[] = { &p->path, &p->src_path, &p->oid, &p->section, &p->slug,
		&p->id, &p->out_path, &p->title, &p->summary, &p->type, &p->date, &p->end_date,
		&p->venue, &p->format, &p->abbr, &p->expansion, &p->date_inferred, &p->front_text };
	struct hb_reflist *const lists[] = { &p->aliases, &p->sources, &p->participants,
		&p->related, &p->tags };
	struct hb_value *front = hb_arena_alloc(r->a, sizeof(*front));
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < sizeof(strings) / sizeof(*strings); i++)
		*strings[i] = take_str(r);
	for (i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		take_refs(r, lists[i]);
	if ((size_t)(r->end - r->p) < sizeof(p->weight))
		r->is_bad = 1;
	else
		memcpy(&p->weight, r->p, sizeof(p->weight));
	r->p += r->is_bad ? 0 : sizeof(p->weight);
	p->is_index = take_int(r);
	p->is_draft = take_int(r);
	p->body_line = take_int(r);
	p->body_len = take_u32(r);
	take_value(r, front, 0);
	p->front = front;
	p->front_len = p->front_text ? strlen(p->front_text) : 0;
	if (p->path == NULL || p->src_path == NULL || p->oid == NULL || p->section == NULL ||
	    p->slug == NULL || p->id == NULL || p->out_path == NULL || p->title == NULL ||
	    front->kind != HB_VALUE_MAP)
		r->is_bad = 1;
}

static void
take_doc(struct reader *r, struct hb_doc *doc)
{
	size_t i;

	memset(doc, 0, sizeof(*doc));
	doc->headings = take_array(r, &doc->n_headings, sizeof(*doc->headings));
	for (i = 0; i < doc->n_headings; i++) {
		struct hb_heading *h = &doc->headings[i];

		h->level = take_int(r);
		h->line = take_int(r);
		h->text = take_str(r);
		h->anchor = take_str(r);
		r->is_bad |= h->text == NULL || h->anchor == NULL;
	}
	doc->links = take_array(r, &doc->n_links, sizeof(*doc->links));
	for (i = 0; i < doc->n_links; i++) {
		struct hb_link *l = &doc->links[i];

		l->kind = (enum hb_link_kind)take_u32(r);
		l->line = take_int(r);
		l->col = take_int(r);
		l->target = take_str(r);
		l->fragment = take_str(r);
		l->label = take_str(r);
		l->title = take_str(r);
		r->is_bad |= l->target == NULL || l->kind > HB_LINK_QUOTE;
	}
	doc->paragraphs = take_array(r, &doc->n_paragraphs, sizeof(*doc->paragraphs));
	for (i = 0; i < doc->n_paragraphs; i++) {
		doc->paragraphs[i].number = take_int(r);
		doc->paragraphs[i].line = take_int(r);
		doc->paragraphs[i].text = take_str(r);
		r->is_bad |= doc->paragraphs[i].text == NULL;
	}
	doc->text = take_str(r);
}

int
hb_parsed_take(const char *bytes, size_t len, struct hb_page *page, struct hb_doc *doc,
    struct hb_arena *a)
{
	struct reader r = { bytes, bytes + len, a, 0, NULL, 0, 0 };

	take_page(&r, page);
	take_doc(&r, doc);
	free(r.strings);
	return r.is_bad || r.p != r.end ? -1 : 0;
}

int
hb_parsed_take_sentences(const char *bytes, size_t len, struct hb_doc *doc, struct hb_arena *a)
{
	struct reader r = { bytes, bytes + len, a, 0, NULL, 0, 0 };
	const char **taken = hb_xcalloc(3 * doc->n_links + 1, sizeof(*taken));	/* 3 a link */
	size_t i;

	if (take_u32(&r) != doc->n_links)
		r.is_bad = 1;
	for (i = 0; i < 3 * doc->n_links && !r.is_bad; i++)
		taken[i] = take_str(&r);
	if (!r.is_bad && r.p == r.end) {
		for (i = 0; i < doc->n_links; i++) {
			doc->links[i].before = taken[3 * i];
			doc->links[i].after = taken[3 * i + 1];
			doc->links[i].context = taken[3 * i + 2];
		}
	}
	free(taken);
	free(r.strings);
	return r.is_bad || r.p != r.end ? -1 : 0;
}
