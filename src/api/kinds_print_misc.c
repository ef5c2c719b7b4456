/* SPDX-License-Identifier: Apache-2.0 */
/* Table printers of storage, networking, discovery, coordination, quota and RBAC kinds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kinds_common.h"
#include "api/kinds_hooks.h"
#include "api/table.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

#define NAME_COL { "Name", "string", "name", "Name must be unique within a namespace.", 0 }
#define AGE_COL { "Age", "string", "", "CreationTimestamp is a timestamp representing the " \
	"server time when this object was created.", 0 }

static json_t *jstr_own(char *s)
{
	json_t *j = json_string(s);

	free(s);
	return j;
}

/* "RWO,RWX" */
static char *access_modes(const json_t *modes)
{
	static const char *const names[][2] = {
		{ "ReadWriteOnce", "RWO" }, { "ReadOnlyMany", "ROX" }, { "ReadWriteMany", "RWX" },
		{ "ReadWriteOncePod", "RWOP" },
	};
	struct buf b = BUF_INIT;

	for (size_t n = 0; n < 4; n++) {
		size_t i;
		json_t *m;

		json_array_foreach(modes, i, m)
			if (!strcmp(json_string_value(m) ?: "", names[n][0])) {
				buf_addf(&b, "%s%s", b.len ? "," : "", names[n][1]);
				break;
			}
	}
	return buf_detach(&b, NULL);
}

/* ---- PersistentVolume, PersistentVolumeClaim ---- */

json_t *kinds_pv_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Capacity", "string", "", "capacity is the description of the persistent volume's "
		  "resources and capacity.", 0 },
		{ "Access Modes", "string", "", "accessModes contains all ways the volume can be "
		  "mounted.", 0 },
		{ "Reclaim Policy", "string", "", "What happens to a persistent volume when released "
		  "from its claim.", 0 },
		{ "Status", "string", "", "phase indicates if a volume is available, bound to a claim, "
		  "or released by a claim.", 0 },
		{ "Claim", "string", "", "claimRef is part of a bi-directional binding between "
		  "PersistentVolume and PersistentVolumeClaim.", 0 },
		{ "StorageClass", "string", "", "storageClassName is the name of StorageClass to "
		  "which this persistent volume belongs.", 0 },
		{ "VolumeAttributesClass", "string", "", "Name of the VolumeAttributesClass.", 0 },
		{ "Reason", "string", "", "reason is a brief CamelCase string that describes any "
		  "failure.", 0 },
		AGE_COL,
		{ "VolumeMode", "string", "", "volumeMode defines if a volume is intended to be used "
		  "with a formatted filesystem or to remain in raw block state.", 1 },
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_pv_row(const struct api_kind *k, const json_t *obj)
{
	json_t *ref = kj_get(obj, "spec.claimRef");
	char claim[512] = "";
	const char *phase = kj_str(obj, "metadata.deletionTimestamp") ? "Terminating"
		: kj_str(obj, "status.phase") ?: "";

	if (ref)
		kinds_fmt(claim, sizeof(claim), "%s/%s", kj_str(ref, "namespace") ?: "",
			 kj_str(ref, "name") ?: "");
	return json_pack("[s,s,o,s,s,s,s,s,s,o,s]", table_name(obj),
			 kj_str(obj, "spec.capacity.storage") ?: "",
			 jstr_own(access_modes(kj_get(obj, "spec.accessModes"))),
			 kj_str(obj, "spec.persistentVolumeReclaimPolicy") ?: "", phase, claim,
			 kj_str(obj, "spec.storageClassName") ?: "",
			 kj_str(obj, "spec.volumeAttributesClassName") ?: "<unset>",
			 kj_str(obj, "status.reason") ?: "", table_age_cell(obj),
			 kj_str(obj, "spec.volumeMode") ?: "Filesystem");
}

