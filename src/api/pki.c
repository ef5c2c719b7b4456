/* SPDX-License-Identifier: Apache-2.0 */
/* CA and certificates with OpenSSL, admin token, kubeconfig. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cryptolib.h"
#include "api/pki.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

char *file_read(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char tmp[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(&b, tmp, (size_t)n);
	close(fd);
	if (n < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

int file_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp.%d", path, getpid());
	const char *p = data;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			close(fd);
			unlink(tmp);
			return e;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		int e = -errno;
		unlink(tmp);
		return e;
	}
	if (rename(tmp, path) < 0)
		return -errno;
	return 0;
}

static EVP_PKEY *key_new(void)
{
	return EVP_EC_gen("P-256");
}

static char *pem_of_key(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	n = BIO_get_mem_data(b, &p);
	out = xstrndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

static char *pem_of_cert(X509 *c)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	PEM_write_bio_X509(b, c);
	n = BIO_get_mem_data(b, &p);
	out = xstrndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

void pki_add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ex;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ex) {
		X509_add_ext(cert, ex, -1);
		X509_EXTENSION_free(ex);
	}
}

X509 *pki_cert_start(EVP_PKEY *key, long backdate, long days)
{
	X509 *c = X509_new();
	unsigned char serial[16];

	X509_set_version(c, 2);
	RAND_bytes(serial, sizeof(serial));
	serial[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
	BN_free(bn);
	X509_gmtime_adj(X509_getm_notBefore(c), -backdate);
	X509_gmtime_adj(X509_getm_notAfter(c), days * 86400L);
	X509_set_pubkey(c, key);
	return c;
}

/* A certificate for key, signed by (issuer, ikey); self-signed when issuer is NULL. */
static X509 *cert_new(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
		      const char *san, long days)
{
	X509 *c = pki_cert_start(key, 3600, days);

	X509_NAME *name = X509_get_subject_name(c);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
	if (!issuer) {
		pki_add_ext(c, c, NID_basic_constraints, "critical,CA:TRUE");
		pki_add_ext(c, c, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
		pki_add_ext(c, c, NID_subject_key_identifier, "hash");
	} else {
		pki_add_ext(c, issuer, NID_basic_constraints, "critical,CA:FALSE");
		pki_add_ext(c, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
		pki_add_ext(c, issuer, NID_ext_key_usage, "serverAuth,clientAuth");
		if (san)
			pki_add_ext(c, issuer, NID_subject_alt_name, san);
	}
	X509_sign(c, issuer ? ikey : key, EVP_sha256());
	return c;
}

static int write_file(const char *dir, const char *name, const char *data, struct atoll_err *err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	int rc = file_write_atomic(path, data, strlen(data), 0600);

	if (rc < 0)
		return err_set(err, 500, "InternalError", "writing %s: %s", path, strerror(-rc));
	return 0;
}

int pki_load(const char *data_dir, const char *host, struct pki *p, struct atoll_err *err)
{
	_cleanup_free_ char *dir = xasprintf("%s/pki", data_dir);
	_cleanup_free_ char *ca_path = xasprintf("%s/ca.crt", dir);
	_cleanup_free_ char *cert_path = xasprintf("%s/server.crt", dir);
	_cleanup_free_ char *key_path = xasprintf("%s/server.key", dir);
	_cleanup_free_ char *tok_path = xasprintf("%s/admin.token", dir);

	memset(p, 0, sizeof(*p));
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(err, 500, "InternalError", "mkdir %s: %s", dir, strerror(errno));
	p->ca_pem = file_read(ca_path, NULL);
	p->cert_pem = file_read(cert_path, NULL);
	p->key_pem = file_read(key_path, NULL);
	p->admin_token = file_read(tok_path, NULL);
	if (p->ca_pem && p->cert_pem && p->key_pem && p->admin_token)
		return 0;
	pki_release(p);

	EVP_PKEY *ca_key = key_new(), *srv_key = key_new();
	X509 *ca = cert_new(ca_key, "atoll-ca", NULL, NULL, NULL, 3650);
	/* The names pods use (the "kubernetes" Service), ours, and on a wildcard listener every local address. */
	struct buf san = BUF_INIT;
	struct in_addr a;
	buf_adds(&san, "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,"
		 "DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1");
	if (inet_pton(AF_INET, host, &a) == 1 && strcmp(host, "0.0.0.0") && strcmp(host, "127.0.0.1"))
		buf_addf(&san, ",IP:%s", host);
	else if (strcmp(host, "0.0.0.0") && strcmp(host, "127.0.0.1") && *host)
		buf_addf(&san, ",DNS:%s", host);
	struct ifaddrs *ifs;
	if (!strcmp(host, "0.0.0.0") && getifaddrs(&ifs) == 0) {
		for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
			char ip[INET_ADDRSTRLEN];
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
				continue;
			struct in_addr x = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			if ((ntohl(x.s_addr) >> 24) != 127 && inet_ntop(AF_INET, &x, ip, sizeof(ip)))
				buf_addf(&san, ",IP:%s", ip);
		}
		freeifaddrs(ifs);
	}
	X509 *srv = cert_new(srv_key, "atoll-server", ca, ca_key, san.p, 825);
	buf_release(&san);
	unsigned char rnd[24];
	char tok[2 * sizeof(rnd) + 1];
	RAND_bytes(rnd, sizeof(rnd));
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(tok + 2 * i, 3, "%02x", rnd[i]);

	p->ca_pem = pem_of_cert(ca);
	p->cert_pem = pem_of_cert(srv);
	p->key_pem = pem_of_key(srv_key);
	p->admin_token = xstrdup(tok);
	_cleanup_free_ char *ca_key_pem = pem_of_key(ca_key);
	X509_free(ca);
	X509_free(srv);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(srv_key);
	if (write_file(dir, "ca.key", ca_key_pem, err) || write_file(dir, "ca.crt", p->ca_pem, err) ||
	    write_file(dir, "server.key", p->key_pem, err) ||
	    write_file(dir, "server.crt", p->cert_pem, err) ||
	    write_file(dir, "admin.token", p->admin_token, err)) {
		pki_release(p);
		return -1;
	}
	return 0;
}

void pki_release(struct pki *p)
{
	free(p->ca_pem);
	free(p->cert_pem);
	free(p->key_pem);
	free(p->admin_token);
	memset(p, 0, sizeof(*p));
}

int pki_write_kubeconfig(const char *path, const char *url, const struct pki *p, struct atoll_err *err)
{
	struct buf b = BUF_INIT;
	int rc;
	int outlen = 4 * (((int)strlen(p->ca_pem) + 2) / 3) + 1;
	_cleanup_free_ char *ca64 = xmalloc((size_t)outlen);

	EVP_EncodeBlock((unsigned char *)ca64, (const unsigned char *)p->ca_pem, (int)strlen(p->ca_pem));
	buf_addf(&b,
		 "apiVersion: v1\n"
		 "kind: Config\n"
		 "clusters:\n"
		 "- name: atoll\n"
		 "  cluster:\n"
		 "    server: %s\n"
		 "    certificate-authority-data: %s\n"
		 "users:\n"
		 "- name: admin\n"
		 "  user:\n"
		 "    token: %s\n"
		 "contexts:\n"
		 "- name: atoll\n"
		 "  context:\n"
		 "    cluster: atoll\n"
		 "    user: admin\n"
		 "    namespace: default\n"
		 "current-context: atoll\n",
		 url, ca64, p->admin_token);
	rc = file_write_atomic(path, b.p, b.len, 0600);
	buf_release(&b);
	if (rc < 0)
		return err_set(err, 500, "InternalError", "writing %s: %s", path, strerror(-rc));
	return 0;
}
