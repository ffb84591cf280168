#include "page.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "caps.h"
#include "map.h"
#include "xalloc.h"

struct yctx {
	yaml_parser_t parser;
	struct hb_arena *a;
	const char *path;
	int line_offset;
	struct hb_diag *d;
};

static struct hb_loc
mark_loc(const struct yctx *c, yaml_mark_t m)
{
	struct hb_loc loc = { c->path, (int)m.line + 1 + c->line_offset, (int)m.column + 1 };

	return loc;
}

static int
next_event(struct yctx *c, yaml_event_t *ev)
{
	yaml_parser_t *p = &c->parser;

	if (yaml_parser_parse(p, ev))
		return 0;
	if (p->error == YAML_MEMORY_ERROR) {
		hb_xalloc_die();
	}
	if (p->context != NULL) {
		struct hb_loc started = mark_loc(c, p->context_mark);

		hb_diag(c->d, HB_ERROR, mark_loc(c, p->problem_mark),
		    "invalid YAML: %s %s that starts at line %d, column %d",
		    p->problem ? p->problem : "syntax error", p->context, started.line,
		    started.col);
	} else {
		hb_diag(c->d, HB_ERROR, mark_loc(c, p->problem_mark), "invalid YAML: %s",
		    p->problem ? p->problem : "syntax error");
	}
	return -1;
}

static struct hb_value *parse_node(struct yctx *c, yaml_event_t *ev, int depth);

static void
set_loc(const struct yctx *c, struct hb_value *v, const yaml_event_t *ev)
{
	struct hb_loc loc = mark_loc(c, ev->start_mark);

	v->line = loc.line;
	v->col = loc.col;
}

