/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `atoll shim`: set up the pod (its directory's etc files, one namespace
 * sandbox or one micro-VM, its network), detach from whoever started us, listen on
 * POD_DIR/shim.sock and serve until the pod ends, then tear it down.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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

#include "lib/log.h"
#include "lib/xalloc.h"
#include "net/net.h"
#include "shim/shim.h"
#include "shim/shim_int.h"
#include "shim/shim_vm.h"

static int ready_fd = -1;

static void report(const char *msg)
{
	if (ready_fd < 0)
		return;
	ssize_t w = write(ready_fd, msg, strlen(msg));
	(void)w;
	close(ready_fd);
	ready_fd = -1;
}

static __attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "atoll shim: %s\n", msg);
	report(msg);
	exit(1);
}


/* Our stdio goes to POD_DIR/shim.log; we lead a session of our own and outlive our starter. */
static void detach(const char *dir)
{
	_cleanup_free_ char *log = xasprintf("%s/shim.log", dir);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || null < 0)
		fail("%s: %s", log, strerror(errno));
	dup2(null, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	close(null);
	setsid();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

static int write_file(const char *path, const char *text)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "we");

	if (!f)
		return -1;
	fputs(text, f);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* POD_DIR/etc/{hosts,resolv.conf}: made before the sandbox so containers can bind them. */
static void etc_files(struct shim *s)
{
	_cleanup_free_ char *etc = xasprintf("%s/etc", s->dir);
	static const char *const names[] = { "hosts", "resolv.conf" };

	if (mkdir(etc, 0755) < 0 && errno != EEXIST)
		fail("%s: %s", etc, strerror(errno));
	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", etc, names[i]);
		int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			fail("%s: %s", p, strerror(errno));
		close(fd);
	}
}

static void make_sandbox(struct shim *s)
{
	json_t *imgs = json_object_get(s->cfg, "images"), *vols = json_object_get(s->cfg, "volumes"), *v;
	size_t ni = json_array_size(imgs), i;
	const char **images = xcalloc(ni + 1, sizeof(*images));
	struct sb_volume *sv = xcalloc(json_array_size(vols) + 1, sizeof(*sv));
	_cleanup_free_ char *init = sandbox_find_init();
	_cleanup_free_ char *etc = xasprintf("%s/etc", s->dir);
	char msg[1024] = "";

	json_array_foreach(imgs, i, v)
		images[i] = json_string_value(v);
	json_array_foreach(vols, i, v) {
		sv[i].host = json_string_value(json_object_get(v, "host"));
		sv[i].guest = json_string_value(json_object_get(v, "guest"));
		sv[i].readonly = json_is_true(json_object_get(v, "readonly"));
		if (!sv[i].host || !sv[i].guest)
			fail("volume %zu needs host and guest", i);
	}
	s->nvols = json_array_size(vols);
	sv[s->nvols] = (struct sb_volume){ etc, "/etc", 0 };
	struct sb_opts o = { .data_dir = s->data_dir, .images = images, .nimages = ni, .init_path = init,
			     .cpu_milli = (long)json_integer_value(json_object_get(s->cfg, "cpu_milli")),
			     .memory = (long long)json_integer_value(json_object_get(s->cfg, "memory")),
			     .pids = (long)json_integer_value(json_object_get(s->cfg, "pids")),
			     .vols = sv, .nvols = s->nvols + 1,
			     /* Pod init makes each container's cgroup below the pod's. */
			     .delegate = 1 };
	/* The namespace's resource pool: a parent cgroup with its quota's limits. */
	if (sb_opts_pool_from_json(&o, s->cfg, msg, sizeof(msg)) < 0)
		fail("%s", msg);
	if (sandbox_create(&s->sb, &o, msg, sizeof(msg)) < 0) {
		sandbox_destroy(&s->sb);
		fail("sandbox: %s", msg);
	}
	free(images);
	free(sv);
	/* Pod init says it is up before anything else. */
	struct pollfd p = { .fd = s->sb.sock, .events = POLLIN };
	struct pi_frame f;
	int r = 0;
	for (int tries = 0; tries < 100 && r == 0; tries++) {
		int k = poll(&p, 1, 300);
		if (k < 0)
			break;
		if (k == 0)
			continue;
		k = pi_fill(&s->rd, s->sb.sock);
		if (k == 0 || (k < 0 && k != -EAGAIN))
			break;
		r = pi_next(&s->rd, &f);
	}
	if (r != 1 || f.type != PI_CTL || !memmem(f.data, f.len, "\"ready\"", 7)) {
		sandbox_destroy(&s->sb);
		fail("pod init did not come up");
	}
}

