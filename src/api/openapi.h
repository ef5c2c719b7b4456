/* TEMPORARY until the OpenAPI documents land. */
#ifndef ATOLL_OPENAPI_H
#define ATOLL_OPENAPI_H
#include <jansson.h>
json_t *openapi_v2(void);
json_t *openapi_v3_index(void);
json_t *openapi_v3_gv(const char *group, const char *version);
#endif
