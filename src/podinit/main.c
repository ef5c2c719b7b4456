/* SPDX-License-Identifier: Apache-2.0 */
/*
 * atoll-init: PID 1 of every sandbox. Speaks the pod init protocol with the
 * host over one stream socket (an inherited Unix socket, a listening Unix
 * socket, or vsock in a VM), runs the pod's containers and extra processes,
 * streams their output, reaps zombies and stops everything on request.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/close_range.h>
#include <linux/vm_sockets.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "podinit/init.h"
#include "podinit/proto.h"

static int sock = -1;
static int vm_mode;
static struct pi_ctr ctrs[PI_MAX_CTRS];
static struct pi_proc procs[PI_MAX_PROCS];
static json_t *pending;      /* start requests waiting for init containers */
static int stopping;
static json_int_t stop_seq;
static struct timespec kill_at;

static void send_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	if (s && pi_send(sock, PI_CTL, 0, s, strlen(s)) < 0)
		_exit(1); /* the host is gone; nothing left to serve */
	free(s);
	json_decref(o);
}

static void reply(json_int_t seq, const char *error, json_t *extra)
{
	json_t *o = extra ? extra : json_object();

	json_object_set_new(o, "op", json_string("reply"));
	json_object_set_new(o, "seq", json_integer(seq));
	json_object_set_new(o, "ok", json_boolean(!error));
	if (error)
		json_object_set_new(o, "error", json_string(error));
	send_json(o);
}

static struct pi_ctr *find_ctr(const char *id)
{
	for (int i = 0; id && i < PI_MAX_CTRS; i++)
		if (ctrs[i].used && !strcmp(ctrs[i].id, id))
			return &ctrs[i];
	return NULL;
}

static struct pi_proc *find_proc(uint32_t num)
{
	for (int i = 0; i < PI_MAX_PROCS; i++)
		if (procs[i].pid && procs[i].num == num)
			return &procs[i];
	return NULL;
}

int pi_proc_number_taken(uint32_t num)
{
	return find_proc(num) != NULL;
}

