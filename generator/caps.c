#include "caps.h"

#include <string.h>

/* The length of the UTF-8 sequence at s (at most n bytes), or 0 when it is not valid UTF-8
 * (overlong forms, surrogates and code points past U+10FFFF are not). */
static size_t
utf8_length(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* A list marker at p ("-", "*", "+", "1." or "1)" followed by a space, a tab or the end of
 * the line); returns its length, or 0. */
static size_t
list_marker(const char *p, const char *end)
{
	const char *q = p;

	if (q < end && (*q == '-' || *q == '*' || *q == '+')) {
		q++;
	} else {
		while (q < end && q - p < 9 && *q >= '0' && *q <= '9')
			q++;
		if (q == p || q == end || (*q != '.' && *q != ')'))
			return 0;
		q++;
	}
	return q == end || *q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' ?
	    (size_t)(q - p) : 0;
}

/* How deep the containers a line opens are nested: its block-quote and list markers, and its
 * indentation (two columns a level). Returns the column (from 0) where the depth passes
 * HB_CAP_NESTING, or -1. */
static long
nesting_overflow(const char *line, const char *end)
{
	const char *p = line;
	size_t depth = 0, indent = 0, m;
	int seen_marker = 0;

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t')) {
			if (!seen_marker)
				indent += *p == '\t' ? 4 - indent % 4 : 1;
			p++;
		}
		if (p < end && *p == '>')
			p++;
		else if ((m = list_marker(p, end)) > 0)
			p += m;
		else
			return -1;
		seen_marker = 1;
		depth++;
		if (depth + indent / 2 > HB_CAP_NESTING)
			return p - line - 1;
	}
}

/* Column (from 1, in characters) of byte offset `at` in the line starting at line. */
static int
column_of(const char *line, const char *at)
{
	int col = 1;

	for (; line < at; line++)
		col += ((unsigned char)*line & 0xc0) != 0x80;
	return col;
}

int
hb_caps_check_page(const char *path, const char *text, size_t len, struct hb_diag *d)
{
	const char *line = text, *end = text + len;
	size_t brackets = 0;
	int line_no = 1, has_long_line = 0, is_nested = 0, bad_utf8 = 0, has_nul = 0, failed = 0;

	if (len > HB_CAP_PAGE_BYTES) {
		hb_diag(d, HB_ERROR, (struct hb_loc){ path, 1, 1 },
		    "page is %zu bytes; the limit for a Markdown file is %u", len,
		    HB_CAP_PAGE_BYTES);
		return -1;
	}
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *p;
		const char *stop = nl ? nl : end;
		long over;

		if (!has_long_line && (size_t)(stop - line) > HB_CAP_LINE_BYTES) {
			hb_diag(d, HB_ERROR, (struct hb_loc){ path, line_no, 1 },
			    "line is %zu bytes long; the limit is %u", (size_t)(stop - line),
			    HB_CAP_LINE_BYTES);
			has_long_line = failed = 1;
		}
		if (!is_nested && (over = nesting_overflow(line, stop)) >= 0) {
			hb_diag(d, HB_ERROR, (struct hb_loc){ path, line_no,
			    column_of(line, line + over) },
			    "lists and block quotes are nested more than %d deep", HB_CAP_NESTING);
			is_nested = failed = 1;
		}
		for (p = line; p < stop; ) {
			unsigned char c = (unsigned char)*p;
			size_t n;

			if (c >= 0x20 && c < 0x80 && c != '[') {
				p++;	/* most bytes: printable ASCII, nothing to check */
				continue;
			}
			n = utf8_length((const unsigned char *)p, (size_t)(stop - p));

			if (n == 0) {
				if (!bad_utf8)
					hb_diag(d, HB_ERROR, (struct hb_loc){ path, line_no,
					    column_of(line, p) }, "invalid UTF-8 (byte 0x%02x): pages "
					    "are UTF-8 text", (unsigned char)*p);
				bad_utf8 = failed = 1;
				n = 1;
			}
			if (*p == '\0' && !has_nul) {
				hb_diag(d, HB_ERROR, (struct hb_loc){ path, line_no,
				    column_of(line, p) }, "file contains a NUL byte");
				has_nul = failed = 1;
			}
			if (*p == '[' && ++brackets == HB_CAP_BRACKETS + 1) {
				hb_diag(d, HB_ERROR, (struct hb_loc){ path, line_no,
				    column_of(line, p) }, "more than %u '[' in one page (links, "
				    "wiki links, images); split the page", HB_CAP_BRACKETS);
				failed = 1;
			}
			p += n;
		}
		line = stop + 1;
		line_no++;
	}
	return failed ? -1 : 0;
}
