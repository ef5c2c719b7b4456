/* SPDX-License-Identifier: Apache-2.0 */
/* TLS connections from the API server to node agents (OpenSSL). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cryptolib.h"
#include "api/node_conn.h"
#include "api/object.h"
#include "api/server.h"
#include "api/kind.h"
#include "lib/jparse.h"
#include "lib/xalloc.h"
#include "store/store.h"

#define HEAD_MAX 16384

/* The node's InternalIP and streaming port; -1 with err when it has none. */
static int node_address(struct api_server *srv, const char *node, char *ip, size_t iplen, int *port,
			struct atoll_err *err)
{
	const struct api_kind *k = kinds_find("", "v1", "nodes");
	_cleanup_free_ char *key = obj_key(k, NULL, node);
	struct store_kv kv = { 0 };

	if (store_get(srv->store, key, &kv, err) < 0)
		return err_set(err, 503, "ServiceUnavailable", "node %s of the pod is not registered", node);
	json_t *obj = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
	store_kv_release(&kv);
	json_t *st = json_object_get(obj, "status");
	*port = (int)json_integer_value(
		json_object_get(json_object_get(json_object_get(st, "daemonEndpoints"), "kubeletEndpoint"), "Port"));
	ip[0] = '\0';
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(st, "addresses"), i, a) {
		const char *t = json_string_value(json_object_get(a, "type"));
		const char *v = json_string_value(json_object_get(a, "address"));
		if (t && v && !strcmp(t, "InternalIP") && !ip[0])
			snprintf(ip, iplen, "%s", v);
	}
	json_decref(obj);
	if (!ip[0] || *port <= 0)
		return err_set(err, 503, "ServiceUnavailable", "node %s has no streaming endpoint", node);
	return 0;
}

static int tcp_connect(const char *ip, int port, struct atoll_err *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return err_set(err, 503, "ServiceUnavailable", "node address %s is not IPv4", ip);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(err, 500, "InternalError", "socket: %s", strerror(errno));
	/* Connecting and the handshake must not hang a server thread for long (on Linux the send timeout bounds connect). */
	struct timeval tv = { .tv_sec = 10 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return err_set(err, 503, "ServiceUnavailable", "cannot reach the node at %s:%d: %s", ip, port,
			       strerror(e));
	}
	return fd;
}

int node_conn_open(struct api_server *srv, const json_t *pod, const char *path, const char *extra_headers,
		   bool upgrade, struct node_conn *nc, struct atoll_err *err)
{
	char ip[64];
	int port = 0;
	const char *node = obj_str(pod, "spec.nodeName");

	memset(nc, 0, sizeof(*nc));
	nc->fd = -1;
	buf_init(&nc->head);
	if (!node || !*node)
		return err_set(err, 400, "BadRequest", "pod %s does not have a host assigned", obj_name(pod));
	if (node_address(srv, node, ip, sizeof(ip), &port, err) < 0)
		return -1;
	nc->fd = tcp_connect(ip, port, err);
	if (nc->fd < 0)
		return -1;
	/*
	 * Nodes serve with certificates they made themselves; like kube-apiserver
	 * without --kubelet-certificate-authority we do not verify them. The
	 * node checks us by our bearer token.
	 */
	nc->ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_min_proto_version(nc->ctx, TLS1_2_VERSION);
	nc->ssl = SSL_new(nc->ctx);
	SSL_set_fd(nc->ssl, nc->fd);
	if (SSL_connect(nc->ssl) != 1) {
		node_conn_close(nc);
		return err_set(err, 503, "ServiceUnavailable", "TLS to node %s at %s:%d failed", node, ip, port);
	}
	_cleanup_free_ char *req = xasprintf("GET %s HTTP/1.%d\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n"
					     "User-Agent: atoll-apiserver\r\n%s%s\r\n",
					     path, upgrade ? 1 : 0, ip, port, srv->admin_token,
					     upgrade ? "" : "Connection: close\r\n", extra_headers ? extra_headers : "");
	if (node_conn_write(nc, req, strlen(req)) < 0) {
		node_conn_close(nc);
		return err_set(err, 503, "ServiceUnavailable", "writing to node %s failed", node);
	}
	/* Read the head; what follows it stays for the caller. */
	char tmp[4096];
	for (;;) {
		char *end = strstr(nc->head.p, "\r\n\r\n");
		if (end) {
			size_t hl = (size_t)(end - nc->head.p) + 4;
			nc->rest_len = nc->head.len - hl;
			nc->rest = xmalloc(nc->rest_len + 1);
			memcpy(nc->rest, nc->head.p + hl, nc->rest_len);
			nc->head.p[hl] = '\0';
			nc->head.len = hl;
			break;
		}
		if (nc->head.len > HEAD_MAX) {
			node_conn_close(nc);
			return err_set(err, 502, "BadGateway", "node %s sent an oversized response head", node);
		}
		int n = SSL_read(nc->ssl, tmp, sizeof(tmp));
		if (n <= 0) {
			node_conn_close(nc);
			return err_set(err, 502, "BadGateway", "node %s closed the connection", node);
		}
		buf_add(&nc->head, tmp, (size_t)n);
	}
	if (sscanf(nc->head.p, "HTTP/1.%*d %d", &nc->code) != 1) {
		node_conn_close(nc);
		return err_set(err, 502, "BadGateway", "node %s sent no HTTP response", node);
	}
	/* An upgraded stream may idle for long: no timeouts. A body keeps them (callers may lift them). */
	if (upgrade)
		node_conn_no_timeouts(nc);
	return 0;
}

void node_conn_no_timeouts(struct node_conn *nc)
{
	struct timeval tv = { 0 };

	setsockopt(nc->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(nc->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

char *node_conn_header(const struct node_conn *nc, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = strstr(nc->head.p, "\r\n"); l && l[2]; l = strstr(l + 2, "\r\n")) {
		const char *h = l + 2;
		if (!strncasecmp(h, name, n) && h[n] == ':') {
			const char *v = h + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			const char *e = strstr(v, "\r\n");
			return xstrndup(v, e ? (size_t)(e - v) : strlen(v));
		}
	}
	return NULL;
}

ssize_t node_conn_read(struct node_conn *nc, void *buf, size_t n)
{
	if (nc->rest_len) {
		size_t k = nc->rest_len < n ? nc->rest_len : n;
		memcpy(buf, nc->rest, k);
		memmove(nc->rest, nc->rest + k, nc->rest_len - k);
		nc->rest_len -= k;
		return (ssize_t)k;
	}
	int r = SSL_read(nc->ssl, buf, n > 1 << 30 ? 1 << 30 : (int)n);
	if (r > 0)
		return r;
	int e = SSL_get_error(nc->ssl, r);
	return e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL ? 0 : -1;
}

int node_conn_write(struct node_conn *nc, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		int w = SSL_write(nc->ssl, p, n > 1 << 30 ? 1 << 30 : (int)n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void node_conn_close(struct node_conn *nc)
{
	if (nc->ssl) {
		SSL_shutdown(nc->ssl);
		SSL_free(nc->ssl);
	}
	if (nc->ctx)
		SSL_CTX_free(nc->ctx);
	if (nc->fd >= 0)
		close(nc->fd);
	buf_release(&nc->head);
	free(nc->rest);
	memset(nc, 0, sizeof(*nc));
	nc->fd = -1;
}
