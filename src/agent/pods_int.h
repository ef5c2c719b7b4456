/* SPDX-License-Identifier: Apache-2.0 */
/* The pod loop's internals: pods bound to this node, their containers, their shims. */
#ifndef ATOLL_AGENT_PODS_INT_H
#define ATOLL_AGENT_PODS_INT_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "image/image.h"

#define PODS_MAX_BACKOFF 40 /* seconds; Kubernetes goes to 300 */

struct pctr {
	char *name;
	const json_t *spec;     /* borrowed from the pod's spec */
	bool is_init;
	size_t image;           /* index into the pod's images */
	time_t next_start;      /* back-off: do not start before */
	char seen_finished[64]; /* restarts and finishedAt of the last exit we acted on */
	json_t *cur_term;       /* the last termination seen (owned), or NULL */
	json_t *prev_term;      /* the one before it (owned), or NULL */
	char config_error[600]; /* why it cannot be created yet */
};

struct pod {
	char *uid, *ns, *name;
	char *dir;              /* DATA/pods/<uid> */
	json_t *spec;           /* owned copy */
	json_t *obj;            /* owned: {metadata, spec}, for the downward API */
	struct pctr *c;         /* init containers first, then the regular ones */
	size_t n, ninit;
	char **refs;            /* distinct image references (owned) */
	struct image *imgs;     /* prepared, one per ref */
	size_t nimgs;
	bool images_ready;
	int fd;                 /* control connection to the shim, -1 when none */
	json_t *state;          /* the shim's last state (owned), or NULL */
	char started[40];
	char error[600];        /* why the sandbox is not up (pod level) */
	char error_reason[40];
	time_t retry_at;        /* sandbox set-up back-off */
	int setup_failures;
	bool finished;          /* terminal: the shim was told to stop, status is final */
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
	char *node, *data_dir, *agent_dir, *host_ip;
	pthread_mutex_t mu;
	struct pod *pods;
};

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

/* pods_status.c */
/* The pod's status as the kubelet reports it (returns owned). */
json_t *pods_status(struct loop *l, struct pod *p);
/* Send the status when it changed. */
void pods_report(struct loop *l, struct pod *p);

#endif
