/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ServiceAccount "default" in every namespace that is not terminating,
 * re-created if deleted, as Kubernetes' service account controller does.
 */
#include <string.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "lib/xalloc.h"

static bool dirty = true;

static void tick(struct ctl_loop *l)
{
	struct ctl_list nss;
	struct atoll_err err = ERR_INIT;

	if (!dirty)
		return;
	dirty = false;
	if (ctl_list(l->store, "core/namespaces//", &nss) < 0) {
		dirty = true;
		return;
	}
	for (size_t i = 0; i < nss.n; i++) {
		const char *ns = obj_name(nss.v[i].obj);
		const char *phase = obj_str(nss.v[i].obj, "status.phase");
		if (!ns || ctl_terminating(nss.v[i].obj) || (phase && !strcmp(phase, "Terminating")))
			continue;
		_cleanup_free_ char *key = xasprintf("core/serviceaccounts/%s/default", ns);
		struct store_kv kv;
		if (store_get(l->store, key, &kv, &err) == 0) {
			store_kv_release(&kv);
			continue;
		}
		json_t *sa = json_pack("{s:{s:s}}", "metadata", "name", "default");
		ctl_create(l->store, "", "serviceaccounts", ns, sa, NULL);
		json_decref(sa);
	}
	ctl_list_free(&nss);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	static const char *const pfx[] = { "core/namespaces/", "core/serviceaccounts/", NULL };

	if (ctl_key_has_prefix(ev->key, pfx))
		dirty = true;
}

static struct ctl_loop loop = {
	.name = "serviceaccount",
	.prefix = "core/",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_serviceaccount_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
