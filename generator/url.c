#define _GNU_SOURCE
#include "url.h"

#include <string.h>
#include <strings.h>

/* The next character of an attribute value at *p (before end), character references decoded;
 * advances *p. Returns -1 at the end. */
static long
next_char(const char **p, const char *end)
{
	static const struct {
		const char *name;
		char c;
	} named[] = { { "colon;", ':' }, { "tab;", '\t' }, { "newline;", '\n' } };
	const char *s = *p;
	long c = 0;
	size_t i;

	if (s >= end)
		return -1;
	if (*s != '&') {
		*p = s + 1;
		return (unsigned char)*s;
	}
	if (s + 2 < end && s[1] == '#') {
		const char *q = s + 2;
		int hex = q < end && (*q == 'x' || *q == 'X');

		q += hex;
		for (; q < end && q - s < 12; q++) {
			int v = *q >= '0' && *q <= '9' ? *q - '0' : hex && *q >= 'a' && *q <= 'f' ?
			    *q - 'a' + 10 : hex && *q >= 'A' && *q <= 'F' ? *q - 'A' + 10 : -1;

			if (v < 0)
				break;
			c = c * (hex ? 16 : 10) + v;
		}
		if (q > s + 2 + hex) {
			*p = q < end && *q == ';' ? q + 1 : q;
			return c;
		}
	}
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t n = strlen(named[i].name);

		if ((size_t)(end - s - 1) >= n && strncasecmp(s + 1, named[i].name, n) == 0) {
			*p = s + 1 + n;
			return named[i].c;
		}
	}
	*p = s + 1;
	return '&';
}

int
hb_url_is_safe(const char *url, size_t len, int is_image_src)
{
	const char *p = url, *end = url + len;
	char scheme[16];
	size_t n = 0;
	long c;

	while ((c = next_char(&p, end)) >= 0 && c <= 0x20)
		;
	for (; c >= 0; c = next_char(&p, end)) {
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':')
			break;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (n > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
			return 1;	/* no scheme: a relative URL */
		if (n == sizeof(scheme) - 1)
			return 1;	/* longer than any scheme we refuse */
		scheme[n++] = (char)(c | 0x20);
	}
	if (c != ':')
		return 1;
	scheme[n] = '\0';
	if (strcmp(scheme, "javascript") == 0 || strcmp(scheme, "vbscript") == 0 ||
	    strcmp(scheme, "file") == 0)
		return 0;
	if (strcmp(scheme, "data") == 0) {
		char type[6];
		size_t i = 0;

		while (i < sizeof(type) && (c = next_char(&p, end)) >= 0)
			type[i++] = (char)(c | 0x20);
		return is_image_src && i == sizeof(type) && memcmp(type, "image/", 6) == 0;
	}
	return 1;
}

#define ATTR(s) { s, sizeof(s) - 1 }
static const struct {
	const char *name;
	size_t len;
} url_attributes[] = {
	ATTR("href"), ATTR("src"), ATTR("action"), ATTR("formaction"), ATTR("poster"),
	ATTR("cite"), ATTR("background"), ATTR("longdesc"), ATTR("usemap"), ATTR("data"),
	ATTR("codebase"), ATTR("xlink:href"), ATTR("srcset"), ATTR("ping"), ATTR("lowsrc"),
	ATTR("dynsrc"), ATTR("icon"), ATTR("profile"), ATTR("archive"), ATTR("classid"),
	ATTR("manifest"),
};

static int
is_url_attribute(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(url_attributes) / sizeof(url_attributes[0]); i++) {
		if (url_attributes[i].len == n && strncasecmp(url_attributes[i].name, name, n) == 0)
			return 1;
	}
	return 0;
}

/* The bytes that end a tag's parts. NUL is a space here, as it was for strchr(). */
enum { C_SPACE = 1, C_SLASH = 2, C_GT = 4, C_EQ = 8 };