/* Parses sequence items until SEQUENCE_END; returns -1 on error. */
static int
parse_items(struct yctx *c, struct hb_value *v, int depth)
{
	struct hb_value *items = NULL;
	size_t n_alloc = 0;
	int rc = -1;

	for (;;) {
		yaml_event_t ev;
		struct hb_value *item;

		if (next_event(c, &ev) != 0)
			goto out;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		item = parse_node(c, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (item == NULL)
			goto out;
		items = hb_xgrow(items, &n_alloc, v->n + 1, sizeof(*items));
		items[v->n++] = *item;
	}
	v->items = hb_arena_alloc(c->a, v->n * sizeof(*items));
	if (v->n)
		memcpy(v->items, items, v->n * sizeof(*items));
	rc = 0;
out:
	free(items);
	return rc;
}

/* Parses key/value pairs until MAPPING_END; keys must be unique scalars. */
static int
parse_pairs(struct yctx *c, struct hb_value *v, int depth)
{
	struct hb_value *values = NULL;
	const char **keys = NULL;
	size_t n_alloc = 0, k_alloc = 0;
	struct hb_map seen;
	int rc = -1;

	hb_map_init(&seen, HB_MAP_EXACT);
	for (;;) {
		yaml_event_t ev;
		struct hb_value *val;
		const char *key;

		if (next_event(c, &ev) != 0)
			goto out;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			hb_diag(c->d, HB_ERROR, mark_loc(c, ev.start_mark),
			    "front matter keys must be plain strings");
			yaml_event_delete(&ev);
			goto out;
		}
		key = hb_arena_strndup(c->a, (const char *)ev.data.scalar.value,
		    ev.data.scalar.length);
		if (hb_map_put(&seen, key, (void *)key) != NULL) {
			hb_diag(c->d, HB_ERROR, mark_loc(c, ev.start_mark),
			    "duplicate key '%s'", key);
			yaml_event_delete(&ev);
			goto out;
		}
		yaml_event_delete(&ev);
		if (next_event(c, &ev) != 0)
			goto out;
		val = parse_node(c, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (val == NULL)
			goto out;
		keys = hb_xgrow(keys, &k_alloc, v->n + 1, sizeof(*keys));
		values = hb_xgrow(values, &n_alloc, v->n + 1, sizeof(*values));
		keys[v->n] = key;
		values[v->n++] = *val;
	}
	v->keys = hb_arena_alloc(c->a, v->n * sizeof(*keys));
	v->items = hb_arena_alloc(c->a, v->n * sizeof(*values));
	if (v->n) {
		memcpy(v->keys, keys, v->n * sizeof(*keys));
		memcpy(v->items, values, v->n * sizeof(*values));
	}
	rc = 0;
out:
	hb_map_free(&seen);
	free(keys);
	free(values);
	return rc;
}

/* Parses the node that starts with ev (already read). Returns NULL after reporting an error. */
static struct hb_value *
parse_node(struct yctx *c, yaml_event_t *ev, int depth)
{
	struct hb_value *v = hb_arena_alloc(c->a, sizeof(*v));

	set_loc(c, v, ev);
	if (depth > HB_YAML_MAX_DEPTH) {
		hb_diag(c->d, HB_ERROR, mark_loc(c, ev->start_mark),
		    "front matter is nested deeper than %d levels", HB_YAML_MAX_DEPTH);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL) {
			hb_diag(c->d, HB_ERROR, mark_loc(c, ev->start_mark),
			    "a string holds a NUL character (\\0)");
			return NULL;
		}
		v->kind = HB_VALUE_STRING;
		v->str = hb_arena_strndup(c->a, (const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		v->is_plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return v;
	case YAML_SEQUENCE_START_EVENT:
		v->kind = HB_VALUE_LIST;
		return parse_items(c, v, depth) == 0 ? v : NULL;
	case YAML_MAPPING_START_EVENT:
		v->kind = HB_VALUE_MAP;
		return parse_pairs(c, v, depth) == 0 ? v : NULL;
	case YAML_ALIAS_EVENT:
		hb_diag(c->d, HB_ERROR, mark_loc(c, ev->start_mark),
		    "YAML aliases are not allowed in front matter");
		return NULL;
	default:
		hb_diag(c->d, HB_ERROR, mark_loc(c, ev->start_mark), "unexpected YAML event");
		return NULL;
	}
}

/* Reads events up to the document's root node and parses it; an empty document is an empty MAP. */
static struct hb_value *
parse_document(struct yctx *c)
{
	struct hb_value *root = NULL;
	yaml_event_t ev;

	for (;;) {
		if (next_event(c, &ev) != 0)
			return NULL;
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		break;
	}
	if (ev.type == YAML_STREAM_END_EVENT) {
		root = hb_arena_alloc(c->a, sizeof(*root));
		root->kind = HB_VALUE_MAP;
		root->line = 1 + c->line_offset;
		root->col = 1;
	} else {
		root = parse_node(c, &ev, 0);
	}
	yaml_event_delete(&ev);
	return root;
}

struct hb_value *
hb_page_parse_yaml(struct hb_arena *a, const char *text, size_t len, const char *src_path,
    int line_offset, struct hb_diag *d)
{
	struct yctx c = { .a = a, .path = src_path, .line_offset = line_offset, .d = d };
	struct hb_value *root;

	if (!yaml_parser_initialize(&c.parser)) {
		hb_xalloc_die();
	}
	yaml_parser_set_input_string(&c.parser, (const unsigned char *)text, len);
	root = parse_document(&c);
	yaml_parser_delete(&c.parser);
	return root;
}

const struct hb_value *
hb_value_get(const struct hb_value *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != HB_VALUE_MAP)
		return NULL;
	for (i = 0; i < map->n; i++) {
		if (strcmp(map->keys[i], key) == 0)
			return &map->items[i];
	}
	return NULL;
}

int
hb_page_is_date(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, dd, i;
	size_t len = strlen(s);

	if (len != 4 && len != 7 && len != 10)
		return 0;
	for (i = 0; i < (int)len; i++) {
		int want_dash = i == 4 || i == 7;

		if (want_dash ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return 0;
	}
	y = atoi(s);
	if (len == 4)
		return y > 0;
	m = atoi(s + 5);
	if (m < 1 || m > 12)
		return 0;
	if (len == 7)
		return 1;
	dd = atoi(s + 8);
	if (m == 2 && dd == 29)
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dd >= 1 && dd <= days[m - 1];
}

static const char *const known_types[] = {
	"meeting", "initiative", "programme", "person", "organisation", "country", "concept",
	"source", "glossary", NULL,
};
static const char *const known_formats[] = { "in-person", "videoconference", "hybrid", NULL };

struct pctx {
	struct hb_page *page;
	struct hb_arena *a;
	struct hb_diag *d;
};

static struct hb_loc
value_loc(const struct pctx *c, const struct hb_value *v)
{
	struct hb_loc loc = { c->page->src_path, v->line, v->col };

	return loc;
}

static int
in_list(const char *s, const char *const *list)
{
	for (; *list; list++) {
		if (strcmp(s, *list) == 0)
			return 1;
	}
	return 0;
}

/* Returns the string of a known key, or NULL (with an error when the value is not a string). */
static const char *
get_string(struct pctx *c, const char *key)
{
	const struct hb_value *v = hb_value_get(c->page->front, key);

	if (v == NULL)
		return NULL;
	if (v->kind != HB_VALUE_STRING) {
		hb_diag(c->d, HB_ERROR, value_loc(c, v), "'%s' must be a string", key);
		return NULL;
	}
	return v->str;
}

static void
get_list(struct pctx *c, const char *key, struct hb_reflist *out)
{
	const struct hb_value *v = hb_value_get(c->page->front, key);
	size_t i;

	if (v == NULL)
		return;
	if (v->kind != HB_VALUE_LIST) {
		hb_diag(c->d, HB_ERROR, value_loc(c, v), "'%s' must be a list of strings", key);
		return;
	}
	out->v = hb_arena_alloc(c->a, v->n * sizeof(*out->v));
	for (i = 0; i < v->n; i++) {
		const struct hb_value *item = &v->items[i];

		if (item->kind != HB_VALUE_STRING || item->str[0] == '\0') {
			hb_diag(c->d, HB_ERROR, value_loc(c, item),
			    "'%s' must be a list of non-empty strings", key);
			continue;
		}
		out->v[out->n].id = item->str;
		out->v[out->n].line = item->line;
		out->v[out->n].col = item->col;
		out->n++;
	}
}

static const char *
get_enum(struct pctx *c, const char *key, const char *const *allowed)
{
	const char *s = get_string(c, key);

	if (s != NULL && !in_list(s, allowed)) {
		hb_diag(c->d, HB_ERROR, value_loc(c, hb_value_get(c->page->front, key)),
		    "unknown %s '%s'", key, s);
		return NULL;
	}
	return s;
}

static const char *
get_date(struct pctx *c, const char *key)
{
	const char *s = get_string(c, key);

	if (s != NULL && !hb_page_is_date(s)) {
		hb_diag(c->d, HB_ERROR, value_loc(c, hb_value_get(c->page->front, key)),
		    "'%s' must be a date (YYYY-MM-DD, YYYY-MM or YYYY), not '%s'", key, s);
		return NULL;
	}
	return s;
}

static void
get_scalars(struct pctx *c)
{
	struct hb_page *p = c->page;
	const char *s;
	char *end;

	p->summary = get_string(c, "summary");
	p->venue = get_string(c, "venue");
	p->abbr = get_string(c, "abbr");
	p->expansion = get_string(c, "expansion");
	p->date_inferred = get_string(c, "date_inferred");
	p->type = get_enum(c, "type", known_types);
	p->format = get_enum(c, "format", known_formats);
	p->date = get_date(c, "date");
	p->end_date = get_date(c, "end_date");
	if ((s = get_string(c, "weight")) != NULL) {
		errno = 0;
		p->weight = strtol(s, &end, 10);
		if (*s == '\0' || *end != '\0' || errno)
			hb_diag(c->d, HB_ERROR, value_loc(c, hb_value_get(p->front, "weight")),
			    "'weight' must be an integer, not '%s'", s);
	}
	if ((s = get_string(c, "draft")) != NULL) {
		if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
			p->is_draft = s[0] == 't';
		else
			hb_diag(c->d, HB_ERROR, value_loc(c, hb_value_get(p->front, "draft")),
			    "'draft' must be true or false, not '%s'", s);
	}
}

/* An id may not contain characters that end a wiki link or start a fragment. */
static int
is_valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++) {
		if (strchr("[]|#/ \t\r\n", *s) != NULL)
			return 0;
	}
	return 1;
}

