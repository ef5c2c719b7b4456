/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCP relays for the host's "connect" request: pod init opens a connection
 * to a port of the pod (inside a VM the host cannot reach the guest's
 * network) and relays its bytes as stdin/stdout frames of a process number.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "podinit/init.h"
#include "podinit/proto.h"

struct relay {
	uint32_t num;      /* 0: free */
	int fd;
	char *pend;        /* bytes from the host the socket has not taken yet (owned) */
	size_t pend_len;
	int close_wr;      /* shut down our sending side once pend is written */
};

static struct relay relays[PI_MAX_RELAYS];

static struct relay *find(uint32_t num)
{
	for (int i = 0; num && i < PI_MAX_RELAYS; i++)
		if (relays[i].num == num)
			return &relays[i];
	return NULL;
}

int pi_relay_connect(uint32_t num, long port, char *msg, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct relay *r = NULL;

	if (port <= 0 || port > 65535 || !num || find(num) || pi_proc_number_taken(num)) {
		snprintf(msg, len, "bad port or process number");
		return -EINVAL;
	}
	for (int i = 0; i < PI_MAX_RELAYS && !r; i++)
		if (!relays[i].num)
			r = &relays[i];
	if (!r) {
		snprintf(msg, len, "too many forwarded connections");
		return -EMFILE;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* Loopback answers at once, accepted or refused. */
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		snprintf(msg, len, "connect to port %ld in the pod: %s", port, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	memset(r, 0, sizeof(*r));
	r->num = num;
	r->fd = fd;
	return 0;
}

static void end(struct relay *r, int sock)
{
	char ev[96];

	close(r->fd);
	free(r->pend);
	int n = snprintf(ev, sizeof(ev), "{\"op\":\"exit\",\"proc\":%u,\"status\":0}", r->num);
	memset(r, 0, sizeof(*r));
	if (pi_send(sock, PI_CTL, 0, ev, (size_t)n) < 0)
		_exit(1);
}

static void flush(struct relay *r)
{
	size_t done = 0;

	while (done < r->pend_len) {
		ssize_t n = send(r->fd, r->pend + done, r->pend_len - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	memmove(r->pend, r->pend + done, r->pend_len - done);
	r->pend_len -= done;
	if (!r->pend_len && r->close_wr == 1) {
		shutdown(r->fd, SHUT_WR);
		r->close_wr = 2;
	}
}

int pi_relay_input(uint32_t num, const char *data, size_t len)
{
	struct relay *r = find(num);

	if (!r)
		return 0;
	char *np = realloc(r->pend, r->pend_len + len);
	if (np) {
		r->pend = np;
		memcpy(r->pend + r->pend_len, data, len);
		r->pend_len += len;
	}
	flush(r);
	return 1;
}

int pi_relay_close_input(uint32_t num)
{
	struct relay *r = find(num);

	if (!r)
		return 0;
	if (!r->close_wr)
		r->close_wr = 1;
	flush(r);
	return 1;
}

int pi_relay_kill(uint32_t num, int sock)
{
	struct relay *r = find(num);

	if (!r)
		return 0;
	end(r, sock);
	return 1;
}

size_t pi_relay_backlog(void)
{
	size_t n = 0;
	for (int i = 0; i < PI_MAX_RELAYS; i++)
		n += relays[i].pend_len;
	return n;
}

int pi_relay_pollfds(struct pollfd *pfd)
{
	int n = 0;

	for (int i = 0; i < PI_MAX_RELAYS; i++)
		if (relays[i].num)
			pfd[n++] = (struct pollfd){ .fd = relays[i].fd,
						    .events = POLLIN | (relays[i].pend_len ? POLLOUT : 0) };
	return n;
}

void pi_relay_io(const struct pollfd *pfd, int n, int sock)
{
	char buf[32768];

	for (int i = 0; i < n; i++) {
		struct relay *r = NULL;
		for (int k = 0; k < PI_MAX_RELAYS && !r; k++)
			if (relays[k].num && relays[k].fd == pfd[i].fd)
				r = &relays[k];
		if (!r || !pfd[i].revents)
			continue;
		if (pfd[i].revents & POLLOUT)
			flush(r);
		if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t k = read(r->fd, buf, sizeof(buf));
		if (k > 0) {
			if (pi_send(sock, PI_STDOUT, r->num, buf, (size_t)k) < 0)
				_exit(1);
		} else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
			end(r, sock); /* the pod's side is done: the host sees the exit after the last bytes */
		}
	}
}
