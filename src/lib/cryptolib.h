/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcrypto and libssl, loaded with dlopen() by the commands that use them
 * (main.c: all but the per-pod shim and the VMM). Those two start once per
 * pod or VM, and mapping and relocating OpenSSL cost each start about 1 ms
 * of CPU and 150 page faults, half of what the rest of a start costs.
 * Include this instead of the <openssl/...> headers: calls keep their usual
 * names and go through the loaded pointers.
 */
#ifndef ATOLL_CRYPTOLIB_H
#define ATOLL_CRYPTOLIB_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lib/err.h"

#define CRYPTOLIB_CRYPTO(X) \
	X(BIO_ctrl) X(BIO_free) X(BIO_new) X(BIO_new_mem_buf) \
	X(BIO_s_mem) X(BN_bin2bn) X(BN_bn2binpad) X(BN_free) \
	X(BN_to_ASN1_INTEGER) X(CRYPTO_free) X(CRYPTO_memcmp) X(ECDSA_SIG_free) \
	X(ECDSA_SIG_get0_r) X(ECDSA_SIG_get0_s) X(ECDSA_SIG_new) X(ECDSA_SIG_set0) \
	X(EVP_CIPHER_CTX_ctrl) X(EVP_CIPHER_CTX_free) X(EVP_CIPHER_CTX_new) X(EVP_DecodeBlock) \
	X(EVP_DecryptFinal_ex) X(EVP_DecryptInit_ex) X(EVP_DecryptUpdate) X(EVP_Digest) \
	X(EVP_DigestFinal_ex) X(EVP_DigestInit_ex) X(EVP_DigestSign) X(EVP_DigestSignInit) \
	X(EVP_DigestUpdate) X(EVP_DigestVerify) X(EVP_DigestVerifyInit) X(EVP_EncodeBlock) \
	X(EVP_EncryptFinal_ex) X(EVP_EncryptInit_ex) X(EVP_EncryptUpdate) X(EVP_MD_CTX_free) \
	X(EVP_MD_CTX_new) X(EVP_PKEY_Q_keygen) X(EVP_PKEY_free) X(EVP_aes_256_gcm) \
	X(EVP_sha256) X(EVP_sha512) X(HMAC) X(OPENSSL_cleanse) \
	X(PEM_read_bio_PrivateKey) X(PEM_read_bio_X509) X(PEM_write_bio_PrivateKey) X(PEM_write_bio_X509) \
	X(RAND_bytes) X(SHA1) X(X509V3_EXT_conf_nid) X(X509V3_set_ctx) \
	X(X509_EXTENSION_free) X(X509_NAME_add_entry_by_txt) X(X509_add_ext) X(X509_free) \
	X(X509_get_serialNumber) X(X509_get_subject_name) X(X509_getm_notAfter) X(X509_getm_notBefore) \
	X(X509_gmtime_adj) X(X509_new) X(X509_set_issuer_name) X(X509_set_pubkey) \
	X(X509_set_version) X(X509_sign) X(d2i_ECDSA_SIG) X(i2d_ECDSA_SIG) \
	

#define CRYPTOLIB_SSL(X) \
	X(SSL_CTX_ctrl) X(SSL_CTX_free) X(SSL_CTX_new) X(SSL_connect) \
	X(SSL_free) X(SSL_get_error) X(SSL_new) X(SSL_pending) \
	X(SSL_read) X(SSL_set_fd) X(SSL_shutdown) X(SSL_write) \
	X(TLS_client_method) 

/* Load both libraries (once; before threads start). 0, or -1 with err. */
int cryptolib_load(struct atoll_err *err);

#define CRYPTOLIB_DECL(f) extern __typeof__(f) *dl_##f;
CRYPTOLIB_CRYPTO(CRYPTOLIB_DECL)
CRYPTOLIB_SSL(CRYPTOLIB_DECL)
#undef CRYPTOLIB_DECL

