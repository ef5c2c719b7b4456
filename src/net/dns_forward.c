/* SPDX-License-Identifier: Apache-2.0 */
/* Names outside the cluster go to the host's resolvers, as read from resolv.conf. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "net/dns.h"
#include "net/dns_wire.h"

#define UPSTREAM_MS 2000

void dns_upstreams_load(struct dns_upstreams *u, const char *path, const uint32_t *skip, size_t nskip)
{
	FILE *f = fopen(path ? path : "/etc/resolv.conf", "re");
	char line[512], ip[64];

	u->n = 0;
	if (!f)
		return;
	while (u->n < DNS_UPSTREAM_MAX && fgets(line, sizeof(line), f)) {
		struct in_addr a;
		if (sscanf(line, " nameserver %63s", ip) != 1 || inet_pton(AF_INET, ip, &a) != 1)
			continue;
		bool mine = false;
		for (size_t i = 0; i < nskip; i++)
			mine |= skip[i] == a.s_addr;
		if (!mine && a.s_addr != htonl(INADDR_ANY))
			u->ip[u->n++] = a.s_addr;
	}
	fclose(f);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One exchange with one upstream: the reply must come from it and carry our id. */
static size_t ask(uint32_t ip, const uint8_t *msg, size_t len, uint8_t *out, size_t cap)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53), .sin_addr.s_addr = ip };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	size_t got = 0;

	if (fd < 0)
		return 0;
	/* connect() makes the kernel drop datagrams from anyone else. */
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 || send(fd, msg, len, 0) != (ssize_t)len)
		goto out;
	long deadline = now_ms() + UPSTREAM_MS;
	for (int tries = 0; tries < 16; tries++) {
		long left = deadline - now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		ssize_t n = recv(fd, out, cap, 0);
		if (n >= DNS_HDR_LEN && out[0] == msg[0] && out[1] == msg[1] && (out[2] & 0x80)) {
			got = (size_t)n;
			break;
		}
	}
out:
	close(fd);
	return got;
}

static bool io_all(int fd, void *p, size_t n, bool wr)
{
	/* Each call blocks at most the socket timeouts and makes progress, so this ends. */
	for (size_t done = 0; done < n;) {
		ssize_t k = wr ? send(fd, (char *)p + done, n - done, MSG_NOSIGNAL) : recv(fd, (char *)p + done, n - done, 0);
		if (k <= 0)
			return false;
		done += (size_t)k;
	}
	return true;
}

/* The same over TCP (RFC 7766: a 2-byte length before each message). */
static size_t ask_tcp(uint32_t ip, const uint8_t *msg, size_t len, uint8_t *out, size_t cap)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53), .sin_addr.s_addr = ip };
	struct timeval tv = { .tv_sec = UPSTREAM_MS / 1000 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	uint8_t lb[2] = { (uint8_t)(len >> 8), (uint8_t)len };
	size_t got = 0;

	if (fd < 0)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)); /* bounds connect() too */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (len > 65535 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 || !io_all(fd, lb, 2, true) ||
	    !io_all(fd, (void *)msg, len, true) || !io_all(fd, lb, 2, false))
		goto out;
	size_t n = (size_t)(lb[0] << 8 | lb[1]);
	if (n >= DNS_HDR_LEN && n <= cap && io_all(fd, out, n, false) && out[0] == msg[0] && out[1] == msg[1] &&
	    (out[2] & 0x80))
		got = n;
out:
	close(fd);
	return got;
}

size_t dns_forward(const struct dns_upstreams *u, const uint8_t *msg, size_t len, uint8_t *out,
		   size_t cap, bool tcp)
{
	for (int i = 0; i < u->n; i++) {
		size_t n = ask(u->ip[i], msg, len, out, cap);
		if (n && tcp && (out[2] & (DNS_F_TC >> 8))) {
			size_t m = ask_tcp(u->ip[i], msg, len, out, cap);
			if (m)
				return m;
			n = ask(u->ip[i], msg, len, out, cap); /* the truncated answer, then */
		}
		if (n)
			return n;
	}
	return 0;
}
