/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running sha256 of uploads, so the final PUT of a large blob need not read
 * the whole file back to verify its digest. A request that appends to a
 * session carries the hash of the bytes before it; between requests the
 * hash waits in a small table by session id, valid only for the size it
 * covers. The commit checks that size against the file, so any write this
 * hash did not see (a concurrent request, a lost table entry) falls back to
 * hashing the file; a wrong digest can never be accepted this way.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "lib/cryptolib.h"
#include "registry/reg_int.h"

#define PARKED 64

static struct parked {
	char uuid[sizeof(((struct reg_req *)0)->ref)];
	EVP_MD_CTX *md;
	uint64_t size;
	uint64_t stamp; /* for eviction: the oldest goes first */
} parked[PARKED];
static uint64_t clock_;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void reg_uphash_take(struct reg_req *st)
{
	reg_uphash_drop(st);
	pthread_mutex_lock(&lock);
	for (int i = 0; i < PARKED; i++) {
		if (!parked[i].md || strcmp(parked[i].uuid, st->ref))
			continue;
		if (parked[i].size == st->size) {
			st->md = parked[i].md;
			st->md_size = parked[i].size;
		} else {
			EVP_MD_CTX_free(parked[i].md);
		}
		parked[i].md = NULL;
		break;
	}
	pthread_mutex_unlock(&lock);
	if (!st->md && st->size == 0) {
		st->md = EVP_MD_CTX_new();
		if (st->md && EVP_DigestInit_ex(st->md, EVP_sha256(), NULL) != 1) {
			EVP_MD_CTX_free(st->md);
			st->md = NULL;
		}
		st->md_size = 0;
	}
}

void reg_uphash_update(struct reg_req *st, const void *p, size_t n)
{
	if (st->md && EVP_DigestUpdate(st->md, p, n) == 1)
		st->md_size += n;
	else
		reg_uphash_drop(st);
}

void reg_uphash_park(struct reg_req *st)
{
	int slot = 0;

	if (!st->md)
		return;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < PARKED; i++) {
		if (!parked[i].md) {
			slot = i;
			break;
		}
		if (parked[i].stamp < parked[slot].stamp)
			slot = i;
	}
	EVP_MD_CTX_free(parked[slot].md);
	snprintf(parked[slot].uuid, sizeof(parked[slot].uuid), "%s", st->ref);
	parked[slot].md = st->md;
	parked[slot].size = st->md_size;
	parked[slot].stamp = ++clock_;
	pthread_mutex_unlock(&lock);
	st->md = NULL;
}

bool reg_uphash_final(struct reg_req *st, const char *digest, char *out, size_t n, uint64_t *size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	if (!st->md || strncmp(digest, "sha256:", 7)) {
		reg_uphash_drop(st);
		return false;
	}
	bool ok = EVP_DigestFinal_ex(st->md, md, &len) == 1;
	*size = st->md_size;
	reg_uphash_drop(st);
	if (!ok)
		return false;
	size_t o = (size_t)snprintf(out, n, "sha256:");
	for (unsigned i = 0; i < len && o + 2 < n; i++, o += 2)
		snprintf(out + o, n - o, "%02x", md[i]);
	return true;
}

void reg_uphash_drop(struct reg_req *st)
{
	EVP_MD_CTX_free(st->md);
	st->md = NULL;
	st->md_size = 0;
}
