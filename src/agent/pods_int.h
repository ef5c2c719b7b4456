/* SPDX-License-Identifier: Apache-2.0 */
/* The pod loop's internals: pods bound to this node, their containers, their shims. */
#ifndef ATOLL_AGENT_PODS_INT_H
#define ATOLL_AGENT_PODS_INT_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "agent/probe.h"
#include "agent/volumes.h"
#include "image/image.h"

#define PODS_MAX_BACKOFF 40 /* seconds; Kubernetes goes to 300 */

/* The probes of one container instance (pods_probe.c): liveness, readiness, startup. */
struct pctr_probes {
	char instance[64];      /* startedAt of the instance these belong to */
	struct probe_state st[3];
	bool has[3];            /* the spec has this probe */
	bool busy[4];           /* a check (or, [3], the postStart hook) is running */
	bool post_done;         /* the postStart hook has run */
	bool killed;            /* killed for a failed probe or hook; no more checks for this instance */
};

struct pctr {
	char *name;
	const json_t *spec;     /* borrowed from the pod's spec */
	bool is_init;
	bool sidecar;           /* an init container with restartPolicy Always: runs beside the app */
	bool started_once;      /* a sidecar that has started (what follows it may start), an ephemeral one that ran */
	bool ephemeral;         /* from spec.ephemeralContainers: started once, never restarted */
	size_t image;           /* index into the pod's images */
	time_t next_start;      /* back-off: do not start before */
	char seen_finished[64]; /* restarts and finishedAt of the last exit we acted on */
	json_t *cur_term;       /* the last termination seen (owned), or NULL */
	json_t *prev_term;      /* the one before it (owned), or NULL */
	char config_error[600]; /* why it cannot be created yet */
	int restarts_base;      /* restarts before the current sandbox (it replaced one that died) */
	bool respec;            /* its image changed: restart it with the new one */
	time_t kill_at;         /* respec: SIGKILL if it has not ended by then (0: not signalled yet) */
	time_t term_at;         /* winding down: when it was sent SIGTERM (0: not yet) */
	int stop_hook;          /* winding down, a sidecar's preStop: 0 not run, 1 running, 2 done */
	struct pctr_probes pr;  /* under the loop's lock */
};

struct pod {
	char *uid, *ns, *name;
	char *dir;              /* RUN/pods/<uid>: sandbox.json, the shim's socket and state, volumes in memory */
	char *disk_dir;         /* DATA/pods/<uid>: logs, emptyDir volumes on disk */
	json_t *spec;           /* owned copy */
	json_t *obj;            /* owned: {metadata, spec}, for the downward API */
	struct pctr *c;         /* init containers first, then the regular ones, then the ephemeral ones */
	size_t n, ninit;
	size_t nreg;            /* init and regular containers: the ephemeral ones follow */
	bool winding;           /* ordered stop under way: app containers, then sidecars in reverse */
	time_t wind_deadline;   /* SIGKILL what still runs after this */
	char **refs;            /* distinct image references (owned) */
	struct image *imgs;     /* prepared, one per ref */
	size_t nimgs;
	bool images_ready;
	bool vm;                /* the sandbox is (to be) a micro-VM: its RuntimeClass or the node's default */
	struct vol_set vols;    /* the pod's volumes: sandbox list and each container's mounts */
	time_t vols_refresh_at; /* next rewrite of ConfigMap/Secret/token volumes */
	int64_t next_look_ms;   /* a steady pod's next state refresh (CLOCK_MONOTONIC ms) */
	bool looked;            /* pods_sync refreshed the state this tick */
	bool status_stale;      /* a probe flipped since the last report */
	int fd;                 /* control connection to the shim, -1 when none */
	json_t *state;          /* the shim's last state (owned), or NULL */
	char started[40];
	char error[600];        /* why the sandbox is not up (pod level) */
	char error_reason[40];
	time_t retry_at;        /* sandbox set-up back-off */
	int setup_failures;
	bool finished;          /* terminal: the shim was told to stop, status is final */
	bool acted;             /* pods_sync started a container in this round */
	int spawn_fd;           /* a shim being started reports here, -1 when none */
	int prestop;            /* preStop hooks: 0 not run, 1 running, 2 done */
	time_t prestop_began;
	bool early_failed;      /* pods_spawn_early could not start the sandbox (why in error) */
	bool busy;              /* a starter brings it up: nobody else touches it (pods_starter.c) */
	json_t *pending;        /* the last watch event that came while busy (owned), or NULL */
	bool pending_gone;      /* ... and whether one of them was a deletion */
	bool deleting;
	bool api_gone;          /* the API object is deleted (not only marked) */
	long grace;             /* seconds for a graceful stop */
	int stop_fd;            /* stop request on its way, -1 when none */
	time_t stop_deadline;
	char *reported;         /* the status last sent (owned JSON text) */
	char cond_time[4][40];  /* lastTransitionTime of our four conditions */
	bool cond_val[4];
	struct pod *next;
};

struct loop {
	struct kclient *kc;
	char *node, *data_dir, *host_ip;
	char *run_dir;          /* the node's runtime directory (agent/rundir.h) */
	char *agent_dir;        /* DATA/agent: the image cache */
	char *shim_dir;         /* RUN/agent: the shims' sandbox ids, address leases, VM files */
	bool pod_network;       /* give pods a network when the Node has a podCIDR */
	struct kcache *quotas;  /* every ResourceQuota (list+watch), for the pools' limits */
	pthread_mutex_t mu;
	struct pod *pods;
	pthread_mutex_t wake_mu; /* guards woken; never held with mu */
	pthread_cond_t wake;
	bool woken;
};

