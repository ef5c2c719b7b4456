/* SPDX-License-Identifier: Apache-2.0 */
/* Manifests (OCI and Docker, images and indexes) by tag or digest, tags, referrers and the catalog. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/serverlibs.h"
#include "api/server.h"
#include "lib/xalloc.h"
#include "registry/reg_int.h"

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX    "application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST  "application/vnd.docker.distribution.manifest.list.v2+json"

static bool is_index(const char *mt)
{
	return !strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST);
}

/* Resolve a tag or digest to a digest in this repository. */
static int resolve(struct reg_req *st, char *digest, size_t n)
{
	if (reg_digest_valid(st->ref)) {
		snprintf(digest, n, "%s", st->ref);
		return reg_linked(st->repo, "_manifests", digest) ? 0 : -1;
	}
	_cleanup_free_ char *p = reg_repo_path(st->repo, "_tags", st->ref);
	_cleanup_free_ char *d = reg_read_small(p, 200, NULL);
	if (!d || !reg_digest_valid(d))
		return -1;
	snprintf(digest, n, "%s", d);
	return reg_linked(st->repo, "_manifests", digest) ? 0 : -1;
}

static int manifest_get(struct api_req *r, struct reg_req *st)
{
	char digest[160];

	if (resolve(st, digest, sizeof(digest)) < 0)
		return reg_error_detail(r, 404, "MANIFEST_UNKNOWN", json_pack("{s:s}", "reference", st->ref),
					"manifest %s not found in %s", st->ref, st->repo);
	_cleanup_free_ char *lp = reg_repo_path(st->repo, "_manifests", digest);
	_cleanup_free_ char *mt = reg_read_small(lp, 256, NULL);
	_cleanup_free_ char *bp = reg_blob_path(digest);
	size_t len = 0;
	char *body = reg_read_small(bp, REG_MAX_MANIFEST, &len);
	if (!body || !mt)
		return reg_error(r, 404, "MANIFEST_UNKNOWN", "manifest %s is gone", digest);
	struct MHD_Response *resp = reg_resp_buf(body, len);
	reg_hdr(resp, "Docker-Content-Digest", "%s", digest);
	reg_hdr(resp, "ETag", "\"%s\"", digest);
	return reg_queue(r, 200, resp, *mt ? mt : MT_OCI_MANIFEST);
}

/* Remove tags that point at digest. */
static void untag(const char *repo, const char *digest)
{
	_cleanup_free_ char *dir = reg_repo_path(repo, "_tags", NULL);
	size_t n;
	char **tags = reg_list_dir(dir, &n);

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, tags[i]);
		_cleanup_free_ char *d = reg_read_small(p, 200, NULL);
		if (d && !strcmp(d, digest))
			unlink(p);
	}
	reg_free_list(tags, n);
}

static int manifest_delete(struct api_req *r, struct reg_req *st)
{
	if (!reg_digest_valid(st->ref)) { /* a tag: only the tag goes */
		_cleanup_free_ char *p = reg_repo_path(st->repo, "_tags", st->ref);
		if (unlink(p) < 0)
			return reg_error(r, 404, "MANIFEST_UNKNOWN", "tag %s not found in %s", st->ref,
					 st->repo);
		reg_sync_image(r, st->repo);
		return reg_queue(r, 202, reg_resp_buf(NULL, 0), NULL);
	}
	_cleanup_free_ char *lp = reg_repo_path(st->repo, "_manifests", st->ref);
	_cleanup_free_ char *bp = reg_blob_path(st->ref);
	size_t len = 0;
	_cleanup_free_ char *body = reg_read_small(bp, REG_MAX_MANIFEST, &len);
	if (unlink(lp) < 0)
		return reg_error(r, 404, "MANIFEST_UNKNOWN", "manifest %s not found in %s", st->ref,
				 st->repo);
	untag(st->repo, st->ref);
	json_t *m = body ? json_loadb(body, len, 0, NULL) : NULL;
	const char *subj = json_string_value(json_object_get(json_object_get(m, "subject"), "digest"));
	if (subj && reg_digest_valid(subj)) {
		_cleanup_free_ char *dir = reg_repo_path(st->repo, "_referrers", subj);
		char name[200];
		snprintf(name, sizeof(name), "%s", st->ref);
		*strchr(name, ':') = '-';
		_cleanup_free_ char *ref = xasprintf("%s/%s", dir, name);
		unlink(ref);
	}
	json_decref(m);
	reg_sync_image(r, st->repo);
	return reg_queue(r, 202, reg_resp_buf(NULL, 0), NULL);
}

