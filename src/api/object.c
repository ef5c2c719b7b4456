/* SPDX-License-Identifier: Apache-2.0 */
/* Keys, metadata and encoding shared by every kind. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "api/object.h"
#include "lib/jdump.h"
#include "lib/jparse.h"
#include "lib/xalloc.h"
#include "store/store.h"

const char *obj_group_key(const char *group)
{
	return group && *group ? group : "core";
}

char *obj_key(const struct api_kind *k, const char *ns, const char *name)
{
	const char *g = obj_group_key(k->group);

	if (!k->namespaced)
		ns = "";
	if (!name)
		return ns ? xasprintf("%s/%s/%s/", g, k->resource, ns)
			  : xasprintf("%s/%s/", g, k->resource);
	return xasprintf("%s/%s/%s/%s", g, k->resource, ns ? ns : "", name);
}

void obj_api_version(const struct api_kind *k, char *out, size_t n)
{
	if (k->group && *k->group)
		snprintf(out, n, "%s/%s", k->group, k->version);
	else
		snprintf(out, n, "%s", k->version);
}

void obj_now(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void obj_uuid(char *out, size_t n)
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		memset(b, 0x5a, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, n,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

json_t *obj_meta(json_t *obj)
{
	json_t *m = json_object_get(obj, "metadata");

	if (!json_is_object(m)) {
		m = json_object();
		json_object_set_new(obj, "metadata", m);
	}
	return m;
}

const char *obj_str(const json_t *obj, const char *path)
{
	char part[128];
	const json_t *cur = obj;

	while (cur && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		cur = json_object_get(cur, part);
		path += n + (dot ? 1 : 0);
	}
	return json_string_value(cur);
}

const char *obj_name(const json_t *obj)
{
	return obj_str(obj, "metadata.name");
}

const char *obj_namespace(const json_t *obj)
{
	return obj_str(obj, "metadata.namespace");
}

char *obj_encode(json_t *obj, size_t *len)
{
	json_t *out = json_object();
	json_t *meta = json_object_get(obj, "metadata");
	const char *key;
	json_t *v;

	/* Canonical order: apiVersion, kind, metadata, then the rest as given. */
	if (json_object_get(obj, "apiVersion"))
		json_object_set(out, "apiVersion", json_object_get(obj, "apiVersion"));
	if (json_object_get(obj, "kind"))
		json_object_set(out, "kind", json_object_get(obj, "kind"));
	if (meta) {
		/* Shallow: only the key table is new, the values (managedFields...) are shared. */
		json_t *m = json_copy(meta);
		json_object_del(m, "resourceVersion");
		json_object_set_new(out, "metadata", m);
	} else {
		json_object_set_new(out, "metadata", json_object());
	}
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "apiVersion") && strcmp(key, "kind") && strcmp(key, "metadata"))
			json_object_set(out, key, v);
	}
	char *s = jdump(out, JSON_COMPACT | JSON_PRESERVE_ORDER, len);
	json_decref(out);
	return s;
}

int obj_store_put(struct store *s, const char *key, json_t *obj, int64_t expect, int64_t *rev,
		  struct atoll_err *err)
{
	size_t len;
	char *enc = obj_encode(obj, &len);
	struct blob *b = blob_new(enc, len);
	int rc;

	free(enc);
	rc = store_put(s, key, b, expect, rev, err);
	blob_unref(b);
	return rc;
}

void obj_splice_rv(struct buf *out, const char *json, size_t len, int64_t rev)
{
	static const char needle[] = "\"metadata\":{";
	const char *m = memmem(json, len, needle, sizeof(needle) - 1);

	if (!m) {
		buf_add(out, json, len);
		return;
	}
	size_t head = (size_t)(m - json) + sizeof(needle) - 1;
	buf_add(out, json, head);
	buf_addf(out, "\"resourceVersion\":\"%lld\"", (long long)rev);
	if (head < len && json[head] != '}')
		buf_addc(out, ',');
	buf_add(out, json + head, len - head);
}

json_t *obj_decode(const char *json, size_t len, int64_t rev)
{
	json_t *o = jparse_loadb(json, len, 0, NULL);
	char rv[32];

	if (!o)
		return NULL;
	snprintf(rv, sizeof(rv), "%lld", (long long)rev);
	json_object_set_new(obj_meta(o), "resourceVersion", json_string(rv));
	return o;
}

static void cause(json_t *causes, const char *reason, const char *field, const char *msg)
{
	json_array_append_new(causes, json_pack("{s:s,s:s,s:s}", "reason", reason, "message", msg,
						"field", field));
}

