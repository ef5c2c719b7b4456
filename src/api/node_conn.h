/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API server's connections to node agents' streaming servers
 * (docs/streaming.md): TLS to the Node's InternalIP and kubelet endpoint
 * port, one HTTP request, the response head parsed; then either an upgraded
 * stream shuttled to the client or a body read through.
 */
#ifndef ATOLL_API_NODE_CONN_H
#define ATOLL_API_NODE_CONN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/cryptolib.h"
#include "lib/buf.h"
#include "lib/err.h"

struct api_server;

struct node_conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	int code;           /* the response's status */
	struct buf head;    /* the response head, NUL-terminated */
	char *rest;         /* bytes read past the head (owned) */
	size_t rest_len;
};

/*
 * Open a connection to the node that runs pod (borrowed) and send
 * "METHOD path HTTP/1.x" with our credentials and extra_headers ("K: V\r\n"
 * lines, may be NULL); read the response head. HTTP/1.0 when !upgrade, so
 * bodies end at the connection's end; reads then time out after 10 s
 * until node_conn_no_timeouts. 0, or -1 with err.
 */
int node_conn_open(struct api_server *srv, const json_t *pod, const char *path, const char *extra_headers,
		   bool upgrade, struct node_conn *nc, struct atoll_err *err);
/* Lift the 10 s read and write timeouts (for streams that may idle). */
void node_conn_no_timeouts(struct node_conn *nc);
/* A response header's value (owned) or NULL. */
char *node_conn_header(const struct node_conn *nc, const char *name);
/* Read up to n body bytes: >0, 0 at the end, -1 on error. Blocking. */
ssize_t node_conn_read(struct node_conn *nc, void *buf, size_t n);
/* Write all of data. 0 or -1. */
int node_conn_write(struct node_conn *nc, const void *data, size_t n);
void node_conn_close(struct node_conn *nc);

#endif
