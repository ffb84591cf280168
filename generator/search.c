#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define WEIGHT_TITLE 10
#define WEIGHT_HEADING 5
#define WEIGHT_SUMMARY 3
#define WEIGHT_TEXT 1
#define WEIGHT_MAX 255

/*
 * Latin letters U+00C0..U+017F without their diacritics ("" for the two that are not letters,
 * × and ÷). search.js has the same table: keep them alike.
 */
static const char *const latin_fold[] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",	/* C0 */
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",	/* D0 */
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",	/* E0 */
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",	/* F0 */
	"a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",	/* 100 */
	"d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",	/* 110 */
	"g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",	/* 120 */
	"i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",	/* 130 */
	"l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",	/* 140 */
	"o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",	/* 150 */
	"s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",	/* 160 */
	"u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",	/* 170 */
};

static unsigned
decode(const unsigned char *s, size_t len, size_t *n)
{
	unsigned c = s[0];
	size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1, i;

	if (k == 1 || k > len) {
		*n = 1;
		return c < 0x80 ? c : 0xFFFD;
	}
	c &= 0xFFu >> (k + 1);
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*n = 1;
			return 0xFFFD;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*n = k;
	return c;
}

static int
is_cjk(unsigned c)
{
	return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
	    (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF66 && c <= 0xFF9F) ||
	    (c >= 0xAC00 && c <= 0xD7AF);
}

/* The folded spelling of a letter or digit c of a word, or NULL when c ends words. */
static const char *
fold(unsigned c, char buf[8])
{
	if (c >= 0xFF10 && c <= 0xFF5A)
		c -= 0xFEE0;	/* full-width digits and letters */
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
		buf[0] = (char)c;
		buf[1] = '\0';
		return buf;
	}
	if (c >= 'A' && c <= 'Z') {
		buf[0] = (char)(c - 'A' + 'a');
		buf[1] = '\0';
		return buf;
	}
	if (c >= 0xC0 && c <= 0x17F)
		return latin_fold[c - 0xC0][0] ? latin_fold[c - 0xC0] : NULL;
	if ((c >= 0x370 && c <= 0x3FF) || (c >= 0x400 && c <= 0x4FF)) {
		/* Greek and Cyrillic letters: kept as they are (no case folding). */
		size_t n = c < 0x800 ? 2 : 3;

		buf[0] = (char)(0xC0 | (c >> 6));
		buf[1] = (char)(0x80 | (c & 0x3F));
		buf[n] = '\0';
		return buf;
	}
	return NULL;
}

static void
emit_word(struct hb_buf *word, hb_token_fn fn, void *ctx)
{
	if (word->len > 1)
		fn(ctx, word->buf, word->len);
	hb_buf_reset(word);
}

/* A run of CJK characters: its bigrams, or the character alone. */
static void
emit_cjk(const unsigned char *run, const size_t *starts, size_t n, size_t end, hb_token_fn fn,
    void *ctx)
{
	size_t i;

	if (n == 1) {
		fn(ctx, (const char *)run + starts[0], end - starts[0]);
		return;
	}
	for (i = 0; i + 1 < n; i++) {
		size_t stop = i + 2 < n ? starts[i + 2] : end;

		fn(ctx, (const char *)run + starts[i], stop - starts[i]);
	}
}

void
hb_search_tokens(const char *text, size_t len, hb_token_fn fn, void *ctx)
{
	const unsigned char *s = (const unsigned char *)text;
	struct hb_buf word = HB_BUF_INIT;
	size_t *starts = NULL, n_cjk = 0, alloc = 0, i = 0, n;
	char buf[8];

	while (i < len) {
		unsigned c = decode(s + i, len - i, &n);
		const char *f;

		if (is_cjk(c)) {
			emit_word(&word, fn, ctx);
			starts = hb_xgrow(starts, &alloc, n_cjk + 1, sizeof(*starts));
			starts[n_cjk++] = i;
			i += n;
			continue;
		}
		if (n_cjk > 0) {
			emit_cjk(s, starts, n_cjk, i, fn, ctx);
			n_cjk = 0;
		}
		if ((f = fold(c, buf)) != NULL)
			hb_buf_puts(&word, f);
		else
			emit_word(&word, fn, ctx);
		i += n;
	}
	if (n_cjk > 0)
		emit_cjk(s, starts, n_cjk, len, fn, ctx);
	emit_word(&word, fn, ctx);
	hb_buf_free(&word);
	free(starts);
}

/* A token's documents: ids in order, each with its summed weight. */
struct posting {
	size_t *docs;
	unsigned *weights;
	size_t n, alloc;
};

struct adder {
	struct hb_search *s;
	unsigned weight;
};

static void
add_token(void *ctx, const char *token, size_t len)
{
	struct adder *ad = ctx;
	char small[128], *key = len < sizeof(small) ? small : hb_xmalloc(len + 1);
	struct posting *p;
	size_t doc = ad->s->n_docs;

	/* Most tokens are short: no allocation to look one up. */
	memcpy(key, token, len);
	key[len] = '\0';
	if ((p = hb_map_get(&ad->s->terms, key)) == NULL) {
		p = hb_xcalloc(1, sizeof(*p));
		hb_map_put(&ad->s->terms, key, p);
	}
	if (key != small)
		free(key);
	if (p->n == 0 || p->docs[p->n - 1] != doc) {
		p->docs = hb_xgrow(p->docs, &p->alloc, p->n + 1, sizeof(*p->docs));
		p->weights = hb_xrealloc(p->weights, p->alloc * sizeof(*p->weights));
		p->docs[p->n] = doc;
		p->weights[p->n++] = 0;
	}
	p->weights[p->n - 1] += ad->weight;
	if (p->weights[p->n - 1] > WEIGHT_MAX)
		p->weights[p->n - 1] = WEIGHT_MAX;
}

