/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container probes (liveness, readiness, startup) as the kubelet runs them:
 * one check of a probe (exec, HTTP GET, TCP socket, gRPC is not supported),
 * and the bookkeeping that turns results into a verdict with the probe's
 * initialDelaySeconds, periodSeconds, successThreshold and failureThreshold.
 *
 * HTTP and TCP checks connect from inside the pod's network namespace (the
 * one of process netns_pid) to probe.host or 127.0.0.1, so they work whether
 * or not the pod has a network of its own.
 */
#ifndef ATOLL_AGENT_PROBE_H
#define ATOLL_AGENT_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

enum probe_result { PROBE_SUCCESS, PROBE_FAILURE, PROBE_UNKNOWN };

/*
 * Runs an exec probe's command in the container (the caller knows how: the
 * pod's shim) within timeout_ms; returns its exit status, or -1 with why when
 * it could not run or timed out.
 */
typedef int (*probe_exec_fn)(void *ctx, const json_t *argv, int timeout_ms, char *why, size_t why_len);

/* Everything one check needs (all borrowed). */
struct probe_target {
	pid_t netns_pid;        /* a process in the pod's network namespace; 0: the caller's own */
	const char *pod_ip;     /* default host for httpGet when probe.host is unset; NULL: 127.0.0.1 */
	const json_t *ports;    /* the container's ports, for named ports */
	probe_exec_fn exec;
	void *exec_ctx;
};

/*
 * One check of probe (a Kubernetes Probe object, borrowed). Writes a short
 * message (why it failed, or the HTTP status) into msg.
 */
enum probe_result probe_check(const json_t *probe, const struct probe_target *t, char *msg, size_t msg_len);

/* A probe's schedule and thresholds, with Kubernetes' defaults filled in. */
struct probe_params {
	int initial_delay;  /* seconds */
	int period;         /* seconds */
	int timeout;        /* seconds */
	int success_threshold;
	int failure_threshold;
};

void probe_params(const json_t *probe, struct probe_params *out);

/* The running state of one probe of one container instance. */
struct probe_state {
	bool ok;            /* the verdict: Ready / alive / started */
	int successes, failures; /* consecutive */
	double next;        /* monotonic time of the next check */
	char last_msg[200];
};

/* Start a probe's state for a container that just started at time now. ok_at_start: the verdict before any check. */
void probe_state_init(struct probe_state *s, const struct probe_params *p, double now, bool ok_at_start);

/*
 * Record a check's result at time now; returns true when the verdict flipped.
 * Unknown results do not count either way.
 */
bool probe_state_record(struct probe_state *s, const struct probe_params *p, enum probe_result r, double now);

/* A TCP socket connected to host:port from the network namespace of pid (0: ours), or -1 with why. */
int probe_connect(pid_t pid, const char *host, int port, int timeout_ms, char *why, size_t why_len);

#endif
