/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A VM pod's sandbox: its cgroup, the `atoll vmm` process booting the guest
 * kernel with pod init as the initramfs, and the connection to pod init
 * through the VMM's vsock socket (Firecracker's "CONNECT <port>").
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "sandbox/run_vm.h"
#include "shim/shim_int.h"
#include "shim/shim_vm.h"

/* A guest kernel with an initramfs is up in well under a second where hardware virtualization exists. */
#define BOOT_TIMEOUT_MS 30000
#define SETUP_TIMEOUT_MS 20000 /* with the boot: inside the agent's 60 s wait for a shim */
/* How long a VMM may take to exit once its guest has powered off. */
#define EXIT_WAIT_MS 3000

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* One initramfs per pod init binary (size and mtime name it), shared by the node's VM pods. */
static char *initrd_for(const char *data_dir, const char *init, char *msg, size_t len)
{
	struct stat st;

	if (stat(init, &st) < 0) {
		snprintf(msg, len, "%s: %s", init, strerror(errno));
		return NULL;
	}
	_cleanup_free_ char *dir = xasprintf("%s/vm", data_dir);
	char *out = xasprintf("%s/initrd-%lld-%lld.cpio", dir, (long long)st.st_size, (long long)st.st_mtime);
	mkdir(dir, 0700);
	if (access(out, R_OK) == 0)
		return out;
	int r = run_vm_initramfs(init, out);
	if (r < 0) {
		snprintf(msg, len, "initramfs %s: %s", out, strerror(-r));
		free(out);
		return NULL;
	}
	return out;
}

/* The last line the VMM logged: why it ended (docs/vmm.md). */
static void vmm_last_line(const char *dir, char *out, size_t n)
{
	_cleanup_free_ char *p = xasprintf("%s/vmm.log", dir);
	char line[512];
	FILE *f = fopen(p, "re");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		/* Without the log's "I12:34:56.789 vmm    " prefix. */
		const char *t = line;
		if (strchr("IWE", t[0]) && t[1] >= '0' && t[1] <= '9' && strchr(t, ' ')) {
			t = strchr(t, ' ') + strspn(strchr(t, ' '), " ");
			if (strchr(t, ' '))
				t = strchr(t, ' ') + strspn(strchr(t, ' '), " ");
		}
		snprintf(out, n, "%.280s", t);
	}
	fclose(f);
}

static pid_t spawn_vmm(struct shim *s, const char *config)
{
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	_cleanup_free_ char *log = xasprintf("%s/vmm.log", s->dir);

	if (k <= 0)
		return -1;
	exe[k] = '\0';
	/* --cgroup once per hierarchy: the VMM joins before it allocates guest memory. */
	char **argv = xcalloc(8 + 2 * (size_t)s->sb.cg.n, sizeof(*argv));
	size_t a = 0;
	argv[a++] = "atoll";
	argv[a++] = "vmm";
	argv[a++] = "--config";
	argv[a++] = (char *)config;
	for (int i = 0; i < s->sb.cg.n; i++) {
		argv[a++] = "--cgroup";
		argv[a++] = s->sb.cg.dirs[i];
	}
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		close_range(3, ~0U, 0);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execv(exe, argv);
		_exit(127);
	}
	free(argv);
	return pid;
}

/* Whether the VMM has exited; its wait status into *st. */
static bool vmm_exited(pid_t pid, int *st)
{
	return waitpid(pid, st, WNOHANG) == pid;
}