int obj_valid_dns1123_label(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-'))
			return 0;
	}
	return s[0] != '-' && s[n - 1] != '-';
}

int obj_valid_dns1123_subdomain(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-' || c == '.'))
			return 0;
		if (c == '.' && (i == 0 || s[i - 1] == '.' || s[i - 1] == '-' || i + 1 == n ||
				 s[i + 1] == '-'))
			return 0;
	}
	return isalnum((unsigned char)s[0]) && isalnum((unsigned char)s[n - 1]);
}

/* Label/annotation key: [prefix/]name, name <= 63 of [A-Za-z0-9._-], alnum at both ends. */
static int valid_qualified_name(const char *s)
{
	const char *slash = strchr(s, '/');
	const char *name = slash ? slash + 1 : s;
	size_t n = strlen(name);

	if (slash) {
		char prefix[254];
		size_t pn = (size_t)(slash - s);
		if (pn == 0 || pn >= sizeof(prefix))
			return 0;
		memcpy(prefix, s, pn);
		prefix[pn] = '\0';
		if (!obj_valid_dns1123_subdomain(prefix))
			return 0;
	}
	if (n == 0 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)name[i]) || strchr("-_.", name[i])))
			return 0;
	return isalnum((unsigned char)name[0]) && isalnum((unsigned char)name[n - 1]);
}

static int valid_label_value(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return 1;
	if (n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || strchr("-_.", s[i])))
			return 0;
	return isalnum((unsigned char)s[0]) && isalnum((unsigned char)s[n - 1]);
}

void obj_validate_meta(const struct api_kind *k, const json_t *obj, json_t *causes)
{
	const json_t *meta = json_object_get(obj, "metadata");
	const char *name = obj_name(obj);
	char msg[512];
	const char *key;
	json_t *v;

	if (!name || !*name) {
		cause(causes, "FieldValueRequired", "metadata.name",
		      "Required value: name or generateName is required");
	} else {
		/* Namespaces and Services use DNS labels; most others subdomains. */
		int label = !strcmp(k->resource, "namespaces") || !strcmp(k->resource, "services");
		if (label ? !obj_valid_dns1123_label(name) : !obj_valid_dns1123_subdomain(name)) {
			snprintf(msg, sizeof(msg),
				 "Invalid value: \"%.300s\": a lowercase RFC 1123 %s must consist of lower case "
				 "alphanumeric characters, '-'%s, and must start and end with an "
				 "alphanumeric character",
				 name, label ? "label" : "subdomain", label ? "" : " or '.'");
			cause(causes, "FieldValueInvalid", "metadata.name", msg);
		}
	}
	json_t *labels = json_object_get(meta, "labels");
	if (labels && !json_is_object(labels) && !json_is_null(labels))
		cause(causes, "FieldValueTypeInvalid", "metadata.labels", "must be an object");
	json_object_foreach(labels, key, v) {
		char field[400];
		snprintf(field, sizeof(field), "metadata.labels");
		if (!valid_qualified_name(key)) {
			snprintf(msg, sizeof(msg),
				 "Invalid value: \"%.200s\": name part must consist of alphanumeric "
				 "characters, '-', '_' or '.', and must start and end with an alphanumeric "
				 "character (at most 63 characters)", key);
			cause(causes, "FieldValueInvalid", field, msg);
		} else if (!json_is_string(v) || !valid_label_value(json_string_value(v))) {
			snprintf(msg, sizeof(msg),
				 "Invalid value: \"%.200s\": a valid label must be an empty string or consist "
				 "of alphanumeric characters, '-', '_' or '.', and must start and end with an "
				 "alphanumeric character (at most 63 characters)",
				 json_is_string(v) ? json_string_value(v) : "(not a string)");
			cause(causes, "FieldValueInvalid", field, msg);
		}
	}
	json_t *ann = json_object_get(meta, "annotations");
	size_t total = 0;
	json_object_foreach(ann, key, v) {
		if (!valid_qualified_name(key)) {
			snprintf(msg, sizeof(msg), "Invalid value: \"%.200s\": invalid annotation key", key);
			cause(causes, "FieldValueInvalid", "metadata.annotations", msg);
		}
		if (!json_is_string(v))
			cause(causes, "FieldValueTypeInvalid", "metadata.annotations",
			      "annotation values must be strings");
		else
			total += strlen(key) + json_string_length(v);
	}
	if (total > 256 * 1024)
		cause(causes, "FieldValueTooLong", "metadata.annotations",
		      "Too long: must have at most 262144 bytes");
}
