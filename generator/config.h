/*
 * config: handbook.yaml -> struct hb_config.
 *
 * Keys: title, description, language, base_url (absolute http(s) URL used only where one is
 * required: sitemap, feed), sections (list: the order of sections), editions (a glob pattern or a list of
 * them: the tags that are published editions; default "edition-*" and "v*"), search and print
 * (booleans, default true: the theme's search page with its index, and print.html). A missing file
 * gives the defaults; unknown keys are kept in `raw` for templates; a wrong type is a located
 * error. Strings live in the arena given.
 */
#ifndef HB_CONFIG_H
#define HB_CONFIG_H

#include "arena.h"
#include "diag.h"
#include "page.h"

struct hb_config {
	const char *title;
	const char *description;
	const char *language;
	const char *base_url;
	const char **sections;		/* NULL-terminated */
	const char **edition_patterns;	/* NULL-terminated fnmatch(3) patterns */
	int has_search;			/* `search: false` turns off the search page and index */
	int has_print;			/* `print: false` turns off print.html */
	const struct hb_value *raw;	/* the whole file, or NULL */
};

/* 1 when s can be the site's base URL: empty, or http:// or https:// and a host, without
 * spaces, control characters, quotes or angle brackets. */
int hb_config_is_base_url(const char *s);
/* Loads path; a missing file is not an error when is_optional. Returns 0, or -1. */
int hb_config_load(struct hb_config *out, const char *path, int is_optional, struct hb_arena *a,
    struct hb_diag *d, struct hb_err *err);

#endif