/* Connect through the VMM's vsock socket to pod init's port; -1 with msg when the VMM ended or time ran out. */
static int vsock_connect(struct shim *s, const char *uds, pid_t vmm, char *msg, size_t len)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	long long deadline = now_ms() + BOOT_TIMEOUT_MS;
	int st;

	if (strlen(uds) >= sizeof(a.sun_path)) {
		snprintf(msg, len, "%s: path too long for a Unix socket", uds);
		return -1;
	}
	strcpy(a.sun_path, uds);
	/* Bounded by the deadline; a round takes at least 20 ms. */
	for (int round = 0; round < BOOT_TIMEOUT_MS / 20 + 1 && now_ms() < deadline; round++) {
		if (vmm_exited(vmm, &st)) {
			char why[300];
			vmm_last_line(s->dir, why, sizeof(why));
			snprintf(msg, len, "the VM did not boot: atoll vmm %s %d before pod init answered%s%s",
				 WIFEXITED(st) ? "exited with status" : "was killed by signal",
				 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), why[0] ? ": " : "", why);
			s->sb.pid = 0;
			return -1;
		}
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			char line[64];
			size_t got = 0;
			if (dprintf(fd, "CONNECT %u\n", PI_VSOCK_PORT) > 0) {
				while (got < sizeof(line) - 1) {
					struct pollfd p = { .fd = fd, .events = POLLIN };
					if (poll(&p, 1, 1000) <= 0 || read(fd, line + got, 1) != 1)
						break;
					if (line[got++] == '\n')
						break;
				}
			}
			line[got] = '\0';
			if (!strncmp(line, "OK", 2))
				return fd;
		}
		if (fd >= 0)
			close(fd);
		usleep(20000);
	}
	snprintf(msg, len, "the VM did not boot: no pod init on vsock port %u within %d s (see %s/console.log)",
		 PI_VSOCK_PORT, BOOT_TIMEOUT_MS / 1000, s->dir);
	return -1;
}

/* Read frames from pod init until one control frame arrives; its JSON (owned), or NULL. */
static json_t *next_ctl(struct shim *s, long long deadline)
{
	struct pollfd p = { .fd = s->sb.sock, .events = POLLIN };
	struct pi_frame f;

	for (int round = 0; round < 10000 && now_ms() < deadline; round++) {
		int r = pi_next(&s->rd, &f);
		if (r < 0)
			return NULL;
		if (r == 1) {
			if (f.type == PI_CTL)
				return json_loadb(f.data, f.len, 0, NULL);
			continue;
		}
		long long left = deadline - now_ms();
		int k = poll(&p, 1, left > 1000 ? 1000 : (int)(left > 0 ? left : 0));
		if (k < 0 && errno != EINTR)
			return NULL;
		if (k > 0) {
			k = pi_fill(&s->rd, s->sb.sock);
			if (k == 0 || (k < 0 && k != -EAGAIN))
				return NULL;
		}
	}
	return NULL;
}

/* Pod init's ready, then its answer to setup (disks, shares, network, host name). */
static int guest_setup(struct shim *s, struct shim_vm_plan *plan, char *msg, size_t len)
{
	long long deadline = now_ms() + SETUP_TIMEOUT_MS;
	json_t *m = next_ctl(s, deadline);
	const char *op = json_string_value(json_object_get(m, "op"));

	if (!op || strcmp(op, "ready")) {
		json_decref(m);
		snprintf(msg, len, "pod init in the VM did not come up");
		return -1;
	}
	json_decref(m);
	json_t *req = shim_vm_setup(plan);
	json_int_t seq = ++s->seq;
	json_object_set_new(req, "seq", json_integer(seq));
	char *j = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	int r = j ? pi_send(s->sb.sock, PI_CTL, 0, j, strlen(j)) : -ENOMEM;
	free(j);
	if (r < 0) {
		snprintf(msg, len, "pod init in the VM: %s", strerror(-r));
		return -1;
	}
	/* Nothing else is asked yet, so the next control frame is the answer. */
	m = next_ctl(s, deadline);
	if (!m || json_integer_value(json_object_get(m, "seq")) != seq) {
		json_decref(m);
		snprintf(msg, len, "pod init in the VM did not answer setup");
		return -1;
	}
	r = json_is_true(json_object_get(m, "ok")) ? 0 : -1;
	if (r < 0)
		snprintf(msg, len, "setting up the VM: %s",
			 json_string_value(json_object_get(m, "error")) ?: "refused by pod init");
	json_decref(m);
	return r;
}

