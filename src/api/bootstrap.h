/* SPDX-License-Identifier: Apache-2.0 */
/* Objects every cluster starts with. */
#ifndef ATOLL_BOOTSTRAP_H
#define ATOLL_BOOTSTRAP_H

#include "lib/err.h"

struct store;

/* Create the default namespaces (and what else is missing); idempotent. */
int bootstrap_objects(struct store *s, struct atoll_err *err);

/*
 * The endpoints of the "kubernetes" Service: the API server at ip:port, as
 * kube-apiserver's endpoint reconciler keeps them (so pods reach the API at
 * 10.96.0.1:443 through the service proxy). ip NULL: none (a server on
 * loopback cannot be reached from pods). Written at every start.
 */
int bootstrap_api_endpoints(struct store *s, const char *ip, int port, struct atoll_err *err);

#endif
