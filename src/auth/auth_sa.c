/* SPDX-License-Identifier: Apache-2.0 */
/* ServiceAccount tokens: the signing key, and checking a presented token against the store. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/cryptolib.h"
#include "api/pki.h"
#include "api/server.h"
#include "auth/auth.h"
#include "auth/jwt.h"
#include "lib/jparse.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store.h"

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static EVP_PKEY *sa_key;

EVP_PKEY *auth_sa_key(const char *data_dir)
{
	pthread_mutex_lock(&key_lock);
	if (!sa_key) {
		_cleanup_free_ char *path = xasprintf("%s/pki/sa.key", data_dir);
		_cleanup_free_ char *pem = file_read(path, NULL);
		if (pem) {
			BIO *b = BIO_new_mem_buf(pem, -1);
			sa_key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
			BIO_free(b);
		}
		if (!sa_key) {
			sa_key = EVP_EC_gen("P-256");
			BIO *b = BIO_new(BIO_s_mem());
			char *p;
			PEM_write_bio_PrivateKey(b, sa_key, NULL, NULL, 0, NULL, NULL);
			long n = BIO_get_mem_data(b, &p);
			if (file_write_atomic(path, p, (size_t)n, 0600) < 0)
				log_msg(LOG_WARN, "auth", "cannot write %s", path);
			BIO_free(b);
		}
	}
	pthread_mutex_unlock(&key_lock);
	return sa_key;
}

char *auth_sa_mint(const char *data_dir, const char *ns, const char *sa, const char *sa_uid, const char *pod,
		   const char *pod_uid, const json_t *aud, long long secs, long long now)
{
	char sub[400];
	json_t *claims = json_pack("{s:o,s:I,s:I,s:I,s:s,s:s,s:{s:s,s:{s:s,s:s}}}", "aud",
				   json_array_size(aud) ? json_incref((json_t *)aud) : json_pack("[s]", AUTH_AUDIENCE),
				   "exp", (json_int_t)(now + secs), "iat", (json_int_t)now, "nbf", (json_int_t)now,
				   "iss", AUTH_ISSUER, "sub", "", "kubernetes.io", "namespace", ns,
				   "serviceaccount", "name", sa, "uid", sa_uid);

	snprintf(sub, sizeof(sub), "system:serviceaccount:%s:%s", ns, sa);
	json_object_set_new(claims, "sub", json_string(sub));
	if (pod)
		json_object_set_new(json_object_get(claims, "kubernetes.io"), "pod",
				    json_pack("{s:s,s:s}", "name", pod, "uid", pod_uid ? pod_uid : ""));
	char *tok = jwt_sign(claims, auth_sa_key(data_dir), NULL);
	json_decref(claims);
	return tok;
}

/* The stored object's metadata.uid, or NULL when absent (owned). */
static char *uid_of(struct store *s, const char *res, const char *ns, const char *name)
{
	struct atoll_err err = ERR_INIT;
	struct store_kv kv = { 0 };
	_cleanup_free_ char *key = xasprintf("core/%s/%s/%s", res, ns, name);

	if (store_get(s, key, &kv, &err) < 0)
		return NULL;
	json_t *o = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
	store_kv_release(&kv);
	const char *u = json_string_value(json_object_get(json_object_get(o, "metadata"), "uid"));
	char *out = xstrdup(u ? u : "");
	json_decref(o);
	return out;
}

static bool has_audience(const json_t *aud)
{
	size_t i;
	json_t *v;

	if (json_is_string(aud))
		return !strcmp(json_string_value(aud), AUTH_AUDIENCE);
	json_array_foreach(aud, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), AUTH_AUDIENCE))
			return true;
	return false;
}

bool auth_from_sa_token(struct api_req *r, const char *token)
{
	json_t *c = jwt_verify(token, auth_sa_key(r->srv->data_dir));
	_cleanup_free_ char *have = NULL, *pod_uid = NULL;
	bool ok = false;

	if (!c)
		return false;
	json_int_t now = (json_int_t)time(NULL);
	const json_t *k = json_object_get(c, "kubernetes.io");
	const char *iss = json_string_value(json_object_get(c, "iss"));
	const char *ns = json_string_value(json_object_get(k, "namespace"));
	const json_t *sa = json_object_get(k, "serviceaccount"), *pod = json_object_get(k, "pod");
	const char *sa_name = json_string_value(json_object_get(sa, "name"));
	const char *sa_uid = json_string_value(json_object_get(sa, "uid"));
	json_t *exp = json_object_get(c, "exp"), *nbf = json_object_get(c, "nbf");

	/* 60 s of leeway on not-before for clock skew, none on expiry. */
	if (!json_is_integer(exp) || json_integer_value(exp) <= now ||
	    (nbf && json_integer_value(nbf) > now + 60) || !iss || strcmp(iss, AUTH_ISSUER) ||
	    !has_audience(json_object_get(c, "aud")) || !ns || !sa_name || !sa_uid)
		goto out;
	have = uid_of(r->srv->store, "serviceaccounts", ns, sa_name);
	if (!have || strcmp(have, sa_uid))
		goto out;
	if (pod) {
		const char *pn = json_string_value(json_object_get(pod, "name"));
		const char *pu = json_string_value(json_object_get(pod, "uid"));
		pod_uid = pn ? uid_of(r->srv->store, "pods", ns, pn) : NULL;
		if (!pod_uid || !pu || strcmp(pod_uid, pu))
			goto out;
	}
	snprintf(r->user, sizeof(r->user), "system:serviceaccount:%s:%s", ns, sa_name);
	snprintf(r->uid, sizeof(r->uid), "%s", sa_uid);
	char g[200];
	auth_add_group(r, "system:serviceaccounts");
	snprintf(g, sizeof(g), "system:serviceaccounts:%s", ns);
	auth_add_group(r, g);
	ok = true;
out:
	json_decref(c);
	return ok;
}
