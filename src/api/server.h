/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API server's shared state and request object. One struct api_server
 * per process; one struct api_req per HTTP request (owned by the HTTP layer,
 * freed when the request completes).
 */
#ifndef ATOLL_API_SERVER_H
#define ATOLL_API_SERVER_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/err.h"

struct store;
struct MHD_Daemon;
struct MHD_Connection;
struct api_watch;

#define API_MAX_BODY       (3u << 20)   /* request bodies over 3 MiB: 413 */
#define API_MAX_DISCARD    (16u << 20)  /* oversized bodies read and dropped up to this, then we hang up */
#define API_MAX_OBJECT     (1536u << 10) /* stored objects over 1.5 MiB: 413 */
#define API_MAX_DEPTH      100           /* JSON nesting deeper than this: 400 */
#define API_MAX_INFLIGHT   400           /* non-watch requests in flight before 429 */

struct api_server {
	struct store *store;
	struct MHD_Daemon *daemon;
	char *data_dir;
	char *listen_host;
	int port;
	char *admin_token;
	char *local_node;       /* the embedded agent's node name, NULL with --no-node */
	char *cert_pem, *key_pem, *ca_pem; /* owned */
	atomic_int inflight;
	int max_inflight;       /* --max-requests-inflight */
	atomic_int watches;
	struct timespec started;
	atomic_bool ready;
};

/* Where a request goes, parsed from its path. */
struct api_target {
	char group[64];      /* "" for core */
	char version[32];
	char ns[64];         /* "" when not namespaced or all namespaces */
	char resource[64];
	char name[256];
	char sub[32];        /* "status", "scale", ... */
};

struct api_req {
	struct api_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	struct buf body;
	bool body_too_large;
	size_t received;      /* body bytes so far */
	const char *verb;     /* for metrics: get, list, watch, create, ... */
	char resource[64];    /* for metrics */
	struct timespec t0;
	bool counted;         /* counted in srv->inflight */
	struct api_watch *watch; /* non-NULL for a streaming watch */
	char user[128];
	char *warnings;       /* owned: Warning header values, \n-separated */
	bool registry;        /* a /v2 request, handled by src/registry */
	void *reg;            /* the registry's per-request state */
	/* Set by api_authenticate, with user: the caller's groups and uid. */
	char groups[8][64];
	int ngroups;
	char uid[64];
	bool impersonation_done; /* Impersonate-* headers applied (by the first authz_allowed) */
	char audit_note[512];    /* Pod Security audit-level violations, for the audit log */
	/* A 101 answered but not yet taken over (src/api/pod_stream.c): dropped if the connection ends first. */
	void *upgrade_ctx;
	void (*upgrade_abort)(void *ctx);
};

/* Query parameter (decoded), NULL when absent. */
const char *req_query(struct api_req *r, const char *key);
const char *req_header(struct api_req *r, const char *key);
/* Add a Warning: 299 header to the response. */
void req_warn(struct api_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Responses. Each queues the response on the connection; call exactly once.
 * reply_json takes ownership of `body` (a malloc'd buffer).
 */
int reply_raw(struct api_req *r, int code, const char *ctype, char *body, size_t len);
int reply_json(struct api_req *r, int code, json_t *obj); /* takes obj */
int reply_text(struct api_req *r, int code, const char *text);
int reply_status(struct api_req *r, const struct atoll_err *e, const struct api_target *t);
int reply_error(struct api_req *r, int code, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A 422 Invalid Status with causes (takes causes). */
int reply_invalid(struct api_req *r, const char *kind, const char *name, json_t *causes);

/* Build a Kubernetes Status object (returns owned). */
json_t *status_new(int code, const char *reason, const char *message, const char *group,
		   const char *kind, const char *name, json_t *causes);

/*
 * Authenticate from the Authorization header (bearer token). Fills r->user
 * and returns true when the caller is known.
 */
bool api_authenticate(struct api_req *r);
/* The same for one bearer token given directly (a registry's Basic password). */
bool api_authenticate_token(struct api_req *r, const char *tok);

/* The RBAC verb of an HTTP method on one object (named) or a collection. */
const char *api_verb(const char *method, bool named, bool watch);

/* Routing entry point, called once the body is complete. */
int api_route(struct api_req *r);

/* HTTP layer. */
int http_start(struct api_server *srv, struct atoll_err *err);
void http_stop(struct api_server *srv);

/* Metrics. */
void metrics_observe(const char *verb, const char *resource, int code, double seconds);
void metrics_render(struct api_server *srv, struct buf *out);

#endif
