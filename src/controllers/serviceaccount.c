/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ServiceAccount "default" in every namespace that is not terminating,
 * re-created if deleted, as Kubernetes' service account controller does;
 * and the ConfigMap kube-root-ca.crt with the cluster's CA (the root CA
 * publisher), which pods' service account volumes read.
 */
#include <string.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "lib/xalloc.h"

static bool dirty = true;
static char *ca_pem; /* owned; NULL: no kube-root-ca.crt */

void ctl_serviceaccount_ca(const char *pem)
{
	free(ca_pem);
	ca_pem = pem ? xstrdup(pem) : NULL;
}

static void root_ca(struct ctl_loop *l, const char *ns)
{
	struct atoll_err err = ERR_INIT;
	struct store_kv kv;
	_cleanup_free_ char *key = xasprintf("core/configmaps/%s/kube-root-ca.crt", ns);

	if (!ca_pem)
		return;
	if (store_get(l->store, key, &kv, &err) == 0) {
		json_t *cm = obj_decode(kv.value->data, kv.value->len, kv.mod_rev);
		const char *have = json_string_value(json_object_get(json_object_get(cm, "data"), "ca.crt"));
		if (!have || strcmp(have, ca_pem)) {
			json_object_set_new(cm, "data", json_pack("{s:s}", "ca.crt", ca_pem));
			ctl_put(l->store, key, cm, kv.mod_rev);
		}
		json_decref(cm);
		store_kv_release(&kv);
		return;
	}
	json_t *cm = json_pack("{s:{s:s},s:{s:s}}", "metadata", "name", "kube-root-ca.crt", "data", "ca.crt", ca_pem);
	ctl_create(l->store, "", "configmaps", ns, cm, NULL);
	json_decref(cm);
}

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
		root_ca(l, ns);
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
	size_t n = strlen(ev->key), sfx = strlen("/kube-root-ca.crt");

	if (ctl_key_has_prefix(ev->key, pfx) ||
	    (!strncmp(ev->key, "core/configmaps/", 16) && n > sfx && !strcmp(ev->key + n - sfx, "/kube-root-ca.crt")))
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
