/* SPDX-License-Identifier: Apache-2.0 */
/* In-process controllers of the control plane. */
#ifndef ATOLL_CONTROLLERS_H
#define ATOLL_CONTROLLERS_H

struct store;

/* Start every controller's thread (garbage collector, namespace lifecycle, ...). */
void controllers_start(struct store *s);
/* Stop them all and wait (call before closing the store). */
void controllers_stop(void);

void ctl_namespace_start(struct store *s); /* namespace.c */
void ctl_gc_start(struct store *s);        /* gc.c */
void ctl_replicaset_start(struct store *s); /* replicaset.c */
void ctl_deployment_start(struct store *s); /* deployment.c */
void ctl_scheduler_start(struct store *s);  /* scheduler.c */
void ctl_endpoints_start(struct store *s);  /* endpoints.c */
void ctl_job_start(struct store *s);        /* job.c */
void ctl_cronjob_start(struct store *s);    /* cronjob.c */
void ctl_serviceaccount_start(struct store *s); /* serviceaccount.c */
void ctl_nodelifecycle_start(struct store *s); /* nodelifecycle.c */
void ctl_daemonset_start(struct store *s);  /* daemonset.c */
void ctl_statefulset_start(struct store *s); /* statefulset.c */
void ctl_podgc_start(struct store *s);      /* podgc.c */
void ctl_eventttl_start(struct store *s);   /* eventttl.c */
/* The CA (PEM, copied) published as ConfigMap kube-root-ca.crt in every namespace; before controllers_start. */
void ctl_serviceaccount_ca(const char *pem);
void ctl_pvbinder_start(struct store *s);   /* pvbinder.c */
void ctl_podcidr_start(struct store *s);    /* podcidr.c */
void ctl_lbip_start(struct store *s);       /* lbip.c */
/* LoadBalancer IP pool (a CIDR, borrowed for the process's life); before controllers_start. */
void ctl_lbip_pool(const char *cidr);

#endif
