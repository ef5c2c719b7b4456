/* SPDX-License-Identifier: Apache-2.0 */
/* The list of controllers, started in order. */
#include "controllers/controllers.h"
#include "controllers/loop.h"

void controllers_start(struct store *s)
{
	ctl_namespace_start(s);
	ctl_gc_start(s);
	ctl_replicaset_start(s);
	ctl_deployment_start(s);
	ctl_scheduler_start(s);
	ctl_endpoints_start(s);
	ctl_job_start(s);
	ctl_cronjob_start(s);
	ctl_serviceaccount_start(s);
	ctl_nodelifecycle_start(s);
	ctl_daemonset_start(s);
	ctl_statefulset_start(s);
	ctl_podgc_start(s);
	ctl_eventttl_start(s);
	ctl_pvbinder_start(s);
	ctl_podcidr_start(s);
	ctl_lbip_start(s);
}

void controllers_stop(void)
{
	ctl_loops_stop();
}