static struct pi_proc *new_proc(uint32_t num)
{
	if (num == 0 || find_proc(num))
		return NULL;
	for (int i = 0; i < PI_MAX_PROCS; i++)
		if (!procs[i].pid) {
			memset(&procs[i], 0, sizeof(procs[i]));
			procs[i].num = num;
			procs[i].out = procs[i].err = procs[i].in = -1;
			return &procs[i];
		}
	return NULL;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

#define PI_STDIN_HIGH (1u << 20) /* stop reading the host while this much stdin waits */

static void close_stdin(struct pi_proc *p)
{
	close_fd(&p->in);
	free(p->pend);
	p->pend = NULL;
	p->pend_len = 0;
	p->close_in = 0;
}

/* Write what the process will take now; never blocks (a full pipe must not stall init). */
static void flush_stdin(struct pi_proc *p)
{
	size_t done = 0;

	while (p->in >= 0 && done < p->pend_len) {
		ssize_t n = write(p->in, p->pend + done, p->pend_len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			close_stdin(p); /* the reader is gone */
			return;
		}
		done += (size_t)n;
	}
	memmove(p->pend, p->pend + done, p->pend_len - done);
	p->pend_len -= done;
	if (!p->pend_len && p->close_in && !p->tty)
		close_stdin(p);
}

static size_t stdin_backlog(void)
{
	size_t n = pi_relay_backlog();
	for (int i = 0; i < PI_MAX_PROCS; i++)
		if (procs[i].pid)
			n += procs[i].pend_len;
	return n;
}

/* Forward what fd holds now; closes it at EOF. */
static void pump(struct pi_proc *p, int *fd, uint8_t type)
{
	char buf[32768];

	for (int rounds = 0; *fd >= 0 && rounds < 64; rounds++) {
		ssize_t n = read(*fd, buf, sizeof(buf));
		if (n > 0) {
			if (pi_send(sock, type, p->num, buf, (size_t)n) < 0)
				_exit(1);
			continue;
		}
		if (n < 0 && (errno == EINTR))
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close_fd(fd); /* EOF, or EIO on a pty whose last user left */
		if (fd == &p->out && p->tty)
			close_stdin(p);
	}
}

static int init_running(void)
{
	for (int i = 0; i < PI_MAX_CTRS; i++)
		if (ctrs[i].used && ctrs[i].is_init && ctrs[i].state == 1)
			return 1;
	return 0;
}

static const char *failed_init(void)
{
	for (int i = 0; i < PI_MAX_CTRS; i++)
		if (ctrs[i].used && ctrs[i].is_init && ctrs[i].state == 3)
			return ctrs[i].id;
	return NULL;
}

static void start_ctr(struct pi_ctr *c, json_int_t seq)
{
	char msg[512] = "";
	json_int_t num = json_integer_value(json_object_get(c->spec, "proc"));
	struct pi_proc *p = new_proc((uint32_t)num);

	if (c->state != 0)
		return reply(seq, "container already started", NULL);
	if (!p)
		return reply(seq, "bad or duplicate process number", NULL);
	if (pi_spawn(c, c->spec, p, msg, sizeof(msg)) < 0) {
		p->pid = 0;
		return reply(seq, msg, NULL);
	}
	p->ctr = c;
	p->is_main = 1;
	c->state = 1;
	reply(seq, NULL, json_pack("{s:i}", "pid", (int)p->pid));
}

/* Start what was waiting on init containers, in order, as far as they allow. */
static void run_pending(void)
{
	while (json_array_size(pending) && !init_running()) {
		json_t *m = json_incref(json_array_get(pending, 0));
		json_array_remove(pending, 0);
		json_int_t seq = json_integer_value(json_object_get(m, "seq"));
		struct pi_ctr *c = find_ctr(json_string_value(json_object_get(m, "id")));
		const char *bad = failed_init();
		char msg[128];

		if (bad && c && !c->is_init) {
			snprintf(msg, sizeof(msg), "init container %s failed", bad);
			reply(seq, msg, NULL);
		} else if (!c) {
			reply(seq, "no such container", NULL);
		} else {
			start_ctr(c, seq);
		}
		json_decref(m);
	}
}

/* Recent exits, so a "wait" for a process that is already gone can still be answered. */
#define PI_EXITS 64
static struct { uint32_t num; int st; } exits[PI_EXITS];
static unsigned nexits;
/* "wait" requests not answered yet. */
static struct { uint32_t num; json_int_t seq; } waiters[PI_MAX_PROCS];

static json_t *status_json(int st)
{
	return WIFEXITED(st) ? json_pack("{s:i}", "status", WEXITSTATUS(st))
			     : json_pack("{s:i}", "signal", WTERMSIG(st));
}

static void handle_wait(uint32_t num, json_int_t seq)
{
	if (find_proc(num)) {
		for (int i = 0; i < PI_MAX_PROCS; i++)
			if (!waiters[i].num) {
				waiters[i].num = num;
				waiters[i].seq = seq;
				return;
			}
		return reply(seq, "too many waiters", NULL);
	}
	for (unsigned i = 0; i < PI_EXITS && i < nexits; i++) {
		unsigned k = (nexits - 1 - i) % PI_EXITS;
		if (exits[k].num == num)
			return reply(seq, NULL, status_json(exits[k].st));
	}
	reply(seq, "no such process", NULL);
}

static void on_exit_status(struct pi_proc *p, int st)
{
	json_t *ev = json_pack("{s:s,s:i}", "op", "exit", "proc", (int)p->num);

	pump(p, &p->out, PI_STDOUT);
	pump(p, &p->err, PI_STDERR);
	close_fd(&p->out);
	close_fd(&p->err);
	close_stdin(p);
	if (WIFEXITED(st))
		json_object_set_new(ev, "status", json_integer(WEXITSTATUS(st)));
	else
		json_object_set_new(ev, "signal", json_integer(WTERMSIG(st)));
	if (p->ctr) {
		json_object_set_new(ev, "id", json_string(p->ctr->id));
		if (p->is_main)
			p->ctr->state = (WIFEXITED(st) && WEXITSTATUS(st) == 0) ? 2 : 3;
	}
	send_json(ev);
	exits[nexits % PI_EXITS].num = p->num;
	exits[nexits++ % PI_EXITS].st = st;
	for (int i = 0; i < PI_MAX_PROCS; i++)
		if (waiters[i].num == p->num) {
			reply(waiters[i].seq, NULL, status_json(st));
			waiters[i].num = 0;
		}
	p->pid = 0;
	run_pending();
}

static void reap(void)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		for (int i = 0; i < PI_MAX_PROCS; i++)
			if (procs[i].pid == pid) {
				on_exit_status(&procs[i], st);
				break;
			}
}

