/*
 * caps: what a Markdown page may hold, checked before it is parsed, so that no page can make
 * a build slow. cmark-gfm 0.29's inline parser is quadratic in some bracket sequences ("![[]()"
 * repeated: 240 KB took 6 s) and its block parser grows with nesting; the caps below keep any
 * page well under a second while leaving real pages (the largest in this handbook has 29 KB,
 * 402 brackets, 1,194-byte lines and 3 levels of nesting) far inside them.
 *
 * hb_caps_check_page() reports each violated limit once, at the line and column where it is
 * first exceeded, and returns -1 when there was any; invalid UTF-8 and NUL bytes are reported the
 * same way (a page is text). Thread-safe.
 */
#ifndef HB_CAPS_H
#define HB_CAPS_H

#include <stddef.h>

#include "diag.h"

#define HB_CAP_PAGE_BYTES (2u * 1024 * 1024)	/* one Markdown file */
#define HB_CAP_LINE_BYTES 100000u		/* one line */
#define HB_CAP_NESTING 32			/* lists and block quotes inside each other */
#define HB_CAP_BRACKETS 10000u		/* '[' in one file: links, wiki links, images */
#define HB_CAP_PAGES 100000u			/* Markdown files in a build */

int hb_caps_check_page(const char *path, const char *text, size_t len, struct hb_diag *d);

#endif
