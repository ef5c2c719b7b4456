/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pod loop: watch the pods bound to this node, keep a record of each,
 * sync them with their shims every tick, report status, stop deleted pods.
 * New pods are brought up by starter threads the moment the watch brings
 * them (pods_starter.c); the tick takes them over after that.
 * Shims outlive the agent; at start, pods that are still ours are adopted
 * (the starters connect to their shims) and shims of pods gone from the API
 * are stopped.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/kcache.h"
#include "agent/pods.h"
#include "agent/metrics.h"
#include "agent/pods_int.h"
#include "lib/log.h"
#include "lib/rmtree.h"
#include "lib/xalloc.h"
#include "podinit/proto.h"
#include "shim/shim.h"

#define TICK_MS 250

static struct loop *the_loop;

char *pods_dir_path(const char *run_dir, const char *uid)
{
	return xasprintf("%s/pods/%s", run_dir, uid);
}

char *pods_disk_dir(const char *data_dir, const char *uid)
{
	return xasprintf("%s/pods/%s", data_dir, uid);
}

char *pods_log_path(const char *data_dir, const char *uid, const char *container)
{
	return xasprintf("%s/pods/%s/%s.log", data_dir, uid, container);
}

static struct pod *find(struct loop *l, const char *uid)
{
	for (struct pod *p = l->pods; p; p = p->next)
		if (!strcmp(p->uid, uid))
			return p;
	return NULL;
}

static void add_image(struct pod *p, struct pctr *c)
{
	const char *ref = json_string_value(json_object_get(c->spec, "image")) ?: "";

	for (size_t i = 0; i < p->nimgs; i++)
		if (!strcmp(p->refs[i], ref)) {
			c->image = i;
			return;
		}
	p->refs = xrealloc(p->refs, (p->nimgs + 1) * sizeof(*p->refs));
	p->imgs = xrealloc(p->imgs, (p->nimgs + 1) * sizeof(*p->imgs));
	memset(&p->imgs[p->nimgs], 0, sizeof(p->imgs[0]));
	p->refs[p->nimgs] = xstrdup(ref);
	c->image = p->nimgs++;
}

/* Point container i at its entry of p->spec (which list it is in follows from its index). */
static void point_ctr(struct pod *p, size_t i)
{
	struct pctr *c = &p->c[i];

	c->is_init = i < p->ninit;
	c->ephemeral = i >= p->nreg;
	c->spec = json_array_get(json_object_get(p->spec, c->is_init ? "initContainers"
						      : c->ephemeral ? "ephemeralContainers" : "containers"),
				 c->is_init ? i : c->ephemeral ? i - p->nreg : i - p->ninit);
	c->sidecar = c->is_init && !strcmp(json_string_value(json_object_get(c->spec, "restartPolicy")) ?: "", "Always");
}

static struct pod *new_pod(struct loop *l, const char *uid, json_t *obj)
{
	json_t *meta = json_object_get(obj, "metadata");
	struct pod *p = xcalloc(1, sizeof(*p));

	p->uid = xstrdup(uid);
	p->ns = xstrdup(json_string_value(json_object_get(meta, "namespace")) ?: "");
	p->name = xstrdup(json_string_value(json_object_get(meta, "name")) ?: "");
	p->dir = pods_dir_path(l->run_dir, uid);
	p->disk_dir = pods_disk_dir(l->data_dir, uid);
	p->spec = json_deep_copy(json_object_get(obj, "spec"));
	p->obj = json_pack("{s:O,s:O}", "metadata", meta, "spec", p->spec);
	p->fd = p->stop_fd = p->spawn_fd = -1;
	p->ninit = json_array_size(json_object_get(p->spec, "initContainers"));
	p->nreg = p->ninit + json_array_size(json_object_get(p->spec, "containers"));
	p->n = p->nreg + json_array_size(json_object_get(p->spec, "ephemeralContainers"));
	p->c = xcalloc(p->n ? p->n : 1, sizeof(*p->c));
	for (size_t i = 0; i < p->n; i++) {
		struct pctr *c = &p->c[i];
		point_ctr(p, i);
		c->name = xstrdup(json_string_value(json_object_get(c->spec, "name")) ?: "c");
		add_image(p, c);
	}
	json_t *tg = json_object_get(p->spec, "terminationGracePeriodSeconds");
	p->grace = json_is_integer(tg) ? (long)json_integer_value(tg) : 30;
	pods_now(p->started, sizeof(p->started));
	return p;
}

