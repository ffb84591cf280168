/*
 * cache: `.handbook-cache`, what a build of the working tree leaves in its output so that the
 * next build can tell that nothing it would read has changed, and stop there.
 *
 * The fingerprint of a build is taken before it reads anything: every file of the content and
 * theme folders and the configuration (path, size, mtime and ctime in nanoseconds, inode, as
 * stat() sees them, scratch files left out as source.h leaves them out), the options that change
 * the output (folders, drafts, base URL), SOURCE_DATE_EPOCH, the commit HEAD names (page
 * histories and the build date come from it) and the handbook executable itself.
 *
 * After a successful build, hb_cache_save() writes that fingerprint into the new site with the
 * build's diagnostics, its page count, and the size, mtime and inode of every file it put there.
 * A later build whose fingerprint is byte for byte the same, whose output files all still stat
 * the same, and whose cache file is whole (it ends with a checksum of the rest) does
 * nothing but report the same diagnostics again (so --strict fails the same way). Anything else
 * (no cache, a corrupt or truncated one, an edited, added or removed input, a touched output
 * file) means a full build: the cache is never trusted beyond that check.
 *
 * When the fingerprint differs, the cache still tells the build what each page's render read
 * (hb_cache_load): pages whose render key is unchanged keep their file, hard-linked unread.
 *
 * Racy edits (a file changed in the same clock tick as the fingerprint, which its mtime cannot
 * show): when an input's mtime is within HB_CACHE_RACY_NS of the fingerprint's time,
 * no cache is saved, so the next build is a full one.
 */
#ifndef HB_CACHE_H
#define HB_CACHE_H

#include <pthread.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "map.h"
#include "reuse.h"

struct hb_options;
struct hb_writer;

#define HB_CACHE_FILE ".handbook-cache"
#define HB_CACHE_RACY_NS 50000000LL	/* 50 ms: coarser than any file system clock tick */

/* The hex digits of the caches' checksums (hb_hash_quick). */
#define HB_CACHE_SUM_LEN 16

struct hb_cache_fingerprint {
	struct hb_buf text;	/* the lines that must match */
	long long taken_ns;	/* when it was taken (CLOCK_REALTIME) */
	int is_racy;		/* an input changed too close to taken_ns to be told apart */
};

/* Returns 0, or -1 (nothing to free) when the inputs cannot be listed (the build says why). */
int hb_cache_fingerprint(struct hb_cache_fingerprint *fp, const struct hb_options *o);
void hb_cache_fingerprint_free(struct hb_cache_fingerprint *fp);

/* A cache file's bytes, read into memory of huge pages; hb_cache_mapped_free() frees them. */
struct hb_cache_mapped {
	char *p;
	size_t len;
	size_t mapped;
};
void hb_cache_mapped_free(struct hb_cache_mapped *m);

/*
 * The cache file of a site, mapped. What a replay needs (the fingerprint, the outputs, the
 * diagnostics) comes first and ends with a "check" line, the checksum of all before it; the
 * records follow, and the last line, "end", is the checksum of the whole: a build with nothing
 * changed reads and hashes the first part only.
 */
struct hb_cache_file {
	struct hb_cache_mapped map;
	char *check;		/* the "check <checksum>" line, or NULL */
	char *tail;		/* the "end <checksum>" line, or NULL */
};
void hb_cache_read(const char *out_dir, struct hb_cache_file *f);
void hb_cache_file_free(struct hb_cache_file *f);

/*
 * 1 when the site in out_dir, whose cache f is, was built from exactly these inputs: its
 * diagnostics are added to d and *n_pages is set. 0 otherwise, with d untouched.
 */
int hb_cache_replay(const struct hb_cache_file *f, const char *out_dir,
    const struct hb_cache_fingerprint *fp, struct hb_diag *d, size_t *n_pages);

/*
 * When the inputs did change: what the last build left for this one to reuse, if its cache f is
 * whole and was written by this same executable with the same options. records: output path ->
 * struct hb_reuse_record (render keys and what each render read, reuse.h); groups: memo key ->
 * struct hb_reuse_group; outputs: output path -> struct hb_write_output, how each file of the
 * site must still stat for its bytes to be trusted. They point into bytes, which prev takes
 * from f, and the arena. Returns 1 when loaded; 0 when not, and what was read must not be used.
 * Either way prev is freed with hb_cache_previous_free().
 */
struct hb_cache_previous {
	struct hb_cache_mapped bytes;
	struct hb_arena arena;
	struct hb_map records, groups, outputs;
	struct hb_reuse_then then;	/* the hashes its records' keys were made with */
	const char **names;		/* the dependency names its records and groups use */
	size_t n_names;
};
int hb_cache_load(struct hb_cache_file *f, const struct hb_cache_fingerprint *fp,
    struct hb_cache_previous *prev);
/* Whether f passes hb_cache_load's first checks (whole, this executable, these options): a
 * quick look before the records are loaded. */
int hb_cache_has_records(const struct hb_cache_file *f, const struct hb_cache_fingerprint *fp);
void hb_cache_previous_free(struct hb_cache_previous *prev);

