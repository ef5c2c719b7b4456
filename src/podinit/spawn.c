/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Starting a process inside a container: join its mount namespace, wire
 * stdio (pipes or a pty from the container's own devpts), resolve the user in
 * the container's /etc/passwd, set env, cwd and rlimits, reduce capabilities
 * to Kubernetes' default set, set no_new_privs, install seccomp, exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "podinit/init.h"

extern char **environ;

/* Kubernetes' (containerd's) default capability set. */
static const int default_caps[] = { CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
				    CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP,
				    CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE };

static int is_default_cap(int c)
{
	for (size_t i = 0; i < sizeof(default_caps) / sizeof(default_caps[0]); i++)
		if (default_caps[i] == c)
			return 1;
	return 0;
}

static __attribute__((noreturn, format(printf, 2, 3))) void die_child(int code, const char *fmt, ...)
{
	char b[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(b, sizeof(b) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n > (int)sizeof(b) - 2)
		n = (int)sizeof(b) - 2;
	b[n++] = '\n';
	ssize_t w = write(2, b, (size_t)n);
	(void)w;
	_exit(code);
}

struct pw {
	uid_t uid;
	gid_t gid;
	char home[256];
	int found;
};

/* Look name (or a numeric uid) up in the container's /etc/passwd. */
static void passwd_lookup(const char *name, uid_t uid, struct pw *out)
{
	FILE *f = fopen("/etc/passwd", "re");
	char line[1024];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *fld[7] = { 0 }, *s = line;
		int n = 0;
		while (n < 7 && (fld[n] = strsep(&s, ":\n")))
			n++;
		if (n < 6)
			continue;
		if (name ? strcmp(fld[0], name) : (uid_t)strtoul(fld[2], NULL, 10) != uid)
			continue;
		out->uid = (uid_t)strtoul(fld[2], NULL, 10);
		out->gid = (gid_t)strtoul(fld[3], NULL, 10);
		snprintf(out->home, sizeof(out->home), "%s", fld[5]);
		out->found = 1;
		break;
	}
	fclose(f);
}

static int group_lookup(const char *name, gid_t *gid)
{
	FILE *f = fopen("/etc/group", "re");
	char line[1024];
	int ok = 0;

	if (!f)
		return 0;
	while (!ok && fgets(line, sizeof(line), f)) {
		char *s = line, *g = strsep(&s, ":"), *pw = strsep(&s, ":"), *id = strsep(&s, ":");
		(void)pw;
		if (g && id && !strcmp(g, name)) {
			*gid = (gid_t)strtoul(id, NULL, 10);
			ok = 1;
		}
	}
	fclose(f);
	return ok;
}

static int numeric(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* "user" is "", "uid", "name", "uid:gid", "name:group" as in an image config. */
static void resolve_user(const char *user, struct pw *pw)
{
	char u[256], *g;

	memset(pw, 0, sizeof(*pw));
	snprintf(pw->home, sizeof(pw->home), "/");
	snprintf(u, sizeof(u), "%s", user ? user : "");
	g = strchr(u, ':');
	if (g)
		*g++ = '\0';
	if (!*u || numeric(u)) {
		pw->uid = *u ? (uid_t)strtoul(u, NULL, 10) : 0;
		passwd_lookup(NULL, pw->uid, pw);
		if (!pw->found)
			pw->gid = 0;
		pw->uid = *u ? (uid_t)strtoul(u, NULL, 10) : 0;
	} else {
		passwd_lookup(u, 0, pw);
		if (!pw->found)
			die_child(126, "atoll-init: user '%s' not found in the container's /etc/passwd", u);
	}
	if (g && *g) {
		if (numeric(g))
			pw->gid = (gid_t)strtoul(g, NULL, 10);
		else if (!group_lookup(g, &pw->gid))
			die_child(126, "atoll-init: group '%s' not found in the container's /etc/group", g);
	}
}

static void drop_caps(uid_t uid)
{
	int last = 40;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = 40;
		fclose(f);
	}
	for (int c = 0; c <= last; c++)
		if (!is_default_cap(c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			die_child(126, "atoll-init: drop capability %d: %s", c, strerror(errno));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	(void)uid;
}

static void set_caps_for_root(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	for (size_t i = 0; i < sizeof(default_caps) / sizeof(default_caps[0]); i++) {
		int c = default_caps[i];
		d[c / 32].effective |= 1u << (c % 32);
		d[c / 32].permitted |= 1u << (c % 32);
	}
	if (syscall(SYS_capset, &hdr, d) < 0)
		die_child(126, "atoll-init: capset: %s", strerror(errno));
}

static void apply_rlimits(json_t *rl)
{
	static const struct { const char *name; int res; } names[] = {
		{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC }, { "core", RLIMIT_CORE },
		{ "stack", RLIMIT_STACK },   { "memlock", RLIMIT_MEMLOCK }, { "as", RLIMIT_AS },
	};
	const char *k;
	json_t *v;

	json_object_foreach(rl, k, v) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (strcmp(names[i].name, k))
				continue;
			struct rlimit r = { (rlim_t)json_integer_value(json_array_get(v, 0)),
					    (rlim_t)json_integer_value(json_array_get(v, 1)) };
			if (setrlimit(names[i].res, &r) < 0)
				die_child(126, "atoll-init: rlimit %s: %s", k, strerror(errno));
		}
	}
}

static int has_env(char **env, size_t n, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(env[i], key, kl) && env[i][kl] == '=')
			return 1;
	return 0;
}

