#include "hash.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

/* Fetched once: OpenSSL 3 would otherwise look SHA-1 up under a lock at every digest. */
static EVP_MD *sha1;
static pthread_once_t sha1_once = PTHREAD_ONCE_INIT;

static void
fetch_sha1(void)
{
	sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
}

void
hb_hash_blob(const void *data, size_t len, unsigned char out[HB_HASH_SIZE])
{
	EVP_MD_CTX *ctx;
	char header[32];
	int n = snprintf(header, sizeof(header), "blob %zu", len);

	pthread_once(&sha1_once, fetch_sha1);
	ctx = EVP_MD_CTX_new();
	/* Only memory can fail here. */
	if (sha1 == NULL || ctx == NULL || EVP_DigestInit_ex(ctx, sha1, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, header, (size_t)n + 1) != 1 ||
	    EVP_DigestUpdate(ctx, data, len) != 1 || EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		hb_xalloc_die();
	EVP_MD_CTX_free(ctx);
}

void
hb_hash_blob_hex(const void *data, size_t len, char out[2 * HB_HASH_SIZE + 1])
{
	unsigned char id[HB_HASH_SIZE];

	hb_hash_blob(data, len, id);
	hb_hash_hex(id, out);
}

void
hb_hash_hex(const unsigned char id[HB_HASH_SIZE], char out[2 * HB_HASH_SIZE + 1])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < HB_HASH_SIZE; i++) {
		out[2 * i] = digits[id[i] >> 4];
		out[2 * i + 1] = digits[id[i] & 15];
	}
	out[2 * HB_HASH_SIZE] = '\0';
}

uint64_t
hb_hash_fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len-- > 0)
		h = (h ^ *p++) * 1099511628211ULL;
	return h;
}

uint64_t
hb_hash_quick(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ h >> 29;
}
