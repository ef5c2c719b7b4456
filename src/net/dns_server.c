/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DNS server's sockets: per listen address one UDP thread and one TCP
 * accept thread; TCP connections and relayed queries get short-lived threads,
 * a bounded number of each.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "net/dns.h"
#include "net/dns_wire.h"
#include "net/net.h"

#define MAX_TCP      16 /* connections at once */
#define MAX_RELAYS   32 /* relayed UDP queries at once */
#define TCP_QUERIES  64 /* per connection */
#define MAX_LISTENS  8

struct dns_server {
	pthread_rwlock_t lock; /* guards zone and up */
	struct dns_zone *zone;
	struct dns_upstreams up;
	char *resolv_conf;
	uint32_t listen_ip[MAX_LISTENS];
	size_t nlisten;
	atomic_int tcp, relays;
};

struct dns_server *dns_server_new(const char *resolv_conf)
{
	struct dns_server *s = xcalloc(1, sizeof(*s));
	uint32_t skip;

	pthread_rwlock_init(&s->lock, NULL);
	s->resolv_conf = xstrdup(resolv_conf ? resolv_conf : "/etc/resolv.conf");
	inet_pton(AF_INET, NET_DNS_IP, &skip);
	dns_upstreams_load(&s->up, s->resolv_conf, &skip, 1);
	return s;
}

void dns_server_set_zone(struct dns_server *s, struct dns_zone *z)
{
	pthread_rwlock_wrlock(&s->lock);
	struct dns_zone *old = s->zone;
	s->zone = z;
	pthread_rwlock_unlock(&s->lock);
	dns_zone_free(old);
}

/* Answer msg; relay when not ours (relay false: say so instead). Returns the reply length. */
static size_t serve(struct dns_server *s, const uint8_t *msg, size_t len, bool udp, bool relay,
		    uint8_t *out, size_t cap, bool *forward)
{
	size_t n = 0;

	*forward = false;
	pthread_rwlock_rdlock(&s->lock);
	enum dns_verdict v = dns_answer(s->zone, msg, len, udp, out, cap, &n);
	struct dns_upstreams up = s->up;
	pthread_rwlock_unlock(&s->lock);
	if (v == DNS_DROP)
		return 0;
	if (v == DNS_REPLY)
		return n;
	if (up.n && !relay) {
		*forward = true;
		return 0;
	}
	if (up.n && (n = dns_forward(&up, msg, len, out, cap, !udp)))
		return n;
	/* No resolver for names outside the cluster, or none answered: not ours to answer. */
	return dns_error_reply(msg, len, DNS_R_REFUSED, out, cap);
}

struct relay {
	struct dns_server *s;
	int fd;
	struct sockaddr_storage from;
	socklen_t fromlen;
	size_t len;
	uint8_t msg[];
};

static void *relay_thread(void *arg)
{
	struct relay *r = arg;
	uint8_t *out = xmalloc(65536);
	bool fw;
	size_t n = serve(r->s, r->msg, r->len, true, true, out, 65536, &fw);

	if (n)
		sendto(r->fd, out, n, 0, (struct sockaddr *)&r->from, r->fromlen);
	free(out);
	atomic_fetch_sub(&r->s->relays, 1);
	free(r);
	return NULL;
}

struct listener {
	struct dns_server *s;
	int fd;
};

static void *udp_thread(void *arg)
{
	struct listener *l = arg;
	uint8_t *in = xmalloc(65536), *out = xmalloc(65536); /* live as long as the thread */

	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(l->fd, in, 65536, 0, (struct sockaddr *)&from, &fl);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			log_error("dns", "udp: %s", strerror(errno));
			free(in);
			free(out);
			return NULL;
		}
		bool fw;
		size_t n = serve(l->s, in, (size_t)len, true, false, out, 65536, &fw);
		if (n)
			sendto(l->fd, out, n, 0, (struct sockaddr *)&from, fl);
		if (!fw)
			continue;
		if (atomic_fetch_add(&l->s->relays, 1) >= MAX_RELAYS) {
			atomic_fetch_sub(&l->s->relays, 1);
			n = dns_error_reply(in, (size_t)len, DNS_R_SERVFAIL, out, 65536);
			if (n)
				sendto(l->fd, out, n, 0, (struct sockaddr *)&from, fl);
			continue;
		}
		struct relay *r = xmalloc(sizeof(*r) + (size_t)len);
		r->s = l->s;
		r->fd = l->fd;
		r->from = from;
		r->fromlen = fl;
		r->len = (size_t)len;
		memcpy(r->msg, in, (size_t)len);
		pthread_t t;
		if (pthread_create(&t, NULL, relay_thread, r) == 0) {
			pthread_detach(t);
		} else {
			atomic_fetch_sub(&l->s->relays, 1);
			free(r);
		}
	}
}

