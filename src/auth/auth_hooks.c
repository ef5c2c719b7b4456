/* SPDX-License-Identifier: Apache-2.0 */
/* What happens as each response is queued: quota reservations end, the audit log records. */
#include "api/server.h"
#include "auth/auth.h"
#include "auth/auth_audit.h"
#include "auth/auth_quota.h"

void auth_on_response(struct api_req *r, int code)
{
	quota_release(r, code);
	audit_record(r, code);
}
