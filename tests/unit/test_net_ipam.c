/* SPDX-License-Identifier: Apache-2.0 */
/* Pod address leases (net/ipam.c) and a pod's resolv.conf and hosts (net/files.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "net/ipam.h"
#include "net/net.h"
#include "t.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_cidr(void)
{
	uint32_t net;
	int plen;
	char s[16];

	CHECK(net_cidr_parse("10.244.3.7/24", &net, &plen) == 0);
	CHECK_STR(net_ip_str(net, s), "10.244.3.0");
	CHECK(plen == 24);
	CHECK(net_cidr_parse("10.244.0.0", &net, &plen) < 0);
	CHECK(net_cidr_parse("10.244.0.0/33", &net, &plen) < 0);
	CHECK(net_cidr_parse("10.244.0.x/24", &net, &plen) < 0);
	CHECK(net_cidr_parse("10.244.0.0/", &net, &plen) < 0);
	CHECK(net_cidr_parse(NULL, &net, &plen) < 0);
}

static void test_leases(const char *dir)
{
	struct atoll_err err = ERR_INIT;
	char a[16], b[16], c[16];

	CHECK(net_ipam_lease(dir, "10.244.1.0/24", "uid-a", a, sizeof(a), &err) == 0);
	CHECK_STR(a, "10.244.1.2"); /* .1 is the gateway */
	CHECK(net_ipam_lease(dir, "10.244.1.0/24", "uid-b", b, sizeof(b), &err) == 0);
	CHECK_STR(b, "10.244.1.3");
	/* Idempotent: the same pod keeps its address (as after an agent restart). */
	CHECK(net_ipam_lease(dir, "10.244.1.0/24", "uid-a", c, sizeof(c), &err) == 0);
	CHECK_STR(c, "10.244.1.2");
	_cleanup_free_ char *f = xasprintf("%s/net/leases/10.244.1.2", dir);
	CHECK(access(f, F_OK) == 0);
	CHECK(net_ipam_find(dir, "uid-b", c, sizeof(c)) == 0);
	CHECK_STR(c, "10.244.1.3");
	net_ipam_release(dir, "uid-a");
	CHECK(access(f, F_OK) != 0);
	CHECK(net_ipam_find(dir, "uid-a", c, sizeof(c)) < 0);
	CHECK(net_ipam_lease(dir, "10.244.1.0/24", "uid-c", c, sizeof(c), &err) == 0);
	CHECK_STR(c, "10.244.1.4"); /* round robin: .2 was just released, not handed out at once */
	net_ipam_release(dir, "uid-b");
	net_ipam_release(dir, "uid-c");
	/* Round robin wraps: in a /29 (.2 to .6) after .6 comes .2 again. */
	const char *want[] = { "10.244.3.2", "10.244.3.3", "10.244.3.4", "10.244.3.5", "10.244.3.6", "10.244.3.2" };
	for (int i = 0; i < 6; i++) {
		char u[16];
		snprintf(u, sizeof(u), "rr-%d", i);
		CHECK(net_ipam_lease(dir, "10.244.3.0/29", u, a, sizeof(a), &err) == 0);
		CHECK_STR(a, want[i]);
		net_ipam_release(dir, u);
	}

	/* A /30 has one pod address: network, gateway, pod, broadcast. */
	CHECK(net_ipam_lease(dir, "10.244.9.0/30", "p1", a, sizeof(a), &err) == 0);
	CHECK_STR(a, "10.244.9.2");
	CHECK(net_ipam_lease(dir, "10.244.9.0/30", "p2", b, sizeof(b), &err) < 0);
	CHECK(err.code == 503);
	net_ipam_release(dir, "p1");
	CHECK(net_ipam_lease(dir, "10.244.9.0/30", "p2", b, sizeof(b), &err) == 0);
	CHECK_STR(b, "10.244.9.2");
	net_ipam_release(dir, "p2");

	CHECK(net_ipam_lease(dir, "nonsense", "p3", a, sizeof(a), &err) < 0);
	CHECK(net_ipam_lease(dir, "10.244.9.0/24", "../x", a, sizeof(a), &err) < 0);
}

static bool keep_b(const char *uid, void *ctx)
{
	return !strcmp(uid, "gc-b");
}

static void drop(const char *dir, const char *uid, void *ctx)
{
	(*(int *)ctx)++;
	net_ipam_release(dir, uid);
}

static void test_gc(const char *dir)
{
	struct atoll_err err = ERR_INIT;
	char a[16], b[16], c[16];
	int dropped = 0;

	CHECK(net_ipam_lease(dir, "10.244.2.0/24", "gc-a", a, sizeof(a), &err) == 0);
	CHECK(net_ipam_lease(dir, "10.244.2.0/24", "gc-b", b, sizeof(b), &err) == 0);
	CHECK(net_ipam_lease(dir, "10.244.2.0/24", "gc-c", c, sizeof(c), &err) == 0);
	/* a and b are old; c was just leased (its pod may not be listed yet). */
	struct timeval old[2] = { { time(NULL) - 600, 0 }, { time(NULL) - 600, 0 } };
	_cleanup_free_ char *pa = xasprintf("%s/net/leases/%s", dir, a);
	_cleanup_free_ char *pb = xasprintf("%s/net/leases/%s", dir, b);
	CHECK(utimes(pa, old) == 0 && utimes(pb, old) == 0);
	CHECK(net_ipam_gc(dir, 120, keep_b, drop, &dropped) == 1);
	CHECK(dropped == 1);
	CHECK(net_ipam_find(dir, "gc-a", a, sizeof(a)) < 0);
	CHECK(net_ipam_find(dir, "gc-b", b, sizeof(b)) == 0);
	CHECK(net_ipam_find(dir, "gc-c", c, sizeof(c)) == 0);
	net_ipam_release(dir, "gc-b");
	net_ipam_release(dir, "gc-c");
}

static void test_files(const char *dir)
{
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *resolv = xasprintf("%s/etc/resolv.conf", dir);
	_cleanup_free_ char *hosts = xasprintf("%s/etc/hosts", dir);

	CHECK(net_pod_files(dir, "team-a", "web-0", "10.244.0.5", &err) == 0);
	CHECK_STR(slurp(resolv), "search team-a.svc.cluster.local svc.cluster.local cluster.local\n"
				 "nameserver 10.96.0.10\noptions ndots:5\n");
	const char *h = slurp(hosts);
	CHECK(h && strstr(h, "127.0.0.1\tlocalhost\n"));
	CHECK(h && strstr(h, "10.244.0.5\tweb-0\n"));
	/* Rewritten in place and cut to the new length. */
	CHECK(net_pod_files(dir, "b", "x", "10.244.0.6", &err) == 0);
	h = slurp(hosts);
	CHECK(h && !strstr(h, "web-0") && strstr(h, "10.244.0.6\tx\n"));
	CHECK(strstr(slurp(resolv), "search b.svc.cluster.local svc") != NULL);
}

int main(void)
{
	char tmpl[] = "/tmp/atoll-net-unit-XXXXXX";
	char *dir = mkdtemp(tmpl);

	CHECK(dir != NULL);
	test_cidr();
	test_leases(dir);
	test_gc(dir);
	test_files(dir);
	_cleanup_free_ char *rm = xasprintf("rm -rf '%s'", dir);
	CHECK(system(rm) == 0);
	return T_DONE();
}
