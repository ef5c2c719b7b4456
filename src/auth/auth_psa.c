/* SPDX-License-Identifier: Apache-2.0 */
/* Pod Security Standards (baseline and restricted checks) and their admission by namespace labels. */
#include <stdio.h>
#include <string.h>

#include "api/server.h"
#include "auth/auth_psa.h"
#include "lib/buf.h"
#include "lib/jparse.h"
#include "lib/xalloc.h"
#include "store/store.h"

static const char *const container_lists[] = { "initContainers", "containers", "ephemeralContainers" };

/* Capabilities a baseline container may add (the container runtime's defaults). */
static const char *const baseline_caps[] = { "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
					     "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP",
					     "SETUID", "SYS_CHROOT", NULL };

static const char *const restricted_volumes[] = { "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
						  "persistentVolumeClaim", "projected", "secret", NULL };

static bool in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (!strcmp(*l, s))
			return true;
	return false;
}

/* One check's findings: "name (detail, detail)". */
struct finding {
	struct buf names; /* quoted container or volume names */
	int count;
};

static void note(struct finding *f, const char *name)
{
	buf_addf(&f->names, "%s\"%s\"", f->count++ ? ", " : "", name);
}

static void emit(struct buf *out, struct finding *f, const char *check, const char *what, const char *rest)
{
	if (f->count) {
		buf_addf(out, "%s%s (%s%s %s%s%s)", out->len ? ", " : "", check, what, f->count > 1 ? "s" : "",
			 f->names.p, *rest ? " " : "", rest);
	}
	buf_release(&f->names);
}

static const json_t *sc_get(const json_t *c, const char *key)
{
	return json_object_get(json_object_get(c, "securityContext"), key);
}

bool psa_check(const json_t *pod, enum psa_level level, char *out, size_t n)
{
	const json_t *spec = json_object_get(pod, "spec"), *psc = json_object_get(spec, "securityContext");
	struct buf b = BUF_INIT, host = BUF_INIT;
	struct finding priv = { BUF_INIT, 0 }, caps = { BUF_INIT, 0 }, ports = { BUF_INIT, 0 };
	struct finding hostpath = { BUF_INIT, 0 }, ape = { BUF_INIT, 0 }, drop = { BUF_INIT, 0 };
	struct finding nonroot = { BUF_INIT, 0 }, seccomp = { BUF_INIT, 0 }, vols = { BUF_INIT, 0 };
	size_t i, j;
	json_t *c, *v;

	if (level == PSA_PRIVILEGED)
		return true;
	static const char *const hostns[] = { "hostNetwork", "hostPID", "hostIPC" };
	for (size_t k = 0; k < 3; k++)
		if (json_is_true(json_object_get(spec, hostns[k])))
			buf_addf(&host, "%s%s=true", host.len ? ", " : "", hostns[k]);
	if (host.len)
		buf_addf(&b, "host namespaces (%s)", host.p);
	buf_release(&host);
	json_array_foreach(json_object_get(spec, "volumes"), i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		if (json_object_get(v, "hostPath"))
			note(&hostpath, name ? name : "");
	}
	const char *pod_seccomp = json_string_value(json_object_get(json_object_get(psc, "seccompProfile"), "type"));
	bool pod_nonroot = json_is_true(json_object_get(psc, "runAsNonRoot"));
	for (size_t l = 0; l < 3; l++) {
		json_array_foreach(json_object_get(spec, container_lists[l]), i, c) {
			const char *name = json_string_value(json_object_get(c, "name"));
			if (!name)
				name = "";
			if (json_is_true(sc_get(c, "privileged")))
				note(&priv, name);
			bool bad_cap = false;
			json_array_foreach(json_object_get(sc_get(c, "capabilities"), "add"), j, v) {
				const char *cap = json_string_value(v);
				if (cap && (level == PSA_RESTRICTED ? strcmp(cap, "NET_BIND_SERVICE") != 0
								    : !in_list(baseline_caps, cap)))
					bad_cap = true;
			}
			if (bad_cap)
				note(&caps, name);
			json_array_foreach(json_object_get(c, "ports"), j, v)
				if (json_integer_value(json_object_get(v, "hostPort")) != 0) {
					note(&ports, name);
					break;
				}
			if (level != PSA_RESTRICTED)
				continue;
			if (!json_is_false(sc_get(c, "allowPrivilegeEscalation")))
				note(&ape, name);
			bool drops_all = false;
			json_array_foreach(json_object_get(sc_get(c, "capabilities"), "drop"), j, v)
				if (json_string_value(v) && !strcmp(json_string_value(v), "ALL"))
					drops_all = true;
			if (!drops_all)
				note(&drop, name);
			const json_t *cnr = sc_get(c, "runAsNonRoot");
			if (json_is_false(cnr) || (!pod_nonroot && !json_is_true(cnr)))
				note(&nonroot, name);
			const char *cs = json_string_value(json_object_get(sc_get(c, "seccompProfile"), "type"));
			const char *eff = cs ? cs : pod_seccomp;
			if (!eff || (strcmp(eff, "RuntimeDefault") && strcmp(eff, "Localhost")))
				note(&seccomp, name);
		}
	}
	emit(&b, &priv, "privileged", "container", "must not set securityContext.privileged=true");
	emit(&b, &caps, level == PSA_RESTRICTED ? "unrestricted capabilities" : "non-default capabilities",
	     "container", level == PSA_RESTRICTED ? "must not include capabilities beyond NET_BIND_SERVICE in "
						   "securityContext.capabilities.add"
						 : "must not include non-default capabilities in "
						   "securityContext.capabilities.add");
	emit(&b, &hostpath, "hostPath volumes", "volume", "");
	emit(&b, &ports, "hostPort", "container", "uses hostPort");
	if (level == PSA_RESTRICTED) {
		json_array_foreach(json_object_get(spec, "volumes"), i, v) {
			const char *key;
			json_t *val;
			json_object_foreach(v, key, val)
				if (strcmp(key, "name") && !in_list(restricted_volumes, key) && strcmp(key, "hostPath")) {
					const char *name = json_string_value(json_object_get(v, "name"));
					note(&vols, name ? name : "");
				}
		}
		emit(&b, &vols, "restricted volume types", "volume", "uses a restricted volume type");
		emit(&b, &ape, "allowPrivilegeEscalation != false", "container",
		     "must set securityContext.allowPrivilegeEscalation=false");
		emit(&b, &drop, "unrestricted capabilities", "container", "must set securityContext.capabilities.drop=[\"ALL\"]");
		emit(&b, &nonroot, "runAsNonRoot != true", "pod or container",
		     "must set securityContext.runAsNonRoot=true");
		emit(&b, &seccomp, "seccompProfile", "pod or container",
		     "must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
	} else {
		buf_release(&vols.names);
		buf_release(&ape.names);
		buf_release(&drop.names);
		buf_release(&nonroot.names);
		buf_release(&seccomp.names);
	}
	bool ok = b.len == 0;
	snprintf(out, n, "%s", b.p ? b.p : "");
	buf_release(&b);
	return ok;
}

static int level_of(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "privileged"))
		return PSA_PRIVILEGED;
	if (!strcmp(s, "baseline"))
		return PSA_BASELINE;
	if (!strcmp(s, "restricted"))
		return PSA_RESTRICTED;
	return -1;
}

