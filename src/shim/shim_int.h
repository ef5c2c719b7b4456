/* SPDX-License-Identifier: Apache-2.0 */
/* Shim internals: the pod's containers, client connections, log writers, state file. */
#ifndef ATOLL_SHIM_INT_H
#define ATOLL_SHIM_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/buf.h"
#include "net/net.h"
#include "podinit/proto.h"
#include "sandbox/sandbox.h"

#define SHIM_MAX_CTRS 32

/* ---- shim_log.c: CRI log files ---- */

/* Lines of one stream not ended yet; flushed as "P" records when they grow long. */
#define SHIM_LOG_PARTIAL_MAX 16384

/* A log file past this size is moved to <ctr>.log.rotated (one kept) and started afresh, as the kubelet's 10 MiB. */
#define SHIM_LOG_MAX_BYTES (10LL << 20)

struct shim_log {
	int fd;             /* -1: not open */
	struct buf pend[2]; /* stdout, stderr: bytes after the last newline */
	char *path;         /* owned, while open */
	long long size;     /* bytes in the file */
	long long max;      /* rotate past this (SHIM_LOG_MAX_BYTES unless a test sets it) */
};

/* "2026-01-02T03:04:05.123456789Z" for ts into out (>= 40 bytes). */
void shim_log_timestamp(const struct timespec *ts, char *out, size_t n);
/* Now as Kubernetes' status times: "2026-01-02T03:04:05Z". */
void shim_now_seconds(char *out, size_t n);
/*
 * Turn data of stream (0 stdout, 1 stderr) into CRI records appended to out:
 * complete lines as F, a partial line kept in pend until its newline comes
 * or it reaches SHIM_LOG_PARTIAL_MAX (then a P record). ts stamps them.
 */
void shim_log_format(struct buf *pend, int stream, const char *data, size_t len, const char *ts,
		     struct buf *out);
/* What is left in pend as a final F record (a last line without newline). */
void shim_log_format_rest(struct buf *pend, int stream, const char *ts, struct buf *out);
/* Open path for appending (closing what l had open). 0 or -errno. */
int shim_log_open(struct shim_log *l, const char *path);
/* Write data of a stream to l's file, stamped now. */
void shim_log_write(struct shim_log *l, int stream, const char *data, size_t len);
/* Flush partial lines and close. */
void shim_log_close(struct shim_log *l);

/* ---- shim_client.c ---- */
struct sockaddr_un;
/*
 * The address of dir/shim.sock; when the path does not fit, dir is opened
 * into *dirfd (close it after bind/connect) and named as /proc/self/fd/N.
 * Otherwise *dirfd is -1. 0 or -errno.
 */
int shim_sock_addr(const char *dir, struct sockaddr_un *un, int *dirfd);

/* ---- shim_state.c ---- */

enum shim_ctr_state { SC_NONE, SC_CREATED, SC_RUNNING, SC_EXITED };

struct shim_ctr {
	char name[64];
	json_t *spec;      /* the create request as the client sent it (owned) */
	uint32_t proc;     /* pod init process number of the current instance */
	enum shim_ctr_state state;
	bool creating;     /* a create is on its way to pod init */
	bool restarting;   /* the next successful start is a restart */
	char error[256];   /* why the last (re)create failed */
	pid_t pid;         /* as seen in the sandbox */
	char started[48], finished[48]; /* RFC 3339, seconds */
	int exit_code, signal;
	bool oom;
	int restarts;
	long ooms_at_start; /* the cgroup's OOM kill count when it started */
	struct shim_log log;
};

/* The state.json object (returns owned). */
json_t *shim_state_json(pid_t init_pid, const char *pod_ip, const struct shim_ctr *c, size_t n);
/* Write obj (borrowed) to dir/state.json atomically (tmp + rename). 0 or -errno. */
int shim_state_write(const char *dir, const json_t *obj);

/* ---- shim_loop.c: the poll loop ---- */

enum shim_conn_kind { CONN_NEW, CONN_CTL, CONN_EXEC, CONN_ATTACH, CONN_PF };

struct shim_conn {
	int fd;
	enum shim_conn_kind kind;
	struct pi_reader rd;
	struct buf out;
	size_t out_off;
	bool closing;          /* close once out is written */
	bool dead;
	uint32_t proc;         /* exec: the pod init process number */
	struct shim_ctr *ctr;  /* attach: whose output */
	int tcp;               /* portforward: the socket in the pod, -1 otherwise */
	struct buf tout;       /* portforward: bytes for tcp */
	size_t tout_off;
	bool client_eof, tcp_eof;
	struct shim_conn *next;
};