static int live_procs(void)
{
	int n = 0;
	for (int i = 0; i < PI_MAX_PROCS; i++)
		n += procs[i].pid != 0;
	return n;
}

static void signal_all(int sig)
{
	if (getpid() == 1) {
		kill(-1, sig); /* everything in the pod but us */
		return;
	}
	for (int i = 0; i < PI_MAX_PROCS; i++)
		if (procs[i].pid)
			kill(procs[i].pid, sig);
}

static void begin_stop(json_int_t seq, json_int_t grace_ms)
{
	stopping = 1;
	stop_seq = seq;
	clock_gettime(CLOCK_MONOTONIC, &kill_at);
	kill_at.tv_sec += grace_ms / 1000;
	kill_at.tv_nsec += (grace_ms % 1000) * 1000000;
	if (kill_at.tv_nsec >= 1000000000) {
		kill_at.tv_sec++;
		kill_at.tv_nsec -= 1000000000;
	}
	signal_all(grace_ms > 0 ? SIGTERM : SIGKILL);
}

static __attribute__((noreturn)) void finish(int code)
{
	if (vm_mode && getpid() == 1) {
		/*
		 * The VM's last process: end the VM. Without ACPI a power-off only
		 * halts the CPU; a reboot with reboot=k resets through the i8042,
		 * which makes the VMM exit (in a PID namespace this only ends it).
		 */
		sync();
		reboot(RB_AUTOBOOT);
	}
	exit(code);
}

