/* SPDX-License-Identifier: Apache-2.0 */
/* Pod address leases as files under DATA/net/leases (see ipam.h). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "net/ipam.h"

int net_cidr_parse(const char *cidr, uint32_t *net, int *plen)
{
	char buf[32];
	const char *slash = cidr ? strchr(cidr, '/') : NULL;
	struct in_addr a;

	if (!slash || (size_t)(slash - cidr) >= sizeof(buf))
		return -1;
	memcpy(buf, cidr, (size_t)(slash - cidr));
	buf[slash - cidr] = '\0';
	char *end;
	long n = strtol(slash + 1, &end, 10);
	if (*end || end == slash + 1 || n < 0 || n > 32 || inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	uint32_t mask = n ? 0xffffffffu << (32 - n) : 0;
	*net = ntohl(a.s_addr) & mask;
	*plen = (int)n;
	return 0;
}

char *net_ip_str(uint32_t addr, char *out)
{
	struct in_addr a = { htonl(addr) };

	inet_ntop(AF_INET, &a, out, 16);
	return out;
}

static char *lease_dir(const char *data_dir)
{
	_cleanup_free_ char *net = xasprintf("%s/net", data_dir);

	mkdir(data_dir, 0700);
	mkdir(net, 0700);
	char *d = xasprintf("%s/leases", net);
	mkdir(d, 0700);
	return d;
}

/* Whether the lease file dir/name holds uid. */
static bool holds(const char *dir, const char *name, const char *uid)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	char buf[128];
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return !strcmp(buf, uid);
}

/* Call fn for each lease of uid; stops when fn returns non-zero. */
static int each_lease(const char *dir, const char *uid, int (*fn)(const char *dir, const char *ip, void *ctx),
		      void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return 0;
	while (!rc && (e = readdir(d)))
		if (e->d_name[0] != '.' && holds(dir, e->d_name, uid))
			rc = fn(dir, e->d_name, ctx);
	closedir(d);
	return rc;
}

struct found {
	char *ip;
	size_t len;
	uint32_t net;
	int plen; /* -1: any range */
};

static int found_cb(const char *dir, const char *ip, void *ctx)
{
	struct found *f = ctx;
	struct in_addr a;

	if (inet_pton(AF_INET, ip, &a) != 1)
		return 0;
	if (f->plen >= 0 && f->plen < 32 && (ntohl(a.s_addr) & (0xffffffffu << (32 - f->plen))) != f->net)
		return 0;
	snprintf(f->ip, f->len, "%s", ip);
	return 1;
}

int net_ipam_find(const char *data_dir, const char *uid, char *ip, size_t iplen)
{
	_cleanup_free_ char *dir = lease_dir(data_dir);
	struct found f = { ip, iplen, 0, -1 };

	return each_lease(dir, uid, found_cb, &f) ? 0 : -1;
}

int net_ipam_lease(const char *data_dir, const char *cidr, const char *uid, char *ip, size_t iplen,
		   struct atoll_err *err)
{
	uint32_t net;
	int plen;

	if (net_cidr_parse(cidr, &net, &plen) < 0 || plen > 30)
		return err_set(err, 400, "BadRequest", "pod range %s: not an IPv4 CIDR of 4 or more addresses",
			       cidr ? cidr : "(none)");
	if (!uid || !*uid || strchr(uid, '/'))
		return err_set(err, 400, "BadRequest", "pod uid missing");
	_cleanup_free_ char *dir = lease_dir(data_dir);
	struct found f = { ip, iplen, net, plen };
	if (each_lease(dir, uid, found_cb, &f))
		return 0;
	uint32_t bcast = net | (0xffffffffu >> plen);
	uint32_t count = bcast - (net + 2); /* pod addresses: .2 up to before broadcast */
	/*
	 * Round robin from after the last address leased in this range, as CNI's
	 * host-local IPAM does: an address just released is not handed out again
	 * at once, while neighbours may still have the old pod's MAC for it.
	 */
	char sn[16];
	_cleanup_free_ char *lastp = xasprintf("%s/.last-%s", dir, net_ip_str(net, sn));
	uint32_t start = 0;
	char lbuf[32] = "";
	int lfd = open(lastp, O_RDONLY | O_CLOEXEC);
	if (lfd >= 0) {
		ssize_t k = read(lfd, lbuf, sizeof(lbuf) - 1);
		close(lfd);
		struct in_addr la;
		lbuf[k > 0 ? k : 0] = '\0';
		lbuf[strcspn(lbuf, "\n")] = '\0';
		if (inet_pton(AF_INET, lbuf, &la) == 1 && ntohl(la.s_addr) >= net + 2 && ntohl(la.s_addr) < bcast)
			start = ntohl(la.s_addr) - (net + 2) + 1;
	}
	for (uint32_t i = 0; i < count; i++) {
		uint32_t a = net + 2 + (start + i) % count;
		char s[16];
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, net_ip_str(a, s));
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (errno == EEXIST)
				continue;
			return err_set(err, 500, "InternalError", "lease %s: %s", p, strerror(errno));
		}
		_cleanup_free_ char *line = xasprintf("%s\n", uid);
		ssize_t n = write(fd, line, strlen(line));
		close(fd);
		if (n != (ssize_t)strlen(line)) {
			unlink(p);
			return err_set(err, 500, "InternalError", "lease %s: short write", p);
		}
		snprintf(ip, iplen, "%s", s);
		_cleanup_free_ char *tmp = xasprintf("%s.tmp", lastp);
		int wfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (wfd >= 0) {
			bool ok = write(wfd, s, strlen(s)) == (ssize_t)strlen(s);
			close(wfd);
			if (!ok || rename(tmp, lastp) < 0)
				unlink(tmp);
		}
		return 0;
	}
	return err_set(err, 503, "ServiceUnavailable", "no free pod address in %s", cidr);
}

static int release_cb(const char *dir, const char *ip, void *ctx)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, ip);

	unlink(p);
	return 0;
}

void net_ipam_release(const char *data_dir, const char *uid)
{
	_cleanup_free_ char *dir = lease_dir(data_dir);

	if (uid && *uid)
		each_lease(dir, uid, release_cb, NULL);
}

int net_ipam_gc(const char *data_dir, int min_age, bool (*keep)(const char *uid, void *ctx),
		void (*gone)(const char *data_dir, const char *uid, void *ctx), void *ctx)
{
	_cleanup_free_ char *dir = lease_dir(data_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char buf[128];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, e->d_name);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t k = fstat(fd, &st) == 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		close(fd);
		if (k <= 0 || now - st.st_mtime < min_age)
			continue;
		buf[k] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (keep(buf, ctx))
			continue;
		gone(data_dir, buf, ctx);
		n++;
	}
	closedir(d);
	return n;
}
