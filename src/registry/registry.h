/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The embedded OCI registry, served under /v2/ on the API server's port.
 * The HTTP layer hands every /v2 request to registry_access() for all of its
 * callbacks (libmicrohttpd access-handler semantics: called first with no
 * body, then with each body chunk, then once with *upload_size == 0), so
 * uploads stream to disk instead of being collected in memory.
 */
#ifndef ATOLL_REGISTRY_H
#define ATOLL_REGISTRY_H

#include <jansson.h>
#include <stddef.h>

struct api_req;
struct api_server;

/* Open the blob store under DATA/registry. Returns 0 or -1 with a message in err. */
int registry_init(struct api_server *srv, char *err, size_t errlen);

/*
 * One callback of a /v2 request. r->reg is the registry's per-request
 * state (NULL on the first call). Returns 0 to continue, -1 to close the
 * connection.
 */
int registry_access(struct api_req *r, const char *upload_data, size_t *upload_size);

/* The request is over (answered or aborted): free r->reg. */
void registry_done(struct api_req *r);

/*
 * The read-only `images` kind (core group, v1, namespaced): the registry
 * writes one Image per repository to core/images/<ns>/<name>; these print
 * its kubectl table (both return owned JSON).
 */
struct api_kind;
json_t *registry_image_columns(const struct api_kind *k);
json_t *registry_image_row(const struct api_kind *k, const json_t *obj);

#endif
