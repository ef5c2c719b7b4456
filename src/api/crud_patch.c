/* SPDX-License-Identifier: Apache-2.0 */
/* PATCH: placeholder until the patch library lands. */
#include "api/request.h"

int crud_patch(struct api_call *c)
{
	return reply_error(c->r, 415, "UnsupportedMediaType", "patch is not supported yet");
}
