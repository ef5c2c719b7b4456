/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `atoll namespace create NAME`: a team's namespace in one step (the
 * Namespace, a ResourceQuota, a LimitRange and RoleBindings to admin, edit
 * and view), created through the API with the admin token.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "agent/client.h"
#include "api/pki.h"
#include "auth/auth.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

/* POST obj (borrowed) to path; 409 counts as done. Returns 0, or -1 after printing why. */
static int post(struct kclient *cl, const char *path, const json_t *obj, const char *what)
{
	struct atoll_err err = ERR_INIT;
	json_t *st = NULL;
	int code = kclient_do(cl, "POST", path, NULL, obj, &st, &err);
	int ret = 0;

	if (code < 0) {
		fprintf(stderr, "atoll namespace: %s\n", err.msg);
		ret = -1;
	} else if (code == 409) {
		printf("%s unchanged (already exists)\n", what);
	} else if (code / 100 != 2) {
		const char *msg = json_string_value(json_object_get(st, "message"));
		fprintf(stderr, "atoll namespace: creating %s: %d %s\n", what, code, msg ? msg : "");
		ret = -1;
	} else {
		printf("%s created\n", what);
	}
	json_decref(st);
	return ret;
}

static json_t *binding(const char *ns, const char *prefix, const char *role, const char *user)
{
	char name[300];

	snprintf(name, sizeof(name), "%s-%s", prefix, user);
	return json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s,s:s},s:[{s:s,s:s,s:s}]}", "apiVersion",
			 "rbac.authorization.k8s.io/v1", "kind", "RoleBinding", "metadata", "name", name,
			 "namespace", ns, "roleRef", "apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole",
			 "name", role, "subjects", "apiGroup", "rbac.authorization.k8s.io", "kind", "User", "name",
			 user);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: atoll namespace create NAME [--cpu N] [--memory Q] [--storage Q] [--pods N]\n"
		   "            [--owner U]... [--editor U]... [--viewer U]... [--pod-security LEVEL]\n"
		   "            [--storage-class SC]... [--allow-from-other-namespaces]\n"
		   "            [--data-dir DIR] [--server URL]\n"
		   "  Owners get the admin role in NAME, editors edit, viewers view. The quota bounds\n"
		   "  requests and limits of cpu and memory, storage requests and the pod count.\n"
		   "  With --storage-class, claims may name only those StorageClasses. A NetworkPolicy\n"
		   "  admits traffic from the namespace's own pods only, unless --allow-from-other-namespaces.\n");
}

