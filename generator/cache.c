#define _GNU_SOURCE
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "hash.h"
#include "path.h"
#include "reuse.h"
#include "write.h"
#include "xalloc.h"

#define CACHE_VERSION "handbook-cache 7"


/* The caches' checksums (hb_hash_quick, hex): they find a file or an entry that was damaged or
 * cut short. Someone who can write the site's folder could forge one, and the pages too. */
static void
sum_hex(const void *data, size_t len, char out[HB_CACHE_SUM_LEN + 1])
{
	snprintf(out, HB_CACHE_SUM_LEN + 1, "%016llx", (unsigned long long)hb_hash_quick(data, len));
}
static long long
ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* Writes s with backslash, tab and newline escaped, so that a field never breaks a line. */
static void
put_field(struct hb_buf *b, const char *s)
{
	size_t plain = s ? strcspn(s, "\\\t\n") : 0;

	if (s != NULL && s[plain] == '\0') {	/* nearly every field: nothing to escape */
		hb_buf_put(b, s, plain);
		return;
	}
	for (; s != NULL && *s; s++) {
		if (*s == '\\')
			hb_buf_puts(b, "\\\\");
		else if (*s == '\t')
			hb_buf_puts(b, "\\t");
		else if (*s == '\n')
			hb_buf_puts(b, "\\n");
		else
			hb_buf_putc(b, *s);
	}
}

