#define _GNU_SOURCE
#include "template.h"

#include <string.h>

/* Emits text as a Lua string literal; each newline becomes "\" + newline to keep the lines. */
static void
put_literal(struct hb_buf *out, const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return;
	hb_buf_puts(out, "_put(\"");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			hb_buf_puts(out, "\\\n");
		else if (c == '"' || c == '\\')
			hb_buf_printf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			hb_buf_printf(out, "\\%03u", c);
		else
			hb_buf_putc(out, c);
	}
	hb_buf_puts(out, "\") ");
}

static int
is_blank(const char *s, const char *end)
{
	for (; s < end; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	}
	return 1;
}

static int
line_of(const char *text, const char *p)
{
	int line = 1;

	for (; text < p; text++)
		line += *text == '\n';
	return line;
}

int
hb_template_compile(struct hb_buf *out, const char *text, size_t len, const char *path,
    struct hb_diag *d)
{
	const char *p = text, *end = text + len;

	hb_buf_puts(out, "local _put, _put_esc = ... ");
	while (p < end) {
		const char *open = memmem(p, (size_t)(end - p), "<%", 2), *close, *code;
		int trim;

		if (open == NULL) {
			put_literal(out, p, (size_t)(end - p));
			break;
		}
		put_literal(out, p, (size_t)(open - p));
		close = memmem(open + 2, (size_t)(end - open - 2), "%>", 2);
		if (close == NULL) {
			struct hb_loc loc = { path, line_of(text, open), 0 };

			hb_diag(d, HB_ERROR, loc, "template tag '<%%' is not closed by '%%>'");
			return -1;
		}
		code = open + 2 + (open[2] == '=' || open[2] == '-');
		trim = close > code && close[-1] == '-';
		if ((open[2] == '=' || open[2] == '-') && is_blank(code, close - trim)) {
			struct hb_loc loc = { path, line_of(text, open), 0 };

			hb_diag(d, HB_ERROR, loc, "template tag '%.3s' has no expression", open);
			return -1;
		}
		if (open[2] == '=')
			hb_buf_puts(out, "_put_esc(");
		else if (open[2] == '-')
			hb_buf_puts(out, "_put(");
		hb_buf_put(out, code, (size_t)(close - trim - code));
		if (open[2] == '=' || open[2] == '-')
			hb_buf_puts(out, ") ");
		else
			hb_buf_puts(out, " ");	/* a newline here would shift every later line */
		p = close + 2;
		if (trim && p < end && *p == '\n') {
			hb_buf_putc(out, '\n');
			p++;
		}
	}
	return 0;
}
