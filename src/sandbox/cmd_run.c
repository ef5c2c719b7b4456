/* SPDX-License-Identifier: Apache-2.0 */
/* atoll run: one command in a fresh sandbox, like `docker run --rm`. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmds.h"
#include "image/image.h"
#include "lib/xalloc.h"
#include "sandbox/run_vm.h"
#include "sandbox/sandbox.h"
#include "sandbox/session.h"

#define EXIT_ATOLL 125 /* our own failure, as docker does */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: atoll run [options] IMAGE [-- CMD ARGS...]\n"
		"IMAGE is oci:PATH[:TAG] (an OCI image layout) or REGISTRY/REPO[:TAG]\n"
		"  --isolation vm|namespace   sandbox kind (default: vm with hardware virtualization)\n"
		"  --cpus N                   CPU limit (fractions allowed)\n"
		"  --memory SIZE              memory limit (k, m, g suffixes)\n"
		"  --pids-limit N             process limit (default: none, as docker)\n"
		"  -e, --env K=V              set an environment variable (K alone: take ours)\n"
		"  -w, --workdir DIR          working directory\n"
		"      --hostname NAME        the sandbox's host name (default atoll)\n"
		"  -u, --user UID[:GID]       user (a name is looked up in the image)\n"
		"  -v, --volume HOST:GUEST[:ro] bind a host directory\n"
		"  -i, --interactive          keep stdin open\n"
		"  -t, --tty                  allocate a pseudo-terminal\n"
		"      --timings              print where the time went to stderr\n"
		"      --data-dir DIR         state and image cache (default /var/lib/atoll)\n"
		"      --guest-kernel PATH    kernel for vm isolation\n"
		"      --pool NAME            put the sandbox in resource pool NAME (namespace isolation):\n"
		"                             the parent cgroup atoll/ns-NAME, as a pod of namespace NAME\n"
		"      --pool-cpus N          the pool's CPU limit (default: none)\n"
		"      --pool-memory SIZE     the pool's memory limit (default: none)\n");
}

static long long parse_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	long long mul = 1;

	switch (*end) {
	case 'k': case 'K': mul = 1LL << 10; end++; break;
	case 'm': case 'M': mul = 1LL << 20; end++; break;
	case 'g': case 'G': mul = 1LL << 30; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	return (*end || v <= 0) ? -1 : (long long)(v * (double)mul);
}


struct run_args {
	const char *isolation, *data_dir, *guest_kernel, *workdir, *user, *image, *hostname, *pool;
	long cpu_milli, pids, pool_cpu_milli;
	long long memory, pool_memory;
	int interactive, tty, timings;
	char **env;
	size_t nenv;
	struct sb_volume *vols;
	size_t nvols;
	char **cmd;
	int ncmd;
};

static json_t *strv_append(json_t *a, char **v)
{
	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* The "create" message: the image config, overridden by the command line. */
static json_t *container_spec(const struct run_args *a, const struct image_config *ic, const char *lower)
{
	json_t *args = strv_append(json_array(), ic->entrypoint), *env = strv_append(json_array(), ic->env);
	json_t *mounts = json_array();

	if (a->ncmd > 0)
		for (int i = 0; i < a->ncmd; i++)
			json_array_append_new(args, json_string(a->cmd[i]));
	else
		strv_append(args, ic->cmd);
	for (size_t i = 0; i < a->nenv; i++) {
		const char *kv = a->env[i], *eq = strchr(kv, '=');
		_cleanup_free_ char *key = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
		_cleanup_free_ char *own = NULL;
		if (!eq) {
			const char *v = getenv(kv);
			if (!v)
				continue;
			kv = own = xasprintf("%s=%s", kv, v);
		}
		size_t j;
		json_t *e;
		json_array_foreach(env, j, e) {
			const char *s = json_string_value(e);
			if (s && !strncmp(s, key, strlen(key)) && s[strlen(key)] == '=') {
				json_array_remove(env, j);
				break;
			}
		}
		json_array_append_new(env, json_string(kv));
	}
	for (size_t i = 0; i < a->nvols; i++) {
		_cleanup_free_ char *src = xasprintf("/volumes/%zu", i);
		json_array_append_new(mounts, json_pack("{s:s,s:s,s:b}", "source", src, "target", a->vols[i].guest,
							"readonly", a->vols[i].readonly));
	}
	return json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:s}", "id", "main", "lower", lower, "args", args,
			 "env", env, "cwd", a->workdir ? a->workdir : (ic->workdir ? ic->workdir : "/"), "user",
			 a->user ? a->user : (ic->user ? ic->user : ""), "mounts", mounts, "hostname", a->hostname ? a->hostname : "atoll");
}

