/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encryption at rest: seal/unseal round trips, wrong keys and tampered
 * bytes are errors, the key ring file parses strictly, and a store with a
 * key ring keeps cleartext off the disk while reads, watches (from the
 * ring and from the on-disk log) and a reopen see the values unchanged;
 * rewrite and prune move values to a new key and drop the old one.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "t.h"
#include "test_store_util.h"
#include "lib/serverlibs.h"
#include "store/crypt.h"

static const char *K1 = "aesgcm key1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
static const char *K2 = "aesgcm key2 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n";

static void ring(struct store_crypt *c, const char *text)
{
	struct atoll_err err = ERR_INIT;

	memset(c, 0, sizeof(*c));
	if (crypt_ring_parse(c, text, &err) < 0 || crypt_set_resources(c, "secrets", &err) < 0) {
		fprintf(stderr, "ring: %s\n", err.msg);
		exit(2);
	}
}

static int parse_code(const char *text)
{
	struct store_crypt c = { 0 };
	struct atoll_err err = ERR_INIT;
	int rc = crypt_ring_parse(&c, text, &err);

	crypt_release(&c);
	return rc < 0 ? err.code : 0;
}

static void test_parse(void)
{
	struct store_crypt c = { 0 };
	struct atoll_err err = ERR_INIT;
	char *text;

	CHECK(crypt_ring_parse(&c, "# comment\n\naesgcm key2 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n"
			       "aesgcm  key1\tAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", &err) == 0);
	CHECK(c.nkeys == 2);
	CHECK_STR(c.keys[0].name, "key2");
	CHECK(c.keys[0].secret[0] == 0x20 && c.keys[0].secret[31] == 0x3f);
	CHECK(c.keys[1].secret[0] == 0 && c.keys[1].secret[31] == 31);
	CHECK(crypt_find_key(&c, "key1") == 1 && crypt_find_key(&c, "key3") == -1);
	/* Format and parse again: the same ring. */
	text = crypt_ring_format(&c);
	struct store_crypt d = { 0 };
	CHECK(crypt_ring_parse(&d, text, &err) == 0);
	CHECK(d.nkeys == 2 && !memcmp(d.keys, c.keys, 2 * sizeof(*c.keys)));
	free(text);
	crypt_release(&d);
	/* A new key goes first, named one above the highest. */
	CHECK(crypt_add_key(&c, &err) == 0);
	CHECK(c.nkeys == 3);
	CHECK_STR(c.keys[0].name, "key3");
	CHECK_STR(c.keys[1].name, "key2");
	crypt_release(&c);

	CHECK(parse_code("") == 400);                        /* no keys */
	CHECK(parse_code("# only a comment\n") == 400);
	CHECK(parse_code("aescbc k AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n") == 400);
	CHECK(parse_code("aesgcm k\n") == 400);
	CHECK(parse_code("aesgcm k AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= x\n") == 400);
	CHECK(parse_code("aesgcm k AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\n") == 400);  /* 24 bytes */
	CHECK(parse_code("aesgcm k AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8!\n") == 400); /* bad char */
	CHECK(parse_code("aesgcm k:x AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n") == 400);
	CHECK(parse_code("aesgcm k AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
			 "aesgcm k ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n") == 400); /* twice */
}

static void test_resources(void)
{
	struct store_crypt c = { 0 };
	struct atoll_err err = ERR_INIT;

	CHECK(crypt_set_resources(&c, "secrets,configmaps,deployments.apps,widgets.example.com", &err) == 0);
	CHECK(c.nprefixes == 4);
	CHECK(crypt_wants(&c, "core/secrets/default/a"));
	CHECK(crypt_wants(&c, "core/configmaps/x/y"));
	CHECK(crypt_wants(&c, "apps/deployments/x/y"));
	CHECK(crypt_wants(&c, "example.com/widgets/x/y"));
	CHECK(!crypt_wants(&c, "core/secretsx/default/a"));
	CHECK(!crypt_wants(&c, "core/pods/default/a"));
	CHECK(!crypt_wants(NULL, "core/secrets/default/a"));
	CHECK(crypt_set_resources(&c, "none", &err) == 0 && c.nprefixes == 0);
	CHECK(!crypt_wants(&c, "core/secrets/default/a"));
	CHECK(crypt_set_resources(&c, "sec/rets", &err) < 0 && err.code == 400);
	CHECK(crypt_set_resources(&c, "secrets.", &err) < 0);
	crypt_release(&c);
}