static int
char_class(char c)
{
	switch (c) {
	case ' ': case '\t': case '\n': case '\r': case '\f': case '\0': return C_SPACE;
	case '/': return C_SLASH;
	case '>': return C_GT;
	case '=': return C_EQ;
	default: return 0;
	}
}

/* srcset: "url 1x, url 2x"; each URL must be safe. */
static int
is_srcset_safe(const char *v, size_t len)
{
	const char *p = v, *end = v + len;

	while (p < end) {
		const char *u, *e;

		while (p < end && (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n'))
			p++;
		for (u = p; p < end && *p != ' ' && *p != '\t' && *p != '\n'; p++)
			;
		if (p > u && !hb_url_is_safe(u, (size_t)(p - u), 1))
			return 0;
		e = memchr(p, ',', (size_t)(end - p));
		p = e ? e + 1 : end;
	}
	return 1;
}

/* A meta refresh's content: "5; url=...". */
static int
is_refresh_safe(const char *v, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++) {
		if (strncasecmp(v + i, "url=", 4) == 0)
			return hb_url_is_safe(v + i + 4, len - i - 4, 0);
	}
	return 1;
}

struct attr {
	const char *name, *value;	/* value: NULL when the attribute has none */
	size_t name_len, value_len;
	const char *value_start, *value_end;	/* the bytes to empty, quotes excluded */
	int is_quoted;
};

/* Parses the attribute at *p inside a tag; returns 0 at the tag's end. */
static int
next_attribute(const char **p, const char *end, struct attr *a)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' ||
	    *s == '/'))
		s++;
	if (s >= end || *s == '>')
		return 0;
	memset(a, 0, sizeof(*a));
	a->name = s;
	while (s < end && !(char_class(*s) & (C_SPACE | C_SLASH | C_GT | C_EQ)))
		s++;
	a->name_len = (size_t)(s - a->name);
	while (s < end && (char_class(*s) & C_SPACE))
		s++;
	if (s < end && *s == '=') {
		s++;
		while (s < end && (char_class(*s) & C_SPACE))
			s++;
		if (s < end && (*s == '"' || *s == '\'')) {
			const char *close = memchr(s + 1, *s, (size_t)(end - s - 1));

			a->value_start = s + 1;
			a->value_end = close ? close : end;
			a->is_quoted = 1;
			s = close ? close + 1 : end;
		} else {
			a->value_start = s;
			while (s < end && !(char_class(*s) & (C_SPACE | C_GT)))
				s++;
			a->value_end = s;
		}
		a->value = a->value_start;
		a->value_len = (size_t)(a->value_end - a->value_start);
	}
	if (a->name_len == 0)
		s++;	/* a stray character: step over it */
	*p = s;
	return 1;
}

static int
is_attr_safe(const struct attr *a, const char *tag, size_t tag_len)
{
	int is_img = tag_len == 3 && strncasecmp(tag, "img", 3) == 0;

	if (a->value == NULL)
		return 1;
	if (a->name_len == 7 && strncasecmp(a->name, "content", 7) == 0)
		return !(tag_len == 4 && strncasecmp(tag, "meta", 4) == 0) ||
		    is_refresh_safe(a->value, a->value_len);
	if (!is_url_attribute(a->name, a->name_len))
		return 1;
	if (a->name_len == 6 && strncasecmp(a->name, "srcset", 6) == 0)
		return is_srcset_safe(a->value, a->value_len);
	return hb_url_is_safe(a->value, a->value_len, is_img && a->name_len == 3);
}

/* Where raw text ends: after "</name" (case-insensitive), or end. */
static const char *
skip_raw_text(const char *p, const char *end, const char *name, size_t n)
{
	for (; p + 2 + n <= end; p++) {
		if (p[0] == '<' && p[1] == '/' && strncasecmp(p + 2, name, n) == 0)
			return p;
	}
	return end;
}

/* After the attributes: the tag's '>' is before end. */
static int
is_tag_closed(const char *q, const char *end)
{
	while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' || *q == '\f' ||
	    *q == '/'))
		q++;
	return q < end && *q == '>';
}

