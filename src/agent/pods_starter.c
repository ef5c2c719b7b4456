/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bringing new pods up off the pod loop. A new pod goes to one of a few
 * starter threads the moment the watch brings it: the starter spawns its
 * sandbox (images, volumes, shim), creates and starts its containers and
 * queues its first status, while other starters do the same for the pods of
 * a burst and the loop goes on with the rest. Until the starter is done the
 * pod is busy: the loop, the probes and the watch leave it alone (the watch
 * parks its events in the pod). Pods with volume claims are left to the
 * loop, one at a time: two of them may share a disk.
 */
#include <pthread.h>

#include "agent/pods_int.h"
#include "lib/xalloc.h"

#define STARTERS 8


static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct pod **q; /* FIFO of busy pods waiting for a starter */
static size_t qhead, qlen, qcap;
static size_t active; /* pods a starter is bringing up now */

static bool has_claims(const struct pod *p)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(p->spec, "volumes"), i, v)
		if (json_object_get(v, "persistentVolumeClaim") || json_object_get(v, "ephemeral"))
			return true;
	return false;
}

void pods_starter_queue(struct pod *p)
{
	if (has_claims(p))
		return;
	p->busy = true;
	pthread_mutex_lock(&mu);
	if (qlen == qcap) {
		/* Grow and unwrap the ring. */
		size_t ncap = qcap ? 2 * qcap : 64;
		struct pod **nq = xcalloc(ncap, sizeof(*nq));
		for (size_t i = 0; i < qlen; i++)
			nq[i] = q[(qhead + i) % qcap];
		free(q);
		q = nq;
		qcap = ncap;
		qhead = 0;
	}
	q[(qhead + qlen++) % qcap] = p;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

static void *starter(void *arg)
{
	struct loop *l = arg;

	for (;;) {
		pthread_mutex_lock(&mu);
		while (!qlen)
			pthread_cond_wait(&cv, &mu);
		struct pod *p = q[qhead];
		qhead = (qhead + 1) % qcap;
		qlen--;
		active++;
		pthread_mutex_unlock(&mu);

		/* Busy: this thread alone touches p, without the loop's lock. */
		pods_spawn_early(l, p);
		pods_sync(l, p);
		pods_report(l, p);

		pthread_mutex_lock(&l->mu);
		p->busy = false;
		pods_apply_pending(p);
		pthread_mutex_unlock(&l->mu);
		pods_wake(l); /* whatever comes next (a deletion, a restart) is the loop's */
		pthread_mutex_lock(&mu);
		active--;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

size_t pods_starting(void)
{
	pthread_mutex_lock(&mu);
	size_t n = qlen + active;
	pthread_mutex_unlock(&mu);
	return n;
}

void pods_starters_start(struct loop *l)
{
	for (int i = 0; i < STARTERS; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, starter, l) == 0)
			pthread_detach(t);
	}
}
