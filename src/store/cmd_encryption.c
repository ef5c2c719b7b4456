/* SPDX-License-Identifier: Apache-2.0 */
/* `atoll encryption status|rotate|rewrite|prune`: manage the key ring of encryption at rest. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "lib/serverlibs.h"
#include "lib/xalloc.h"
#include "store/crypt.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: atoll encryption COMMAND [--data-dir DIR] [--encrypt-resources LIST]\n"
		"\n"
		"Manages the keys that encrypt Secrets (and the other resources the server\n"
		"lists in --encrypt-resources) in DIR/store.db; see docs/tenancy.md.\n"
		"\n"
		"  status   the keys (the first encrypts) and how many stored values use each\n"
		"  rotate   add a new key and make it the one that encrypts; a running server\n"
		"           uses it after a restart or a SIGHUP\n"
		"  rewrite  re-encrypt every stored value under the newest key, and encrypt\n"
		"           cleartext values of the listed resources (server stopped)\n"
		"  prune    drop the keys no stored value uses any more (server stopped)\n"
		"\n"
		"  --data-dir DIR            state directory (default /var/lib/atoll)\n"
		"  --encrypt-resources LIST  resources encrypted, as for atoll server (default %s)\n"
		"  -h, --help                this help\n",
		CRYPT_DEFAULT_RESOURCES);
}

static int status(struct store_crypt *c, const char *db)
{
	struct atoll_err err = ERR_INIT;
	struct crypt_usage u;
	bool counted = crypt_db_usage(db, c, &u, &err) == 0;

	for (size_t i = 0; i < c->nkeys; i++) {
		printf("%-12s %-8s", c->keys[i].name, i ? "" : "primary");
		if (counted)
			printf(" %zu values", u.rows[i]);
		printf("\n");
	}
	if (!counted) {
		fprintf(stderr, "atoll encryption: cannot count values: %s\n", err.msg);
		crypt_usage_release(&u);
		return 1;
	}
	printf("cleartext values of encrypted resources: %zu\n", u.clear);
	if (u.unknown)
		printf("values under keys missing from the ring: %zu\n", u.unknown);
	crypt_usage_release(&u);
	return 0;
}

int cmd_encryption(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data-dir", required_argument, NULL, 'd' },
		{ "encrypt-resources", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct atoll_err err = ERR_INIT;
	struct store_crypt c = { 0 };
	const char *data_dir = "/var/lib/atoll", *resources = CRYPT_DEFAULT_RESOURCES, *what;
	int opt, ret = 1;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': data_dir = optarg; break;
		case 'r': resources = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	what = argv[optind];
	if (strcmp(what, "status") && strcmp(what, "rotate") && strcmp(what, "rewrite") &&
	    strcmp(what, "prune")) {
		fprintf(stderr, "atoll encryption: unknown command '%s'\n", what);
		usage(stderr);
		return 2;
	}
	_cleanup_free_ char *ring = crypt_ring_path(data_dir);
	_cleanup_free_ char *db = xasprintf("%s/store.db", data_dir);
	if (serverlibs_load(&err) < 0 || crypt_ring_load(&c, ring, &err) < 0 ||
	    crypt_set_resources(&c, resources, &err) < 0) {
		fprintf(stderr, "atoll encryption: %s\n", err.msg);
		goto out;
	}
	if (!strcmp(what, "status")) {
		ret = status(&c, db);
	} else if (!strcmp(what, "rotate")) {
		if (crypt_add_key(&c, &err) < 0 || crypt_ring_save(&c, ring, &err) < 0)
			goto fail;
		printf("%s is the primary key; a running server uses it after a restart or SIGHUP.\n"
		       "Then `atoll encryption rewrite` (server stopped) moves stored values to it.\n",
		       c.keys[0].name);
		ret = 0;
	} else if (!strcmp(what, "rewrite")) {
		size_t rows;
		if (crypt_db_rewrite(db, &c, &rows, &err) < 0)
			goto fail;
		printf("rewrote %zu rows under key %s\n", rows, c.keys[0].name);
		ret = 0;
	} else {
		size_t dropped;
		if (crypt_db_prune(db, &c, ring, &dropped, &err) < 0)
			goto fail;
		printf("dropped %zu keys; kept", dropped);
		for (size_t i = 0; i < c.nkeys; i++)
			printf(" %s", c.keys[i].name);
		printf("\n");
		ret = 0;
	}
	goto out;
fail:
	fprintf(stderr, "atoll encryption %s: %s\n", what, err.msg);
out:
	crypt_release(&c);
	return ret;
}
