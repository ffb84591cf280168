#define _GNU_SOURCE
#include "markdown.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "map.h"
#include "xalloc.h"

/*
 * cmark-gfm 0.29.0.gfm.6's cmark_parser_finish() toggles a process-wide table (the special
 * inline characters of the extensions) without a lock: unserialised, 1 to 4 % of parses on two
 * threads render wrongly. This lock is the one piece of shared mutable state in the generator.
 */
static pthread_mutex_t hb_cmark_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const extension_names[] = {
	"table", "strikethrough", "autolink", "tagfilter", "tasklist", NULL,
};

void
hb_markdown_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

struct growable {
	void *v;
	size_t n;
	size_t n_alloc;
};

struct mctx {
	const struct hb_page *page;
	struct hb_arena *a;
	struct hb_diag *d;
	size_t *line_starts;	/* byte offset of each body line */
	size_t n_lines;
	struct growable links;
	struct growable headings;
	cmark_node *cursor_block;	/* where the last link of a block was found */
	size_t cursor;
	size_t span_pos;		/* code-span state of the block, up to span_pos */
	size_t span_open;
	char miss[128];			/* the last needle not found, and from where */
	size_t miss_at;
	int is_again;			/* hb_markdown_reparse: the tree and its nodes only */
};

/* Decodes one UTF-8 sequence at s; returns its length (1 for a stray byte, taken as is). */
static size_t
decode_utf8(const unsigned char *s, unsigned *cp)
{
	size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1, i;

	*cp = len == 1 ? s[0] : s[0] & (0x3F >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = s[0];
			return 1;
		}
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	return len;
}

static int
is_punctuation(unsigned cp)
{
	return (cp >= 0xA1 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
	    (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
	    (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65);
}

/* Lower case for Latin-1, Latin Extended-A, Greek and Cyrillic capitals; others unchanged. */
static unsigned
to_lower(unsigned cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
	    (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) || (cp >= 0x410 && cp <= 0x42F))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 0x50;
	if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x138 && cp != 0x149 &&
	    cp != 0x178 && cp != 0x17F) {
		/* Capitals are even, but odd in U+0139-U+0148 and from U+0179 on. */
		int odd_capitals = (cp >= 0x139 && cp <= 0x148) || cp >= 0x179;

		if ((cp % 2 == 1) == odd_capitals)
			return cp + 1;
	}
	return cp;
}

