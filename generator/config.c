#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "source.h"

static const char *default_edition_patterns[] = { "edition-*", "v*", NULL };

static void
set_defaults(struct hb_config *c, struct hb_arena *a)
{
	memset(c, 0, sizeof(*c));
	c->title = "Handbook";
	c->description = "";
	c->language = "en";
	c->base_url = "";
	c->sections = hb_arena_alloc(a, sizeof(*c->sections));
	c->edition_patterns = default_edition_patterns;
	c->has_search = 1;
	c->has_print = 1;
}

/* A boolean key (true/false, yes/no); leaves *out alone when the key is absent. */
static void
config_bool(int *out, const struct hb_value *root, const char *key, const char *path,
    struct hb_diag *d)
{
	const struct hb_value *v = hb_value_get(root, key);

	if (v == NULL)
		return;
	if (v->kind == HB_VALUE_STRING && (strcmp(v->str, "true") == 0 ||
	    strcmp(v->str, "yes") == 0)) {
		*out = 1;
	} else if (v->kind == HB_VALUE_STRING && (strcmp(v->str, "false") == 0 ||
	    strcmp(v->str, "no") == 0)) {
		*out = 0;
	} else {
		struct hb_loc loc = { path, v->line, v->col };

		hb_diag(d, HB_ERROR, loc, "'%s' must be true or false", key);
	}
}

static const char *
config_string(const struct hb_value *root, const char *key, const char *dflt, const char *path,
    struct hb_diag *d)
{
	const struct hb_value *v = hb_value_get(root, key);

	if (v == NULL)
		return dflt;
	if (v->kind != HB_VALUE_STRING) {
		struct hb_loc loc = { path, v->line, v->col };

		hb_diag(d, HB_ERROR, loc, "'%s' must be a string", key);
		return dflt;
	}
	return v->str;
}

/*
 * A list of strings under key into a NULL-terminated array (with allow_one, a single string is
 * a list of one); `what` names the items in the error message. Leaves *out alone when the key
 * is absent.
 */
static void
config_strings(const char ***out, const struct hb_value *root, const char *key, const char *what,
    int allow_one, const char *path, struct hb_arena *a, struct hb_diag *d)
{
	const struct hb_value *v = hb_value_get(root, key);
	const char **list;
	size_t i, k = 0;

	if (v == NULL)
		return;
	if (allow_one && v->kind == HB_VALUE_STRING) {
		list = hb_arena_alloc(a, 2 * sizeof(*list));
		list[0] = v->str;
		*out = list;
		return;
	}
	if (v->kind != HB_VALUE_LIST) {
		struct hb_loc loc = { path, v->line, v->col };

		hb_diag(d, HB_ERROR, loc, "'%s' must be a list of %s", key, what);
		return;
	}
	list = hb_arena_alloc(a, (v->n + 1) * sizeof(*list));
	for (i = 0; i < v->n; i++) {
		const struct hb_value *item = &v->items[i];

		if (item->kind == HB_VALUE_STRING) {
			list[k++] = item->str;
		} else {
			struct hb_loc loc = { path, item->line, item->col };

			hb_diag(d, HB_ERROR, loc, "'%s' must list %s (strings)", key, what);
		}
	}
	*out = list;
}

int
hb_config_is_base_url(const char *s)
{
	const char *p;

	if (s[0] == '\0')
		return 1;
	if (strncmp(s, "https://", 8) == 0)
		p = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		p = s + 7;
	else
		return 0;
	if (*p == '\0' || *p == '/')
		return 0;
	for (; *p; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("\"'<>\\`", *p))
			return 0;
	}
	return 1;
}

int
hb_config_load(struct hb_config *out, const char *path, int is_optional, struct hb_arena *a,
    struct hb_diag *d, struct hb_err *err)
{
	struct hb_buf text = HB_BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *fp;

	set_defaults(out, a);
	if ((fp = fopen(path, "rb")) == NULL) {
		if (is_optional && errno == ENOENT)
			return 0;
		hb_err_set(err, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && text.len < HB_SOURCE_MAX_FILE)
		hb_buf_put(&text, chunk, n);
	if (ferror(fp)) {
		hb_err_set(err, "cannot read %s: %s", path, strerror(errno));
		fclose(fp);
		hb_buf_free(&text);
		return -1;
	}
	fclose(fp);
	out->raw = hb_page_parse_yaml(a, text.buf, text.len, hb_arena_strdup(a, path), 0, d);
	hb_buf_free(&text);
	if (out->raw == NULL)
		return -1;
	if (out->raw->kind != HB_VALUE_MAP) {
		struct hb_loc loc = { path, 1, 1 };

		hb_diag(d, HB_ERROR, loc, "configuration must be a mapping of keys to values");
		return -1;
	}
	out->title = config_string(out->raw, "title", out->title, path, d);
	out->description = config_string(out->raw, "description", out->description, path, d);
	out->language = config_string(out->raw, "language", out->language, path, d);
	out->base_url = config_string(out->raw, "base_url", out->base_url, path, d);
	if (!hb_config_is_base_url(out->base_url)) {
		const struct hb_value *v = hb_value_get(out->raw, "base_url");
		struct hb_loc loc = { path, v->line, v->col };

		hb_diag(d, HB_ERROR, loc, "'base_url' must be an http:// or https:// URL");
		out->base_url = "";
	}
	config_strings(&out->sections, out->raw, "sections", "section names", 0, path, a, d);
	config_bool(&out->has_search, out->raw, "search", path, d);
	config_bool(&out->has_print, out->raw, "print", path, d);
	config_strings(&out->edition_patterns, out->raw, "editions", "tag patterns", 1,
	    path, a, d);
	return 0;
}
