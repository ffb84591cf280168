#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

char hb_buf_empty[1];

void
hb_buf_init(struct hb_buf *b)
{
	b->buf = hb_buf_empty;
	b->len = 0;
	b->alloc = 0;
}

void
hb_buf_free(struct hb_buf *b)
{
	if (b->alloc)
		free(b->buf);
	hb_buf_init(b);
}

void
hb_buf_reset(struct hb_buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';	/* never write to the shared hb_buf_empty */
}

void
hb_buf_grow(struct hb_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->alloc)
		return;
	if (b->alloc == 0) {
		size_t n = 0;

		/* 64 bytes at first: most buffers hold a line or a URL, and would grow thrice. */
		b->buf = hb_xgrow(NULL, &n, need < 64 ? 64 : need, 1);
		b->buf[0] = '\0';
		b->alloc = n;
		return;
	}
	b->buf = hb_xgrow(b->buf, &b->alloc, need, 1);
}

void
hb_buf_put(struct hb_buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	hb_buf_grow(b, len);
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void
hb_buf_puts(struct hb_buf *b, const char *s)
{
	hb_buf_put(b, s, strlen(s));
}

void
hb_buf_vprintf(struct hb_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (b->alloc == 0 || (size_t)n >= b->alloc - b->len) {
		hb_buf_grow(b, (size_t)n);
		vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
hb_buf_printf(struct hb_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hb_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
hb_buf_put_uint(struct hb_buf *b, unsigned long long u)
{
	char digits[24], *p = digits + sizeof(digits);

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	hb_buf_put(b, p, (size_t)(digits + sizeof(digits) - p));
}

void
hb_buf_put_int(struct hb_buf *b, long long v)
{
	if (v < 0)
		hb_buf_putc(b, '-');
	hb_buf_put_uint(b, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
}

void
hb_buf_put_html(struct hb_buf *b, const char *s, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		const char *ent;

		switch (s[i]) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		hb_buf_put(b, s + start, i - start);
		hb_buf_puts(b, ent);
		start = i + 1;
	}
	hb_buf_put(b, s + start, len - start);
}

char *
hb_buf_detach(struct hb_buf *b, size_t *len_out)
{
	char *s = b->alloc ? b->buf : hb_xstrdup("");

	if (len_out)
		*len_out = b->len;
	hb_buf_init(b);
	return s;
}
