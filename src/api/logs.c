/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET pods/NAME/log: a container's output, from the log file the node agent
 * writes (the server's embedded agent shares its data dir). Supports
 * container, tailLines and limitBytes; follow returns what is there now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/pods.h"
#include "api/object.h"
#include "api/pki.h"
#include "api/request.h"
#include "api/write.h"
#include "lib/xalloc.h"

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
	_cleanup_free_ char *path = pods_log_path(c->r->srv->data_dir, obj_str(pod, "metadata.uid") ?: "", name);
	json_decref(pod);
	size_t len = 0;
	char *text = file_read(path, &len);
	if (!text) {
		text = xstrdup("");
		len = 0;
	}
	const char *tl = req_query(c->r, "tailLines");
	if (tl && atol(tl) >= 0) {
		long want_lines = atol(tl), seen = 0;
		size_t start = len;
		while (start > 0) {
			if (text[start - 1] == '\n' && start != len && ++seen == want_lines)
				break;
			start--;
		}
		if (want_lines == 0)
			start = len;
		memmove(text, text + start, len - start);
		len -= start;
	}
	const char *lb = req_query(c->r, "limitBytes");
	if (lb && atol(lb) > 0 && (size_t)atol(lb) < len)
		len = (size_t)atol(lb);
	return reply_raw(c->r, 200, "text/plain", text, len);
}
