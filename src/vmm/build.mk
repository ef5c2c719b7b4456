# atoll vmm extras: bare-metal test guests (build/guest/*.bin) and the virtqueue fuzzer.
# Included by the top-level Makefile.

GUEST_NAMES  := hello blk rng evil net vsock
GUEST_DIR    := $(B)/guest
GUEST_BINS   := $(GUEST_NAMES:%=$(GUEST_DIR)/%.bin)
GUEST_CFLAGS := -std=c17 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
                -fno-stack-protector -fcf-protection=none -mno-red-zone -mgeneral-regs-only \
                -mcmodel=small -fno-asynchronous-unwind-tables -fno-builtin
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,src/vmm/guest/guest.ld -Wl,--build-id=none \
                 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

.PHONY: vmm-guests fuzz-vmm
.PRECIOUS: $(GUEST_DIR)/%.o $(GUEST_DIR)/%.elf
all: vmm-guests
vmm-guests: $(GUEST_BINS)

$(GUEST_DIR)/%.o: src/vmm/guest/%.c src/vmm/guest/lib.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_DIR)/head.o: src/vmm/guest/head.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_DIR)/%.elf: $(GUEST_DIR)/head.o $(GUEST_DIR)/lib.o $(GUEST_DIR)/%.o src/vmm/guest/guest.ld
	$(CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

# A bzImage: 1024 bytes of boot sector + setup header, then the 1 MiB image.
$(GUEST_DIR)/%.bin: $(GUEST_DIR)/%.elf
	objcopy -O binary $< $@

# libFuzzer (clang) over the virtqueue parser and the device request paths.
FUZZ_SECONDS ?= 10
FUZZ_VMM_SRCS := tests/fuzz/fuzz_virtq.c src/vmm/virtq.c src/vmm/guest_mem.c src/vmm/virtio_mmio.c \
                 src/vmm/virtio_blk.c src/vmm/virtio_rng.c src/lib/log.c src/lib/xalloc.c
$(B)/fuzz/fuzz_virtq: $(FUZZ_VMM_SRCS) src/vmm/virtq.h src/vmm/virtio.h
	@mkdir -p $(dir $@)
	clang -std=c17 -D_GNU_SOURCE -O1 -g -Isrc -DATOLL_FUZZ -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -o $@ $(FUZZ_VMM_SRCS)

fuzz-vmm: $(B)/fuzz/fuzz_virtq
	@mkdir -p $(B)/fuzz/corpus-virtq
	$(B)/fuzz/fuzz_virtq -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(B)/fuzz/corpus-virtq

fuzz: fuzz-vmm