static void
put_utf8(struct hb_buf *b, unsigned cp)
{
	if (cp < 0x80) {
		hb_buf_putc(b, (int)cp);
	} else if (cp < 0x800) {
		hb_buf_putc(b, (int)(0xC0 | (cp >> 6)));
		hb_buf_putc(b, (int)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		hb_buf_putc(b, (int)(0xE0 | (cp >> 12)));
		hb_buf_putc(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
		hb_buf_putc(b, (int)(0x80 | (cp & 0x3F)));
	} else {
		hb_buf_putc(b, (int)(0xF0 | (cp >> 18)));
		hb_buf_putc(b, (int)(0x80 | ((cp >> 12) & 0x3F)));
		hb_buf_putc(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
		hb_buf_putc(b, (int)(0x80 | (cp & 0x3F)));
	}
}

/*
 * GitHub's anchor scheme: lower case; letters, digits, '-', '_' and spaces kept, spaces become
 * '-'; ASCII and common Unicode punctuation (dashes, quotes, CJK and full-width marks) dropped.
 */
const char *
hb_markdown_anchor(struct hb_arena *a, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	struct hb_buf b = HB_BUF_INIT;
	const char *anchor;

	while (*p) {
		unsigned cp;

		p += decode_utf8(p, &cp);
		cp = to_lower(cp);
		if (cp == ' ')
			hb_buf_putc(&b, '-');
		else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-' ||
		    cp == '_' || (cp >= 0x80 && !is_punctuation(cp)))
			put_utf8(&b, cp);
	}
	anchor = hb_arena_strdup(a, b.len ? b.buf : "section");
	hb_buf_free(&b);
	return anchor;
}

static void
index_lines(struct mctx *c)
{
	const char *body = c->page->body;
	size_t i, n_alloc = 0;

	c->line_starts = hb_xgrow(NULL, &n_alloc, 1, sizeof(size_t));
	c->line_starts[c->n_lines++] = 0;
	for (i = 0; i < c->page->body_len; i++) {
		if (body[i] != '\n')
			continue;
		c->line_starts = hb_xgrow(c->line_starts, &n_alloc, c->n_lines + 1, sizeof(size_t));
		c->line_starts[c->n_lines++] = i + 1;
	}
}

static cmark_node *
enclosing_block(cmark_node *node)
{
	for (; node != NULL; node = cmark_node_parent(node)) {
		if ((cmark_node_get_type(node) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK &&
		    cmark_node_get_start_line(node) > 0)
			return node;
	}
	return NULL;
}

/* Converts a byte offset in the body into the file's line and column (in characters). */
static void
offset_to_loc(const struct mctx *c, size_t off, int *line, int *col)
{
	size_t lo = 0, hi = c->n_lines, i;
	int chars = 0;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (c->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (i = c->line_starts[lo]; i < off; i++) {
		if (((unsigned char)c->page->body[i] & 0xC0) != 0x80)
			chars++;
	}
	*line = c->page->body_line + (int)lo;
	*col = chars + 1;
}

/*
 * Advances the code-span state (CommonMark: a run of N backticks opens a span that the next run
 * of exactly N closes) from c->span_pos to `at`; returns 1 when `at` lies inside a span.
 * Searches only move forward within a block, so the whole block is scanned once.
 */
static int
in_code_span(struct mctx *c, const char *at)
{
	const char *p = c->page->body + c->span_pos;

	while (p < at) {
		size_t run = 0;

		if (*p != '`') {
			const char *tick = memchr(p, '`', (size_t)(at - p));

			p = tick ? tick : at;
			continue;
		}
		while (p + run < at && p[run] == '`')
			run++;
		if (c->span_open == 0)
			c->span_open = run;
		else if (run == c->span_open)
			c->span_open = 0;
		p += run;
	}
	c->span_pos = (size_t)(p - c->page->body);
	return c->span_open != 0;
}

/* Returns 1 when the character at p is escaped by an odd run of backslashes before it. */
static int
is_escaped(const char *start, const char *p)
{
	size_t n = 0;

	while (p > start && p[-1] == '\\') {
		p--;
		n++;
	}
	return n % 2 == 1;
}

/*
 * Finds needle in the source of the block that holds node, after the previous link found in the
 * same block, and sets line/col. Returns 1 when found; 0 otherwise, with line/col at the block's
 * start (the text came from escapes or entities, such as `\[[`, not from a literal "[[").
 */
/*
 * memmem by hand: sanitizer builds check the whole haystack on every memmem call, which turns
 * a linear scan of a long paragraph into a quadratic one. memchr is checked only up to what it
 * finds, and finds candidates fast.
 */
static const char *
find(const char *hay, size_t hay_len, const char *needle, size_t len)
{
	const char *p = hay, *end = hay + hay_len;

	if (len == 0)
		return NULL;
	while ((size_t)(end - p) >= len &&
	    (p = memchr(p, needle[0], (size_t)(end - p) - len + 1)) != NULL) {
		if (memcmp(p, needle, len) == 0)
			return p;
		p++;
	}
	return NULL;
}

static int
locate(struct mctx *c, cmark_node *node, const char *needle, int *line, int *col)
{
	cmark_node *block = enclosing_block(node);
	const char *body = c->page->body, *hit = NULL;
	int start_line = block ? cmark_node_get_start_line(block) : 1;
	int end_line = block ? cmark_node_get_end_line(block) : 0;
	size_t len = strlen(needle), end;

	if (block != c->cursor_block) {
		c->cursor_block = block;
		c->cursor = c->line_starts[(size_t)start_line - 1 < c->n_lines ?
		    (size_t)start_line - 1 : 0];
		c->span_pos = c->cursor;
		c->span_open = 0;
		c->miss[0] = '\0';
	}
	/* Search only the block's own lines. */
	end = end_line >= start_line && (size_t)end_line < c->n_lines ?
	    c->line_starts[end_line] : c->page->body_len;
	/* The same needle missed from the same place: it misses again (no quadratic rescans). */
	if (c->miss_at == c->cursor && strcmp(c->miss, needle) == 0)
		goto not_found;
	if (c->cursor < end)
		hit = find(body + c->cursor, end - c->cursor, needle, len);
	while (hit != NULL && in_code_span(c, hit))
		hit = find(hit + 1, end - (size_t)(hit + 1 - body), needle, len);
	if (hit != NULL) {
		c->cursor = (size_t)(hit - body) + 1;
		offset_to_loc(c, (size_t)(hit - body), line, col);
		return !is_escaped(body, hit);
	}
	c->miss_at = c->cursor;
	snprintf(c->miss, sizeof(c->miss), "%s", needle);
not_found:
	*line = c->page->body_line + start_line - 1;
	*col = block ? cmark_node_get_start_column(block) : 1;
	return 0;
}

static struct hb_link *
new_link(struct mctx *c)
{
	struct hb_link *links;

	links = c->links.v = hb_xgrow(c->links.v, &c->links.n_alloc, c->links.n + 1,
	    sizeof(struct hb_link));
	memset(&links[c->links.n], 0, sizeof(struct hb_link));
	return &links[c->links.n++];
}

static const char *
trimmed(struct hb_arena *a, const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return hb_arena_strndup(a, s, len);
}

/* Fills link from the text between "[[" and "]]": target, #fragment and |label. */
static int
parse_wiki(struct mctx *c, struct hb_link *link, const char *inner, size_t len)
{
	const char *bar = memchr(inner, '|', len), *hash;
	size_t target_len = bar ? (size_t)(bar - inner) : len;

	if (bar != NULL)
		link->label = trimmed(c->a, bar + 1, len - target_len - 1);
	hash = memchr(inner, '#', target_len);
	if (hash != NULL) {
		link->fragment = trimmed(c->a, hash + 1, target_len - (size_t)(hash - inner) - 1);
		target_len = (size_t)(hash - inner);
	}
	link->target = trimmed(c->a, inner, target_len);
	if (link->label != NULL && link->label[0] == '\0')
		link->label = NULL;
	return link->target[0] != '\0' || (link->fragment && link->fragment[0]);
}

/* "src:x" and "quote:x" targets are citations of the source x. */
static void
set_citation_kind(struct hb_link *link)
{
	if (strncmp(link->target, "src:", 4) == 0) {
		link->kind = HB_LINK_CITE;
		link->target += 4;
	} else if (strncmp(link->target, "quote:", 6) == 0) {
		link->kind = HB_LINK_QUOTE;
		link->target += 6;
	}
	while (link->kind != HB_LINK_WIKI && (*link->target == ' ' || *link->target == '\t'))
		link->target++;
}

static cmark_node *
text_node(const char *s, size_t len)
{
	cmark_node *t = cmark_node_new_with_mem(CMARK_NODE_TEXT, hb_markdown_mem());
	char *lit = hb_xstrndup(s, len);

	cmark_node_set_literal(t, lit);
	free(lit);
	return t;
}

static int
inside_link(cmark_node *node)
{
	for (node = cmark_node_parent(node); node; node = cmark_node_parent(node)) {
		cmark_node_type t = cmark_node_get_type(node);

		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE)
			return 1;
	}
	return 0;
}

static int
has_unclosed_wiki(const char *s)
{
	const char *open = NULL, *end = s + strlen(s), *p;

	for (p = s; (p = find(p, (size_t)(end - p), "[[", 2)) != NULL; p += 2)
		open = p;
	return open != NULL && find(open, (size_t)(end - open), "]]", 2) == NULL;
}

/*
 * A wiki link whose label wraps onto the next line: joins the text, the soft break (as a space,
 * which HTML renders alike) and the next text. The absorbed nodes are unlinked and kept in
 * `absorbed` to be freed after the walk, since the walk still holds pointers to them.
 */
static void
join_wrapped_link(cmark_node *text, struct growable *absorbed)
{
	int lines;

	for (lines = 0; lines < 8 && has_unclosed_wiki(cmark_node_get_literal(text)); lines++) {
		cmark_node *br = cmark_node_next(text), *next = br ? cmark_node_next(br) : NULL;
		struct hb_buf joined = HB_BUF_INIT;

		if (br == NULL || cmark_node_get_type(br) != CMARK_NODE_SOFTBREAK || next == NULL ||
		    cmark_node_get_type(next) != CMARK_NODE_TEXT)
			return;
		hb_buf_printf(&joined, "%s %s", cmark_node_get_literal(text),
		    cmark_node_get_literal(next));
		cmark_node_set_literal(text, joined.buf);
		hb_buf_free(&joined);
		cmark_node_unlink(br);
		cmark_node_unlink(next);
		absorbed->v = hb_xgrow(absorbed->v, &absorbed->n_alloc, absorbed->n + 2,
		    sizeof(cmark_node *));
		((cmark_node **)absorbed->v)[absorbed->n++] = br;
		((cmark_node **)absorbed->v)[absorbed->n++] = next;
	}
}

static int
starts_markdown_link(cmark_node *text)
{
	cmark_node *next = cmark_node_next(text);

	return next != NULL && (cmark_node_get_type(next) == CMARK_NODE_LINK ||
	    cmark_node_get_type(next) == CMARK_NODE_IMAGE);
}

/* Splits one text node around its wiki links; the node keeps the text after the last link. */
static void
split_wiki_links(struct mctx *c, cmark_node *text)
{
	char *lit = hb_xstrdup(cmark_node_get_literal(text));
	const char *p = lit, *from = lit, *open, *close = NULL, *end = lit + strlen(lit);

	while ((open = find(from, (size_t)(end - from), "[[", 2)) != NULL) {
		/* The next "]]", found again only once passed: one scan, however many "[[". */
		if (close == NULL || close < open + 2)
			close = find(open + 2, (size_t)(end - open - 2), "]]", 2);
		struct hb_link *link;
		cmark_node *node;
		char *needle;
		int line, col, is_literal;

		if (close == NULL) {	/* (text nodes hold no newline: soft breaks are nodes) */
			struct hb_loc loc = { c->page->src_path, 0, 0 };

			/* Escaped brackets ("\\[[") are text, and so is "[[" before a Markdown link
			 * ("[[a [b](u)"); any other literal "[[" must be closed. */
			if (!starts_markdown_link(text) &&
			    locate(c, text, "[[", &loc.line, &loc.col))
				hb_diag(c->d, HB_ERROR, loc,
				    "unclosed wiki link: '[[' without ']]'");
			break;
		}
		if ((open > lit && open[-1] == '!') ||
		    memchr(open + 2, '[', (size_t)(close - open - 2)) != NULL) {
			from = open + 2;	/* "![[" (an embed) and "[[[" are not wiki links */
			continue;
		}
		needle = hb_xstrndup(open, strcspn(open, "|#] \t"));
		is_literal = locate(c, text, needle, &line, &col);
		free(needle);
		if (!is_literal) {
			from = open + 2;	/* written with escapes: plain text */
			continue;
		}
		link = new_link(c);
		link->kind = HB_LINK_WIKI;
		link->line = line;
		link->col = col;
		if (!parse_wiki(c, link, open + 2, (size_t)(close - open - 2)))
			link->target = "";
		set_citation_kind(link);
		if (open > p)
			cmark_node_insert_before(text, text_node(p, (size_t)(open - p)));
		node = cmark_node_new_with_mem(CMARK_NODE_LINK, hb_markdown_mem());
		cmark_node_set_url(node, "");
		cmark_node_append_child(node, text_node(link->label ? link->label :
		    link->target, strlen(link->label ? link->label : link->target)));
		cmark_node_insert_before(text, node);
		link->node = node;
		p = from = close + 2;
	}
	cmark_node_set_literal(text, p);
	free(lit);
	if (cmark_node_get_literal(text)[0] == '\0') {
		cmark_node_unlink(text);
		cmark_node_free(text);
	}
}

/* Returns 1 when url is a relative link to a Markdown file ("../x/y.md#frag"). */
static int
is_md_link(const char *url, size_t *path_len)
{
	size_t n = strcspn(url, "?#");
	const char *colon = memchr(url, ':', n), *slash = memchr(url, '/', n);

	if (n < 4 || url[0] == '/' || (colon != NULL && (slash == NULL || colon < slash)))
		return 0;
	*path_len = n;
	return strncmp(url + n - 3, ".md", 3) == 0;
}

static void
record_md_link(struct mctx *c, cmark_node *node)
{
	const char *url = cmark_node_get_url(node);
	struct hb_link *link;
	size_t path_len;
	char *needle;

	if (url == NULL || !is_md_link(url, &path_len))
		return;
	link = new_link(c);
	link->kind = HB_LINK_MD;
	link->target = hb_arena_strndup(c->a, url, path_len);
	if (url[path_len] == '#' && url[path_len + 1] != '\0')
		link->fragment = hb_arena_strdup(c->a, url + path_len + 1);
	link->node = node;
	if (c->is_again)
		return;
	if (cmark_node_get_title(node) != NULL && cmark_node_get_title(node)[0] != '\0')
		link->title = hb_arena_strdup(c->a, cmark_node_get_title(node));
	needle = hb_xstrndup(url, path_len);
	locate(c, node, needle, &link->line, &link->col);
	free(needle);
}

static void
collect_text(cmark_node *node, struct hb_buf *b)
{
	cmark_node *child;

	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_TEXT:
	case CMARK_NODE_CODE:
		hb_buf_puts(b, cmark_node_get_literal(node));
		return;
	case CMARK_NODE_SOFTBREAK:
	case CMARK_NODE_LINEBREAK:
		hb_buf_putc(b, ' ');
		return;
	default:
		break;
	}
	for (child = cmark_node_first_child(node); child; child = cmark_node_next(child))
		collect_text(child, b);
}

static void
record_heading(struct mctx *c, cmark_node *node, struct hb_map *used)
{
	struct hb_heading *h;
	struct hb_buf text = HB_BUF_INIT;
	const char *anchor, *base, *counter;
	int i;

	if (c->is_again) {
		h = c->headings.v = hb_xgrow(c->headings.v, &c->headings.n_alloc,
		    c->headings.n + 1, sizeof(*h));
		memset(&h[c->headings.n], 0, sizeof(*h));
		h[c->headings.n++].node = node;
		return;
	}
	collect_text(node, &text);
	base = anchor = hb_markdown_anchor(c->a, text.buf);
	/* "x", "x-1", "x-2", ...: the next suffix to try for base is kept under "\1base", so
	 * thousands of equal headings stay linear. */
	counter = hb_arena_printf(c->a, "\1%s", base);
	i = (int)(intptr_t)hb_map_get(used, counter);
	if (hb_map_get(used, anchor) != NULL) {
		do
			anchor = hb_arena_printf(c->a, "%s-%d", base, ++i);
		while (hb_map_get(used, anchor) != NULL);
		hb_map_put(used, counter, (void *)(intptr_t)i);
	}
	hb_map_put(used, anchor, (void *)anchor);
	h = c->headings.v = hb_xgrow(c->headings.v, &c->headings.n_alloc, c->headings.n + 1,
	    sizeof(*h));
	h += c->headings.n++;
	h->level = cmark_node_get_heading_level(node);
	h->text = hb_arena_strdup(c->a, text.buf);
	h->anchor = anchor;
	h->line = c->page->body_line + cmark_node_get_start_line(node) - 1;
	h->node = node;
	hb_buf_free(&text);
}

#define CONTEXT_MAX 160	/* bytes of context kept on each side of a link */

/* The enclosing paragraph-like block: the nearest ancestor that is not an inline. */
static cmark_node *
context_block(cmark_node *node)
{
	for (node = cmark_node_parent(node); node; node = cmark_node_parent(node)) {
		if ((cmark_node_get_type(node) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)
			return node;
	}
	return NULL;
}

static int
ends_sentence(const char *s, size_t i)
{
	return (s[i] == '.' || s[i] == '?' || s[i] == '!') && (s[i + 1] == ' ' || s[i + 1] == '\0');
}

/* Moves back to a UTF-8 character boundary. */
static size_t
char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

/* The sentence's text before position at, at most CONTEXT_MAX bytes, "…" when cut. */
static const char *
context_before(struct hb_arena *a, const char *s, size_t at)
{
	size_t start = at, i;

	for (i = at; i > 0; i--) {
		if (ends_sentence(s, i - 1)) {
			start = i;
			break;
		}
		start = i - 1;
	}
	while (start < at && s[start] == ' ')
		start++;
	if (at - start > CONTEXT_MAX) {
		start = char_start(s, at - CONTEXT_MAX);
		return hb_arena_printf(a, "…%.*s", (int)(at - start), s + start);
	}
	return hb_arena_strndup(a, s + start, at - start);
}

static const char *
context_after(struct hb_arena *a, const char *s, size_t at)
{
	size_t end = at, len = strlen(s);

	while (end < len && !ends_sentence(s, end))
		end++;
	if (end < len)
		end++;	/* keep the full stop */
	if (end - at > CONTEXT_MAX) {
		end = char_start(s, at + CONTEXT_MAX);
		return hb_arena_printf(a, "%.*s…", (int)(end - at), s + at);
	}
	return hb_arena_strndup(a, s + at, end - at);
}

int
hb_link_takes_title(const struct hb_link *l)
{
	return l->kind == HB_LINK_WIKI && l->label == NULL;
}

static void
show_titles(struct hb_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n_links; i++) {
		const struct hb_link *l = &doc->links[i];

		if (hb_link_takes_title(l) && l->page != NULL)
			cmark_node_set_literal(cmark_node_first_child(l->node), l->page->title);
	}
}

/*
 * Appends the plain text of block to b: text and code, line breaks as spaces. When the doc's
 * links are marked (their index + 1 in the node's user data, by set_contexts), each link's text
 * is wrapped as "\x01k\x02...\x03", left empty for an unlabelled wiki link (whose title is
 * known only after the graph). Sets *needs_titles when the block has such a link.
 */
static void
marked_block_text(const struct hb_doc *doc, cmark_node *block, struct hb_buf *b,
    int *needs_titles)
{
	cmark_iter *it = cmark_iter_new(block);
	cmark_event_type ev;
	cmark_node *skipping = NULL;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		uintptr_t mark = (uintptr_t)cmark_node_get_user_data(node);

		if (t == CMARK_NODE_LINK && mark != 0) {
			if (ev == CMARK_EVENT_ENTER) {
				hb_buf_printf(b, "\x01%zu\x02", (size_t)(mark - 1));
				if (hb_link_takes_title(&doc->links[mark - 1])) {
					skipping = node;
					*needs_titles = 1;
				}
			} else {
				hb_buf_putc(b, '\x03');
				skipping = skipping == node ? NULL : skipping;
			}
			continue;
		}
		if (skipping != NULL || ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
			hb_buf_puts(b, cmark_node_get_literal(node));
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			hb_buf_putc(b, ' ');
	}
	cmark_iter_free(it);
}

/* What an unlabelled wiki link shows: its target's title, or the target as written. */
static const char *
shown_text(const struct hb_doc *doc, size_t k)
{
	const struct hb_link *l = &doc->links[k];

	return l->page != NULL ? l->page->title : l->target;
}

/*
 * The sentences of links [first, last), which share their block's marked text: the block's
 * text is made once, every link showing its text (titles for unlabelled wiki links) between
 * start[k] and end[k], and each link's sentence is cut from it around its own, as if its own
 * were left out: before it, with the character after it in its place (what tells a full stop);
 * after it, from its end.
 */
static void
finish_block(struct hb_doc *doc, size_t first, size_t last, struct hb_arena *a)
{
	struct hb_buf text = HB_BUF_INIT;
	const char *p = doc->links[first].context;
	size_t n = last - first, *start = hb_xcalloc(2 * n + 1, sizeof(*start)), *end = start + n;
	size_t i;

	hb_buf_putc(&text, '\0');
	text.len = 0;
	while (*p) {
		const char *close;
		size_t k, run = strcspn(p, "\x01\x03");

		if (run > 0) {
			hb_buf_put(&text, p, run);	/* plain text up to the next mark */
			p += run;
			continue;
		}
		if (*p == '\x03') {
			p++;
			continue;
		}
		if ((close = strchr(p, '\x02')) == NULL) {
			hb_buf_putc(&text, *p++);
			continue;
		}
		k = strtoul(p + 1, NULL, 10);
		p = close + 1;
		if (k >= first && k < last)
			start[k - first] = text.len;
		if (k < doc->n_links && hb_link_takes_title(&doc->links[k])) {
			hb_buf_puts(&text, shown_text(doc, k));
			while (*p && *p != '\x03')
				p++;	/* none: a title */
		} else {
			while (*p && *p != '\x03')
				hb_buf_putc(&text, *p++);	/* its own text */
		}
		if (k >= first && k < last)
			end[k - first] = text.len;
	}
	for (i = 0; i < n; i++) {
		struct hb_link *l = &doc->links[first + i];
		char saved = text.buf[start[i]];

		text.buf[start[i]] = text.buf[end[i]];
		l->before = context_before(a, text.buf, start[i]);
		text.buf[start[i]] = saved;
		l->after = context_after(a, text.buf, end[i]);
	}
	free(start);
	hb_buf_free(&text);
}

/* Puts each link's index + 1 in its node's user data (is_on), or takes it out again. */
static void
mark_link_nodes(const struct hb_doc *doc, int is_on)
{
	size_t i;

	for (i = 0; i < doc->n_links; i++)
		cmark_node_set_user_data(doc->links[i].node,
		    is_on ? (void *)(uintptr_t)(i + 1) : NULL);
}

/*
 * Each link's sentence: at once when its block names no unlabelled wiki link, else kept as its
 * block's marked text (one copy per block) for hb_markdown_finish.
 */
static void
set_contexts(struct hb_doc *doc, struct hb_arena *a)
{
	cmark_node *last_block = NULL;
	const char *context = NULL;
	int needs_titles = 0;
	size_t i;

	mark_link_nodes(doc, 1);
	for (i = 0; i < doc->n_links; i++) {
		struct hb_link *l = &doc->links[i];
		cmark_node *block = context_block(l->node);

		if (block == NULL)
			continue;
		if (block != last_block) {
			struct hb_buf text = HB_BUF_INIT;

			needs_titles = 0;
			marked_block_text(doc, block, &text, &needs_titles);
			context = hb_arena_strndup(a, text.buf, text.len);
			hb_buf_free(&text);
			last_block = block;
		}
		l->context = context;
		if (!needs_titles) {
			finish_block(doc, i, i + 1, a);
			l->context = NULL;	/* the sentence is final */
		}
	}
	mark_link_nodes(doc, 0);
}

void
hb_markdown_finish(struct hb_doc *doc, struct hb_arena *a)
{
	size_t i, last;

	if (doc->root != NULL)
		show_titles(doc);
	for (i = 0; i < doc->n_links; i = last) {
		const char *context = doc->links[i].context;

		for (last = i + 1; last < doc->n_links && doc->links[last].context == context; )
			last++;
		if (context != NULL)
			finish_block(doc, i, last, a);
	}
}

void
hb_markdown_drop_tree(struct hb_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n_links; i++)
		doc->links[i].node = NULL;
	for (i = 0; i < doc->n_headings; i++)
		doc->headings[i].node = NULL;
	for (i = 0; i < doc->n_paragraphs; i++)
		doc->paragraphs[i].node = NULL;
	hb_doc_free(doc);
}

static int parse(struct hb_doc *out, const struct hb_page *page, struct hb_arena *a,
    struct hb_diag *d, int is_again);

int
hb_markdown_reparse(struct hb_doc *doc, const struct hb_page *page)
{
	struct hb_doc fresh;
	struct hb_arena scratch;
	struct hb_diag quiet;	/* the first parse reported everything */
	size_t i;
	int rc = -1;

	hb_arena_init(&scratch);
	hb_diag_init(&quiet);
	parse(&fresh, page, &scratch, &quiet, 1);
	if (fresh.n_links == doc->n_links && fresh.n_headings == doc->n_headings &&
	    fresh.n_paragraphs == doc->n_paragraphs) {
		for (i = 0; i < doc->n_links; i++)
			doc->links[i].node = fresh.links[i].node;
		for (i = 0; i < doc->n_headings; i++)
			doc->headings[i].node = fresh.headings[i].node;
		for (i = 0; i < doc->n_paragraphs; i++)
			doc->paragraphs[i].node = fresh.paragraphs[i].node;
		hb_doc_free(doc);
		doc->root = fresh.root;
		doc->pool = fresh.pool;
		show_titles(doc);
		rc = 0;
	} else {
		hb_doc_free(&fresh);
	}
	hb_diag_free(&quiet);
	hb_arena_free(&scratch);
	return rc;
}

int
hb_markdown_sentences_again(struct hb_doc *doc, const struct hb_page *page, struct hb_arena *a)
{
	struct hb_doc fresh;
	struct hb_diag quiet;	/* the first parse reported everything */
	size_t i;
	int rc = -1;

	hb_diag_init(&quiet);
	parse(&fresh, page, a, &quiet, 0);
	if (fresh.n_links == doc->n_links) {
		for (i = 0; i < doc->n_links; i++) {
			doc->links[i].before = fresh.links[i].before;
			doc->links[i].after = fresh.links[i].after;
			doc->links[i].context = fresh.links[i].context;
		}
		rc = 0;
	}
	hb_doc_free(&fresh);
	hb_diag_free(&quiet);
	return rc;
}

/* Collects nodes first: the tree must not change under an iterator. */
static void
collect_nodes(cmark_node *root, struct growable *texts, struct growable *others)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		struct growable *g;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT && !inside_link(node))
			g = texts;
		else if (t == CMARK_NODE_LINK || t == CMARK_NODE_HEADING)
			g = others;
		else
			continue;
		g->v = hb_xgrow(g->v, &g->n_alloc, g->n + 1, sizeof(cmark_node *));
		((cmark_node **)g->v)[g->n++] = node;
	}
	cmark_iter_free(it);
}

