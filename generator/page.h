/*
 * page: one content file -> struct hb_page (front matter validated, body located).
 *
 * A page file is YAML front matter between two "---" lines, then a Markdown body. The front
 * matter is parsed with libyaml into a struct hb_value tree (kept whole for templates) and the
 * known keys of the design are checked and copied into typed fields. YAML aliases, duplicate keys
 * and nesting deeper than HB_YAML_MAX_DEPTH are rejected. Every problem is a located diagnostic
 * (`content/x.md:LINE:COL`, lines counted in the file, the front matter included).
 *
 * Everything a page points to lives in the arena given to hb_page_parse() and borrows nothing
 * from the struct hb_file it came from. Thread-safe for distinct arenas and diagnostics lists.
 */
#ifndef HB_PAGE_H
#define HB_PAGE_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "source.h"

#define HB_YAML_MAX_DEPTH 16

enum hb_value_kind {
	HB_VALUE_STRING,
	HB_VALUE_LIST,
	HB_VALUE_MAP,
};

/* A YAML node. Scalars are kept as strings; `is_plain` says the scalar was unquoted. */
struct hb_value {
	enum hb_value_kind kind;
	const char *str;		/* HB_VALUE_STRING */
	struct hb_value *items;		/* LIST items, or MAP values */
	const char **keys;		/* MAP keys, in file order */
	size_t n;
	int line;			/* in the file, from 1 */
	int col;			/* in characters, from 1 */
	int is_plain;
};

/* A reference to another page (or a plain string list entry), with its place in the file. */
struct hb_ref {
	const char *id;
	int line;
	int col;
};

struct hb_reflist {
	struct hb_ref *v;
	size_t n;
};

struct hb_page {
	const char *path;	/* relative to the content directory: "meetings/x.md" */
	const char *src_path;	/* for diagnostics: "content/meetings/x.md" */
	const char *oid;	/* blob id of the file */
	const char *section;	/* first folder, or "" for the root */
	const char *slug;	/* file stem: "x", or "_index" */
	const char *id;		/* `id`, else the stem; an _index page's id is its folder's
				 * name, or "index" for the home page */
	const char *out_path;	/* "meetings/x.html", "meetings/index.html", "index.html" */
	int is_index;		/* an _index.md page */

	const char *title;
	const char *summary;
	const char *type;
	const char *date;
	const char *end_date;
	const char *venue;
	const char *format;
	const char *abbr;
	const char *expansion;		/* glossary: the abbreviation spelled out */
	const char *date_inferred;	/* how an inferred date was inferred; NULL if printed */
	struct hb_reflist aliases;
	struct hb_reflist sources;
	struct hb_reflist participants;
	struct hb_reflist related;
	struct hb_reflist tags;
	long weight;
	int is_draft;

	const struct hb_value *front;	/* the whole front matter (a MAP) */
	const char *front_text;		/* and its YAML text, for the render keys */
	size_t front_len;
	const char *body;	/* NULL when not kept (see below) */
	size_t body_len;
	int body_line;		/* the file line on which the body starts */
	struct hb_file *file;	/* a page taken from the parse cache (parsed.h) with its body
				 * not read: hb_page_read_body() reads it from here */

	/* Pages the generator makes (timeline, type indexes): their layout, and for a type index
	 * the type it lists. NULL for pages from content files. */
	const char *layout;
	const char *index_type;
	const struct hb_value *data;	/* what the generator computed for it (page.data) */
};

/* Parses YAML text into a value tree; line_offset is added to every line. Returns NULL on error. */
struct hb_value *hb_page_parse_yaml(struct hb_arena *a, const char *text, size_t len,
    const char *src_path, int line_offset, struct hb_diag *d);
/* Returns the value of key in a MAP, or NULL. */
const struct hb_value *hb_value_get(const struct hb_value *map, const char *key);

/*
 * Parses one content file. src_prefix is the content directory as the user named it, used for
 * diagnostics. Returns 0 and fills *out, or -1 when the page is unusable (errors reported).
 * A page with recoverable problems (a bad `date`) returns 0 with errors in d.
 */
int hb_page_parse(struct hb_page *out, struct hb_arena *a, const struct hb_file *file,
    const char *src_prefix, struct hb_diag *d);

/*
 * hb_page_parse, but the body is lent: it points into file's data, valid until that is dropped.
 * Then either hb_page_keep_body() copies it into a, or hb_page_forget_body() forgets it (for a
 * page whose body was rendered already, see hb_render_prepare()).
 */
int hb_page_parse_lent(struct hb_page *out, struct hb_arena *a, const struct hb_file *file,
    const char *src_prefix, struct hb_diag *d);
void hb_page_keep_body(struct hb_page *page, struct hb_arena *a);
void hb_page_forget_body(struct hb_page *page);
/*
 * Reads the body of a page taken from the parse cache from its file, into a; 0 when there is
 * nothing to read. -1 with the reason in err when the file cannot be read or no longer holds the
 * bytes that page was parsed from (its blob id differs: it changed while the site was built).
 */
int hb_page_read_body(struct hb_page *page, struct hb_arena *a, struct hb_err *err);

/* Returns 1 when s is a date: YYYY, YYYY-MM or YYYY-MM-DD (a real calendar day). */
int hb_page_is_date(const char *s);

#endif
