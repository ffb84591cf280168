#include "cite.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "path.h"
#include "xalloc.h"

/* Decodes one UTF-8 character at s (len > 0); sets *n to its length (1 for a bad byte). */
static unsigned
decode(const unsigned char *s, size_t len, size_t *n)
{
	unsigned c = s[0];
	size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1, i;

	if (k > len || k == 1) {
		*n = 1;
		return c;
	}
	c &= 0xFFu >> (k + 1);
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*n = 1;
			return s[0];
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*n = k;
	return c;
}

static int
is_space_char(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
	    c == 0xA0 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F ||
	    c == 0x3000;
}

static int
is_quote_char(unsigned c)
{
	return c == '"' || c == '\'' || c == '`' || (c >= 0x2018 && c <= 0x201F) || c == 0xAB ||
	    c == 0xBB || c == 0x2039 || c == 0x203A || (c >= 0x300C && c <= 0x300F) ||
	    c == 0xFF02 || c == 0xFF07 || c == 0x2032 || c == 0x2033;
}

static int
is_dash_char(unsigned c)
{
	return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 ||
	    c == 0xFE63 || c == 0xFF0D;
}

void
hb_cite_normalize(struct hb_buf *out, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, n;
	int pending_space = 0;

	while (i < len) {
		unsigned c = decode(s + i, len - i, &n);

		if (is_space_char(c)) {
			pending_space = out->len > 0;
		} else {
			if (pending_space)
				hb_buf_putc(out, ' ');
			pending_space = 0;
			if (is_quote_char(c))
				hb_buf_putc(out, '"');
			else if (is_dash_char(c)) {
				/* "--" is how a keyboard writes "—": a run of dashes is one dash */
				if (out->len == 0 || out->buf[out->len - 1] != '-')
					hb_buf_putc(out, '-');
			} else
				hb_buf_put(out, s + i, n);
		}
		i += n;
	}
}

/* The length of the ellipsis at s ("…" or "..."), or 0. */
static size_t
ellipsis_at(const char *s)
{
	if (strncmp(s, "\xE2\x80\xA6", 3) == 0)
		return 3;
	return strncmp(s, "...", 3) == 0 ? 3 : 0;
}

/* Whether the quotation (normalized) is in the paragraph (normalized), parts in order. */
static int
quote_in(const char *quote, const char *para)
{
	const char *q = quote, *from = para;
	int has_words = 0;

	while (*q) {
		const char *end = q;
		char *part;
		size_t len;
		const char *at;

		while (*end && ellipsis_at(end) == 0)
			end++;
		len = (size_t)(end - q);
		while (len > 0 && q[0] == ' ')
			q++, len--;
		while (len > 0 && q[len - 1] == ' ')
			len--;
		if (len > 0) {
			part = hb_xstrndup(q, len);
			at = strstr(from, part);
			free(part);
			if (at == NULL)
				return 0;
			from = at + len;
			has_words = 1;
		}
		q = *end ? end + ellipsis_at(end) : end;
	}
	return has_words;
}

static const char *
normalized(const char *text)
{
	struct hb_buf b = HB_BUF_INIT;

	hb_cite_normalize(&b, text, strlen(text));
	return hb_buf_detach(&b, NULL);
}

struct words {
	const char **v;		/* normalized words */
	const char **start;	/* where each begins in the original text */
	size_t *len;		/* its length there */
	size_t n;
};

static void
split_words(struct words *w, const char *text)
{
	size_t alloc = 0, i = 0, len = strlen(text), n;

	memset(w, 0, sizeof(*w));
	while (i < len) {
		size_t start;
		struct hb_buf norm = HB_BUF_INIT;

		while (i < len && is_space_char(decode((const unsigned char *)text + i, len - i, &n)))
			i += n;
		if (i >= len)
			break;
		start = i;
		while (i < len && !is_space_char(decode((const unsigned char *)text + i, len - i,
		    &n)))
			i += n;
		hb_cite_normalize(&norm, text + start, i - start);
		if (w->n == alloc) {
			alloc = alloc ? 2 * alloc : 32;
			w->v = hb_xrealloc(w->v, alloc * sizeof(*w->v));
			w->start = hb_xrealloc(w->start, alloc * sizeof(*w->start));
			w->len = hb_xrealloc(w->len, alloc * sizeof(*w->len));
		}
		w->v[w->n] = hb_buf_detach(&norm, NULL);
		w->start[w->n] = text + start;
		w->len[w->n++] = i - start;
	}
}

static void
free_words(struct words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free((char *)w->v[i]);
	free(w->v);
	free(w->start);
	free(w->len);
}