static int exit_code(const struct session_result *r)
{
	return r->signal ? 128 + r->signal : r->status;
}

static int run_namespace(struct run_args *a, struct image *img, double t0, double t_img)
{
	struct sandbox sb;
	struct session_timings t = { 0 };
	struct session_result res;
	char msg[1024] = "";
	_cleanup_free_ char *init = sandbox_find_init();
	const char *images[] = { img->rootfs };
	struct sb_opts o = { .data_dir = a->data_dir, .images = images, .nimages = 1, .init_path = init,
			     .cpu_milli = a->cpu_milli, .memory = a->memory, .pids = a->pids,
			     .vols = a->vols, .nvols = a->nvols, .pool = a->pool,
			     .pool_cpu_milli = a->pool_cpu_milli, .pool_memory = a->pool_memory };

	/* Our own stdout/stderr must not die with a reader that goes away. */
	signal(SIGPIPE, SIG_IGN);
	if (sandbox_create(&sb, &o, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "atoll: sandbox: %s\n", msg);
		sandbox_destroy(&sb);
		return EXIT_ATOLL;
	}
	double t_sb = session_now();
	json_t *spec = container_spec(a, &img->config, "/images/0");
	int r = session_run(sb.sock, spec, a->interactive, a->tty, &t, &res);
	json_decref(spec);
	/* The command is done: closing the socket tells init to kill what is left and exit. */
	close(sb.sock);
	sb.sock = -1;
	/* An OOM kill is counted before the killed process's exit reaches us. */
	long ooms = sb_cgroup_oom_kills(&sb.cg);
	/*
	 * The pod dies on its own (its init holds the ID range until then); we
	 * do not wait for the kernel to tear its namespaces down, and a reaper
	 * removes its cgroups, if any, once they are empty.
	 */
	if (sb.cg.n > 0)
		sandbox_reap_later(&sb);
	sb.pid = 0;
	double t_end = session_now();
	sandbox_destroy(&sb);
	if (r < 0) {
		fprintf(stderr, "atoll: %s\n", res.error);
		return EXIT_ATOLL;
	}
	if (res.signal == SIGKILL && ooms > 0 && a->memory > 0)
		fprintf(stderr, "atoll: the command was killed by the out-of-memory killer (memory limit %lld bytes)\n",
			a->memory);
	else if (res.signal == SIGKILL && ooms > 0)
		fprintf(stderr, "atoll: the command was killed by the out-of-memory killer (pool %s: memory limit %lld bytes)\n",
			a->pool ? a->pool : "-", a->pool_memory);
	if (a->timings)
		fprintf(stderr,
			"atoll: timings (ms): image prepare %.2f, sandbox create %.2f, init ready %.2f, "
			"command start %.2f, exit %.2f, teardown %.2f, total %.2f\n",
			(t_img - t0) * 1e3, (t_sb - t_img) * 1e3, (t.ready - t_sb) * 1e3, (t.started - t.ready) * 1e3,
			(t.exited - t.started) * 1e3, (t_end - t.exited) * 1e3, (t_end - t0) * 1e3);
	return exit_code(&res);
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
	static const struct option opts[] = {
		{ "isolation", required_argument, NULL, 'I' }, { "cpus", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },    { "pids-limit", required_argument, NULL, 'p' },
		{ "env", required_argument, NULL, 'e' },       { "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },      { "volume", required_argument, NULL, 'v' },
		{ "interactive", no_argument, NULL, 'i' },     { "tty", no_argument, NULL, 't' },
		{ "timings", no_argument, NULL, 'T' },         { "data-dir", required_argument, NULL, 'D' },
		{ "guest-kernel", required_argument, NULL, 'K' }, { "help", no_argument, NULL, 'h' },
		{ "hostname", required_argument, NULL, 'H' },  { "pool", required_argument, NULL, 'P' },
		{ "pool-cpus", required_argument, NULL, 'C' }, { "pool-memory", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	a->data_dir = "/var/lib/atoll";
	a->env = xcalloc((size_t)argc + 1, sizeof(char *));
	a->vols = xcalloc((size_t)argc + 1, sizeof(*a->vols));
	optind = 1;
	while ((c = getopt_long(argc, argv, "+e:w:u:v:ith", opts, NULL)) != -1) {
		switch (c) {
		case 'I':
			if (strcmp(optarg, "vm") && strcmp(optarg, "namespace"))
				return fprintf(stderr, "atoll run: --isolation is vm or namespace\n"), -1;
			a->isolation = optarg;
			break;
		case 'c':
		case 'C': {
			char *end;
			double v = strtod(optarg, &end);
			if (*end || v <= 0)
				return fprintf(stderr, "atoll run: bad --%scpus '%s'\n", c == 'C' ? "pool-" : "", optarg), -1;
			*(c == 'C' ? &a->pool_cpu_milli : &a->cpu_milli) = (long)(v * 1000);
			break;
		}
		case 'm':
		case 'M': {
			long long v = parse_size(optarg);
			if (v <= 0)
				return fprintf(stderr, "atoll run: bad --%smemory '%s'\n", c == 'M' ? "pool-" : "", optarg), -1;
			*(c == 'M' ? &a->pool_memory : &a->memory) = v;
			break;
		}
		case 'P':
			if (!sb_pool_name_ok(optarg))
				return fprintf(stderr, "atoll run: --pool must be a namespace name\n"), -1;
			a->pool = optarg;
			break;
		case 'p':
			a->pids = atol(optarg);
			break;
		case 'e':
			a->env[a->nenv++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/')
				return fprintf(stderr, "atoll run: --workdir must be absolute\n"), -1;
			a->workdir = optarg;
			break;
		case 'u':
			a->user = optarg;
			break;
		case 'H':
			/* The kernel takes up to 64 bytes; Kubernetes hostnames are DNS labels (63). */
			if (!*optarg || strlen(optarg) > 63)
				return fprintf(stderr, "atoll run: --hostname must be 1 to 63 characters\n"), -1;
			a->hostname = optarg;
			break;
		case 'v': {
			char *g = strchr(optarg, ':');
			if (!g || optarg[0] != '/' || g[1] != '/')
				return fprintf(stderr, "atoll run: --volume is /HOST:/GUEST[:ro]\n"), -1;
			*g++ = '\0';
			char *ro = strchr(g, ':');
			if (ro)
				*ro++ = '\0';
			a->vols[a->nvols++] = (struct sb_volume){ optarg, g, ro && !strcmp(ro, "ro") };
			break;
		}
		case 'i': a->interactive = 1; break;
		case 't': a->tty = 1; break;
		case 'T': a->timings = 1; break;
		case 'D': a->data_dir = optarg; break;
		case 'K': a->guest_kernel = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return -1;
	}
	a->image = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	a->cmd = argv + optind;
	a->ncmd = argc - optind;
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct image img = { 0 };
	struct atoll_err err = ERR_INIT;
	int ret = EXIT_ATOLL;

	if (parse_args(argc, argv, &a) < 0)
		goto out;
	for (size_t i = 0; i < a.nvols; i++) {
		struct stat st;
		if (stat(a.vols[i].host, &st) < 0) {
			fprintf(stderr, "atoll run: volume %s: %s\n", a.vols[i].host, strerror(errno));
			goto out;
		}
	}
	if (!a.isolation) {
		a.isolation = sandbox_hw_virt() ? "vm" : "namespace";
		fprintf(stderr, "atoll: isolation %s (%s)\n", a.isolation,
			sandbox_hw_virt() ? "hardware virtualization found"
				  : "no hardware virtualization: /dev/kvm is missing or PVM");
	}
	int vm = !strcmp(a.isolation, "vm");
	if (!vm && geteuid() != 0) {
		/* ID maps for a 65536-ID range and idmapped mounts need the host's root. */
		fprintf(stderr, "atoll: namespace isolation needs root\n");
		goto out;
	}
	if (vm && !a.guest_kernel) {
		if (sandbox_hw_virt())
			fprintf(stderr, "atoll: no guest kernel; pass --guest-kernel\n");
		else
			fprintf(stderr, "atoll: no hardware virtualization; pass --guest-kernel with a PVM-enlightened kernel\n");
		goto out;
	}
	mkdir(a.data_dir, 0711);
	double t0 = session_now();
	if (image_prepare(a.image, a.data_dir, vm, &img, &err) < 0) {
		fprintf(stderr, "atoll: %s\n", err.msg);
		goto out;
	}
	double t_img = session_now();
	if (vm) {
		json_t *spec = container_spec(&a, &img.config, "/dev/vda");
		struct run_vm_opts vo = { .data_dir = a.data_dir, .kernel = a.guest_kernel, .erofs = img.erofs,
					  .cpu_milli = a.cpu_milli, .memory = a.memory, .interactive = a.interactive,
					  .tty = a.tty, .timings = a.timings };
		ret = run_vm(&vo, spec);
		json_decref(spec);
	} else {
		ret = run_namespace(&a, &img, t0, t_img);
	}
out:
	image_release(&img);
	free(a.env);
	free(a.vols);
	return ret;
}
