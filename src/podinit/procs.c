/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod init's process table and the bytes it moves: output of each process
 * forwarded to the host as it comes, stdin from the host written as far as
 * the process takes it (never blocking init on a full pipe).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "podinit/init.h"
#include "podinit/proto.h"

struct pi_proc pi_procs[PI_MAX_PROCS];

struct pi_proc *pi_proc_find(uint32_t num)
{
	for (int i = 0; i < PI_MAX_PROCS; i++)
		if (pi_procs[i].pid && pi_procs[i].num == num)
			return &pi_procs[i];
	return NULL;
}

int pi_proc_number_taken(uint32_t num)
{
	return pi_proc_find(num) != NULL;
}

struct pi_proc *pi_proc_new(uint32_t num)
{
	if (num == 0 || pi_proc_find(num))
		return NULL;
	for (int i = 0; i < PI_MAX_PROCS; i++)
		if (!pi_procs[i].pid) {
			memset(&pi_procs[i], 0, sizeof(pi_procs[i]));
			pi_procs[i].num = num;
			pi_procs[i].out = pi_procs[i].err = pi_procs[i].in = -1;
			return &pi_procs[i];
		}
	return NULL;
}

void pi_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void pi_close_stdin(struct pi_proc *p)
{
	pi_close_fd(&p->in);
	free(p->pend);
	p->pend = NULL;
	p->pend_len = 0;
	p->close_in = 0;
}

/* Write what the process will take now; never blocks (a full pipe must not stall init). */
void pi_flush_stdin(struct pi_proc *p)
{
	size_t done = 0;

	while (p->in >= 0 && done < p->pend_len) {
		ssize_t n = write(p->in, p->pend + done, p->pend_len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			pi_close_stdin(p); /* the reader is gone */
			return;
		}
		done += (size_t)n;
	}
	memmove(p->pend, p->pend + done, p->pend_len - done);
	p->pend_len -= done;
	if (!p->pend_len && p->close_in && !p->tty)
		pi_close_stdin(p);
}

size_t pi_stdin_backlog(void)
{
	size_t n = pi_relay_backlog();
	for (int i = 0; i < PI_MAX_PROCS; i++)
		if (pi_procs[i].pid)
			n += pi_procs[i].pend_len;
	return n;
}

/* Forward what fd holds now; closes it at EOF. */
void pi_pump(int sock, struct pi_proc *p, int *fd, uint8_t type)
{
	char buf[32768];

	for (int rounds = 0; *fd >= 0 && rounds < 64; rounds++) {
		ssize_t n = read(*fd, buf, sizeof(buf));
		if (n > 0) {
			if (pi_send(sock, type, p->num, buf, (size_t)n) < 0)
				_exit(1);
			continue;
		}
		if (n < 0 && (errno == EINTR))
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		pi_close_fd(fd); /* EOF, or EIO on a pty whose last user left */
		if (fd == &p->out && p->tty)
			pi_close_stdin(p);
	}
}

void pi_handle_stdin(const struct pi_frame *f)
{
	struct pi_proc *p = pi_proc_find(f->proc);

	if (!p && f->len && pi_relay_input(f->proc, f->data, f->len))
		return;
	if (!p || p->in < 0 || !f->len)
		return;
	char *np = realloc(p->pend, p->pend_len + f->len);
	if (!np)
		return; /* dropped; stdin is best effort under memory pressure */
	p->pend = np;
	memcpy(p->pend + p->pend_len, f->data, f->len);
	p->pend_len += f->len;
	pi_flush_stdin(p);
}