/* The longest common subsequence of words q[0..nq) and w[0..nw) (nq, nw small). */
static size_t
common_words(const char *const *q, size_t nq, const char *const *w, size_t nw)
{
	size_t *row = hb_xcalloc(nw + 1, sizeof(*row)), i, j, best;

	for (i = 0; i < nq; i++) {
		size_t diag = 0;

		for (j = 0; j < nw; j++) {
			size_t up = row[j + 1];

			row[j + 1] = strcmp(q[i], w[j]) == 0 ? diag + 1 :
			    up > row[j] ? up : row[j];
			diag = up;
		}
	}
	best = row[nw];
	free(row);
	return best;
}

/*
 * The stretch of the paragraphs most like the quotation (a window about as long as it, with
 * the most words in common, in order), when at least half its words are there; NULL otherwise.
 * In a.
 */
static const char *
near_miss(struct hb_arena *a, const char *quote, const struct hb_paragraph *paras, size_t n)
{
	struct words q;
	size_t best = 0, p, i, len;
	const char *best_text = NULL;

	split_words(&q, quote);
	for (p = 0; p < n && q.n > 0 && q.n <= 200; p++) {
		struct words w;

		split_words(&w, paras[p].text);
		for (len = q.n > 2 ? q.n - 2 : 1; len <= q.n + 2; len++) {
			for (i = 0; i + len <= w.n; i++) {
				size_t score = common_words(q.v, q.n, w.v + i, len);
				const char *end = w.start[i + len - 1] + w.len[i + len - 1];

				if (score <= best)
					continue;
				best = score;
				best_text = hb_arena_strndup(a, w.start[i], (size_t)(end - w.start[i]));
			}
		}
		free_words(&w);
	}
	free_words(&q);
	return 2 * best >= q.n && best > 0 ? best_text : NULL;
}

/* The paragraph number of fragment "p<N>", or 0 when it is not one. */
static int
paragraph_number(const char *fragment)
{
	char *end;
	long n;

	if (fragment == NULL || fragment[0] != 'p' || fragment[1] < '1' || fragment[1] > '9')
		return 0;
	n = strtol(fragment + 1, &end, 10);
	return *end == '\0' && n > 0 && n < 1000000 ? (int)n : 0;
}

struct cctx {
	struct hb_graph *g;
	struct hb_arena *a;
	struct hb_diag *d;
};

static struct hb_loc
link_loc(const struct hb_node *from, const struct hb_link *l)
{
	struct hb_loc loc = { from->page->src_path, l->line, l->col };

	return loc;
}

/* Checks a quotation against its source; sets l->paragraph when it was left to be found. */
static int
check_quote(struct cctx *c, const struct hb_node *from, struct hb_link *l,
    const struct hb_node *src)
{
	const char *quote = l->label ? l->label : "";
	const char *nq = normalized(quote), *miss;
	const struct hb_paragraph *paras = src->doc.paragraphs;
	size_t n = src->doc.n_paragraphs, i;
	int found = 0;

	if (nq[0] == '\0') {
		hb_diag(c->d, HB_ERROR, link_loc(from, l), "quotation from '%s' has no words: "
		    "write [[quote:%s|the words]]", src->page->id, src->page->id);
		free((char *)nq);
		return -1;
	}
	if (l->paragraph > 0) {
		const char *np = normalized(paras[l->paragraph - 1].text);

		found = quote_in(nq, np);
		free((char *)np);
	}
	for (i = 0; !found && l->paragraph == 0 && i < n; i++) {
		const char *np = normalized(paras[i].text);

		if ((found = quote_in(nq, np)))
			l->paragraph = paras[i].number;
		free((char *)np);
	}
	free((char *)nq);
	if (found)
		return 0;
	if (l->paragraph > 0) {
		hb_diag(c->d, HB_ERROR, link_loc(from, l), "quotation not found in paragraph p%d "
		    "of '%s'", l->paragraph, src->page->id);
		miss = near_miss(c->a, quote, &paras[l->paragraph - 1], 1);
	} else {
		hb_diag(c->d, HB_ERROR, link_loc(from, l), "quotation not found in '%s'",
		    src->page->id);
		miss = near_miss(c->a, quote, paras, n);
	}
	if (miss != NULL)
		hb_diag_note(c->d, "the source says '%s'", miss);
	return -1;
}

