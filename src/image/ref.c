/* SPDX-License-Identifier: Apache-2.0 */
/* Image references: oci:PATH[:TAG] and [REGISTRY/]REPO[:TAG][@DIGEST]. */
#include <string.h>

#include "image/image.h"
#include "lib/xalloc.h"

void image_ref_release(struct image_ref *ref)
{
	free(ref->path);
	free(ref->registry);
	free(ref->repo);
	free(ref->tag);
	free(ref->digest);
	memset(ref, 0, sizeof(*ref));
}

static int parse_layout(const char *s, struct image_ref *ref, struct atoll_err *err)
{
	/* A tag follows the last ':' unless that colon is part of the path (contains '/'). */
	const char *colon = strrchr(s, ':');

	if (colon && !strchr(colon, '/')) {
		ref->path = xstrndup(s, (size_t)(colon - s));
		ref->tag = xstrdup(colon + 1);
	} else {
		ref->path = xstrdup(s);
	}
	if (!*ref->path)
		return err_set(err, 400, "BadReference", "oci: reference needs a directory");
	return 0;
}

int image_ref_parse(const char *s, struct image_ref *ref, struct atoll_err *err)
{
	memset(ref, 0, sizeof(*ref));
	if (!strncmp(s, "oci:", 4)) {
		ref->is_layout = 1;
		return parse_layout(s + 4, ref, err);
	}
	_cleanup_free_ char *rest = xstrdup(s);
	char *at = strchr(rest, '@');
	if (at) {
		*at = '\0';
		if (image_digest_valid(at + 1))
			return err_set(err, 400, "BadReference", "bad digest in '%s'", s);
		ref->digest = xstrdup(at + 1);
	}
	/* The first component is a registry when it has a '.', a ':' or is localhost. */
	char *slash = strchr(rest, '/');
	char *name = rest;
	if (slash && (memchr(rest, '.', (size_t)(slash - rest)) || memchr(rest, ':', (size_t)(slash - rest)) ||
		      !strncmp(rest, "localhost/", 10))) {
		ref->registry = xstrndup(rest, (size_t)(slash - rest));
		name = slash + 1;
	} else {
		ref->registry = xstrdup("registry-1.docker.io");
		if (!slash) {
			ref->repo = NULL;
			_cleanup_free_ char *lib = xasprintf("library/%s", rest);
			free(rest);
			rest = steal_ptr(&lib);
			name = rest;
		}
	}
	char *colon = strrchr(name, ':');
	if (colon) {
		*colon = '\0';
		ref->tag = xstrdup(colon + 1);
	} else if (!ref->digest) {
		ref->tag = xstrdup("latest");
	}
	if (!*name)
		return err_set(err, 400, "BadReference", "empty repository in '%s'", s);
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("._-/", *p)))
			return err_set(err, 400, "BadReference", "invalid repository name in '%s'", s);
	ref->repo = xstrdup(name);
	return 0;
}
