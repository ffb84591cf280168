/* Fuzz target: the search tokenizer (Latin folding, CJK bigrams) and the URL filter. */
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "search.h"
#include "url.h"

static void
check_token(void *ctx, const char *token, size_t len)
{
	size_t *n = ctx;

	if (len == 0 || memchr(token, '\0', len) != NULL)
		__builtin_trap();	/* tokens are non-empty text */
	(*n)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hb_buf html = HB_BUF_INIT;
	size_t n = 0, removed;

	hb_search_tokens((const char *)data, size, check_token, &n);
	/* The URL filter: running it again on its own output removes nothing. */
	hb_buf_put(&html, data, size);
	hb_url_filter_html(&html, 0, html.len);
	removed = hb_url_filter_html(&html, 0, html.len);
	if (removed != 0)
		__builtin_trap();
	hb_buf_free(&html);
	return 0;
}