static char **build_env(json_t *spec, const struct pw *pw, int tty)
{
	json_t *e = json_object_get(spec, "env"), *v;
	size_t i, n = 0;
	char **env = calloc(json_array_size(e) + 6, sizeof(char *));
	char host[256] = "";

	if (!env)
		die_child(126, "atoll-init: out of memory");
	json_array_foreach(e, i, v)
		if (json_is_string(v) && strchr(json_string_value(v), '='))
			env[n++] = (char *)json_string_value(v);
	if (!has_env(env, n, "PATH"))
		env[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	if (!has_env(env, n, "HOME") && asprintf(&env[n], "HOME=%s", pw->home) > 0)
		n++;
	gethostname(host, sizeof(host) - 1);
	if (!has_env(env, n, "HOSTNAME") && asprintf(&env[n], "HOSTNAME=%s", host) > 0)
		n++;
	if (tty && !has_env(env, n, "TERM"))
		env[n++] = "TERM=xterm";
	env[n] = NULL;
	return env;
}

static void mkdirs_child(const char *dir)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	}
	mkdir(p, 0755);
}

static __attribute__((noreturn)) void child(struct pi_ctr *c, json_t *spec, int in, int out, int err,
					    const char *slave)
{
	sigset_t all;
	json_t *args = json_object_get(spec, "args");
	size_t nargs = json_array_size(args);
	struct pw pw;

	sigfillset(&all);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	pi_cgroup_join(c);
	setsid();
	if (setns(c->mntfd, CLONE_NEWNS) < 0)
		die_child(126, "atoll-init: join the container: %s", strerror(errno));
	if (slave) {
		int fd = open(slave, O_RDWR);
		if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
			die_child(126, "atoll-init: open %s: %s", slave, strerror(errno));
		in = out = err = fd;
	} else if (in < 0) {
		in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	if (nargs == 0)
		die_child(126, "atoll-init: no command given and the image has none");
	resolve_user(json_string_value(json_object_get(spec, "user")), &pw);
	char **env = build_env(spec, &pw, slave != NULL);
	const char *cwd = json_string_value(json_object_get(spec, "cwd"));
	if (!cwd || !*cwd)
		cwd = "/";
	mkdirs_child(cwd);
	if (chdir(cwd) < 0)
		die_child(126, "atoll-init: working directory %s: %s", cwd, strerror(errno));
	apply_rlimits(json_object_get(spec, "rlimits"));
	drop_caps(pw.uid);
	if (setgroups(1, &pw.gid) < 0 || setresgid(pw.gid, pw.gid, pw.gid) < 0 ||
	    setresuid(pw.uid, pw.uid, pw.uid) < 0)
		die_child(126, "atoll-init: switch to user %u:%u: %s", pw.uid, pw.gid, strerror(errno));
	if (pw.uid == 0)
		set_caps_for_root();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_child(126, "atoll-init: no_new_privs: %s", strerror(errno));
	char **argv = calloc(nargs + 1, sizeof(char *));
	if (!argv)
		_exit(126);
	for (size_t i = 0; i < nargs; i++)
		argv[i] = (char *)json_string_value(json_array_get(args, i));
	if (!json_is_false(json_object_get(spec, "seccomp")) && pi_seccomp_apply() < 0)
		die_child(126, "atoll-init: seccomp: install failed");
	environ = env;
	execvp(argv[0], argv);
	die_child(errno == ENOENT ? 127 : 126, "atoll-init: exec %s: %s", argv[0], strerror(errno));
}

int pi_spawn(struct pi_ctr *c, json_t *spec, struct pi_proc *p, char *msg, size_t msglen)
{
	int tty = json_is_true(json_object_get(spec, "tty"));
	int want_in = json_is_true(json_object_get(spec, "stdin"));
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, inp[2] = { -1, -1 }, master = -1;
	char slave[64] = "";

	if (tty) {
		int n = 0, unlock = 0;
		master = openat(c->rootfd, "dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0) {
			snprintf(msg, msglen, "allocate a pty: %s", strerror(errno));
			if (master >= 0)
				close(master);
			return -EIO;
		}
		snprintf(slave, sizeof(slave), "/dev/pts/%d", n);
		struct winsize ws = { .ws_row = (unsigned short)json_integer_value(json_object_get(spec, "rows")),
				      .ws_col = (unsigned short)json_integer_value(json_object_get(spec, "cols")) };
		if (ws.ws_row && ws.ws_col)
			ioctl(master, TIOCSWINSZ, &ws);
	} else if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
		   (want_in && pipe2(inp, O_CLOEXEC) < 0)) {
		snprintf(msg, msglen, "pipe: %s", strerror(errno));
		return -EMFILE;
	}
	pid_t pid = fork();
	if (pid == 0)
		child(c, spec, inp[0], outp[1], errp[1], tty ? slave : NULL);
	if (pid < 0) {
		snprintf(msg, msglen, "fork: %s", strerror(errno));
		return -EAGAIN;
	}
	p->pid = pid;
	p->tty = tty;
	if (tty) {
		p->out = master;
		p->in = want_in ? dup(master) : -1;
		p->err = -1;
	} else {
		close(outp[1]);
		close(errp[1]);
		if (inp[0] >= 0)
			close(inp[0]);
		p->out = outp[0];
		p->err = errp[0];
		p->in = inp[1];
	}
	fcntl(p->out, F_SETFL, O_NONBLOCK);
	if (p->in >= 0)
		fcntl(p->in, F_SETFL, O_NONBLOCK);
	if (p->err >= 0)
		fcntl(p->err, F_SETFL, O_NONBLOCK);
	return 0;
}
