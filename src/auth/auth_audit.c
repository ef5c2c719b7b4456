/* SPDX-License-Identifier: Apache-2.0 */
/* The audit log: who did what to which object, and the answer, one JSON line per request. */
#include <errno.h>
#include <jansson.h>
#include "lib/jdump.h"
#include "lib/serverlibs.h"
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/object.h"
#include "api/server.h"
#include "auth/auth_audit.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *out;
static atomic_bool checked_env;

int audit_open(const char *path)
{
	FILE *f = fopen(path, "ae");

	if (!f)
		return -errno;
	pthread_mutex_lock(&lock);
	if (out)
		fclose(out);
	out = f;
	atomic_store(&checked_env, true);
	pthread_mutex_unlock(&lock);
	return 0;
}

/* objectRef from the path: /api/v1/[namespaces/NS/]RES[/NAME[/SUB]] or /apis/G/V/... */
static json_t *object_ref(const char *url)
{
	char path[1024], *segs[12], *save;
	int n = 0;
	const char *group = "";

	snprintf(path, sizeof(path), "%s", url);
	path[strcspn(path, "?")] = '\0';
	for (char *s = strtok_r(path, "/", &save); s && n < 12; s = strtok_r(NULL, "/", &save))
		segs[n++] = s;
	int i;
	if (n >= 3 && !strcmp(segs[0], "api"))
		i = 2;
	else if (n >= 4 && !strcmp(segs[0], "apis"))
		i = 3, group = segs[1];
	else
		return NULL;
	json_t *ref = json_object();
	if (i + 2 < n && !strcmp(segs[i], "namespaces")) {
		json_object_set_new(ref, "namespace", json_string(segs[i + 1]));
		i += 2;
	}
	if (i < n)
		json_object_set_new(ref, "resource", json_string(segs[i]));
	if (i + 1 < n)
		json_object_set_new(ref, "name", json_string(segs[i + 1]));
	if (i + 2 < n)
		json_object_set_new(ref, "subresource", json_string(segs[i + 2]));
	json_object_set_new(ref, "apiGroup", json_string(group));
	json_object_set_new(ref, "apiVersion", json_string(segs[i - 1]));
	return ref;
}

static const char *verb_of(struct api_req *r, const json_t *ref)
{
	const char *m = r->method;
	bool named = json_object_get(ref, "name") != NULL;

	if (r->verb && strcmp(r->verb, "other"))
		return r->verb;
	/* Non-resource requests (no ref) are "get" like a named object. */
	return api_verb(m, named || !ref, false);
}

void audit_record(struct api_req *r, int code)
{
	if (!atomic_load(&checked_env)) {
		const char *p = getenv("ATOLL_AUDIT_LOG");
		atomic_store(&checked_env, true);
		if (p && *p)
			audit_open(p);
	}
	if (!out || r->registry)
		return;
	char id[64], now[64], ip[64] = "";
	obj_uuid(id, sizeof(id));
	obj_now(now, sizeof(now));
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof(ip));
	json_t *groups = json_array();
	for (int i = 0; i < r->ngroups; i++)
		json_array_append_new(groups, json_string(r->groups[i]));
	json_t *ref = object_ref(r->url);
	json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:o},s:[s],s:{s:i},s:s,s:s}",
			       "kind", "Event", "apiVersion", "audit.k8s.io/v1", "level", "Metadata",
			       "auditID", id, "stage", "ResponseComplete", "requestURI", r->url,
			       "verb", verb_of(r, ref), "user", "username",
			       *r->user ? r->user : "system:anonymous", "groups", groups, "sourceIPs", ip,
			       "responseStatus", "code", code, "requestReceivedTimestamp", now,
			       "stageTimestamp", now);
	if (ref)
		json_object_set_new(ev, "objectRef", ref);
	if (r->audit_note[0])
		json_object_set_new(ev, "annotations", json_pack("{s:s}", "pod-security.kubernetes.io/audit-violations",
								 r->audit_note));
	char *line = jdump(ev, JSON_COMPACT | JSON_PRESERVE_ORDER, NULL);
	json_decref(ev);
	pthread_mutex_lock(&lock);
	if (out && line) {
		fputs(line, out);
		fputc('\n', out);
		fflush(out);
	}
	pthread_mutex_unlock(&lock);
	free(line);
}
