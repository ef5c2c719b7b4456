/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's side of the shim: start one, connect, call, open streams. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/xalloc.h"
#include "podinit/proto.h"
#include "shim/shim.h"
#include "shim/shim_int.h"

extern char **environ;

#define SPAWN_TIMEOUT_MS 60000 /* pulling nothing, a sandbox is up in well under a second */
#define CALL_TIMEOUT_MS  30000

/*
 * Shims are forked by the zygote (below), which reaps them, or when it
 * cannot help, our children (spawned without copying our address space: a
 * fork of a big server takes milliseconds); either way in a session of
 * their own, so they outlive us. We reap our children (the zygote too)
 * while we live (shim_reap).
 */
static pthread_mutex_t kids_mu = PTHREAD_MUTEX_INITIALIZER;
static pid_t *kids;
static size_t nkids, capkids;

void shim_reap(void)
{
	pthread_mutex_lock(&kids_mu);
	for (size_t i = 0; i < nkids;) {
		if (waitpid(kids[i], NULL, WNOHANG) != 0)
			kids[i] = kids[--nkids]; /* reaped, or not ours any more */
		else
			i++;
	}
	pthread_mutex_unlock(&kids_mu);
}

/* posix_spawn atoll with argv, fd at 3 in the child; adds it to kids. Returns 0 or an errno. */
static int spawn_atoll(char *const argv[], int fd)
{
	char self[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (k <= 0)
		return errno ? errno : ENOENT;
	self[k] = '\0';
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGINT);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 3);
	posix_spawn_file_actions_addclosefrom_np(&fa, 4);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	pid_t pid;
	int e = posix_spawn(&pid, self, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e)
		return e;
	pthread_mutex_lock(&kids_mu);
	if (nkids == capkids) {
		capkids = capkids ? 2 * capkids : 64;
		kids = xrealloc(kids, capkids * sizeof(*kids));
	}
	kids[nkids++] = pid;
	pthread_mutex_unlock(&kids_mu);
	return 0;
}

/*
 * The zygote (shim_zygote.c), started on first use; requests are one at a
 * time. zygote_fd is -1 until then, and again after a failure (the next
 * spawn starts a new one; the old one exits on EOF).
 */
static pthread_mutex_t zygote_mu = PTHREAD_MUTEX_INITIALIZER;
static int zygote_fd = -1;

/* The shim's pid, or -1 when the zygote cannot help (the caller spawns the shim itself). */
static pid_t zygote_spawn(const char *pod_dir, const char *data_dir, int ready)
{
	char msg[2 * PATH_MAX + 2];
	int n = snprintf(msg, sizeof(msg), "%s%c%s", pod_dir, '\0', data_dir);
	int r = -1;

	if (n < 0 || (size_t)n + 1 >= sizeof(msg) || getenv("ATOLL_NO_ZYGOTE"))
		return -1;
	pthread_mutex_lock(&zygote_mu);
	if (zygote_fd < 0) {
		int sv[2];
		/* Blank room for the shims' command lines, which the zygote writes over its own. */
		static char pad[2048];
		memset(pad, ' ', sizeof(pad) - 1);
		char *argv[] = { "atoll", "shim", "--zygote", "3", pad, NULL };
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0) {
			if (spawn_atoll(argv, sv[1]) == 0)
				zygote_fd = sv[0];
			else
				close(sv[0]);
			close(sv[1]);
		}
	}
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl = { 0 };
	struct iovec iov = { .iov_base = msg, .iov_len = (size_t)n + 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &ready, sizeof(int));
	struct pollfd pf = { .fd = zygote_fd, .events = POLLIN };
	if (zygote_fd >= 0 && sendmsg(zygote_fd, &mh, MSG_NOSIGNAL) == n + 1 && poll(&pf, 1, 5000) == 1 &&
	    recv(zygote_fd, &r, sizeof(r), 0) == (ssize_t)sizeof(r) && r > 0) {
		pthread_mutex_unlock(&zygote_mu);
		return (pid_t)r;
	}
	/* A refusal or a broken zygote: start afresh next time (it exits when its socket closes). */
	if (zygote_fd >= 0)
		close(zygote_fd);
	zygote_fd = -1;
	pthread_mutex_unlock(&zygote_mu);
	return -1;
}

int shim_spawn_begin(const char *pod_dir, const char *data_dir, struct atoll_err *err)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_set(err, 500, "InternalError", "pipe: %s", strerror(errno));
	if (zygote_spawn(pod_dir, data_dir, p[1]) > 0) {
		close(p[1]);
		return p[0];
	}
	char *argv[] = { "atoll", "shim", "--dir", (char *)pod_dir, "--data-dir", (char *)data_dir,
			 "--ready-fd", "3", NULL };
	int e = spawn_atoll(argv, p[1]);
	close(p[1]);
	if (e) {
		close(p[0]);
		return err_set(err, 500, "InternalError", "starting the pod shim: %s", strerror(e));
	}
	return p[0];
}