json_t *kinds_pvc_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Status", "string", "", "phase represents the current phase of "
		  "PersistentVolumeClaim.", 0 },
		{ "Volume", "string", "", "volumeName is the binding reference to the "
		  "PersistentVolume backing this claim.", 0 },
		{ "Capacity", "string", "", "capacity represents the actual resources of the "
		  "underlying volume.", 0 },
		{ "Access Modes", "string", "", "accessModes contains the actual access modes the "
		  "volume backing the PVC has.", 0 },
		{ "StorageClass", "string", "", "storageClassName is the name of the StorageClass "
		  "required by the claim.", 0 },
		{ "VolumeAttributesClass", "string", "", "Name of the VolumeAttributesClass.", 0 },
		AGE_COL,
		{ "VolumeMode", "string", "", "volumeMode defines what type of volume is required by "
		  "the claim.", 1 },
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_pvc_row(const struct api_kind *k, const json_t *obj)
{
	const char *phase = kj_str(obj, "metadata.deletionTimestamp") ? "Terminating"
		: kj_str(obj, "status.phase") ?: "";
	bool bound = kj_str(obj, "spec.volumeName") != NULL;

	return json_pack("[s,s,s,s,o,s,s,o,s]", table_name(obj), phase,
			 kj_str(obj, "spec.volumeName") ?: "",
			 bound ? kj_str(obj, "status.capacity.storage") ?: "" : "",
			 jstr_own(bound ? access_modes(kj_get(obj, "status.accessModes"))
				  : xstrdup("")),
			 kj_str(obj, "spec.storageClassName") ?: "",
			 kj_str(obj, "spec.volumeAttributesClassName") ?: "<unset>",
			 table_age_cell(obj), kj_str(obj, "spec.volumeMode") ?: "Filesystem");
}

/* ---- Endpoints, EndpointSlice ---- */

/* "ip:port,ip:port + N more...", as kubectl shortens endpoint lists. */
static void add_endpoint(struct buf *b, int *count, const char *ip, long long port, bool has_port)
{
	if ((*count)++ >= 3)
		return;
	if (has_port)
		buf_addf(b, "%s%s:%lld", b->len ? "," : "", ip, port);
	else
		buf_addf(b, "%s%s", b->len ? "," : "", ip);
}

static char *finish_endpoints(struct buf *b, int count)
{
	if (!count)
		buf_adds(b, "<none>");
	else if (count > 3)
		buf_addf(b, " + %d more...", count - 3);
	return buf_detach(b, NULL);
}

json_t *kinds_endpoints_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Endpoints", "string", "", "Endpoints is the list of endpoints.", 0 },
		AGE_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_endpoints_row(const struct api_kind *k, const json_t *obj)
{
	struct buf b = BUF_INIT;
	int count = 0;
	size_t i, j, p;
	json_t *s, *a, *port;

	json_array_foreach(json_object_get(obj, "subsets"), i, s) {
		json_t *ports = json_object_get(s, "ports");

		json_array_foreach(json_object_get(s, "addresses"), j, a) {
			if (!json_array_size(ports))
				add_endpoint(&b, &count, kj_str(a, "ip") ?: "", 0, false);
			json_array_foreach(ports, p, port)
				add_endpoint(&b, &count, kj_str(a, "ip") ?: "",
					     kj_int(port, "port", 0), true);
		}
	}
	return json_pack("[s,o,o]", table_name(obj), jstr_own(finish_endpoints(&b, count)),
			 table_age_cell(obj));
}

json_t *kinds_endpointslice_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "AddressType", "string", "", "The IP protocol for this slice", 0 },
		{ "Ports", "string", "", "The ports for this slice", 0 },
		{ "Endpoints", "string", "", "First N endpoints for this slice", 0 },
		AGE_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_endpointslice_row(const struct api_kind *k, const json_t *obj)
{
	struct buf ports = BUF_INIT, eps = BUF_INIT;
	int count = 0;
	size_t i, j;
	json_t *p, *e, *a;

	json_array_foreach(json_object_get(obj, "ports"), i, p)
		if (json_object_get(p, "port"))
			buf_addf(&ports, "%s%lld", ports.len ? "," : "", kj_int(p, "port", 0));
	if (!ports.len)
		buf_adds(&ports, "<unset>");
	json_array_foreach(json_object_get(obj, "endpoints"), i, e)
		json_array_foreach(json_object_get(e, "addresses"), j, a)
			add_endpoint(&eps, &count, json_string_value(a) ?: "", 0, false);
	return json_pack("[s,s,o,o,o]", table_name(obj), kj_str(obj, "addressType") ?: "",
			 jstr_own(buf_detach(&ports, NULL)), jstr_own(finish_endpoints(&eps, count)),
			 table_age_cell(obj));
}

