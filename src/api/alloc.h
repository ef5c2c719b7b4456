/* SPDX-License-Identifier: Apache-2.0 */
/* Service ClusterIP and NodePort allocation at create time. */
#ifndef ATOLL_ALLOC_H
#define ATOLL_ALLOC_H

#include <jansson.h>

#include "lib/err.h"

struct store;

#define ALLOC_SERVICE_CIDR "10.96.0.0/12"

/*
 * Give a new Service (in place) a cluster IP from the service range unless
 * it is headless or ExternalName, and node ports for NodePort and
 * LoadBalancer types. A requested IP or port already in use is 422 Invalid.
 */
int alloc_service(struct store *s, json_t *svc, struct atoll_err *err);

#endif
