/* SPDX-License-Identifier: Apache-2.0 */
/* VM isolation for atoll run: initramfs, `atoll vmm` process, vsock connection to pod init. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "podinit/proto.h"
#include "sandbox/run_vm.h"
#include "sandbox/session.h"

static int cpio_entry(FILE *f, const char *name, unsigned mode, const void *data, size_t len, unsigned ino)
{
	size_t nl = strlen(name) + 1;
	static const char zeros[4] = { 0 };

	fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ino, mode, 0u, 0u, 1u, 0u, len,
		0u, 0u, 0u, 0u, nl, 0u);
	fwrite(name, 1, nl, f);
	fwrite(zeros, 1, (4 - ((110 + nl) & 3)) & 3, f);
	if (len) {
		fwrite(data, 1, len, f);
		fwrite(zeros, 1, (4 - (len & 3)) & 3, f);
	}
	return ferror(f) ? -EIO : 0;
}

int run_vm_initramfs(const char *init_path, const char *out)
{
	struct stat st;
	int fd = open(init_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	char *data = xmalloc((size_t)st.st_size);
	ssize_t n = read(fd, data, (size_t)st.st_size);
	close(fd);
	/* Per writer: pod shims of one node may build the same initramfs at once. */
	_cleanup_free_ char *tmp = xasprintf("%s.tmp.%d", out, (int)getpid());
	FILE *f = fopen(tmp, "we");
	if (n != st.st_size || !f) {
		free(data);
		return -EIO;
	}
	static const char *const dirs[] = { "dev", "proc", "sys", "run", "tmp" };
	unsigned ino = 1;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cpio_entry(f, dirs[i], 040755, NULL, 0, ino++);
	cpio_entry(f, "init", 0100755, data, (size_t)n, ino++);
	cpio_entry(f, "TRAILER!!!", 0, NULL, 0, 0);
	free(data);
	if (fclose(f) != 0 || rename(tmp, out) < 0) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

/* Firecracker-style vsock over a Unix socket: "CONNECT port\n" -> "OK n\n". */
static int vsock_connect(const char *uds, pid_t vmm)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", uds);
	for (int tries = 0; tries < 3000; tries++) {
		if (waitpid(vmm, NULL, WNOHANG) == vmm)
			return -ECHILD;
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0) {
			char line[64];
			size_t got = 0;
			dprintf(s, "CONNECT %u\n", PI_VSOCK_PORT);
			while (got < sizeof(line) - 1) {
				struct pollfd p = { .fd = s, .events = POLLIN };
				if (poll(&p, 1, 1000) <= 0 || read(s, line + got, 1) != 1)
					break;
				if (line[got++] == '\n')
					break;
			}
			line[got] = '\0';
			if (!strncmp(line, "OK", 2))
				return s;
		}
		if (s >= 0)
			close(s);
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int run_vm(const struct run_vm_opts *o, json_t *spec)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct session_timings t = { 0 };
	struct session_result res;

	if (json_array_size(json_object_get(spec, "mounts"))) {
		fprintf(stderr, "atoll: --volume is not supported with vm isolation yet\n");
		return 125;
	}
	if (n <= 0)
		return 125;
	exe[n] = '\0';
	_cleanup_free_ char *init = xasprintf("%.*s/atoll-init", (int)(strrchr(exe, '/') - exe), exe);
	_cleanup_free_ char *dir = xasprintf("%s/vm", o->data_dir);
	_cleanup_free_ char *initrd = xasprintf("%s/initrd.cpio", dir);
	_cleanup_free_ char *uds = xasprintf("%s/vsock-%d.sock", dir, getpid());
	_cleanup_free_ char *disk = xasprintf("%s,ro", o->erofs);
	_cleanup_free_ char *mem = xasprintf("%lld", o->memory > 0 ? o->memory >> 20 : 512);
	_cleanup_free_ char *cpus = xasprintf("%ld", o->cpu_milli > 0 ? (o->cpu_milli + 999) / 1000 : 1);
	mkdir(dir, 0700);
	if (run_vm_initramfs(init, initrd) < 0) {
		fprintf(stderr, "atoll: cannot write the initramfs %s\n", initrd);
		return 125;
	}
	unlink(uds);
	double t_spawn = session_now();
	pid_t vmm = fork();
	if (vmm == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1); /* the serial console is for debugging, not for the command's output */
		char *argv[] = { exe, "vmm", "--kernel", (char *)o->kernel, "--initrd", initrd, "--cmdline",
				 "console=ttyS0 quiet panic=-1 rdinit=/init", "--mem", mem, "--cpus", cpus,
				 "--disk", disk, "--vsock-uds", uds, NULL };
		execv(exe, argv);
		_exit(127);
	}
	int sock = vmm > 0 ? vsock_connect(uds, vmm) : -1;
	if (sock < 0) {
		fprintf(stderr, "atoll: the VM did not come up (no pod init on vsock port %u)\n", PI_VSOCK_PORT);
		if (vmm > 0) {
			kill(vmm, SIGKILL);
			waitpid(vmm, NULL, 0);
		}
		unlink(uds);
		return 125;
	}
	int r = session_run(sock, spec, o->interactive, o->tty, &t, &res);
	close(sock);
	for (int i = 0; i < 200 && waitpid(vmm, NULL, WNOHANG) == 0; i++)
		usleep(10000);
	kill(vmm, SIGKILL);
	waitpid(vmm, NULL, 0);
	unlink(uds);
	if (r < 0) {
		fprintf(stderr, "atoll: %s\n", res.error);
		return 125;
	}
	if (o->timings)
		fprintf(stderr, "atoll: timings (ms): VM boot to init ready %.2f, command start %.2f, exit %.2f\n",
			(t.ready - t_spawn) * 1e3, (t.started - t.ready) * 1e3, (t.exited - t.started) * 1e3);
	return res.signal ? 128 + res.signal : res.status;
}
