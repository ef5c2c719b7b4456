/* SPDX-License-Identifier: Apache-2.0 */
/* Discovery documents; each function returns an owned object (NULL when unknown). */
#ifndef ATOLL_DISCOVERY_H
#define ATOLL_DISCOVERY_H

#include <jansson.h>
#include <stdbool.h>

json_t *discovery_core(const char *server_addr);                      /* /api */
json_t *discovery_groups(void);                                       /* /apis */
json_t *discovery_group(const char *group);                           /* /apis/G */
json_t *discovery_resources(const char *group, const char *version); /* /api/v1, /apis/G/V */

/* Aggregated discovery document (apidiscovery.k8s.io/v2) of /api (core) or /apis. */
json_t *discovery_aggregated(bool core);
#define DISCOVERY_AGG_CTYPE "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

#endif