static bool io_full(int fd, void *p, size_t n, bool wr)
{
	size_t done = 0;

	/* Each call blocks at most the socket timeout, and every turn makes progress. */
	while (done < n) {
		ssize_t k = wr ? send(fd, (char *)p + done, n - done, MSG_NOSIGNAL)
			       : recv(fd, (char *)p + done, n - done, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		done += (size_t)k;
	}
	return true;
}

struct conn {
	struct dns_server *s;
	int fd;
};

static void *tcp_conn(void *arg)
{
	struct conn *c = arg;
	uint8_t *in = xmalloc(65536), *out = xmalloc(65536 + 2);
	struct timeval rt = { .tv_sec = 10 }, wt = { .tv_sec = 5 };

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof(rt));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &wt, sizeof(wt));
	for (int i = 0; i < TCP_QUERIES; i++) {
		uint8_t lb[2];
		if (!io_full(c->fd, lb, 2, false))
			break;
		size_t len = (size_t)(lb[0] << 8 | lb[1]);
		if (!io_full(c->fd, in, len, false))
			break;
		bool fw;
		size_t n = serve(c->s, in, len, false, true, out + 2, 65535, &fw);
		if (!n)
			break;
		out[0] = (uint8_t)(n >> 8);
		out[1] = (uint8_t)n;
		if (!io_full(c->fd, out, n + 2, true))
			break;
	}
	close(c->fd);
	atomic_fetch_sub(&c->s->tcp, 1);
	free(in);
	free(out);
	free(c);
	return NULL;
}

static void *tcp_thread(void *arg)
{
	struct listener *l = arg;

	for (;;) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) {
				if (errno == EMFILE || errno == ENFILE)
					usleep(100 * 1000);
				continue;
			}
			log_error("dns", "tcp accept: %s", strerror(errno));
			return NULL;
		}
		if (atomic_fetch_add(&l->s->tcp, 1) >= MAX_TCP) {
			atomic_fetch_sub(&l->s->tcp, 1);
			close(fd);
			continue;
		}
		struct conn *c = xmalloc(sizeof(*c));
		c->s = l->s;
		c->fd = fd;
		pthread_t t;
		if (pthread_create(&t, NULL, tcp_conn, c) == 0) {
			pthread_detach(t);
		} else {
			close(fd);
			atomic_fetch_sub(&l->s->tcp, 1);
			free(c);
		}
	}
}

static int open_sock(int type, const struct sockaddr_in *a, struct atoll_err *err)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return err_set(err, 500, "InternalError", "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)a, sizeof(*a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 64) < 0)) {
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
		err_set(err, 500, "InternalError", "dns: binding %s:%d: %s", ip, ntohs(a->sin_port),
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int dns_server_listen(struct dns_server *s, const char *addr, int *port, struct atoll_err *err)
{
	char host[64];
	const char *colon = strrchr(addr, ':');
	struct sockaddr_in a = { .sin_family = AF_INET };
	int p;

	if (!colon || (size_t)(colon - addr) >= sizeof(host) || sscanf(colon + 1, "%d", &p) != 1 || p < 0 ||
	    p > 65535)
		return err_set(err, 400, "BadRequest", "dns listen address %s: expected IP:PORT", addr);
	snprintf(host, sizeof(host), "%.*s", (int)(colon - addr), addr);
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return err_set(err, 400, "BadRequest", "dns listen address %s: expected an IPv4 address", addr);
	if (s->nlisten >= MAX_LISTENS)
		return err_set(err, 400, "BadRequest", "dns: too many listen addresses");
	a.sin_port = htons((uint16_t)p);
	int tfd = open_sock(SOCK_STREAM, &a, err);
	if (tfd < 0)
		return -1;
	if (!p) {
		/* Port 0: UDP takes the port the kernel gave TCP. */
		socklen_t al = sizeof(a);
		getsockname(tfd, (struct sockaddr *)&a, &al);
	}
	int ufd = open_sock(SOCK_DGRAM, &a, err);
	if (ufd < 0) {
		close(tfd);
		return -1;
	}
	if (port)
		*port = ntohs(a.sin_port);
	/* Never relay to ourselves. */
	pthread_rwlock_wrlock(&s->lock);
	s->listen_ip[s->nlisten++] = a.sin_addr.s_addr;
	uint32_t skip[MAX_LISTENS + 1];
	memcpy(skip, s->listen_ip, s->nlisten * sizeof(uint32_t));
	inet_pton(AF_INET, NET_DNS_IP, &skip[s->nlisten]);
	dns_upstreams_load(&s->up, s->resolv_conf, skip, s->nlisten + 1);
	pthread_rwlock_unlock(&s->lock);
	struct listener *lu = xmalloc(sizeof(*lu)), *lt = xmalloc(sizeof(*lt)); /* live as long as the process */
	*lu = (struct listener){ s, ufd };
	*lt = (struct listener){ s, tfd };
	pthread_t t;
	pthread_create(&t, NULL, udp_thread, lu);
	pthread_detach(t);
	pthread_create(&t, NULL, tcp_thread, lt);
	pthread_detach(t);
	log_info("dns", "serving %s:%d (udp, tcp)", host, ntohs(a.sin_port));
	return 0;
}