/*
 * cmark's memory for one document. Every node and buffer of a parse comes from the pool of the
 * doc being parsed, in blocks freed at once with the tree, instead of a malloc and a free each
 * (a large share of a parse went to the heap). Each allocation starts with a header naming its
 * pool and size, which realloc and free read; what cmark asks for while no parse is running (a
 * literal set at render time) comes from the heap, its header saying so. Sanitizer builds use
 * the heap throughout, so that they still check every access to a tree.
 */
#if defined(__SANITIZE_ADDRESS__)
#define USES_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define USES_POOL 0
#endif
#endif
#ifndef USES_POOL
#define USES_POOL 1
#endif

#define POOL_BLOCK (64 * 1024)

struct pool_block {
	struct pool_block *next;
	size_t used, size;
	max_align_t data[];
};

struct pool {
	struct pool_block *head;
};

struct alloc_header {
	struct pool *pool;	/* NULL: from the heap */
	size_t size;
	max_align_t data[];
};

static _Thread_local struct pool *parsing_pool;	/* the doc this thread is parsing */

static void *
pool_get(struct pool *pool, size_t size)
{
	const size_t align = sizeof(max_align_t);
	size_t need;
	struct alloc_header *h;

	if (size > SIZE_MAX / 2)
		hb_xalloc_die();
	need = (sizeof(*h) + size + align - 1) / align * align;
	if (pool == NULL) {
		h = hb_xmalloc(need);
	} else {
		struct pool_block *b = pool->head;

		if (b == NULL || b->size - b->used < need) {
			size_t block = need > POOL_BLOCK ? need : POOL_BLOCK;

			b = hb_xmalloc(sizeof(*b) + block);
			b->size = block;
			b->used = 0;
			b->next = pool->head;
			pool->head = b;
		}
		h = (struct alloc_header *)((char *)b->data + b->used);
		b->used += need;
	}
	h->pool = pool;
	h->size = size;
	return h->data;
}

