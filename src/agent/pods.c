/* SPDX-License-Identifier: Apache-2.0 */
/* The pod loop: watch pods bound to this node, run their containers, report their status. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/env.h"
#include "agent/pods.h"
#include "api/quantity.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define MAX_BACKOFF 40 /* seconds; Kubernetes goes to 300 */

struct ctr {
	char *name;
	pid_t pid;          /* 0 when not running */
	int restarts;
	int last_exit;      /* -1: never ended */
	char started[40];
	char finished[40];
	time_t next_start;  /* back-off: do not start before */
	bool done;          /* will not run again */
	char config_error[300]; /* why it cannot start yet (CreateContainerConfigError) */
};

struct pod {
	char *uid, *ns, *name;
	json_t *spec;       /* owned copy */
	json_t *obj;        /* owned: {metadata, spec}, for the downward API */
	struct ctr *c;
	size_t n;
	char started[40];
	bool deleting;
	bool dirty;         /* status needs reporting */
	struct pod *next;
};

struct loop {
	struct kclient *kc;
	char *node, *data_dir;
	pthread_mutex_t mu;
	struct pod *pods;
};

static void now_ts(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *pods_log_path(const char *data_dir, const char *uid, const char *container)
{
	return xasprintf("%s/pods/%s/%s.log", data_dir, uid, container);
}

static const char *restart_policy(const struct pod *p)
{
	const char *rp = json_string_value(json_object_get(p->spec, "restartPolicy"));
	return rp ? rp : "Always";
}

/*
 * Build the argv of `atoll run` for a container of p (owned strings in a
 * NULL-terminated array), or NULL with why when its configuration cannot be
 * resolved yet.
 */
static char **run_argv(struct loop *l, const struct pod *p, const json_t *c, char *why, size_t why_len)
{
	size_t n = 0, cap = 64;
	char **av = xcalloc(cap, sizeof(*av));
	char self[4096];
	ssize_t k = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t i;
	json_t *v;

#define ADD(s) do { if (n + 2 >= cap) { cap *= 2; av = xrealloc(av, cap * sizeof(*av)); } av[n++] = (s); } while (0)
	self[k > 0 ? k : 0] = '\0';
	ADD(xstrdup(k > 0 ? self : "atoll"));
	ADD(xstrdup("run"));
	ADD(xstrdup("--isolation"));
	ADD(xstrdup("namespace"));
	ADD(xstrdup("--data-dir"));
	ADD(xasprintf("%s/agent", l->data_dir));
	/* As the kubelet does: spec.hostname, else the pod's name, cut to a DNS label. */
	const char *hn = json_string_value(json_object_get(p->spec, "hostname"));
	ADD(xstrdup("--hostname"));
	ADD(xstrndup(hn && *hn ? hn : p->name, 63));
	json_t *env = env_resolve(l->kc, p->obj, c, why, why_len);
	if (!env) {
		for (size_t j = 0; j < n; j++)
			free(av[j]);
		free(av);
		return NULL;
	}
	json_array_foreach(env, i, v) {
		ADD(xstrdup("--env"));
		ADD(xstrdup(json_string_value(v)));
	}
	json_decref(env);
	const char *wd = json_string_value(json_object_get(c, "workingDir"));
	if (wd) {
		ADD(xstrdup("-w"));
		ADD(xstrdup(wd));
	}
	json_t *lim = json_object_get(json_object_get(c, "resources"), "limits");
	struct quantity q;
	int64_t bytes;
	if (json_is_string(json_object_get(lim, "memory")) &&
	    quantity_parse(json_string_value(json_object_get(lim, "memory")), &q, NULL) == 0 &&
	    quantity_value(&q, &bytes) == 0 && bytes > 0) {
		ADD(xstrdup("--memory"));
		ADD(xasprintf("%lldk", (long long)(bytes + 1023) / 1024));
	}
	if (json_is_string(json_object_get(lim, "cpu")) &&
	    quantity_parse(json_string_value(json_object_get(lim, "cpu")), &q, NULL) == 0) {
		int64_t m = 0;
		if (quantity_milli(&q, &m) == 0 && m > 0) {
			ADD(xstrdup("--cpus"));
			ADD(xasprintf("%lld.%03lld", (long long)m / 1000, (long long)m % 1000));
		}
	}
	ADD(xstrdup(json_string_value(json_object_get(c, "image")) ?: ""));
	/* command replaces the image's entrypoint and args its cmd; both go after "--". */
	json_t *cmd = json_object_get(c, "command"), *args = json_object_get(c, "args");
	if (json_array_size(cmd) || json_array_size(args)) {
		ADD(xstrdup("--"));
		json_array_foreach(cmd, i, v)
			ADD(xstrdup(json_string_value(v) ?: ""));
		json_array_foreach(args, i, v)
			ADD(xstrdup(json_string_value(v) ?: ""));
	}
	av[n] = NULL;
#undef ADD
	return av;
}

static void start_ctr(struct loop *l, struct pod *p, size_t i)
{
	json_t *c = json_array_get(json_object_get(p->spec, "containers"), i);
	_cleanup_free_ char *dir = xasprintf("%s/pods/%s", l->data_dir, p->uid);
	_cleanup_free_ char *log = pods_log_path(l->data_dir, p->uid, p->c[i].name);
	char **av = run_argv(l, p, c, p->c[i].config_error, sizeof(p->c[i].config_error));

	if (!av) {
		/* Try again shortly: the ConfigMap or Secret may appear. */
		p->c[i].next_start = time(NULL) + 2;
		p->dirty = true;
		return;
	}
	p->c[i].config_error[0] = '\0';

	mkdir(l->data_dir, 0700);
	_cleanup_free_ char *pods = xasprintf("%s/pods", l->data_dir);
	mkdir(pods, 0700);
	mkdir(dir, 0700);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	pid_t pid = fork();
	if (pid == 0) {
		/* Child: its own process group so stop signals reach the sandbox only. */
		setpgid(0, 0);
		/*
		 * Running pods are not adopted by a restarted agent yet, so they go
		 * with it rather than run on unseen (atoll run forwards the signal).
		 */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		execv(av[0], av);
		_exit(127);
	}
	if (fd >= 0)
		close(fd);
	for (char **a = av; *a; a++)
		free(*a);
	free(av);
	if (pid < 0) {
		log_error("agent", "pod %s/%s: fork: %s", p->ns, p->name, strerror(errno));
		return;
	}
	p->c[i].pid = pid;
	now_ts(p->c[i].started, sizeof(p->c[i].started));
	p->dirty = true;
}

static json_t *ctr_status(const struct pod *p, size_t i, const json_t *c)
{
	const struct ctr *k = &p->c[i];
	json_t *state, *last = json_object();
	time_t now = time(NULL);

	if (k->pid)
		state = json_pack("{s:{s:s}}", "running", "startedAt", k->started);
	else if (k->config_error[0] && !k->done)
		state = json_pack("{s:{s:s,s:s}}", "waiting", "reason", "CreateContainerConfigError", "message",
				  k->config_error);
	else if (k->done || k->last_exit < 0)
		state = k->last_exit < 0 ? json_pack("{s:{s:s}}", "waiting", "reason", "ContainerCreating")
					 : json_pack("{s:{s:i,s:s,s:s,s:s}}", "terminated", "exitCode",
						     k->last_exit, "reason",
						     k->last_exit == 0 ? "Completed" : "Error", "startedAt",
						     k->started, "finishedAt", k->finished);
	else
		state = json_pack("{s:{s:s,s:s}}", "waiting", "reason", "CrashLoopBackOff", "message",
				  "back-off restarting failed container");
	if (k->restarts && k->last_exit >= 0 && !k->done)
		json_object_set_new(last, "terminated",
				    json_pack("{s:i,s:s,s:s,s:s}", "exitCode", k->last_exit, "reason",
					      k->last_exit == 0 ? "Completed" : "Error", "startedAt", k->started,
					      "finishedAt", k->finished));
	(void)now;
	return json_pack("{s:s,s:O,s:s,s:s,s:b,s:b,s:i,s:o,s:o}", "name", k->name, "image",
			 json_object_get(c, "image"), "imageID", "", "containerID", "", "ready",
			 k->pid != 0, "started", k->pid != 0, "restartCount", k->restarts, "state", state,
			 "lastState", last);
}

static void report(struct loop *l, struct pod *p)
{
	struct atoll_err err = ERR_INIT;
	json_t *cs = json_array();
	bool all_done = true, all_ok = true, all_running = p->n > 0;
	char now[40];

	now_ts(now, sizeof(now));
	for (size_t i = 0; i < p->n; i++) {
		json_array_append_new(cs, ctr_status(p, i, json_array_get(json_object_get(p->spec, "containers"), i)));
		if (!p->c[i].done)
			all_done = false;
		if (p->c[i].last_exit != 0)
			all_ok = false;
		if (!p->c[i].pid)
			all_running = false;
	}
	bool any_started = false;
	for (size_t i = 0; i < p->n; i++)
		if (p->c[i].pid || p->c[i].last_exit >= 0)
			any_started = true;
	const char *phase = all_done ? (all_ok ? "Succeeded" : "Failed") : any_started ? "Running" : "Pending";
	const char *ready = all_running && !all_done ? "True" : "False";
	json_t *conds = json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s}]",
				  "type", "Initialized", "status", "True", "lastTransitionTime", p->started,
				  "type", "Ready", "status", ready, "lastTransitionTime", now,
				  "type", "ContainersReady", "status", ready, "lastTransitionTime", now,
				  "type", "PodScheduled", "status", "True", "lastTransitionTime", p->started);
	json_t *patch = json_pack("{s:{s:s,s:o,s:o,s:s,s:s}}", "status", "phase", phase, "conditions",
				  conds, "containerStatuses", cs, "startTime", p->started, "qosClass",
				  "BestEffort");
	json_object_del(json_object_get(patch, "status"), "qosClass");
	_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/pods/%s/status", p->ns, p->name);
	int code = kclient_do(l->kc, "PATCH", path, "application/merge-patch+json", patch, NULL, &err);
	json_decref(patch);
	if (code >= 200 && code < 300)
		p->dirty = false;
	else if (code == 404)
		p->dirty = false; /* gone: the delete event will follow */
}

