/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encryption at rest, after Kubernetes' EncryptionConfiguration with the
 * aesgcm provider. The values of chosen resources (Secrets by default) are
 * stored as
 *
 *   "k8s:enc:aesgcm:v1:" NAME ":" nonce(12) ciphertext tag(16)
 *
 * with AES-256-GCM, a random 96-bit nonce per write, and the store key
 * ("core/secrets/ns/name") as additional authenticated data, so a value
 * cannot be moved to another key unnoticed. Only bytes written to disk are
 * sealed: the in-memory index and watch ring keep cleartext (as Kubernetes'
 * watch cache does), so reads and watches cost nothing more.
 *
 * The key ring is the text file DATA/encryption-keys (mode 0600), one key a
 * line, "aesgcm NAME BASE64(32 bytes)"; the first key seals, every key
 * unseals. `atoll server` creates it with one key on first start and reads
 * it again on SIGHUP; `atoll encryption rotate|rewrite|prune|status` manage
 * it (docs/tenancy.md).
 */
#ifndef ATOLL_STORE_CRYPT_H
#define ATOLL_STORE_CRYPT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"
#include "store/store.h"

#define CRYPT_PREFIX      "k8s:enc:aesgcm:v1:"
#define CRYPT_KEY_BYTES   32
#define CRYPT_NONCE_BYTES 12
#define CRYPT_TAG_BYTES   16
#define CRYPT_NAME_MAX    32   /* with the NUL */
#define CRYPT_RING_FILE   "encryption-keys"
#define CRYPT_DEFAULT_RESOURCES "secrets"

struct crypt_key {
	char name[CRYPT_NAME_MAX];
	unsigned char secret[CRYPT_KEY_BYTES];
};

struct store_crypt {
	struct crypt_key *keys;  /* owned; keys[0] seals, all unseal */
	size_t nkeys;
	char **prefixes;         /* owned: store key prefixes sealed on write, "core/secrets/" */
	size_t nprefixes;
};

/* Parse key ring text into c (which must be zeroed); -1 with err 400 on bad input. */
int crypt_ring_parse(struct store_crypt *c, const char *text, struct atoll_err *err);
/* The key ring as file text; returns owned. */
char *crypt_ring_format(const struct store_crypt *c);
/* Load path; refuses a file that others may read. */
int crypt_ring_load(struct store_crypt *c, const char *path, struct atoll_err *err);
/* Write path atomically (temporary file, fsync, rename), mode 0600. */
int crypt_ring_save(const struct store_crypt *c, const char *path, struct atoll_err *err);
/* DATA/encryption-keys; returns owned. */
char *crypt_ring_path(const char *data_dir);
/* Load DATA's key ring; when missing and create is set, make one with a first key. */
int crypt_ring_setup(struct store_crypt *c, const char *data_dir, bool create,
		     struct atoll_err *err);
/* A new random key "keyN" (N one above the highest), put first: it seals from now on. */
int crypt_add_key(struct store_crypt *c, struct atoll_err *err);
/* Index of the key called name, or -1. */
int crypt_find_key(const struct store_crypt *c, const char *name);
void crypt_release(struct store_crypt *c);

/*
 * Which resources to seal: a comma list of "resource" (core group) or
 * "resource.group" ("secrets,configmaps,deployments.apps"); "" or "none"
 * for none. Replaces the previous list.
 */
int crypt_set_resources(struct store_crypt *c, const char *list, struct atoll_err *err);
/* Whether values under the store key are sealed on write (c may be NULL). */
bool crypt_wants(const struct store_crypt *c, const char *key);

/* Whether stored bytes carry the aesgcm prefix. */
bool crypt_sealed(const void *data, size_t len);
/* The key name of sealed bytes into name; -1 when not sealed or malformed. */
int crypt_key_name(const void *data, size_t len, char name[CRYPT_NAME_MAX]);
/* Seal data under the primary key for store key `key`; returns owned, NULL with err. */
struct blob *crypt_seal(const struct store_crypt *c, const char *key, const void *data,
			size_t len, struct atoll_err *err);
/*
 * The cleartext of stored bytes: unsealed when sealed (any key of the ring;
 * 500 when the key is missing or the bytes were tampered with), else a copy.
 * c may be NULL (then sealed bytes are an error). Returns owned.
 */
struct blob *crypt_unseal(const struct store_crypt *c, const char *key, const void *data,
			  size_t len, struct atoll_err *err);

/*
 * Offline tools on a store's database (DATA/store.db). rewrite and prune
 * take the database's lock, so they fail while a server runs on it.
 */
struct crypt_usage {
	size_t *rows;            /* owned: per key of the ring, values sealed with it */
	size_t unknown;          /* values sealed with a key not in the ring */
	size_t clear;            /* cleartext values under a prefix c wants sealed */
};
/* Count values (current objects and the event log) by key; read-only, no lock. */
int crypt_db_usage(const char *db_path, const struct store_crypt *c, struct crypt_usage *u,
		   struct atoll_err *err);
void crypt_usage_release(struct crypt_usage *u);
/*
 * Re-seal, in one transaction, every value sealed with another key than the
 * primary, and seal cleartext values under c's prefixes; nothing is ever
 * unsealed to disk. Revisions do not change. *rows = rows rewritten.
 */
int crypt_db_rewrite(const char *db_path, const struct store_crypt *c, size_t *rows,
		     struct atoll_err *err);
/*
 * Drop from c every key but the primary that no stored value uses, saving
 * the ring to ring_path while holding the database's lock. *dropped = count.
 */
int crypt_db_prune(const char *db_path, struct store_crypt *c, const char *ring_path,
		   size_t *dropped, struct atoll_err *err);

#endif
