/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deleting one object with Kubernetes semantics: preconditions, finalizers,
 * deletionTimestamp, propagation policy. Used by the DELETE handler and by
 * the in-process controllers (garbage collector, namespace controller).
 */
#ifndef ATOLL_DELETE_H
#define ATOLL_DELETE_H

#include <jansson.h>
#include <stdbool.h>

#include "api/kind.h"
#include "lib/err.h"

struct store;

enum delete_policy { DELETE_DEFAULT, DELETE_BACKGROUND, DELETE_FOREGROUND, DELETE_ORPHAN };

struct delete_opts {
	enum delete_policy policy;
	const char *uid;  /* precondition, NULL for none */
	const char *rv;   /* precondition, NULL for none */
	bool dry_run;
	bool has_grace;   /* gracePeriodSeconds given (else a pod's own terminationGracePeriodSeconds) */
	long long grace;
};

/*
 * Delete or mark for deletion. On success *result is the object (owned;
 * as deleted, or with deletionTimestamp set) and *gone says whether it is
 * gone from the store now. Returns -1 with err (404, 409) otherwise.
 */
int obj_delete(struct store *s, const struct api_kind *k, const char *ns, const char *name,
	       const struct delete_opts *o, json_t **result, bool *gone, struct atoll_err *err);

/* Parse DeleteOptions (body and query). Returns -1 with err 400 on bad input. */
int delete_opts_parse(const json_t *body, const char *query_policy, struct delete_opts *o,
		      struct atoll_err *err);

#endif