static struct alloc_header *
header_of(void *p)
{
	return (struct alloc_header *)((char *)p - offsetof(struct alloc_header, data));
}

static void *
pool_calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		hb_xalloc_die();
	p = pool_get(parsing_pool, n * size);
	memset(p, 0, n * size);
	return p;
}

static void *
pool_realloc(void *p, size_t size)
{
	struct alloc_header *h;
	void *q;

	if (p == NULL)
		return pool_get(parsing_pool, size);
	h = header_of(p);
	if (h->pool == NULL) {
		if (size > SIZE_MAX / 2)
			hb_xalloc_die();
		h = hb_xrealloc(h, sizeof(*h) + size);
		h->size = size;
		return h->data;
	}
	if (size <= h->size)
		return p;
	q = pool_get(h->pool, size);
	memcpy(q, p, h->size);
	return q;
}

static void
pool_free(void *p)
{
	if (p != NULL && header_of(p)->pool == NULL)
		free(header_of(p));
}

static cmark_mem pool_mem = { pool_calloc, pool_realloc, pool_free };

cmark_mem *
hb_markdown_mem(void)
{
	return USES_POOL ? &pool_mem : cmark_get_default_mem_allocator();
}

static void
free_pool(struct pool *pool)
{
	while (pool != NULL && pool->head != NULL) {
		struct pool_block *next = pool->head->next;

		free(pool->head);
		pool->head = next;
	}
	free(pool);
}