static struct pod *find(struct loop *l, const char *uid)
{
	for (struct pod *p = l->pods; p; p = p->next)
		if (!strcmp(p->uid, uid))
			return p;
	return NULL;
}

static void stop_pod(struct pod *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->c[i].pid)
			kill(-p->c[i].pid, SIGTERM);
	p->deleting = true;
}

static int on_event(const char *type, json_t *obj, void *ctx)
{
	struct loop *l = ctx;
	const char *uid = json_string_value(json_object_get(json_object_get(obj, "metadata"), "uid"));

	if (!uid || !strcmp(type, "BOOKMARK") || !strcmp(type, "ERROR"))
		return 0;
	pthread_mutex_lock(&l->mu);
	struct pod *p = find(l, uid);
	bool marked = json_object_get(json_object_get(obj, "metadata"), "deletionTimestamp") != NULL;
	if (!strcmp(type, "DELETED") || marked) {
		if (p && !p->deleting)
			stop_pod(p);
	} else if (!p) {
		const char *phase = json_string_value(json_object_get(json_object_get(obj, "status"), "phase"));
		if (!phase || (strcmp(phase, "Succeeded") && strcmp(phase, "Failed"))) {
			p = xcalloc(1, sizeof(*p));
			p->uid = xstrdup(uid);
			p->ns = xstrdup(json_string_value(json_object_get(json_object_get(obj, "metadata"), "namespace")) ?: "");
			p->name = xstrdup(json_string_value(json_object_get(json_object_get(obj, "metadata"), "name")) ?: "");
			p->spec = json_deep_copy(json_object_get(obj, "spec"));
			p->obj = json_pack("{s:O,s:O}", "metadata", json_object_get(obj, "metadata"), "spec", p->spec);
			json_t *cs = json_object_get(p->spec, "containers");
			p->n = json_array_size(cs);
			p->c = xcalloc(p->n ? p->n : 1, sizeof(*p->c));
			for (size_t i = 0; i < p->n; i++) {
				p->c[i].name = xstrdup(json_string_value(json_object_get(json_array_get(cs, i), "name")) ?: "c");
				p->c[i].last_exit = -1;
			}
			now_ts(p->started, sizeof(p->started));
			p->dirty = true;
			p->next = l->pods;
			l->pods = p;
		}
	}
	pthread_mutex_unlock(&l->mu);
	return 0;
}

