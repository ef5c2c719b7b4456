/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Node registration and heartbeats: the Node object with capacity, addresses,
 * conditions and nodeInfo, and a Lease in kube-node-lease renewed every 10 s,
 * as the kubelet does.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/client.h"
#include "agent/netsvc.h"
#include "agent/pods.h"
#include "agent/rundir.h"
#include "agent/stream.h"
#include "cmds.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "net/net.h"
#include "net/proxy.h"
#include "sandbox/sandbox.h"

#define LEASE_SECONDS 40
#define RENEW_SECONDS 10

/* Tests shorten the lease period with ATOLL_LEASE_RENEW_SECONDS (with the server's node grace). */
static unsigned renew_seconds(void)
{
	const char *e = getenv("ATOLL_LEASE_RENEW_SECONDS");
	int v = e ? atoi(e) : 0;
	return v > 0 && v <= RENEW_SECONDS ? (unsigned)v : RENEW_SECONDS;
}

struct agent {
	struct kclient kc;
	char node[256];
	char ip[64];
	char now_started[40];
	char *data_dir;
	char *run_dir; /* DATA/run resolved (agent/rundir.h) */
	char *dns_listen; /* NULL: none */
	bool registered;
	int stream_port;     /* the streaming server's, published as the kubelet endpoint */
	bool pod_network;
	char max_pods[16];   /* capacity.pods */
};