/* Parses page's body; with the pool, into parsing_pool. */
static cmark_node *
parse_body(const struct hb_page *page)
{
	cmark_parser *parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES,
	    hb_markdown_mem());
	cmark_node *root;
	size_t i;

	for (i = 0; extension_names[i]; i++)
		cmark_parser_attach_syntax_extension(parser,
		    cmark_find_syntax_extension(extension_names[i]));
	cmark_parser_feed(parser, page->body, page->body_len);
	pthread_mutex_lock(&hb_cmark_lock);
	root = cmark_parser_finish(parser);
	pthread_mutex_unlock(&hb_cmark_lock);
	cmark_parser_free(parser);
	cmark_consolidate_text_nodes(root);
	return root;
}

/* The plain text of a block: text and code, line breaks as spaces. */
static const char *
plain_text(struct hb_arena *a, cmark_node *block)
{
	struct hb_buf b = HB_BUF_INIT;
	const char *s;
	int unused;

	marked_block_text(NULL, block, &b, &unused);	/* no marks yet: plain text */
	s = hb_arena_strndup(a, b.buf, b.len);
	hb_buf_free(&b);
	return s;
}

static int
is_full_text_heading(cmark_node *node)
{
	cmark_node *child = cmark_node_first_child(node);

	return cmark_node_get_heading_level(node) == 2 && child != NULL &&
	    cmark_node_next(child) == NULL && cmark_node_get_type(child) == CMARK_NODE_TEXT &&
	    strcmp(cmark_node_get_literal(child), "Full text") == 0;
}

