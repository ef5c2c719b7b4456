/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod init in a VM: the host's "setup" request mounts the pod's disks (found
 * by their virtio-blk serial) and 9p shares where a namespace sandbox has
 * them (/images/N, /volumes/N), configures eth0 and sets the host name.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <strings.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "podinit/init.h"

static int err(char *msg, size_t len, int e, const char *what, const char *arg)
{
	snprintf(msg, len, "%s %s: %s", what, arg, strerror(e));
	return -e;
}

static void mkdirs(const char *path)
{
	char p[256];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

/* Read a short sysfs file without its newline. 0 or -errno. */
static int read_line(const char *path, char *out, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t k = read(fd, out, n - 1);
	close(fd);
	if (k < 0)
		return -EIO;
	out[k] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* /dev/vdX whose virtio-blk serial (the host's drive_id) is serial. 0 or -ENOENT. */
int pi_vm_find_disk(const char *sys_block, const char *serial, char *dev, size_t n)
{
	DIR *d = opendir(sys_block);
	struct dirent *e;
	int r = -ENOENT;

	if (!d)
		return -errno;
	while (r < 0 && (e = readdir(d))) {
		char p[512], got[64];
		if (strncmp(e->d_name, "vd", 2))
			continue;
		snprintf(p, sizeof(p), "%s/%s/serial", sys_block, e->d_name);
		if (read_line(p, got, sizeof(got)) == 0 && !strcmp(got, serial)) {
			snprintf(dev, n, "/dev/%s", e->d_name);
			r = 0;
		}
	}
	closedir(d);
	return r;
}

static int mount_one(json_t *m, char *msg, size_t len)
{
	const char *type = json_string_value(json_object_get(m, "type"));
	const char *target = json_string_value(json_object_get(m, "target"));
	unsigned long flags = MS_NODEV | (json_is_true(json_object_get(m, "readonly")) ? MS_RDONLY : 0);

	if (!type || !target || target[0] != '/' || strstr(target, ".."))
		return err(msg, len, EINVAL, "bad mount", target ? target : "");
	mkdirs(target);
	if (!strcmp(type, "disk")) {
		const char *serial = json_string_value(json_object_get(m, "serial"));
		const char *fstype = json_string_value(json_object_get(m, "fstype"));
		char dev[64];
		if (!serial || !fstype || pi_vm_find_disk("/sys/block", serial, dev, sizeof(dev)) < 0)
			return err(msg, len, ENOENT, "no virtio disk with serial", serial ? serial : "");
		if (mount(dev, target, fstype, flags, NULL) < 0)
			return err(msg, len, errno, "mount", dev);
		return 0;
	}
	if (!strcmp(type, "9p")) {
		const char *tag = json_string_value(json_object_get(m, "tag"));
		if (!tag || mount(tag, target, "9p", flags, "trans=virtio,version=9p2000.L") < 0)
			return err(msg, len, tag ? errno : EINVAL, "mount 9p share", tag ? tag : "");
		return 0;
	}
	return err(msg, len, EINVAL, "unknown mount type", type);
}

/* The interface with this MAC (the host chose it), asked of the kernel: /sys may be another namespace's. */
static int find_iface(int s, const char *mac, char name[IFNAMSIZ])
{
	struct if_nameindex *all = if_nameindex(), *i;
	int r = -ENODEV;

	if (!all)
		return -errno;
	for (i = all; r < 0 && i->if_index; i++) {
		struct ifreq ifr;
		char got[18];
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, IFNAMSIZ, "%.15s", i->if_name);
		if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0)
			continue;
		const unsigned char *h = (const unsigned char *)ifr.ifr_hwaddr.sa_data;
		snprintf(got, sizeof(got), "%02x:%02x:%02x:%02x:%02x:%02x", h[0], h[1], h[2], h[3], h[4], h[5]);
		if (!strcasecmp(got, mac)) {
			snprintf(name, IFNAMSIZ, "%.15s", i->if_name);
			r = 0;
		}
	}
	if_freenameindex(all);
	return r;
}

static int set_in(struct sockaddr *sa, const char *ip)
{
	struct sockaddr_in *s = (struct sockaddr_in *)sa;

	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	return inet_pton(AF_INET, ip, &s->sin_addr) == 1 ? 0 : -EINVAL;
}

static int net_setup(json_t *n, char *msg, size_t len)
{
	const char *mac = json_string_value(json_object_get(n, "mac"));
	const char *addr = json_string_value(json_object_get(n, "address"));
	const char *gw = json_string_value(json_object_get(n, "gateway"));
	int prefix = (int)json_integer_value(json_object_get(n, "prefix"));
	int mtu = (int)json_integer_value(json_object_get(n, "mtu"));
	struct ifreq ifr;
	char mask[16];

	if (!mac || !addr || !gw || prefix < 1 || prefix > 31)
		return err(msg, len, EINVAL, "network", "needs mac, address, prefix and gateway");
	uint32_t m = htonl(0xffffffffu << (32 - prefix));
	inet_ntop(AF_INET, &m, mask, sizeof(mask));
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return err(msg, len, errno, "network", "socket");
	memset(&ifr, 0, sizeof(ifr));
	int r = find_iface(s, mac, ifr.ifr_name);
	if (r < 0) {
		close(s);
		return err(msg, len, -r, "no network interface with MAC", mac);
	}
	if (strcmp(ifr.ifr_name, "eth0")) {
		struct ifreq rn = ifr;
		snprintf(rn.ifr_newname, IFNAMSIZ, "eth0");
		if (ioctl(s, SIOCSIFNAME, &rn) == 0)
			snprintf(ifr.ifr_name, IFNAMSIZ, "eth0");
	}
	const char *what = "address";
	if (set_in(&ifr.ifr_addr, addr) < 0 || ioctl(s, SIOCSIFADDR, &ifr) < 0)
		goto fail;
	what = "netmask";
	if (set_in(&ifr.ifr_netmask, mask) < 0 || ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
		goto fail;
	what = "MTU";
	ifr.ifr_mtu = mtu > 0 ? mtu : 1500;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
		goto fail;
	what = "link up";
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		goto fail;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		goto fail;
	struct rtentry rt;
	memset(&rt, 0, sizeof(rt));
	set_in(&rt.rt_dst, "0.0.0.0");
	set_in(&rt.rt_genmask, "0.0.0.0");
	what = "default route";
	if (set_in(&rt.rt_gateway, gw) < 0)
		goto fail;
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	if (ioctl(s, SIOCADDRT, &rt) < 0 && errno != EEXIST)
		goto fail;
	close(s);
	return 0;
fail:
	r = errno ? errno : EINVAL;
	close(s);
	return err(msg, len, r, "eth0", what);
}

int pi_vm_setup(json_t *m, char *msg, size_t len)
{
	const char *hn = json_string_value(json_object_get(m, "hostname"));
	json_t *e, *net = json_object_get(m, "net");
	size_t i;

	if (hn && sethostname(hn, strlen(hn)) < 0)
		return err(msg, len, errno, "hostname", hn);
	json_array_foreach(json_object_get(m, "mounts"), i, e)
		if (mount_one(e, msg, len) < 0)
			return -1;
	if (net && net_setup(net, msg, len) < 0)
		return -1;
	return 0;
}
