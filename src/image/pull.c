/* SPDX-License-Identifier: Apache-2.0 */
/* Registry pulls (OCI distribution API with the bearer-token flow) over libcurl. */
#include "image/image.h"

char *image_pull(const struct image_ref *ref, const char *store_dir, struct atoll_err *err)
{
	err_set(err, 501, "NotImplemented", "pulling from %s is not implemented yet", ref->registry);
	return NULL;
}
