/* SPDX-License-Identifier: Apache-2.0 */
/* The files of configMap, secret and downwardAPI volume sources, as the kubelet lays them out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cryptolib.h"
#include "agent/volumes.h"
#include "api/quantity.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

/* Decode base64 s into an owned buffer; NULL when s is not base64. */
static unsigned char *b64_decode(const char *s, size_t *out_len)
{
	size_t len = strlen(s);
	unsigned char *raw = xmalloc(len + 4);
	int m = len ? EVP_DecodeBlock(raw, (const unsigned char *)s, (int)len) : 0;

	if (m < 0 || len % 4) {
		free(raw);
		return NULL;
	}
	/* EVP_DecodeBlock counts padding as zero bytes. */
	while (len && s[len - 1] == '=' && m > 0) {
		m--;
		len--;
	}
	*out_len = (size_t)m;
	return raw;
}

/* A mode from JSON (Kubernetes gives decimal, e.g. 420 for 0644); -1 when out of 0..0777. */
static long mode_of(const json_t *v, mode_t dflt)
{
	if (!v)
		return (long)dflt;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 0777)
		return -1;
	return (long)json_integer_value(v);
}

/* Look up key in obj's data (and binaryData): the bytes (owned) or NULL. */
static unsigned char *lookup(const json_t *obj, const char *key, bool secret, size_t *len)
{
	const char *s = json_string_value(json_object_get(json_object_get(obj, "data"), key));

	if (s && !secret) {
		*len = strlen(s);
		unsigned char *b = xmalloc(*len + 1);
		memcpy(b, s, *len + 1);
		return b;
	}
	if (s)
		return b64_decode(s, len);
	if (!secret && (s = json_string_value(json_object_get(json_object_get(obj, "binaryData"), key))))
		return b64_decode(s, len);
	return NULL;
}