static void *watch_thread(void *arg)
{
	struct loop *l = arg;
	_cleanup_free_ char *path = xasprintf("/api/v1/pods?watch=1&timeoutSeconds=300&fieldSelector=spec.nodeName%%3D%s",
					      l->node);
	for (;;) {
		struct atoll_err err = ERR_INIT;
		if (kclient_watch(l->kc, path, on_event, l, &err) < 0)
			sleep(1);
	}
	return NULL;
}

static void free_pod(struct pod *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->c[i].name);
	free(p->c);
	json_decref(p->spec);
	json_decref(p->obj);
	free(p->uid);
	free(p->ns);
	free(p->name);
	free(p);
}

/* Reap children, apply the restart policy, start what is due, report what changed. */
static void tick(struct loop *l)
{
	int st;
	pid_t pid;
	time_t now = time(NULL);

	pthread_mutex_lock(&l->mu);
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (struct pod *p = l->pods; p; p = p->next) {
			for (size_t i = 0; i < p->n; i++) {
				struct ctr *c = &p->c[i];
				if (c->pid != pid)
					continue;
				c->pid = 0;
				c->last_exit = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				now_ts(c->finished, sizeof(c->finished));
				const char *rp = restart_policy(p);
				bool again = !p->deleting && (!strcmp(rp, "Always") ||
							      (!strcmp(rp, "OnFailure") && c->last_exit != 0));
				if (again) {
					int back = 1 << (c->restarts < 6 ? c->restarts : 6);
					c->next_start = now + (back < MAX_BACKOFF ? back : MAX_BACKOFF);
					c->restarts++;
				} else {
					c->done = true;
				}
				p->dirty = true;
			}
		}
	}
	struct pod **pp = &l->pods;
	while (*pp) {
		struct pod *p = *pp;
		bool running = false;
		for (size_t i = 0; i < p->n; i++) {
			struct ctr *c = &p->c[i];
			if (c->pid)
				running = true;
			else if (!p->deleting && !c->done && now >= c->next_start)
				start_ctr(l, p, i), running = true;
		}
		if (p->deleting && !running) {
			*pp = p->next;
			free_pod(p);
			continue;
		}
		if (p->dirty && !p->deleting)
			report(l, p);
		pp = &p->next;
	}
	pthread_mutex_unlock(&l->mu);
}

static void *tick_thread(void *arg)
{
	struct loop *l = arg;

	for (;;) {
		tick(l);
		usleep(200 * 1000);
	}
	return NULL;
}

void pods_start(struct kclient *kc, const char *node, const char *data_dir)
{
	struct loop *l = xcalloc(1, sizeof(*l)); /* lives as long as the process */
	pthread_t t;

	l->kc = kc;
	l->node = xstrdup(node);
	l->data_dir = xstrdup(data_dir);
	pthread_mutex_init(&l->mu, NULL);
	pthread_create(&t, NULL, watch_thread, l);
	pthread_detach(t);
	pthread_create(&t, NULL, tick_thread, l);
	pthread_detach(t);
}
