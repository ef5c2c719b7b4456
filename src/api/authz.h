/* SPDX-License-Identifier: Apache-2.0 */
/* May the caller do this? One decision for the API and the registry. */
#ifndef ATOLL_AUTHZ_H
#define ATOLL_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>

struct api_req;

/* What a request wants to do, in RBAC terms. */
struct authz_attrs {
	const char *verb;        /* get, list, watch, create, update, patch, delete, deletecollection */
	const char *group;       /* "" for core */
	const char *resource;    /* plural, "" for non-resource requests */
	const char *subresource; /* "" when none */
	const char *ns;          /* "" when cluster-wide */
	const char *name;        /* "" when none */
	const char *path;        /* non-resource URL ("/metrics"), NULL for resources */
};

/*
 * Decide for the authenticated caller of r (r->user). Returns true to allow;
 * on deny writes a message for the 403 Status into why.
 */
bool authz_allowed(struct api_req *r, const struct authz_attrs *a, char *why, size_t n);

#endif