static void test_seal(void)
{
	struct store_crypt c, other, both;
	struct atoll_err err = ERR_INIT;
	const char *msg = "{\"data\":{\"pw\":\"c2VjcmV0\"}}";
	char name[CRYPT_NAME_MAX];
	struct blob *s, *o, *s2;

	ring(&c, K1);
	ring(&other, K2);
	s = crypt_seal(&c, "core/secrets/ns/a", msg, strlen(msg), &err);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(crypt_sealed(s->data, s->len));
	CHECK(crypt_key_name(s->data, s->len, name) == 0);
	CHECK_STR(name, "key1");
	CHECK(s->len == strlen(CRYPT_PREFIX "key1:") + 12 + strlen(msg) + 16);
	CHECK(!memmem(s->data, s->len, "c2VjcmV0", 8));
	/* Two seals of one value differ (random nonce). */
	s2 = crypt_seal(&c, "core/secrets/ns/a", msg, strlen(msg), &err);
	CHECK(s2 && (s2->len != s->len || memcmp(s2->data, s->data, s->len)));
	blob_unref(s2);

	o = crypt_unseal(&c, "core/secrets/ns/a", s->data, s->len, &err);
	CHECK(o && o->len == strlen(msg) && !strcmp(o->data, msg));
	blob_unref(o);

	/* Not in the ring. */
	err = (struct atoll_err)ERR_INIT;
	CHECK(crypt_unseal(&other, "core/secrets/ns/a", s->data, s->len, &err) == NULL);
	CHECK(err.code == 500 && strstr(err.msg, "key1"));
	/* The right name with another secret: the tag does not match. */
	struct store_crypt fake;
	ring(&fake, "aesgcm key1 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n");
	CHECK(crypt_unseal(&fake, "core/secrets/ns/a", s->data, s->len, &err) == NULL);
	crypt_release(&fake);
	/* Another store key (the additional data) fails too. */
	CHECK(crypt_unseal(&c, "core/secrets/ns/b", s->data, s->len, &err) == NULL);
	/* Tampered tag, ciphertext, nonce; truncated; no ring at all. */
	for (size_t at = s->len - 1; at > strlen(CRYPT_PREFIX "key1:"); at -= 7) {
		s->data[at] ^= 1;
		err = (struct atoll_err)ERR_INIT;
		CHECK(crypt_unseal(&c, "core/secrets/ns/a", s->data, s->len, &err) == NULL && err.code == 500);
		s->data[at] ^= 1;
	}
	CHECK(crypt_unseal(&c, "core/secrets/ns/a", s->data, 30, &err) == NULL);
	CHECK(crypt_unseal(&c, "core/secrets/ns/a", CRYPT_PREFIX "key1", strlen(CRYPT_PREFIX "key1"), &err) == NULL);
	CHECK(crypt_unseal(NULL, "core/secrets/ns/a", s->data, s->len, &err) == NULL);
	/* A ring with both keys: the new key seals, the old still unseals. */
	ring(&both, "aesgcm key2 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n"
		    "aesgcm key1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
	o = crypt_unseal(&both, "core/secrets/ns/a", s->data, s->len, &err);
	CHECK(o && !strcmp(o->data, msg));
	blob_unref(o);
	s2 = crypt_seal(&both, "core/secrets/ns/a", msg, strlen(msg), &err);
	CHECK(s2 && crypt_key_name(s2->data, s2->len, name) == 0 && !strcmp(name, "key2"));
	blob_unref(s2);
	/* Cleartext passes through unchanged; empty values seal too. */
	o = crypt_unseal(&c, "core/pods/ns/a", "{}", 2, &err);
	CHECK(o && !strcmp(o->data, "{}"));
	blob_unref(o);
	s2 = crypt_seal(&c, "k", "", 0, &err);
	o = s2 ? crypt_unseal(&c, "k", s2->data, s2->len, &err) : NULL;
	CHECK(o && o->len == 0);
	blob_unref(o);
	blob_unref(s2);
	blob_unref(s);
	crypt_release(&c);
	crypt_release(&other);
	crypt_release(&both);
}

static void test_ring_file(void)
{
	struct tdir t;
	struct store_crypt c = { 0 }, d = { 0 };
	struct atoll_err err = ERR_INIT;
	struct stat st;
	char *path;

	tdir_make(&t);
	path = crypt_ring_path(t.dir);
	CHECK(crypt_ring_setup(&c, t.dir, false, &err) < 0 && err.code == 404);
	err = (struct atoll_err)ERR_INIT;
	CHECK(crypt_ring_setup(&c, t.dir, true, &err) == 0);
	CHECK(c.nkeys == 1);
	CHECK_STR(c.keys[0].name, "key1");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(crypt_ring_setup(&d, t.dir, true, &err) == 0);
	CHECK(d.nkeys == 1 && !memcmp(d.keys[0].secret, c.keys[0].secret, CRYPT_KEY_BYTES));
	crypt_release(&d);
	chmod(path, 0644);
	CHECK(crypt_ring_load(&d, path, &err) < 0 && strstr(err.msg, "chmod"));
	crypt_release(&d);
	unlink(path);
	free(path);
	crypt_release(&c);
	tdir_remove(&t);
}

/* Whether the file holds needle anywhere (what `grep -a` would find). */
static bool file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;
	bool found;

	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n + 1);
	n = (long)fread(data, 1, (size_t)n, f);
	fclose(f);
	found = memmem(data, (size_t)n, needle, strlen(needle)) != NULL;
	free(data);
	return found;
}