/* ---- ResourceQuota ---- */

json_t *kinds_resourcequota_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL, AGE_COL,
		{ "Request", "string", "", "Request represents a minimum amount of cpu/memory that a "
		  "container may consume.", 0 },
		{ "Limit", "string", "", "Limits control the maximum amount of cpu/memory that a "
		  "container may use independent of contention on the node.", 0 },
	};

	return TABLE_COLUMNS(cols);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *kinds_resourcequota_row(const struct api_kind *k, const json_t *obj)
{
	json_t *hard = kj_get(obj, "status.hard") ?: kj_get(obj, "spec.hard");
	json_t *used = kj_get(obj, "status.used");
	size_t n = json_object_size(hard), i = 0;
	const char **keys = xcalloc(n ? n : 1, sizeof(*keys));
	struct buf req = BUF_INIT, lim = BUF_INIT;
	const char *key;
	json_t *v;

	json_object_foreach(hard, key, v)
		keys[i++] = key;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++) {
		bool is_lim = !strncmp(keys[i], "limits.", 7);
		struct buf *b = is_lim ? &lim : &req;

		buf_addf(b, "%s%s: %s/%s", b->len ? ", " : "", keys[i],
			 json_string_value(json_object_get(used, keys[i])) ?: "0",
			 json_string_value(json_object_get(hard, keys[i])) ?: "");
	}
	free(keys);
	return json_pack("[s,o,o,o]", table_name(obj), table_age_cell(obj),
			 jstr_own(buf_detach(&req, NULL)), jstr_own(buf_detach(&lim, NULL)));
}

/* ---- Lease, StorageClass, NetworkPolicy, Ingress ---- */

json_t *kinds_lease_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Holder", "string", "", "holderIdentity contains the identity of the holder of a "
		  "current lease.", 0 },
		AGE_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_lease_row(const struct api_kind *k, const json_t *obj)
{
	return json_pack("[s,s,o]", table_name(obj), kj_str(obj, "spec.holderIdentity") ?: "",
			 table_age_cell(obj));
}

json_t *kinds_storageclass_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Provisioner", "string", "", "Indicates the type of the provisioner.", 0 },
		{ "ReclaimPolicy", "string", "", "Indicates the type of the reclaim policy.", 0 },
		{ "VolumeBindingMode", "string", "", "indicates how PersistentVolumeClaims should be "
		  "provisioned and bound", 0 },
		{ "AllowVolumeExpansion", "string", "", "Indicates whether the storage class allow "
		  "volume expand", 0 },
		AGE_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_storageclass_row(const struct api_kind *k, const json_t *obj)
{
	json_t *ann = kj_get(obj, "metadata.annotations");
	const char *def = json_string_value(json_object_get(ann,
		"storageclass.kubernetes.io/is-default-class"));
	_cleanup_free_ char *name = xasprintf("%s%s", table_name(obj),
					      def && !strcmp(def, "true") ? " (default)" : "");

	return json_pack("[s,s,s,s,s,o]", name, kj_str(obj, "provisioner") ?: "",
			 kj_str(obj, "reclaimPolicy") ?: "Delete",
			 kj_str(obj, "volumeBindingMode") ?: "Immediate",
			 json_is_true(json_object_get(obj, "allowVolumeExpansion")) ? "true" : "false",
			 table_age_cell(obj));
}

json_t *kinds_networkpolicy_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Pod-Selector", "string", "", "Selects the pods to which this NetworkPolicy object "
		  "applies.", 0 },
		AGE_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_networkpolicy_row(const struct api_kind *k, const json_t *obj)
{
	return json_pack("[s,o,o]", table_name(obj),
			 jstr_own(table_selector_string(kj_get(obj, "spec.podSelector"))),
			 table_age_cell(obj));
}

