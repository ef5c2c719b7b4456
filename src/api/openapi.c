/* SPDX-License-Identifier: Apache-2.0 */
/* OpenAPI documents: per group-version v3 documents, the v3 index, Swagger 2.0; built once. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>


#include "lib/cryptolib.h"
#include "api/openapi.h"
#include "api/openapi_int.h"
#include "lib/jdump.h"
#include "lib/xalloc.h"

#define OA_VERSION "v1.32.0"

char *oa_kind_schema_name(const struct api_kind *k)
{
	_cleanup_free_ char *label = NULL;

	if (!*k->group)
		return xasprintf("io.k8s.api.core.%s.%s", k->version, k->kind);
	if (!strcmp(k->group, "apiextensions.k8s.io"))
		return xasprintf("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.%s.%s",
				 k->version, k->kind);
	label = xstrndup(k->group, strcspn(k->group, "."));
	return xasprintf("io.k8s.api.%s.%s.%s", label, k->version, k->kind);
}

json_t *oa_gvk_list(const char *group, const char *version, const char *kind)
{
	return json_pack("[{s:s,s:s,s:s}]", "group", group, "kind", kind, "version", version);
}

json_t *oa_list_schema(const struct oa_style *st, const char *schema, const char *group,
		       const char *version, const char *list_kind)
{
	json_t *s = json_pack("{s:s,s:s,s:[s],s:{s:{s:s,s:s},s:{s:s,s:o},s:{s:s,s:s},s:o}}",
			      "description", "A list of objects of this kind.", "type", "object",
			      "required", "items", "properties",
			      "apiVersion", "type", "string", "description",
			      "APIVersion defines the versioned schema of this representation of "
			      "an object.",
			      "items", "type", "array", "items",
			      json_pack("{s:o}", "$ref", json_sprintf("%s%s", st->ref_prefix, schema)),
			      "kind", "type", "string", "description",
			      "Kind is a string value representing the REST resource this object "
			      "represents.",
			      "metadata", json_pack("{s:o}", "$ref",
						    json_sprintf("%sio.k8s.apimachinery.pkg.apis.meta."
								 "v1.ListMeta", st->ref_prefix)));

	json_object_set_new(s, "x-kubernetes-group-version-kind",
			    oa_gvk_list(group, version, list_kind));
	return s;
}

static struct oa_res builtin_res(const struct api_kind *k, char **schema, char **list)
{
	*schema = oa_kind_schema_name(k);
	*list = xasprintf("%sList", *schema);
	return (struct oa_res){ k->group, k->version, k->kind, k->resource, k->namespaced,
				k->subresources, *schema, *list, true };
}

/* Adds a built-in kind's paths and schemas (its own, its list's, their closure). */
static void add_builtin(const struct oa_style *st, json_t *paths, json_t *schemas,
			const struct api_kind *k)
{
	_cleanup_free_ char *schema = NULL;
	_cleanup_free_ char *list = NULL;
	struct oa_res r = builtin_res(k, &schema, &list);
	json_t *s;

	oa_add_paths(st, paths, &r);
	oa_add_closure(st, schemas, schema);
	if ((s = json_object_get(schemas, schema)))
		json_object_set_new(s, "x-kubernetes-group-version-kind",
				    oa_gvk_list(k->group, k->version, k->kind));
	json_object_set_new(schemas, list, oa_list_schema(st, schema, k->group, k->version,
							  k->list_kind));
	if (k->subresources & API_SUB_SCALE) {
		oa_add_closure(st, schemas, "io.k8s.api.autoscaling.v1.Scale");
		json_object_set_new(json_object_get(schemas, "io.k8s.api.autoscaling.v1.Scale"),
				    "x-kubernetes-group-version-kind",
				    oa_gvk_list("autoscaling", "v1", "Scale"));
	}
}

static void add_common(const struct oa_style *st, json_t *schemas)
{
	oa_add_closure(st, schemas, "io.k8s.apimachinery.pkg.apis.meta.v1.Status");
	oa_add_closure(st, schemas, "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions");
	oa_add_closure(st, schemas, "io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
	oa_add_closure(st, schemas, "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent");
}

static json_t *v3_doc(json_t *paths, json_t *schemas)
{
	return json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:o,s:{s:{s:s,s:s,s:s}}},s:[{s:[]}]}",
			 "openapi", "3.0.0", "info", "title", "Kubernetes", "version", OA_VERSION,
			 "paths", paths, "components", "schemas", schemas, "securitySchemes",
			 "BearerToken", "type", "apiKey", "name", "authorization", "in", "header",
			 "security", "BearerToken");
}

