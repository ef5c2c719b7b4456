/* SPDX-License-Identifier: Apache-2.0 */
/* JSON documents of an OCI image: index, manifest and config. */
#include <jansson.h>
#include <string.h>

#include "image/image.h"
#include "lib/xalloc.h"

void image_desc_release(struct image_desc *d)
{
	free(d->media_type);
	free(d->digest);
	memset(d, 0, sizeof(*d));
}

void image_manifest_release(struct image_manifest *m)
{
	image_desc_release(&m->config);
	for (size_t i = 0; i < m->nlayers; i++)
		image_desc_release(&m->layers[i]);
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

void image_config_release(struct image_config *c)
{
	strv_free(c->entrypoint);
	strv_free(c->cmd);
	strv_free(c->env);
	free(c->workdir);
	free(c->user);
	memset(c, 0, sizeof(*c));
}

char *image_blob_path(const char *dir, const char *digest)
{
	const char *colon = strchr(digest, ':');

	return xasprintf("%s/blobs/%.*s/%s", dir, (int)(colon - digest), digest, colon + 1);
}

static int desc_parse(json_t *j, struct image_desc *d, const char *what, struct atoll_err *err)
{
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const char *dg = json_string_value(json_object_get(j, "digest"));
	json_t *sz = json_object_get(j, "size");

	if (!json_is_object(j) || !dg || !json_is_integer(sz) || json_integer_value(sz) < 0)
		return err_set(err, 400, "BadManifest", "%s: descriptor needs digest and size", what);
	if (image_digest_valid(dg))
		return err_set(err, 400, "BadManifest", "%s: invalid digest '%s'", what, dg);
	d->media_type = xstrdup(mt ? mt : "");
	d->digest = xstrdup(dg);
	d->size = json_integer_value(sz);
	return 0;
}

static json_t *load(const char *s, size_t len, const char *what, struct atoll_err *err)
{
	json_error_t je;
	json_t *j = json_loadb(s, len, 0, &je);

	if (!j)
		err_set(err, 400, "BadManifest", "%s: invalid JSON: %s (line %d)", what, je.text, je.line);
	else if (!json_is_object(j)) {
		json_decref(j);
		j = NULL;
		err_set(err, 400, "BadManifest", "%s: not a JSON object", what);
	}
	return j;
}

static int platform_ok(json_t *m)
{
	json_t *p = json_object_get(m, "platform");
	const char *os = json_string_value(json_object_get(p, "os"));
	const char *arch = json_string_value(json_object_get(p, "architecture"));

	if (!p)
		return 1;
	return (!os || !strcmp(os, "linux")) && (!arch || !strcmp(arch, "amd64"));
}

int image_index_pick(const char *json, size_t len, const char *tag, struct image_desc *out,
		     int *is_index, struct atoll_err *err)
{
	json_t *j = load(json, len, "index", err), *ms, *m, *chosen = NULL;
	size_t i;
	int ret = -1;

	*is_index = 0;
	if (!j)
		return -1;
	ms = json_object_get(j, "manifests");
	if (!json_is_array(ms)) {
		err_set(err, 400, "BadManifest", "index: no manifests array");
		goto out;
	}
	*is_index = 1;
	json_array_foreach(ms, i, m) {
		json_t *ann = json_object_get(m, "annotations");
		const char *name = json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));

		if (!platform_ok(m))
			continue;
		if (tag ? (name && !strcmp(name, tag)) : (!name || !strcmp(name, "latest") || json_array_size(ms) == 1)) {
			chosen = m;
			break;
		}
	}
	if (!chosen) {
		if (tag)
			err_set(err, 404, "NotFound", "index: no manifest for tag '%s' (linux/amd64)", tag);
		else
			err_set(err, 404, "NotFound", "index: no single manifest; name a tag");
		goto out;
	}
	ret = desc_parse(chosen, out, "index", err);
out:
	json_decref(j);
	return ret;
}

int image_manifest_parse(const char *json, size_t len, struct image_manifest *m, struct atoll_err *err)
{
	json_t *j = load(json, len, "manifest", err), *layers, *l;
	size_t i;
	int ret = -1;

	memset(m, 0, sizeof(*m));
	if (!j)
		return -1;
	if (json_integer_value(json_object_get(j, "schemaVersion")) != 2) {
		err_set(err, 400, "BadManifest", "manifest: schemaVersion must be 2");
		goto out;
	}
	if (json_object_get(j, "manifests")) {
		err_set(err, 400, "BadManifest", "manifest: is an index, not an image manifest");
		goto out;
	}
	if (desc_parse(json_object_get(j, "config"), &m->config, "manifest config", err))
		goto out;
	layers = json_object_get(j, "layers");
	if (!json_is_array(layers)) {
		err_set(err, 400, "BadManifest", "manifest: no layers array");
		goto out;
	}
	m->layers = xcalloc(json_array_size(layers) + 1, sizeof(*m->layers));
	json_array_foreach(layers, i, l) {
		if (desc_parse(l, &m->layers[i], "manifest layer", err))
			goto out;
		m->nlayers++;
	}
	ret = 0;
out:
	if (ret)
		image_manifest_release(m);
	json_decref(j);
	return ret;
}

static char **strv_from(json_t *a)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return NULL;
	char **out = xcalloc(json_array_size(a) + 1, sizeof(char *));
	size_t n = 0;
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			out[n++] = xstrdup(json_string_value(v));
	return out;
}

int image_config_parse(const char *json, size_t len, struct image_config *c, struct atoll_err *err)
{
	json_t *j = load(json, len, "config", err);
	const char *s;

	memset(c, 0, sizeof(*c));
	if (!j)
		return -1;
	json_t *cfg = json_object_get(j, "config");
	c->entrypoint = strv_from(json_object_get(cfg, "Entrypoint"));
	c->cmd = strv_from(json_object_get(cfg, "Cmd"));
	c->env = strv_from(json_object_get(cfg, "Env"));
	if ((s = json_string_value(json_object_get(cfg, "WorkingDir"))) && *s)
		c->workdir = xstrdup(s);
	if ((s = json_string_value(json_object_get(cfg, "User"))) && *s)
		c->user = xstrdup(s);
	json_decref(j);
	return 0;
}