/* Numbers the paragraphs of a source page's full text (see struct hb_paragraph). */
static void
number_paragraphs(struct mctx *c, cmark_node *root, struct hb_doc *out)
{
	cmark_node *block = cmark_node_first_child(root);
	struct growable v = { 0 };
	int in_text = 0;

	for (; block != NULL; block = cmark_node_next(block)) {
		cmark_iter *it;
		cmark_event_type ev;

		if (cmark_node_get_type(block) == CMARK_NODE_HEADING) {
			if (cmark_node_get_heading_level(block) <= 2)
				in_text = is_full_text_heading(block);
			continue;
		}
		if (!in_text)
			continue;
		it = cmark_iter_new(block);
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *node = cmark_iter_get_node(it);
			struct hb_paragraph *p;

			if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_PARAGRAPH)
				continue;
			v.v = hb_xgrow(v.v, &v.n_alloc, v.n + 1, sizeof(*p));
			p = &((struct hb_paragraph *)v.v)[v.n++];
			p->number = (int)v.n;
			p->text = c->is_again ? NULL : plain_text(c->a, node);
			p->line = c->page->body_line + cmark_node_get_start_line(node) - 1;
			p->node = node;
		}
		cmark_iter_free(it);
	}
	out->paragraphs = hb_arena_alloc(c->a, (v.n + 1) * sizeof(struct hb_paragraph));
	if (v.n)
		memcpy(out->paragraphs, v.v, v.n * sizeof(struct hb_paragraph));
	out->n_paragraphs = v.n;
	free(v.v);
}

