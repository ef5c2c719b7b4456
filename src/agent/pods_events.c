/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events about a pod's containers, as the kubelet posts them (kubectl
 * describe pod shows them). They are posted by a thread of their own, in
 * order, so that the pod loop never waits for one, and a burst of pods does
 * not wait for four round trips each; like client-go's recorder, events
 * beyond a bounded backlog are dropped (with a log line) rather than held.
 * While pods are being started or statuses wait to go out, an event waits
 * too (up to two seconds): what a user waits for comes first.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/pods_int.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define EVENTS_BACKLOG 2048

struct event {
	char *path;  /* owned */
	json_t *obj; /* owned */
	struct event *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct event *head, **tail = &head;
static size_t backlog;
static unsigned long dropped;

static void *poster(void *arg)
{
	struct loop *l = arg;

	for (;;) {
		pthread_mutex_lock(&mu);
		while (!head)
			pthread_cond_wait(&cv, &mu);
		struct event *e = head;
		if (!(head = e->next))
			tail = &head;
		backlog--;
		pthread_mutex_unlock(&mu);
		for (int i = 0; i < 100 && (pods_starting() || pods_report_pending()); i++)
			usleep(20 * 1000);
		struct atoll_err err = ERR_INIT;
		kclient_do(l->kc, "POST", e->path, NULL, e->obj, NULL, &err);
		free(e->path);
		json_decref(e->obj);
		free(e);
	}
	return NULL;
}

void pods_events_start(struct loop *l)
{
	pthread_t t;

	if (pthread_create(&t, NULL, poster, l) == 0)
		pthread_detach(t);
}

static void enqueue(char *path, json_t *obj)
{
	pthread_mutex_lock(&mu);
	if (backlog >= EVENTS_BACKLOG) {
		if (dropped++ % 1000 == 0)
			log_warn("agent", "events: backlog full, dropping (%lu so far)", dropped);
		pthread_mutex_unlock(&mu);
		free(path);
		json_decref(obj);
		return;
	}
	struct event *e = xcalloc(1, sizeof(*e));
	e->path = path;
	e->obj = obj;
	*tail = e;
	tail = &e->next;
	backlog++;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

void pods_event(struct loop *l, const struct pod *p, const struct pctr *c, const char *type, const char *reason,
		const char *fmt, ...)
{
	char now[40], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pods_now(now, sizeof(now));
	char *path = xasprintf("/api/v1/namespaces/%s/events", p->ns);
	_cleanup_free_ char *gen = xasprintf("%s.", p->name);
	json_t *obj = json_pack("{s:s,s:s,s:s,s:s,s:s}", "apiVersion", "v1", "kind", "Pod", "name", p->name,
				"namespace", p->ns, "uid", p->uid);
	if (c) {
		const char *list = c->is_init ? "initContainers" : c->ephemeral ? "ephemeralContainers" : "containers";
		_cleanup_free_ char *fp = xasprintf("spec.%s{%s}", list, c->name);
		json_object_set_new(obj, "fieldPath", json_string(fp));
	}
	json_t *ev = json_pack("{s:s,s:s,s:{s:s},s:o,s:s,s:s,s:s,s:{s:s,s:s},s:s,s:s,s:i,s:s,s:s}", "apiVersion",
			       "v1", "kind", "Event", "metadata", "generateName", gen, "involvedObject", obj, "type",
			       type, "reason", reason, "message", msg, "source", "component", "kubelet", "host",
			       l->node, "firstTimestamp", now, "lastTimestamp", now, "count", 1,
			       "reportingComponent", "kubelet", "reportingInstance", l->node);
	enqueue(path, ev);
}
