/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET pods/NAME/log: a container's output rendered from its CRI log file
 * (agent/crilog.h) with kubectl's options: container, timestamps,
 * sinceSeconds/sinceTime, tailLines, limitBytes, previous, follow. Pods of
 * the server's embedded node are read from the shared data dir; others are
 * asked of their node's agent (/containerLogs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/crilog.h"
#include "agent/pods.h"
#include "api/logs.h"
#include "api/node_conn.h"
#include "api/object.h"
#include "api/pki.h"
#include "api/request.h"
#include "api/write.h"
#include "lib/serverlibs.h"
#include "lib/xalloc.h"

#define LOG_MAX_BODY (64u << 20)

static const char *query(void *ctx, const char *key)
{
	return req_query(ctx, key);
}

/* Logs of a pod on another node: its agent renders them; we pass them on. */
static int remote_logs(struct api_call *c, const json_t *pod, const char *ctr, bool follow)
{
	struct atoll_err err = ERR_INIT;
	struct node_conn *nc = xcalloc(1, sizeof(*nc));
	_cleanup_free_ char *q = pod_stream_query(c->r, NULL);
	_cleanup_free_ char *path = xasprintf("/containerLogs/%s/%s/%s%s", c->t.ns, c->t.name, ctr, q);

	if (node_conn_open(c->r->srv, pod, path, NULL, false, nc, &err) < 0) {
		free(nc);
		return reply_status(c->r, &err, &c->t);
	}
	if (nc->code != 200 || !follow) {
		struct buf body = BUF_INIT;
		char tmp[16384];
		ssize_t n;
		while (body.len < LOG_MAX_BODY && (n = node_conn_read(nc, tmp, sizeof(tmp))) > 0)
			buf_add(&body, tmp, (size_t)n);
		int code = nc->code;
		node_conn_close(nc);
		free(nc);
		if (code != 200) {
			int rc = reply_error(c->r, code >= 400 && code < 600 ? code : 502, NULL, "%s", body.p);
			buf_release(&body);
			return rc;
		}
		size_t len;
		char *s = buf_detach(&body, &len);
		return reply_raw(c->r, 200, "text/plain", s, len);
	}
	int rc = logs_remote_follow(c->r->conn, nc);
	free(nc); /* its contents were taken over */
	return rc;
}

int pod_logs(struct api_call *c)
{
	struct atoll_err err = ERR_INIT;
	int64_t rev;
	json_t *pod = write_get_current(c, &rev, &err);
	struct crilog_opts o;
	char why[256];

	c->r->verb = "get";
	if (!pod)
		return reply_status(c->r, &err, &c->t);
	if (crilog_opts_parse(query, c->r, &o, why, sizeof(why)) < 0) {
		json_decref(pod);
		return reply_error(c->r, 400, "BadRequest", "%s", why);
	}
	const char *name = pod_stream_container(c, pod, true);
	if (!name) {
		json_decref(pod);
		return 0;
	}
	_cleanup_free_ char *ctr = xstrdup(name);
	const char *node = obj_str(pod, "spec.nodeName");
	const char *local = c->r->srv->local_node;
	if (node && *node && !(local && !strcmp(node, local))) {
		int rc = remote_logs(c, pod, ctr, o.follow && !o.previous);
		json_decref(pod);
		return rc;
	}
	_cleanup_free_ char *uid = xstrdup(obj_str(pod, "metadata.uid") ?: "");
	_cleanup_free_ char *base = pods_log_path(c->r->srv->data_dir, uid, ctr);
	_cleanup_free_ char *path = xasprintf("%s%s", base, o.previous ? ".1" : "");
	json_decref(pod);
	size_t len = 0, aside = 0;
	/* The part set aside at a rotation comes first, so --tail and --since see across it. */
	_cleanup_free_ char *text = crilog_read(path, &len, &aside);
	if (!text && o.previous)
		return reply_error(c->r, 400, "BadRequest", "previous terminated container \"%s\" in pod \"%s\" not found",
				   ctr, c->t.name);
	if (o.follow && !o.previous) {
		_cleanup_free_ char *key = obj_key(c->k, c->t.ns, c->t.name);
		size_t start = text ? crilog_tail_start(text, len, o.tail) : 0;
		/* Where the tail starts in the set-aside part, that part goes first, then the live file. */
		const char *head = start < aside ? text + start : NULL;
		size_t head_len = start < aside ? aside - start : 0;
		off_t from = start < aside ? 0 : (off_t)(start - aside);
		return logs_follow(c->r, key, uid, path, from, head, head_len, &o);
	}
	struct buf out = BUF_INIT;
	if (text)
		crilog_render(text, len, &o, &out);
	size_t n;
	char *body = buf_detach(&out, &n);
	return reply_raw(c->r, 200, "text/plain", body, n);
}
