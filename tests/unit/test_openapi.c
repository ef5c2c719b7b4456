/* SPDX-License-Identifier: Apache-2.0 */
/* OpenAPI documents: index, per group-version v3, v2 JSON and protobuf, CRDs; what kubectl reads. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "api/kinds_common.h"
#include "api/openapi.h"
#include "lib/xalloc.h"
#include "t.h"

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);

	if (!j)
		fprintf(stderr, "bad test JSON: %s: %s\n", e.text, s);
	return j;
}

/* ---- OpenAPI ---- */

#define V3REF "#/components/schemas/"

static json_t *resolve(const json_t *schemas, json_t *s)
{
	for (int i = 0; i < 8 && s; i++) {
		json_t *all = json_object_get(s, "allOf");
		const char *r = json_string_value(json_object_get(s, "$ref"));

		if (json_array_size(all))
			s = json_array_get(all, 0);
		else if (r && !strncmp(r, V3REF, strlen(V3REF)))
			s = json_object_get(schemas, r + strlen(V3REF));
		else
			break;
	}
	return s;
}

/*
 * Collects the merge keys the schema announces, by path, as kubectl would
 * apply them: atomic lists and nested object metadata are not descended.
 */
static void collect_keys(const json_t *schemas, json_t *s, const char *path, json_t *out,
			 int depth)
{
	const char *key;
	json_t *p;

	s = resolve(schemas, s);
	if (!s || depth > 16)
		return;
	json_object_foreach(json_object_get(s, "properties"), key, p) {
		_cleanup_free_ char *np = *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
		const char *mk = json_string_value(json_object_get(p, "x-kubernetes-patch-merge-key"));

		if (*path && !strcmp(key, "metadata"))
			continue;
		if (json_is_array(json_object_get(p, "items")) ||
		    !strcmp(json_string_value(json_object_get(p, "type")) ?: "", "array")) {
			if (mk) {
				json_object_set_new(out, np, json_string(mk));
				collect_keys(schemas, json_object_get(p, "items"), np, out, depth + 1);
			}
		} else {
			collect_keys(schemas, p, np, out, depth + 1);
		}
	}
}

/* Every "$ref" in doc names an existing schema. */
static int bad_refs(const json_t *doc, const json_t *schemas, const char *prefix)
{
	int bad = 0;

	if (json_is_object(doc)) {
		const char *key;
		json_t *v;

		json_object_foreach((json_t *)doc, key, v) {
			if (!strcmp(key, "$ref")) {
				const char *r = json_string_value(v);

				if (!r || strncmp(r, prefix, strlen(prefix)) ||
				    !json_object_get(schemas, r + strlen(prefix))) {
					fprintf(stderr, "dangling $ref %s\n", r ? r : "?");
					bad++;
				}
			} else {
				bad += bad_refs(v, schemas, prefix);
			}
		}
	} else if (json_is_array(doc)) {
		size_t i;
		json_t *v;

		json_array_foreach(doc, i, v)
			bad += bad_refs(v, schemas, prefix);
	}
	return bad;
}

static bool gvk_is(const json_t *g, const struct api_kind *k)
{
	return g && !strcmp(json_string_value(json_object_get(g, "group")), k->group) &&
	       !strcmp(json_string_value(json_object_get(g, "version")), k->version) &&
	       !strcmp(json_string_value(json_object_get(g, "kind")), k->kind);
}

/* What kubectl 1.32 checks before it relies on server-side field validation. */
static bool kubectl_sees_field_validation(const json_t *doc, const struct api_kind *k)
{
	const char *path;
	json_t *item;

	json_object_foreach(json_object_get(doc, "paths"), path, item) {
		json_t *op = json_object_get(item, "patch"), *p;
		size_t i;

		if (!op || !gvk_is(json_object_get(op, "x-kubernetes-group-version-kind"), k))
			continue;
		json_array_foreach(json_object_get(op, "parameters"), i, p)
			if (!strcmp(json_string_value(json_object_get(p, "name")), "fieldValidation") &&
			    !strcmp(json_string_value(json_object_get(p, "in")), "query"))
				return json_object_get(kj_get(op, "requestBody.content"),
						       "application/strategic-merge-patch+json");
		return false;
	}
	return false;
}

