/* SPDX-License-Identifier: Apache-2.0 */
/* `atoll user add NAME`: a client certificate (or a bearer token) from the cluster's CA, as a kubeconfig. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "lib/cryptolib.h"
#include "api/pki.h"
#include "auth/auth.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: atoll user add NAME [--group G]... [--token] [--days N]\n"
		   "                     --data-dir DIR [--server URL] --kubeconfig-out FILE\n"
		   "  Issues a client certificate for NAME (CN) in groups G (O) signed by DIR/pki/ca.key,\n"
		   "  or with --token a bearer token added to DIR/pki/tokens.csv, and writes a kubeconfig.\n"
		   "  NAME can do nothing until bound to a role (see 'atoll namespace create').\n");
}

static char *b64(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	return out;
}

/* The server URL of the admin kubeconfig the server wrote into DIR (owned), or NULL. */
char *auth_server_url(const char *data_dir)
{
	_cleanup_free_ char *path = xasprintf("%s/kubeconfig", data_dir);
	_cleanup_free_ char *kc = file_read(path, NULL);
	const char *p = kc ? strstr(kc, "server: ") : NULL;

	if (!p)
		return NULL;
	p += 8;
	return xstrndup(p, strcspn(p, "\r\n"));
}

static int add_token(const char *data_dir, const char *user, const char *const *groups, char *tok, size_t n)
{
	_cleanup_free_ char *path = xasprintf("%s/pki/tokens.csv", data_dir);
	_cleanup_free_ char *old = file_read(path, NULL);
	unsigned char rnd[24];
	struct buf b = BUF_INIT;

	RAND_bytes(rnd, sizeof(rnd));
	for (size_t i = 0; i < sizeof(rnd) && 2 * i + 2 < n; i++)
		snprintf(tok + 2 * i, 3, "%02x", rnd[i]);
	if (old)
		buf_adds(&b, old);
	buf_addf(&b, "%s,%s,%s,\"", tok, user, user);
	for (int i = 0; groups[i]; i++)
		buf_addf(&b, "%s%s", i ? "," : "", groups[i]);
	buf_adds(&b, "\"\n");
	int rc = file_write_atomic(path, b.p, b.len, 0600);
	buf_release(&b);
	return rc;
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "token", no_argument, NULL, 't' },
		{ "days", required_argument, NULL, 'D' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "server", required_argument, NULL, 's' },
		{ "kubeconfig-out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *groups[16] = { 0 };
	const char *data_dir = "/var/lib/atoll", *out = NULL;
	_cleanup_free_ char *server = NULL;
	int ng = 0, days = 365, c;
	bool token = false;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (ng < 15)
				groups[ng++] = optarg;
			break;
		case 't': token = true; break;
		case 'D': days = atoi(optarg); break;
		case 'd': data_dir = optarg; break;
		case 's': free(server); server = xstrdup(optarg); break;
		case 'o': out = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 2 != argc || strcmp(argv[optind], "add") || !out || days <= 0) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[optind + 1];
	if (!*name || strchr(name, ',') || strchr(name, '"') || strchr(name, '\n')) {
		fprintf(stderr, "atoll user: bad user name '%s'\n", name);
		return 2;
	}
	if (!server && !(server = auth_server_url(data_dir))) {
		fprintf(stderr, "atoll user: no %s/kubeconfig to take the server URL from; pass --server\n", data_dir);
		return 1;
	}
	_cleanup_free_ char *ca_path = xasprintf("%s/pki/ca.crt", data_dir);
	_cleanup_free_ char *ca = file_read(ca_path, NULL);
	if (!ca) {
		fprintf(stderr, "atoll user: cannot read %s\n", ca_path);
		return 1;
	}
	_cleanup_free_ char *ca64 = b64(ca);
	struct buf b = BUF_INIT;
	buf_addf(&b, "apiVersion: v1\nkind: Config\nclusters:\n- name: atoll\n  cluster:\n    server: %s\n"
		     "    certificate-authority-data: %s\nusers:\n- name: %s\n  user:\n", server, ca64, name);
	if (token) {
		char tok[64];
		int rc = add_token(data_dir, name, groups, tok, sizeof(tok));
		if (rc < 0) {
			fprintf(stderr, "atoll user: writing %s/pki/tokens.csv: %s\n", data_dir, strerror(-rc));
			buf_release(&b);
			return 1;
		}
		buf_addf(&b, "    token: %s\n", tok);
	} else {
		struct atoll_err err = ERR_INIT;
		_cleanup_free_ char *cert = NULL, *key = NULL;
		if (auth_issue_cert(data_dir, name, groups, days, &cert, &key, &err) < 0) {
			fprintf(stderr, "atoll user: %s\n", err.msg);
			buf_release(&b);
			return 1;
		}
		_cleanup_free_ char *c64 = b64(cert), *k64 = b64(key);
		buf_addf(&b, "    client-certificate-data: %s\n    client-key-data: %s\n", c64, k64);
	}
	buf_addf(&b, "contexts:\n- name: %s@atoll\n  context:\n    cluster: atoll\n    user: %s\n"
		     "    namespace: default\ncurrent-context: %s@atoll\n", name, name, name);
	int rc = file_write_atomic(out, b.p, b.len, 0600);
	buf_release(&b);
	if (rc < 0) {
		fprintf(stderr, "atoll user: writing %s: %s\n", out, strerror(-rc));
		return 1;
	}
	printf("user %s: kubeconfig written to %s\n", name, out);
	return 0;
}
