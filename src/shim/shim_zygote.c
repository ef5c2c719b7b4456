/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shim zygote: `atoll shim --zygote FD`, one small single-threaded
 * process the agent starts once, forks each pod's shim. A shim started with
 * exec first loads and relocates atoll and its libraries (about a millisecond
 * of CPU, a quarter of a shim's start); a fork of the zygote has all that
 * done. Requests come over a SOCK_SEQPACKET socket: "DIR\0DATA_DIR\0" with
 * the shim's ready pipe attached (SCM_RIGHTS); the answer is the shim's pid
 * (an int, negative errno on failure). The zygote reaps its shims while it
 * lives and exits when the agent's end closes; the shims live on.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmds.h"
#include "shim/shim_int.h"

/* The zygote's argument strings (arg_start and arg_end, fields 48 and 49 of /proc/self/stat), padded by the agent. */
static char *title;
static size_t title_len;

static void find_title(void)
{
	char st[1024];
	unsigned long start = 0, end = 0;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, st, sizeof(st) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	st[n] = '\0';
	char *p = strrchr(st, ')'), *save = NULL;
	int field = 2; /* the one p is at */
	for (char *t = p ? strtok_r(p + 1, " ", &save) : NULL; t; t = strtok_r(NULL, " ", &save)) {
		if (++field == 48)
			start = strtoul(t, NULL, 10);
		else if (field == 49)
			end = strtoul(t, NULL, 10);
	}
	if (start && end > start) {
		title = (char *)start;
		title_len = end - start;
	}
}

static size_t argv_len(char *const argv[])
{
	size_t len = 0;

	for (int i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	return len;
}

/*
 * Make /proc/self/cmdline read as argv (as if exec'd with it), so that ps and
 * pkill see "atoll shim --dir ...", by writing over the zygote's argument
 * strings; the caller checked that argv fits.
 */
static void set_title(char *const argv[])
{
	char *out = title;

	memset(title, 0, title_len);
	for (int i = 0; argv[i]; i++)
		out = stpcpy(out, argv[i]) + 1;
	prctl(PR_SET_NAME, "atoll", 0, 0, 0);
}

/* In the forked child: become what `atoll shim --dir DIR --data-dir DATA --ready-fd 3` (argv) would be. */
static void __attribute__((noreturn)) be_shim(char **argv, int ready)
{
	sigset_t none;

	setsid();
	if (ready != 3) {
		if (dup2(ready, 3) < 0)
			_exit(127);
		close(ready);
	} else {
		fcntl(3, F_SETFD, 0);
	}
	closefrom(4);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	set_title(argv);
	_exit(cmd_shim(7, argv + 1));
}

/* One request: returns the shim's pid, or -errno. Takes ready (closes it in the zygote). */
static int spawn_one(const char *msg, size_t len, int ready, int sock)
{
	const char *dir = msg, *end = msg + len;
	const char *nul = memchr(dir, '\0', len);
	const char *data_dir = nul ? nul + 1 : NULL;

	if (!data_dir || data_dir >= end || !memchr(data_dir, '\0', (size_t)(end - data_dir)) || !*dir ||
	    !*data_dir || ready < 0) {
		if (ready >= 0)
			close(ready);
		return -EINVAL;
	}
	char *argv[] = { "atoll", "shim", "--dir", (char *)dir, "--data-dir", (char *)data_dir, "--ready-fd", "3",
			 NULL };
	if (argv_len(argv) > title_len) {
		close(ready);
		return -ENAMETOOLONG; /* the agent spawns this one itself */
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(sock);
		be_shim(argv, ready);
	}
	int e = errno;
	close(ready);
	return pid < 0 ? -e : (int)pid;
}

int shim_zygote_main(int sock)
{
	char msg[2 * PATH_MAX + 2];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;

	prctl(PR_SET_NAME, "atoll-zygote", 0, 0, 0);
	find_title();
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		struct pollfd pf = { .fd = sock, .events = POLLIN };
		if (poll(&pf, 1, 1000) <= 0)
			continue; /* a timeout: reap, look again */
		struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
				     .msg_controllen = sizeof(ctl.b) };
		ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0; /* the agent is gone */
		int ready = -1;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&ready, CMSG_DATA(c), sizeof(int));
		if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
			if (ready >= 0)
				close(ready);
			ready = -1; /* refused below */
		}
		int r = spawn_one(msg, (size_t)n, ready, sock);
		if (send(sock, &r, sizeof(r), MSG_NOSIGNAL) != (ssize_t)sizeof(r))
			return 1;
	}
}
