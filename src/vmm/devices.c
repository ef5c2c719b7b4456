/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Port I/O and MMIO dispatch from vCPU threads: COM1, the debug-exit port,
 * the i8042 reset line, and the virtio-mmio window. Anything else reads as
 * all ones (no device) and ignores writes, as an empty bus would.
 */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "vmm/serial.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

#define PORT_COM1       0x3f8
#define PORT_DEBUG_EXIT 0xf4
#define PORT_I8042_DATA 0x60
#define PORT_I8042_CMD  0x64
#define I8042_RESET     0xfe

void vm_pio(struct vm *vm, uint16_t port, uint8_t *data, int size, bool write)
{
	if (port >= PORT_COM1 && port < PORT_COM1 + 8) {
		serial_io(vm->serial, port - PORT_COM1, data, write);
		return;
	}
	if (port == PORT_DEBUG_EXIT && write) {
		char why[64];

		snprintf(why, sizeof(why), "guest wrote %u to the debug-exit port", data[0]);
		vm_request_exit(vm, data[0], why);
		return;
	}
	if (port == PORT_I8042_CMD && write && data[0] == I8042_RESET) {
		vm_request_exit(vm, VM_EXIT_RESET, "guest reset through the i8042");
		return;
	}
	if (!write) {
		/* i8042 status 0 (nothing to read) keeps Linux's probe short. */
		memset(data, port == PORT_I8042_CMD || port == PORT_I8042_DATA ? 0 : 0xff, size);
	}
}

void vm_mmio(struct vm *vm, uint64_t addr, uint8_t *data, int size, bool write)
{
	if (addr >= VM_VIRTIO_BASE) {
		uint64_t i = (addr - VM_VIRTIO_BASE) / VM_VIRTIO_STRIDE;

		if (i < (uint64_t)vm->nr_devs) {
			struct virtio_dev *d = vm->devs[i];

			virtio_mmio_access(d, addr - d->base, data, size, write);
			return;
		}
	}
	if (!write)
		memset(data, 0xff, size);
}