void agent_node_name(const struct agent_opts *o, char *out, size_t n)
{
	char host[256] = "localhost";

	if (o->node_name && *o->node_name) {
		snprintf(out, n, "%s", o->node_name);
		return;
	}
	gethostname(host, sizeof(host) - 1);
	/* Node names are DNS subdomains: lower case. */
	for (char *p = host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(out, n, "%s", host);
}

static void now_rfc3339(char *out, size_t n, bool micro)
{
	struct timeval tv;
	struct tm tm;
	char base[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	if (micro)
		snprintf(out, n, "%s.%06ldZ", base, (long)tv.tv_usec);
	else
		snprintf(out, n, "%sZ", base);
}

/*
 * The first non-loopback IPv4 address, as the node's InternalIP, unless
 * --node-ip says otherwise or the streaming server listens on a specific
 * address: the API server contacts InternalIP for exec, attach,
 * port-forward and logs (docs/streaming.md).
 */
void agent_host_ip(char *out, size_t n)
{
	struct ifaddrs *ifs, *i;

	snprintf(out, n, "127.0.0.1");
	if (getifaddrs(&ifs) < 0)
		return;
	for (i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		struct in_addr a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		/* Nor the pod bridge's gateway, which every node has. */
		if ((ntohl(a.s_addr) >> 24) == 127 || !strcmp(i->ifa_name, NET_BRIDGE))
			continue;
		inet_ntop(AF_INET, &a, out, (socklen_t)n);
		break;
	}
	freeifaddrs(ifs);
}

static json_t *node_status(struct agent *a)
{
	struct sysinfo si;
	struct utsname u;
	char now[40], cpu[24], mem[32], alloc_mem[32];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	sysinfo(&si);
	uname(&u);
	now_rfc3339(now, sizeof(now), false);
	unsigned long long kib = (unsigned long long)si.totalram * si.mem_unit / 1024;
	snprintf(cpu, sizeof(cpu), "%ld", ncpu > 0 ? ncpu : 1);
	snprintf(mem, sizeof(mem), "%lluKi", kib);
	/* Keep 256 MiB back for the host and Atoll itself. */
	snprintf(alloc_mem, sizeof(alloc_mem), "%lluKi", kib > 262144 ? kib - 262144 : kib);
	json_t *cond = json_array();
	const char *types[] = { "MemoryPressure", "DiskPressure", "PIDPressure", "Ready" };
	const char *reasons[] = { "KubeletHasSufficientMemory", "KubeletHasNoDiskPressure",
				  "KubeletHasSufficientPID", "KubeletReady" };
	const char *msgs[] = { "atoll agent has sufficient memory available",
			       "atoll agent has no disk pressure", "atoll agent has sufficient PID available",
			       "atoll agent is posting ready status" };
	for (int i = 0; i < 4; i++)
		json_array_append_new(cond, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", types[i], "status",
						      i == 3 ? "True" : "False", "lastHeartbeatTime", now,
						      "lastTransitionTime", a->now_started, "reason", reasons[i],
						      "message", msgs[i]));
	return json_pack("{s:{s:s,s:s,s:s,s:s},s:{s:s,s:s,s:s,s:s},s:o,s:[{s:s,s:s},{s:s,s:s}],"
			 "s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s},s:{s:{s:i}}}",
			 "capacity", "cpu", cpu, "memory", mem, "pods", a->max_pods, "ephemeral-storage", "100Gi",
			 "allocatable", "cpu", cpu, "memory", alloc_mem, "pods", a->max_pods, "ephemeral-storage", "95Gi",
			 "conditions", cond,
			 "addresses", "type", "InternalIP", "address", a->ip, "type", "Hostname", "address", a->node,
			 "nodeInfo", "kubeletVersion", "v1.32.0-atoll." ATOLL_VERSION, "kubeProxyVersion", "",
			 "containerRuntimeVersion", "atoll://" ATOLL_VERSION, "kernelVersion", u.release,
			 "osImage", "Linux", "operatingSystem", "linux", "architecture", "amd64",
			 "machineID", "",
			 "daemonEndpoints", "kubeletEndpoint", "Port", a->stream_port > 0 ? a->stream_port : 0);
}

static int register_node(struct agent *a, struct atoll_err *err)
{
	_cleanup_free_ char *path = xasprintf("/api/v1/nodes/%s", a->node);
	json_t *cur = NULL;
	int code = kclient_do(&a->kc, "GET", path, NULL, NULL, &cur, err);

	if (code < 0)
		return -1;
	if (code == 404) {
		json_decref(cur);
		json_t *node = json_pack("{s:s,s:s,s:{s:s,s:{s:s,s:s,s:s,s:s}},s:{},s:o}", "apiVersion", "v1",
					 "kind", "Node", "metadata", "name", a->node, "labels",
					 "kubernetes.io/hostname", a->node, "kubernetes.io/os", "linux",
					 "kubernetes.io/arch", "amd64", "atoll.dev/isolation",
					 agent_node_vm() ? "vm" : "namespace", "spec", "status", node_status(a));
		/* The RuntimeClass atoll-vm selects nodes with this label. */
		if (agent_node_vm())
			json_object_set_new(json_object_get(json_object_get(node, "metadata"), "labels"),
					    "atoll.dev/runtime-vm", json_string("true"));
		code = kclient_do(&a->kc, "POST", "/api/v1/nodes", NULL, node, NULL, err);
		json_decref(node);
		if (code == 201 || code == 409)
			return 0;
		return code < 0 ? -1 : err_set(err, code, "Failed", "registering node %s: HTTP %d", a->node, code);
	}
	json_decref(cur);
	if (code != 200)
		return err_set(err, code, "Failed", "reading node %s: HTTP %d", a->node, code);
	return 0;
}

static void heartbeat(struct agent *a)
{
	struct atoll_err err = ERR_INIT;
	char now[40];
	_cleanup_free_ char *npath = xasprintf("/api/v1/nodes/%s/status", a->node);
	_cleanup_free_ char *lpath = xasprintf("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s",
					       a->node);

	json_t *st = json_pack("{s:o}", "status", node_status(a));
	int code = kclient_do(&a->kc, "PATCH", npath, "application/merge-patch+json", st, NULL, &err);
	json_decref(st);
	if (code == 404)
		register_node(a, &err);
	now_rfc3339(now, sizeof(now), true);
	json_t *lease = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:i,s:s}}", "apiVersion", "coordination.k8s.io/v1",
				  "kind", "Lease", "metadata", "name", a->node, "namespace", "kube-node-lease",
				  "spec", "holderIdentity", a->node, "leaseDurationSeconds", LEASE_SECONDS,
				  "renewTime", now);
	_cleanup_free_ char *apply = xasprintf("%s?fieldManager=atoll-agent&force=true", lpath);
	code = kclient_do(&a->kc, "PATCH", apply, "application/apply-patch+yaml", lease, NULL, &err);
	json_decref(lease);
	if (code < 0 || code >= 300)
		log_warn("agent", "renewing lease of %s: %s", a->node, code < 0 ? err.msg : "refused");
}