struct shim {
	char *dir, *data_dir;
	char *log_dir;         /* containers' logs: sandbox.json "log_dir", else dir (owned) */
	json_t *cfg;           /* sandbox.json (owned) */
	struct sandbox sb;
	int listen_fd;
	int hostnet;           /* the shim's own network namespace */
	struct pi_reader rd;   /* from pod init */
	struct buf initq;      /* to pod init */
	size_t initq_off;
	bool init_gone;
	bool stopping;
	json_int_t seq;
	uint32_t next_proc;
	struct shim_ctr ctrs[SHIM_MAX_CTRS];
	size_t nctrs;
	char pod_ip[64];
	struct shim_conn *conns;
	struct shim_wait *waits; /* pod init requests not answered yet */
	size_t nwaits, capwaits;
	struct shim_conn *stop_conns[16]; /* answered when the pod is gone */
	size_t nvols;          /* sandbox.json volumes; POD_DIR/etc is volume nvols */
	long ooms;             /* the cgroup's OOM kills last seen */
	/* VM isolation (shim_vm.c): sb.pid is the VMM, sb.sock the vsock connection to pod init. */
	bool vm;
	char tap[16];          /* the pod's TAP on the bridge, "" without a network */
	struct net_pod_params netp;
	time_t kill_at;        /* a stopping VM's VMM is killed if still there by then (0: not stopping) */
};

/* A pod init request whose reply is still to come. */
struct shim_wait {
	json_int_t seq;
	struct shim_conn *conn; /* who asked, or NULL */
	char what[16];          /* what the reply completes */
	struct shim_ctr *ctr;
};

/* Queue a control message (borrowed) for pod init. */
void shim_init_send(struct shim *s, const json_t *msg);
/* Queue a frame for pod init. */
void shim_init_frame(struct shim *s, uint8_t type, uint32_t proc, const void *data, size_t len);
/* Queue a frame for a client; streams that fall too far behind are dropped. */
void shim_conn_frame(struct shim_conn *c, uint8_t type, uint32_t proc, const void *data, size_t len);
/* Queue a reply {"op":"reply","ok",...} (extra taken, may be NULL; error NULL for ok). */
void shim_conn_reply(struct shim_conn *c, const char *error, json_t *extra);
/* Send a request to pod init whose reply goes to conn (may be NULL) with what/ctr for the handler. */
json_int_t shim_init_request(struct shim *s, json_t *msg, struct shim_conn *conn, const char *what,
			     struct shim_ctr *ctr);
struct shim_ctr *shim_find_ctr(struct shim *s, const char *name);
/* The state.json object (returns owned): shim_state_json plus "isolation". */
json_t *shim_state(struct shim *s);
void shim_save_state(struct shim *s);
/* A stop asked with grace_ms: a VM's VMM gets that long (and a margin to power off) before it is killed. */
void shim_stop_deadline(struct shim *s, long long grace_ms);
/* Serve until the pod is stopped or pod init dies. */
int shim_serve(struct shim *s);
/* After the teardown: answer stop requests, give clients a moment to read, close them. */
void shim_finish(struct shim *s);

/* ---- shim_ops.c: control requests and pod init replies/events ---- */
void shim_op_control(struct shim *s, struct shim_conn *c, json_t *req);
void shim_on_reply(struct shim *s, json_t *msg, struct shim_conn *conn, const char *what, struct shim_ctr *ctr);
void shim_on_exit(struct shim *s, json_t *msg);
void shim_on_output(struct shim *s, uint8_t type, uint32_t proc, const char *data, size_t len);

/* ---- shim_image.c ---- */
/* {"op":"add_image","path"}: the image tree at /images/N of the running sandbox; replies "lower". */
void shim_op_add_image(struct shim *s, struct shim_conn *c, json_t *req);

/* ---- shim_stream.c: exec, attach, portforward ---- */
void shim_op_stream(struct shim *s, struct shim_conn *c, json_t *req);
/* A frame from a stream client (after its first request). */
void shim_stream_frame(struct shim *s, struct shim_conn *c, const struct pi_frame *f);
/* Portforward relay: tcp readable / writable. */
void shim_pf_io(struct shim *s, struct shim_conn *c, short revents);
/* Raw bytes from a portforward client (after its reply): to the TCP socket, or to pod init's relay in a VM. */
void shim_pf_from_client(struct shim *s, struct shim_conn *c, const char *data, size_t len);
/* A portforward client has no more to send. */
void shim_pf_client_eof(struct shim *s, struct shim_conn *c);

/* shim_zygote.c: `atoll shim --zygote FD`: fork shims on the agent's requests on socket FD (shim_client.c). */
int shim_zygote_main(int sock);

#endif
