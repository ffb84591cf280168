/*
 * buf: a growable byte buffer, after git's strbuf.
 *
 * Invariants, kept by every function here: `buf` is never NULL and always NUL-terminated;
 * `len` excludes the NUL; `alloc` is the size of the allocation (0 while `buf` points at the
 * shared empty string, which is never written). A zeroed struct is not valid: use HB_BUF_INIT
 * or hb_buf_init(). Not thread-safe per buffer; distinct buffers are independent.
 */
#ifndef HB_BUF_H
#define HB_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct hb_buf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char hb_buf_empty[];
#define HB_BUF_INIT { hb_buf_empty, 0, 0 }

void hb_buf_init(struct hb_buf *b);
void hb_buf_free(struct hb_buf *b);
void hb_buf_reset(struct hb_buf *b);
void hb_buf_grow(struct hb_buf *b, size_t extra);
void hb_buf_put(struct hb_buf *b, const void *data, size_t len);
void hb_buf_puts(struct hb_buf *b, const char *s);
void hb_buf_printf(struct hb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hb_buf_vprintf(struct hb_buf *b, const char *fmt, va_list ap);
/* Appends u, or v, in decimal, as "%llu" and "%lld" print them: without printf, for the
 * caches' and render keys' hundreds of thousands of numbers. */
void hb_buf_put_uint(struct hb_buf *b, unsigned long long u);
void hb_buf_put_int(struct hb_buf *b, long long v);
/* Appends s with & < > " ' replaced by HTML entities. */
void hb_buf_put_html(struct hb_buf *b, const char *s, size_t len);
/* Returns the bytes (caller frees) and leaves b empty and valid. */
char *hb_buf_detach(struct hb_buf *b, size_t *len_out);

/* Appends one byte. Inline: callers write text a byte at a time. */
static inline void
hb_buf_putc(struct hb_buf *b, int c)
{
	if (b->len + 2 > b->alloc)
		hb_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

#endif