static bool disk_has(const struct tdir *t, const char *needle)
{
	char p[160];

	snprintf(p, sizeof(p), "%s-wal", t->db);
	return file_has(t->db, needle) || file_has(p, needle);
}

static void test_store(void)
{
	struct tdir t;
	struct store_crypt c1, c12;
	struct store_opts o = { .ring_events = 4 };
	struct atoll_err err = ERR_INIT;
	struct store_kv kv;
	struct crypt_usage u;
	struct store *s;
	size_t rows, dropped;

	tdir_make(&t);
	ring(&c1, K1);
	o.crypt = &c1;
	s = topen(&t, &o);
	CHECK(tput(s, "core/secrets/ns/a", "{\"v\":\"SEKRIT-1\"}", STORE_ABSENT) == 1);
	CHECK(tput(s, "core/secrets/ns/a", "{\"v\":\"SEKRIT-2\"}", STORE_ANY) == 2);
	CHECK(tput(s, "core/pods/ns/a", "{\"v\":\"PLAIN-1\"}", STORE_ABSENT) == 3);
	CHECK(tput(s, "core/secrets/ns/b", "{\"v\":\"SEKRIT-3\"}", STORE_ABSENT) == 4);
	CHECK(tdel(s, "core/secrets/ns/b", STORE_ANY) == 5);
	for (int i = 0; i < 8; i++) /* push the secrets out of the 4-event ring */
		CHECK(tput(s, "core/pods/ns/filler", "{}", STORE_ANY) > 0);
	/* In memory: cleartext. */
	CHECK(store_get(s, "core/secrets/ns/a", &kv, &err) == 0 && !strcmp(kv.value->data, "{\"v\":\"SEKRIT-2\"}"));
	store_kv_release(&kv);
	/* A watch from revision 0 reads the on-disk log: cleartext, prev included. */
	struct store_watch *w = store_watch_open(s, "core/secrets/", 0, NULL, NULL, &err);
	struct store_event ev[8];
	int n = w ? store_watch_next(w, ev, 8, &err) : -1;
	CHECK(n == 4);
	if (n == 4) {
		CHECK(!strcmp(ev[0].value->data, "{\"v\":\"SEKRIT-1\"}") && ev[0].created);
		CHECK(!strcmp(ev[1].value->data, "{\"v\":\"SEKRIT-2\"}"));
		CHECK(ev[1].prev && !strcmp(ev[1].prev->data, "{\"v\":\"SEKRIT-1\"}"));
		CHECK(ev[3].type == STORE_EV_DELETE && !strcmp(ev[3].value->data, "{\"v\":\"SEKRIT-3\"}"));
	}
	for (int i = 0; i < n; i++)
		store_event_release(&ev[i]);
	store_watch_close(w);
	store_close(s);
	/* On disk: no secret in cleartext; other kinds as they are. */
	CHECK(!disk_has(&t, "SEKRIT"));
	CHECK(disk_has(&t, "PLAIN-1"));
	CHECK(disk_has(&t, CRYPT_PREFIX "key1:"));

	/* Reopen without the key: refused, not served as garbage. */
	struct store_crypt c2;
	ring(&c2, K2);
	o.crypt = &c2;
	o.path = t.db;
	CHECK(store_open(&o, &err) == NULL && strstr(err.msg, "key1"));
	o.crypt = NULL;
	CHECK(store_open(&o, &err) == NULL);
	crypt_release(&c2);

	/* Rotate: key2 seals new writes, key1 still unseals the old. */
	ring(&c12, "aesgcm key2 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n"
		   "aesgcm key1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
	o.crypt = &c12;
	s = topen(&t, &o);
	CHECK(store_get(s, "core/secrets/ns/a", &kv, &err) == 0 && !strcmp(kv.value->data, "{\"v\":\"SEKRIT-2\"}"));
	store_kv_release(&kv);
	CHECK(tput(s, "core/secrets/ns/c", "{\"v\":\"SEKRIT-4\"}", STORE_ABSENT) > 0);
	store_close(s);
	CHECK(disk_has(&t, CRYPT_PREFIX "key2:"));
	CHECK(crypt_db_usage(t.db, &c12, &u, &err) == 0);
	CHECK(u.rows[0] == 2 && u.rows[1] == 6 && u.clear == 0 && u.unknown == 0);
	crypt_usage_release(&u);

	/* Prune keeps key1 (still used); rewrite moves everything; then prune drops it. */
	char *rpath = crypt_ring_path(t.dir);
	CHECK(crypt_db_prune(t.db, &c12, rpath, &dropped, &err) == 0 && dropped == 0 && c12.nkeys == 2);
	CHECK(crypt_db_rewrite(t.db, &c12, &rows, &err) == 0 && rows == 5);
	CHECK(!disk_has(&t, CRYPT_PREFIX "key1:"));
	CHECK(!disk_has(&t, "SEKRIT"));
	CHECK(crypt_db_prune(t.db, &c12, rpath, &dropped, &err) == 0 && dropped == 1 && c12.nkeys == 1);
	struct store_crypt saved = { 0 };
	CHECK(crypt_ring_load(&saved, rpath, &err) == 0 && saved.nkeys == 1 &&
	      !strcmp(saved.keys[0].name, "key2"));
	crypt_release(&saved);
	unlink(rpath);
	free(rpath);

	/* Adding a resource to the list: rewrite seals its cleartext values. */
	CHECK(crypt_set_resources(&c12, "secrets,pods", &err) == 0);
	CHECK(crypt_db_rewrite(t.db, &c12, &rows, &err) == 0 && rows > 0);
	CHECK(!disk_has(&t, "PLAIN-1"));
	s = topen(&t, &o);
	CHECK(store_get(s, "core/pods/ns/a", &kv, &err) == 0 && !strcmp(kv.value->data, "{\"v\":\"PLAIN-1\"}"));
	store_kv_release(&kv);
	CHECK(store_get(s, "core/secrets/ns/c", &kv, &err) == 0 && !strcmp(kv.value->data, "{\"v\":\"SEKRIT-4\"}"));
	store_kv_release(&kv);
	store_close(s);
	crypt_release(&c1);
	crypt_release(&c12);
	tdir_remove(&t);
}

int main(void)
{
	struct atoll_err err = ERR_INIT;

	if (serverlibs_load(&err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	test_parse();
	test_resources();
	test_seal();
	test_ring_file();
	test_store();
	return T_DONE();
}
