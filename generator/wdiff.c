#include "wdiff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* A word and the white space after it; only the word is compared. */
struct token {
	const char *s;
	size_t word_len;
	size_t len;		/* the word and its trailing white space */
};

enum op { OP_SAME, OP_DEL, OP_INS };

struct edit {
	enum op op;
	const struct token *t;
};

struct edits {
	struct edit *v;
	size_t n, alloc;
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Splits text into words, each with the white space after it (leading space is a token). */
static struct token *
tokenize(const char *s, size_t len, size_t *n_out)
{
	struct token *v = NULL;
	size_t n = 0, alloc = 0, i = 0;

	while (i < len) {
		size_t start = i, word;

		while (i < len && !is_space(s[i]))
			i++;
		word = i - start;
		while (i < len && is_space(s[i]))
			i++;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			v = hb_xrealloc(v, alloc * sizeof(*v));
		}
		v[n++] = (struct token){ s + start, word, i - start };
	}
	*n_out = n;
	return v;
}

static int
same(const struct token *a, const struct token *b)
{
	return a->word_len == b->word_len && memcmp(a->s, b->s, a->word_len) == 0;
}

static void
push(struct edits *e, enum op op, const struct token *t)
{
	if (e->n == e->alloc) {
		e->alloc = e->alloc ? 2 * e->alloc : 64;
		e->v = hb_xrealloc(e->v, e->alloc * sizeof(*e->v));
	}
	e->v[e->n++] = (struct edit){ op, t };
}

/*
 * Myers' greedy shortest edit script between a[0..n) and b[0..m), in reverse order into rev.
 * Returns 0, or -1 when it needs more than max_d edits. trace[d] is V after step d, offset by d.
 */
static int
myers(const struct token *a, size_t n, const struct token *b, size_t m, size_t max_d,
    struct edits *rev)
{
	long N = (long)n, M = (long)m, max = (long)max_d, d, k;
	long **trace = hb_xcalloc((size_t)max + 1, sizeof(*trace));
	long *v = hb_xcalloc(2 * (size_t)max + 3, sizeof(*v)), off = max + 1;
	long found = -1, x, y;

	for (d = 0; d <= max && found < 0; d++) {
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < N && y < M && same(&a[x], &b[y]))
				x++, y++;
			v[off + k] = x;
			if (x >= N && y >= M) {
				found = d;
				break;
			}
		}
		trace[d] = hb_xmalloc((2 * (size_t)d + 1) * sizeof(long));
		for (k = -d; k <= d; k++)
			trace[d][k + d] = v[off + k];
	}
	if (found >= 0) {
		x = N, y = M;
		for (d = found; d > 0; d--) {
			long prev_k, px, mx, my;

			k = x - y;
			if (k == -d || (k != d && trace[d - 1][k - 1 + d - 1] <
			    trace[d - 1][k + 1 + d - 1]))
				prev_k = k + 1;
			else
				prev_k = k - 1;
			px = trace[d - 1][prev_k + d - 1];
			/* The edit goes from (px, px - prev_k) to (mx, my); then a snake of equal tokens. */
			mx = prev_k == k + 1 ? px : px + 1;
			my = mx - k;
			while (x > mx && y > my)
				push(rev, OP_SAME, &b[--y]), x--;
			if (prev_k == k + 1)
				push(rev, OP_INS, &b[--y]);
			else
				push(rev, OP_DEL, &a[--x]);
		}
		while (x > 0)
			push(rev, OP_SAME, &b[--y]), x--;
	}
	for (d = 0; d <= max && trace[d]; d++)
		free(trace[d]);
	free(trace);
	free(v);
	return found >= 0 ? 0 : -1;
}

/* The edit script from a to b, forwards: the common ends, then Myers or a rewrite between. */
static void
diff_tokens(const struct token *a, size_t n, const struct token *b, size_t m, struct edits *out)
{
	size_t pre = 0, suf = 0, i;
	struct edits mid = { NULL, 0, 0 };

	while (pre < n && pre < m && same(&a[pre], &b[pre]))
		pre++;
	while (suf < n - pre && suf < m - pre && same(&a[n - 1 - suf], &b[m - 1 - suf]))
		suf++;
	/* Unchanged words are shown with the new text's spacing. */
	for (i = 0; i < pre; i++)
		push(out, OP_SAME, &b[i]);
	if (myers(a + pre, n - pre - suf, b + pre, m - pre - suf, HB_WDIFF_MAX_EDITS, &mid) == 0) {
		for (i = mid.n; i > 0; i--)
			push(out, mid.v[i - 1].op, mid.v[i - 1].t);
	} else {
		for (i = pre; i < n - suf; i++)
			push(out, OP_DEL, &a[i]);
		for (i = pre; i < m - suf; i++)
			push(out, OP_INS, &b[i]);
	}
	for (i = m - suf; i < m; i++)
		push(out, OP_SAME, &b[i]);
	free(mid.v);
}

static void
put_tokens(struct hb_buf *out, const struct edit *v, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		hb_buf_put_html(out, v[i].t->s, v[i].t->len);
}

/* An unchanged stretch v[from..to): whole when short, else its ends around an ellipsis. */
static void
put_same(struct hb_buf *out, const struct edit *v, size_t from, size_t to, int is_first,
    int is_last)
{
	size_t k = HB_WDIFF_CONTEXT;
	size_t head = is_first ? from : from + k < to ? from + k : to;
	size_t tail = is_last ? to : to - from > k ? to - k : from;

	/* Elide only what is worth it: at least a context's worth of words. */
	if (tail < head + k || (is_first && is_last)) {
		put_tokens(out, v, from, to);
		return;
	}
	put_tokens(out, v, from, head);
	hb_buf_puts(out, "<span class=\"wdiff-gap\">…</span>");
	put_tokens(out, v, tail, to);
}

/*
 * A deleted or inserted run in its tag. The space after its last word stays outside the tag,
 * so "<del>c</del> d" reads naturally; a deletion followed by an insertion leaves the space to
 * the insertion.
 */
static void
put_change(struct hb_buf *out, const struct edit *v, size_t from, size_t to, int before_ins)
{
	const struct token *last = v[to - 1].t;
	int is_del = v[from].op == OP_DEL;

	hb_buf_puts(out, is_del ? "<del>" : "<ins>");
	put_tokens(out, v, from, to - 1);
	hb_buf_put_html(out, last->s, last->word_len);
	hb_buf_puts(out, is_del ? "</del>" : "</ins>");
	if (!is_del || !before_ins)
		hb_buf_put_html(out, last->s + last->word_len, last->len - last->word_len);
}

void
hb_wdiff_html(struct hb_buf *out, const char *old, size_t old_len, const char *new_text,
    size_t new_len, struct hb_wdiff_stats *stats)
{
	size_t n, m, i = 0, j;
	struct token *a = tokenize(old, old_len, &n), *b = tokenize(new_text, new_len, &m);
	struct edits e = { NULL, 0, 0 };
	struct hb_wdiff_stats st = { 0, 0 };

	diff_tokens(a, n, b, m, &e);
	while (i < e.n) {
		enum op op = e.v[i].op;

		for (j = i; j < e.n && e.v[j].op == op; j++) {
			if (op == OP_DEL)
				st.words_deleted++;
			else if (op == OP_INS)
				st.words_inserted++;
		}
		if (op == OP_SAME) {
			put_same(out, e.v, i, j, i == 0, j == e.n);
		} else {
			put_change(out, e.v, i, j, j < e.n && e.v[j].op == OP_INS);
		}
		i = j;
	}
	if (stats)
		*stats = st;
	free(e.v);
	free(a);
	free(b);
}
