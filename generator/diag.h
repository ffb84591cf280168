/*
 * diag: problems in user input (content, theme, configuration, templates).
 *
 * A struct hb_diag collects diagnostics; it is never printed as it goes, so a build reports every
 * problem at once, sorted by (path, line, col), like a compiler:
 *
 *     content/meetings/x.md:12:7: error: unresolved link 'kisi'
 *     content/meetings/x.md:12:7: note: did you mean 'kishi'?
 *
 * `path` is relative to the working directory the user gave paths from, with '/'. `line` and `col`
 * count from 1 (col in characters); 0 means "not known" and is left out of the output.
 * One struct hb_diag per thread; hb_diag_merge() moves one list into another.
 *
 * Environment failures (I/O, libgit2) are not diagnostics: they travel in struct hb_err and end
 * the program with status 2.
 */
#ifndef HB_DIAG_H
#define HB_DIAG_H

#include <stdio.h>
#include <stddef.h>

enum hb_level {
	HB_NOTE,
	HB_WARNING,
	HB_ERROR,
};

struct hb_loc {
	const char *path;
	int line;
	int col;
};

struct hb_diag_entry {
	enum hb_level level;
	char *path;
	int line;
	int col;
	char *msg;
	char *note;		/* NULL or a follow-up "note:" line at the same place */
	size_t seq;		/* insertion order, keeps the sort stable */
};

struct hb_diag {
	struct hb_diag_entry *v;
	size_t n;
	size_t n_alloc;
	size_t n_errors;
	size_t n_warnings;
	int warnings_are_errors;	/* --strict */
};

/* An environment failure: what failed and why, for "handbook: <msg>". */
struct hb_err {
	char msg[1024];
};

void hb_diag_init(struct hb_diag *d);
void hb_diag_free(struct hb_diag *d);
void hb_diag(struct hb_diag *d, enum hb_level level, struct hb_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Attaches a note to the most recent diagnostic ("did you mean 'x'?"). */
void hb_diag_note(struct hb_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hb_diag_merge(struct hb_diag *into, struct hb_diag *from);
void hb_diag_sort(struct hb_diag *d);
/* Prints every entry, sorted. use_color adds ANSI colours (only on a terminal, never NO_COLOR). */
void hb_diag_print(const struct hb_diag *d, FILE *fp, int use_color);
/* "handbook: 2 errors, 1 warning", when there is any. */
void hb_diag_print_counts(const struct hb_diag *d, FILE *fp);

void hb_err_set(struct hb_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