bool psa_admit(struct api_req *r, const char *ns, const json_t *pod, char *why, size_t n)
{
	struct atoll_err err = ERR_INIT;
	struct store_kv kv = { 0 };
	_cleanup_free_ char *key = xasprintf("core/namespaces//%s", ns);

	if (!ns || !*ns || !pod || store_get(r->srv->store, key, &kv, &err) < 0)
		return true;
	json_t *nsobj = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
	store_kv_release(&kv);
	const json_t *labels = json_object_get(json_object_get(nsobj, "metadata"), "labels");
	int enforce = level_of(json_string_value(json_object_get(labels, "pod-security.kubernetes.io/enforce")));
	int warn = level_of(json_string_value(json_object_get(labels, "pod-security.kubernetes.io/warn")));
	int audit = level_of(json_string_value(json_object_get(labels, "pod-security.kubernetes.io/audit")));
	const char *av = json_string_value(json_object_get(labels, "pod-security.kubernetes.io/audit"));
	const char *ev = json_string_value(json_object_get(labels, "pod-security.kubernetes.io/enforce"));
	const char *wv = json_string_value(json_object_get(labels, "pod-security.kubernetes.io/warn"));
	const char *name = json_string_value(json_object_get(json_object_get(pod, "metadata"), "name"));
	char v[1024];
	bool ok = true;

	if (warn > PSA_PRIVILEGED && !psa_check(pod, (enum psa_level)warn, v, sizeof(v)) && !(enforce >= warn))
		req_warn(r, "would violate PodSecurity \"%s:latest\": %s", wv, v);
	if (audit > PSA_PRIVILEGED && !psa_check(pod, (enum psa_level)audit, v, sizeof(v)))
		snprintf(r->audit_note, sizeof(r->audit_note), "%.20s:latest: %.480s", av, v);
	if (enforce > PSA_PRIVILEGED && !psa_check(pod, (enum psa_level)enforce, v, sizeof(v))) {
		snprintf(why, n, "pods \"%s\" is forbidden: violates PodSecurity \"%s:latest\": %s", name ? name : "",
			 ev, v);
		ok = false;
	}
	json_decref(nsobj);
	return ok;
}