/* hb_markdown_parse; is_again: for hb_markdown_reparse, only what a tree's nodes need. */
static int
parse(struct hb_doc *out, const struct hb_page *page, struct hb_arena *a, struct hb_diag *d,
    int is_again)
{
	struct mctx c = { .page = page, .a = a, .d = d, .is_again = is_again };
	struct growable texts = { 0 }, others = { 0 }, absorbed = { 0 };
	struct hb_map used;
	size_t before = d->n_errors, i;
	cmark_node *root;

	memset(out, 0, sizeof(*out));
	index_lines(&c);
	out->pool = hb_xcalloc(1, sizeof(struct pool));
	parsing_pool = out->pool;
	root = parse_body(page);
	collect_nodes(root, &texts, &others);
	for (i = 0; i < texts.n; i++) {
		cmark_node *text = ((cmark_node **)texts.v)[i];

		if (cmark_node_parent(text) == NULL)
			continue;	/* joined into an earlier node */
		join_wrapped_link(text, &absorbed);
		split_wiki_links(&c, text);
	}
	for (i = 0; i < absorbed.n; i++)
		cmark_node_free(((cmark_node **)absorbed.v)[i]);
	free(absorbed.v);
	hb_map_init(&used, HB_MAP_EXACT);
	c.cursor_block = NULL;	/* the .md-link pass searches each block afresh */
	for (i = 0; i < others.n; i++) {
		cmark_node *node = ((cmark_node **)others.v)[i];

		if (cmark_node_get_type(node) == CMARK_NODE_HEADING)
			record_heading(&c, node, &used);
		else
			record_md_link(&c, node);
	}
	hb_map_free(&used);
	out->root = root;
	out->links = hb_arena_alloc(a, c.links.n * sizeof(struct hb_link));
	if (c.links.n)
		memcpy(out->links, c.links.v, c.links.n * sizeof(struct hb_link));
	out->n_links = c.links.n;
	out->headings = hb_arena_alloc(a, c.headings.n * sizeof(struct hb_heading));
	if (c.headings.n)
		memcpy(out->headings, c.headings.v, c.headings.n * sizeof(struct hb_heading));
	out->n_headings = c.headings.n;
	if (page->type != NULL && strcmp(page->type, "source") == 0)
		number_paragraphs(&c, root, out);
	if (!is_again)
		set_contexts(out, a);
	free(c.links.v);
	free(c.headings.v);
	free(texts.v);
	free(others.v);
	free(c.line_starts);
	parsing_pool = NULL;
	return d->n_errors > before ? -1 : 0;
}