/* A descriptor: {mediaType, digest, size}. Returns its digest or NULL. */
static const char *descriptor(json_t *d)
{
	const char *dg = json_string_value(json_object_get(d, "digest"));
	json_t *size = json_object_get(d, "size");

	if (!json_is_object(d) || !dg || !reg_digest_valid(dg) || !json_is_integer(size) ||
	    json_integer_value(size) < 0 || !json_is_string(json_object_get(d, "mediaType")))
		return NULL;
	return dg;
}

/* Validate a manifest's references. Returns 0 or answers the error and returns 1. */
static int check_refs(struct api_req *r, struct reg_req *st, json_t *m, const char *mt)
{
	if (json_integer_value(json_object_get(m, "schemaVersion")) != 2)
		return reg_error(r, 400, "MANIFEST_INVALID", "schemaVersion must be 2"), 1;
	json_t *subject = json_object_get(m, "subject");
	if (subject && !descriptor(subject))
		return reg_error(r, 400, "MANIFEST_INVALID", "invalid subject descriptor"), 1;
	if (is_index(mt)) {
		json_t *list = json_object_get(m, "manifests"), *d;
		size_t i;
		if (!json_is_array(list))
			return reg_error(r, 400, "MANIFEST_INVALID", "an index needs a manifests array"), 1;
		json_array_foreach(list, i, d) {
			const char *dg = descriptor(d);
			if (!dg)
				return reg_error(r, 400, "MANIFEST_INVALID", "invalid descriptor in manifests[%zu]", i), 1;
			if (!reg_linked(st->repo, "_manifests", dg))
				return reg_error_detail(r, 400, "MANIFEST_BLOB_UNKNOWN", json_pack("{s:s}", "digest", dg),
							"manifest %s is not in %s", dg, st->repo), 1;
		}
		return 0;
	}
	json_t *config = json_object_get(m, "config"), *layers = json_object_get(m, "layers"), *d;
	size_t i;
	const char *cd = descriptor(config);
	if (!cd || (layers && !json_is_array(layers)) || (!layers && !strcmp(mt, MT_DOCKER_MANIFEST)))
		return reg_error(r, 400, "MANIFEST_INVALID", "an image manifest needs config and layers"), 1;
	if (!reg_linked(st->repo, "_layers", cd))
		return reg_error_detail(r, 400, "MANIFEST_BLOB_UNKNOWN", json_pack("{s:s}", "digest", cd),
					"config blob %s is not in %s", cd, st->repo), 1;
	json_array_foreach(layers, i, d) {
		const char *dg = descriptor(d);
		if (!dg)
			return reg_error(r, 400, "MANIFEST_INVALID", "invalid descriptor in layers[%zu]", i), 1;
		/* Layers hosted elsewhere (urls) need not be here. */
		if (json_array_size(json_object_get(d, "urls")))
			continue;
		if (!reg_linked(st->repo, "_layers", dg))
			return reg_error_detail(r, 400, "MANIFEST_BLOB_UNKNOWN", json_pack("{s:s}", "digest", dg),
						"blob %s is not in %s", dg, st->repo), 1;
	}
	return 0;
}