/* Kubernetes' hostAliases ([{"ip","hostnames":[...]}]) as /etc/hosts lines. */
static void add_aliases(struct shim *s, FILE *f)
{
	size_t i, j;
	json_t *a, *h;

	json_array_foreach(json_object_get(s->cfg, "hostAliases"), i, a) {
		const char *ip = json_string_value(json_object_get(a, "ip"));
		if (!ip || strpbrk(ip, "\n\t "))
			continue;
		fprintf(f, "%s", ip);
		json_array_foreach(json_object_get(a, "hostnames"), j, h)
			if (json_string_value(h) && !strpbrk(json_string_value(h), "\n\t "))
				fprintf(f, "\t%s", json_string_value(h));
		fputc('\n', f);
	}
}

/* POD_DIR/etc/hosts for a pod without a network of its own: localhost and the host name. */
static void plain_hosts(struct shim *s, const char *hn)
{
	_cleanup_free_ char *hosts = xasprintf("%s/etc/hosts", s->dir);
	_cleanup_free_ char *tmp = xasprintf("%s.tmp", hosts);
	FILE *f = fopen(tmp, "we");

	if (!f)
		fail("%s: %s", tmp, strerror(errno));
	fprintf(f, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n", hn);
	add_aliases(s, f);
	if (fclose(f) != 0 || rename(tmp, hosts) < 0)
		fail("%s: %s", hosts, strerror(errno));
}

/*
 * The pod's network: a veth into the sandbox's namespace once it exists, or
 * for a VM (before it boots) a TAP that the VMM opens and whose address the
 * guest configures itself.
 */
static void network(struct shim *s)
{
	struct atoll_err err = ERR_INIT;
	const char *hn = json_string_value(json_object_get(s->cfg, "hostname"));
	const char *ns = json_string_value(json_object_get(s->cfg, "namespace"));
	const char *cidr = json_string_value(json_object_get(s->cfg, "pod_cidr"));
	const char *uid = strrchr(s->dir, '/') + 1;
	_cleanup_free_ char *hosts = xasprintf("%s/etc/hosts", s->dir);

	if (!hn || !*hn)
		hn = "localhost";
	if (!json_is_true(json_object_get(s->cfg, "network")) || !cidr)
		return plain_hosts(s, hn);
	int r = s->vm ? net_pod_attach_tap(s->data_dir, cidr, uid, s->tap, &s->netp, &err)
		      : net_pod_attach(s->data_dir, cidr, uid, s->sb.pid, s->pod_ip, sizeof(s->pod_ip), &err);
	if (r == 0 && s->vm)
		snprintf(s->pod_ip, sizeof(s->pod_ip), "%s", s->netp.ip);
	if (r < 0 || net_pod_files(s->dir, ns ? ns : "default", hn, s->pod_ip, &err) < 0) {
		if (!s->vm)
			sandbox_destroy(&s->sb);
		net_pod_detach(s->data_dir, uid);
		s->tap[0] = '\0';
		fail("network: %s", err.msg);
	}
	FILE *f = fopen(hosts, "ae");
	if (f) {
		add_aliases(s, f);
		fclose(f);
	}
}

static void listen_sock(struct shim *s)
{
	struct sockaddr_un un;
	int dirfd;
	_cleanup_free_ char *path = xasprintf("%s/shim.sock", s->dir);

	if (shim_sock_addr(s->dir, &un, &dirfd) < 0)
		fail("%s: %s", s->dir, strerror(errno));
	unlink(path);
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&un, sizeof(un)) < 0 ||
	    listen(s->listen_fd, 64) < 0)
		fail("%s: %s", path, strerror(errno));
	if (dirfd >= 0)
		close(dirfd);
	chmod(path, 0600);
}

