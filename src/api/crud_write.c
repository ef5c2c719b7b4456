/* SPDX-License-Identifier: Apache-2.0 */
/* CREATE, UPDATE (PUT) and the shared write path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "api/alloc.h"
#include "api/apply.h"
#include "api/object.h"
#include "api/openapi.h"
#include "api/schema.h"
#include "api/write.h"
#include "auth/auth_psa.h"
#include "lib/xalloc.h"
#include "store/store.h"

json_t *write_get_current(struct api_call *c, int64_t *rev, struct atoll_err *err)
{
	_cleanup_free_ char *key = obj_key(c->k, c->t.ns, c->t.name);
	struct store_kv kv = { 0 };

	if (store_get(c->r->srv->store, key, &kv, err) < 0) {
		if (err->code == 404)
			err_set(err, 404, "NotFound", "%s \"%s\" not found", c->k->resource, c->t.name);
		return NULL;
	}
	json_t *o = obj_decode(kv.value->data, kv.value->len, kv.mod_rev);
	*rev = kv.mod_rev;
	store_kv_release(&kv);
	if (!o)
		err_set(err, 500, "InternalError", "stored object %s is corrupt", key);
	return o;
}

static void random_suffix(char *out, size_t n)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	unsigned char rnd[8];

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		memset(rnd, 7, sizeof(rnd));
	for (size_t i = 0; i + 1 < n && i < 5; i++)
		out[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	out[n < 6 ? n - 1 : 5] = '\0';
}

/* Namespaced creates need a live namespace (the NamespaceLifecycle admission). */
static int check_namespace(struct api_call *c, struct atoll_err *err)
{
	if (!c->k->namespaced)
		return 0;
	_cleanup_free_ char *key = xasprintf("core/namespaces//%s", c->t.ns);
	struct store_kv kv = { 0 };
	if (store_get(c->r->srv->store, key, &kv, err) < 0) {
		if (err->code == 404)
			err_set(err, 404, "NotFound", "namespaces \"%s\" not found", c->t.ns);
		return -1;
	}
	int terminating = memmem(kv.value->data, kv.value->len, "\"deletionTimestamp\"", 19) != NULL;
	store_kv_release(&kv);
	if (terminating)
		return err_set(err, 403, "Forbidden",
			       "unable to create new content in namespace %s because it is being terminated",
			       c->t.ns);
	return 0;
}

/* Does anything outside metadata and status differ? Then generation moves. */
static bool spec_changed(const json_t *a, const json_t *b)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)a, key, v) {
		if (!strcmp(key, "metadata") || !strcmp(key, "status"))
			continue;
		if (!json_equal(v, json_object_get(b, key)))
			return true;
	}
	json_object_foreach((json_t *)b, key, v) {
		if (!strcmp(key, "metadata") || !strcmp(key, "status"))
			continue;
		if (!json_object_get(a, key))
			return true;
	}
	return false;
}

/* An update that leaves out the allocated cluster IP or node ports keeps them. */
static void keep_allocations(json_t *svc, const json_t *old)
{
	json_t *spec = json_object_get(svc, "spec");
	const json_t *ospec = json_object_get(old, "spec");
	size_t i;
	json_t *p;

	if (!json_is_object(spec))
		return;
	if (!json_object_get(spec, "clusterIP") && json_object_get(ospec, "clusterIP")) {
		json_object_set(spec, "clusterIP", json_object_get(ospec, "clusterIP"));
		json_object_set(spec, "clusterIPs", json_object_get(ospec, "clusterIPs"));
	}
	json_array_foreach(json_object_get(spec, "ports"), i, p) {
		if (json_object_get(p, "nodePort"))
			continue;
		size_t j;
		json_t *op;
		json_array_foreach(json_object_get(ospec, "ports"), j, op)
			if (json_equal(json_object_get(op, "port"), json_object_get(p, "port")) &&
			    json_object_get(op, "nodePort"))
				json_object_set(p, "nodePort", json_object_get(op, "nodePort"));
	}
}

static bool has_generation(const struct api_kind *k, const json_t *obj)
{
	return k->crd || json_object_get(obj, "spec") != NULL;
}