/* The first clean span that starts at or after p (offsets shifted back by removed), or NULL. */
static const struct hb_url_span *
next_span(const struct hb_url_span **skip, const struct hb_url_span *skip_end,
    size_t p_off, size_t removed)
{
	while (*skip < skip_end && (*skip)->start < p_off + removed)
		(*skip)++;
	return *skip < skip_end ? *skip : NULL;
}

/*
 * The filter's scan of b's bytes [start, end_off), stepping over the clean spans (sorted, in
 * b's offsets) that it reaches between tags. *open is set when the bytes end inside a tag, a
 * comment or raw text, or any '<' was left without its '>' (see hb_url_is_clean_html).
 */
static size_t
filter(struct hb_buf *b, size_t start, size_t end_off, const struct hb_url_span *skip,
    size_t n_skip, int *open)
{
	char *base = b->buf, *p = base + start, *end = base + end_off;
	const struct hb_url_span *skip_end = skip + n_skip, *span;
	size_t removed = 0;

	*open = 0;
	for (;;) {
		const char *tag, *q;
		size_t tag_len;
		struct attr a;

		span = next_span(&skip, skip_end, (size_t)(p - base), removed);
		if (span != NULL && span->end - removed <= (size_t)(end - base) &&
		    memchr(p, '<', span->start - removed - (size_t)(p - base)) == NULL) {
			p = base + span->end - removed;		/* known to need nothing */
			skip++;
			continue;
		}
		if ((p = memchr(p, '<', (size_t)(end - p))) == NULL)
			break;
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			char *close = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);

			*open = 1;
			p = close ? close + 3 : end;
			continue;
		}
		tag = p + 1;
		if (tag >= end || !((*tag | 0x20) >= 'a' && (*tag | 0x20) <= 'z')) {
			*open |= memchr(p, '>', (size_t)(end - p)) == NULL;
			p++;
			continue;
		}
		for (q = tag; q < end && !(char_class(*q) & (C_SPACE | C_SLASH | C_GT)); q++)
			;
		tag_len = (size_t)(q - tag);
		while (next_attribute(&q, end, &a)) {
			size_t cut;

			if (is_attr_safe(&a, tag, tag_len))
				continue;
			/* Empty the value: the bytes after it move back. */
			cut = (size_t)(a.value_end - a.value_start);
			memmove((char *)a.value_start, a.value_end, (size_t)(end - a.value_end));
			end -= cut;
			removed += cut;
			q = a.value_start + (a.is_quoted && a.value_start < end);
		}
		*open |= !is_tag_closed(q, end);
		p = (char *)(q < end ? q + 1 : end);
		if ((tag_len == 6 && strncasecmp(tag, "script", 6) == 0) ||
		    (tag_len == 5 && strncasecmp(tag, "style", 5) == 0)) {
			*open = 1;
			p = (char *)skip_raw_text(p, end, tag, tag_len);
		}
	}
	if (removed > 0) {
		memmove(end, end + removed, b->len - end_off);
		b->len -= removed;
		b->buf[b->len] = '\0';
	}
	return removed;
}

size_t
hb_url_filter_html(struct hb_buf *b, size_t start, size_t end_off)
{
	int open;

	return filter(b, start, end_off, NULL, 0, &open);
}

size_t
hb_url_filter_html_skipping(struct hb_buf *b, size_t start, size_t end_off,
    const struct hb_url_span *clean, size_t n_clean)
{
	int open;

	while (n_clean > 0 && clean->start < start) {
		clean++;
		n_clean--;
	}
	return filter(b, start, end_off, clean, n_clean, &open);
}

int
hb_url_is_clean_html(const char *s, size_t len)
{
	struct hb_buf copy = HB_BUF_INIT;
	int open;
	size_t removed;

	hb_buf_put(&copy, s, len);
	removed = filter(&copy, 0, copy.len, NULL, 0, &open);
	hb_buf_free(&copy);
	return removed == 0 && !open;
}