static void
set_identity(struct pctx *c, const char *path)
{
	struct hb_page *p = c->page;
	const char *slash = strchr(path, '/'), *last = strrchr(path, '/');
	const char *stem = last ? last + 1 : path, *id;
	size_t stem_len = strlen(stem) - 3;	/* ".md" */
	char *dir = hb_arena_strndup(c->a, path, last ? (size_t)(last - path) : 0);

	p->section = hb_arena_strndup(c->a, path, slash ? (size_t)(slash - path) : 0);
	p->slug = hb_arena_strndup(c->a, stem, stem_len);
	p->is_index = strcmp(p->slug, "_index") == 0;
	if (p->is_index) {
		const char *dir_name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;

		p->id = dir[0] ? dir_name : "index";
		p->out_path = dir[0] ? hb_arena_printf(c->a, "%s/index.html", dir) : "index.html";
	} else {
		p->id = p->slug;
		p->out_path = hb_arena_printf(c->a, "%s%s%s.html", dir, dir[0] ? "/" : "", p->slug);
	}
	if ((id = get_string(c, "id")) != NULL) {
		if (is_valid_id(id))
			p->id = id;
		else
			hb_diag(c->d, HB_ERROR, value_loc(c, hb_value_get(p->front, "id")),
			    "'id' must be non-empty without spaces or any of []|#/");
	}
}

/*
 * Finds the front matter: the file starts with a "---" line and the YAML runs up to the next line
 * that is "---" or "...". Sets yaml, yaml_len and body. Returns the number of the body's first
 * line, or 0 when there is no front matter.
 */
