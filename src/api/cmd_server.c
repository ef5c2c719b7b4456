/* SPDX-License-Identifier: Apache-2.0 */
/* atoll server: flags, data dir, PKI, store, HTTP, controllers; runs until SIGINT/SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"
#include "api/bootstrap.h"
#include "api/crd.h"
#include "api/pki.h"
#include "api/server.h"
#include "api/watch.h"
#include "auth/auth_audit.h"
#include "auth/auth_quota.h"
#include "auth/auth_sa_admit.h"
#include "cmds.h"
#include "lib/serverlibs.h"
#include "registry/registry.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "net/net.h"
#include "store/crypt.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: atoll server [options]\n"
		"\n"
		"Runs the Atoll control plane: a Kubernetes API server on HTTPS with its\n"
		"embedded store (and, unless --no-node, a local node agent).\n"
		"\n"
		"  --data-dir DIR       state directory (default /var/lib/atoll)\n"
		"  --listen HOST:PORT   address to serve on (default 127.0.0.1:6443; port 0 picks one)\n"
		"  --store sqlite|etcd  storage backend (default sqlite)\n"
		"  --no-node            run the control plane only\n"
		"  --node-name NAME     name of the local node (default: the host name)\n"
		"  --dns-listen IP:PORT also serve cluster DNS there (tests: a loopback port)\n"
		"  --node-stream-port N the local node's streaming port (exec, attach, port-forward,\n"
		"                       logs) on the --listen address (default 0: any free port)\n"
		"  --node-ip IP         the local node's InternalIP (default: first non-loopback IPv4)\n"
		"  --max-pods N         how many pods the local node takes (default 110, as the kubelet)\n"
		"  --stop-pods-on-exit  the local node stops its pods when the server exits (tests)\n"
		"  --pod-network        the local node gives pods the pod network (bridge, routes,\n"
		"                       nftables service rules); changes this host's network\n"
		"  --guest-kernel PATH  kernel of the local node's VM pods (default: make guest-kernel's)\n"
		"  --lb-pool CIDR       LoadBalancer IPs (default " NET_LB_POOL ")\n"
		"  --event-history N    revisions of events kept for watches (default 100000)\n"
		"  --max-requests-inflight N  requests served at once before 429 (default 400)\n"
		"  --audit-log PATH     append one JSON line per request to PATH\n"
		"  --encrypt-resources LIST  resources stored encrypted (AES-GCM, key ring\n"
		"                       DIR/encryption-keys), e.g. secrets,configmaps (default\n"
		"                       secrets; none for none); see `atoll encryption`\n"
		"  -v, --verbose        debug logging\n"
		"  -h, --help           this help\n");
}

static int mkdir_p(const char *dir)
{
	char tmp[4096];

	if (strlen(dir) >= sizeof(tmp))
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int cmd_server(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data-dir", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "store", required_argument, NULL, 's' },
		{ "no-node", no_argument, NULL, 'N' },
		{ "lb-pool", required_argument, NULL, 'L' },
		{ "node-name", required_argument, NULL, 'n' },
		{ "dns-listen", required_argument, NULL, 'D' },
		{ "node-stream-port", required_argument, NULL, 'T' },
		{ "node-ip", required_argument, NULL, 'I' },
		{ "max-pods", required_argument, NULL, 'X' },
		{ "stop-pods-on-exit", no_argument, NULL, 'S' },
		{ "pod-network", no_argument, NULL, 'P' },
		{ "guest-kernel", required_argument, NULL, 'K' },
		{ "event-history", required_argument, NULL, 'E' },
		{ "max-requests-inflight", required_argument, NULL, 'M' },
		{ "audit-log", required_argument, NULL, 'A' },
		{ "encrypt-resources", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct api_server srv = { 0 };
	struct atoll_err err = ERR_INIT;
	const char *data_dir = "/var/lib/atoll", *listen = "127.0.0.1:6443", *backend = "sqlite";
	bool no_node = false, stop_pods = false, pod_network = false;
	int max_pods = 0;
	const char *node_name = NULL, *node_ip = NULL, *dns_listen = NULL, *guest_kernel = NULL;
	const char *enc_resources = CRYPT_DEFAULT_RESOURCES;
	int node_stream_port = 0;
	long long event_history = 0;
	int c;

	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data_dir = optarg; break;
		case 'l': listen = optarg; break;
		case 's': backend = optarg; break;
		case 'N': no_node = true; break;
		case 'L': ctl_lbip_pool(optarg); break;
		case 'n': node_name = optarg; break;
		case 'D': dns_listen = optarg; break;
		case 'T': node_stream_port = atoi(optarg); break;
		case 'I': node_ip = optarg; break;
		case 'X': max_pods = atoi(optarg); break;
		case 'S': stop_pods = true; break;
		case 'P': pod_network = true; break;
		case 'K': guest_kernel = optarg; break;
		case 'E': event_history = atoll(optarg); break;
		case 'M': srv.max_inflight = atoi(optarg); break;
		case 'A':
			if (audit_open(optarg) < 0)
				die("--audit-log %s: cannot open", optarg);
			break;
		case 'R': enc_resources = optarg; break;
		case 'v': log_level_max = LOG_DEBUG; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (srv.max_inflight <= 0)
		srv.max_inflight = API_MAX_INFLIGHT;
	if (optind < argc) {
		fprintf(stderr, "atoll server: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (strcmp(backend, "sqlite"))
		die("--store %s: only the sqlite backend is available in this build", backend);
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen)
		die("--listen %s: expected HOST:PORT", listen);
	srv.listen_host = xstrndup(listen, (size_t)(colon - listen));
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		die("--listen %s: bad port", listen);
	srv.port = (int)port;
	int rc = mkdir_p(data_dir);
	if (rc < 0)
		die("cannot create %s: %s", data_dir, strerror(-rc));
	srv.data_dir = xstrdup(data_dir);
	clock_gettime(CLOCK_MONOTONIC, &srv.started);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * SIGHUP reloads the encryption key ring, SIGINT/SIGTERM stop us (the
	 * sigwait at the end): blocked before any thread starts, so that none of
	 * them is killed by one instead of the orderly shutdown.
	 */
	sigset_t hup;
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	sigaddset(&hup, SIGINT);
	sigaddset(&hup, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &hup, NULL);
	/* Many HTTP threads: without a cap each keeps a malloc arena of freed memory. */
	mallopt(M_ARENA_MAX, 2);
	/* Every watch is a connection: allow as many descriptors as the hard limit does. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	if (serverlibs_load(&err) < 0)
		die("%s", err.msg);
	struct pki pki;
	if (pki_load(data_dir, srv.listen_host, &pki, &err) < 0)
		die("%s", err.msg);
	srv.ca_pem = pki.ca_pem;
	srv.cert_pem = pki.cert_pem;
	srv.key_pem = pki.key_pem;
	srv.admin_token = pki.admin_token;

	_cleanup_free_ char *db = xasprintf("%s/store.db", data_dir);
	/* The key ring is made on first start; the store seals and unseals with it. */
	struct store_crypt *rings[16] = { xcalloc(1, sizeof(struct store_crypt)) };
	size_t nrings = 1;
	if (crypt_ring_setup(rings[0], data_dir, true, &err) < 0 ||
	    crypt_set_resources(rings[0], enc_resources, &err) < 0)
		die("encryption: %s", err.msg);
	struct store_opts so = { .path = db, .log_keep = event_history, .crypt = rings[0] };
	srv.store = store_open(&so, &err);
	if (!srv.store)
		die("store: %s", err.msg);
	if (bootstrap_objects(srv.store, &err) < 0)
		die("bootstrap: %s", err.msg);
	if (crd_load_all(srv.store, &err) < 0)
		die("loading CRDs: %s", err.msg);
	char rerr[256];
	if (registry_init(&srv, rerr, sizeof(rerr)) < 0)
		die("registry: %s", rerr);
	if (!no_node) {
		/* Pods of the embedded node have their logs here: read without the node's server. */
		struct agent_opts named = { .node_name = node_name };
		char nn[256];
		agent_node_name(&named, nn, sizeof(nn));
		srv.local_node = xstrdup(nn);
	}
	if (http_start(&srv, &err) < 0)
		die("%s", err.msg);
	/*
	 * Pods reach the API through the "kubernetes" Service: its endpoint is
	 * where we listen, unless that is loopback, which pods cannot reach.
	 */
	char adv[64] = "";
	struct in_addr la;
	if (!strcmp(srv.listen_host, "0.0.0.0") || !*srv.listen_host)
		snprintf(adv, sizeof(adv), "%s", node_ip ? node_ip : "");
	else if (inet_pton(AF_INET, srv.listen_host, &la) == 1 && (ntohl(la.s_addr) >> 24) != 127)
		snprintf(adv, sizeof(adv), "%s", srv.listen_host);
	if (!*adv && (!strcmp(srv.listen_host, "0.0.0.0") || !*srv.listen_host))
		agent_host_ip(adv, sizeof(adv));
	if (!strncmp(adv, "127.", 4))
		adv[0] = '\0';
	if (bootstrap_api_endpoints(srv.store, *adv ? adv : NULL, srv.port, &err) < 0)
		log_warn("server", "endpoints of the kubernetes Service: %s", err.msg);
	watch_ticker_start();
	/* Objects controllers create pass LimitRanges and quotas like API creates. */
	ctl_set_admission(auth_admit_internal);
	ctl_serviceaccount_ca(pki.ca_pem);
	controllers_start(srv.store);

	char url[300];
	/* A wildcard listener is reached locally on loopback (the kubeconfig and our own node use it). */
	snprintf(url, sizeof(url), "https://%s:%d", strcmp(srv.listen_host, "0.0.0.0") && *srv.listen_host ? srv.listen_host : "127.0.0.1", srv.port);
	_cleanup_free_ char *kc = xasprintf("%s/kubeconfig", data_dir);
	if (pki_write_kubeconfig(kc, url, &pki, &err) < 0)
		die("%s", err.msg);
	srv.ready = true;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (double)(now.tv_sec - srv.started.tv_sec) * 1e3 +
		    (double)(now.tv_nsec - srv.started.tv_nsec) / 1e6;
	log_info("server", "serving on %s (ready in %.1f ms)", url, ms);
	printf("Atoll API server is ready at %s\n"
	       "Point kubectl at it with:\n"
	       "  export KUBECONFIG=%s\n"
	       "  kubectl get namespaces\n",
	       url, kc);
	fflush(stdout);
	if (!no_node) {
		/* The embedded agent talks to this server like any other node would. */
		_cleanup_free_ char *ca = xasprintf("%s/pki/ca.crt", data_dir);
		_cleanup_free_ char *local = xasprintf("https://127.0.0.1:%d", srv.port);
		struct agent_opts ao = { .server = local, .token = srv.admin_token, .ca_file = ca,
					 .node_name = node_name, .node_ip = node_ip, .data_dir = data_dir, .async = true,
					 .max_pods = max_pods,
					 /* The node's address when given (and we do not listen on all). */
					 .stream_address = node_ip && strcmp(srv.listen_host, "0.0.0.0") ? node_ip
									  : srv.listen_host,
					 .stream_port = node_stream_port,
					 .dns_listen = dns_listen, .stop_pods_on_exit = stop_pods,
					 .pod_network = pod_network, .guest_kernel = guest_kernel };
		if (agent_start(&ao, &err) < 0)
			log_error("agent", "the local node did not register: %s", err.msg);
	}

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	int sig;
	/* SIGHUP: read the key ring again (after `atoll encryption rotate`). */
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP) {
		struct store_crypt *c = xcalloc(1, sizeof(*c));
		if (nrings == sizeof(rings) / sizeof(rings[0])) {
			log_error("server", "SIGHUP: too many key ring reloads; restart the server");
		} else if (crypt_ring_setup(c, data_dir, false, &err) < 0 ||
			   crypt_set_resources(c, enc_resources, &err) < 0) {
			log_error("server", "SIGHUP: key ring not reloaded: %s", err.msg);
		} else {
			/* Writes in flight may still use the old ring: keep it until the store closes. */
			rings[nrings++] = c;
			store_set_crypt(srv.store, c);
			log_info("server", "SIGHUP: key ring reloaded, %zu keys, %s encrypts", c->nkeys,
				 c->keys[0].name);
			continue;
		}
		crypt_release(c);
		free(c);
	}
	log_info("server", "signal %d: shutting down", sig);
	if (!no_node)
		agent_exit();
	srv.ready = false;
	http_stop(&srv);
	controllers_stop();
	store_close(srv.store);
	for (size_t i = 0; i < nrings; i++) {
		crypt_release(rings[i]);
		free(rings[i]);
	}
	pki_release(&pki);
	free(srv.listen_host);
	free(srv.data_dir);
	free(srv.local_node);
	return 0;
}
