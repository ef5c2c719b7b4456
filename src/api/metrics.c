/* SPDX-License-Identifier: Apache-2.0 */
/* Prometheus text metrics: requests by verb, resource and code, latency histograms, watches, store size. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/server.h"
#include "api/watch.h"
#include "store/store.h"

#define NSLOTS 512
static const double bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5 };
#define NB (sizeof(bounds) / sizeof(bounds[0]))

struct slot {
	char verb[20];
	char resource[64];
	int code;
	unsigned long long count;
	double sum;
	unsigned long long buckets[NB];
};

static struct slot slots[NSLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static unsigned hash(const char *a, const char *b, int c)
{
	unsigned h = 2166136261u;

	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 16777619u;
	for (; *b; b++)
		h = (h ^ (unsigned char)*b) * 16777619u;
	return (h ^ (unsigned)c) * 16777619u;
}

void metrics_observe(const char *verb, const char *resource, int code, double seconds)
{
	unsigned h = hash(verb, resource, code);

	pthread_mutex_lock(&mu);
	/* Open addressing; when the table is full, new series are dropped. */
	for (unsigned i = 0; i < NSLOTS; i++) {
		struct slot *s = &slots[(h + i) % NSLOTS];
		if (!s->verb[0]) {
			snprintf(s->verb, sizeof(s->verb), "%s", verb);
			snprintf(s->resource, sizeof(s->resource), "%s", resource);
			s->code = code;
		} else if (s->code != code || strcmp(s->verb, verb) || strcmp(s->resource, resource)) {
			continue;
		}
		s->count++;
		s->sum += seconds;
		for (size_t b = 0; b < NB; b++)
			if (seconds <= bounds[b])
				s->buckets[b]++;
		break;
	}
	pthread_mutex_unlock(&mu);
}

void metrics_render(struct api_server *srv, struct buf *out)
{
	struct store_stats st;

	buf_adds(out, "# HELP apiserver_request_total Requests by verb, resource and HTTP code.\n"
		      "# TYPE apiserver_request_total counter\n");
	pthread_mutex_lock(&mu);
	for (int i = 0; i < NSLOTS; i++)
		if (slots[i].verb[0])
			buf_addf(out, "apiserver_request_total{verb=\"%s\",resource=\"%s\",code=\"%d\"} %llu\n",
				 slots[i].verb, slots[i].resource, slots[i].code, slots[i].count);
	buf_adds(out, "# HELP apiserver_request_duration_seconds Request latency by verb and resource.\n"
		      "# TYPE apiserver_request_duration_seconds histogram\n");
	for (int i = 0; i < NSLOTS; i++) {
		struct slot *s = &slots[i];
		if (!s->verb[0])
			continue;
		for (size_t b = 0; b < NB; b++)
			buf_addf(out,
				 "apiserver_request_duration_seconds_bucket{verb=\"%s\",resource=\"%s\",code=\"%d\",le=\"%g\"} %llu\n",
				 s->verb, s->resource, s->code, bounds[b], s->buckets[b]);
		buf_addf(out,
			 "apiserver_request_duration_seconds_bucket{verb=\"%s\",resource=\"%s\",code=\"%d\",le=\"+Inf\"} %llu\n"
			 "apiserver_request_duration_seconds_sum{verb=\"%s\",resource=\"%s\",code=\"%d\"} %g\n"
			 "apiserver_request_duration_seconds_count{verb=\"%s\",resource=\"%s\",code=\"%d\"} %llu\n",
			 s->verb, s->resource, s->code, s->count, s->verb, s->resource, s->code, s->sum,
			 s->verb, s->resource, s->code, s->count);
	}
	pthread_mutex_unlock(&mu);
	store_stats(srv->store, &st);
	buf_addf(out,
		 "# HELP apiserver_registered_watchers Open watch streams.\n"
		 "# TYPE apiserver_registered_watchers gauge\n"
		 "apiserver_registered_watchers %d\n"
		 "# HELP apiserver_current_inflight_requests Requests being served.\n"
		 "# TYPE apiserver_current_inflight_requests gauge\n"
		 "apiserver_current_inflight_requests %d\n"
		 "# HELP atoll_store_revision Current store revision.\n"
		 "# TYPE atoll_store_revision gauge\n"
		 "atoll_store_revision %lld\n"
		 "# HELP atoll_store_objects Objects in the store.\n"
		 "# TYPE atoll_store_objects gauge\n"
		 "atoll_store_objects %llu\n"
		 "# HELP apiserver_storage_size_bytes Size of the store's database files.\n"
		 "# TYPE apiserver_storage_size_bytes gauge\n"
		 "apiserver_storage_size_bytes %llu\n",
		 watch_count(), atomic_load(&srv->inflight), (long long)st.revision,
		 (unsigned long long)st.keys, (unsigned long long)st.db_bytes);
}