char *openapi_gv_path(const char *group, const char *version)
{
	return *group ? xasprintf("apis/%s/%s", group, version) : xasprintf("api/%s", version);
}

/* ---- the cache ---- */

struct oa_doc {
	char *path;  /* "apis/apps/v1" */
	json_t *doc;
	char *text;
	size_t len;
	char hash[129];
};

static struct {
	pthread_once_t once;
	struct oa_doc gv[32];
	size_t ngv;
	json_t *index;
	json_t *v2;
	char *v2_text;
	size_t v2_len;
	char *v2_pb;
	size_t v2_pb_len;
} cache = { .once = PTHREAD_ONCE_INIT };

void openapi_hash(const char *text, size_t len, char out[129])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(text, len, md, &n, EVP_sha512(), NULL);
	for (unsigned int i = 0; i < n && i < 64; i++)
		sprintf(out + 2 * i, "%02X", md[i]);
	out[2 * (n < 64 ? n : 64)] = 0;
}

static struct oa_doc *doc_for(const char *path)
{
	for (size_t i = 0; i < cache.ngv; i++)
		if (!strcmp(cache.gv[i].path, path))
			return &cache.gv[i];
	return NULL;
}

static void build(void)
{
	json_t *v2paths = json_object(), *v2defs = json_object();

	/* One v3 document per group-version, in table order. */
	for (size_t i = 0; kinds_builtin[i]; i++) {
		const struct api_kind *k = kinds_builtin[i];
		_cleanup_free_ char *path = openapi_gv_path(k->group, k->version);
		struct oa_doc *d = doc_for(path);

		if (!d && cache.ngv < sizeof(cache.gv) / sizeof(cache.gv[0])) {
			d = &cache.gv[cache.ngv++];
			d->path = xstrdup(path);
			d->doc = v3_doc(json_object(), json_object());
			add_common(&oa_v3, json_object_get(json_object_get(d->doc, "components"),
							   "schemas"));
		}
		if (!d)
			continue;
		add_builtin(&oa_v3, json_object_get(d->doc, "paths"),
			    json_object_get(json_object_get(d->doc, "components"), "schemas"), k);
		add_builtin(&oa_v2, v2paths, v2defs, k);
	}
	cache.index = json_pack("{s:{}}", "paths");
	for (size_t i = 0; i < cache.ngv; i++) {
		struct oa_doc *d = &cache.gv[i];

		d->text = jdump(d->doc, JSON_COMPACT, NULL);
		d->len = strlen(d->text);
		openapi_hash(d->text, d->len, d->hash);
		json_object_set_new(json_object_get(cache.index, "paths"), d->path,
				    json_pack("{s:o}", "serverRelativeURL",
					      json_sprintf("/openapi/v3/%s?hash=%s", d->path,
							   d->hash)));
	}
	add_common(&oa_v2, v2defs);
	cache.v2 = json_pack("{s:s,s:{s:s,s:s},s:o,s:o,s:{s:{s:s,s:s,s:s}},s:[{s:[]}]}",
			     "swagger", "2.0", "info", "title", "Kubernetes", "version", OA_VERSION,
			     "paths", v2paths, "definitions", v2defs, "securityDefinitions",
			     "BearerToken", "type", "apiKey", "name", "authorization", "in",
			     "header", "security", "BearerToken");
	cache.v2_text = jdump(cache.v2, JSON_COMPACT, NULL);
	cache.v2_len = strlen(cache.v2_text);
	cache.v2_pb = oa_v2_protobuf(cache.v2, &cache.v2_pb_len);
}

void openapi_init(void)
{
	pthread_once(&cache.once, build);
}

json_t *openapi_v3_index(void)
{
	openapi_init();
	return json_incref(cache.index);
}

json_t *openapi_v3_gv(const char *group, const char *version)
{
	_cleanup_free_ char *path = openapi_gv_path(group, version);
	struct oa_doc *d;

	openapi_init();
	d = doc_for(path);
	return d ? json_incref(d->doc) : NULL;
}

json_t *openapi_v2(void)
{
	openapi_init();
	return json_incref(cache.v2);
}

const char *openapi_v3_gv_text(const char *group, const char *version, size_t *len,
			       const char **hash)
{
	_cleanup_free_ char *path = openapi_gv_path(group, version);
	struct oa_doc *d;

	openapi_init();
	if (!(d = doc_for(path)))
		return NULL;
	if (len)
		*len = d->len;
	if (hash)
		*hash = d->hash;
	return d->text;
}

const char *openapi_v2_text(size_t *len)
{
	openapi_init();
	if (len)
		*len = cache.v2_len;
	return cache.v2_text;
}

