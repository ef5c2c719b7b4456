/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry pulls over the OCI distribution API with libcurl: manifest (an
 * index is resolved to linux/amd64), config and layers, each verified against
 * its digest, into a local OCI layout (the blob store). A 401 answer starts
 * the bearer-token flow (WWW-Authenticate realm/service/scope, anonymous).
 * Loopback registries and those in ATOLL_INSECURE_REGISTRIES use plain HTTP.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/dl.h"
#include "image/image.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

#define ACCEPT_MANIFESTS                                                                          \
	"Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, " \
	"application/vnd.docker.distribution.manifest.v2+json, "                                     \
	"application/vnd.docker.distribution.manifest.list.v2+json"

struct pull {
	CURL *c;
	const struct image_ref *ref;
	const char *store;
	char *base;   /* scheme://registry/v2/repo */
	char *token;  /* bearer token, once obtained (or given) */
	const struct image_auth *auth; /* may be NULL */
	int insecure; /* a local registry: TLS not verified (and plain HTTP when TLS fails) */
	int basic;    /* the registry wants Basic auth on every request */
};

struct resp {
	long code;
	struct buf body;
	char *www_auth;
	char *ctype;
	FILE *out; /* when set, the body goes here instead */
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct resp *r = ud;

	if (r->out)
		return fwrite(p, sz, n, r->out);
	if (r->body.len + sz * n > (8u << 20))
		return 0; /* manifests and tokens are small; refuse floods */
	buf_add(&r->body, p, sz * n);
	return sz * n;
}

static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);

	if (len <= nl || strncasecmp(line, name, nl))
		return NULL;
	const char *v = line + nl;
	while (*v == ' ')
		v++;
	size_t vl = len - (size_t)(v - line);
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
		vl--;
	return xstrndup(v, vl);
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	struct resp *r = ud;
	char *v;

	if ((v = header_value(p, sz * n, "www-authenticate:"))) {
		free(r->www_auth);
		r->www_auth = v;
	} else if ((v = header_value(p, sz * n, "content-type:"))) {
		free(r->ctype);
		r->ctype = v;
	}
	return sz * n;
}

static void resp_release(struct resp *r)
{
	buf_release(&r->body);
	free(r->www_auth);
	free(r->ctype);
	memset(r, 0, sizeof(*r));
}

static int get(struct pull *pl, const char *url, const char *accept, int with_token, struct resp *r,
	       struct atoll_err *err)
{
	struct curl_slist *h = NULL;
	_cleanup_free_ char *auth = NULL;

