/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's streaming server (kubelet-like, docs/streaming.md): HTTPS on
 * its own port, serving /exec, /attach, /portForward and /containerLogs for
 * this node's pods. The API server proxies kubectl's requests here; a
 * request must carry the agent's own bearer token or one the API server
 * says belongs to system:masters.
 */
#ifndef ATOLL_AGENT_STREAM_H
#define ATOLL_AGENT_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "lib/err.h"

struct kclient;

struct stream_opts {
	const char *address;   /* listen address ("0.0.0.0" for all) */
	int port;              /* 0: any free port */
	struct kclient *kc;    /* borrowed for the process's life */
	const char *node;      /* this node's name */
	const char *data_dir;  /* the pods' logs (DATA/pods/<uid>) and, through DATA/run, their shims */
};

/* Start serving (strings copied). Returns the bound port, or -1 with err. */
int stream_start(const struct stream_opts *o, struct atoll_err *err);

#define STREAM_MAX_PORTS 16

/* One upgraded connection (src/agent/stream_*.c): what a session needs. */
struct stream_session {
	int sock;               /* the client's upgraded socket (libmicrohttpd's) */
	void *urh;              /* struct MHD_UpgradeResponseHandle *, to close sock */
	char *extra;            /* bytes read past the request (owned) */
	size_t extra_len;
	int shim;               /* exec/attach: the shim stream; -1 otherwise */
	bool v5;                /* v5.channel.k8s.io: channel 255 closes a stream */
	bool spdy;              /* exec/attach over plain SPDY instead of WebSocket */
	bool tty;
	bool stdin_on, stdout_on, stderr_on;
	char *pod_dir;          /* port-forward, tty exec: the pod's directory (owned) */
	json_t *pending;        /* tty exec: the shim request, sent once the size is known (owned) */
	bool spdy_ws;           /* port-forward: SPDY inside WebSocket messages */
	int ports[STREAM_MAX_PORTS]; /* port-forward, channel protocol: the ports asked for */
	int nports;
};

/* Run an exec or attach session to its end, then free s (thread body). */
void *stream_exec_run(void *s);
/* Run a port-forward session to its end, then free s (thread bodies): SPDY, or channels. */
void *stream_pf_run(void *s);
void *stream_pfws_run(void *s);
/* Run an exec or attach session over plain SPDY (v4.channel.k8s.io streams), then free s. */
void *stream_spdy_exec_run(void *s);
/*
 * The metav1.Status of an exec's end (owned JSON text): Success, Failure
 * with reason NonZeroExitCode and the code as a cause, or a failure message.
 */
char *stream_exit_status(int code, const char *failure);

/* Close the session's client socket and free it. */
void stream_session_end(struct stream_session *s);

/* GET /containerLogs: answer conn with the container's log (follow streams). Returns an MHD_Result. */
struct MHD_Connection;
int stream_logs(struct MHD_Connection *conn, const char *data_dir, const char *run_dir, const json_t *pod,
		const char *ctr);

/* Write all of data to fd (blocking). 0 or -1. */
int stream_write_all(int fd, const void *data, size_t len);

#endif