json_t *kinds_ingress_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Class", "string", "", "The name of the IngressClass cluster resource.", 0 },
		{ "Hosts", "string", "", "Hosts that incoming requests are matched against before "
		  "the ingress rule", 0 },
		{ "Address", "string", "", "Address is a list containing ingress points for the "
		  "load-balancer", 0 },
		{ "Ports", "string", "", "Ports of TLS configurations that open", 0 },
		AGE_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_ingress_row(const struct api_kind *k, const json_t *obj)
{
	struct buf hosts = BUF_INIT, addr = BUF_INIT;
	size_t i;
	json_t *v;

	json_array_foreach(kj_get(obj, "spec.rules"), i, v)
		if (kj_str(v, "host"))
			buf_addf(&hosts, "%s%s", hosts.len ? "," : "", kj_str(v, "host"));
	if (!hosts.len)
		buf_adds(&hosts, "*");
	json_array_foreach(kj_get(obj, "status.loadBalancer.ingress"), i, v)
		buf_addf(&addr, "%s%s", addr.len ? "," : "",
			 kj_str(v, "ip") ?: kj_str(v, "hostname") ?: "");
	return json_pack("[s,o,o,o,s,o]", table_name(obj),
			 table_str_or_none(kj_str(obj, "spec.ingressClassName")),
			 jstr_own(buf_detach(&hosts, NULL)), jstr_own(buf_detach(&addr, NULL)),
			 json_array_size(kj_get(obj, "spec.tls")) ? "80, 443" : "80",
			 table_age_cell(obj));
}

/* ---- RBAC bindings, and kinds Kubernetes prints as NAME, CREATED AT ---- */

json_t *kinds_rolebinding_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Role", "string", "", "RoleRef references the Role or ClusterRole.", 0 },
		AGE_COL,
		{ "Users", "string", "", "Users in the roleBinding", 1 },
		{ "Groups", "string", "", "Groups in the roleBinding", 1 },
		{ "ServiceAccounts", "string", "", "ServiceAccounts in the roleBinding", 1 },
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_rolebinding_row(const struct api_kind *k, const json_t *obj)
{
	struct buf users = BUF_INIT, groups = BUF_INIT, sas = BUF_INIT;
	_cleanup_free_ char *role = xasprintf("%s/%s", kj_str(obj, "roleRef.kind") ?: "",
					      kj_str(obj, "roleRef.name") ?: "");
	size_t i;
	json_t *s;

	json_array_foreach(json_object_get(obj, "subjects"), i, s) {
		const char *kind = kj_str(s, "kind") ?: "", *name = kj_str(s, "name") ?: "";

		if (!strcmp(kind, "User"))
			buf_addf(&users, "%s%s", users.len ? ", " : "", name);
		else if (!strcmp(kind, "Group"))
			buf_addf(&groups, "%s%s", groups.len ? ", " : "", name);
		else if (!strcmp(kind, "ServiceAccount"))
			buf_addf(&sas, "%s%s:%s", sas.len ? ", " : "", kj_str(s, "namespace") ?: "",
				 name);
	}
	return json_pack("[s,s,o,o,o,o]", table_name(obj), role, table_age_cell(obj),
			 jstr_own(buf_detach(&users, NULL)), jstr_own(buf_detach(&groups, NULL)),
			 jstr_own(buf_detach(&sas, NULL)));
}

json_t *kinds_created_columns(const struct api_kind *k)
{
	return table_columns_created();
}

json_t *kinds_created_row(const struct api_kind *k, const json_t *obj)
{
	return table_row_created(obj);
}

json_t *kinds_runtimeclass_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Handler", "string", "", "The CRI handler (here: the sandbox kind) pods of this class run with.", 0 },
		AGE_COL,
	};

	(void)k;
	return TABLE_COLUMNS(cols);
}

json_t *kinds_runtimeclass_row(const struct api_kind *k, const json_t *obj)
{
	(void)k;
	return json_pack("[s,s,o]", table_name(obj), kj_str(obj, "handler") ?: "", table_age_cell(obj));
}