	buf_init(&r->body);
	curl_easy_reset(pl->c);
	curl_easy_setopt(pl->c, CURLOPT_URL, url);
	curl_easy_setopt(pl->c, CURLOPT_FOLLOWLOCATION, 1L); /* blobs often redirect to storage */
	curl_easy_setopt(pl->c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(pl->c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(pl->c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(pl->c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(pl->c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(pl->c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(pl->c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(pl->c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(pl->c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(pl->c, CURLOPT_USERAGENT, "atoll");
	if (pl->auth && pl->auth->ca_file)
		curl_easy_setopt(pl->c, CURLOPT_CAINFO, pl->auth->ca_file);
	else if (pl->insecure) {
		curl_easy_setopt(pl->c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(pl->c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	/* Basic credentials go only where no token does: the token endpoint, or a Basic-only registry. */
	if ((!with_token || pl->basic) && pl->auth && pl->auth->user) {
		curl_easy_setopt(pl->c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(pl->c, CURLOPT_USERNAME, pl->auth->user);
		curl_easy_setopt(pl->c, CURLOPT_PASSWORD, pl->auth->password ? pl->auth->password : "");
	}
	if (accept)
		h = curl_slist_append(h, accept);
	if (with_token && pl->token) {
		auth = xasprintf("Authorization: Bearer %s", pl->token);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(pl->c, CURLOPT_HTTPHEADER, h);
	CURLcode cc = curl_easy_perform(pl->c);
	curl_slist_free_all(h);
	if (cc != CURLE_OK)
		return err_set(err, 502, "PullFailed", "GET %s: %s", url, curl_easy_strerror(cc));
	curl_easy_getinfo(pl->c, CURLINFO_RESPONSE_CODE, &r->code);
	return 0;
}

/* Pull key="value" out of a WWW-Authenticate challenge; returns owned or NULL. */
static char *auth_param(const char *ch, const char *key)
{
	_cleanup_free_ char *pat = xasprintf("%s=\"", key);
	const char *p = ch;

	while ((p = strstr(p, pat))) {
		if (p == ch || p[-1] == ' ' || p[-1] == ',') {
			p += strlen(pat);
			const char *e = strchr(p, '"');
			return e ? xstrndup(p, (size_t)(e - p)) : NULL;
		}
		p++;
	}
	return NULL;
}

static int fetch_token(struct pull *pl, const char *challenge, struct atoll_err *err)
{
	_cleanup_free_ char *realm = auth_param(challenge, "realm");
	_cleanup_free_ char *service = auth_param(challenge, "service");
	_cleanup_free_ char *scope = auth_param(challenge, "scope");
	struct resp r = { 0 };

	if (strncasecmp(challenge, "Bearer ", 7) || !realm)
		return err_set(err, 401, "Unauthorized", "registry wants '%s' authentication", challenge);
	_cleanup_free_ char *fallback = xasprintf("repository:%s:pull", pl->ref->repo);
	char *es = curl_easy_escape(pl->c, service ? service : "", 0);
	char *esc = curl_easy_escape(pl->c, scope ? scope : fallback, 0);
	_cleanup_free_ char *url = xasprintf("%s%sservice=%s&scope=%s", realm, strchr(realm, '?') ? "&" : "?", es, esc);
	curl_free(es);
	curl_free(esc);
	int ret = get(pl, url, NULL, 0, &r, err);
	if (!ret && r.code != 200)
		ret = err_set(err, 401, "Unauthorized", "token endpoint %s answered %ld", realm, r.code);
	if (!ret) {
		json_t *j = json_loadb(r.body.p, r.body.len, 0, NULL);
		const char *t = json_string_value(json_object_get(j, "token"));
		if (!t)
			t = json_string_value(json_object_get(j, "access_token"));
		if (t) {
			free(pl->token);
			pl->token = xstrdup(t);
		} else {
			ret = err_set(err, 401, "Unauthorized", "token endpoint %s gave no token", realm);
		}
		json_decref(j);
	}
	resp_release(&r);
	return ret;
}

/* GET with the token flow on a 401. */
static int get_auth(struct pull *pl, const char *url, const char *accept, struct resp *r, struct atoll_err *err)
{
	if (get(pl, url, accept, 1, r, err))
		return -1;
	if (r->code != 401 || !r->www_auth || pl->token)
		return 0;
	_cleanup_free_ char *ch = xstrdup(r->www_auth);
	FILE *out = r->out;
	resp_release(r);
	r->out = out;
	if (out && (fflush(out) || ftruncate(fileno(out), 0) || fseek(out, 0, SEEK_SET)))
		return err_set(err, 500, "PullFailed", "cannot rewind a download");
	/* A registry that wants Basic: our credentials, on the request itself. */
	if (!strncasecmp(ch, "Basic", 5) && pl->auth && pl->auth->user) {
		pl->basic = 1;
		return get(pl, url, accept, 0, r, err);
	}
	if (fetch_token(pl, ch, err))
		return -1;
	return get(pl, url, accept, 1, r, err);
}

static int write_blob(const char *store, const char *digest, const void *data, size_t len, struct atoll_err *err)
{
	_cleanup_free_ char *path = image_blob_path(store, digest);
	_cleanup_free_ char *tmp = xasprintf("%s.tmp%d", path, getpid());
	FILE *f = fopen(tmp, "we");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0 || rename(tmp, path) < 0)
		return err_set(err, 500, "StoreError", "%s: %s", path, strerror(errno));
	return 0;
}

static int fetch_blob(struct pull *pl, const struct image_desc *d, struct atoll_err *err)
{
	_cleanup_free_ char *path = image_blob_path(pl->store, d->digest);
	struct atoll_err probe = ERR_INIT;

	if (image_digest_check_file(d->digest, path, d->size, &probe) == 0)
		return 0; /* already here and intact */
	_cleanup_free_ char *tmp = xasprintf("%s.tmp%d", path, getpid());
	_cleanup_free_ char *url = xasprintf("%s/blobs/%s", pl->base, d->digest);
	struct resp r = { 0 };
	r.out = fopen(tmp, "we");
	if (!r.out)
		return err_set(err, 500, "StoreError", "%s: %s", tmp, strerror(errno));
	int ret = get_auth(pl, url, NULL, &r, err);
	if (fclose(r.out) != 0 && !ret)
		ret = err_set(err, 500, "StoreError", "%s: write failed", tmp);
	if (!ret && r.code != 200)
		ret = err_set(err, 502, "PullFailed", "blob %s: HTTP %ld", d->digest, r.code);
	if (!ret && image_digest_check_file(d->digest, tmp, d->size, err) < 0)
		ret = -1;
	if (!ret && rename(tmp, path) < 0)
		ret = err_set(err, 500, "StoreError", "%s: %s", path, strerror(errno));
	if (ret)
		unlink(tmp);
	resp_release(&r);
	return ret;
}

/* Fetch a manifest by tag or digest; returns its digest (owned), body in r. */
static char *fetch_manifest(struct pull *pl, const char *ref, const char *want, struct resp *r, struct atoll_err *err)
{
	_cleanup_free_ char *url = xasprintf("%s/manifests/%s", pl->base, ref);

	if (get_auth(pl, url, ACCEPT_MANIFESTS, r, err))
		return NULL;
	if (r->code != 200) {
		err_set(err, r->code == 404 ? 404 : 502, "PullFailed", "manifest %s: HTTP %ld", ref, r->code);
		return NULL;
	}
	char *digest = image_digest_sha256(r->body.p, r->body.len);
	if (want && strncmp(want, "sha256:", 7) == 0 && strcmp(want, digest)) {
		err_set(err, 400, "DigestMismatch", "manifest digest mismatch: asked for %s, got %s", want, digest);
		free(digest);
		return NULL;
	}
	if (want && strncmp(want, "sha256:", 7) && image_digest_check_buf(want, r->body.p, r->body.len, err) < 0) {
		free(digest);
		return NULL;
	}
	if (write_blob(pl->store, digest, r->body.p, r->body.len, err)) {
		free(digest);
		return NULL;
	}
	return digest;
}

static int mkdirs(const char *p)
{
	_cleanup_free_ char *d = xstrdup(p);
	for (char *s = d + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(d, 0755);
			*s = '/';
		}
	return mkdir(d, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* Record name -> manifest in the store's index.json, under a lock. */
static int index_add(const char *store, const char *name, const char *digest, size_t size, const char *mt,
		     struct atoll_err *err)
{
	_cleanup_free_ char *ip = xasprintf("%s/index.json", store);
	_cleanup_free_ char *lp = xasprintf("%s/index.lock", store);
	_cleanup_free_ char *tmp = xasprintf("%s.tmp%d", ip, getpid());
	_cleanup_close_ int lk = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (lk < 0 || flock(lk, LOCK_EX) < 0)
		return err_set(err, 500, "StoreError", "%s: %s", lp, strerror(errno));
	json_t *idx = json_load_file(ip, 0, NULL);
	if (!json_is_object(idx)) {
		json_decref(idx);
		idx = json_pack("{s:i,s:[]}", "schemaVersion", 2, "manifests");
	}
	json_t *ms = json_object_get(idx, "manifests"), *m;
	size_t i;
	json_array_foreach(ms, i, m) {
		const char *n = json_string_value(json_object_get(json_object_get(m, "annotations"),
								  "org.opencontainers.image.ref.name"));
		if (n && !strcmp(n, name)) {
			json_array_remove(ms, i);
			break;
		}
	}
	json_array_append_new(ms, json_pack("{s:s,s:s,s:I,s:{s:s},s:{s:s,s:s}}", "mediaType", mt, "digest", digest,
					    "size", (json_int_t)size, "annotations",
					    "org.opencontainers.image.ref.name", name, "platform", "os", "linux",
					    "architecture", "amd64"));
	int r = json_dump_file(idx, tmp, JSON_COMPACT);
	json_decref(idx);
	if (r < 0 || rename(tmp, ip) < 0)
		return err_set(err, 500, "StoreError", "%s: cannot write", ip);
	_cleanup_free_ char *ol = xasprintf("%s/oci-layout", store);
	if (access(ol, F_OK) != 0) {
		FILE *f = fopen(ol, "we");
		if (f) {
			fputs("{\"imageLayoutVersion\":\"1.0.0\"}", f);
			fclose(f);
		}
	}
	return 0;
}

static int insecure(const char *registry)
{
	const char *list = getenv("ATOLL_INSECURE_REGISTRIES");

	if (!strncmp(registry, "localhost", 9) || !strncmp(registry, "127.", 4) || !strncmp(registry, "[::1]", 5))
		return 1;
	if (!list)
		return 0;
	size_t n = strlen(registry);
	for (const char *p = list; *p;) {
		const char *e = strchrnul(p, ',');
		if ((size_t)(e - p) == n && !strncmp(p, registry, n))
			return 1;
		p = *e ? e + 1 : e;
	}
	return 0;
}

char *image_pull(const struct image_ref *ref, const char *store_dir, const struct image_auth *auth,
		 struct atoll_err *err)
{
	struct pull pl = { .ref = ref, .store = store_dir, .auth = auth };
	struct resp r = { 0 }, r2 = { 0 };
	struct image_manifest m = { 0 };
	char *digest = NULL, *ret = NULL;
	_cleanup_free_ char *name = NULL;
	const char *want = ref->digest;

	if (image_dl_curl(err))
		return NULL;
	_cleanup_free_ char *sha256 = xasprintf("%s/blobs/sha256", store_dir);
	_cleanup_free_ char *sha512 = xasprintf("%s/blobs/sha512", store_dir);
	if (mkdirs(sha256) < 0 || mkdirs(sha512) < 0) {
		err_set(err, 500, "StoreError", "%s: %s", store_dir, strerror(errno));
		return NULL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pl.c = curl_easy_init();
	if (auth && auth->bearer)
		pl.token = xstrdup(auth->bearer);
	pl.insecure = insecure(ref->registry);
	/* HTTPS first; a local registry may speak plain HTTP (as Docker allows for localhost). */
	pl.base = xasprintf("https://%s/v2/%s", ref->registry, ref->repo);
	digest = fetch_manifest(&pl, ref->digest ? ref->digest : ref->tag, want, &r, err);
	if (!digest && pl.insecure && err->code == 502) {
		resp_release(&r);
		memset(&r, 0, sizeof(r));
		*err = (struct atoll_err)ERR_INIT;
		free(pl.base);
		pl.base = xasprintf("http://%s/v2/%s", ref->registry, ref->repo);
		digest = fetch_manifest(&pl, ref->digest ? ref->digest : ref->tag, want, &r, err);
	}
	if (!digest)
		goto out;
	struct resp *mr = &r;
	if (r.ctype && (strstr(r.ctype, "index") || strstr(r.ctype, "manifest.list"))) {
		struct image_desc d = { 0 };
		int is_index;
		if (image_index_pick(r.body.p, r.body.len, NULL, &d, &is_index, err))
			goto out;
		free(digest);
		digest = fetch_manifest(&pl, d.digest, d.digest, &r2, err);
		image_desc_release(&d);
		if (!digest)
			goto out;
		mr = &r2;
	}
	if (image_manifest_parse(mr->body.p, mr->body.len, &m, err))
		goto out;
	if (fetch_blob(&pl, &m.config, err))
		goto out;
	for (size_t i = 0; i < m.nlayers; i++)
		if (fetch_blob(&pl, &m.layers[i], err)) {
			err_wrap(err, "layer %zu of %zu", i + 1, m.nlayers);
			goto out;
		}
	name = xasprintf("%s/%s%s%s", ref->registry, ref->repo, ref->digest ? "@" : ":",
					      ref->digest ? ref->digest : ref->tag);
	if (index_add(store_dir, name, digest, mr->body.len, "application/vnd.oci.image.manifest.v1+json", err))
		goto out;
	ret = xstrdup(name);
out:
	image_manifest_release(&m);
	resp_release(&r);
	resp_release(&r2);
	free(digest);
	free(pl.base);
	free(pl.token);
	curl_easy_cleanup(pl.c);
	return ret;
}