/* System fields come from the server, never from the client. */
static void set_system_meta(struct api_call *c, json_t *obj, json_t *old, bool create)
{
	json_t *m = obj_meta(obj);
	json_t *om = old ? json_object_get(old, "metadata") : NULL;
	char buf[64];

	json_object_del(m, "resourceVersion");
	json_object_del(m, "selfLink");
	if (c->k->namespaced)
		json_object_set_new(m, "namespace", json_string(c->t.ns));
	else
		json_object_del(m, "namespace");
	if (create) {
		obj_uuid(buf, sizeof(buf));
		json_object_set_new(m, "uid", json_string(buf));
		obj_now(buf, sizeof(buf));
		json_object_set_new(m, "creationTimestamp", json_string(buf));
		json_object_del(m, "deletionTimestamp");
		json_object_del(m, "deletionGracePeriodSeconds");
		if (has_generation(c->k, obj))
			json_object_set_new(m, "generation", json_integer(1));
		else
			json_object_del(m, "generation");
		return;
	}
	const char *keep[] = { "uid", "creationTimestamp", "deletionTimestamp",
			       "deletionGracePeriodSeconds", "generation" };
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		json_t *v = json_object_get(om, keep[i]);
		if (v)
			json_object_set(m, keep[i], v);
		else
			json_object_del(m, keep[i]);
	}
	if (has_generation(c->k, obj) && spec_changed(obj, old)) {
		json_int_t g = json_integer_value(json_object_get(om, "generation"));
		json_object_set_new(m, "generation", json_integer(g + 1));
	}
}