/*
 * An update of a running pod can only change images (and a few fields we do
 * not act on) and add ephemeral containers: a container whose image changed
 * is restarted with the new one (pods_sync does it, as the kubelet does on a
 * changed container hash); a new ephemeral container is started once.
 */
static void respec(struct pod *p, json_t *obj)
{
	json_t *spec = json_object_get(obj, "spec");
	json_t *ics = json_object_get(spec, "initContainers"), *cs = json_object_get(spec, "containers");
	size_t neph = json_array_size(json_object_get(spec, "ephemeralContainers"));
	bool changed = false;

	if (json_array_size(ics) + json_array_size(cs) != p->nreg || neph < p->n - p->nreg)
		return;
	for (size_t i = 0; i < p->nreg; i++) {
		json_t *nc = json_array_get(i < p->ninit ? ics : cs, i < p->ninit ? i : i - p->ninit);
		const char *ni = json_string_value(json_object_get(nc, "image"));
		const char *oi = json_string_value(json_object_get(p->c[i].spec, "image"));
		if (ni && oi && strcmp(ni, oi)) {
			p->c[i].respec = true;
			changed = true;
		}
	}
	if (!changed && neph == p->n - p->nreg)
		return;
	json_decref(p->spec);
	p->spec = json_deep_copy(spec);
	json_decref(p->obj);
	p->obj = json_pack("{s:O,s:O}", "metadata", json_object_get(obj, "metadata"), "spec", p->spec);
	size_t old_n = p->n;
	p->n = p->nreg + neph;
	if (p->n > old_n) {
		p->c = xrealloc(p->c, p->n * sizeof(*p->c));
		memset(&p->c[old_n], 0, (p->n - old_n) * sizeof(*p->c));
	}
	for (size_t i = 0; i < p->n; i++) {
		struct pctr *c = &p->c[i];
		point_ctr(p, i);
		if (i >= old_n)
			c->name = xstrdup(json_string_value(json_object_get(c->spec, "name")) ?: "c");
		if (c->respec || i >= old_n)
			add_image(p, c);
		/* Its mounts are learnt with the pod's (placing the volumes again finds them in place). */
		if (i >= old_n && json_array_size(json_object_get(c->spec, "volumeMounts")))
			vol_set_release(&p->vols);
	}
	p->images_ready = false;
}

static void free_pod(struct pod *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->c[i].name);
		json_decref(p->c[i].cur_term);
		json_decref(p->c[i].prev_term);
	}
	for (size_t i = 0; i < p->nimgs; i++) {
		free(p->refs[i]);
		image_release(&p->imgs[i]);
	}
	free(p->refs);
	free(p->imgs);
	free(p->c);
	if (p->fd >= 0)
		close(p->fd);
	if (p->stop_fd >= 0)
		close(p->stop_fd);
	vol_set_release(&p->vols);
	if (p->spawn_fd >= 0)
		close(p->spawn_fd); /* the shim still comes up; the next agent's orphan sweep stops it */
	json_decref(p->spec);
	json_decref(p->obj);
	json_decref(p->state);
	json_decref(p->pending);
	free(p->reported);
	free(p->uid);
	free(p->ns);
	free(p->name);
	free(p->dir);
	free(p->disk_dir);
	free(p);
}


static void begin_delete(struct pod *p, const json_t *meta, bool gone)
{
	json_t *g = json_object_get(meta, "deletionGracePeriodSeconds");

	if (json_is_integer(g) && json_integer_value(g) > 0)
		p->grace = (long)json_integer_value(g);
	p->api_gone = p->api_gone || gone;
	p->deleting = true;
}

/* A watch event about a pod we know (l->mu held). true when the pod loop should look at once. */
static bool apply_event(struct pod *p, json_t *obj, bool gone)
{
	json_t *meta = json_object_get(obj, "metadata");

	if (gone || json_object_get(meta, "deletionTimestamp")) {
		bool news = !p->deleting;
		begin_delete(p, meta, gone);
		return news;
	}
	respec(p, obj);
	return false;
}

bool pods_apply_pending(struct pod *p)
{
	if (!p->pending)
		return false;
	bool news = apply_event(p, p->pending, p->pending_gone);
	json_decref(p->pending);
	p->pending = NULL;
	p->pending_gone = false;
	return news;
}