int cmd_namespace(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpu", required_argument, NULL, 'c' },     { "memory", required_argument, NULL, 'm' },
		{ "storage", required_argument, NULL, 'S' }, { "pods", required_argument, NULL, 'p' },
		{ "owner", required_argument, NULL, 'O' },   { "editor", required_argument, NULL, 'E' },
		{ "viewer", required_argument, NULL, 'V' },  { "pod-security", required_argument, NULL, 'P' },
		{ "data-dir", required_argument, NULL, 'd' }, { "server", required_argument, NULL, 's' },
		{ "storage-class", required_argument, NULL, 'C' },
		{ "allow-from-other-namespaces", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	const char *cpu = NULL, *mem = NULL, *storage = NULL, *pods = NULL, *psa = "baseline";
	const char *data_dir = "/var/lib/atoll", *server = NULL;
	const char *users[3][16];
	int nu[3] = { 0 }, c;
	struct buf classes = BUF_INIT;
	bool isolate = true;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cpu = optarg; break;
		case 'm': mem = optarg; break;
		case 'S': storage = optarg; break;
		case 'p': pods = optarg; break;
		case 'O': if (nu[0] < 16) users[0][nu[0]++] = optarg; break;
		case 'E': if (nu[1] < 16) users[1][nu[1]++] = optarg; break;
		case 'V': if (nu[2] < 16) users[2][nu[2]++] = optarg; break;
		case 'P': psa = optarg; break;
		case 'A': isolate = false; break;
		case 'C': buf_addf(&classes, "%s%s", classes.len ? "," : "", optarg); break;
		case 'd': data_dir = optarg; break;
		case 's': server = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 2 != argc || strcmp(argv[optind], "create")) {
		buf_release(&classes);
		usage(stderr);
		return 2;
	}
	const char *ns = argv[optind + 1];
	_cleanup_free_ char *url = server ? xstrdup(server) : auth_server_url(data_dir);
	_cleanup_free_ char *tok_path = xasprintf("%s/pki/admin.token", data_dir);
	_cleanup_free_ char *token = file_read(tok_path, NULL);
	_cleanup_free_ char *ca_path = xasprintf("%s/pki/ca.crt", data_dir);
	if (!url || !token) {
		fprintf(stderr, "atoll namespace: need %s/kubeconfig and %s (or --server)\n", data_dir, tok_path);
		buf_release(&classes);
		return 1;
	}
	token[strcspn(token, "\r\n")] = '\0';
	struct kclient cl;
	kclient_init(&cl, url, token, ca_path);
	int rc = 0;
	char path[400], what[400];

	json_t *o = json_pack("{s:s,s:s,s:{s:s,s:{s:s,s:s,s:s}}}", "apiVersion", "v1", "kind", "Namespace",
			      "metadata", "name", ns, "labels", "pod-security.kubernetes.io/enforce", psa,
			      "pod-security.kubernetes.io/warn", psa, "atoll.dev/tenant", "true");
	if (classes.len)
		json_object_set_new(json_object_get(o, "metadata"), "annotations",
				    json_pack("{s:s}", "atoll.dev/storage-classes", classes.p));
	buf_release(&classes);
	snprintf(what, sizeof(what), "namespace/%s", ns);
	rc |= post(&cl, "/api/v1/namespaces", o, what);
	json_decref(o);
	if (rc)
		goto out;
	json_t *hard = json_object();
	if (cpu) {
		json_object_set_new(hard, "requests.cpu", json_string(cpu));
		json_object_set_new(hard, "limits.cpu", json_string(cpu));
	}
	if (mem) {
		json_object_set_new(hard, "requests.memory", json_string(mem));
		json_object_set_new(hard, "limits.memory", json_string(mem));
	}
	if (storage)
		json_object_set_new(hard, "requests.storage", json_string(storage));
	if (pods)
		json_object_set_new(hard, "pods", json_string(pods));
	if (json_object_size(hard)) {
		o = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:O}}", "apiVersion", "v1", "kind", "ResourceQuota",
			      "metadata", "name", "quota", "namespace", ns, "spec", "hard", hard);
		snprintf(path, sizeof(path), "/api/v1/namespaces/%s/resourcequotas", ns);
		rc |= post(&cl, path, o, "resourcequota/quota");
		json_decref(o);
	}
	json_decref(hard);
	/* Defaults so pods without resources still fit a cpu/memory quota. */
	o = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:[{s:s,s:{s:s,s:s},s:{s:s,s:s}}]}}", "apiVersion", "v1", "kind",
		      "LimitRange", "metadata", "name", "defaults", "namespace", ns, "spec", "limits", "type",
		      "Container", "default", "cpu", "500m", "memory", "512Mi", "defaultRequest", "cpu", "100m",
		      "memory", "128Mi");
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/limitranges", ns);
	rc |= post(&cl, path, o, "limitrange/defaults");
	json_decref(o);
	/* Default isolation: pods take traffic from their own namespace only. */
	if (isolate) {
		o = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:{},s:[s],s:[{s:[{s:{}}]}]}}", "apiVersion",
			      "networking.k8s.io/v1", "kind", "NetworkPolicy", "metadata", "name",
			      "allow-same-namespace", "namespace", ns, "spec", "podSelector", "policyTypes",
			      "Ingress", "ingress", "from", "podSelector");
		snprintf(path, sizeof(path), "/apis/networking.k8s.io/v1/namespaces/%s/networkpolicies", ns);
		rc |= post(&cl, path, o, "networkpolicy/allow-same-namespace");
		json_decref(o);
	}
	static const char *const prefix[] = { "owner", "editor", "viewer" };
	static const char *const role[] = { "admin", "edit", "view" };
	snprintf(path, sizeof(path), "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/rolebindings", ns);
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < nu[k]; i++) {
			o = binding(ns, prefix[k], role[k], users[k][i]);
			snprintf(what, sizeof(what), "rolebinding/%s-%s (%s)", prefix[k], users[k][i], role[k]);
			rc |= post(&cl, path, o, what);
			json_decref(o);
		}
out:
	kclient_release(&cl);
	return rc ? 1 : 0;
}