int write_object(struct api_call *c, json_t *obj, json_t *old, int64_t old_rev, bool create)
{
	struct api_req *r = c->r;
	struct atoll_err err = ERR_INIT;
	char apiv[128];
	int rc;

	obj_api_version(c->k, apiv, sizeof(apiv));
	json_object_set_new(obj, "apiVersion", json_string(apiv));
	json_object_set_new(obj, "kind", json_string(c->k->kind));
	set_system_meta(c, obj, old, create);

	/* With a status subresource, the main resource cannot change status. */
	if ((c->k->subresources & API_SUB_STATUS) && strcmp(c->t.sub, "status")) {
		if (create && strcmp(c->k->resource, "nodes") && strcmp(c->k->resource, "namespaces"))
			json_object_del(obj, "status");
		else if (!create && old && json_object_get(old, "status"))
			json_object_set(obj, "status", json_object_get(old, "status"));
		else if (!create)
			json_object_del(obj, "status");
	}
	/* A pod's ephemeral containers change only through pods/ephemeralcontainers. */
	if (!create && old && !strcmp(c->k->resource, "pods") && !*c->k->group &&
	    strcmp(c->t.sub, "ephemeralcontainers") && json_is_object(json_object_get(obj, "spec"))) {
		json_t *eph = json_object_get(json_object_get(old, "spec"), "ephemeralContainers");
		if (eph)
			json_object_set(json_object_get(obj, "spec"), "ephemeralContainers", eph);
		else
			json_object_del(json_object_get(obj, "spec"), "ephemeralContainers");
	}
	/*
	 * fieldValidation: Strict makes unknown fields an error, Warn a
	 * warning header; custom resources are checked against their schema,
	 * built-in kinds against their OpenAPI schema.
	 */
	const char *fv = req_query(r, "fieldValidation");
	if (fv && (!strcmp(fv, "Strict") || !strcmp(fv, "Warn"))) {
		const json_t *schema = c->k->crd ? json_object_get(json_object_get(c->k->crd, "schema"), "openAPIV3Schema") : NULL;
		json_t *unknown = c->k->crd ? json_array() : openapi_unknown_fields(c->k, obj);
		if (!unknown)
			unknown = json_array();
		if (schema)
			schema_unknown_fields(schema, obj, "", unknown);
		if (json_array_size(unknown) && !strcmp(fv, "Warn")) {
			size_t i;
			json_t *u;
			json_array_foreach(unknown, i, u)
				req_warn(r, "unknown field \"%s\"", json_string_value(u));
		} else if (json_array_size(unknown)) {
			struct buf msg = BUF_INIT;
			size_t i;
			json_t *u;
			buf_addf(&msg, "%s in version \"%s\" cannot be handled as a %s: strict decoding error: ",
				 c->k->kind, c->k->version, c->k->kind);
			json_array_foreach(unknown, i, u)
				buf_addf(&msg, "%sunknown field \"%s\"", i ? ", " : "", json_string_value(u));
			json_decref(unknown);
			json_decref(obj);
			rc = reply_error(r, 400, "BadRequest", "%s", msg.p);
			buf_release(&msg);
			return rc;
		}
		json_decref(unknown);
	}
	/* Like decoding into typed objects, built-in kinds keep no undeclared fields. */
	openapi_prune_unknown(c->k, obj);
	if (!create && !strcmp(c->k->resource, "services") && !*c->k->group)
		keep_allocations(obj, old);
	if (c->k->defaults)
		c->k->defaults(c->k, obj);

	json_t *causes = json_array();
	if (create && !strcmp(c->k->resource, "services") && !*c->k->group && !c->dry_run &&
	    alloc_service(r->srv->store, obj, &err) < 0)
		json_array_append_new(causes, json_pack("{s:s,s:s,s:s}", "reason", "FieldValueInvalid",
							"message", err.msg, "field", "spec.clusterIPs"));
	obj_validate_meta(c->k, obj, causes);
	if (c->k->validate)
		c->k->validate(c->k, obj, old, causes);
	if (json_array_size(causes)) {
		rc = reply_invalid(r, c->k->kind, obj_name(obj), causes);
		json_decref(obj);
		return rc;
	}
	json_decref(causes);
	/* Pod Security admission sees a pod's ephemeral containers as they are added, as at creation. */
	char why[1100];
	if (!strcmp(c->t.sub, "ephemeralcontainers") && !psa_admit(r, c->t.ns, obj, why, sizeof(why))) {
		json_decref(obj);
		return reply_error(r, 403, "Forbidden", "%s", why);
	}

	/* A deletion waits for its finalizers; the last one removed completes it. */
	const json_t *m = json_object_get(obj, "metadata");
	bool finishing = !create && json_object_get(m, "deletionTimestamp") &&
			 json_array_size(json_object_get(m, "finalizers")) == 0;
	if (c->dry_run) {
		if (!create) {
			char rv[32];
			snprintf(rv, sizeof(rv), "%lld", (long long)old_rev);
			json_object_set_new(obj_meta(obj), "resourceVersion", json_string(rv));
		}
		return reply_json(r, create ? 201 : 200, obj);
	}

	size_t len;
	_cleanup_free_ char *enc = obj_encode(obj, &len);
	if (len > API_MAX_OBJECT) {
		json_decref(obj);
		return reply_error(r, 413, "RequestEntityTooLarge",
				   "the object is larger than the limit of %u bytes", API_MAX_OBJECT);
	}
	_cleanup_free_ char *key = obj_key(c->k, c->t.ns, obj_name(obj));
	int64_t rev = 0;
	if (finishing) {
		rc = store_delete(r->srv->store, key, old_rev, &rev, &err);
	} else {
		struct blob *b = blob_new(enc, len);
		rc = store_put(r->srv->store, key, b, create ? STORE_ABSENT : old_rev, &rev, &err);
		blob_unref(b);
	}
	if (rc < 0 && err.code == 409 && !create && c->retry_conflict) {
		json_decref(obj);
		return 1;
	}
	if (rc < 0) {
		if (err.code == 409 && create)
			err_set(&err, 409, "AlreadyExists", "%s \"%s\" already exists", c->k->resource,
				obj_name(obj));
		else if (err.code == 409)
			err_set(&err, 409, "Conflict",
				"Operation cannot be fulfilled on %s \"%s\": the object has been modified; "
				"please apply your changes to the latest version and try again",
				c->k->resource, obj_name(obj));
		else if (err.code == 404)
			err_set(&err, 404, "NotFound", "%s \"%s\" not found", c->k->resource, obj_name(obj));
		snprintf(c->t.name, sizeof(c->t.name), "%s", obj_name(obj) ? obj_name(obj) : "");
		json_decref(obj);
		return reply_status(r, &err, &c->t);
	}
	write_after(c, obj, finishing);
	if (c->scale_reply) {
		json_t *stored = obj_decode(enc, len, rev);
		json_decref(obj);
		json_t *sv = scale_view(c->k, stored);
		json_decref(stored);
		return reply_json(r, 200, sv);
	}
	struct buf out = BUF_INIT;
	obj_splice_rv(&out, enc, len, rev);
	json_decref(obj);
	char *body = buf_detach(&out, &len);
	return reply_raw(r, create ? 201 : 200, "application/json", body, len);
}

json_t *write_ephemeral_only(const json_t *old, const json_t *obj)
{
	json_t *out = json_deep_copy(old);
	json_t *spec = json_object_get(out, "spec");
	json_t *eph = json_object_get(json_object_get(obj, "spec"), "ephemeralContainers");

	if (json_is_object(spec) && eph)
		json_object_set(spec, "ephemeralContainers", eph);
	else if (json_is_object(spec))
		json_object_del(spec, "ephemeralContainers");
	return out;
}