static json_t *stats(void)
{
	json_t *o = json_object(), *ps = json_array();
	char line[256];
	FILE *f;

	for (int i = 0; i < PI_MAX_PROCS; i++)
		if (procs[i].pid)
			json_array_append_new(ps, json_pack("{s:i,s:i,s:s}", "proc", (int)procs[i].num, "pid",
							    (int)procs[i].pid, "id", procs[i].ctr ? procs[i].ctr->id : ""));
	json_object_set_new(o, "procs", ps);
	if ((f = fopen("/proc/meminfo", "re"))) {
		while (fgets(line, sizeof(line), f)) {
			long long kb;
			if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
				json_object_set_new(o, "mem_available_kb", json_integer(kb));
		}
		fclose(f);
	}
	if ((f = fopen("/proc/loadavg", "re"))) {
		double l;
		if (fscanf(f, "%lf", &l) == 1)
			json_object_set_new(o, "load1", json_real(l));
		fclose(f);
	}
	return o;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/*
 * Forget an ended container so that its id can be created afresh (a
 * restart gets a new writable layer, as Kubernetes' restarts do): its other
 * processes are killed, its namespace released and its upper layer removed.
 */
static const char *remove_ctr(struct pi_ctr *c)
{
	char base[128];

	if (!c)
		return "no such container";
	if (c->state == 1)
		return "container is running";
	for (int i = 0; i < PI_MAX_PROCS; i++)
		if (procs[i].pid && procs[i].ctr == c) {
			kill(procs[i].pid, SIGKILL);
			procs[i].ctr = NULL;
		}
	close_fd(&c->mntfd);
	close_fd(&c->rootfd);
	pi_cgroup_release(c);
	json_decref(c->spec);
	c->spec = NULL;
	c->used = 0;
	/* The overlay lived in the container's mount namespace, gone with the last descriptor. */
	snprintf(base, sizeof(base), "/run/atoll/%s", c->id);
	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	return NULL;
}

static void handle_ctl(const char *data, size_t len)
{
	json_error_t je;
	json_t *m = json_loadb(data, len, 0, &je);
	const char *op = json_string_value(json_object_get(m, "op"));
	json_int_t seq = json_integer_value(json_object_get(m, "seq"));
	struct pi_proc *p = find_proc((uint32_t)json_integer_value(json_object_get(m, "proc")));
	const char *id = json_string_value(json_object_get(m, "id"));
	char msg[512] = "";

	if (!op) {
		reply(seq, "bad control message", NULL);
	} else if (!strcmp(op, "create")) {
		struct pi_ctr *c = NULL;
		const char *hn = json_string_value(json_object_get(m, "hostname"));
		for (int i = 0; !find_ctr(id) && id && strlen(id) < sizeof(c->id) && i < PI_MAX_CTRS; i++)
			if (!ctrs[i].used) {
				c = &ctrs[i];
				break;
			}
		if (!c || strchr(id, '/') || id[0] == '.') {
			reply(seq, "bad, duplicate or too many container ids", NULL);
		} else {
			memset(c, 0, sizeof(*c));
			snprintf(c->id, sizeof(c->id), "%s", id);
			c->spec = json_incref(m);
			c->is_init = json_is_true(json_object_get(m, "init"));
			c->mntfd = c->rootfd = -1;
			if (hn)
				sethostname(hn, strlen(hn));
			if (pi_cgroup_create(c, msg, sizeof(msg)) < 0 || pi_rootfs_create(c, msg, sizeof(msg)) < 0) {
				pi_cgroup_release(c);
				json_decref(c->spec);
				reply(seq, msg, NULL);
			} else {
				c->used = 1;
				reply(seq, NULL, NULL);
			}
		}
	} else if (!strcmp(op, "start")) {
		json_array_append(pending, m);
		run_pending();
	} else if (!strcmp(op, "exec")) {
		struct pi_ctr *c = find_ctr(id);
		struct pi_proc *np = c ? new_proc((uint32_t)json_integer_value(json_object_get(m, "proc"))) : NULL;
		if (!np)
			reply(seq, c ? "bad or duplicate process number" : "no such container", NULL);
		else if (pi_spawn(c, m, np, msg, sizeof(msg)) < 0)
			np->pid = 0, reply(seq, msg, NULL);
		else
			np->ctr = c, reply(seq, NULL, json_pack("{s:i}", "pid", (int)np->pid));
	} else if (!strcmp(op, "setup")) {
		/* Sent to VMs; elsewhere it acts on the sandbox's own namespaces (tests use that). */
		reply(seq, pi_vm_setup(m, msg, sizeof(msg)) < 0 ? msg : NULL, NULL);
	} else if (!strcmp(op, "connect")) {
		uint32_t num = (uint32_t)json_integer_value(json_object_get(m, "proc"));
		long port = (long)json_integer_value(json_object_get(m, "port"));
		reply(seq, pi_relay_connect(num, port, msg, sizeof(msg)) < 0 ? msg : NULL, NULL);
	} else if (!strcmp(op, "signal") && !p &&
		   pi_relay_kill((uint32_t)json_integer_value(json_object_get(m, "proc")), sock)) {
		reply(seq, NULL, NULL);
	} else if (!strcmp(op, "signal")) {
		int sig = (int)json_integer_value(json_object_get(m, "signal"));
		if (!p || sig <= 0 || sig >= NSIG)
			reply(seq, "no such process or bad signal", NULL);
		else
			reply(seq, kill(p->pid, sig) < 0 ? strerror(errno) : NULL, NULL);
	} else if (!strcmp(op, "resize")) {
		struct winsize ws = { .ws_row = (unsigned short)json_integer_value(json_object_get(m, "rows")),
				      .ws_col = (unsigned short)json_integer_value(json_object_get(m, "cols")) };
		if (!p || !p->tty || p->out < 0 || ioctl(p->out, TIOCSWINSZ, &ws) < 0)
			reply(seq, "no such terminal", NULL);
		else
			reply(seq, NULL, NULL);
	} else if (!strcmp(op, "close_stdin") && !p &&
		   pi_relay_close_input((uint32_t)json_integer_value(json_object_get(m, "proc")))) {
		reply(seq, NULL, NULL);
	} else if (!strcmp(op, "close_stdin")) {
		if (p && !p->tty) {
			p->close_in = 1;
			flush_stdin(p);
		}
		reply(seq, p ? NULL : "no such process", NULL);
	} else if (!strcmp(op, "remove")) {
		reply(seq, remove_ctr(find_ctr(id)), NULL);
	} else if (!strcmp(op, "wait")) {
		handle_wait((uint32_t)json_integer_value(json_object_get(m, "proc")), seq);
	} else if (!strcmp(op, "stats")) {
		reply(seq, NULL, stats());
	} else if (!strcmp(op, "stop")) {
		json_t *g = json_object_get(m, "grace_ms");
		begin_stop(seq, g ? json_integer_value(g) : 10000);
	} else {
		snprintf(msg, sizeof(msg), "unknown op '%s'", op);
		reply(seq, msg, NULL);
	}
	json_decref(m);
}

static void handle_stdin(const struct pi_frame *f)
{
	struct pi_proc *p = find_proc(f->proc);

	if (!p && f->len && pi_relay_input(f->proc, f->data, f->len))
		return;
	if (!p || p->in < 0 || !f->len)
		return;
	char *np = realloc(p->pend, p->pend_len + f->len);
	if (!np)
		return; /* dropped; stdin is best effort under memory pressure */
	p->pend = np;
	memcpy(p->pend + p->pend_len, f->data, f->len);
	p->pend_len += f->len;
	flush_stdin(p);
}

/* An inherited socket (>= 0 and *listening = 0), or a listening one bound before our mounts hide its path. */
static int open_host(int argc, char **argv, int *listening)
{
	*listening = 0;
	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--fd"))
			return atoi(argv[i + 1]);
	}
	*listening = 1;
	int fam = AF_VSOCK, lfd;
	struct sockaddr_vm vm = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY, .svm_port = PI_VSOCK_PORT };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr *sa = (struct sockaddr *)&vm;
	socklen_t salen = sizeof(vm);

	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--unix")) {
			fam = AF_UNIX;
			snprintf(un.sun_path, sizeof(un.sun_path), "%s", argv[i + 1]);
			sa = (struct sockaddr *)&un;
			salen = sizeof(un);
		} else if (!strcmp(argv[i], "--vsock")) {
			vm.svm_port = (unsigned)atoi(argv[i + 1]);
		}
	}
	vm_mode = fam == AF_VSOCK;
	lfd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, sa, salen) < 0 || listen(lfd, 1) < 0)
		return -1;
	return lfd;
}

