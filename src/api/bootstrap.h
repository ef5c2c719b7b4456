/* SPDX-License-Identifier: Apache-2.0 */
/* Objects every cluster starts with. */
#ifndef ATOLL_BOOTSTRAP_H
#define ATOLL_BOOTSTRAP_H

#include "lib/err.h"

struct store;

/* Create the default namespaces (and what else is missing); idempotent. */
int bootstrap_objects(struct store *s, struct atoll_err *err);

#endif
