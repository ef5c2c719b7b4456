/* TEMPORARY until the OpenAPI documents land. */
#include "api/openapi.h"
json_t *openapi_v2(void) { return NULL; }
json_t *openapi_v3_index(void) { return NULL; }
json_t *openapi_v3_gv(const char *group, const char *version) { return NULL; }
