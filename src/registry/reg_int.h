/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registry's internals, shared by its files. On-disk layout under
 * DATA/registry (everything content addressed, written by temp+fsync+rename):
 *   blobs/<alg>/<hex>                 blob and manifest bytes, stored once
 *   uploads/<uuid>                    upload session data (the uuid names its repository: reg_upload.c)
 *   repos/<ns>/<name>/_layers/<alg>-<hex>      blob linked into the repo (empty)
 *   repos/<ns>/<name>/_manifests/<alg>-<hex>   manifest in the repo (its media type)
 *   repos/<ns>/<name>/_tags/<tag>              tag (the digest it points at)
 *   repos/<ns>/<name>/_referrers/<subject>/<alg>-<hex>  referrer descriptor (JSON)
 * Repository components never start with '_', so the link folders cannot clash.
 */
#ifndef ATOLL_REG_INT_H
#define ATOLL_REG_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "lib/cryptolib.h"
#include "lib/buf.h"

struct api_req;
struct api_server;
struct MHD_Response;

#define REG_MAX_MANIFEST (4u << 20)
#define REG_MAX_NAME 256
#define REG_TOKEN_TTL 300
/* An error found before a request's body is read is answered after it, up to this many bytes. */
#define REG_DRAIN_MAX (8u << 20)
#define REG_QUOTA_KEY "atoll.dev/registry-storage" /* ResourceQuota spec.hard key */

enum reg_op {
	REG_PING, REG_TOKEN, REG_CATALOG, REG_TAGS, REG_REFERRERS,
	REG_BLOB, REG_UPLOAD_START, REG_UPLOAD, REG_MANIFEST,
};

/* What a caller wants to do with a repository. */
enum reg_action { REG_PULL = 1, REG_PUSH = 2, REG_DELETE = 4 };

struct reg_global {
	char *root;            /* DATA/registry (owned) */
	unsigned char key[32]; /* token signing key */
	uint64_t max_upload;   /* bytes; larger blobs are refused */
};
extern struct reg_global reg_g;

/* Per-request state (r->reg). */
struct reg_req {
	enum reg_op op;
	char repo[REG_MAX_NAME];
	char ns[64];
	char ref[160];       /* digest, tag or upload uuid; "" when none */
	char digest[160];    /* ?digest= of an upload */
	bool answered;
	bool deferred;       /* no body: route and answer in the final callback */
	bool user_ok;        /* authenticated */
	json_t *scopes;      /* access granted by a registry token; NULL = unrestricted */
	/* body streaming */
	int fd;              /* upload data file, -1 when none */
	char *tmp;           /* file to remove if the request dies (monolithic upload) */
	uint64_t size;       /* bytes in the upload file */
	uint64_t flushed;    /* writeback started up to here */
	EVP_MD_CTX *md;      /* sha256 of the upload's first md_size bytes, or NULL (reg_uphash.c) */
	uint64_t md_size;
	uint64_t quota_room; /* bytes the namespace's quota leaves this upload (UINT64_MAX: no quota) */
	bool collect;        /* keep the body in memory (manifests) */
	struct buf body;
	int fail_code;       /* an error found while reading the body: answer it at the end */
	bool hold;           /* errors now become fail_code (the body is still to come) */
	uint64_t drained;    /* body bytes read and dropped after an error */
	bool out_of_order;  /* PATCH not at the session's end: drain, then 416 */
	const char *fail_err;
	char fail_msg[512];
};