/* Undoes put_field in place over [s, end); returns the field's NUL-terminated start. */
static char *
take_field(char *s, char *end)
{
	char *r = s, *w = s;

	for (; r < end; r++) {
		if (*r == '\\' && r + 1 < end) {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return s;
}

/* v in decimal and a space, as "%lld " prints it. */
static void
put_signed(struct hb_buf *b, long long v)
{
	hb_buf_put_int(b, v);
	hb_buf_putc(b, ' ');
}

static void
put_stat(struct hb_cache_fingerprint *fp, const char *tag, const char *rel,
    const struct stat *st)
{
	long long m = ns_of(&st->st_mtim), c = ns_of(&st->st_ctim);

	hb_buf_puts(&fp->text, tag);
	hb_buf_putc(&fp->text, ' ');
	put_signed(&fp->text, (long long)st->st_size);
	put_signed(&fp->text, m);
	put_signed(&fp->text, c);
	hb_buf_put_uint(&fp->text, (unsigned long long)st->st_ino);
	hb_buf_putc(&fp->text, ' ');
	put_field(&fp->text, rel);
	hb_buf_putc(&fp->text, '\n');
	if (m > fp->taken_ns - HB_CACHE_RACY_NS)
		fp->is_racy = 1;
}

/* Every file under root/rel, sorted, through symbolic links to files as source.c reads them. */
static int
walk(struct hb_cache_fingerprint *fp, const char *tag, const char *root, const char *rel)
{
	char *dir_path = hb_path_join(root, rel);
	char **names;
	size_t n, i;
	int rc = hb_path_list(dir_path, &names, &n);
	int dir_fd = rc == 0 ? open(dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (dir_fd < 0)
		rc = -1;
	for (i = 0; i < n; i++) {
		char *child = hb_path_join(rel, names[i]);
		struct stat st, lst;

		if (rc == 0 && hb_path_stat_both_at(dir_fd, names[i], &lst, &st) != 0)
			rc = -1;
		else if (rc == 0 && S_ISDIR(st.st_mode) && !S_ISLNK(lst.st_mode))
			rc = walk(fp, tag, root, child);
		else if (rc == 0)
			put_stat(fp, tag, child, &st);
		free(child);
		free(names[i]);
	}
	if (dir_fd >= 0)
		close(dir_fd);
	free(names);
	free(dir_path);
	return rc;
}

/* The commit HEAD names in the content folder's repository, or "-". */
static void
put_head(struct hb_buf *b, const char *content_dir)
{
	git_repository *repo = NULL;
	git_oid oid;
	char hex[GIT_OID_HEXSZ + 1] = "-";

	if (git_repository_open_ext(&repo, content_dir, 0, NULL) == 0 &&
	    git_reference_name_to_id(&oid, repo, "HEAD") == 0)
		git_oid_tostr(hex, sizeof(hex), &oid);
	git_repository_free(repo);
	hb_buf_printf(b, "head %s\n", hex);
}

static void
put_option(struct hb_buf *b, const char *name, const char *value)
{
	hb_buf_printf(b, "option %s ", name);
	put_field(b, value ? value : "-");
	hb_buf_putc(b, '\n');
}

int
hb_cache_fingerprint(struct hb_cache_fingerprint *fp, const struct hb_options *o)
{
	struct timespec now;
	struct stat st;

	memset(fp, 0, sizeof(*fp));
	clock_gettime(CLOCK_REALTIME, &now);
	fp->taken_ns = ns_of(&now);
	hb_buf_puts(&fp->text, CACHE_VERSION "\n");
	if (stat("/proc/self/exe", &st) == 0)
		put_stat(fp, "exe", "handbook", &st);
	put_option(&fp->text, "content", o->content_dir);
	put_option(&fp->text, "theme", o->theme_dir);
	put_option(&fp->text, "config", o->config_path);
	put_option(&fp->text, "base-url", o->base_url);
	put_option(&fp->text, "drafts", o->include_drafts ? "yes" : "no");
	put_option(&fp->text, "SOURCE_DATE_EPOCH", getenv("SOURCE_DATE_EPOCH"));
	put_head(&fp->text, o->content_dir);
	if (stat(o->config_path, &st) == 0)
		put_stat(fp, "config", o->config_path, &st);
	if (walk(fp, "content", o->content_dir, "") != 0 || walk(fp, "theme", o->theme_dir, "") != 0) {
		hb_cache_fingerprint_free(fp);
		return -1;
	}
	return 0;
}

void
hb_cache_fingerprint_free(struct hb_cache_fingerprint *fp)
{
	hb_buf_free(&fp->text);
}

/*
 * The dependency names of the records and groups, each written once: in the "names" line, by
 * index elsewhere. A table only grows from one build to the next (the last one's names first,
 * in its order), so that a kept record's line, which names the last table's indices, is written
 * again as it was; it starts afresh once it holds more than four names a record (a page's own
 * are one to three: most would be names no record uses any more).
 */
#define NAMES_SEEN 8192

struct name_seen {
	const char *name;
	size_t index;
};

struct name_table {
	const char *const *prev;	/* the last cache's names, which it loaded in order (their
					 * addresses increase) */
	size_t n_prev;
	struct hb_map index;		/* name -> index + 1, once a name is not one of prev's */
	int is_indexed;
	struct name_seen *seen;		/* NAMES_SEEN slots by the name's address: the records
					 * of one worker share its name strings, each named by
					 * dozens of records */
	const char **added;		/* the names after prev's */
	size_t n_added, added_alloc;
};

static void
names_init(struct name_table *t, const struct hb_cache_previous *prev, size_t n_records)
{
	memset(t, 0, sizeof(*t));
	hb_map_init(&t->index, HB_MAP_EXACT | HB_MAP_BORROW);	/* names outlive the table */
	t->seen = hb_xcalloc(NAMES_SEEN, sizeof(*t->seen));
	if (prev != NULL && prev->n_names <= 4 * n_records + 1000) {
		t->prev = prev->names;
		t->n_prev = prev->n_names;
	}
}

static void
names_free(struct name_table *t)
{
	hb_map_free(&t->index);
	free(t->added);
	free(t->seen);
}

/* The index of one of prev's own strings, found by its address; -1 for any other string. */
static long
prev_index(const struct name_table *t, const char *name)
{
	uintptr_t a = (uintptr_t)name;
	size_t lo = 0, hi = t->n_prev;

	if (t->n_prev == 0 || a < (uintptr_t)t->prev[0] || a > (uintptr_t)t->prev[t->n_prev - 1])
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)t->prev[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n_prev && t->prev[lo] == name ? (long)lo : -1;
}

/* The index of name, by its text; a name not in the table yet is added. */
static size_t
name_index_of_text(struct name_table *t, const char *name)
{
	size_t i;

	if (!t->is_indexed) {
		for (i = t->n_prev; i > 0; i--)	/* the first of two equal names wins */
			hb_map_put(&t->index, t->prev[i - 1], (void *)i);
		t->is_indexed = 1;
	}
	if ((i = (size_t)hb_map_get(&t->index, name)) != 0)
		return i - 1;
	t->added = hb_xgrow(t->added, &t->added_alloc, t->n_added + 1, sizeof(*t->added));
	t->added[t->n_added++] = name;
	i = t->n_prev + t->n_added;
	hb_map_put(&t->index, name, (void *)i);
	return i - 1;
}

static size_t
name_index(struct name_table *t, const char *name)
{
	struct name_seen *seen = &t->seen[((uintptr_t)name >> 3) * 0x9e3779b97f4a7c15ULL >> 51];
	long k = prev_index(t, name);

	if (k >= 0)
		return (size_t)k;
	if (seen->name == name)
		return seen->index;
	seen->name = name;
	seen->index = name_index_of_text(t, name);
	return seen->index;
}

/* "\tI J K": a list of names by index (nothing after the tab for none). */
static void
put_names(struct hb_buf *b, struct name_table *t, const char *const *names, size_t n)
{
	size_t i;

	hb_buf_putc(b, '\t');
	for (i = 0; i < n; i++) {
		if (i > 0)
			hb_buf_putc(b, ' ');
		hb_buf_put_uint(b, name_index(t, names[i]));
	}
}

/* "names\tN\tNAME..." */
static void
put_name_table(struct hb_buf *b, const struct name_table *t)
{
	size_t i;

	hb_buf_printf(b, "names\t%zu", t->n_prev + t->n_added);
	for (i = 0; i < t->n_prev + t->n_added; i++) {
		hb_buf_putc(b, '\t');
		put_field(b, i < t->n_prev ? t->prev[i] : t->added[i - t->n_prev]);
	}
	hb_buf_putc(b, '\n');
}

/* About how many bytes put_records and put_groups write. */
static size_t
records_size(const char *const *paths, const struct hb_reuse_record *records, size_t n_records,
    const struct hb_map *groups)
{
	size_t i, n = 0;

	for (i = 0; i < n_records; i++)
		n += 200 + strlen(paths[i]) + records[i].slot_len +
		    8 * (records[i].n_deps + records[i].n_groups);
	for (i = 0; groups != NULL && i < groups->cap; i++) {
		const struct hb_reuse_group *g = groups->slots[i].value;

		if (groups->slots[i].key != NULL && g != NULL)
			n += 20 + strlen(groups->slots[i].key) + 8 * g->n_deps;
	}
	return n;
}

/* "rec\tPATH\tKEY\tHEAD\tHAS_SLOT\tSLOT_START\tSLOT\tDEPS\tGROUPS" per record. */
static void
put_records(struct hb_buf *b, const char *const *paths, const struct hb_reuse_record *records,
    size_t n, struct name_table *t)
{
	char key[2 * HB_HASH_SIZE + 1], head[2 * HB_HASH_SIZE + 1];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct hb_reuse_record *r = &records[i];

		if (!r->has_key || r->slot == NULL)
			continue;
		if (r->line != NULL && t->prev != NULL) {
			/* as the last build's cache has it, newline and all: its indices are
			 * still those of the same names */
			hb_buf_put(b, r->line, r->line_len);
			continue;
		}
		hb_hash_hex(r->key, key);
		hb_hash_hex(r->head, head);
		hb_buf_puts(b, "rec\t");
		put_field(b, paths[i]);
		hb_buf_printf(b, "\t%s\t%s\t%d\t%zu\t", key, head, r->has_slot, r->slot_start);
		put_field(b, r->slot);
		put_names(b, t, r->deps, r->n_deps);
		put_names(b, t, r->groups, r->n_groups);
		hb_buf_putc(b, '\n');
	}
}

/* "group\tKEY\tDEPS" per memo group. */
static void
put_groups(struct hb_buf *b, const struct hb_map *groups, struct name_table *t)
{
	size_t i;

	for (i = 0; groups != NULL && i < groups->cap; i++) {
		const struct hb_reuse_group *g = groups->slots[i].value;

		if (groups->slots[i].key == NULL || g == NULL || g->deps == NULL)
			continue;
		hb_buf_puts(b, "group\t");
		put_field(b, groups->slots[i].key);
		put_names(b, t, g->deps, g->n_deps);
		hb_buf_putc(b, '\n');
	}
}

static void
put_hashes(struct hb_buf *b, const unsigned char *h, size_t n)
{
	char hex[2 * HB_HASH_SIZE + 1];
	size_t i;

	for (i = 0; i < n; i++) {
		hb_hash_hex(h + i * HB_HASH_SIZE, hex);
		hb_buf_puts(b, hex);
	}
}

/*
 * "then N_PAGES N_SECTIONS LISTS", then "then-page\tID\tHASHES" per page in reading order and
 * "then-section\tNAME\tHASH" per section (hashes in hex, run together).
 */
static void
put_then(struct hb_buf *b, const struct hb_reuse_then *then)
{
	size_t i;

	if (then == NULL || !then->is_set)
		return;
	hb_buf_printf(b, "then %zu %zu ", then->n_pages, then->n_sections);
	put_hashes(b, then->lists, 4);
	hb_buf_putc(b, '\n');
	for (i = 0; i < then->n_pages; i++) {
		hb_buf_puts(b, "then-page\t");
		put_field(b, then->ids[i]);
		hb_buf_putc(b, '\t');
		put_hashes(b, then->pages + HB_REUSE_THEN_PER_PAGE * i * HB_HASH_SIZE,
		    HB_REUSE_THEN_PER_PAGE);
		hb_buf_putc(b, '\n');
	}
	for (i = 0; i < then->n_sections; i++) {
		hb_buf_puts(b, "then-section\t");
		put_field(b, then->sections[i]);
		hb_buf_putc(b, '\t');
		put_hashes(b, then->section + i * HB_HASH_SIZE, 1);
		hb_buf_putc(b, '\n');
	}
}

int
hb_cache_save(struct hb_writer *w, const struct hb_cache_fingerprint *fp,
    const struct hb_diag *d, size_t n_pages, const char *const *paths,
    const struct hb_reuse_record *records, size_t n_records, const struct hb_map *groups,
    const struct hb_reuse_then *then, const struct hb_cache_previous *prev, struct hb_err *err)
{
	const struct hb_write_output *out;
	struct hb_buf b = HB_BUF_INIT;
	struct name_table names;
	char sum[HB_CACHE_SUM_LEN + 1];
	size_t n_out, i;
	int rc;

	if (fp->is_racy)
		return 0;
	hb_write_outputs(w, &out, &n_out);
	names_init(&names, prev, n_records);
	/* One allocation: a large site's cache is megabytes, and growing it copies them. */
	hb_buf_grow(&b, fp->text.len + 100 * (n_out + d->n) +
	    records_size(paths, records, n_records, groups) +
	    (then ? 200 * (then->n_pages + then->n_sections + 1) : 0) + 40 * (names.n_prev + 100));
	hb_buf_put(&b, fp->text.buf, fp->text.len);
	hb_buf_printf(&b, "pages %zu\n", n_pages);
	for (i = 0; i < n_out; i++) {
		hb_buf_puts(&b, "out ");
		put_signed(&b, out[i].size);
		put_signed(&b, out[i].mtime_ns);
		hb_buf_put_uint(&b, out[i].ino);
		hb_buf_putc(&b, ' ');
		put_field(&b, out[i].path);
		hb_buf_putc(&b, '\n');
	}
	for (i = 0; i < d->n; i++) {
		const struct hb_diag_entry *e = &d->v[i];

		hb_buf_printf(&b, "diag %d %d %d\t", (int)e->level, e->line, e->col);
		put_field(&b, e->path);
		hb_buf_putc(&b, '\t');
		put_field(&b, e->msg);
		hb_buf_putc(&b, '\t');
		put_field(&b, e->note ? e->note : "");
		hb_buf_puts(&b, e->note ? "\t+\n" : "\t-\n");
	}
	sum_hex(b.buf, b.len, sum);
	hb_buf_printf(&b, "check %s\n", sum);	/* what a replay reads ends here */
	put_records(&b, paths, records, n_records, &names);
	put_groups(&b, groups, &names);
	put_name_table(&b, &names);
	names_free(&names);
	put_then(&b, then);
	sum_hex(b.buf, b.len, sum);
	hb_buf_printf(&b, "end %s\n", sum);
	rc = hb_write_private(w, HB_CACHE_FILE, b.buf, b.len, err);
	hb_buf_free(&b);
	return rc;
}

/*
 * Takes "[-]DIGITS" from *p (before end) and the space after it, if any: its value into *u and
 * *is_negative. 0 when there is none, it is followed by something else, or it does not fit. The
 * caches have hundreds of thousands of numbers; sscanf took ten times as long.
 */
static int
take_number(const char **p, const char *end, unsigned long long *u, int *is_negative)
{
	const char *s = *p;

	*u = 0;
	*is_negative = s < end && *s == '-';
	s += *is_negative;
	if (s >= end || *s < '0' || *s > '9')
		return 0;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (*u > (ULLONG_MAX - 9) / 10)
			return 0;
		*u = *u * 10 + (unsigned long long)(*s - '0');
	}
	if (s < end && *s != ' ')
		return 0;
	*p = s < end ? s + 1 : s;
	return 1;
}

static int
take_signed(const char **p, const char *end, long long *v)
{
	unsigned long long u;
	int is_negative;

	if (!take_number(p, end, &u, &is_negative) || u > (unsigned long long)LLONG_MAX)
		return 0;
	*v = is_negative ? -(long long)u : (long long)u;
	return 1;
}

static int
take_unsigned(const char **p, const char *end, unsigned long long *v)
{
	int is_negative;

	return take_number(p, end, v, &is_negative) && !is_negative;
}

static int
take_size(const char **p, const char *end, size_t *v)
{
	unsigned long long u;

	if (!take_unsigned(p, end, &u) || u > SIZE_MAX)
		return 0;
	*v = (size_t)u;
	return 1;
}

/* "SIZE MTIME INODE " at the start of an "out" line (after "out "); the path after them, or
 * NULL when they are not there. */
static char *
take_output_stat(char *line, char *end, long long *size, long long *mtime,
    unsigned long long *ino)
{
	const char *p = line;

	if (!take_signed(&p, end, size) || !take_signed(&p, end, mtime) ||
	    !take_unsigned(&p, end, ino) || p[-1] != ' ')
		return NULL;
	return line + (p - line);
}

/* 1 when the output file of an "out" line (after "out ") still stats as recorded. */
static int
is_output_unchanged(const char *out_dir, char *line, char *end)
{
	long long size, mtime;
	unsigned long long ino;
	char *full, *path = take_output_stat(line, end, &size, &mtime, &ino);
	struct stat st;
	int same;

	if (path == NULL)
		return 0;
	full = hb_path_join(out_dir, take_field(path, end));
	same = lstat(full, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == size &&
	    ns_of(&st.st_mtim) == mtime && st.st_ino == ino;
	free(full);
	return same;
}

/* Parses a "diag" line (after "diag ") into d; returns 0, or -1 when it is malformed. */
static int
replay_diag(struct hb_diag *d, char *line, char *end)
{
	int level, ln, col, used = 0;
	char *f[4], *p;
	size_t k;
	struct hb_loc loc;

	if (sscanf(line, "%d %d %d\t%n", &level, &ln, &col, &used) != 3 || used == 0 ||
	    level < HB_NOTE || level > HB_ERROR)
		return -1;
	p = line + used;
	for (k = 0; k < 4; k++) {
		char *tab = k < 3 ? memchr(p, '\t', (size_t)(end - p)) : end;

		if (tab == NULL)
			return -1;
		f[k] = take_field(p, tab);
		p = tab + 1;
	}
	loc.path = f[0][0] ? f[0] : NULL;
	loc.line = ln;
	loc.col = col;
	hb_diag(d, (enum hb_level)level, loc, "%s", f[1]);
	if (strcmp(f[3], "+") == 0)
		hb_diag_note(d, "%s", f[2]);
	return 0;
}

/* Checks the body after the fingerprint: the outputs, then fills d and *n_pages. Each line is
 * read from a copy: the bytes stay as they are for hb_cache_load. */
static int
replay_body(const char *out_dir, const char *p, const char *end, struct hb_diag *d,
    size_t *n_pages)
{
	struct hb_buf line = HB_BUF_INIT;
	struct hb_diag got;
	size_t pages = 0;
	int ok = 0, is_first = 1;

	hb_diag_init(&got);	/* merged into d, which applies --strict */
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		char *l;

		if (eol == NULL)
			break;
		if (strncmp(p, "rec\t", 4) == 0 || strncmp(p, "group\t", 6) == 0) {
			p = eol + 1;
			continue;
		}
		hb_buf_reset(&line);
		hb_buf_put(&line, p, (size_t)(eol - p));
		l = line.buf;
		if (is_first ? sscanf(l, "pages %zu", &pages) != 1 :
		    strncmp(l, "out ", 4) == 0 ? !is_output_unchanged(out_dir, l + 4, l + line.len) :
		    strncmp(l, "diag ", 5) == 0 ? replay_diag(&got, l + 5, l + line.len) != 0 : 1)
			break;
		is_first = 0;
		p = eol + 1;
	}
	if (p == end && !is_first) {
		hb_diag_merge(d, &got);
		*n_pages = pages;
		ok = 1;
	}
	hb_diag_free(&got);
	hb_buf_free(&line);
	return ok;
}

/* Opens the regular file name of out_dir, never through a link (the site's own files only);
 * the descriptor, or -1. */
static int
open_own(const char *out_dir, const char *name, struct stat *st)
{
	char *path = hb_path_join(out_dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	free(path);
	if (fd >= 0 && (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* 1 when the line at line is "<tag> <checksum of [start, line)>\n". */
static int
checks(const char *tag, const char *start, const char *line)
{
	size_t n = strlen(tag);
	char sum[HB_CACHE_SUM_LEN + 1];

	if (line == NULL || strncmp(line, tag, n) != 0 || line[n] != ' ' ||
	    line[n + 1 + HB_CACHE_SUM_LEN] != '\n')
		return 0;
	sum_hex(start, (size_t)(line - start), sum);
	return strncmp(line + n + 1, sum, HB_CACHE_SUM_LEN) == 0;
}

/* Reads len bytes of fd into p; 1 when it got them all. */
static int
read_all(int fd, char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

/*
 * The caches are read into memory of transparent huge pages (hb_xmap_huge), not mapped: mapping
 * a file sets up a page table entry per 4 KiB, as dear as a page fault on some virtual machines
 * (the 10,000-page benchmark's 58 MB of caches took 40 ms to map, 15 to read this way).
 */
static void
make_room(struct hb_cache_mapped *out, size_t len)
{
	out->mapped = (len + HB_HUGE_SIZE) / HB_HUGE_SIZE * HB_HUGE_SIZE;
	out->p = hb_xmap_huge(out->mapped);
	out->len = 0;
}

void
hb_cache_mapped_free(struct hb_cache_mapped *m)
{
	hb_xunmap_huge(m->p, m->mapped);
	memset(m, 0, sizeof(*m));
}

/* Reads the file rel of out_dir into *out; 1, or 0 when it cannot. The site's files are only
 * ever replaced whole (write.h), never cut short under a reader. */
static int
read_file(const char *out_dir, const char *rel, struct hb_cache_mapped *out)
{
	struct stat st;
	int fd = open_own(out_dir, rel, &st), ok = 0;

	memset(out, 0, sizeof(*out));
	if (fd >= 0 && st.st_size > 0) {
		make_room(out, (size_t)st.st_size);
		ok = read_all(fd, out->p, (size_t)st.st_size);
		out->len = ok ? (size_t)st.st_size : 0;
	}
	if (fd >= 0)
		close(fd);
	if (!ok)
		hb_cache_mapped_free(out);
	return ok;
}

void
hb_cache_read(const char *out_dir, struct hb_cache_file *f)
{
	const size_t line_len = sizeof("check \n") - 1 + HB_CACHE_SUM_LEN;
	struct hb_cache_mapped *m = &f->map;
	char *p;

	memset(f, 0, sizeof(*f));
	if (!read_file(out_dir, HB_CACHE_FILE, m) || m->len < 2 * line_len ||
	    m->p[m->len - 1] != '\n')
		return;
	/* The lines are escaped, so a "\ncheck " can only start one. */
	f->tail = m->p + m->len - (line_len - 2);
	if ((p = memmem(m->p, m->len, "\ncheck ", 7)) != NULL && p + 1 + line_len <= f->tail)
		f->check = p + 1;
}

void
hb_cache_file_free(struct hb_cache_file *f)
{
	hb_cache_mapped_free(&f->map);
}

int
hb_cache_replay(const struct hb_cache_file *f, const char *out_dir,
    const struct hb_cache_fingerprint *fp, struct hb_diag *d, size_t *n_pages)
{
	const struct hb_cache_mapped *m = &f->map;

	return f->check != NULL && (size_t)(f->check - m->p) >= fp->text.len &&
	    memcmp(m->p, fp->text.buf, fp->text.len) == 0 && checks("check", m->p, f->check) &&
	    replay_body(out_dir, m->p + fp->text.len, f->check, d, n_pages);
}

/* The lines that say which executable and options made a fingerprint ("exe", "option"). */
static void
maker_lines(const char *text, const char *end, struct hb_buf *out)
{
	while (text < end) {
		const char *eol = memchr(text, '\n', (size_t)(end - text));

		eol = eol ? eol + 1 : end;
		if (strncmp(text, "exe ", 4) == 0 || strncmp(text, "option ", 7) == 0)
			hb_buf_put(out, text, (size_t)(eol - text));
		text = eol;
	}
}

/* Splits a line at tabs into fields (unescaped, in place); returns how many, at most max. */
static size_t
split_fields(char *line, char *end, char **fields, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *tab = memchr(line, '\t', (size_t)(end - line));

		fields[n++] = take_field(line, tab ? tab : end);
		if (tab == NULL)
			break;
		line = tab + 1;
	}
	return n;
}

/* A list written by put_names: the names of the indices in s (which point into the loaded
 * file's names line), or NULL when s is not such a list. */
static const char **
take_names(struct hb_cache_previous *prev, const char *s, size_t *n_out)
{
	size_t n = *s != '\0', i;
	const char *p;
	const char **v;

	for (p = s; *p; p++)
		n += *p == ' ';
	v = hb_arena_alloc(&prev->arena, (n + 1) * sizeof(*v));
	for (i = 0, p = s; i < n; i++) {
		size_t k = 0;

		if (*p < '0' || *p > '9')
			return NULL;
		for (; *p >= '0' && *p <= '9' && k <= prev->n_names; p++)
			k = 10 * k + (size_t)(*p - '0');
		if (k >= prev->n_names || (*p != ' ' && *p != '\0'))
			return NULL;
		v[i] = prev->names[k];
		p += *p == ' ';
	}
	*n_out = n;
	return v;
}

static int
hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* n hashes written by put_hashes, from the whole of s; -1 when s is not that. */
static int
take_hashes(const char *s, unsigned char *out, size_t n)
{
	size_t k;

	if (strlen(s) != 2 * HB_HASH_SIZE * n)
		return -1;
	for (k = 0; k < HB_HASH_SIZE * n; k++) {
		int hi = hex_digit(s[2 * k]), lo = hex_digit(s[2 * k + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[k] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static int
load_record(struct hb_cache_previous *prev, char **f, size_t n, const char *line,
    size_t line_len)
{
	struct hb_reuse_record *r = hb_arena_alloc(&prev->arena, sizeof(*r));
	const char *slot_start;

	memset(r, 0, sizeof(*r));
	if (n != 8)
		return -1;
	slot_start = f[4];
	if (take_hashes(f[1], r->key, 1) != 0 || take_hashes(f[2], r->head, 1) != 0 ||
	    (strcmp(f[3], "0") != 0 && strcmp(f[3], "1") != 0) ||
	    !take_size(&slot_start, f[4] + strlen(f[4]), &r->slot_start))
		return -1;
	r->has_slot = f[3][0] == '1';
	r->slot = hb_arena_strdup(&prev->arena, f[5]);
	r->slot_len = strlen(r->slot);
	if ((r->deps = take_names(prev, f[6], &r->n_deps)) == NULL ||
	    (r->groups = take_names(prev, f[7], &r->n_groups)) == NULL)
		return -1;
	r->has_key = 1;
	r->line = line;
	r->line_len = line_len;
	hb_map_put(&prev->records, f[0], r);
	return 0;
}

static int
load_group(struct hb_cache_previous *prev, char **f, size_t n)
{
	struct hb_reuse_group *g = hb_arena_alloc(&prev->arena, sizeof(*g));

	if (n != 2 || (g->deps = take_names(prev, f[1], &g->n_deps)) == NULL)
		return -1;
	hb_map_put(&prev->groups, f[0], g);
	return 0;
}

/* The "then" line (after "then "): the counts of the lines that follow (a page's at least 160
 * bytes long, a section's 50, of the rest's len), and the lists. */
static int
load_then(struct hb_reuse_then *then, struct hb_arena *a, char *line, size_t len)
{
	char lists[8 * HB_HASH_SIZE + 1];
	int used = 0;

	if (then->ids != NULL || sscanf(line, "%zu %zu %160s%n", &then->n_pages,
	    &then->n_sections, lists, &used) != 3 || line[used] != '\0' ||
	    take_hashes(lists, then->lists, 4) != 0 || then->n_pages > len / 160 ||
	    then->n_sections > len / 50)
		return -1;
	then->ids = hb_arena_alloc(a, (then->n_pages + 1) * sizeof(*then->ids));
	then->pages = hb_arena_alloc(a, HB_REUSE_THEN_PER_PAGE * then->n_pages * HB_HASH_SIZE + 1);
	then->sections = hb_arena_alloc(a, (then->n_sections + 1) * sizeof(*then->sections));
	then->section = hb_arena_alloc(a, then->n_sections * HB_HASH_SIZE + 1);
	return 0;
}

/* A "then-page" (is_page) or "then-section" line's fields, in order; *n_seen counts them. */
static int
load_then_item(struct hb_reuse_then *then, struct hb_arena *a, int is_page, char **f, size_t n,
    size_t *n_seen)
{
	size_t i = (*n_seen)++;

	if (then->ids == NULL || n != 2 || i >= (is_page ? then->n_pages : then->n_sections))
		return -1;
	if (is_page) {
		then->ids[i] = hb_arena_strdup(a, f[0]);
		return take_hashes(f[1], then->pages + HB_REUSE_THEN_PER_PAGE * i * HB_HASH_SIZE,
		    HB_REUSE_THEN_PER_PAGE);
	}
	then->sections[i] = hb_arena_strdup(a, f[0]);
	return take_hashes(f[1], then->section + i * HB_HASH_SIZE, 1);
}

static int
load_output(struct hb_cache_previous *prev, char *line, char *end)
{
	struct hb_write_output *o = hb_arena_alloc(&prev->arena, sizeof(*o));
	char *path = take_output_stat(line, end, &o->size, &o->mtime_ns, &o->ino);

	if (path == NULL)
		return -1;
	hb_map_put(&prev->outputs, take_field(path, end), o);
	return 0;
}

/*
 * The "names" line of the body, whose names the records and groups name by index; it is
 * [*line, *eol) then. Returns 0, or -1 when there is none or it is malformed.
 */
static int
load_names(struct hb_cache_previous *prev, const char *body, const char *end, const char **line,
    const char **eol)
{
	const char *p = memmem(body, (size_t)(end - body), "\nnames\t", 7), *tab;
	char **f, *copy;
	size_t n_tabs = 0, n, i;

	if (p == NULL || (*eol = memchr(p + 1, '\n', (size_t)(end - p - 1))) == NULL)
		return -1;
	*line = p + 1;
	for (tab = *line; (tab = memchr(tab, '\t', (size_t)(*eol - tab))) != NULL; tab++)
		n_tabs++;
	f = hb_arena_alloc(&prev->arena, (n_tabs + 1) * sizeof(*f));
	/* One copy, split in place: the names lie in it in order. */
	copy = hb_arena_strndup(&prev->arena, *line, (size_t)(*eol - *line));
	n = split_fields(copy + 6, copy + (*eol - *line), f, n_tabs);
	if (n == 0 || sscanf(f[0], "%zu", &prev->n_names) != 1 || prev->n_names != n - 1)
		return -1;
	prev->names = (const char **)f + 1;
	for (i = 1; i < prev->n_names; i++) {
		if (prev->names[i] <= prev->names[i - 1])
			return -1;	/* the save side finds them by address */
	}
	return 0;
}

/*
 * Every "rec", "group", "out" and "then" line of the body; -1 when one is malformed. Each line is
 * parsed from a copy: a kept record's line is written again as it is.
 */
static int
load_lines(struct hb_cache_previous *prev, const char *p, const char *end)
{
	const char *names_line, *names_end;
	struct hb_reuse_then *then = &prev->then;
	struct hb_buf copy = HB_BUF_INIT;
	char **f = NULL;
	size_t alloc = 0, n_then_pages = 0, n_then_sections = 0;
	int rc = load_names(prev, p - 1, end, &names_line, &names_end);

	while (rc == 0 && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		char *l, *lend, *tab;
		size_t n_tabs = 0, n;

		if (p == names_line) {
			p = names_end + 1;
			continue;
		}
		if (eol == NULL)
			break;
		hb_buf_reset(&copy);
		hb_buf_put(&copy, p, (size_t)(eol - p));
		l = copy.buf;
		lend = l + copy.len;
		for (tab = l; (tab = memchr(tab, '\t', (size_t)(lend - tab))) != NULL; tab++)
			n_tabs++;
		f = hb_xgrow(f, &alloc, n_tabs + 1, sizeof(*f));
		if (strncmp(l, "rec\t", 4) == 0) {
			n = split_fields(l + 4, lend, f, n_tabs);
			rc = load_record(prev, f, n, p, (size_t)(eol - p + 1));
		} else if (strncmp(l, "out ", 4) == 0) {
			rc = load_output(prev, l + 4, lend);
		} else if (strncmp(l, "group\t", 6) == 0) {
			n = split_fields(l + 6, lend, f, n_tabs);
			rc = load_group(prev, f, n);
		} else if (strncmp(l, "then ", 5) == 0) {
			rc = load_then(then, &prev->arena, l + 5, (size_t)(end - eol));
		} else if (strncmp(l, "then-page\t", 10) == 0) {
			n = split_fields(l + 10, lend, f, n_tabs);
			rc = load_then_item(then, &prev->arena, 1, f, n, &n_then_pages);
		} else if (strncmp(l, "then-section\t", 13) == 0) {
			n = split_fields(l + 13, lend, f, n_tabs);
			rc = load_then_item(then, &prev->arena, 0, f, n, &n_then_sections);
		}
		p = eol + 1;
	}
	free(f);
	hb_buf_free(&copy);
	then->is_set = then->ids != NULL && n_then_pages == then->n_pages &&
	    n_then_sections == then->n_sections;
	return then->ids != NULL && !then->is_set ? -1 : rc;
}

int
hb_cache_has_records(const struct hb_cache_file *f, const struct hb_cache_fingerprint *fp)
{
	const struct hb_cache_mapped *m = &f->map;
	struct hb_buf mine = HB_BUF_INIT, theirs = HB_BUF_INIT;
	const char *body;
	int ok;

	if (f->check == NULL || !checks("end", m->p, f->tail) ||
	    (body = memmem(m->p, (size_t)(f->check - m->p), "\npages ", 7)) == NULL)
		return 0;
	maker_lines(fp->text.buf, fp->text.buf + fp->text.len, &mine);
	maker_lines(m->p, body + 1, &theirs);
	ok = strncmp(m->p, CACHE_VERSION "\n", sizeof(CACHE_VERSION)) == 0 &&
	    mine.len == theirs.len && (mine.len == 0 || memcmp(mine.buf, theirs.buf, mine.len) == 0);
	hb_buf_free(&mine);
	hb_buf_free(&theirs);
	return ok;
}

int
hb_cache_load(struct hb_cache_file *f, const struct hb_cache_fingerprint *fp,
    struct hb_cache_previous *prev)
{
	struct hb_buf mine = HB_BUF_INIT, theirs = HB_BUF_INIT;
	char *body;
	int ok = 0;

	hb_arena_init(&prev->arena);
	hb_map_init(&prev->records, HB_MAP_EXACT);
	hb_map_init(&prev->groups, HB_MAP_EXACT);
	hb_map_init(&prev->outputs, HB_MAP_EXACT);
	memset(&prev->then, 0, sizeof(prev->then));
	prev->names = NULL;
	prev->n_names = 0;
	prev->bytes = f->map;		/* what is loaded points into them */
	memset(&f->map, 0, sizeof(f->map));
	if (f->check == NULL || !checks("end", prev->bytes.p, f->tail) ||
	    (body = memmem(prev->bytes.p, (size_t)(f->check - prev->bytes.p), "\npages ", 7)) ==
	    NULL)
		goto out;
	maker_lines(fp->text.buf, fp->text.buf + fp->text.len, &mine);
	maker_lines(prev->bytes.p, body + 1, &theirs);
	if (strncmp(prev->bytes.p, CACHE_VERSION "\n", sizeof(CACHE_VERSION)) != 0 ||
	    mine.len != theirs.len || (mine.len && memcmp(mine.buf, theirs.buf, mine.len) != 0))
		goto out;
	ok = load_lines(prev, body + 1, f->tail) == 0;
out:
	if (!ok)
		prev->n_names = 0;	/* not to be written again */
	hb_buf_free(&mine);
	hb_buf_free(&theirs);
	return ok;
}

void
hb_cache_previous_free(struct hb_cache_previous *prev)
{
	hb_cache_mapped_free(&prev->bytes);
	hb_map_free(&prev->records);
	hb_map_free(&prev->groups);
	hb_map_free(&prev->outputs);
	hb_arena_free(&prev->arena);
}

#define PARSED_VERSION "handbook-parsed 4"
#define PAGES_PER_SHARD 128
#define MAX_SHARDS 256

/* A file of the parse cache as loaded: how many entries it held, and whether its sentences
 * file is there to keep. */
struct parsed_file {
	size_t n_entries;
	int has_sentences;
};

/* A shard's sentences file, opened when first asked for: each page's are read apart. */
struct sentences_file {
	int fd;			/* -1 when it cannot be opened */
	size_t size;
	int is_damaged;		/* an entry's sentences in it were not intact */
};

/* Each content file's stat numbers ("size mtime ctime inode") in the fingerprint, by its path
 * as the fingerprint writes it (escaped). */
static void
content_stats(const struct hb_cache_fingerprint *fp, struct hb_map *out, struct hb_arena *a)
{
	const char *p = fp->text.buf, *end = p + fp->text.len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *sp = p + 8;
		int k;

		eol = eol ? eol : end;
		if (strncmp(p, "content ", 8) == 0) {
			for (k = 0; k < 4 && sp != NULL; k++) {
				sp = memchr(sp, ' ', (size_t)(eol - sp));
				sp = sp ? sp + 1 : NULL;
			}
			if (sp != NULL)
				hb_map_put(out, hb_arena_strndup(a, sp, (size_t)(eol - sp)),
				    hb_arena_strndup(a, p + 8, (size_t)(sp - 1 - (p + 8))));
		}
		p = eol + 1;
	}
}

size_t
hb_cache_shards(size_t n_pages)
{
	size_t n = 1;

	while (n < MAX_SHARDS && n * PAGES_PER_SHARD < n_pages)
		n *= 2;
	return n;
}

size_t
hb_cache_shard_of(const char *path, size_t n_shards)
{
	return (size_t)(hb_hash_fnv(HB_FNV_START, path, strlen(path)) % n_shards);
}

/* "<dir>/<n>-<s>": the name says how many shards there are, so a file is never taken for
 * another split's. */
static char *
shard_name(size_t s, size_t n)
{
	struct hb_buf b = HB_BUF_INIT;

	hb_buf_printf(&b, "%s/%zu-%zu", HB_PARSED_DIR, n, s);
	return hb_buf_detach(&b, NULL);
}

/* The name of shard file name's sentences file. */
static char *
sentences_name(const char *name)
{
	struct hb_buf b = HB_BUF_INIT;

	hb_buf_printf(&b, "%s%s", name, HB_SENTENCES_SUFFIX);
	return hb_buf_detach(&b, NULL);
}

/* 1 when the shard can stay as the last build wrote it: it held exactly these pages' entries,
 * and its sentences file is there and was not found damaged. */
static int
is_shard_kept(struct hb_cache_parses *ps, const char *name, const struct hb_cache_page *pages,
    size_t n)
{
	const struct parsed_file *f = hb_map_get(&ps->files, name);
	const struct sentences_file *sf;
	size_t i;
	int is_damaged;

	if (f == NULL || f->n_entries != n || !f->has_sentences)
		return 0;
	for (i = 0; i < n; i++) {
		if (pages[i].taken == NULL || strcmp(pages[i].taken->file, name) != 0)
			return 0;
	}
	pthread_mutex_lock(&ps->sentences_lock);
	sf = hb_map_get(&ps->sentences, name);
	is_damaged = sf != NULL && (sf->fd < 0 || sf->is_damaged);
	pthread_mutex_unlock(&ps->sentences_lock);
	return !is_damaged;
}

int
hb_cache_save_shard(struct hb_writer *w, struct hb_cache_parses *ps, size_t s,
    size_t n_shards, const struct hb_cache_page *pages, size_t n, hb_cache_put_page put,
    void *arg, struct hb_err *err)
{
	struct hb_buf b = HB_BUF_INIT, path = HB_BUF_INIT, made = HB_BUF_INIT;
	struct hb_buf sentences = HB_BUF_INIT, made_sentences = HB_BUF_INIT;
	char *name = shard_name(s, n_shards), *s_name = sentences_name(name);
	struct hb_arena taken;		/* the taken pages' sentences */
	size_t i;
	int rc = 0;

	hb_arena_init(&taken);
	if (ps->is_racy || n == 0)
		goto out;
	if (is_shard_kept(ps, name, pages, n)) {
		rc = hb_write_link_previous(w, name, NULL, err) == 0 &&
		    hb_write_link_previous(w, s_name, NULL, err) == 0 ? 0 : -1;
		goto out;
	}
	hb_buf_put(&b, ps->maker.buf, ps->maker.len);
	for (i = 0; i < n; i++) {
		const struct hb_cache_parse *e = pages[i].taken;
		const char *numbers, *bytes = e ? e->bytes : NULL, *s_bytes = NULL;
		size_t len = e ? e->len : 0, s_len = e ? e->sentences_len : 0;
		char sum[HB_CACHE_SUM_LEN + 1], s_sum[HB_CACHE_SUM_LEN + 1];

		hb_buf_reset(&path);
		put_field(&path, pages[i].path);
		if ((numbers = hb_map_get(&ps->stats, path.buf)) == NULL)
			continue;	/* not a file of the fingerprint: nothing to check it by */
		if (e != NULL && (s_bytes = hb_cache_parse_sentences(ps, e, &taken)) != NULL) {
			memcpy(sum, e->sum, sizeof(sum));
			memcpy(s_sum, e->sentences_sum, sizeof(s_sum));
		} else {	/* parsed by this build, or its sentences were not intact */
			hb_buf_reset(&made);
			hb_buf_reset(&made_sentences);
			put(&made, &made_sentences, pages[i].index, arg);
			bytes = made.buf;
			len = made.len;
			sum_hex(bytes, len, sum);
			s_bytes = made_sentences.buf;
			s_len = made_sentences.len;
			sum_hex(s_bytes, s_len, s_sum);
		}
		hb_buf_printf(&b, "page %zu %s %zu %zu %s %s %s\n", len, sum, sentences.len, s_len,
		    s_sum, numbers, path.buf);
		hb_buf_put(&b, bytes, len);
		hb_buf_putc(&b, '\n');
		hb_buf_put(&sentences, s_bytes, s_len);
	}
	hb_buf_puts(&b, "end\n");
	rc = hb_write_private(w, s_name, sentences.buf, sentences.len, err) == 0 &&
	    hb_write_private(w, name, b.buf, b.len, err) == 0 ? 0 : -1;
out:
	free(name);
	free(s_name);
	hb_arena_free(&taken);
	hb_buf_free(&b);
	hb_buf_free(&path);
	hb_buf_free(&made);
	hb_buf_free(&sentences);
	hb_buf_free(&made_sentences);
	return rc;
}

/* One shard file of the parse cache as it is read: its bytes' place, and what it holds. */
struct shard_read {
	const char *name;		/* HB_PARSED_DIR "/<file>" */
	int fd;
	char *p;			/* its bytes, in the parses' buffer */
	size_t len;
	int is_whole;			/* read whole and well formed: its entries count */
	int has_sentences;		/* its sentences file is there */
	size_t list_index;		/* its name's place in the folder's list */
	struct parsed_file *file;	/* how many entries it has */
	struct hb_cache_parse **v;	/* those whose file stats as then */
	size_t n, alloc;
};

/*
 * The "page" entries of one parse cache file in [p, end), each followed by its bytes, up to the
 * "end" line, into sr (in a); those whose file stats as then are sr's entries. Returns 0, or -1
 * when the file is not whole or not well formed.
 */
static int
take_parses(const struct hb_cache_parses *ps, struct shard_read *sr, const char *p,
    const char *end, struct hb_arena *a)
{
	struct hb_buf key = HB_BUF_INIT;
	int rc = -1;

	sr->file = hb_arena_alloc(a, sizeof(*sr->file));
	sr->file->n_entries = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *sum, *s_at, *numbers, *path;
		struct hb_cache_parse *e;
		const char *then;
		size_t len, sentences_at, sentences_len;
		int k;

		if (eol == NULL)
			break;
		if (eol - p == 3 && memcmp(p, "end", 3) == 0) {
			rc = eol + 1 == end ? 0 : -1;
			break;
		}
		/* "page LEN SUM SENTENCES_AT SENTENCES_LEN SENTENCES_SUM SIZE MTIME CTIME INODE
		 * PATH" */
		sum = p + 5;
		if (eol - p < 5 || memcmp(p, "page ", 5) != 0 || !take_size(&sum, eol, &len) ||
		    sum[-1] != ' ')
			break;
		s_at = sum + HB_CACHE_SUM_LEN + 1;
		if (s_at >= eol || s_at[-1] != ' ' || !take_size(&s_at, eol, &sentences_at) ||
		    !take_size(&s_at, eol, &sentences_len))
			break;
		numbers = s_at + HB_CACHE_SUM_LEN + 1;
		if (numbers >= eol || numbers[-1] != ' ' || len >= (size_t)(end - eol) - 1 ||
		    eol[1 + len] != '\n')
			break;
		for (path = numbers, k = 0; k < 4 && path != NULL; k++) {
			path = memchr(path, ' ', (size_t)(eol - path));
			path = path ? path + 1 : NULL;
		}
		if (path == NULL)
			break;
		sr->file->n_entries++;
		hb_buf_reset(&key);
		hb_buf_put(&key, path, (size_t)(eol - path));
		then = hb_map_get(&ps->stats, key.buf ? key.buf : "");
		if (then != NULL && strlen(then) == (size_t)(path - 1 - numbers) &&
		    memcmp(then, numbers, (size_t)(path - 1 - numbers)) == 0) {
			char *own = hb_arena_strndup(a, path, (size_t)(eol - path));

			e = hb_arena_alloc(a, sizeof(*e));
			memcpy(e->sum, sum, HB_CACHE_SUM_LEN);
			e->sum[HB_CACHE_SUM_LEN] = '\0';
			memcpy(e->sentences_sum, s_at, HB_CACHE_SUM_LEN);
			e->sentences_sum[HB_CACHE_SUM_LEN] = '\0';
			e->sentences_at = sentences_at;
			e->sentences_len = sentences_len;
			e->path = take_field(own, own + (eol - path));
			e->bytes = eol + 1;
			e->len = len;
			e->file = sr->name;
			sr->v = hb_xgrow(sr->v, &sr->alloc, sr->n + 1, sizeof(*sr->v));
			sr->v[sr->n++] = e;
		}
		p = eol + 1 + len + 1;
	}
	hb_buf_free(&key);
	return rc;
}

/* 1 when name is the sentences file of shard (which may be NULL). */
static int
is_sentences_of(const char *name, const char *shard)
{
	size_t n = shard ? strlen(shard) : 0;

	return shard != NULL && strncmp(name, shard, n) == 0 &&
	    strcmp(name + n, HB_SENTENCES_SUFFIX) == 0;
}

/* Reads and takes every step-th shard from the first (a thread of hb_cache_load_parses). */
struct shards_job {
	const struct hb_cache_parses *ps;
	struct shard_read *v;
	size_t n, first, step;
	struct hb_arena *arena;
};

static void *
read_shards(void *arg)
{
	struct shards_job *job = arg;
	const struct hb_cache_parses *ps = job->ps;
	size_t i;

	for (i = job->first; i < job->n; i += job->step) {
		struct shard_read *sr = &job->v[i];

		sr->is_whole = sr->fd >= 0 && read_all(sr->fd, sr->p, sr->len) &&
		    sr->len >= ps->maker.len && memcmp(sr->p, ps->maker.buf, ps->maker.len) == 0 &&
		    take_parses(ps, sr, sr->p + ps->maker.len, sr->p + sr->len, job->arena) == 0;
		if (sr->fd >= 0)
			close(sr->fd);
	}
	return NULL;
}

void
hb_cache_load_parses(const char *out_dir, const struct hb_cache_fingerprint *fp,
    struct hb_cache_parses *ps, int threads)
{
	char *dir = hb_path_join(out_dir, HB_PARSED_DIR);
	struct shards_job jobs[2];
	struct shard_read *v;
	pthread_t thread;
	char **names;
	size_t n, i, j, total = 0;
	int is_apart;

	memset(ps, 0, sizeof(*ps));
	hb_arena_init(&ps->arena);
	hb_arena_init(&ps->arena_apart);
	hb_map_init(&ps->by_path, HB_MAP_EXACT | HB_MAP_BORROW);	/* keys in ps's arenas */
	hb_map_init(&ps->files, HB_MAP_EXACT);
	hb_map_init(&ps->stats, HB_MAP_EXACT | HB_MAP_BORROW);
	hb_map_init(&ps->sentences, HB_MAP_EXACT);
	pthread_mutex_init(&ps->sentences_lock, NULL);
	ps->out_dir = hb_xstrdup(out_dir);
	ps->is_racy = fp->is_racy;
	hb_buf_puts(&ps->maker, PARSED_VERSION "\n");
	maker_lines(fp->text.buf, fp->text.buf + fp->text.len, &ps->maker);
	content_stats(fp, &ps->stats, &ps->arena);
	if (hb_path_list(dir, &names, &n) != 0)
		n = 0;
	/* Every shard into one buffer: each opened and sized first. Sentences files are read
	 * when asked for; the list, sorted, has each right after its shard. */
	v = hb_xcalloc(n + 1, sizeof(*v));
	for (i = 0, j = 0; i < n; i++) {
		char *rel = hb_path_join(HB_PARSED_DIR, names[i]);
		struct stat st;

		if (is_sentences_of(names[i], j > 0 ? names[v[j - 1].list_index] : NULL)) {
			v[j - 1].has_sentences = 1;
		} else if (strchr(names[i], '.') == NULL) {
			v[j].name = hb_arena_strdup(&ps->arena, rel);
			v[j].list_index = i;
			v[j].fd = open_own(out_dir, rel, &st);
			v[j].len = v[j].fd >= 0 ? (size_t)st.st_size : 0;
			total += v[j++].len;
		}
		free(rel);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	n = j;
	make_room(&ps->bytes, total);
	for (i = 0; i < n; i++) {
		v[i].p = ps->bytes.p + ps->bytes.len;
		ps->bytes.len += v[i].len;
	}
	/* Two threads, each every other shard, when there may be two. */
	is_apart = threads > 1 && n > 1;
	jobs[0] = (struct shards_job){ ps, v, n, 0, is_apart ? 2 : 1, &ps->arena };
	jobs[1] = (struct shards_job){ ps, v, n, 1, 2, &ps->arena_apart };
	if (is_apart && pthread_create(&thread, NULL, read_shards, &jobs[1]) != 0) {
		is_apart = 0;
		jobs[0].step = 1;
	}
	read_shards(&jobs[0]);
	if (is_apart)
		pthread_join(thread, NULL);
	for (i = 0, j = 0; i < n; i++)
		j += v[i].is_whole ? v[i].n : 0;
	hb_map_reserve(&ps->by_path, j);
	for (i = 0; i < n; i++) {
		for (j = 0; v[i].is_whole && j < v[i].n; j++)
			hb_map_put(&ps->by_path, v[i].v[j]->path, v[i].v[j]);
		if (v[i].is_whole) {
			v[i].file->has_sentences = v[i].has_sentences;
			hb_map_put(&ps->files, v[i].name, v[i].file);
		}
		free(v[i].v);
	}
	free(v);
	free(dir);
}

int
hb_cache_parse_is_intact(const struct hb_cache_parse *p)
{
	char sum[HB_CACHE_SUM_LEN + 1];

	sum_hex(p->bytes, p->len, sum);
	return strcmp(sum, p->sum) == 0;
}

/* The sentences file of shard file name, opened when first asked for. */
static struct sentences_file *
sentences_file(struct hb_cache_parses *ps, const char *name)
{
	struct sentences_file *f;
	struct stat st;
	char *rel;

	pthread_mutex_lock(&ps->sentences_lock);
	if ((f = hb_map_get(&ps->sentences, name)) == NULL) {
		rel = sentences_name(name);
		f = hb_xcalloc(1, sizeof(*f));
		f->fd = open_own(ps->out_dir, rel, &st);
		f->size = f->fd >= 0 ? (size_t)st.st_size : 0;
		hb_map_put(&ps->sentences, name, f);
		free(rel);
	}
	pthread_mutex_unlock(&ps->sentences_lock);
	return f;
}

/* Reads len bytes at offset at of fd into p; 1 when it got them all. */
static int
pread_all(int fd, char *p, size_t len, size_t at)
{
	while (len > 0) {
		ssize_t n = pread(fd, p, len, (off_t)at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		p += n;
		at += (size_t)n;
		len -= (size_t)n;
	}
	return 1;
}

const char *
hb_cache_parse_sentences(struct hb_cache_parses *ps, const struct hb_cache_parse *e,
    struct hb_arena *a)
{
	struct sentences_file *f = sentences_file(ps, e->file);
	char sum[HB_CACHE_SUM_LEN + 1], *bytes;

	/* The place comes from the shard's line, which no checksum covers: within the file, or
	 * nothing is allocated. */
	if (f->fd < 0 || e->sentences_at > f->size || e->sentences_len > f->size - e->sentences_at)
		goto damaged;
	bytes = hb_arena_alloc(a, e->sentences_len + 1);
	if (pread_all(f->fd, bytes, e->sentences_len, e->sentences_at)) {
		sum_hex(bytes, e->sentences_len, sum);
		if (strcmp(sum, e->sentences_sum) == 0)
			return bytes;
	}
damaged:
	pthread_mutex_lock(&ps->sentences_lock);
	f->is_damaged = 1;	/* the shard is written again, its sentences made again */
	pthread_mutex_unlock(&ps->sentences_lock);
	return NULL;
}

void
hb_cache_parses_free(struct hb_cache_parses *ps)
{
	size_t i;

	for (i = 0; i < ps->sentences.cap; i++) {
		struct sentences_file *f = ps->sentences.slots[i].value;

		if (ps->sentences.slots[i].key != NULL) {
			if (f->fd >= 0)
				close(f->fd);
			free(f);
		}
	}
	hb_map_free(&ps->sentences);
	pthread_mutex_destroy(&ps->sentences_lock);
	free(ps->out_dir);
	hb_cache_mapped_free(&ps->bytes);
	hb_map_free(&ps->by_path);
	hb_map_free(&ps->files);
	hb_map_free(&ps->stats);
	hb_buf_free(&ps->maker);
	hb_arena_free(&ps->arena);
	hb_arena_free(&ps->arena_apart);
}
