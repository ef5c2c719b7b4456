/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sending pod statuses to the API server off the pod loop: the loop queues a
 * pod's new status and goes on; a few sender threads PATCH them. A pod has at
 * most one status queued and one in flight, and a newer status replaces the
 * queued one, so updates of one pod never overtake each other and a burst of
 * pods does not wait for one HTTP round trip each.
 */
#include <pthread.h>
#include <string.h>

#include "agent/client.h"
#include "agent/pods_int.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define SENDERS 4

struct report {
	char *uid, *path;
	char *text;        /* the status as JSON text (owned) */
	bool busy;         /* a sender has it */
	bool again;        /* a newer text arrived while busy */
	struct report *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct report *queue;

static void report_free(struct report *r)
{
	free(r->uid);
	free(r->path);
	free(r->text);
	free(r);
}

/*
 * Pods whose last status the server did not take: pods_report forgets what it
 * sent them, so the next tick sends it again. Kept here rather than in the pod
 * so that a sender never waits for the pod loop's lock (held for whole ticks).
 */
struct failed {
	char *uid;
	struct failed *next;
};
static struct failed *failed; /* guarded by mu */

static void note_failed(const char *uid)
{
	struct failed *f;

	for (f = failed; f && strcmp(f->uid, uid); f = f->next)
		;
	if (f)
		return;
	f = xcalloc(1, sizeof(*f));
	f->uid = xstrdup(uid);
	f->next = failed;
	failed = f;
}

size_t pods_report_pending(void)
{
	size_t n = 0;

	pthread_mutex_lock(&mu);
	for (struct report *r = queue; r; r = r->next)
		n++;
	pthread_mutex_unlock(&mu);
	return n;
}

bool pods_report_take_failed(const char *uid)
{
	bool found = false;

	pthread_mutex_lock(&mu);
	for (struct failed **pp = &failed; *pp; pp = &(*pp)->next) {
		if (!strcmp((*pp)->uid, uid)) {
			struct failed *f = *pp;
			*pp = f->next;
			free(f->uid);
			free(f);
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&mu);
	return found;
}

static void *sender(void *arg)
{
	struct loop *l = arg;

	for (;;) {
		pthread_mutex_lock(&mu);
		struct report *r;
		for (;;) {
			for (r = queue; r && r->busy; r = r->next)
				;
			if (r)
				break;
			pthread_cond_wait(&cv, &mu);
		}
		r->busy = true;
		char *text = xstrdup(r->text);
		_cleanup_free_ char *path = xstrdup(r->path), *uid = xstrdup(r->uid);
		pthread_mutex_unlock(&mu);

		struct atoll_err err = ERR_INIT;
		json_t *st = json_loads(text, 0, NULL);
		json_t *patch = json_pack("{s:o}", "status", st ? st : json_object());
		int code = kclient_do(l->kc, "PATCH", path, "application/merge-patch+json", patch, NULL, &err);
		json_decref(patch);
		bool ok = (code >= 200 && code < 300) || code == 404; /* 404: the pod is gone, nothing to report */
		if (!ok)
			log_msg(LOG_DEBUG, "agent", "status of %s: HTTP %d %s", path, code, err.msg);
		free(text);

		pthread_mutex_lock(&mu);
		r->busy = false;
		if (!ok && !r->again)
			note_failed(uid);
		if (!r->again) {
			for (struct report **pp = &queue; *pp; pp = &(*pp)->next)
				if (*pp == r) {
					*pp = r->next;
					break;
				}
			report_free(r);
		} else {
			r->again = false;
			pthread_cond_signal(&cv);
		}
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

void pods_report_queue(const char *uid, const char *path, const char *text)
{
	pthread_mutex_lock(&mu);
	struct report *r;
	for (r = queue; r && strcmp(r->uid, uid); r = r->next)
		;
	if (r) {
		free(r->text);
		r->text = xstrdup(text);
		r->again |= r->busy;
	} else {
		r = xcalloc(1, sizeof(*r));
		r->uid = xstrdup(uid);
		r->path = xstrdup(path);
		r->text = xstrdup(text);
		/* At the end: older pods first. */
		struct report **pp = &queue;
		while (*pp)
			pp = &(*pp)->next;
		*pp = r;
	}
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

void pods_report_start(struct loop *l)
{
	for (int i = 0; i < SENDERS; i++) {
		pthread_t t;
		pthread_create(&t, NULL, sender, l);
		pthread_detach(t);
	}
}