static int poll_timeout(void)
{
	struct timespec now;

	if (!stopping)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (kill_at.tv_sec - now.tv_sec) * 1000LL + (kill_at.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)(ms > 1000 ? 1000 : ms);
}

int main(int argc, char **argv)
{
	struct pi_reader rd = { 0 };
	struct pollfd pfd[2 + 3 * PI_MAX_PROCS + PI_MAX_RELAYS];
	struct pi_proc *owner[2 + 3 * PI_MAX_PROCS];
	sigset_t mask;

	/* Booted by a kernel (no arguments): containers need a root that pivot_root can leave. */
	if (getpid() == 1 && argc == 1)
		pi_leave_initramfs(argv);
	/* Inherited descriptors (fd 4 may hold a lock for the pod's lifetime) stay out of containers. */
	close_range(4, ~0U, CLOSE_RANGE_CLOEXEC);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	pending = json_array();

	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--old-root"))
			pi_detach_async(argv[i + 1]);
	int listening;
	sock = open_host(argc, argv, &listening);
	pi_mount_pod();
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--cgroups"))
			pi_cgroup_init();
	if (sock >= 0 && listening) {
		int lfd = sock;
		sock = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		close(lfd);
	}
	if (sock < 0) {
		perror("atoll-init: no connection to the host");
		finish(1);
	}
	fcntl(sock, F_SETFD, FD_CLOEXEC);
	if (pi_seccomp_prepare() < 0)
		fprintf(stderr, "atoll-init: cannot compile the seccomp profile\n");
	send_json(json_pack("{s:s,s:i,s:i}", "op", "ready", "version", PI_VERSION, "pid", (int)getpid()));

	for (;;) {
		int n = 0;
		pfd[n++] = (struct pollfd){ .fd = sock, .events = stdin_backlog() < PI_STDIN_HIGH ? POLLIN : 0 };
		pfd[n++] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		for (int i = 0; i < PI_MAX_PROCS; i++) {
			if (!procs[i].pid)
				continue;
			if (procs[i].out >= 0)
				owner[n] = &procs[i], pfd[n++] = (struct pollfd){ .fd = procs[i].out, .events = POLLIN };
			if (procs[i].err >= 0)
				owner[n] = &procs[i], pfd[n++] = (struct pollfd){ .fd = procs[i].err, .events = POLLIN };
			if (procs[i].in >= 0 && procs[i].pend_len)
				owner[n] = &procs[i], pfd[n++] = (struct pollfd){ .fd = procs[i].in, .events = POLLOUT };
		}
		int nprocfds = n;
		n += pi_relay_pollfds(pfd + n);
		if (poll(pfd, (nfds_t)n, poll_timeout()) < 0 && errno != EINTR)
			finish(1);
		pi_relay_io(pfd + nprocfds, n - nprocfds, sock);
		for (int i = 2; i < nprocfds; i++) {
			struct pi_proc *p = owner[i];
			if (!pfd[i].revents || !p->pid)
				continue;
			if (pfd[i].events == POLLOUT) {
				if (pfd[i].fd == p->in)
					flush_stdin(p);
				continue;
			}
			if (pfd[i].fd == p->out)
				pump(p, &p->out, PI_STDOUT);
			else if (pfd[i].fd == p->err)
				pump(p, &p->err, PI_STDERR);
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sigfd, &si, sizeof(si)) == sizeof(si))
				if (si.ssi_signo != SIGCHLD && !stopping)
					begin_stop(-1, 10000);
			reap();
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			int r = pi_fill(&rd, sock);
			if (r == 0 || (r < 0 && r != -EAGAIN)) {
				signal_all(SIGKILL); /* the host is gone */
				finish(1);
			}
			struct pi_frame f;
			while ((r = pi_next(&rd, &f)) == 1) {
				if (f.type == PI_CTL)
					handle_ctl(f.data, f.len);
				else if (f.type == PI_STDIN)
					handle_stdin(&f);
			}
			if (r < 0) {
				signal_all(SIGKILL); /* a host that breaks the framing is not to be trusted */
				finish(1);
			}
		}
		if (stopping) {
			reap();
			if (live_procs() && poll_timeout() == 0) {
				signal_all(SIGKILL);
				/* SIGKILL is final; wait for the reaping without a deadline. */
				kill_at.tv_sec += 3600;
			}
			if (!live_procs()) {
				if (stop_seq >= 0)
					reply(stop_seq, NULL, NULL);
				finish(0);
			}
		}
	}
}
