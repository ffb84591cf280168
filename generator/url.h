/*
 * url: the one filter every URL in the output passes.
 *
 * A URL is unsafe when its scheme is javascript:, vbscript: or file:, or data: anywhere but an
 * image's src (where only data:image/ is allowed). The scheme is read as a browser reads it:
 * leading spaces and control characters skipped, tabs and newlines inside ignored, character
 * references decoded (&#106; &#x6A; &colon; &Tab; &NewLine;), case folded.
 *
 * Markdown links are already filtered by cmark-gfm's safe mode, and the generator's own links
 * are relative paths; what remains is what a template writes, such as a front-matter field in
 * an href. So every template's output goes through hb_url_filter_html() (luaenv.c): in the
 * URL attributes of every tag (href, src, action, formaction, poster, cite, background,
 * xlink:href, data, srcset, ping, the url= of a meta refresh, ...) an unsafe value is emptied.
 * The contents of <script>, <style> and comments are left alone. Thread-safe.
 */
#ifndef HB_URL_H
#define HB_URL_H

#include <stddef.h>

#include "buf.h"

/* 1 when url (len bytes, as written in an attribute) may be emitted. */
int hb_url_is_safe(const char *url, size_t len, int is_image_src);
/* Empties unsafe URL attribute values in b's bytes [start, end); returns the bytes removed. */
size_t hb_url_filter_html(struct hb_buf *b, size_t start, size_t end);

/*
 * Clean HTML: bytes the filter leaves as they are and that end where the filter starts (no tag,
 * comment, <script> or <style> left open, no '<' without its '>'). Output made of clean pieces
 * needs no filtering there: hb_url_filter_html_skipping() steps over such spans (sorted offsets
 * into b) when it reaches them between tags, and gives the same bytes as hb_url_filter_html().
 */
struct hb_url_span {
	size_t start, end;
};
int hb_url_is_clean_html(const char *s, size_t len);
size_t hb_url_filter_html_skipping(struct hb_buf *b, size_t start, size_t end,
    const struct hb_url_span *clean, size_t n_clean);

#endif
