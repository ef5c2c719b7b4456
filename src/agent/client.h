/* SPDX-License-Identifier: Apache-2.0 */
/* A small client of the Kubernetes API over HTTPS (libcurl), for the node agent. */
#ifndef ATOLL_AGENT_CLIENT_H
#define ATOLL_AGENT_CLIENT_H

#include <jansson.h>
#include <stdbool.h>

#include "lib/buf.h"
#include "lib/err.h"

struct kclient {
	char *server;  /* "https://127.0.0.1:6443" (owned) */
	char *token;   /* bearer token (owned) */
	char *ca_file; /* PEM file of the server's CA (owned) */
};

/* Fill c (copies every string). */
void kclient_init(struct kclient *c, const char *server, const char *token, const char *ca_file);
void kclient_release(struct kclient *c);

/*
 * One request; body may be NULL. Returns the HTTP status (with the response
 * body parsed into *out when out is non-NULL and it is JSON), or -1 with err
 * when the server could not be reached.
 */
int kclient_do(struct kclient *c, const char *method, const char *path, const char *ctype,
	       const json_t *body, json_t **out, struct atoll_err *err);

/*
 * Stream a watch (path must include watch=1): calls fn for every event
 * object until fn returns non-zero, the server ends the stream, or an error.
 * Returns 0 when the stream ended, -1 on error.
 */
typedef int (*kclient_event_fn)(const char *type, json_t *object, void *ctx);
int kclient_watch(struct kclient *c, const char *path, kclient_event_fn fn, void *ctx,
		  struct atoll_err *err);

#endif