static int manifest_put(struct api_req *r, struct reg_req *st)
{
	const char *ct = req_header(r, "Content-Type");
	char mt[160] = "";
	json_error_t je;

	json_t *m = json_loadb(st->body.p, st->body.len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(m)) {
		json_decref(m);
		return reg_error(r, 400, "MANIFEST_INVALID", "the manifest is not a JSON object: %s", je.text);
	}
	if (ct)
		snprintf(mt, sizeof(mt), "%.*s", (int)strcspn(ct, "; "), ct);
	const char *field = json_string_value(json_object_get(m, "mediaType"));
	if (field && *mt && strcmp(field, mt)) {
		int rc = reg_error(r, 400, "MANIFEST_INVALID", "mediaType %s does not match Content-Type %s",
				   field, mt);
		json_decref(m);
		return rc;
	}
	if (!*mt && field)
		snprintf(mt, sizeof(mt), "%s", field);
	if (strcmp(mt, MT_OCI_MANIFEST) && strcmp(mt, MT_OCI_INDEX) && strcmp(mt, MT_DOCKER_MANIFEST) &&
	    strcmp(mt, MT_DOCKER_LIST)) {
		json_decref(m);
		return reg_error(r, 415, "MANIFEST_INVALID", "unsupported manifest media type \"%s\"", mt);
	}
	if (check_refs(r, st, m, mt)) {
		json_decref(m);
		return 0;
	}
	char digest[160];
	bool by_digest = reg_digest_valid(st->ref);
	reg_hash_mem(st->body.p, st->body.len, by_digest ? st->ref : "sha256", digest, sizeof(digest));
	if (by_digest && strcmp(digest, st->ref)) {
		json_decref(m);
		return reg_error_detail(r, 400, "DIGEST_INVALID", json_pack("{s:s}", "digest", st->ref),
					"the manifest's digest is %s, not %s", digest, st->ref);
	}
	if (!reg_linked(st->repo, "_manifests", digest) && reg_quota_admit(r, st, st->body.len)) {
		json_decref(m);
		return 0;
	}
	/* Bytes first, then the repository link, then the tag: each step atomic. */
	_cleanup_free_ char *bp = reg_blob_path(digest);
	struct stat sb;
	if (stat(bp, &sb) < 0 && reg_write_atomic(bp, st->body.p, st->body.len) < 0) {
		json_decref(m);
		return reg_error(r, 500, "UNKNOWN", "cannot store the manifest");
	}
	json_t *subject = json_object_get(m, "subject");
	if (subject) {
		const char *at = json_string_value(json_object_get(m, "artifactType"));
		if (!at)
			at = json_string_value(json_object_get(json_object_get(m, "config"), "mediaType"));
		json_t *desc = json_pack("{s:s,s:s,s:I}", "mediaType", mt, "digest", digest, "size",
					 (json_int_t)st->body.len);
		if (at)
			json_object_set_new(desc, "artifactType", json_string(at));
		json_t *ann = json_object_get(m, "annotations");
		if (json_is_object(ann))
			json_object_set(desc, "annotations", ann);
		char *ds = json_dumps(desc, JSON_COMPACT);
		json_decref(desc);
		char sub[200];
		snprintf(sub, sizeof(sub), "_referrers/%s", json_string_value(json_object_get(subject, "digest")));
		*strchr(sub, ':') = '-';
		reg_link(st->repo, sub, digest, ds, strlen(ds));
		free(ds);
	}
	if (reg_link(st->repo, "_manifests", digest, mt, strlen(mt)) < 0) {
		json_decref(m);
		return reg_error(r, 500, "UNKNOWN", "cannot link the manifest");
	}
	if (!by_digest) {
		_cleanup_free_ char *tp = reg_repo_path(st->repo, "_tags", st->ref);
		if (reg_write_atomic(tp, digest, strlen(digest)) < 0) {
			json_decref(m);
			return reg_error(r, 500, "UNKNOWN", "cannot write tag %s", st->ref);
		}
	}
	struct MHD_Response *resp = reg_resp_buf(NULL, 0);
	reg_hdr(resp, "Location", "/v2/%s/manifests/%s", st->repo, digest);
	reg_hdr(resp, "Docker-Content-Digest", "%s", digest);
	if (subject)
		reg_hdr(resp, "OCI-Subject", "%s", json_string_value(json_object_get(subject, "digest")));
	json_decref(m);
	reg_sync_image(r, st->repo);
	return reg_queue(r, 201, resp, NULL);
}

int reg_manifest_request(struct api_req *r, struct reg_req *st)
{
	if (!strcmp(r->method, "PUT"))
		return manifest_put(r, st);
	if (!strcmp(r->method, "DELETE"))
		return manifest_delete(r, st);
	return manifest_get(r, st);
}

/* n and last, shared by tags and the catalog. Answers a 200 with a Link header when more remain. */
static int reply_page(struct api_req *r, const char *path, json_t *doc, const char *key, char **v, size_t n)
{
	const char *ns = req_query(r, "n"), *last = req_query(r, "last");
	size_t limit = ns ? strtoul(ns, NULL, 10) : (size_t)-1, start = 0;
	json_t *arr = json_array();

	if (last)
		while (start < n && strcmp(v[start], last) <= 0)
			start++;
	size_t i = start;
	for (; i < n && json_array_size(arr) < limit; i++)
		json_array_append_new(arr, json_string(v[i]));
	json_object_set_new(doc, key, arr);
	bool more = i < n && json_array_size(arr) > 0;
	char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	struct MHD_Response *resp = reg_resp_buf(s, strlen(s));
	if (more)
		reg_hdr(resp, "Link", "<%s?n=%zu&last=%s>; rel=\"next\"", path, limit, v[i - 1]);
	return reg_queue(r, 200, resp, "application/json");
}