/* Checks one citation or quotation link and fills its paragraph, URL and cited text. */
static int
check_link(struct cctx *c, const struct hb_node *from, struct hb_link *l)
{
	const struct hb_node *src = l->page ? hb_map_get(&c->g->by_id, l->page->id) : NULL;
	char *url;

	if (src == NULL)
		return -1;	/* unresolved: the graph reported it */
	if (src->page->type == NULL || strcmp(src->page->type, "source") != 0) {
		hb_diag(c->d, HB_ERROR, link_loc(from, l), "'%s' is cited but is not a source "
		    "(type: source)", src->page->id);
		return -1;
	}
	if (l->fragment != NULL) {
		l->paragraph = paragraph_number(l->fragment);
		if (l->paragraph == 0 || (size_t)l->paragraph > src->doc.n_paragraphs) {
			hb_diag(c->d, HB_ERROR, link_loc(from, l), "no paragraph '#%s' to cite: "
			    "'%s' has %zu numbered paragraph%s (p1, p2, ... in its '## Full text')",
			    l->fragment, src->page->id, src->doc.n_paragraphs,
			    src->doc.n_paragraphs == 1 ? "" : "s");
			return -1;
		}
	}
	if (l->kind == HB_LINK_QUOTE && check_quote(c, from, l, src) != 0)
		return -1;
	url = hb_path_relurl(from->page->out_path, src->page->out_path);
	l->href = l->paragraph ? hb_arena_printf(c->a, "%s#p%d", url, l->paragraph) :
	    hb_arena_strdup(c->a, url);
	l->cited_text = l->paragraph ? src->doc.paragraphs[l->paragraph - 1].text : NULL;
	free(url);
	return 0;
}

/* Numbers a page's citations in order of appearance, one number per source paragraph. */
static void
number_citations(struct cctx *c, struct hb_node *node)
{
	struct hb_doc *doc = &node->doc;
	size_t i, j, n = 0;

	for (i = 0; i < doc->n_links; i++) {
		struct hb_link *l = &doc->links[i];

		if ((l->kind != HB_LINK_CITE && l->kind != HB_LINK_QUOTE) || l->href == NULL)
			continue;
		if (node->citations == NULL)
			node->citations = hb_arena_alloc(c->a, doc->n_links * sizeof(*node->citations));
		for (j = 0; j < n; j++) {
			if (node->citations[j].source->page == l->page &&
			    node->citations[j].paragraph == l->paragraph)
				break;
		}
		if (j == n) {
			node->citations[n].number = (int)n + 1;
			node->citations[n].source = hb_map_get(&c->g->by_id, l->page->id);
			node->citations[n].paragraph = l->paragraph;
			node->citations[n].text = l->cited_text;
			n++;
		}
		l->cite_number = node->citations[j].number;
	}
	node->n_citations = n;
}

struct entry {
	const struct hb_node *source;
	struct hb_cited_by by;
};

static int
cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->source != b->source)
		return a->source->order < b->source->order ? -1 : 1;
	if (a->by.paragraph != b->by.paragraph)
		return a->by.paragraph < b->by.paragraph ? -1 : 1;
	if (a->by.from != b->by.from)
		return a->by.from->order < b->by.from->order ? -1 : 1;
	return a->by.number - b->by.number;
}

/* Gives every source its list of citing pages, by paragraph. */
static void
collect_cited_by(struct cctx *c)
{
	struct entry *v = NULL;
	size_t n = 0, alloc = 0, i, j;

	for (i = 0; i < c->g->n_nodes; i++) {
		const struct hb_node *from = c->g->order[i];

		for (j = 0; j < from->n_citations; j++) {
			const struct hb_citation *ct = &from->citations[j];

			v = hb_xgrow(v, &alloc, n + 1, sizeof(*v));
			v[n++] = (struct entry){ ct->source, { ct->paragraph, from, ct->number } };
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_entry);
	for (i = 0; i < n; i = j) {
		struct hb_node *src = (struct hb_node *)v[i].source;

		for (j = i; j < n && v[j].source == src; j++)
			;
		src->cited_by = hb_arena_alloc(c->a, (j - i) * sizeof(*src->cited_by));
		for (src->n_cited_by = 0; src->n_cited_by < j - i; src->n_cited_by++)
			src->cited_by[src->n_cited_by] = v[i + src->n_cited_by].by;
	}
	free(v);
}

size_t
hb_cite_check(struct hb_graph *g, struct hb_arena *a, struct hb_diag *d)
{
	struct cctx c = { g, a, d };
	size_t i, j, before = d->n_errors;

	for (i = 0; i < g->n_nodes; i++) {
		struct hb_node *node = g->order[i];

		for (j = 0; j < node->doc.n_links; j++) {
			struct hb_link *l = &node->doc.links[j];

			if (l->kind == HB_LINK_CITE || l->kind == HB_LINK_QUOTE)
				check_link(&c, node, l);
		}
		number_citations(&c, node);
	}
	collect_cited_by(&c);
	return d->n_errors - before;
}