static int on_event(const char *type, json_t *obj, void *ctx)
{
	struct loop *l = ctx;
	json_t *meta = json_object_get(obj, "metadata");
	const char *uid = json_string_value(json_object_get(meta, "uid"));

	if (!uid || !strcmp(type, "BOOKMARK") || !strcmp(type, "ERROR"))
		return 0;
	pthread_mutex_lock(&l->mu);
	struct pod *p = find(l, uid);
	bool gone = !strcmp(type, "DELETED"), news = false;
	if (p && p->busy) {
		/* A starter has the pod: the event waits for it (the latest one stands for all). */
		json_decref(p->pending);
		p->pending = json_incref(obj);
		p->pending_gone = p->pending_gone || gone;
	} else if (p) {
		news = apply_event(p, obj, gone);
	} else if (gone || json_object_get(meta, "deletionTimestamp")) {
		/*
		 * A pod marked for deletion that we have not seen (deleted while
		 * no agent ran) is taken on only to be stopped and removed.
		 */
		if (!gone) {
			p = new_pod(l, uid, obj);
			p->next = l->pods;
			l->pods = p;
			begin_delete(p, meta, gone);
			news = true;
		}
	} else {
		const char *phase = json_string_value(json_object_get(json_object_get(obj, "status"), "phase"));
		if (!phase || (strcmp(phase, "Succeeded") && strcmp(phase, "Failed"))) {
			p = new_pod(l, uid, obj);
			const char *st = json_string_value(json_object_get(json_object_get(obj, "status"), "startTime"));
			if (st)
				snprintf(p->started, sizeof(p->started), "%s", st);
			p->next = l->pods;
			l->pods = p;
			news = true;
			pods_starter_queue(p);
		}
	}
	pthread_mutex_unlock(&l->mu);
	if (news)
		pods_wake(l);
	return 0;
}

static bool listed(const json_t *list, const char *uid)
{
	size_t i;
	json_t *it;

	json_array_foreach(json_object_get(list, "items"), i, it) {
		const char *u = json_string_value(json_object_get(json_object_get(it, "metadata"), "uid"));
		if (u && !strcmp(u, uid))
			return true;
	}
	return false;
}

/* The directories on disk (logs, emptyDirs) of pods the API no longer has. */
static void remove_orphan_disk_dirs(struct loop *l, const json_t *list)
{
	_cleanup_free_ char *dir = xasprintf("%s/pods", l->data_dir);
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && !listed(list, de->d_name)) {
			_cleanup_free_ char *p = xasprintf("%s/%s", dir, de->d_name);
			rmtree(p);
		}
	if (d)
		closedir(d);
}

/*
 * Shims of pods the API no longer has (deleted while no agent ran) are
 * stopped, all at once and waited for with one deadline, and their
 * directories removed.
 */
static void stop_orphans(struct loop *l)
{
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *path = xasprintf("/api/v1/pods?fieldSelector=spec.nodeName%%3D%s", l->node);
	_cleanup_free_ char *dir = xasprintf("%s/pods", l->run_dir);
	json_t *list = NULL;
	struct { int fd; char *dir; } gone[64];
	size_t ngone = 0;

	if (kclient_do(l->kc, "GET", path, NULL, NULL, &list, &err) != 200) {
		json_decref(list);
		return; /* not knowing what is ours, stop nothing */
	}
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)) && ngone < sizeof(gone) / sizeof(gone[0])) {
		if (de->d_name[0] == '.' || listed(list, de->d_name))
			continue;
		gone[ngone].dir = xasprintf("%s/%s", dir, de->d_name);
		gone[ngone].fd = shim_connect(gone[ngone].dir, &err);
		if (gone[ngone].fd >= 0) {
			log_info("agent", "stopping the sandbox of pod %s, which is gone from the API", de->d_name);
			const char *req = "{\"op\":\"stop\",\"grace_ms\":5000}";
			if (pi_send(gone[ngone].fd, PI_CTL, 0, req, strlen(req)) < 0) {
				close(gone[ngone].fd);
				gone[ngone].fd = -1;
			}
		}
		ngone++;
	}
	if (d)
		closedir(d);
	/* Each shim answers when its pod is down (or just closes): wait for all, bounded. */
	for (int round = 0; round < 200; round++) {
		struct pollfd pf[64];
		nfds_t n = 0;
		for (size_t i = 0; i < ngone; i++)
			if (gone[i].fd >= 0)
				pf[n++] = (struct pollfd){ .fd = gone[i].fd, .events = POLLIN };
		if (!n || poll(pf, n, 100) < 0)
			break;
		for (nfds_t k = 0; k < n; k++)
			for (size_t i = 0; i < ngone; i++)
				if (pf[k].revents && gone[i].fd == pf[k].fd) {
					close(gone[i].fd);
					gone[i].fd = -1;
				}
	}
	for (size_t i = 0; i < ngone; i++) {
		if (gone[i].fd >= 0)
			close(gone[i].fd);
		_cleanup_free_ char *disk = pods_disk_dir(l->data_dir, strrchr(gone[i].dir, '/') + 1);
		volumes_teardown(gone[i].dir, disk, l->data_dir);
		shim_cleanup_after(gone[i].dir); /* a shim killed with its agent left its cgroups */
		rmtree(gone[i].dir);
		free(gone[i].dir);
	}
	remove_orphan_disk_dirs(l, list);
	json_decref(list);
}