json_t *write_status_only(const json_t *old, const json_t *obj)
{
	json_t *out = json_deep_copy(old);
	json_t *st = json_object_get(obj, "status");

	if (st)
		json_object_set(out, "status", st);
	else
		json_object_del(out, "status");
	return out;
}

/* The body must be of this kind and, when it says so, of this namespace. */
static int check_body(struct api_call *c, json_t *obj)
{
	char apiv[128];
	const char *av = json_string_value(json_object_get(obj, "apiVersion"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	const char *ns = obj_namespace(obj);

	if (!json_is_object(obj))
		return reply_error(c->r, 400, "BadRequest", "the body must be a JSON object"), -1;
	obj_api_version(c->k, apiv, sizeof(apiv));
	if (kind && strcmp(kind, c->k->kind))
		return reply_error(c->r, 400, "BadRequest",
				   "the kind in the data (%s) does not match the expected kind (%s)",
				   kind, c->k->kind), -1;
	if (av && strcmp(av, apiv)) {
		/* Other served versions of the same group are converted by rewriting apiVersion. */
		const char *slash = strchr(av, '/');
		size_t glen = slash ? (size_t)(slash - av) : 0;
		if (strlen(c->k->group) != glen || strncmp(av, c->k->group, glen))
			return reply_error(c->r, 400, "BadRequest",
					   "the API version in the data (%s) does not match the expected API version (%s)",
					   av, apiv), -1;
	}
	if (c->k->namespaced && ns && *ns && strcmp(ns, c->t.ns))
		return reply_error(c->r, 400, "BadRequest",
				   "the namespace of the provided object does not match the namespace sent on the request"), -1;
	return 0;
}

int crud_create(struct api_call *c)
{
	struct atoll_err err = ERR_INIT;
	json_t *obj = req_body_json(c);

	if (!obj)
		return 0;
	if (check_body(c, obj) < 0) {
		json_decref(obj);
		return 0;
	}
	if (check_namespace(c, &err) < 0) {
		json_decref(obj);
		return reply_status(c->r, &err, &c->t);
	}
	json_t *m = obj_meta(obj);
	const char *name = obj_name(obj);
	const char *gen = json_string_value(json_object_get(m, "generateName"));
	if ((!name || !*name) && gen && *gen) {
		char suffix[8];
		random_suffix(suffix, sizeof(suffix));
		_cleanup_free_ char *n = xasprintf("%.*s%s", 58, gen, suffix);
		json_object_set_new(m, "name", json_string(n));
	}
	if (obj_name(obj))
		snprintf(c->t.name, sizeof(c->t.name), "%s", obj_name(obj));
	apply_track_update(c, NULL, obj);
	return write_object(c, obj, NULL, 0, true);
}

int crud_update(struct api_call *c)
{
	struct atoll_err err = ERR_INIT;
	json_t *obj = req_body_json(c);
	int64_t rev = 0;

	if (!obj)
		return 0;
	if (check_body(c, obj) < 0) {
		json_decref(obj);
		return 0;
	}
	const char *name = obj_name(obj);
	if (!name || strcmp(name, c->t.name)) {
		json_decref(obj);
		return reply_error(c->r, 400, "BadRequest",
				   "the name of the object (%s) does not match the name on the URL (%s)",
				   name ? name : "", c->t.name);
	}
	json_t *old = write_get_current(c, &rev, &err);
	if (!old) {
		json_decref(obj);
		return reply_status(c->r, &err, &c->t);
	}
	const char *rv = json_string_value(json_object_get(obj_meta(obj), "resourceVersion"));
	int64_t expect = rev;
	if (rv && *rv) {
		char *end;
		long long want = strtoll(rv, &end, 10);
		if (*end || want <= 0) {
			json_decref(obj);
			json_decref(old);
			return reply_error(c->r, 400, "BadRequest", "invalid resourceVersion \"%s\"", rv);
		}
		expect = want;
	}
	if (!strcmp(c->t.sub, "status")) {
		/* Only status changes through /status. */
		json_t *st = write_status_only(old, obj);
		json_decref(obj);
		obj = st;
	} else if (!strcmp(c->t.sub, "ephemeralcontainers")) {
		json_t *st = write_ephemeral_only(old, obj);
		json_decref(obj);
		obj = st;
	}
	apply_track_update(c, old, obj);
	int rc = write_object(c, obj, old, expect, false);
	json_decref(old);
	return rc;
}