int cmd_shim(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "zygote", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 },
	};
	struct shim s = { .listen_fd = -1, .hostnet = -1, .next_proc = 1 };
	const char *dir = NULL, *data_dir = NULL;
	char real[PATH_MAX];
	json_error_t je;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'D': data_dir = optarg; break;
		case 'r': ready_fd = atoi(optarg); break;
		case 'z': return shim_zygote_main(atoi(optarg));
		default:
			fprintf(stderr, "usage: atoll shim --dir POD_DIR --data-dir AGENT_DATA\n");
			return 2;
		}
	}
	if (!dir || !data_dir) {
		fprintf(stderr, "usage: atoll shim --dir POD_DIR --data-dir AGENT_DATA\n");
		return 2;
	}
	if (ready_fd >= 0)
		fcntl(ready_fd, F_SETFD, FD_CLOEXEC);
	if (!realpath(dir, real))
		fail("%s: %s", dir, strerror(errno));
	s.dir = xstrdup(real);
	s.data_dir = xstrdup(data_dir);
	buf_init(&s.initq);
	detach(s.dir);
	_cleanup_free_ char *cfgp = xasprintf("%s/sandbox.json", s.dir);
	s.cfg = json_load_file(cfgp, 0, &je);
	if (!json_is_object(s.cfg))
		fail("%s: %s", cfgp, je.text);
	const char *ld = json_string_value(json_object_get(s.cfg, "log_dir"));
	s.log_dir = xstrdup(ld && *ld ? ld : s.dir);
	const char *iso = json_string_value(json_object_get(s.cfg, "isolation"));
	if (iso && strcmp(iso, "vm") && strcmp(iso, "namespace"))
		fail("sandbox.json: unknown isolation '%.32s'", iso);
	s.vm = iso && !strcmp(iso, "vm");
	if (geteuid() != 0)
		fail("%s sandboxes need root", s.vm ? "VM" : "namespace");
	mkdir(s.data_dir, 0711);
	s.hostnet = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	etc_files(&s);
	if (s.vm) {
		char msg[1024];
		/* The TAP and the pod's /etc files exist before the guest boots. */
		network(&s);
		if (shim_vm_start(&s, msg, sizeof(msg)) < 0)
			fail("%s", msg);
	} else {
		make_sandbox(&s);
		network(&s);
	}
	listen_sock(&s);
	_cleanup_free_ char *pidp = xasprintf("%s/shim.pid", s.dir);
	char pid[32];
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (write_file(pidp, pid) < 0)
		fail("%s: %s", pidp, strerror(errno));
	shim_save_state(&s);
	log_info("shim", "pod %s: %s sandbox %s, %s %d", s.dir, s.vm ? "vm" : "namespace", s.sb.id,
		 s.vm ? "atoll vmm" : "pod init", (int)s.sb.pid);
	report("ok\n");

	shim_serve(&s);

	/* The pod has ended: take down what it had on the host, then tell the waiting clients. */
	const char *uid = strrchr(s.dir, '/') + 1;
	if (s.vm) {
		shim_vm_teardown(&s);
	} else {
		if (json_is_true(json_object_get(s.cfg, "network")) && s.pod_ip[0])
			net_pod_detach(s.data_dir, uid);
		sandbox_destroy(&s.sb);
	}
	shim_save_state(&s);
	_cleanup_free_ char *sockp = xasprintf("%s/shim.sock", s.dir);
	unlink(sockp);
	close(s.listen_fd);
	shim_finish(&s);
	unlink(pidp);
	log_info("shim", "pod %s: stopped", s.dir);
	for (size_t i = 0; i < s.nctrs; i++) {
		shim_log_close(&s.ctrs[i].log);
		json_decref(s.ctrs[i].spec);
	}
	pi_reader_release(&s.rd);
	buf_release(&s.initq);
	free(s.waits);
	if (s.hostnet >= 0)
		close(s.hostnet);
	json_decref(s.cfg);
	free(s.dir);
	free(s.data_dir);
	free(s.log_dir);
	return 0;
}
