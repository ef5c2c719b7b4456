/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Credentials for pulling a pod's image, as the kubelet finds them: the
 * pod's imagePullSecrets (kubernetes.io/dockerconfigjson and dockercfg), and
 * for the embedded registry the node's own token, but only for repositories
 * of the pod's own namespace, so that a team cannot run another team's
 * images without a secret that lets it.
 */
#ifndef ATOLL_AGENT_PULL_AUTH_H
#define ATOLL_AGENT_PULL_AUTH_H

#include <jansson.h>

#include "image/image.h"

struct kclient;

/* Owned strings behind a struct image_auth. */
struct pull_auth {
	struct image_auth a; /* points into the fields below */
	char *ca_file, *bearer, *user, *password;
};

/* Fill out for pulling image into a pod of namespace ns with spec (borrowed). Never fails: no credentials is an answer. */
void pull_auth_for(struct kclient *kc, const char *ns, const json_t *spec, const char *image, struct pull_auth *out);
void pull_auth_release(struct pull_auth *pa);

/* From a docker config JSON (the "auths" object or the old top-level form), the user and password for registry. */
int pull_auth_from_dockercfg(const json_t *cfg, const char *registry, char **user, char **password);

#endif
