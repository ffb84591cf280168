#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

void
hb_diag_init(struct hb_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
hb_diag_free(struct hb_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].msg);
		free(d->v[i].note);
	}
	free(d->v);
	hb_diag_init(d);
}

static char *
vformat(const char *fmt, va_list ap)
{
	struct hb_buf b = HB_BUF_INIT;

	hb_buf_vprintf(&b, fmt, ap);
	return hb_buf_detach(&b, NULL);
}

static void
count(struct hb_diag *d, enum hb_level level)
{
	if (level == HB_ERROR)
		d->n_errors++;
	else if (level == HB_WARNING)
		d->n_warnings++;
}

void
hb_diag(struct hb_diag *d, enum hb_level level, struct hb_loc loc, const char *fmt, ...)
{
	struct hb_diag_entry *e;
	va_list ap;

	if (level == HB_WARNING && d->warnings_are_errors)
		level = HB_ERROR;
	d->v = hb_xgrow(d->v, &d->n_alloc, d->n + 1, sizeof(*d->v));
	e = &d->v[d->n];
	memset(e, 0, sizeof(*e));
	e->level = level;
	e->path = hb_xstrdup(loc.path ? loc.path : "");
	e->line = loc.line;
	e->col = loc.col;
	e->seq = d->n;
	va_start(ap, fmt);
	e->msg = vformat(fmt, ap);
	va_end(ap);
	d->n++;
	count(d, level);
}

void
hb_diag_note(struct hb_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (d->n == 0)
		return;
	free(d->v[d->n - 1].note);
	va_start(ap, fmt);
	d->v[d->n - 1].note = vformat(fmt, ap);
	va_end(ap);
}

void
hb_diag_merge(struct hb_diag *into, struct hb_diag *from)
{
	size_t i;

	into->v = hb_xgrow(into->v, &into->n_alloc, into->n + from->n, sizeof(*into->v));
	for (i = 0; i < from->n; i++) {
		into->v[into->n] = from->v[i];
		into->v[into->n].seq = into->n;
		if (into->warnings_are_errors && into->v[into->n].level == HB_WARNING)
			into->v[into->n].level = HB_ERROR;
		count(into, into->v[into->n].level);
		into->n++;
	}
	free(from->v);
	hb_diag_init(from);
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct hb_diag_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	c = strcmp(x->msg, y->msg);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
same_entry(const struct hb_diag_entry *x, const struct hb_diag_entry *y)
{
	return x->level == y->level && x->line == y->line && x->col == y->col &&
	    strcmp(x->path, y->path) == 0 && strcmp(x->msg, y->msg) == 0;
}

/* Sorts by (path, line, col) and drops repeats (a template error met by every page). */
void
hb_diag_sort(struct hb_diag *d)
{
	size_t i, k = 0;

	if (d->n < 2)
		return;
	qsort(d->v, d->n, sizeof(*d->v), cmp_entry);
	d->n_errors = d->n_warnings = 0;
	for (i = 0; i < d->n; i++) {
		if (k > 0 && same_entry(&d->v[k - 1], &d->v[i])) {
			free(d->v[i].path);
			free(d->v[i].msg);
			free(d->v[i].note);
			continue;
		}
		d->v[k++] = d->v[i];
		count(d, d->v[i].level);
	}
	d->n = k;
}

static void
print_loc(FILE *fp, const struct hb_diag_entry *e)
{
	if (e->path[0] == '\0') {
		fputs("handbook: ", fp);
		return;
	}
	fputs(e->path, fp);
	if (e->line > 0)
		fprintf(fp, ":%d", e->line);
	if (e->line > 0 && e->col > 0)
		fprintf(fp, ":%d", e->col);
	fputs(": ", fp);
}

void
hb_diag_print(const struct hb_diag *d, FILE *fp, int use_color)
{
	static const char *const names[] = { "note", "warning", "error" };
	static const char *const colors[] = { "\033[1;36m", "\033[1;35m", "\033[1;31m" };
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct hb_diag_entry *e = &d->v[i];

		print_loc(fp, e);
		if (use_color)
			fprintf(fp, "%s%s:\033[0m %s\n", colors[e->level], names[e->level], e->msg);
		else
			fprintf(fp, "%s: %s\n", names[e->level], e->msg);
		if (e->note == NULL)
			continue;
		print_loc(fp, e);
		fprintf(fp, "%snote:%s %s\n", use_color ? colors[HB_NOTE] : "",
		    use_color ? "\033[0m" : "", e->note);
	}
}

void
hb_err_set(struct hb_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void
hb_diag_print_counts(const struct hb_diag *d, FILE *fp)
{
	if (d->n_errors || d->n_warnings)
		fprintf(fp, "handbook: %zu error%s, %zu warning%s\n", d->n_errors,
		    d->n_errors == 1 ? "" : "s", d->n_warnings, d->n_warnings == 1 ? "" : "s");
}