static void test_openapi(void)
{
	json_t *index = openapi_v3_index(), *v2 = openapi_v2();
	const char *path;
	json_t *e;
	size_t n = 0;

	json_object_foreach(json_object_get(index, "paths"), path, e) {
		const char *url = kj_str(e, "serverRelativeURL");

		n++;
		CHECK(url && !strncmp(url, "/openapi/v3/", 12) && strstr(url, "?hash="));
	}
	CHECK(n == 14); /* with metrics.k8s.io/v1beta1 */
	CHECK(json_object_get(json_object_get(index, "paths"), "api/v1") != NULL);
	CHECK(json_object_get(json_object_get(index, "paths"), "apis/apps/v1") != NULL);
	CHECK(openapi_v3_gv("nope.io", "v1") == NULL);

	for (size_t i = 0; kinds_builtin[i]; i++) {
		const struct api_kind *k = kinds_builtin[i];
		json_t *doc = openapi_v3_gv(k->group, k->version);
		json_t *schemas = kj_get(doc, "components.schemas");
		_cleanup_free_ char *name = oa_kind_schema_name(k);
		_cleanup_free_ char *list = xasprintf("%sList", name);
		json_t *s = json_object_get(schemas, name);
		json_t *keys = json_object();

		CHECK(doc && s);
		if (!s) {
			fprintf(stderr, "no schema %s\n", name);
			json_decref(doc);
			json_decref(keys);
			continue;
		}
		CHECK(gvk_is(json_array_get(json_object_get(s, "x-kubernetes-group-version-kind"), 0),
			     k));
		CHECK(json_object_get(schemas, list) != NULL);
		CHECK(json_object_get(json_object_get(v2, "definitions"), name) != NULL);
		CHECK(kubectl_sees_field_validation(doc, k));
		/* The schema's merge keys and the server's are the same set. */
		collect_keys(schemas, s, "", keys, 0);
		for (size_t j = 0; k->merge_keys && k->merge_keys[j]; j += 2) {
			const char *want = json_string_value(json_object_get(keys, k->merge_keys[j]));

			CHECK(want && !strcmp(want, k->merge_keys[j + 1]));
			if (!want)
				fprintf(stderr, "%s: schema lacks merge key %s\n", k->kind,
					k->merge_keys[j]);
			json_object_del(keys, k->merge_keys[j]);
		}
		CHECK(json_object_size(keys) == 0);
		if (json_object_size(keys)) {
			char *d = json_dumps(keys, 0);
			fprintf(stderr, "%s: merge keys only in schema: %s\n", k->kind, d);
			free(d);
		}
		json_decref(keys);
		CHECK(bad_refs(doc, schemas, V3REF) == 0);

		size_t len;
		const char *hash;
		const char *text = openapi_v3_gv_text(k->group, k->version, &len, &hash);
		json_t *back = json_loads(text, 0, NULL);
		CHECK(back && json_equal(back, doc) && strlen(hash) == 128 && len == strlen(text));
		json_decref(back);
		json_decref(doc);
	}
	json_t *core = openapi_v3_gv("", "v1");
	json_t *pod_item = json_object_get(kj_get(core, "paths"),
					   "/api/v1/namespaces/{namespace}/pods/{name}");
	CHECK(pod_item && json_object_get(pod_item, "patch") && json_object_get(pod_item, "put"));
	CHECK(json_object_get(kj_get(core, "paths"), "/api/v1/pods") != NULL);
	CHECK(json_object_get(kj_get(core, "paths"), "/api/v1/nodes/{name}/status") != NULL);
	json_decref(core);
	CHECK(bad_refs(v2, json_object_get(v2, "definitions"), "#/definitions/") == 0);
	CHECK_STR(kj_str(v2, "swagger"), "2.0");
	size_t v2len;
	json_t *v2back = json_loads(openapi_v2_text(&v2len), 0, NULL);
	CHECK(json_equal(v2back, v2));
	json_decref(v2back);

	/* The protobuf form: swagger "2.0" first, then well-formed length-delimited fields. */
	size_t pblen, off = 0;
	const unsigned char *pb = (const unsigned char *)openapi_v2_protobuf(&pblen);
	int fields = 0;
	CHECK(pblen > 100000 && pb[0] == 0x0a && pb[1] == 3 && !memcmp(pb + 2, "2.0", 3));
	while (off < pblen && fields < 100) {
		uint64_t key = 0, n = 0;
		int shift = 0;

		while (off < pblen && (pb[off] & 0x80))
			key |= (uint64_t)(pb[off++] & 0x7f) << shift, shift += 7;
		key |= (uint64_t)pb[off++] << shift;
		CHECK((key & 7) == 2);
		shift = 0;
		while (off < pblen && (pb[off] & 0x80))
			n |= (uint64_t)(pb[off++] & 0x7f) << shift, shift += 7;
		n |= (uint64_t)pb[off++] << shift;
		off += n;
		fields++;
	}
	CHECK(off == pblen && fields == 4); /* swagger, info, paths, definitions */
	json_decref(index);
	json_decref(v2);

	/* A CRD's group-version document. */
	json_t *crd = parse("{\"metadata\":{\"name\":\"widgets.example.com\"},\"spec\":{\"group\":"
			    "\"example.com\",\"scope\":\"Namespaced\",\"names\":{\"plural\":"
			    "\"widgets\",\"kind\":\"Widget\"},\"versions\":[{\"name\":\"v1\","
			    "\"served\":true,\"storage\":true,\"subresources\":{\"status\":{}},"
			    "\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\",\"properties\":"
			    "{\"spec\":{\"type\":\"object\",\"properties\":{\"size\":{\"type\":"
			    "\"integer\"}}}}}}}]}}");
	const json_t *crds[] = { crd };
	json_t *doc = openapi_v3_crd_gv(crds, 1, "example.com", "v1");
	json_t *schemas = kj_get(doc, "components.schemas");
	json_t *w = json_object_get(schemas, "com.example.v1.Widget");
	CHECK(w && kj_get(w, "properties.spec.properties.size") && kj_get(w, "properties.metadata"));
	json_t *patch = json_object_get(json_object_get(kj_get(doc, "paths"),
		"/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status"), "patch");
	CHECK(patch && !json_object_get(kj_get(patch, "requestBody.content"),
					"application/strategic-merge-patch+json"));
	CHECK(json_object_get(schemas, "com.example.v1.WidgetList") != NULL);
	CHECK(bad_refs(doc, schemas, V3REF) == 0);
	CHECK(openapi_v3_crd_gv(crds, 1, "example.com", "v2") == NULL);
	json_decref(doc);
	json_decref(crd);
}


