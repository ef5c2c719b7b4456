/* SPDX-License-Identifier: Apache-2.0 */
/* A pod's /etc/resolv.conf and /etc/hosts, written into its pod directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/xalloc.h"
#include "net/net.h"

/*
 * Rewrite in place rather than rename: the files may already be bound into
 * running containers, and a bind mount follows the inode.
 */
static int put(const char *path, const struct buf *b, struct atoll_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return err_set(err, 500, "InternalError", "%s: %s", path, strerror(errno));
	ssize_t n = write(fd, b->p, b->len);
	int e = errno;
	if (n == (ssize_t)b->len && ftruncate(fd, (off_t)b->len) < 0)
		n = -1, e = errno;
	close(fd);
	if (n != (ssize_t)b->len)
		return err_set(err, 500, "InternalError", "%s: %s", path, n < 0 ? strerror(e) : "short write");
	return 0;
}

int net_pod_files(const char *pod_dir, const char *ns, const char *hostname, const char *ip,
		  struct atoll_err *err)
{
	struct buf b = BUF_INIT;
	_cleanup_free_ char *etc = xasprintf("%s/etc", pod_dir);
	_cleanup_free_ char *resolv = xasprintf("%s/resolv.conf", etc);
	_cleanup_free_ char *hosts = xasprintf("%s/hosts", etc);
	int rc;

	mkdir(etc, 0755);
	buf_addf(&b, "search %s%s" "svc." NET_DOMAIN " " NET_DOMAIN "\nnameserver " NET_DNS_IP "\noptions ndots:5\n",
		 ns && *ns ? ns : "", ns && *ns ? ".svc." NET_DOMAIN " " : "");
	rc = put(resolv, &b, err);
	buf_reset(&b);
	buf_adds(&b, "# Kubernetes-managed hosts file (atoll).\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	if (ip && *ip && hostname && *hostname)
		buf_addf(&b, "%s\t%s\n", ip, hostname);
	if (rc == 0)
		rc = put(hosts, &b, err);
	buf_release(&b);
	return rc;
}
