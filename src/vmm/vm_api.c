/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Control socket: a Unix stream socket speaking line-delimited JSON.
 * Each request is one line, {"op":"status"|"pause"|"resume"|"stop"} (a bare
 * word works too); each answer is one JSON object on one line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <jansson.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "vmm/serial.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

#define API_MAX_CLIENTS 8
#define API_LINE_MAX 1024

struct api_client {
	struct vm_ev ev;
	struct vm *vm;
	char buf[API_LINE_MAX];
	int len;
};

static struct vm_ev listen_ev;
static struct api_client *clients[API_MAX_CLIENTS];

static const char *state_name(enum vm_state s)
{
	switch (s) {
	case VM_STARTING: return "starting";
	case VM_RUNNING: return "running";
	case VM_PAUSED: return "paused";
	case VM_EXITING: return "exiting";
	}
	return "unknown";
}

static json_t *status_json(struct vm *vm)
{
	json_t *devs = json_array();
	enum vm_state st;
	int64_t first = serial_first_output_ns(vm->serial);

	pthread_mutex_lock(&vm->lock);
	st = vm->state;
	pthread_mutex_unlock(&vm->lock);
	for (int i = 0; i < vm->nr_devs; i++) {
		struct virtio_dev *d = vm->devs[i];
		char base[24];

		pthread_mutex_lock(&d->lock);
		snprintf(base, sizeof(base), "%#llx", (unsigned long long)d->base);
		json_array_append_new(devs, json_pack("{s:s, s:s, s:i, s:i, s:I, s:b}",
			"type", d->ops->name, "base", base, "irq", d->irq, "status", (int)d->status,
			"guest_errors", (json_int_t)d->errors, "needs_reset", d->broken));
		pthread_mutex_unlock(&d->lock);
	}
	return json_pack("{s:b, s:s, s:i, s:I, s:I, s:I, s:o}",
		"ok", 1, "state", state_name(st), "vcpus", vm->nr_vcpus,
		"mem_mib", (json_int_t)vm->cfg->mem_mib,
		"uptime_ms", (json_int_t)((vm_now_ns() - vm->start_ns) / 1000000),
		"first_output_ms", (json_int_t)(first ? (first - vm->start_ns) / 1000000 : -1),
		"devices", devs);
}

/* The answer to one request line; *stop says the VM is to exit once the answer is out. */
static json_t *handle(struct vm *vm, const char *line, bool *stop)
{
	char op[32] = "";
	json_t *req = NULL;

	if (line[0] == '{') {
		req = json_loads(line, 0, NULL);
		const char *s = json_string_value(json_object_get(req, "op"));

		if (s && strlen(s) < sizeof(op))
			strcpy(op, s);
		json_decref(req);
	} else if (strlen(line) < sizeof(op)) {
		strcpy(op, line);
	}
	if (!strcmp(op, "status"))
		return status_json(vm);
	if (!strcmp(op, "pause") || !strcmp(op, "resume")) {
		vm_pause(vm, op[0] == 'p');
		return status_json(vm);
	}
	if (!strcmp(op, "stop")) {
		/*
		 * Not yet: the exit may end the process (vCPU 0 runs on the main
		 * thread) before this thread has written the answer.
		 */
		*stop = true;
		return json_pack("{s:b, s:s}", "ok", 1, "state", "exiting");
	}
	return json_pack("{s:b, s:s}", "ok", 0, "error", "unknown op (want status, pause, resume, stop)");
}

static void client_close(struct api_client *c)
{
	for (int i = 0; i < API_MAX_CLIENTS; i++)
		if (clients[i] == c)
			clients[i] = NULL;
	vm_ev_del(c->vm, &c->ev);
	close(c->ev.fd);
	free(c);
}

static void client_ready(void *arg, uint32_t events)
{
	struct api_client *c = arg;
	ssize_t n = read(c->ev.fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	c->len += n;
	c->buf[c->len] = 0;
	while ((nl = strchr(c->buf, '\n'))) {
		*nl = 0;
		if (nl > c->buf && nl[-1] == '\r')
			nl[-1] = 0;
		bool stop = false;
		json_t *resp = handle(c->vm, c->buf, &stop);
		char *s = json_dumps(resp, JSON_COMPACT);

		json_decref(resp);
		if (s) {
			size_t l = strlen(s);

			s[l] = '\n'; /* replaces the NUL; we send l + 1 bytes */
			if (write(c->ev.fd, s, l + 1) < 0)
				log_debug("vmm", "api: write: %s", strerror(errno));
			free(s);
		}
		if (stop)
			vm_request_exit(c->vm, VM_EXIT_STOPPED, "stopped through the control socket");
		c->len -= nl + 1 - c->buf;
		memmove(c->buf, nl + 1, c->len + 1);
	}
	if (c->len == (int)sizeof(c->buf) - 1)
		client_close(c); /* a line longer than we accept */
}

static void listen_ready(void *arg, uint32_t events)
{
	struct vm *vm = arg;
	int fd = accept4(listen_ev.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < API_MAX_CLIENTS; i++) {
		if (clients[i])
			continue;
		struct api_client *c = xcalloc(1, sizeof(*c));

		c->vm = vm;
		c->ev = (struct vm_ev){ fd, client_ready, c };
		if (vm_ev_add(vm, &c->ev, EPOLLIN) < 0) {
			free(c);
			break;
		}
		clients[i] = c;
		return;
	}
	close(fd);
}

int vm_api_start(struct vm *vm, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_error("vmm", "api socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	/* jansson seeds its hash from /dev/urandom on first use: do it before seccomp. */
	json_object_seed(0);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
		log_error("vmm", "api socket %s: %s", path, strerror(errno));
		return -errno;
	}
	listen_ev = (struct vm_ev){ fd, listen_ready, vm };
	return vm_ev_add(vm, &listen_ev, EPOLLIN);
}
