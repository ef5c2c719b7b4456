# atoll vmm extras: bare-metal test guests (build/guest/*.bin) and the virtqueue fuzzer.
# Included by the top-level Makefile.

GUEST_NAMES  := hello blk rng evil net vsock smp p9
GUEST_DIR    := $(B)/guest
GUEST_BINS   := $(GUEST_NAMES:%=$(GUEST_DIR)/%.bin) $(GUEST_NAMES:%=$(GUEST_DIR)/%.elf)
# Guests are freestanding: the compiler without any sanitizer flags CC may carry.
GUEST_CC     := $(firstword $(CC))
GUEST_CFLAGS := -std=c17 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
                -fno-stack-protector -fcf-protection=none -mno-red-zone -mgeneral-regs-only \
                -mcmodel=small -fno-asynchronous-unwind-tables -fno-builtin
GUEST_LDFLAGS := -nostdlib -static -Wl,-T,src/vmm/guest/guest.ld -Wl,--build-id=none \
                 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

.PHONY: vmm-guests fuzz-vmm
.PRECIOUS: $(GUEST_DIR)/%.o $(GUEST_DIR)/%.elf
all: vmm-guests
vmm-guests: $(GUEST_BINS)

$(GUEST_DIR)/%.o: src/vmm/guest/%.c src/vmm/guest/lib.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_DIR)/head.o: src/vmm/guest/head.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_DIR)/%.elf: $(GUEST_DIR)/head.o $(GUEST_DIR)/lib.o $(GUEST_DIR)/%.o src/vmm/guest/guest.ld
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

# A bzImage: 1024 bytes of boot sector + setup header, then the 1 MiB image.
$(GUEST_DIR)/%.bin: $(GUEST_DIR)/%.elf
	objcopy -O binary $< $@

# libFuzzer (clang) over the virtqueue parser and the device request paths.
FUZZ_SECONDS ?= 10
FUZZ_VMM_SRCS := tests/fuzz/fuzz_virtq.c src/vmm/virtq.c src/vmm/guest_mem.c src/vmm/virtio_mmio.c \
                 src/vmm/virtio_blk.c src/vmm/virtio_rng.c src/vmm/virtio_net.c src/vmm/virtio_vsock.c \
                 src/vmm/virtio_9p.c src/vmm/p9_msg.c src/vmm/p9_fs.c src/vmm/p9_fs_dir.c src/vmm/p9_fs_attr.c \
                 src/lib/log.c src/lib/xalloc.c
$(B)/fuzz/fuzz_virtq: $(FUZZ_VMM_SRCS) src/vmm/virtq.h src/vmm/virtio.h
	@mkdir -p $(dir $@)
	clang -std=c17 -D_GNU_SOURCE -O1 -g -Isrc -DATOLL_FUZZ -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -o $@ $(FUZZ_VMM_SRCS)

# The 9P message parser and the file server behind virtio-9p (over a read-only share).
FUZZ_P9_SRCS := tests/fuzz/fuzz_p9.c src/vmm/p9_msg.c src/vmm/p9_fs.c src/vmm/p9_fs_dir.c src/vmm/p9_fs_attr.c src/lib/xalloc.c src/lib/log.c
$(B)/fuzz/fuzz_p9: $(FUZZ_P9_SRCS) src/vmm/p9_msg.h src/vmm/p9_fs.h
	@mkdir -p $(dir $@)
	clang -std=c17 -D_GNU_SOURCE -O1 -g -Isrc -DATOLL_FUZZ -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -o $@ $(FUZZ_P9_SRCS)

fuzz-vmm: $(B)/fuzz/fuzz_virtq $(B)/fuzz/fuzz_p9
	@mkdir -p $(B)/fuzz/corpus-virtq $(B)/fuzz/corpus-p9
	$(B)/fuzz/fuzz_virtq -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(B)/fuzz/corpus-virtq
	$(B)/fuzz/fuzz_p9 -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(B)/fuzz/corpus-p9 tests/fuzz/p9-seeds

fuzz: fuzz-vmm

# Guest kernel for hosts with hardware virtualization (not part of make test).
# Builds Debian's linux-source with src/vmm/guest-kernel.config applied on top
# of allnoconfig, and caches the result in GUEST_KERNEL_CACHE: bzImage, and
# vmlinux (ELF, no decompressor: the faster boot).
# Needs: apt-get install linux-source-6.1 flex bison bc libelf-dev libssl-dev
GUEST_KERNEL_SRC   ?= $(firstword $(wildcard /usr/src/linux-source-*.tar.xz))
GUEST_KERNEL_CACHE ?= $(HOME)/.cache/atoll/guest-kernel
# Keyed by the source tarball's name, size and mtime and by the config's content.
GUEST_KERNEL_KEY    = $(shell { stat -c '%n %s %Y' $(GUEST_KERNEL_SRC); cat src/vmm/guest-kernel.config; } 2>/dev/null | sha256sum | cut -c1-16)
GUEST_KERNEL        = $(GUEST_KERNEL_CACHE)/bzImage-$(GUEST_KERNEL_KEY)

.PHONY: guest-kernel
guest-kernel:
	@test -n "$(GUEST_KERNEL_SRC)" || { echo "no /usr/src/linux-source-*.tar.xz: apt-get install linux-source-6.1" >&2; exit 1; }
	@if [ -f "$(GUEST_KERNEL)" ]; then echo "$(GUEST_KERNEL) (cached)"; exit 0; fi; \
	set -e; w="$(GUEST_KERNEL_CACHE)/work-$(GUEST_KERNEL_KEY)"; rm -rf "$$w"; mkdir -p "$$w"; \
	tar -C "$$w" --strip-components=1 -xf "$(GUEST_KERNEL_SRC)"; \
	make -C "$$w" KCONFIG_ALLCONFIG="$(CURDIR)/src/vmm/guest-kernel.config" allnoconfig >/dev/null; \
	make -C "$$w" -j$$(nproc) bzImage; \
	cp "$$w/vmlinux" "$(GUEST_KERNEL_CACHE)/vmlinux-$(GUEST_KERNEL_KEY)"; \
	cp "$$w/arch/x86/boot/bzImage" "$(GUEST_KERNEL).tmp"; mv "$(GUEST_KERNEL).tmp" "$(GUEST_KERNEL)"; \
	cp "$$w/.config" "$(GUEST_KERNEL).config"; rm -rf "$$w"; \
	ln -sf "$(notdir $(GUEST_KERNEL))" "$(GUEST_KERNEL_CACHE)/bzImage"; \
	ln -sf "vmlinux-$(GUEST_KERNEL_KEY)" "$(GUEST_KERNEL_CACHE)/vmlinux"; echo "$(GUEST_KERNEL)"
