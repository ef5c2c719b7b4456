/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit log: one JSON line (an audit.k8s.io/v1 Event at the Metadata
 * level) per answered request, when turned on.
 */
#ifndef ATOLL_AUTH_AUDIT_H
#define ATOLL_AUTH_AUDIT_H

struct api_req;

/*
 * Turn the log on, appending to path (borrowed). Without a call, the
 * environment variable ATOLL_AUDIT_LOG names the file, if set. Returns 0 or -errno.
 */
int audit_open(const char *path);
/* Record r answered with code (called by the HTTP layer as it queues a response). */
void audit_record(struct api_req *r, int code);

#endif
