#include "print.h"

#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "path.h"
#include "xalloc.h"

const char *
hb_print_extract(struct hb_arena *a, const char *html, size_t len)
{
	const char *end = html + len, *p = html, *start = NULL, *stop = NULL;

	/* Jump from '<' to '<': a page is large, and most of it is not an article tag. */
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (start == NULL && end - p >= 9 && memcmp(p, "<article", 8) == 0 &&
		    (p[8] == '>' || p[8] == ' '))
			start = p;
		else if (start != NULL && end - p >= 10 && memcmp(p, "</article>", 10) == 0)
			stop = p + 10;
		p++;
	}
	return start && stop ? hb_arena_strndup(a, start, (size_t)(stop - start)) : NULL;
}

static int
hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decodes s[0..len) (and "&amp;", as the attribute has it) into a new string. */
static char *
decode(const char *s, size_t len)
{
	char *out = hb_xmalloc(len + 1), *o = out;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
			*o++ = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			i += 2;
		} else if (i + 5 <= len && strncmp(s + i, "&amp;", 5) == 0) {
			*o++ = '&';
			i += 4;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* dir/rel with "." and ".." segments resolved; NULL when it climbs above the site root. */
static char *
resolve(const char *dir, const char *rel, size_t rel_len)
{
	struct hb_buf joined = HB_BUF_INIT, out = HB_BUF_INIT;
	char *path, *seg, *save = NULL;
	size_t *marks = NULL, n = 0, alloc = 0;

	if (dir[0] != '\0')
		hb_buf_printf(&joined, "%s/", dir);
	hb_buf_put(&joined, rel, rel_len);
	path = hb_buf_detach(&joined, NULL);
	for (seg = strtok_r(path, "/", &save); seg != NULL; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (n == 0) {
				free(path);
				free(marks);
				hb_buf_free(&out);
				return NULL;
			}
			out.len = marks[--n];
			out.buf[out.len] = '\0';
			continue;
		}
		marks = hb_xgrow(marks, &alloc, n + 1, sizeof(*marks));
		marks[n++] = out.len;
		hb_buf_printf(&out, "%s%s", out.len ? "/" : "", seg);
	}
	free(path);
	free(marks);
	return hb_buf_detach(&out, NULL);
}

static int
has_scheme(const char *u, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (u[i] == ':')
			return i > 0;
		if (u[i] == '/' || u[i] == '?' || u[i] == '#')
			return 0;
	}
	return 0;
}

struct rewriter {
	const struct hb_map *by_out;	/* output path -> page id */
	const char *id;			/* the page's id */
	char *dir;			/* its folder */
};

static void
put_anchor(struct hb_buf *out, const char *page_id, const char *frag, size_t frag_len)
{
	hb_buf_putc(out, '#');
	hb_buf_put_html(out, page_id, strlen(page_id));
	if (frag_len > 0) {
		hb_buf_puts(out, "--");
		hb_buf_put(out, frag, frag_len);
	}
}

/* Writes URL u (as it stands in the attribute) rewritten for the one document. */
static void
put_url(struct hb_buf *out, const struct rewriter *rw, const char *u, size_t len)
{
	const char *hash = memchr(u, '#', len);
	size_t path_len = hash ? (size_t)(hash - u) : len;
	const char *query = memchr(u, '?', path_len);
	size_t file_len = query ? (size_t)(query - u) : path_len;
	char *target, *decoded;
	const char *id;

	if (len == 0 || has_scheme(u, len)) {
		hb_buf_put(out, u, len);	/* "" is what safe mode leaves of a dropped URL */
		return;
	}
	if (path_len == 0) {
		put_anchor(out, rw->id, u + 1, len - 1);
		return;
	}
	if ((target = resolve(rw->dir, u, file_len)) == NULL) {
		hb_buf_put(out, u, len);
		return;
	}
	decoded = decode(target, strlen(target));
	if ((id = hb_map_get(rw->by_out, decoded)) != NULL) {
		put_anchor(out, id, hash ? hash + 1 : "", hash ? len - path_len - 1 : 0);
	} else {
		hb_buf_puts(out, target);		/* now relative to the site root */
		hb_buf_put(out, u + file_len, len - file_len);
	}
	free(decoded);
	free(target);
}

/* The attribute whose value starts at p (just after its opening quote), or 0. */
static int
attribute_before(const char *start, const char *p, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(p - start) >= n + 3 && strncmp(p - n - 2, name, n) == 0 &&
	    p[-2] == '=' && p[-1] == '"' && (p[-n - 3] == ' ' || p[-n - 3] == '\n');
}

static void
rewrite(struct hb_buf *out, const struct rewriter *rw, const char *html)
{
	const char *p = html, *from = html;

	while ((p = strchr(p, '"')) != NULL) {
		const char *v = p + 1, *end = strchr(v, '"');
		int is_id, is_url;

		if (end == NULL)
			break;
		is_id = attribute_before(html, v, "id");
		is_url = attribute_before(html, v, "href") || attribute_before(html, v, "cite") ||
		    attribute_before(html, v, "src");
		if (!is_id && !is_url) {
			p = v;	/* a closing quote is the next one's opening: step one by one */
			continue;
		}
		hb_buf_put(out, from, (size_t)(v - from));
		if (is_id) {
			hb_buf_put_html(out, rw->id, strlen(rw->id));
			hb_buf_puts(out, "--");
			hb_buf_put(out, v, (size_t)(end - v));
		} else {
			put_url(out, rw, v, (size_t)(end - v));
		}
		from = end;
		p = end + 1;
	}
	hb_buf_puts(out, from);
}

void
hb_print_body(struct hb_buf *out, const struct hb_graph *g, const char *const *articles)
{
	struct hb_map by_out;
	size_t i;

	hb_map_init(&by_out, HB_MAP_EXACT);
	for (i = 0; i < g->n_nodes; i++) {
		if (articles[i] != NULL)
			hb_map_put(&by_out, g->order[i]->page->out_path, (void *)g->order[i]->page->id);
	}
	for (i = 0; i < g->n_nodes; i++) {
		const struct hb_page *p = g->order[i]->page;
		struct rewriter rw = { &by_out, p->id, hb_path_dirname(p->out_path) };

		if (articles[i] == NULL) {
			free(rw.dir);
			continue;
		}
		hb_buf_puts(out, "<div class=\"print-page\" id=\"");
		hb_buf_put_html(out, p->id, strlen(p->id));
		hb_buf_puts(out, "\">\n");
		rewrite(out, &rw, articles[i]);
		hb_buf_puts(out, "\n</div>\n");
		free(rw.dir);
	}
	hb_map_free(&by_out);
}
