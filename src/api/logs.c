/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET pods/NAME/log: a container's output, from the log file the node agent
 * writes (the server's embedded agent shares its data dir). Supports
 * container, tailLines and limitBytes; follow returns what is there now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/pods.h"
#include "api/logs.h"
#include "api/object.h"
#include "api/pki.h"
#include "api/request.h"
#include "api/write.h"
#include "lib/xalloc.h"
#include "shim/shim.h"

/* Where the last `want` lines of text begin (len when want is 0). */
static size_t tail_start(const char *text, size_t len, long want)
{
	size_t start = len;
	long seen = 0;

	if (want == 0)
		return len;
	while (start > 0) {
		if (text[start - 1] == '\n' && start != len && ++seen == want)
			break;
		start--;
	}
	return start;
}

int pod_logs(struct api_call *c)
{
	struct atoll_err err = ERR_INIT;
	int64_t rev;
	json_t *pod = write_get_current(c, &rev, &err);

	c->r->verb = "get";
	if (!pod)
		return reply_status(c->r, &err, &c->t);
	const char *want = req_query(c->r, "container");
	json_t *cs = json_object_get(json_object_get(pod, "spec"), "containers");
	const char *name = NULL;
	size_t i;
	json_t *ct;
	json_array_foreach(cs, i, ct) {
		const char *n = json_string_value(json_object_get(ct, "name"));
		if (n && (!want || !strcmp(n, want)))
			name = n;
		if (name)
			break;
	}
	/* Init containers have logs too, when asked for by name. */
	json_array_foreach(want && !name ? json_object_get(json_object_get(pod, "spec"), "initContainers") : NULL, i, ct) {
		const char *n = json_string_value(json_object_get(ct, "name"));
		if (n && !strcmp(n, want)) {
			name = n;
			break;
		}
	}
	if (!name) {
		int rc = want ? reply_error(c->r, 400, "BadRequest", "container %s is not valid for pod %s", want, c->t.name)
			      : reply_error(c->r, 400, "BadRequest",
					    "a container name must be specified for pod %s", c->t.name);
		json_decref(pod);
		return rc;
	}
	if (!want && json_array_size(cs) > 1) {
		json_decref(pod);
		return reply_error(c->r, 400, "BadRequest",
				   "a container name must be specified for pod %s, choose one of the containers",
				   c->t.name);
	}
	_cleanup_free_ char *uid = xstrdup(obj_str(pod, "metadata.uid") ?: "");
	_cleanup_free_ char *cur = pods_log_path(c->r->srv->data_dir, uid, name);
	/* The shim keeps the instance before a restart as <ctr>.log.1. */
	bool previous = query_true(req_query(c->r, "previous"));
	_cleanup_free_ char *path = previous ? xasprintf("%s.1", cur) : xstrdup(cur);
	bool stamps = query_true(req_query(c->r, "timestamps"));
	/* sinceSeconds or sinceTime: only records from then on. */
	char since[40] = "";
	const char *ss = req_query(c->r, "sinceSeconds"), *st = req_query(c->r, "sinceTime");
	if (ss && atol(ss) > 0) {
		time_t t = time(NULL) - atol(ss);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm);
	} else if (st && strlen(st) >= 19) {
		snprintf(since, sizeof(since), "%s", st);
	}
	json_decref(pod);
	if (query_true(req_query(c->r, "follow"))) {
		_cleanup_free_ char *key = obj_key(c->k, c->t.ns, c->t.name);
		off_t from = 0;
		const char *tl = req_query(c->r, "tailLines");
		if (tl && atol(tl) >= 0) {
			/* Start the stream that many lines before the end. */
			size_t flen = 0;
			_cleanup_free_ char *all = file_read(path, &flen);
			from = all ? (off_t)tail_start(all, flen, atol(tl)) : 0;
		}
		return logs_follow(c->r, key, uid, path, from, stamps, since[0] ? since : NULL);
	}
	size_t raw_len = 0;
	_cleanup_free_ char *raw = file_read(path, &raw_len);
	if (!raw && previous)
		return reply_error(c->r, 400, "BadRequest", "previous terminated container \"%s\" in pod \"%s\" not found",
				   name, c->t.name);
	/* The file holds CRI records; clients get the container's output. */
	struct buf out = BUF_INIT;
	shim_log_decode_since(raw ? raw : "", raw_len, stamps, since[0] ? since : NULL, &out);
	size_t len = 0;
	char *text = buf_detach(&out, &len);
	const char *tl = req_query(c->r, "tailLines");
	if (tl && atol(tl) >= 0) {
		size_t start = tail_start(text, len, atol(tl));
		memmove(text, text + start, len - start);
		len -= start;
	}
	const char *lb = req_query(c->r, "limitBytes");
	if (lb && atol(lb) > 0 && (size_t)atol(lb) < len)
		len = (size_t)atol(lb);
	return reply_raw(c->r, 200, "text/plain", text, len);
}
