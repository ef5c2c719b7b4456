/* SPDX-License-Identifier: Apache-2.0 */
/* A 16550-style UART at 0x3f8 (COM1), enough for Linux's console and test guests. */
#ifndef ATOLL_VMM_SERIAL_H
#define ATOLL_VMM_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct serial;

/* out_fd: where guest output goes (borrowed, -1 drops it); irq_fd: eventfd for IRQ 4 (borrowed). */
struct serial *serial_create(int out_fd, int irq_fd); /* returns owned */
void serial_io(struct serial *s, unsigned off, uint8_t *data, bool write);
/* Queue host input for the guest; returns bytes accepted. */
int serial_input(struct serial *s, const uint8_t *buf, int len);
/* Host input from in_fd through the event loop (skipped if in_fd cannot be polled). */
void serial_attach_input(struct serial *s, struct vm *vm, int in_fd);
/* Monotonic ns of the first byte the guest wrote, 0 if none yet. */
int64_t serial_first_output_ns(struct serial *s);

#endif
