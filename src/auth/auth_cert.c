/* SPDX-License-Identifier: Apache-2.0 */
/* Client certificates: reading the verified peer certificate of a request, and issuing one for a user. */
#include "lib/cryptolib.h"
#include "lib/serverlibs.h"
#include <stdio.h>
#include <string.h>

#include "api/pki.h"
#include "api/server.h"
#include "auth/auth.h"
#include "lib/xalloc.h"

bool auth_from_cert(struct api_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	unsigned status = 0, n = 0;

	if (!ci || !ci->tls_session)
		return false;
	gnutls_session_t s = (gnutls_session_t)ci->tls_session;
	const gnutls_datum_t *peers = gnutls_certificate_get_peers(s, &n);
	/* The daemon's trust list is the server's CA (MHD_OPTION_HTTPS_MEM_TRUST). */
	if (!peers || !n || gnutls_certificate_verify_peers2(s, &status) < 0 || status)
		return false;
	gnutls_x509_crt_t crt;
	if (gnutls_x509_crt_init(&crt) < 0)
		return false;
	bool ok = false;
	char buf[256];
	size_t len = sizeof(buf);
	if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) < 0 ||
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &len) < 0 || !len)
		goto out;
	snprintf(r->user, sizeof(r->user), "%.*s", (int)len, buf);
	for (unsigned i = 0; i < 8; i++) {
		len = sizeof(buf);
		if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, i, 0, buf, &len) < 0)
			break;
		buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
		auth_add_group(r, buf);
	}
	ok = true;
out:
	gnutls_x509_crt_deinit(crt);
	return ok;
}

static char *pem_of(int (*wr)(BIO *, void *), void *obj)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;

	wr(b, obj);
	long n = BIO_get_mem_data(b, &p);
	char *out = xstrndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

static int wr_cert(BIO *b, void *c)
{
	return PEM_write_bio_X509(b, c);
}

static int wr_key(BIO *b, void *k)
{
	return PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
}

int auth_issue_cert(const char *data_dir, const char *user, const char *const *groups, int days,
		    char **cert_pem, char **key_pem, struct atoll_err *err)
{
	_cleanup_free_ char *ca_path = xasprintf("%s/pki/ca.crt", data_dir);
	_cleanup_free_ char *cakey_path = xasprintf("%s/pki/ca.key", data_dir);
	_cleanup_free_ char *ca_pem = file_read(ca_path, NULL), *cakey_pem = file_read(cakey_path, NULL);

	if (!ca_pem || !cakey_pem)
		return err_set(err, 404, "NotFound", "no CA in %s/pki (start the server once first)", data_dir);
	BIO *b1 = BIO_new_mem_buf(ca_pem, -1), *b2 = BIO_new_mem_buf(cakey_pem, -1);
	X509 *ca = PEM_read_bio_X509(b1, NULL, NULL, NULL);
	EVP_PKEY *cakey = PEM_read_bio_PrivateKey(b2, NULL, NULL, NULL);
	BIO_free(b1);
	BIO_free(b2);
	if (!ca || !cakey) {
		X509_free(ca);
		EVP_PKEY_free(cakey);
		return err_set(err, 500, "InternalError", "cannot read the CA in %s/pki", data_dir);
	}
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *c = pki_cert_start(key, 300, (long)days);
	X509_NAME *name = X509_get_subject_name(c);
	for (int i = 0; groups && groups[i]; i++)
		X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)groups[i], -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)user, -1, -1, 0);
	X509_set_issuer_name(c, X509_get_subject_name(ca));
	pki_add_ext(c, ca, NID_basic_constraints, "critical,CA:FALSE");
	pki_add_ext(c, ca, NID_key_usage, "critical,digitalSignature,keyEncipherment");
	pki_add_ext(c, ca, NID_ext_key_usage, "clientAuth");
	X509_sign(c, cakey, EVP_sha256());
	*cert_pem = pem_of(wr_cert, c);
	*key_pem = pem_of(wr_key, key);
	X509_free(c);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	return 0;
}
