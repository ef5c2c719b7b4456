/* SPDX-License-Identifier: Apache-2.0 */
/* Projected volumes: several sources in one directory, with bound service-account tokens. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/cryptolib.h"
#include "agent/client.h"
#include "agent/volumes.h"
#include "agent/volumes_int.h"
#include "lib/xalloc.h"

/* A token for the pod's service account, bound to the pod (owned), or NULL with why. */
static char *mint_token(struct kclient *kc, const json_t *pod, const json_t *sat, char *why, size_t n)
{
	const json_t *meta = json_object_get(pod, "metadata"), *spec = json_object_get(pod, "spec");
	const char *ns = json_string_value(json_object_get(meta, "namespace")) ?: "default";
	const char *sa = json_string_value(json_object_get(spec, "serviceAccountName"));
	const char *aud = json_string_value(json_object_get(sat, "audience"));
	json_t *exp = json_object_get(sat, "expirationSeconds");
	struct atoll_err err = ERR_INIT;
	json_t *res = NULL;

	if (!sa || !*sa)
		sa = "default";
	json_t *req = json_pack("{s:s,s:s,s:{s:I,s:{s:s,s:s,s:s,s:s}}}", "apiVersion", "authentication.k8s.io/v1",
				"kind", "TokenRequest", "spec", "expirationSeconds",
				(json_int_t)(json_is_integer(exp) ? json_integer_value(exp) : 3600), "boundObjectRef",
				"apiVersion", "v1", "kind", "Pod", "name",
				json_string_value(json_object_get(meta, "name")) ?: "", "uid",
				json_string_value(json_object_get(meta, "uid")) ?: "");
	if (aud && *aud)
		json_object_set_new(json_object_get(req, "spec"), "audiences", json_pack("[s]", aud));
	if (!kc) {
		json_decref(req);
		snprintf(why, n, "service account token: no API client");
		return NULL;
	}
	_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/serviceaccounts/%s/token", ns, sa);
	int code = kclient_do(kc, "POST", path, "application/json", req, &res, &err);
	json_decref(req);
	const char *tok = json_string_value(json_object_get(json_object_get(res, "status"), "token"));
	char *out = code == 201 || code == 200 ? (tok ? xstrdup(tok) : NULL) : NULL;
	if (!out)
		snprintf(why, n, "service account token for %s/%s: %s", ns, sa,
			 code < 0 ? err.msg : json_string_value(json_object_get(res, "message")) ?: "no token");
	json_decref(res);
	return out;
}

/* The claims of a JWT (owned), or NULL; no signature check: it is our own earlier token. */
static json_t *jwt_claims(const char *tok)
{
	const char *a = strchr(tok, '.'), *b = a ? strchr(a + 1, '.') : NULL;
	if (!b || b - a - 1 > 8192)
		return NULL;
	size_t len = (size_t)(b - a - 1), m = (len + 3) / 4 * 4;
	_cleanup_free_ unsigned char *std = xmalloc(m + 1), *raw = xmalloc(m + 1);
	for (size_t i = 0; i < m; i++) {
		char c = i < len ? a[1 + i] : '=';
		std[i] = (unsigned char)(c == '-' ? '+' : c == '_' ? '/' : c);
	}
	int k = EVP_DecodeBlock(raw, std, (int)m);
	if (k < 0)
		return NULL;
	/* EVP_DecodeBlock counts padding as zero bytes: trailing NULs end the JSON anyway. */
	while (k > 0 && raw[k - 1] == '\0')
		k--;
	return json_loadb((const char *)raw, (size_t)k, 0, NULL);
}

/* The token kept in dir/path when it is for this pod and not yet due for rotation (owned), else NULL. */
static char *kept_token(const char *dir, const char *path, const json_t *pod)
{
	if (!dir)
		return NULL;
	_cleanup_free_ char *file = xasprintf("%s/%s", dir, path);
	char buf[16384];
	FILE *f = fopen(file, "re");
	size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[len] = '\0';
	json_t *c = len ? jwt_claims(buf) : NULL;
	json_int_t iat = json_integer_value(json_object_get(c, "iat")), exp = json_integer_value(json_object_get(c, "exp"));
	const char *uid = json_string_value(json_object_get(json_object_get(json_object_get(c, "kubernetes.io"), "pod"), "uid"));
	bool fresh = c && exp > iat && uid &&
		     !strcmp(uid, json_string_value(json_object_get(json_object_get(pod, "metadata"), "uid")) ?: "") &&
		     (json_int_t)time(NULL) < iat + (exp - iat) * 8 / 10;
	json_decref(c);
	return fresh ? xstrdup(buf) : NULL;
}

int vol_projected(struct kclient *kc, const json_t *pod, const json_t *src, const char *dir,
		  struct vol_payload *p, char *why, size_t n)
{
	const char *ns = json_string_value(json_object_get(json_object_get(pod, "metadata"), "namespace")) ?: "default";
	const json_t *dmv = json_object_get(src, "defaultMode");
	mode_t dm = 0644;
	size_t i;
	json_t *s;

	if (dmv) {
		if (!json_is_integer(dmv) || json_integer_value(dmv) < 0 || json_integer_value(dmv) > 0777) {
			snprintf(why, n, "defaultMode must be between 0 and 0777");
			return -1;
		}
		dm = (mode_t)json_integer_value(dmv);
	}
	json_array_foreach(json_object_get(src, "sources"), i, s) {
		const json_t *x;
		if ((x = json_object_get(s, "configMap")) || (x = json_object_get(s, "secret"))) {
			bool secret = json_object_get(s, "secret") != NULL;
			const char *name = json_string_value(json_object_get(x, "name"));
			json_t *obj = name ? vol_get_source(kc, ns, secret ? "secrets" : "configmaps", name) : NULL;
			int r = vol_from_data(p, x, obj, secret, dm, why, n);
			json_decref(obj);
			if (r < 0)
				return -1;
		} else if ((x = json_object_get(s, "downwardAPI"))) {
			if (vol_from_downward(p, json_object_get(x, "items"), pod, dm, why, n) < 0)
				return -1;
		} else if ((x = json_object_get(s, "serviceAccountToken"))) {
			const char *path = json_string_value(json_object_get(x, "path"));
			if (!vol_path_ok(path, true, why, n))
				return -1;
			_cleanup_free_ char *tok = kept_token(dir, path, pod);
			if (!tok)
				tok = mint_token(kc, pod, x, why, n);
			if (!tok)
				return -1;
			vol_payload_add(p, path, tok, strlen(tok), dm);
		} else {
			snprintf(why, n, "projected volume: unsupported source %zu", i);
			return -1;
		}
	}
	return 0;
}
