/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming a container's log file for `kubectl logs -f`. */
#ifndef ATOLL_LOGS_H
#define ATOLL_LOGS_H

#include <stdbool.h>
#include <sys/types.h>

struct api_req;

/*
 * Answer r with the CRI log file at path (decoded, with timestamps when
 * asked; records before since left out, since may be NULL) from offset `from` on, then whatever is appended, until the pod at
 * pod_key (with this uid) is gone or finished.
 */
int logs_follow(struct api_req *r, const char *pod_key, const char *uid, const char *path, off_t from,
		bool timestamps, const char *since);

/* End every follower (at shutdown); returns how many were still open. */
int logs_follow_shutdown(void);

#endif
