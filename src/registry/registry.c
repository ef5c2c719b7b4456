/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI registry: placeholder that answers in the distribution spec's error format. */
#include <string.h>

#include "api/server.h"
#include "lib/xalloc.h"
#include "registry/registry.h"

int registry_init(struct api_server *srv, char *err, size_t errlen)
{
	return 0;
}

int registry_access(struct api_req *r, const char *upload_data, size_t *upload_size)
{
	static const char body[] =
		"{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\"the registry is not available yet\"}]}";

	if (*upload_size) {
		*upload_size = 0;
		return 0;
	}
	if (r->verb)
		return 0;
	r->verb = "registry";
	return reply_raw(r, 404, "application/json", xstrdup(body), strlen(body));
}

void registry_done(struct api_req *r)
{
	(void)r;
}