int reg_tags_request(struct api_req *r, struct reg_req *st)
{
	if (!reg_repo_exists(st->repo))
		return reg_error(r, 404, "NAME_UNKNOWN", "repository %s not known", st->repo);
	_cleanup_free_ char *dir = reg_repo_path(st->repo, "_tags", NULL);
	_cleanup_free_ char *path = xasprintf("/v2/%s/tags/list", st->repo);
	size_t n;
	char **v = reg_list_dir(dir, &n);
	int rc = reply_page(r, path, json_pack("{s:s}", "name", st->repo), "tags", v, n);
	reg_free_list(v, n);
	return rc;
}

int reg_referrers_request(struct api_req *r, struct reg_req *st)
{
	const char *want = req_query(r, "artifactType");
	char sub[200];

	snprintf(sub, sizeof(sub), "_referrers/%s", st->ref);
	*strchr(sub, ':') = '-';
	_cleanup_free_ char *dir = reg_repo_path(st->repo, sub, NULL);
	size_t n;
	char **v = reg_list_dir(dir, &n);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, v[i]);
		_cleanup_free_ char *s = reg_read_small(p, 1 << 20, NULL);
		json_t *d = s ? json_loads(s, 0, NULL) : NULL;
		const char *dg = json_string_value(json_object_get(d, "digest"));
		const char *at = json_string_value(json_object_get(d, "artifactType"));
		if (d && dg && reg_linked(st->repo, "_manifests", dg) &&
		    (!want || (at && !strcmp(at, want))))
			json_array_append(list, d);
		json_decref(d);
	}
	reg_free_list(v, n);
	json_t *idx = json_pack("{s:i,s:s,s:o}", "schemaVersion", 2, "mediaType", MT_OCI_INDEX,
				"manifests", list);
	char *s = json_dumps(idx, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(idx);
	struct MHD_Response *resp = reg_resp_buf(s, strlen(s));
	if (want)
		reg_hdr(resp, "OCI-Filters-Applied", "artifactType");
	return reg_queue(r, 200, resp, MT_OCI_INDEX);
}

/* Repositories under dir (relative name prefix), depth-first, bounded. */
static void walk(const char *dir, const char *prefix, int depth, char ***v, size_t *n, size_t *cap)
{
	size_t k;
	char **ents = reg_list_dir(dir, &k);

	for (size_t i = 0; i < k; i++) {
		if (ents[i][0] == '_') {
			if (!strcmp(ents[i], "_manifests") && *prefix && strchr(prefix, '/')) {
				if (*n == *cap) {
					*cap = *cap ? *cap * 2 : 32;
					*v = xrealloc(*v, *cap * sizeof(**v));
				}
				(*v)[(*n)++] = xstrdup(prefix);
			}
			continue;
		}
		if (depth >= 16)
			continue;
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, ents[i]);
		_cleanup_free_ char *name = *prefix ? xasprintf("%s/%s", prefix, ents[i]) : xstrdup(ents[i]);
		struct stat sb;
		if (stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			walk(sub, name, depth + 1, v, n, cap);
	}
	reg_free_list(ents, k);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int reg_catalog_request(struct api_req *r, struct reg_req *st)
{
	_cleanup_free_ char *dir = xasprintf("%s/repos", reg_g.root);
	char **all = NULL, **vis;
	size_t n = 0, cap = 0, m = 0;

	walk(dir, "", 0, &all, &n, &cap);
	if (n)
		qsort(all, n, sizeof(*all), cmp_str);
	vis = xcalloc(n + 1, sizeof(*vis));
	/* Only what the caller may pull. */
	for (size_t i = 0; i < n; i++)
		if (reg_may_pull(r, st, all[i]))
			vis[m++] = all[i];
	int rc = reply_page(r, "/v2/_catalog", json_object(), "repositories", vis, m);
	free(vis);
	reg_free_list(all, n);
	return rc;
}