#ifndef CRYPTOLIB_IMPL
#define BIO_ctrl dl_BIO_ctrl
#define BIO_free dl_BIO_free
#define BIO_new dl_BIO_new
#define BIO_new_mem_buf dl_BIO_new_mem_buf
#define BIO_s_mem dl_BIO_s_mem
#define BN_bin2bn dl_BN_bin2bn
#define BN_bn2binpad dl_BN_bn2binpad
#define BN_free dl_BN_free
#define BN_to_ASN1_INTEGER dl_BN_to_ASN1_INTEGER
#define CRYPTO_free dl_CRYPTO_free
#define CRYPTO_memcmp dl_CRYPTO_memcmp
#define ECDSA_SIG_free dl_ECDSA_SIG_free
#define ECDSA_SIG_get0_r dl_ECDSA_SIG_get0_r
#define ECDSA_SIG_get0_s dl_ECDSA_SIG_get0_s
#define ECDSA_SIG_new dl_ECDSA_SIG_new
#define ECDSA_SIG_set0 dl_ECDSA_SIG_set0
#define EVP_CIPHER_CTX_ctrl dl_EVP_CIPHER_CTX_ctrl
#define EVP_CIPHER_CTX_free dl_EVP_CIPHER_CTX_free
#define EVP_CIPHER_CTX_new dl_EVP_CIPHER_CTX_new
#define EVP_DecodeBlock dl_EVP_DecodeBlock
#define EVP_DecryptFinal_ex dl_EVP_DecryptFinal_ex
#define EVP_DecryptInit_ex dl_EVP_DecryptInit_ex
#define EVP_DecryptUpdate dl_EVP_DecryptUpdate
#define EVP_Digest dl_EVP_Digest
#define EVP_DigestFinal_ex dl_EVP_DigestFinal_ex
#define EVP_DigestInit_ex dl_EVP_DigestInit_ex
#define EVP_DigestSign dl_EVP_DigestSign
#define EVP_DigestSignInit dl_EVP_DigestSignInit
#define EVP_DigestUpdate dl_EVP_DigestUpdate
#define EVP_DigestVerify dl_EVP_DigestVerify
#define EVP_DigestVerifyInit dl_EVP_DigestVerifyInit
#define EVP_EncodeBlock dl_EVP_EncodeBlock
#define EVP_EncryptFinal_ex dl_EVP_EncryptFinal_ex
#define EVP_EncryptInit_ex dl_EVP_EncryptInit_ex
#define EVP_EncryptUpdate dl_EVP_EncryptUpdate
#define EVP_MD_CTX_free dl_EVP_MD_CTX_free
#define EVP_MD_CTX_new dl_EVP_MD_CTX_new
#define EVP_PKEY_Q_keygen dl_EVP_PKEY_Q_keygen
#define EVP_PKEY_free dl_EVP_PKEY_free
#define EVP_aes_256_gcm dl_EVP_aes_256_gcm
#define EVP_sha256 dl_EVP_sha256
#define EVP_sha512 dl_EVP_sha512
#define HMAC dl_HMAC
#define OPENSSL_cleanse dl_OPENSSL_cleanse
#define PEM_read_bio_PrivateKey dl_PEM_read_bio_PrivateKey
#define PEM_read_bio_X509 dl_PEM_read_bio_X509
#define PEM_write_bio_PrivateKey dl_PEM_write_bio_PrivateKey
#define PEM_write_bio_X509 dl_PEM_write_bio_X509
#define RAND_bytes dl_RAND_bytes
#define SHA1 dl_SHA1
#define X509V3_EXT_conf_nid dl_X509V3_EXT_conf_nid
#define X509V3_set_ctx dl_X509V3_set_ctx
#define X509_EXTENSION_free dl_X509_EXTENSION_free
#define X509_NAME_add_entry_by_txt dl_X509_NAME_add_entry_by_txt
#define X509_add_ext dl_X509_add_ext
#define X509_free dl_X509_free
#define X509_get_serialNumber dl_X509_get_serialNumber
#define X509_get_subject_name dl_X509_get_subject_name
#define X509_getm_notAfter dl_X509_getm_notAfter
#define X509_getm_notBefore dl_X509_getm_notBefore
#define X509_gmtime_adj dl_X509_gmtime_adj
#define X509_new dl_X509_new
#define X509_set_issuer_name dl_X509_set_issuer_name
#define X509_set_pubkey dl_X509_set_pubkey
#define X509_set_version dl_X509_set_version
#define X509_sign dl_X509_sign
#define d2i_ECDSA_SIG dl_d2i_ECDSA_SIG
#define i2d_ECDSA_SIG dl_i2d_ECDSA_SIG
#define SSL_CTX_ctrl dl_SSL_CTX_ctrl
#define SSL_CTX_free dl_SSL_CTX_free
#define SSL_CTX_new dl_SSL_CTX_new
#define SSL_connect dl_SSL_connect
#define SSL_free dl_SSL_free
#define SSL_get_error dl_SSL_get_error
#define SSL_new dl_SSL_new
#define SSL_pending dl_SSL_pending
#define SSL_read dl_SSL_read
#define SSL_set_fd dl_SSL_set_fd
#define SSL_shutdown dl_SSL_shutdown
#define SSL_write dl_SSL_write
#define TLS_client_method dl_TLS_client_method
#endif

#endif