int vol_from_data(struct vol_payload *p, const json_t *src, const json_t *obj, bool secret,
		  mode_t default_mode, char *why, size_t n)
{
	const char *name = json_string_value(json_object_get(src, secret ? "secretName" : "name"));
	bool optional = json_is_true(json_object_get(src, "optional"));
	const char *kind = secret ? "secret" : "configmap";
	const json_t *items = json_object_get(src, "items");
	size_t i;
	json_t *it;

	if (!name)
		name = json_string_value(json_object_get(src, "name"));
	if (!obj) {
		if (optional)
			return 0;
		snprintf(why, n, "%s \"%s\" not found", kind, name ? name : "");
		return -1;
	}
	if (json_array_size(items)) {
		json_array_foreach(items, i, it) {
			const char *key = json_string_value(json_object_get(it, "key"));
			const char *path = json_string_value(json_object_get(it, "path"));
			long mode = mode_of(json_object_get(it, "mode"), default_mode);
			size_t len = 0;
			if (!key || !vol_path_ok(path, true, why, n))
				return key ? -1 : (snprintf(why, n, "%s item %zu has no key", kind, i), -1);
			if (mode < 0) {
				snprintf(why, n, "%s item %s: mode must be between 0 and 0777", kind, key);
				return -1;
			}
			_cleanup_free_ unsigned char *b = lookup(obj, key, secret, &len);
			if (!b) {
				if (optional)
					continue;
				snprintf(why, n, "%s references non-existent %s key: %s", kind,
					 secret ? "secret" : "config", key);
				return -1;
			}
			vol_payload_add(p, path, b, len, (mode_t)mode);
		}
		return 0;
	}
	static const char *const fields[] = { "data", "binaryData" };
	for (size_t f = 0; f < (secret ? 1u : 2u); f++) {
		const char *key;
		json_t *v;
		json_object_foreach(json_object_get(obj, fields[f]), key, v) {
			size_t len = 0;
			if (!vol_path_ok(key, true, why, n))
				return -1;
			_cleanup_free_ unsigned char *b = lookup(obj, key, secret, &len);
			if (b)
				vol_payload_add(p, key, b, len, default_mode);
		}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A map as the kubelet formats labels and annotations: sorted `k="v"` lines, values Go-quoted. */
static char *format_map(const json_t *m)
{
	size_t n = json_object_size(m), i = 0;
	const char **keys = xcalloc(n ? n : 1, sizeof(*keys));
	const char *k;
	json_t *v;
	struct buf b;

	buf_init(&b);

	json_object_foreach((json_t *)m, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++) {
		const char *s = json_string_value(json_object_get(m, keys[i]));
		buf_addf(&b, "%s%s=\"", i ? "\n" : "", keys[i]);
		for (; s && *s; s++) {
			if (*s == '"' || *s == '\\')
				buf_addf(&b, "\\%c", *s);
			else if (*s == '\n')
				buf_adds(&b, "\\n");
			else if (*s == '\t')
				buf_adds(&b, "\\t");
			else
				buf_addc(&b, *s);
		}
		buf_adds(&b, "\"");
	}
	free(keys);
	return buf_detach(&b, NULL);
}

/* The value of a fieldRef (owned), or NULL when the field is not offered. */
static char *field_value(const json_t *pod, const char *path)
{
	const json_t *meta = json_object_get(pod, "metadata");
	static const char *const plain[] = { "name", "namespace", "uid" };
	char key[256];

	if (!strncmp(path, "metadata.", 9))
		for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
			if (!strcmp(path + 9, plain[i]))
				return xstrdup(json_string_value(json_object_get(meta, plain[i])) ?: "");
	if (!strcmp(path, "metadata.labels") || !strcmp(path, "metadata.annotations"))
		return format_map(json_object_get(meta, path + 9));
	const char *which = !strncmp(path, "metadata.labels['", 17) ? "labels"
			  : !strncmp(path, "metadata.annotations['", 22) ? "annotations" : NULL;
	if (which) {
		const char *start = strchr(path, '\'') + 1, *end = strrchr(path, '\'');
		if (end <= start || (size_t)(end - start) >= sizeof(key))
			return NULL;
		memcpy(key, start, (size_t)(end - start));
		key[end - start] = '\0';
		return xstrdup(json_string_value(json_object_get(json_object_get(meta, which), key)) ?: "");
	}
	if (!strcmp(path, "spec.nodeName") || !strcmp(path, "spec.serviceAccountName"))
		return xstrdup(json_string_value(json_object_get(json_object_get(pod, "spec"), path + 5)) ?: "");
	return NULL;
}

/* The node's allocatable CPU (milli) and memory (bytes): what an unset limit means. */
static int64_t node_alloc(bool cpu)
{
	if (cpu)
		return (int64_t)sysconf(_SC_NPROCESSORS_ONLN) * 1000;
	return (int64_t)sysconf(_SC_PHYS_PAGES) * (int64_t)sysconf(_SC_PAGESIZE);
}

/* A resourceFieldRef's value (owned), or NULL with why. */
static char *resource_value(const json_t *pod, const json_t *ref, const char *cname, char *why, size_t n)
{
	const char *res = json_string_value(json_object_get(ref, "resource"));
	const char *div = json_string_value(json_object_get(ref, "divisor"));
	const json_t *c = NULL;
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, v)
		if (cname && !strcmp(json_string_value(json_object_get(v, "name")) ?: "", cname))
			c = v;
	if (!c || !res) {
		snprintf(why, n, "resourceFieldRef: container \"%s\" not found", cname ? cname : "");
		return NULL;
	}
	const char *dot = strchr(res, '.');
	bool cpu = dot && !strcmp(dot + 1, "cpu"), limits = !strncmp(res, "limits.", 7);
	if (!dot || (strncmp(res, "limits.", 7) && strncmp(res, "requests.", 9))) {
		snprintf(why, n, "resourceFieldRef: unsupported resource %s", res);
		return NULL;
	}
	const json_t *r = json_object_get(json_object_get(c, "resources"), limits ? "limits" : "requests");
	const char *qs = json_string_value(json_object_get(r, dot + 1));
	struct quantity q, d;
	int64_t val = 0, dv = 0;
	if (qs) {
		if (quantity_parse(qs, &q, NULL) < 0 || (cpu ? quantity_milli(&q, &val) : quantity_value(&q, &val)) < 0) {
			snprintf(why, n, "resourceFieldRef: bad quantity %s", qs);
			return NULL;
		}
	} else if (limits) {
		val = node_alloc(cpu);
	}
	if (quantity_parse(div ? div : "1", &d, NULL) < 0 ||
	    (cpu ? quantity_milli(&d, &dv) : quantity_value(&d, &dv)) < 0 || dv <= 0) {
		snprintf(why, n, "resourceFieldRef: bad divisor %s", div ? div : "");
		return NULL;
	}
	/* Rounded up, as the kubelet does (a 250m CPU limit reads as 1 core). */
	return xasprintf("%lld", (long long)((val + dv - 1) / dv));
}

int vol_from_downward(struct vol_payload *p, const json_t *items, const json_t *pod, mode_t default_mode,
		      char *why, size_t n)
{
	size_t i;
	json_t *it;

	json_array_foreach(items, i, it) {
		const char *path = json_string_value(json_object_get(it, "path"));
		const json_t *fr = json_object_get(it, "fieldRef"), *rr = json_object_get(it, "resourceFieldRef");
		long mode = mode_of(json_object_get(it, "mode"), default_mode);
		_cleanup_free_ char *val = NULL;

		if (!vol_path_ok(path, true, why, n))
			return -1;
		if (mode < 0) {
			snprintf(why, n, "downwardAPI item %s: mode must be between 0 and 0777", path);
			return -1;
		}
		if (fr) {
			const char *fp = json_string_value(json_object_get(fr, "fieldPath"));
			if (!fp || !(val = field_value(pod, fp))) {
				snprintf(why, n, "downwardAPI: unsupported fieldPath %s", fp ? fp : "");
				return -1;
			}
		} else if (rr) {
			if (!(val = resource_value(pod, rr, json_string_value(json_object_get(rr, "containerName")),
						   why, n)))
				return -1;
		} else {
			snprintf(why, n, "downwardAPI item %s has neither fieldRef nor resourceFieldRef", path);
			return -1;
		}
		vol_payload_add(p, path, val, strlen(val), (mode_t)mode);
	}
	return 0;
}