/* reg_http.c: answering. Each reg_reply_* queues exactly one response. */
struct MHD_Response *reg_resp_buf(char *body, size_t len); /* takes body */
void reg_hdr(struct MHD_Response *resp, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int reg_queue(struct api_req *r, int code, struct MHD_Response *resp, const char *ctype);
int reg_error(struct api_req *r, int code, const char *ecode, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int reg_error_detail(struct api_req *r, int code, const char *ecode, json_t *detail,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int reg_reply_json(struct api_req *r, int code, json_t *obj, const char *ctype); /* takes obj */

/* registry.c: a valid repository name "<namespace>/<name>..."; fills ns. */
bool reg_name_ok(const char *name, char *ns, size_t nsn);

/* reg_auth.c */
/* Authenticate and authorize `want` on st->repo (0 = only authenticate). Returns 0 when allowed, 1 after answering 401/403. */
int reg_check(struct api_req *r, struct reg_req *st, unsigned want);
int reg_token_endpoint(struct api_req *r, struct reg_req *st);
/* May the caller read the namespace? (for _catalog filtering) */
bool reg_may_pull(struct api_req *r, struct reg_req *st, const char *repo);

/* reg_store.c: files, digests and links. */
bool reg_digest_valid(const char *d);
int reg_hash_file(int fd, const char *alg, char *out, size_t n); /* "alg:hex" */
void reg_hash_mem(const void *p, size_t len, const char *alg, char *out, size_t n);
char *reg_blob_path(const char *digest); /* returns owned */
char *reg_repo_path(const char *repo, const char *sub, const char *leaf); /* returns owned */
int reg_mkdirs(const char *path, bool parent_only);
int reg_write_atomic(const char *path, const void *data, size_t len);
char *reg_read_small(const char *path, size_t max, size_t *len); /* returns owned or NULL */
/*
 * Verify tmp's digest and move it into blobs/ (removes tmp either way). 0, or
 * -1: mismatch, -2: I/O. computed: the digest of the file's first
 * computed_size bytes, used when that is the whole file (else NULL: hashed here).
 */
int reg_commit_file(const char *tmp, const char *digest, const char *computed, uint64_t computed_size);
int reg_link(const char *repo, const char *sub, const char *digest, const void *data, size_t len);
bool reg_linked(const char *repo, const char *sub, const char *digest);
bool reg_repo_exists(const char *repo);
bool reg_ns_exists(struct api_req *r, const char *ns);
void reg_random_hex(char *out, size_t bytes);
/* Sorted names in a directory (owned array of owned strings). */
char **reg_list_dir(const char *path, size_t *n);
void reg_free_list(char **v, size_t n);

/* The digests ("alg-hex") linked anywhere under a repository tree, sorted; strings owned. */
struct reg_links {
	char **v;
	size_t n, cap;
};
void reg_links_collect(const char *dir, struct reg_links *l);
bool reg_links_has(const struct reg_links *l, const char *alg_hex);
void reg_links_release(struct reg_links *l);

/* reg_blob.c and reg_upload.c */
int reg_blob_request(struct api_req *r, struct reg_req *st);
int reg_upload_begin(struct api_req *r, struct reg_req *st);
int reg_upload_chunk(struct api_req *r, struct reg_req *st, const char *data, size_t len);
int reg_upload_end(struct api_req *r, struct reg_req *st);
void reg_upload_abort(struct reg_req *st);

/*
 * reg_uphash.c: the running sha256 of an upload. take: after the session is
 * opened for appending at st->size; update: bytes appended; park: a PATCH
 * succeeded, keep the hash for the next request; final: the digest of what
 * was hashed (true, with the size it covers) when digest is sha256.
 */
void reg_uphash_take(struct reg_req *st);
void reg_uphash_update(struct reg_req *st, const void *p, size_t n);
void reg_uphash_park(struct reg_req *st);
bool reg_uphash_final(struct reg_req *st, const char *digest, char *out, size_t n, uint64_t *size);
void reg_uphash_drop(struct reg_req *st);

/* reg_manifest.c */
int reg_manifest_request(struct api_req *r, struct reg_req *st);
int reg_tags_request(struct api_req *r, struct reg_req *st);
int reg_referrers_request(struct api_req *r, struct reg_req *st);
int reg_catalog_request(struct api_req *r, struct reg_req *st);

/*
 * reg_quota.c: the namespace's registry storage quota. Admit add bytes for
 * st (a reservation held until reg_quota_release); 0, or 1 after answering
 * 403 DENIED. reg_ns_usage: distinct bytes linked in ns. reg_quota_report
 * writes the use into status.used of ns's quotas that set the key.
 */
int reg_quota_admit(struct api_req *r, struct reg_req *st, uint64_t add);
void reg_quota_release(const struct reg_req *st);
uint64_t reg_ns_usage(const char *ns);
void reg_quota_report(struct api_req *r, const char *ns);

/* reg_kind.c: rewrite the repository's Image object in the API store. */
void reg_sync_image(struct api_req *r, const char *repo);

/* reg_gc.c: remove blobs no repository links and stale upload sessions. */
void reg_gc(unsigned grace_seconds, unsigned upload_ttl_seconds);
/* Remove the repositories of namespaces that no longer exist (at start, before serving). */
void reg_gc_namespaces(struct api_server *srv);
/* Then follow namespace deletions while the server runs (a controller loop). */
void reg_ns_watch_start(struct api_server *srv);
int reg_gc_start(void);

#endif
