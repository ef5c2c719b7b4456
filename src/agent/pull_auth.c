/* SPDX-License-Identifier: Apache-2.0 */
/* Image pull credentials: imagePullSecrets, and the node's token for its own namespace's embedded registry. */
#include <string.h>


#include "lib/cryptolib.h"
#include "agent/client.h"
#include "agent/pull_auth.h"
#include "lib/xalloc.h"

/* Base64 to an owned NUL-terminated string, or NULL. */
static char *unbase64(const char *in)
{
	size_t n = strlen(in);
	unsigned char *out = xmalloc(3 * (n / 4) + 4);
	int len = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);

	if (len < 0) {
		free(out);
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	while (n > 0 && in[n - 1] == '=' && len > 0)
		n--, len--;
	out[len] = '\0';
	return (char *)out;
}

/* "https://host:port/x" and "host:port" name the same registry as host:port. */
static bool same_registry(const char *key, const char *registry)
{
	const char *k = strstr(key, "://");
	k = k ? k + 3 : key;
	size_t n = strcspn(k, "/");
	return n == strlen(registry) && !strncmp(k, registry, n);
}

int pull_auth_from_dockercfg(const json_t *cfg, const char *registry, char **user, char **password)
{
	const json_t *auths = json_object_get(cfg, "auths");
	const char *key;
	json_t *e;

	if (!auths)
		auths = cfg; /* .dockercfg: the registries at the top */
	json_object_foreach((json_t *)auths, key, e) {
		if (!same_registry(key, registry))
			continue;
		const char *u = json_string_value(json_object_get(e, "username"));
		const char *p = json_string_value(json_object_get(e, "password"));
		const char *a = json_string_value(json_object_get(e, "auth"));
		if (u && p) {
			*user = xstrdup(u);
			*password = xstrdup(p);
			return 0;
		}
		char *dec = a ? unbase64(a) : NULL;
		char *colon = dec ? strchr(dec, ':') : NULL;
		if (colon) {
			*colon = '\0';
			*user = xstrdup(dec);
			*password = xstrdup(colon + 1);
			free(dec);
			return 0;
		}
		free(dec);
	}
	return -1;
}

/* The first imagePullSecret with credentials for registry. */
static void from_secrets(struct kclient *kc, const char *ns, const json_t *spec, const char *registry,
			 struct pull_auth *out)
{
	size_t i;
	json_t *ref;

	json_array_foreach(json_object_get(spec, "imagePullSecrets"), i, ref) {
		const char *name = json_string_value(json_object_get(ref, "name"));
		struct atoll_err err = ERR_INIT;
		json_t *sec = NULL;
		if (!name)
			continue;
		_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/secrets/%s", ns, name);
		if (kclient_do(kc, "GET", path, NULL, NULL, &sec, &err) == 200) {
			json_t *data = json_object_get(sec, "data");
			const char *b = json_string_value(json_object_get(data, ".dockerconfigjson"));
			if (!b)
				b = json_string_value(json_object_get(data, ".dockercfg"));
			char *txt = b ? unbase64(b) : NULL;
			json_t *cfg = txt ? json_loads(txt, 0, NULL) : NULL;
			if (cfg && pull_auth_from_dockercfg(cfg, registry, &out->user, &out->password) == 0) {
				json_decref(cfg);
				free(txt);
				json_decref(sec);
				return;
			}
			json_decref(cfg);
			free(txt);
		}
		json_decref(sec);
	}
}

void pull_auth_for(struct kclient *kc, const char *ns, const json_t *spec, const char *image, struct pull_auth *out)
{
	struct image_ref ref = { 0 };
	struct atoll_err err = ERR_INIT;

	memset(out, 0, sizeof(*out));
	if (image_ref_parse(image, &ref, &err) < 0 || ref.is_layout) {
		image_ref_release(&ref);
		return;
	}
	/* The embedded registry is the API server's host:port. */
	if (kc->server && same_registry(kc->server, ref.registry)) {
		if (kc->ca_file)
			out->ca_file = xstrdup(kc->ca_file);
		size_t nl = strlen(ns);
		if (kc->token && !strncmp(ref.repo, ns, nl) && ref.repo[nl] == '/')
			out->bearer = xstrdup(kc->token);
	}
	if (!out->bearer)
		from_secrets(kc, ns, spec, ref.registry, out);
	out->a = (struct image_auth){ .ca_file = out->ca_file, .bearer = out->bearer, .user = out->user,
				      .password = out->password };
	image_ref_release(&ref);
}

void pull_auth_release(struct pull_auth *pa)
{
	free(pa->ca_file);
	free(pa->bearer);
	free(pa->user);
	free(pa->password);
	memset(pa, 0, sizeof(*pa));
}