/* Writes the cache into the site being built (before hb_write_commit), with this build's
 * records (records[i] for the output path paths[i]), groups and hashes (as hb_cache_load
 * returns them; groups and then may be NULL). prev, when not NULL, is the cache this build
 * loaded: a record kept from it is written as it was. */
int hb_cache_save(struct hb_writer *w, const struct hb_cache_fingerprint *fp,
    const struct hb_diag *d, size_t n_pages, const char *const *paths,
    const struct hb_reuse_record *records, size_t n_records, const struct hb_map *groups,
    const struct hb_reuse_then *then, const struct hb_cache_previous *prev, struct hb_err *err);

/*
 * The parse cache, files in HB_PARSED_DIR beside the cache: each content page's parse
 * (parsed.h) as of the build that parsed it, with how its file stat()ed in that build's
 * fingerprint. A build whose executable and options are the same takes a page from it instead
 * of reading and parsing the file when the file stats the same in its own fingerprint and the
 * entry's checksum checks out (hb_cache_parse_is_intact, on the worker that takes it).
 *
 * The pages are split over shards by a hash of their path (hb_cache_shards: a power of two, about
 * 128 pages each), so that a build that took every page of a shard from it keeps
 * the shard's file as it was (a hard link) and an edit rewrites one shard, not the whole cache.
 * Nothing is written after a racy fingerprint; a file that is not whole is not read.
 *
 * The links' sentences (parsed.h) are half the bytes, and a build that renders few pages needs
 * few of them: each shard keeps them in a file of their own beside it (HB_SENTENCES_SUFFIX), and
 * a page's are read when first asked for (hb_cache_parse_sentences), with their own checksum.
 */
#define HB_PARSED_DIR ".handbook-parsed"
#define HB_SENTENCES_SUFFIX ".sentences"

struct hb_cache_parse {
	const char *path;	/* in the content folder */
	const char *bytes;	/* as hb_parsed_put wrote them */
	size_t len;
	char sum[HB_CACHE_SUM_LEN + 1];	/* their checksum */
	const char *file;	/* the shard file it was read from */
	size_t sentences_at;	/* its sentences' place in the shard's sentences file */
	size_t sentences_len;
	char sentences_sum[HB_CACHE_SUM_LEN + 1];
};

struct hb_cache_parses {
	struct hb_map by_path;	/* content path -> struct hb_cache_parse, of the files that stat
				 * as they did when parsed */
	struct hb_map files;	/* the shard files read whole: name -> how many entries */
	struct hb_map stats;	/* this build's fingerprint: escaped path -> stat numbers */
	struct hb_buf maker;	/* the first lines of every shard file this build writes */
	struct hb_cache_mapped bytes;	/* the files read whole: every entry points into them */
	struct hb_arena arena_apart;	/* what the second thread reading them made */
	struct hb_arena arena;
	int is_racy;
	char *out_dir;
	pthread_mutex_t sentences_lock;	/* over sentences: pages' sentences are asked for
					 * from several threads */
	struct hb_map sentences;	/* shard file -> its sentences file, once opened */
};

/* Loads what out_dir's parse cache holds for this fingerprint (by_path may stay empty), and
 * what hb_cache_save_shard needs, on two threads when threads > 1. Free with
 * hb_cache_parses_free either way. */
void hb_cache_load_parses(const char *out_dir, const struct hb_cache_fingerprint *fp,
    struct hb_cache_parses *ps, int threads);
int hb_cache_parse_is_intact(const struct hb_cache_parse *p);
/* Reads e's sentences (e->sentences_len bytes) into a; NULL when its sentences file is missing
 * or they are not intact. Thread-safe. */
const char *hb_cache_parse_sentences(struct hb_cache_parses *ps, const struct hb_cache_parse *e,
    struct hb_arena *a);
void hb_cache_parses_free(struct hb_cache_parses *ps);

/* How many shards a site of n_pages content pages has, and the shard of a page. */
size_t hb_cache_shards(size_t n_pages);
size_t hb_cache_shard_of(const char *path, size_t n_shards);

/* One page of a shard to save: its entry when it was taken from the cache, else put(out,
 * sentences, index, arg) appends what hb_parsed_put makes of it (its sentences made, if they
 * were not: they are written too). */
struct hb_cache_page {
	const char *path;
	const struct hb_cache_parse *taken;
	size_t index;
};
typedef void (*hb_cache_put_page)(struct hb_buf *out, struct hb_buf *sentences, size_t index,
    void *arg);

/* Writes shard s of n_shards with these pages into the new site, or links the last build's files
 * when they held exactly them. A taken page whose sentences are not intact is put as one parsed
 * by this build. Thread-safe for different shards. */
int hb_cache_save_shard(struct hb_writer *w, struct hb_cache_parses *ps, size_t s,
    size_t n_shards, const struct hb_cache_page *pages, size_t n, hb_cache_put_page put,
    void *arg, struct hb_err *err);

#endif