/* Strict field validation: undeclared fields are found, declared ones never are. */
static void test_unknown_fields(void)
{
	const struct api_kind *k = kinds_builtin_find("", "v1", "pods");
	json_t *pod = parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
			    "\"labels\":{\"any\":\"x\"},\"bogusMeta\":1},\"spec\":{\"containers\":"
			    "[{\"name\":\"a\",\"image\":\"x\",\"bogus\":1,\"env\":[{\"name\":\"E\","
			    "\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"x\",\"nope\":2}}}],"
			    "\"resources\":{\"limits\":{\"cpu\":\"1\"}}}],\"nodeSelector\":{\"a\":"
			    "\"b\"},\"affinity\":{\"nodeAffinity\":{}}},\"status\":{\"whatever\":1}}");
	json_t *u = openapi_unknown_fields(k, pod);

	CHECK(json_array_size(u) == 3);
	CHECK_STR(json_string_value(json_array_get(u, 0)), "metadata.bogusMeta");
	CHECK_STR(json_string_value(json_array_get(u, 1)), "spec.containers[0].bogus");
	CHECK_STR(json_string_value(json_array_get(u, 2)),
		  "spec.containers[0].env[0].valueFrom.fieldRef.nope");
	json_decref(u);
	json_decref(pod);
}

int main(void)
{
	test_openapi();
	test_unknown_fields();
	return T_DONE();
}