static void *run(void *arg)
{
	struct agent *a = arg;

	for (int tries = 0; !a->registered; tries++) {
		struct atoll_err err = ERR_INIT;
		if (register_node(a, &err) == 0) {
			a->registered = true;
			log_info("agent", "node %s registered", a->node);
		} else {
			if (tries % 30 == 0)
				log_warn("agent", "registering node %s: %s; retrying", a->node, err.msg);
			sleep(1);
		}
	}
	/* Made once registered, so that an agent the server refuses leaves nothing behind. */
	for (int tries = 0; !a->run_dir; tries++) {
		struct atoll_err err = ERR_INIT;
		if (!(a->run_dir = agent_run_dir(a->data_dir, &err))) {
			if (tries % 30 == 0)
				log_error("agent", "%s; retrying", err.msg);
			sleep(1);
		}
	}
	if (a->pod_network)
		net_agent_start(&a->kc, a->node, a->run_dir);
	pods_start(&a->kc, a->node, a->data_dir, a->run_dir, a->ip, a->pod_network);
	const char *dns[1] = { a->dns_listen };
	agent_dns_start(&a->kc, a->node, dns, a->dns_listen ? 1 : 0);
	agent_netpol_start(&a->kc, a->node);
	for (;;) {
		heartbeat(a);
		sleep(renew_seconds());
	}
	return NULL;
}

static bool stop_pods_on_exit;
static char *exit_data_dir; /* the data dir whose runtime directory goes with the pods */

bool agent_node_vm(void)
{
	const char *t = getenv("ATOLL_NODE_VM");

	return sandbox_hw_virt() || (t && !strcmp(t, "1"));
}

void agent_exit(void)
{
	if (!stop_pods_on_exit)
		return;
	pods_stop_all(8);
	if (exit_data_dir)
		agent_run_dir_remove(exit_data_dir);
}

int agent_start(const struct agent_opts *o, struct atoll_err *err)
{
	struct agent *a = xcalloc(1, sizeof(*a)); /* lives as long as the process */
	pthread_t t;

	kclient_init(&a->kc, o->server, o->token, o->ca_file);
	stop_pods_on_exit = o->stop_pods_on_exit;
	a->pod_network = o->pod_network;
	pods_guest_kernel(o->guest_kernel);
	snprintf(a->max_pods, sizeof(a->max_pods), "%d", o->max_pods > 0 ? o->max_pods : 110);
	a->data_dir = xstrdup(o->data_dir ? o->data_dir : "/var/lib/atoll");
	if (stop_pods_on_exit)
		exit_data_dir = xstrdup(a->data_dir); /* lives as long as the process */
	a->dns_listen = o->dns_listen ? xstrdup(o->dns_listen) : NULL;
	agent_node_name(o, a->node, sizeof(a->node));
	if (o->node_ip && *o->node_ip)
		snprintf(a->ip, sizeof(a->ip), "%s", o->node_ip);
	else
		agent_host_ip(a->ip, sizeof(a->ip));
	now_rfc3339(a->now_started, sizeof(a->now_started), false);
	if (o->stream_port >= 0) {
		/* Listening before registering, so the Node says where from the start. */
		const char *addr = o->stream_address && *o->stream_address ? o->stream_address : "0.0.0.0";
		struct stream_opts so = { .address = addr, .port = o->stream_port, .kc = &a->kc,
					  .node = a->node, .data_dir = a->data_dir };
		struct atoll_err serr = ERR_INIT;
		a->stream_port = stream_start(&so, &serr);
		/* Pods run without it: only exec, attach, port-forward and remote logs need it. */
		if (a->stream_port < 0)
			log_error("agent", "%s: exec, attach, port-forward and logs will not reach this node",
				  serr.msg);
		else if (strcmp(addr, "0.0.0.0") && !(o->node_ip && *o->node_ip))
			snprintf(a->ip, sizeof(a->ip), "%s", addr);
	}
	if (!o->async) {
		if (register_node(a, err) < 0) {
			kclient_release(&a->kc);
			free(a->data_dir);
			free(a->dns_listen);
			free(a);
			return -1;
		}
		a->registered = true;
		log_info("agent", "node %s registered", a->node);
	}
	pthread_create(&t, NULL, run, a);
	pthread_detach(t);
	return 0;
}
