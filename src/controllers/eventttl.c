/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event expiry: Events last seen more than an hour ago are deleted, as the
 * Kubernetes API server's event TTL does, so the controllers' events do not
 * pile up. Tests may shorten the TTL with ATOLL_EVENT_TTL_SECONDS.
 */
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"

static int64_t ttl = 3600;

/* The last time the event happened: lastTimestamp, eventTime, series, or creation. */
static int64_t last_seen(const json_t *ev)
{
	static const char *const fields[] = { "lastTimestamp", "series.lastObservedTime", "eventTime",
					      "metadata.creationTimestamp" };

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		int64_t t = ctl_parse_time(obj_str(ev, fields[i]));
		if (t)
			return t;
	}
	return 0;
}

static void sweep(struct store *s, const char *prefix)
{
	struct ctl_list evs;

	if (ctl_list(s, prefix, &evs) < 0)
		return;
	for (size_t i = 0; i < evs.n; i++) {
		int64_t t = last_seen(evs.v[i].obj);
		struct atoll_err err = ERR_INIT;
		int64_t rev;
		if (t && ctl_now() - t > ttl)
			store_delete(s, evs.v[i].key, evs.v[i].rev, &rev, &err); /* a newer write wins */
	}
	ctl_list_free(&evs);
}

static void tick(struct ctl_loop *l)
{
	static int64_t last;
	int64_t every = ttl < 60 ? 1 : 60;

	if (ctl_now() - last < every)
		return;
	last = ctl_now();
	sweep(l->store, "core/events/");
	sweep(l->store, "events.k8s.io/events/");
}

static struct ctl_loop loop = {
	.name = "eventttl",
	.prefix = "core/events/",
	.on_tick = tick,
};

void ctl_eventttl_start(struct store *s)
{
	const char *t = getenv("ATOLL_EVENT_TTL_SECONDS");

	if (t && *t && atoll(t) > 0)
		ttl = atoll(t);
	loop.store = s;
	ctl_loop_start(&loop);
}
