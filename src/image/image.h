/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI images: resolve a reference (an OCI layout directory or a registry
 * reference), verify every blob against its digest, unpack the layers in
 * order with whiteouts, and keep one prepared root filesystem per manifest
 * digest in a cache directory.
 */
#ifndef ATOLL_IMAGE_H
#define ATOLL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

/* A content descriptor (mediaType, digest, size) from a manifest or index. */
struct image_desc {
	char *media_type;
	char *digest; /* "sha256:<hex>" or "sha512:<hex>" */
	int64_t size;
};

/* What the runtime needs from the image config. All strings owned. */
struct image_config {
	char **entrypoint; /* NULL-terminated, or NULL */
	char **cmd;
	char **env;
	char *workdir;
	char *user;
};

struct image_manifest {
	struct image_desc config;
	struct image_desc *layers;
	size_t nlayers;
};

/* A parsed reference. */
struct image_ref {
	int is_layout;   /* oci:PATH[:TAG] */
	char *path;      /* layout directory */
	char *registry;  /* host[:port] */
	char *repo;      /* path inside the registry */
	char *tag;       /* tag, or NULL when digest is set */
	char *digest;    /* pinned manifest digest (@sha256:...) or NULL */
};

/* A ready root filesystem. */
struct image {
	char *digest;       /* manifest digest */
	char *rootfs;       /* unpacked tree, read-only by convention */
	char *erofs;        /* erofs file, or NULL unless asked for */
	struct image_config config;
};

/* ---- digest.c ---- */
/* 0 when the algorithm and hex are well formed ("sha256:" + 64 hex or "sha512:" + 128 hex). */
int image_digest_valid(const char *digest);
/* Check data against digest; -1 with err on mismatch or a bad digest. */
int image_digest_check_buf(const char *digest, const void *data, size_t len, struct atoll_err *err);
/* Hash a file (expected size `size`, -1 for any); -1 with err on mismatch or truncation. */
int image_digest_check_file(const char *digest, const char *path, int64_t size, struct atoll_err *err);
/* Returns owned "sha256:<hex>" of data. */
char *image_digest_sha256(const void *data, size_t len);

/* ---- ref.c ---- */
int image_ref_parse(const char *s, struct image_ref *ref, struct atoll_err *err);
void image_ref_release(struct image_ref *ref);

/* ---- manifest.c: JSON parsing of index, manifest and config documents ---- */
/* From an index document, pick the manifest for tag (NULL: the only one or "latest") and linux/amd64. */
int image_index_pick(const char *json, size_t len, const char *tag, struct image_desc *out,
		     int *is_index, struct atoll_err *err);
int image_manifest_parse(const char *json, size_t len, struct image_manifest *m, struct atoll_err *err);
int image_config_parse(const char *json, size_t len, struct image_config *c, struct atoll_err *err);
void image_desc_release(struct image_desc *d);
void image_manifest_release(struct image_manifest *m);
void image_config_release(struct image_config *c);
/* Blob path inside an OCI layout: returns owned "DIR/blobs/<alg>/<hex>". */
char *image_blob_path(const char *dir, const char *digest);

/* ---- unpack.c ---- */
/* Whiteout helper exposed for tests: remove relpath (recursively) under rootfd without following symlinks. */
int image_remove_under(int rootfd, const char *relpath);
/* Refuse absolute names and ".." components; returns 0 when name is safe. */
int image_path_safe(const char *name);
/* Apply one layer (tar, optionally gzip/zstd) onto the tree at dir. */
int image_unpack_layer(const char *layer_path, const char *dir, struct atoll_err *err);

/* ---- cache.c ---- */
/*
 * Resolve ref, fetch what is missing, verify, and prepare the root filesystem
 * once per manifest digest under data_dir/images. want_erofs also builds an
 * erofs file. Fills img (release with image_release).
 */
int image_prepare(const char *ref, const char *data_dir, int want_erofs, struct image *img,
		  struct atoll_err *err);

/* How to reach a registry (all borrowed, each may be NULL). */
struct image_auth {
	const char *ca_file;   /* PEM bundle that signs the registry's certificate */
	const char *bearer;    /* a token sent as is (the embedded registry takes API tokens) */
	const char *user;      /* credentials for Basic auth and the token endpoint */
	const char *password;
};

/* image_prepare with credentials for the registry (auth may be NULL). */
int image_prepare_auth(const char *ref, const char *data_dir, int want_erofs, const struct image_auth *auth,
		       struct image *img, struct atoll_err *err);
void image_release(struct image *img);

/* ---- pull.c ---- */
/* Pull ref from its registry into the blob store DIR (an OCI layout); returns the manifest digest (owned). */
char *image_pull(const struct image_ref *ref, const char *store_dir, const struct image_auth *auth,
		 struct atoll_err *err);

#endif