static void *watch_thread(void *arg)
{
	struct loop *l = arg;
	_cleanup_free_ char *path = xasprintf("/api/v1/pods?watch=1&timeoutSeconds=300&fieldSelector=spec.nodeName%%3D%s",
					      l->node);
	stop_orphans(l);
	for (;;) {
		struct atoll_err err = ERR_INIT;
		if (kclient_watch(l->kc, path, on_event, l, &err) < 0)
			sleep(1);
	}
	return NULL;
}

/* After its sandbox is gone, a deleted pod's object goes (when only marked) and so does its directory. */
static void finish_delete(struct loop *l, struct pod *p)
{
	struct atoll_err err = ERR_INIT;

	if (!p->api_gone) {
		_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", p->ns, p->name);
		json_t *body = json_pack("{s:i,s:{s:s}}", "gracePeriodSeconds", 0, "preconditions", "uid", p->uid);
		kclient_do(l->kc, "DELETE", path, NULL, body, NULL, &err);
		json_decref(body);
	}
	volumes_teardown(p->dir, p->disk_dir, l->data_dir);
	rmtree(p->dir);
	rmtree(p->disk_dir);
}

static void tick(struct loop *l)
{
	static time_t next_gc;
	time_t now = time(NULL);

	if (now >= next_gc) {
		/* Disk files of deleted volumes go once no pod here uses them. */
		next_gc = now + 10;
		volumes_gc(l->kc, l->data_dir);
	}
	shim_reap();
	pthread_mutex_lock(&l->mu);
	for (struct pod **pp = &l->pods; *pp;) {
		struct pod *p = *pp;
		if (p->busy) { /* a starter has it (pods_starter.c) */
			pp = &p->next;
			continue;
		}
		if (p->deleting) {
			/* A shim on its way up is let finish, so that the stop below reaches it. */
			if (p->spawn_fd >= 0) {
				struct atoll_err err = ERR_INIT;
				int fd = p->spawn_fd;
				p->spawn_fd = -1;
				shim_spawn_finish(fd, p->dir, &err);
			}
			if (p->stop_fd < 0 && !p->finished && !pods_prestop_done(l, p)) {
				pp = &p->next;
				continue;
			}
			bool live = p->stop_fd < 0 && !p->finished && p->fd >= 0 && !p->api_gone;
			if (live && !p->winding)
				pods_event(l, p, NULL, "Normal", "Killing", "Stopping pod (grace period %lds)", p->grace);
			/* What the preStop hooks left of the grace period, and at least 2 s (as the kubelet). */
			long grace = p->grace;
			if (p->prestop_began && (grace -= (long)(time(NULL) - p->prestop_began)) < 2)
				grace = 2;
			/* With sidecars, the containers stop in order (app, then sidecars in reverse) first. */
			if (live && pods_has_sidecars(p) && !pods_wind_down(l, p, grace)) {
				pp = &p->next;
				continue;
			}
			if (p->winding)
				grace = 2; /* nothing runs any more */
			if (p->stop_fd < 0 && !p->finished && pods_stop(l, p, grace))
				p->finished = true;
			else if (pods_stop_done(p))
				p->finished = true;
			if (p->finished && p->stop_fd < 0) {
				finish_delete(l, p);
				*pp = p->next;
				free_pod(p);
				continue;
			}
		} else {
			pods_sync(l, p);
			/* Unchanged unless the state was looked at or a probe flipped (or the last report failed). */
			if (p->looked || p->status_stale || !p->reported || p->fd < 0) {
				p->status_stale = false;
				pods_report(l, p);
			}
			/* As the kubelet, a terminated pod's volumes are released (claim disks unmounted). */
			if (p->finished && pods_stop_done(p) && p->vols.sandbox) {
				volumes_teardown(p->dir, p->disk_dir, l->data_dir);
				vol_set_release(&p->vols);
			}
		}
		pp = &p->next;
	}
	pthread_mutex_unlock(&l->mu);
}

