/* SPDX-License-Identifier: Apache-2.0 */
/* CustomResourceDefinitions: serving their resources as kinds, at once and after restarts. */
#ifndef ATOLL_CRD_H
#define ATOLL_CRD_H

#include <jansson.h>
#include <stdbool.h>

#include "lib/err.h"

struct store;

/* Register (or unregister when gone) the kinds a CRD object defines (borrowed). */
void crd_sync(const json_t *crd, bool gone);
/* Register every stored CRD; called once at start. */
int crd_load_all(struct store *s, struct atoll_err *err);
/*
 * After a CRD write: set its status (acceptedNames, Established and
 * NamesAccepted conditions) when missing. Writes the CRD again.
 */
void crd_mark_established(struct store *s, const json_t *crd);

#endif