static int
split_front_matter(const char *data, size_t len, const char **yaml, size_t *yaml_len,
    const char **body)
{
	const char *p = data, *end = data + len, *line;
	int line_no = 2;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (end - p < 3 || memcmp(p, "---", 3) != 0)
		return 0;
	p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p >= end || *p != '\n')
		return 0;
	*yaml = ++p;
	for (line = p; line < end; line_no++) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - line);

		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
			n--;
		if (n == 3 && (memcmp(line, "---", 3) == 0 || memcmp(line, "...", 3) == 0)) {
			*yaml_len = (size_t)(line - *yaml);
			*body = nl ? nl + 1 : end;
			return line_no + 1;
		}
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	return 0;
}

static int
parse_page(struct hb_page *out, struct hb_arena *a, const struct hb_file *file,
    const char *src_prefix, struct hb_diag *d, int is_body_lent)
{
	struct pctx c = { out, a, d };
	const char *yaml = NULL, *body = NULL;
	size_t yaml_len = 0;
	struct hb_loc loc;

	memset(out, 0, sizeof(*out));
	out->path = hb_arena_strdup(a, file->path);
	out->src_path = hb_arena_printf(a, "%s/%s", src_prefix, file->path);
	out->oid = hb_arena_strdup(a, file->oid);
	loc = (struct hb_loc){ out->src_path, 1, 1 };
	if (hb_caps_check_page(out->src_path, file->data, file->len, d) != 0)
		return -1;
	out->body_line = split_front_matter(file->data, file->len, &yaml, &yaml_len, &body);
	if (out->body_line == 0) {
		hb_diag(d, HB_ERROR, loc, "missing front matter: a page starts with a '---' line, "
		    "YAML with at least 'title', and another '---' line");
		return -1;
	}
	out->front = hb_page_parse_yaml(a, yaml, yaml_len, out->src_path, 1, d);
	if (out->front == NULL)
		return -1;
	if (out->front->kind != HB_VALUE_MAP) {
		hb_diag(d, HB_ERROR, loc, "front matter must be a mapping of keys to values");
		return -1;
	}
	out->front_text = hb_arena_strndup(a, yaml, yaml_len);
	out->front_len = yaml_len;
	out->body_len = (size_t)(file->data + file->len - body);
	out->body = is_body_lent ? body : hb_arena_strndup(a, body, out->body_len);
	set_identity(&c, file->path);
	out->title = get_string(&c, "title");
	if (out->title == NULL || out->title[0] == '\0') {
		if (hb_value_get(out->front, "title") == NULL)
			hb_diag(d, HB_ERROR, loc, "missing required key 'title'");
		else if (out->title != NULL)
			hb_diag(d, HB_ERROR, value_loc(&c, hb_value_get(out->front, "title")),
			    "'title' must not be empty");
		return -1;
	}
	get_scalars(&c);
	get_list(&c, "aliases", &out->aliases);
	get_list(&c, "sources", &out->sources);
	get_list(&c, "participants", &out->participants);
	get_list(&c, "related", &out->related);
	get_list(&c, "tags", &out->tags);
	return 0;
}

int
hb_page_parse(struct hb_page *out, struct hb_arena *a, const struct hb_file *file,
    const char *src_prefix, struct hb_diag *d)
{
	return parse_page(out, a, file, src_prefix, d, 0);
}

int
hb_page_parse_lent(struct hb_page *out, struct hb_arena *a, const struct hb_file *file,
    const char *src_prefix, struct hb_diag *d)
{
	return parse_page(out, a, file, src_prefix, d, 1);
}

void
hb_page_keep_body(struct hb_page *page, struct hb_arena *a)
{
	page->body = hb_arena_strndup(a, page->body, page->body_len);
}

void
hb_page_forget_body(struct hb_page *page)
{
	page->body = NULL;	/* body_len still tells the parse cache its length */
}

int
hb_page_read_body(struct hb_page *page, struct hb_arena *a, struct hb_err *err)
{
	struct hb_file *f = page->file;
	const char *yaml, *body;
	size_t yaml_len;
	int rc = 0;

	if (page->body != NULL || f == NULL)
		return 0;
	if (hb_source_load(f, err) != 0)
		return -1;
	if (strcmp(f->oid, page->oid) != 0 ||
	    split_front_matter(f->data, f->len, &yaml, &yaml_len, &body) != page->body_line ||
	    (size_t)(f->data + f->len - body) != page->body_len) {
		hb_err_set(err, "%s changed while the site was being built; build again",
		    page->src_path);
		rc = -1;
	} else {
		page->body = hb_arena_strndup(a, body, page->body_len);
	}
	hb_source_drop_data(f);
	return rc;
}
