/* SPDX-License-Identifier: Apache-2.0 */
/* Events about a pod's containers, as the kubelet posts them (kubectl describe pod shows them). */
#include <stdarg.h>
#include <stdio.h>

#include "agent/client.h"
#include "agent/pods_int.h"
#include "lib/xalloc.h"

void pods_event(struct loop *l, const struct pod *p, const struct pctr *c, const char *type, const char *reason,
		const char *fmt, ...)
{
	struct atoll_err err = ERR_INIT;
	char now[40], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pods_now(now, sizeof(now));
	_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/events", p->ns);
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
	kclient_do(l->kc, "POST", path, NULL, ev, NULL, &err);
	json_decref(ev);
}
