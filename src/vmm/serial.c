/* SPDX-License-Identifier: Apache-2.0 */
/* 8250/16550 UART emulation: registers, THR-empty and RX interrupts, host input. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "vmm/serial.h"
#include "vmm/vmm.h"

#define IER_RDI  0x01
#define IER_THRI 0x02
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_RDI  0x04
#define IIR_FIFO 0xc0
#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR   0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define RX_SIZE  64

struct serial {
	pthread_mutex_t lock;
	int out_fd, irq_fd;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thri_pending;
	uint8_t rx[RX_SIZE];
	int rx_head, rx_len;
	int64_t first_out_ns;
	struct vm_ev in_ev;
	struct vm *vm;
	bool in_paused;          /* RX full: stdin is not polled until the guest reads */
};

struct serial *serial_create(int out_fd, int irq_fd)
{
	struct serial *s = xcalloc(1, sizeof(*s));

	pthread_mutex_init(&s->lock, NULL);
	s->out_fd = out_fd;
	s->irq_fd = irq_fd;
	s->dll = 12; /* 9600 baud, what firmware leaves behind */
	return s;
}

static void raise_irq(struct serial *s)
{
	uint64_t one = 1;

	if (s->irq_fd >= 0 && write(s->irq_fd, &one, sizeof(one)) < 0) {
		/* eventfd counter full cannot happen at these rates; nothing to do */
	}
}

static void out_byte(struct serial *s, uint8_t c)
{
	if (!s->first_out_ns)
		s->first_out_ns = vm_now_ns();
	if (s->out_fd < 0)
		return;
	for (int tries = 0; tries < 100; tries++) {
		ssize_t n = write(s->out_fd, &c, 1);

		if (n == 1 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return;
	}
}

static uint8_t msr_value(struct serial *s)
{
	if (s->mcr & MCR_LOOP) /* loopback: modem outputs come back as inputs */
		return ((s->mcr & 0x01) << 5) | ((s->mcr & 0x02) << 3) |
		       ((s->mcr & 0x04) << 4) | ((s->mcr & 0x08) << 4);
	return 0xb0; /* DCD, DSR, CTS */
}

void serial_io(struct serial *s, unsigned off, uint8_t *data, bool write)
{
	bool dlab, irq = false;

	pthread_mutex_lock(&s->lock);
	dlab = s->lcr & LCR_DLAB;
	if (write) {
		uint8_t v = *data;

		switch (off) {
		case 0:
			if (dlab) {
				s->dll = v;
				break;
			}
			out_byte(s, v);
			if (s->ier & IER_THRI)
				s->thri_pending = irq = true;
			break;
		case 1:
			if (dlab) {
				s->dlm = v;
				break;
			}
			if ((v & IER_THRI) && !(s->ier & IER_THRI))
				s->thri_pending = irq = true;
			if ((v & IER_RDI) && s->rx_len)
				irq = true;
			s->ier = v & 0x0f;
			break;
		case 2:
			s->fcr = v;
			if (v & 0x02)
				s->rx_len = 0;
			break;
		case 3: s->lcr = v; break;
		case 4: s->mcr = v; break;
		case 7: s->scr = v; break;
		}
	} else {
		uint8_t v = 0;

		switch (off) {
		case 0:
			if (dlab) {
				v = s->dll;
			} else if (s->rx_len) {
				v = s->rx[s->rx_head];
				s->rx_head = (s->rx_head + 1) % RX_SIZE;
				s->rx_len--;
				if (s->in_paused && !s->rx_len) {
					s->in_paused = false;
					vm_ev_mod(s->vm, &s->in_ev, EPOLLIN);
				}
			}
			break;
		case 1: v = dlab ? s->dlm : s->ier; break;
		case 2:
			v = (s->fcr & 1) ? IIR_FIFO : 0;
			if ((s->ier & IER_RDI) && s->rx_len) {
				v |= IIR_RDI;
			} else if ((s->ier & IER_THRI) && s->thri_pending) {
				v |= IIR_THRI;
				s->thri_pending = false;
			} else {
				v |= IIR_NONE;
			}
			break;
		case 3: v = s->lcr; break;
		case 4: v = s->mcr; break;
		case 5: v = LSR_THRE | LSR_TEMT | (s->rx_len ? LSR_DR : 0); break;
		case 6: v = msr_value(s); break;
		case 7: v = s->scr; break;
		}
		*data = v;
	}
	pthread_mutex_unlock(&s->lock);
	if (irq)
		raise_irq(s);
}

int serial_input(struct serial *s, const uint8_t *buf, int len)
{
	int n = 0;
	bool irq;

	pthread_mutex_lock(&s->lock);
	while (n < len && s->rx_len < RX_SIZE) {
		s->rx[(s->rx_head + s->rx_len) % RX_SIZE] = buf[n++];
		s->rx_len++;
	}
	irq = n && (s->ier & IER_RDI);
	pthread_mutex_unlock(&s->lock);
	if (irq)
		raise_irq(s);
	return n;
}

static void serial_in_ready(void *arg, uint32_t events)
{
	struct serial *s = arg;
	uint8_t buf[RX_SIZE];
	int room;
	ssize_t n;

	pthread_mutex_lock(&s->lock);
	room = RX_SIZE - s->rx_len;
	if (room <= 0 && !s->in_paused) {
		/* The guest is not reading: stop polling until it drains the FIFO. */
		s->in_paused = true;
		vm_ev_mod(s->vm, &s->in_ev, 0);
	}
	pthread_mutex_unlock(&s->lock);
	if (room <= 0)
		return;
	n = read(s->in_ev.fd, buf, room);
	if (n > 0) {
		serial_input(s, buf, n);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	vm_ev_del(s->vm, &s->in_ev); /* EOF or error: no more input */
}

void serial_attach_input(struct serial *s, struct vm *vm, int in_fd)
{
	s->vm = vm;
	s->in_ev = (struct vm_ev){ in_fd, serial_in_ready, s };
	if (vm_ev_add(vm, &s->in_ev, EPOLLIN) < 0)
		s->in_ev.fd = -1; /* regular files and /dev/null cannot be polled */
}

int64_t serial_first_output_ns(struct serial *s)
{
	return s->first_out_ns;
}