const char *openapi_v2_protobuf(size_t *len)
{
	openapi_init();
	if (len)
		*len = cache.v2_pb_len;
	return cache.v2_pb;
}

/* ---- CRDs ---- */

/* "example.com" -> "com.example", as Kubernetes names CRD schemas. */
static char *reverse_group(const char *group)
{
	char *out = xcalloc(strlen(group) + 1, 1);
	const char *end = group + strlen(group);

	while (end > group) {
		const char *dot = end;

		while (dot > group && dot[-1] != '.')
			dot--;
		if (*out)
			strcat(out, ".");
		strncat(out, dot, (size_t)(end - dot));
		end = dot > group ? dot - 1 : group;
	}
	return out;
}

json_t *openapi_crd_schema(const json_t *crd, const json_t *crd_version)
{
	json_t *spec = json_object_get(crd, "spec");
	json_t *orig = json_object_get(json_object_get(crd_version, "schema"), "openAPIV3Schema");
	json_t *s = orig ? json_deep_copy(orig) : json_pack("{s:s,s:b}", "type", "object",
							     "x-kubernetes-preserve-unknown-fields",
							     1);
	json_t *props = json_object_get(s, "properties");
	const char *group = json_string_value(json_object_get(spec, "group"));
	const char *kind = json_string_value(json_object_get(json_object_get(spec, "names"), "kind"));
	const char *version = json_string_value(json_object_get(crd_version, "name"));

	if (!json_is_object(props)) {
		props = json_object();
		json_object_set_new(s, "properties", props);
	}
	json_object_set_new(props, "apiVersion", json_pack("{s:s,s:s}", "type", "string",
		"description", "APIVersion defines the versioned schema of this representation of "
		"an object."));
	json_object_set_new(props, "kind", json_pack("{s:s,s:s}", "type", "string", "description",
		"Kind is a string value representing the REST resource this object represents."));
	json_object_set_new(props, "metadata", json_pack("{s:[{s:s}],s:s}", "allOf", "$ref",
		"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
		"description", "Standard object's metadata."));
	json_object_set_new(s, "x-kubernetes-group-version-kind",
			    oa_gvk_list(group ? group : "", version ? version : "",
					kind ? kind : ""));
	return s;
}

json_t *openapi_v3_crd_gv(const json_t *const *crds, size_t n, const char *group,
			  const char *version)
{
	json_t *paths = json_object(), *schemas = json_object();
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		json_t *spec = json_object_get(crds[i], "spec"), *names, *v;
		const char *g = json_string_value(json_object_get(spec, "group"));
		size_t j;

		if (!g || strcmp(g, group))
			continue;
		names = json_object_get(spec, "names");
		json_array_foreach(json_object_get(spec, "versions"), j, v) {
			const char *vn = json_string_value(json_object_get(v, "name"));
			const char *kind = json_string_value(json_object_get(names, "kind"));
			const char *plural = json_string_value(json_object_get(names, "plural"));
			const char *lk = json_string_value(json_object_get(names, "listKind"));
			json_t *sub = json_object_get(v, "subresources");
			_cleanup_free_ char *rev = reverse_group(group);
			_cleanup_free_ char *schema = NULL;
			_cleanup_free_ char *list = NULL;
			_cleanup_free_ char *lkbuf = NULL;
			struct oa_res r;

			if (!vn || strcmp(vn, version) || !json_is_true(json_object_get(v, "served")) ||
			    !kind || !plural)
				continue;
			if (!lk)
				lk = lkbuf = xasprintf("%sList", kind);
			schema = xasprintf("%s.%s.%s", rev, version, kind);
			list = xasprintf("%s.%s.%s", rev, version, lk);
			r = (struct oa_res){ group, version, kind, plural,
					     !strcmp(json_string_value(json_object_get(spec, "scope"))
						     ?: "", "Namespaced"),
					     (json_object_get(sub, "status") ? API_SUB_STATUS : 0u) |
					     (json_object_get(sub, "scale") ? API_SUB_SCALE : 0u),
					     schema, list, false };
			oa_add_paths(&oa_v3, paths, &r);
			json_object_set_new(schemas, schema, openapi_crd_schema(crds[i], v));
			json_object_set_new(schemas, list,
					    oa_list_schema(&oa_v3, schema, group, version, lk));
			if (r.subresources & API_SUB_SCALE)
				oa_add_closure(&oa_v3, schemas, "io.k8s.api.autoscaling.v1.Scale");
			any = true;
		}
	}
	if (!any) {
		json_decref(paths);
		json_decref(schemas);
		return NULL;
	}
	oa_add_closure(&oa_v3, schemas, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
	add_common(&oa_v3, schemas);
	return v3_doc(paths, schemas);
}