int shim_vm_start(struct shim *s, char *msg, size_t len)
{
	struct shim_vm_plan plan;
	_cleanup_free_ char *init = sandbox_find_init();
	_cleanup_free_ char *initrd = initrd_for(s->data_dir, init, msg, len);
	_cleanup_free_ char *config = xasprintf("%s/vm.json", s->dir);
	const char *uid = strrchr(s->dir, '/') + 1;
	int r = -1;

	s->sb.sock = -1;
	s->sb.idlock = -1;
	if (!initrd || shim_vm_plan(s->cfg, s->dir, initrd, &plan, msg, len) < 0)
		return -1;
	if (s->tap[0]) {
		snprintf(plan.tap, sizeof(plan.tap), "%s", s->tap);
		shim_vm_mac(uid, plan.mac);
		plan.net = s->netp;
	}
	/* The VMM's cgroup: guest memory plus the VMM's own, and the pod's CPU limit. */
	char name[32];
	snprintf(name, sizeof(name), "vm-%.24s", uid);
	struct sb_opts o = { .data_dir = s->data_dir, .cpu_milli = plan.cpu_milli, .memory = plan.cgroup_memory };
	if (sb_opts_pool_from_json(&o, s->cfg, msg, len) < 0 || sb_cgroup_create(&s->sb.cg, name, &o, msg, len) < 0)
		goto out;
	json_t *c = shim_vm_config(&plan);
	int w = json_dump_file(c, config, JSON_INDENT(1));
	json_decref(c);
	if (w < 0) {
		snprintf(msg, len, "%s: cannot write", config);
		goto out;
	}
	unlink(plan.vsock_uds);
	s->sb.pid = spawn_vmm(s, config);
	if (s->sb.pid < 0) {
		s->sb.pid = 0;
		snprintf(msg, len, "starting atoll vmm: %s", strerror(errno));
		goto out;
	}
	snprintf(s->sb.id, sizeof(s->sb.id), "%s", name);
	log_info("shim", "pod %s: atoll vmm %d booting %s (%d vCPUs, %lld MiB)", s->dir, (int)s->sb.pid, plan.kernel,
		 plan.vcpus, plan.mem_mib);
	s->sb.sock = vsock_connect(s, plan.vsock_uds, s->sb.pid, msg, len);
	if (s->sb.sock < 0 || guest_setup(s, &plan, msg, len) < 0)
		goto out;
	r = 0;
out:
	if (r < 0)
		shim_vm_teardown(s);
	shim_vm_plan_release(&plan);
	return r;
}

void shim_vm_teardown(struct shim *s)
{
	int st;

	if (s->sb.sock >= 0)
		close(s->sb.sock); /* pod init takes a closed connection as the end of the pod */
	s->sb.sock = -1;
	for (long long end = now_ms() + EXIT_WAIT_MS; s->sb.pid > 0 && now_ms() < end; usleep(20000))
		if (vmm_exited(s->sb.pid, &st))
			s->sb.pid = 0;
	if (s->sb.pid > 0) {
		log_warn("shim", "pod %s: atoll vmm %d did not exit: killing it", s->dir, (int)s->sb.pid);
		kill(s->sb.pid, SIGKILL);
		waitpid(s->sb.pid, &st, 0);
		s->sb.pid = 0;
	}
	sb_cgroup_destroy(&s->sb.cg);
	static const char *const left[] = { "vm.vsock", "vm.sock" };
	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", s->dir, left[i]);
		unlink(p);
	}
	if (s->tap[0]) {
		net_pod_detach(s->data_dir, strrchr(s->dir, '/') + 1);
		s->tap[0] = '\0';
		s->pod_ip[0] = '\0';
	}
}
