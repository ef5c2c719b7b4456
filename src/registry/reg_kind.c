/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Repositories as read-only Kubernetes objects: after every change to a
 * repository the registry writes an `Image` (core group, resource "images")
 * into the store at core/images/<ns>/<name>, so `kubectl get images -n NS`
 * lists names, tags, digests and sizes. The objects are only a view: the
 * files under DATA/registry stay the truth, and a resync rewrites them.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "api/kind.h"
#include "api/object.h"
#include "api/server.h"
#include "api/table.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "registry/reg_int.h"
#include "registry/registry.h"
#include "store/store.h"

/* Kubernetes object names cannot hold '/' or '_': "team/app_x" -> "team.app-x". */
static void object_name(const char *rest, char *out, size_t n)
{
	size_t i = 0;

	for (; rest[i] && i + 1 < n; i++)
		out[i] = rest[i] == '/' ? '.' : rest[i] == '_' ? '-' : rest[i];
	out[i] = '\0';
}

/* Bytes of every blob and manifest the repository links, each counted once. */
static long long repo_size(const char *repo, size_t *manifests)
{
	const char *subs[] = { "_layers", "_manifests" };
	long long total = 0;

	*manifests = 0;
	for (int s = 0; s < 2; s++) {
		_cleanup_free_ char *dir = reg_repo_path(repo, subs[s], NULL);
		size_t n;
		char **v = reg_list_dir(dir, &n);
		for (size_t i = 0; i < n; i++) {
			char d[200];
			snprintf(d, sizeof(d), "%s", v[i]);
			char *dash = strchr(d, '-');
			if (!dash)
				continue;
			*dash = ':';
			if (!reg_digest_valid(d))
				continue;
			if (s == 1)
				(*manifests)++;
			/* A manifest pushed also as a blob is linked twice: count it once. */
			if (s == 1 && reg_linked(repo, "_layers", d))
				continue;
			_cleanup_free_ char *bp = reg_blob_path(d);
			struct stat sb;
			if (stat(bp, &sb) == 0)
				total += sb.st_size;
		}
		reg_free_list(v, n);
	}
	return total;
}

void reg_sync_image(struct api_req *r, const char *repo)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	const char *slash = strchr(repo, '/');
	char name[REG_MAX_NAME], ns[64];
	struct atoll_err e = { 0 };
	int64_t rev;

	if (!slash || (size_t)(slash - repo) >= sizeof(ns))
		return;
	snprintf(ns, sizeof(ns), "%.*s", (int)(slash - repo), repo);
	object_name(slash + 1, name, sizeof(name));
	_cleanup_free_ char *key = xasprintf("core/images/%s/%s", ns, name);

	/* One writer at a time, so a slower sync never overwrites a newer one. */
	pthread_mutex_lock(&lock);
	size_t nman = 0;
	long long size = repo_size(repo, &nman);
	_cleanup_free_ char *tdir = reg_repo_path(repo, "_tags", NULL);
	size_t nt;
	char **tags = reg_list_dir(tdir, &nt);
	if (!nman && !nt) {
		store_delete(r->srv->store, key, STORE_ANY, &rev, &e);
		reg_free_list(tags, nt);
		pthread_mutex_unlock(&lock);
		reg_quota_report(r, ns);
		return;
	}
	json_t *jt = json_array();
	for (size_t i = 0; i < nt; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", tdir, tags[i]);
		_cleanup_free_ char *d = reg_read_small(p, 200, NULL);
		if (d && reg_digest_valid(d))
			json_array_append_new(jt, json_pack("{s:s,s:s}", "name", tags[i], "digest", d));
	}
	reg_free_list(tags, nt);

	/* Keep identity and age across updates. */
	char uid[64], created[40];
	struct store_kv kv = { 0 };
	obj_uuid(uid, sizeof(uid));
	obj_now(created, sizeof(created));
	if (store_get(r->srv->store, key, &kv, &e) == 0) {
		json_t *old = obj_decode(kv.value->data, kv.value->len, kv.mod_rev);
		const char *u = obj_str(old, "metadata.uid"), *c = obj_str(old, "metadata.creationTimestamp");
		if (u)
			snprintf(uid, sizeof(uid), "%s", u);
		if (c)
			snprintf(created, sizeof(created), "%s", c);
		json_decref(old);
		store_kv_release(&kv);
	}
	json_t *obj = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:s},s:{s:o,s:I,s:I}}", "apiVersion", "v1",
				"kind", "Image", "metadata", "name", name, "namespace", ns, "uid", uid,
				"creationTimestamp", created, "spec", "repository", repo, "status", "tags", jt,
				"manifests", (json_int_t)nman, "size", (json_int_t)size);
	size_t len;
	char *enc = obj_encode(obj, &len);
	json_decref(obj);
	struct blob *b = blob_new(enc, len);
	free(enc);
	if (store_put(r->srv->store, key, b, STORE_ANY, &rev, &e) < 0)
		log_warn("registry", "cannot record image %s: %s", repo, e.msg);
	blob_unref(b);
	pthread_mutex_unlock(&lock);
	reg_quota_report(r, ns);
}

json_t *registry_image_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		{ "Name", "string", "name", "Name must be unique within a namespace.", 0 },
		{ "Tags", "string", "", "The repository's tags.", 0 },
		{ "Digest", "string", "", "The manifest digest of the first tag.", 0 },
		{ "Size", "string", "", "Bytes of the blobs and manifests the repository holds.", 0 },
		{ "Repository", "string", "", "The repository to push to and pull from.", 1 },
		{ "Age", "string", "", "CreationTimestamp is a timestamp representing the server time "
		  "when this object was created.", 0 },
	};
	(void)k;
	return TABLE_COLUMNS(cols);
}

json_t *registry_image_row(const struct api_kind *k, const json_t *obj)
{
	json_t *tags = json_object_get(json_object_get(obj, "status"), "tags"), *t;
	struct buf names = BUF_INIT;
	const char *digest = NULL;
	size_t i;
	char size[32], dig[24] = "<none>";

	(void)k;
	json_array_foreach(tags, i, t) {
		if (i == 4) {
			buf_addf(&names, ",+%zu more", json_array_size(tags) - 4);
			break;
		}
		buf_addf(&names, "%s%s", i ? "," : "", json_string_value(json_object_get(t, "name")));
		if (!digest)
			digest = json_string_value(json_object_get(t, "digest"));
	}
	if (digest && strlen(digest) > 19)
		snprintf(dig, sizeof(dig), "%.19s", digest);
	double sz = (double)json_integer_value(json_object_get(json_object_get(obj, "status"), "size"));
	if (sz >= 1 << 30)
		snprintf(size, sizeof(size), "%.1fGi", sz / (1 << 30));
	else if (sz >= 1 << 20)
		snprintf(size, sizeof(size), "%.1fMi", sz / (1 << 20));
	else
		snprintf(size, sizeof(size), "%.1fKi", sz / 1024);
	json_t *row = json_pack("[s,o,s,s,s,o]", table_name(obj), table_str_or_none(names.p), dig, size,
				json_string_value(json_object_get(json_object_get(obj, "spec"), "repository")) ?: "",
				table_age_cell(obj));
	buf_release(&names);
	return row;
}
