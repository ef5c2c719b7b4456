/* SPDX-License-Identifier: Apache-2.0 */
/* NetworkPolicy enforcement loop (filled in by the policy compiler's commit). */
#include "agent/netsvc.h"

void agent_netpol_start(struct kclient *kc, const char *node)
{
}
