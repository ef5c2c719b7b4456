/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming a container's log file for `kubectl logs -f`. */
#ifndef ATOLL_LOGS_H
#define ATOLL_LOGS_H

#include <sys/types.h>

struct api_req;
struct crilog_opts;

/*
 * Answer r with head (head_len bytes of log records, borrowed: the older
 * part of the log before a rotation, may be NULL), then the file at path
 * from offset `from` on, then whatever is appended, until the pod at
 * pod_key (with this uid) is gone or finished; rendered with o (borrowed:
 * timestamps, since, limit).
 */
int logs_follow(struct api_req *r, const char *pod_key, const char *uid, const char *path, off_t from,
		const char *head, size_t head_len, const struct crilog_opts *o);

/* End every follower, local and remote (at shutdown); returns how many were still open. */
int logs_follow_shutdown(void);

/*
 * Answer conn with the body of nc (taken over: closed when done), streamed
 * as it arrives from the node (src/api/logs_remote.c).
 */
struct MHD_Connection;
struct node_conn;
int logs_remote_follow(struct MHD_Connection *conn, struct node_conn *nc);
int logs_remote_shutdown(void);

#endif
