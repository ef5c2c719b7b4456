/* SPDX-License-Identifier: Apache-2.0 */
/* Names outside the cluster go to the host's resolvers, as read from resolv.conf. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
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

size_t dns_forward(const struct dns_upstreams *u, const uint8_t *msg, size_t len, uint8_t *out,
		   size_t cap)
{
	for (int i = 0; i < u->n; i++) {
		size_t n = ask(u->ip[i], msg, len, out, cap);
		if (n)
			return n;
	}
	return 0;
}
