/* SPDX-License-Identifier: Apache-2.0 */
/* The server's certificate authority, serving certificate and admin token. */
#ifndef ATOLL_PKI_H
#define ATOLL_PKI_H


#include "lib/cryptolib.h"
#include "lib/err.h"

struct pki {
	char *ca_pem;      /* owned */
	char *cert_pem;    /* owned: serving certificate */
	char *key_pem;     /* owned: serving key */
	char *admin_token; /* owned */
};

/*
 * Load DIR/pki/, creating what is missing: an EC P-256 CA, a serving
 * certificate for `host` (plus localhost and 127.0.0.1) and an admin bearer
 * token. Files are written atomically with mode 0600.
 */
int pki_load(const char *data_dir, const char *host, struct pki *p, struct atoll_err *err);
void pki_release(struct pki *p);

/*
 * A new certificate for key (returns owned): version 3, a random serial,
 * valid from `backdate` seconds ago for `days` days. Callers add the subject,
 * issuer and extensions, then sign it.
 */
X509 *pki_cert_start(EVP_PKEY *key, long backdate, long days);
/* Add extension nid (OpenSSL config syntax, e.g. "critical,CA:FALSE") to cert. */
void pki_add_ext(X509 *cert, X509 *issuer, int nid, const char *value);

/* Write an admin kubeconfig for server URL to path (atomically). */
int pki_write_kubeconfig(const char *path, const char *url, const struct pki *p, struct atoll_err *err);

/* Read a whole file (returns owned, NUL-terminated) or NULL. */
char *file_read(const char *path, size_t *len);
/* Write a file atomically: temporary, fsync, rename. Returns 0 or -errno. */
int file_write_atomic(const char *path, const void *data, size_t len, int mode);

#endif