/* pods.c */
/* Run the next tick now rather than at its time (the watch saw a new or deleted pod). */
void pods_wake(struct loop *l);

/* pods_sandbox.c */
/* Prepare the pod's images (once each). 0, or -1 with p->error set. */
int pods_prepare_images(struct loop *l, struct pod *p);
/*
 * Prepare the pod's volumes (once; again for an adopted sandbox, which is
 * idempotent) into p->vols. 0, or -1 with p->error and p->error_reason set
 * and a FailedMount event for a new reason.
 */
int pods_prepare_volumes(struct loop *l, struct pod *p);
/* Connect to the pod's running shim (adoption) or write sandbox.json and spawn one. 0 or -1 (p->error). */
int pods_sandbox_up(struct loop *l, struct pod *p);
/* Fork the shim of a pod that needs a new sandbox without waiting for it, so new pods start in parallel. */
void pods_spawn_early(struct loop *l, struct pod *p);

/* pods_sync.c */
/* Bring the pod's sandbox up (adopting a running shim when there is one) and drive its containers. */
void pods_sync(struct loop *l, struct pod *p);
/* Tell the shim to stop (without waiting); true when nothing is left to stop. */
bool pods_stop(struct loop *l, struct pod *p, long grace_s);
/* true once an asked stop has completed. */
bool pods_stop_done(struct pod *p);
/* Whether the restart policy brings an ended container back. */
bool pods_will_restart(const struct pod *p, const struct pctr *c, int exit_code);
/* The shim's entry for container c, or NULL. */
json_t *pods_ctr_state(const struct pod *p, const struct pctr *c);
void pods_now(char *out, size_t n);
/* The Node's spec.podCIDR (returns owned), or NULL. */
char *pods_node_cidr(struct loop *l);

/* Ask the shim for its state into p->state; false when the shim is gone. */
bool pods_refresh_state(struct pod *p);

/* pods_sidecar.c */
/*
 * Stop a pod's containers in Kubernetes' order without stopping its sandbox:
 * app containers first (SIGTERM), then its sidecars one at a time in reverse
 * order, each SIGKILLed once grace_s since the first call has passed. Call
 * it every tick; true once nothing runs (or there is no sandbox to ask).
 */
bool pods_wind_down(struct loop *l, struct pod *p, long grace_s);
/* Whether the pod has sidecar containers. */
bool pods_has_sidecars(const struct pod *p);
/* A running sidecar counts as started once its startup probe (if any) passed for this instance. */
bool pods_sidecar_started(const struct pod *p, const struct pctr *c);

/* pods_probe.c */
/* Start the thread that runs the containers' probes. */
void pods_probe_start(struct loop *l);
/* Whether c counts as ready (its readiness probe, if any, passes) and as started (startup probe). */
bool pods_probe_ready(const struct pctr *c);
bool pods_probe_started(const struct pctr *c);
/* Run a command in container ctr of the pod in dir (a probe_exec_fn; ctx is a struct pods_exec_ctx). */
struct pods_exec_ctx {
	const char *dir, *ctr;
};
int pods_exec_check(void *ctx, const json_t *argv, int timeout_ms, char *why, size_t why_len);

/* pods_lifecycle.c */
/*
 * A lifecycle hook handler as a probe object to run with probe_check (owned),
 * with timeout_s; NULL with *sleep_s set for the sleep action.
 */
json_t *pods_hook_as_probe(const json_t *handler, int timeout_s, int *sleep_s);
/* Run the pod's preStop hooks once (in the background); true when they are done and the pod may stop. */
bool pods_prestop_done(struct loop *l, struct pod *p);

/* pods_report.c */
/* Start the threads that send statuses. */
void pods_report_start(struct loop *l);
/* Send text (a status, JSON) as the status of the pod uid at path; replaces one not yet sent. */
void pods_report_queue(const char *uid, const char *path, const char *text);
/* Whether the server refused the pod's last status (once: the answer is forgotten). */
bool pods_report_take_failed(const char *uid);
/* Statuses queued or being sent. */
size_t pods_report_pending(void);

/* pods_starter.c */
/* Start the threads that bring new pods up. */
void pods_starters_start(struct loop *l);
/*
 * Hand a new pod to a starter (l->mu held): it becomes busy, the starter
 * spawns its sandbox, drives it once and queues its status, then applies
 * what the watch brought meanwhile (pods_apply_pending) and clears busy.
 */
void pods_starter_queue(struct pod *p);
/* Pods waiting for a starter or being brought up. */
size_t pods_starting(void);

/* pods.c */
/* Apply the watch event that came while p was busy (l->mu held); true when the loop should look at once. */
bool pods_apply_pending(struct pod *p);

/* pods_events.c */
/* Start the thread that posts events. */
void pods_events_start(struct loop *l);
/* Post an Event about pod p (and container c, may be NULL). */
void pods_event(struct loop *l, const struct pod *p, const struct pctr *c, const char *type, const char *reason,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* pods_status.c */
/* The pod's status as the kubelet reports it (returns owned). */
json_t *pods_status(struct loop *l, struct pod *p);
/* Send the status when it changed. */
void pods_report(struct loop *l, struct pod *p);

#endif
