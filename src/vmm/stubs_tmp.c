/* SPDX-License-Identifier: Apache-2.0 */
/* temporary */
#include "vmm/virtio.h"
#include "vmm/vmm.h"
int vm_api_start(struct vm *vm, const char *path) { return 0; }
int vm_sandbox_self(struct vm *vm) { return 0; }
