/* SPDX-License-Identifier: Apache-2.0 */
/* Label and field selector filtering of list and watch results. */
#ifndef ATOLL_FILTER_H
#define ATOLL_FILTER_H

#include <jansson.h>
#include <stdbool.h>

#include "api/server.h"

struct filter;

/*
 * From the request's labelSelector and fieldSelector parameters. Returns 0
 * and *out (owned; NULL when there is nothing to filter), or -1 with err 400.
 */
int filter_from_req(struct api_req *r, struct filter **out, struct atoll_err *err);
bool filter_match(const struct filter *f, const json_t *obj);
/*
 * Parse the JSON object text s for filter_match: only the parts the filter
 * looks at (jskim), else in full. Returns owned, NULL when not JSON.
 */
json_t *filter_load(const struct filter *f, const char *s, size_t len);
void filter_free(struct filter *f);

#endif