/* Ticks every TICK_MS, and at once when the watch brings a new or deleted pod (pods_wake). */
static void *tick_thread(void *arg)
{
	struct loop *l = arg;

	for (;;) {
		tick(l);
		struct timespec dl;
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_nsec += TICK_MS * 1000000L;
		dl.tv_sec += dl.tv_nsec / 1000000000L;
		dl.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&l->wake_mu);
		while (!l->woken && pthread_cond_timedwait(&l->wake, &l->wake_mu, &dl) == 0)
			;
		l->woken = false;
		pthread_mutex_unlock(&l->wake_mu);
	}
	return NULL;
}

void pods_wake(struct loop *l)
{
	pthread_mutex_lock(&l->wake_mu);
	l->woken = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->wake_mu);
}

/* The quota cache needs no listener: pool_limits reads it when a pod starts. */
static void quotas_changed(void *ctx)
{
	(void)ctx;
}

void pods_start(struct kclient *kc, const char *node, const char *data_dir, const char *run_dir,
		const char *host_ip, bool pod_network)
{
	struct loop *l = xcalloc(1, sizeof(*l)); /* lives as long as the process */
	pthread_t t;

	l->kc = kc;
	l->node = xstrdup(node);
	l->data_dir = xstrdup(data_dir);
	l->run_dir = xstrdup(run_dir);
	l->agent_dir = xasprintf("%s/agent", data_dir);
	l->shim_dir = xasprintf("%s/agent", run_dir);
	l->host_ip = host_ip ? xstrdup(host_ip) : NULL;
	l->pod_network = pod_network;
	l->quotas = kcache_start(kc, "/api/v1/resourcequotas", quotas_changed, NULL);
	pthread_mutex_init(&l->mu, NULL);
	pthread_mutex_init(&l->wake_mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->wake, &ca);
	pthread_condattr_destroy(&ca);
	the_loop = l;
	pthread_create(&t, NULL, watch_thread, l);
	pthread_detach(t);
	pthread_create(&t, NULL, tick_thread, l);
	pthread_detach(t);
	pods_probe_start(l);
	pods_report_start(l);
	pods_events_start(l);
	pods_starters_start(l);
	agent_metrics_start(l);
}

void pods_stop_all(int timeout_s)
{
	struct loop *l = the_loop;

	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	/* Pods a starter has are let come up first (bounded), so that they are stopped too. */
	for (int i = 0; i < 100; i++) {
		bool busy = false;
		for (struct pod *p = l->pods; p; p = p->next)
			busy = busy || p->busy;
		if (!busy)
			break;
		pthread_mutex_unlock(&l->mu);
		usleep(50 * 1000);
		pthread_mutex_lock(&l->mu);
	}
	for (struct pod *p = l->pods; p; p = p->next) {
		if (p->busy || p->stop_fd >= 0)
			continue;
		if (pods_stop(l, p, 2))
			continue;
	}
	/* Bounded: a shim that does not answer in time is left running. */
	for (int i = 0; i < timeout_s * 10; i++) {
		bool waiting = false;
		for (struct pod *p = l->pods; p; p = p->next)
			if (!pods_stop_done(p))
				waiting = true;
		if (!waiting)
			break;
		usleep(100 * 1000);
	}
	/* Their volumes go too (tmpfs and disk mounts would outlive us otherwise). */
	for (struct pod *p = l->pods; p; p = p->next)
		if (pods_stop_done(p))
			volumes_teardown(p->dir, p->disk_dir, l->data_dir);
	/* The tick thread stays blocked on the lock: the process is about to exit. */
}
