/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Handlers behind the router. Each answers the request (exactly one reply)
 * and returns 0, or -1 to drop the connection.
 */
#ifndef ATOLL_REQUEST_H
#define ATOLL_REQUEST_H

#include "api/kind.h"
#include "api/server.h"

struct api_call {
	struct api_req *r;
	struct api_target t;
	const struct api_kind *k;
	bool table;          /* Accept asked for meta.k8s.io Table */
	bool dry_run;
	bool scale_reply;    /* answer a write with the Scale view */
	bool retry_conflict; /* write_object returns 1 on a stale write instead of answering */
};

int crud_get(struct api_call *c);
int crud_list(struct api_call *c);
int crud_create(struct api_call *c);
int crud_update(struct api_call *c);
int crud_patch(struct api_call *c);
int crud_delete(struct api_call *c);
int crud_delete_collection(struct api_call *c);
int watch_start(struct api_call *c);
int scale_handle(struct api_call *c);
int pod_logs(struct api_call *c);
/* pods/exec, pods/attach, pods/portforward: proxied to the pod's node (src/api/pod_stream.c). */
int pod_stream(struct api_call *c);
/* The container a request names (or the pod's only or default one); NULL after replying 400. */
const char *pod_stream_container(struct api_call *c, const json_t *pod, bool any_kind);
/* The request's query string ("?..." or ""), without container, owned. */
char *pod_stream_query(struct api_req *r, const char *container);
/* Go's strconv.ParseBool truth: 1, t, T, true, TRUE, True. */
bool query_true(const char *v);
/* The Scale view of an object (owned). */
json_t *scale_view(const struct api_kind *k, const json_t *obj);

/* Parse the request body as JSON (or YAML by Content-Type). Owned result or NULL after replying 400. */
json_t *req_body_json(struct api_call *c);

/* Table rendering (src/api/render.c): owned Table object for objects (borrowed). */
json_t *render_table(const struct api_kind *k, json_t *const *objs, size_t n, const char *rv,
		     const char *include_object);
/* One Table for a single object, used by watch events. */
json_t *render_table_one(const struct api_kind *k, json_t *obj, const char *include_object);

#endif