int shim_spawn_finish(int ready_fd, const char *pod_dir, struct atoll_err *err)
{
	/* The shim writes "ok" once it listens, or why it failed; EOF alone means it died. */
	char msg[1100];
	size_t got = 0;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = SPAWN_TIMEOUT_MS - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd pf = { .fd = ready_fd, .events = POLLIN };
		if (left <= 0 || poll(&pf, 1, (int)left) == 0) {
			close(ready_fd);
			return err_set(err, 500, "InternalError", "the pod shim did not start in time (see %s/shim.log)",
				       pod_dir);
		}
		ssize_t n = read(ready_fd, msg + got, sizeof(msg) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || got + (size_t)n >= sizeof(msg) - 1) {
			if (n > 0)
				got += (size_t)n;
			break;
		}
		got += (size_t)n;
	}
	close(ready_fd);
	msg[got] = '\0';
	if (!strncmp(msg, "ok", 2))
		return 0;
	if (!got)
		return err_set(err, 500, "InternalError", "the pod shim exited (see %s/shim.log)", pod_dir);
	return err_set(err, 500, "InternalError", "%s", msg);
}

int shim_spawn(const char *pod_dir, const char *data_dir, struct atoll_err *err)
{
	int fd = shim_spawn_begin(pod_dir, data_dir, err);

	return fd < 0 ? -1 : shim_spawn_finish(fd, pod_dir, err);
}

int shim_sock_addr(const char *dir, struct sockaddr_un *un, int *dirfd)
{
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	*dirfd = -1;
	if ((size_t)snprintf(un->sun_path, sizeof(un->sun_path), "%s/shim.sock", dir) < sizeof(un->sun_path))
		return 0;
	/* Too long for sun_path: name the directory through a descriptor instead. */
	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return -errno;
	snprintf(un->sun_path, sizeof(un->sun_path), "/proc/self/fd/%d/shim.sock", *dirfd);
	return 0;
}

int shim_connect(const char *pod_dir, struct atoll_err *err)
{
	struct sockaddr_un un;
	int dirfd, r = shim_sock_addr(pod_dir, &un, &dirfd);

	if (r < 0)
		return err_set(err, 503, "ServiceUnavailable", "no shim for %s: %s", pod_dir, strerror(-r));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		if (dirfd >= 0)
			close(dirfd);
		return err_set(err, 500, "InternalError", "socket: %s", strerror(errno));
	}
	r = connect(fd, (struct sockaddr *)&un, sizeof(un));
	int e = errno;
	if (dirfd >= 0)
		close(dirfd);
	if (r < 0) {
		close(fd);
		return err_set(err, 503, "ServiceUnavailable", "no shim for %s: %s", pod_dir, strerror(e));
	}
	return fd;
}

static int send_req(int fd, const json_t *req, struct atoll_err *err)
{
	char *j = json_dumps(req, JSON_COMPACT);
	int r = j ? pi_send(fd, PI_CTL, 0, j, strlen(j)) : -ENOMEM;

	free(j);
	if (r < 0)
		return err_set(err, 503, "ServiceUnavailable", "the pod shim went away: %s", strerror(-r));
	return 0;
}

/* Read whole frames until a control frame arrives; exactly what it holds is consumed. */
static json_t *read_reply(int fd, struct atoll_err *err)
{
	unsigned char hdr[PI_HDR_LEN];

	for (;;) {
		size_t got = 0;
		while (got < sizeof(hdr)) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (poll(&p, 1, CALL_TIMEOUT_MS) == 0) {
				err_set(err, 504, "Timeout", "the pod shim did not answer");
				return NULL;
			}
			ssize_t n = read(fd, hdr + got, sizeof(hdr) - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				err_set(err, 503, "ServiceUnavailable", "the pod shim went away");
				return NULL;
			}
			got += (size_t)n;
		}
		uint32_t len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
		if (len > PI_MAX_PAYLOAD) {
			err_set(err, 502, "BadGateway", "bad frame from the pod shim");
			return NULL;
		}
		char *data = xmalloc(len + 1);
		got = 0;
		while (got < len) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (poll(&p, 1, CALL_TIMEOUT_MS) == 0)
				break;
			ssize_t n = read(fd, data + got, len - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got < len) {
			free(data);
			err_set(err, 503, "ServiceUnavailable", "the pod shim went away");
			return NULL;
		}
		if (hdr[4] != PI_CTL) {
			free(data);
			continue;
		}
		json_t *o = json_loadb(data, len, 0, NULL);
		free(data);
		if (!o)
			err_set(err, 502, "BadGateway", "bad reply from the pod shim");
		return o;
	}
}

static json_t *checked(json_t *o, struct atoll_err *err)
{
	if (o && !json_is_true(json_object_get(o, "ok"))) {
		const char *e = json_string_value(json_object_get(o, "error"));
		err_set(err, 500, "InternalError", "%s", e ? e : "refused by the pod shim");
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *shim_call(int fd, const json_t *req, struct atoll_err *err)
{
	if (send_req(fd, req, err) < 0)
		return NULL;
	return checked(read_reply(fd, err), err);
}

int shim_open_stream(const char *pod_dir, const json_t *req, struct atoll_err *err)
{
	int fd = shim_connect(pod_dir, err);

	if (fd < 0)
		return -1;
	json_t *r = shim_call(fd, req, err);
	if (!r) {
		close(fd);
		return -1;
	}
	json_decref(r);
	return fd;
}
