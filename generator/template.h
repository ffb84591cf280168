/*
 * template: theme template text -> Lua source.
 *
 *     <%= expr %>   writes expr, HTML-escaped (nil writes nothing)
 *     <%- expr %>   writes expr as is (only for HTML the generator produced)
 *     <% code %>    runs Lua code
 *     -%>           any tag closed with "-%>" also swallows the newline after it
 *
 * The generated chunk receives two arguments, `_put(s)` and `_put_esc(s)` (writes s
 * HTML-escaped), and keeps the template's lines one-to-one, so a Lua error's line number is the
 * template's line. Pure function of its input; thread-safe.
 */
#ifndef HB_TEMPLATE_H
#define HB_TEMPLATE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/* Appends the Lua source to out. Returns 0, or -1 with a located error (an unclosed tag). */
int hb_template_compile(struct hb_buf *out, const char *text, size_t len, const char *path,
    struct hb_diag *d);

#endif
