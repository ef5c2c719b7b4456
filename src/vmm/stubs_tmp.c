/* SPDX-License-Identifier: Apache-2.0 */
/* temporary */
#include "vmm/virtio.h"
#include "vmm/vmm.h"
struct virtio_dev *virtio_vsock_create(struct vm *vm, uint64_t cid, const char *uds) { return NULL; }
int vm_api_start(struct vm *vm, const char *path) { return 0; }
int vm_sandbox_self(struct vm *vm) { return 0; }