static void
index_field(struct hb_search *s, const char *text, unsigned weight)
{
	struct adder ad = { s, weight };

	if (text != NULL)
		hb_search_tokens(text, strlen(text), add_token, &ad);
}

/* A JSON string: quotes, backslashes and control characters escaped; "</" broken up so the
 * script cannot end early in a page that inlines it. */
static void
put_json(struct hb_buf *b, const char *s)
{
	hb_buf_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			hb_buf_printf(b, "\\%c", c);
		else if (c == '\n' || c == '\t' || c == '\r')
			hb_buf_putc(b, ' ');
		else if (c < 0x20)
			hb_buf_printf(b, "\\u%04x", c);
		else if (c == '<' && s[1] == '/')
			hb_buf_puts(b, "<\\/"), s++;
		else
			hb_buf_putc(b, (int)c);
	}
	hb_buf_putc(b, '"');
}

/* Plain text with runs of white space made one space. */
static void
put_json_text(struct hb_buf *b, const char *s)
{
	struct hb_buf t = HB_BUF_INIT;
	int space = 0;

	for (; s && *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			space = t.len > 0;
			continue;
		}
		if (space)
			hb_buf_putc(&t, ' ');
		space = 0;
		hb_buf_putc(&t, *s);
	}
	put_json(b, t.buf);
	hb_buf_free(&t);
}

void
hb_search_init(struct hb_search *s)
{
	memset(s, 0, sizeof(*s));
	hb_buf_init(&s->docs);
	hb_buf_init(&s->texts);
	hb_map_init(&s->terms, HB_MAP_EXACT);
}

void
hb_search_add(struct hb_search *s, const struct hb_search_doc *doc)
{
	size_t i;

	index_field(s, doc->title, WEIGHT_TITLE);
	for (i = 0; i < doc->n_headings; i++)
		index_field(s, doc->headings[i], WEIGHT_HEADING);
	index_field(s, doc->summary, WEIGHT_SUMMARY);
	index_field(s, doc->text, WEIGHT_TEXT);
	hb_buf_puts(&s->docs, s->n_docs ? ",\n[" : "[");
	put_json(&s->docs, doc->title);
	hb_buf_putc(&s->docs, ',');
	put_json(&s->docs, doc->path);
	hb_buf_putc(&s->docs, ',');
	put_json(&s->docs, doc->section);
	hb_buf_putc(&s->docs, ',');
	put_json(&s->docs, doc->summary ? doc->summary : "");
	hb_buf_putc(&s->docs, ']');
	hb_buf_puts(&s->texts, s->n_docs ? ",\n" : "");
	put_json_text(&s->texts, doc->text);
	s->n_docs++;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
put_base36(struct hb_buf *b, size_t v)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
		v /= 36;
	} while (v > 0);
	while (n > 0)
		hb_buf_putc(b, tmp[--n]);
}

void
hb_search_write(struct hb_search *s, struct hb_buf *index_js, struct hb_buf *text_js)
{
	const char **keys = hb_xcalloc(s->terms.n + 1, sizeof(*keys));
	size_t i, j, n = 0;

	for (i = 0; i < s->terms.cap; i++) {
		if (s->terms.slots[i].key != NULL)
			keys[n++] = s->terms.slots[i].key;
	}
	qsort(keys, n, sizeof(*keys), cmp_str);
	hb_buf_puts(index_js, "window.HANDBOOK_SEARCH = {\"docs\": [\n");
	hb_buf_put(index_js, s->docs.buf, s->docs.len);
	hb_buf_puts(index_js, "],\n\"terms\": [");
	for (i = 0; i < n; i++) {
		if (i)
			hb_buf_putc(index_js, ',');
		put_json(index_js, keys[i]);
	}
	hb_buf_puts(index_js, "],\n\"postings\": [");
	for (i = 0; i < n; i++) {
		const struct posting *p = hb_map_get(&s->terms, keys[i]);
		size_t prev = 0;

		hb_buf_puts(index_js, i ? ",\"" : "\"");
		for (j = 0; j < p->n; j++) {
			if (j)
				hb_buf_putc(index_js, ' ');
			put_base36(index_js, p->docs[j] - prev);
			hb_buf_putc(index_js, '.');
			put_base36(index_js, p->weights[j]);
			prev = p->docs[j];
		}
		hb_buf_putc(index_js, '"');
	}
	hb_buf_puts(index_js, "]};\n");
	hb_buf_puts(text_js, "window.HANDBOOK_SEARCH_TEXT = [\n");
	hb_buf_put(text_js, s->texts.buf, s->texts.len);
	hb_buf_puts(text_js, "];\n");
	free(keys);
}

void
hb_search_free(struct hb_search *s)
{
	size_t i;

	for (i = 0; i < s->terms.cap; i++) {
		struct posting *p = s->terms.slots[i].value;

		if (s->terms.slots[i].key == NULL || p == NULL)
			continue;
		free(p->docs);
		free(p->weights);
		free(p);
	}
	hb_map_free(&s->terms);
	hb_buf_free(&s->docs);
	hb_buf_free(&s->texts);
}