int
hb_markdown_parse(struct hb_doc *out, const struct hb_page *page, struct hb_arena *a,
    struct hb_diag *d)
{
	return parse(out, page, a, d, 0);
}

/*
 * The plain text of the tree, a line per block. With is_marked, the doc's links carry their
 * index + 1 in their user data, and an unlabelled wiki link's text is "\x01k\x02".
 */
static const char *
tree_text(const struct hb_doc *doc, struct hb_arena *a, int is_marked)
{
	struct hb_buf b = HB_BUF_INIT;
	cmark_iter *it;
	cmark_event_type ev;
	cmark_node *skipping = NULL;
	const char *s;

	if (doc->root == NULL)
		return "";
	it = cmark_iter_new(doc->root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		uintptr_t mark = is_marked ? (uintptr_t)cmark_node_get_user_data(node) : 0;

		if (t == CMARK_NODE_LINK && mark != 0 && hb_link_takes_title(&doc->links[mark - 1])) {
			if (ev == CMARK_EVENT_ENTER)
				hb_buf_printf(&b, "\x01%zu\x02", (size_t)(mark - 1));
			skipping = ev == CMARK_EVENT_ENTER ? node : NULL;
			continue;
		}
		if (skipping != NULL)
			continue;
		if (ev == CMARK_EVENT_EXIT) {
			if ((t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK && b.len > 0 &&
			    b.buf[b.len - 1] != '\n')
				hb_buf_putc(&b, '\n');
			continue;
		}
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK)
			hb_buf_puts(&b, cmark_node_get_literal(node));
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			hb_buf_putc(&b, ' ');
	}
	cmark_iter_free(it);
	s = hb_arena_strndup(a, b.buf, b.len);
	hb_buf_free(&b);
	return s;
}

const char *
hb_markdown_text(const struct hb_doc *doc, struct hb_arena *a)
{
	return tree_text(doc, a, 0);
}

int
hb_markdown_can_mark(const struct hb_page *page)
{
	return memchr(page->body, '\x01', page->body_len) == NULL;
}

const char *
hb_markdown_marked_text(const struct hb_doc *doc, struct hb_arena *a)
{
	const char *s;

	mark_link_nodes(doc, 1);
	s = tree_text(doc, a, 1);
	mark_link_nodes(doc, 0);
	return s;
}

const char *
hb_markdown_unmark_text(const struct hb_doc *doc, struct hb_arena *a)
{
	struct hb_buf b = HB_BUF_INIT;
	const char *p = doc->text, *mark, *s;

	if (strchr(p, '\x01') == NULL)
		return p;
	/* The marks are hb_markdown_marked_text()'s own: the body has no \x01. */
	while ((mark = strchr(p, '\x01')) != NULL) {
		hb_buf_put(&b, p, (size_t)(mark - p));
		hb_buf_puts(&b, shown_text(doc, strtoul(mark + 1, NULL, 10)));
		p = strchr(mark, '\x02') + 1;
	}
	hb_buf_puts(&b, p);
	s = hb_arena_strndup(a, b.buf, b.len);
	hb_buf_free(&b);
	return s;
}

void
hb_doc_free(struct hb_doc *doc)
{
	if (doc->root != NULL)
		cmark_node_free(doc->root);
	doc->root = NULL;
	free_pool(doc->pool);
	doc->pool = NULL;
}
