/*
 * hash: git's blob id of some bytes (SHA-1 of "blob <length>\0" and the bytes), as git and
 * libgit2's git_odb_hash() compute it. It names a working-tree file as git would, and it is
 * the digest of the render keys (reuse.c).
 *
 * OpenSSL's SHA-1 uses the CPU's SHA instructions; libgit2's detects collision attacks too and
 * is several times slower, which showed on every file and key of a large build. The ids are
 * the same. And FNV-1a and a quicker hash, for what only needs a quick spread or a checksum.
 * Thread-safe.
 */
#ifndef HB_HASH_H
#define HB_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HB_HASH_SIZE 20

void hb_hash_blob(const void *data, size_t len, unsigned char out[HB_HASH_SIZE]);

/* The same as 40 lower-case hex digits and a NUL. */
void hb_hash_blob_hex(const void *data, size_t len, char out[2 * HB_HASH_SIZE + 1]);
/* A hash of HB_HASH_SIZE bytes (a blob id, a render key) as hex digits and a NUL. */
void hb_hash_hex(const unsigned char id[HB_HASH_SIZE], char out[2 * HB_HASH_SIZE + 1]);

/*
 * FNV-1a (64 bits) of data, continuing from h (HB_FNV_START to begin): a fast hash for hash
 * tables, shards and change detection, never for integrity.
 */
#define HB_FNV_START 14695981039346656037ULL
uint64_t hb_hash_fnv(uint64_t h, const void *data, size_t len);

/*
 * A quick 64-bit hash of data, eight bytes at a time (several times faster than SHA-1): it
 * tells bytes that were damaged or cut short, as a checksum, and spreads keys in tables. Each
 * step is a bijection of the state, so bytes that differ in one place always hash apart. Never
 * for what someone might forge on purpose.
 */
uint64_t hb_hash_quick(const void *data, size_t len);

#endif
