/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Direct kernel boot, Linux x86 64-bit boot protocol: load a bzImage (its
 * protected-mode part at 1 MiB, entry at +0x200) or an ELF vmlinux (PT_LOAD
 * at p_paddr, entry e_entry), the initrd, the command line, and build
 * boot_params with an e820 map, identity page tables and a flat GDT.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "vmm/vmm.h"

/* Offsets into struct boot_params (Documentation/arch/x86/zero-page.rst). */
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_E820_ENTRIES      0x1e8
#define BP_SETUP_SECTS       0x1f1
#define BP_BOOT_FLAG         0x1fe
#define BP_JUMP              0x200
#define BP_HEADER            0x202
#define BP_VERSION           0x206
#define BP_TYPE_OF_LOADER    0x210
#define BP_LOADFLAGS         0x211
#define BP_RAMDISK_IMAGE     0x218
#define BP_RAMDISK_SIZE      0x21c
#define BP_HEAP_END_PTR      0x224
#define BP_CMD_LINE_PTR      0x228
#define BP_INITRD_ADDR_MAX   0x22c
#define BP_KERNEL_ALIGNMENT  0x230
#define BP_XLOADFLAGS        0x236
#define BP_E820_TABLE        0x2d0
#define BP_SIZE              4096

#define HDRS_MAGIC     0x53726448 /* "HdrS" */
#define LOADED_HIGH    0x01
#define CAN_USE_HEAP   0x80
#define XLF_KERNEL_64  0x01

#define E820_RAM      1
#define E820_RESERVED 2

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* Read a whole file; returns owned buffer or NULL with errno set. */
static uint8_t *read_file(const char *path, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *p;
	size_t done = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	p = xmalloc(st.st_size ? st.st_size : 1);
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, p + done, st.st_size - done);

		if (n <= 0) {
			free(p);
			errno = n < 0 ? errno : EIO;
			return NULL;
		}
		done += n;
	}
	*len = done;
	return p;
}

static int copy_in(struct vm *vm, uint64_t gpa, const void *src, uint64_t len, uint64_t memsz)
{
	uint8_t *dst = guest_ptr(&vm->mem, gpa, memsz);

	if (!dst || len > memsz)
		return -ENOMEM;
	memcpy(dst, src, len);
	memset(dst + len, 0, memsz - len);
	return 0;
}

static int load_elf(struct vm *vm, const uint8_t *img, size_t len, uint8_t *bp)
{
	Elf64_Ehdr eh;

	if (len < sizeof(eh))
		return -ENOEXEC;
	memcpy(&eh, img, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > len ||
	    (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff)
		return -ENOEXEC;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset ||
		    copy_in(vm, ph.p_paddr, img + ph.p_offset, ph.p_filesz, ph.p_memsz) < 0) {
			log_error("vmm", "ELF segment %d does not fit guest memory", i);
			return -ENOMEM;
		}
	}
	vm->entry = eh.e_entry;
	put16(bp + BP_BOOT_FLAG, 0xaa55);
	put32(bp + BP_HEADER, HDRS_MAGIC);
	put32(bp + BP_KERNEL_ALIGNMENT, 0x1000000);
	return 0;
}

static int load_bzimage(struct vm *vm, const uint8_t *img, size_t len, uint8_t *bp)
{
	size_t setup, hdr_end;
	uint16_t version;

	if (len < 0x250 || get32(img + BP_HEADER) != HDRS_MAGIC)
		return -ENOEXEC;
	version = get16(img + BP_VERSION);
	if (version < 0x0206) {
		log_error("vmm", "boot protocol %x.%02x too old", version >> 8, version & 0xff);
		return -ENOEXEC;
	}
	if (version >= 0x020c && !(get16(img + BP_XLOADFLAGS) & XLF_KERNEL_64)) {
		log_error("vmm", "kernel has no 64-bit entry point");
		return -ENOEXEC;
	}
	setup = img[BP_SETUP_SECTS] ? img[BP_SETUP_SECTS] : 4;
	setup = (setup + 1) * 512;
	if (setup >= len)
		return -ENOEXEC;
	/* The setup header runs from 0x1f1 to the end given by the jump at 0x200. */
	hdr_end = 0x202 + img[BP_JUMP + 1];
	if (hdr_end > len || hdr_end > BP_SIZE)
		return -ENOEXEC;
	memcpy(bp + BP_SETUP_SECTS, img + BP_SETUP_SECTS, hdr_end - BP_SETUP_SECTS);
	if (copy_in(vm, VM_KERNEL_ADDR, img + setup, len - setup, len - setup) < 0)
		return -ENOMEM;
	vm->entry = VM_KERNEL_ADDR + 0x200;
	return 0;
}

static int load_initrd(struct vm *vm, const char *path, uint8_t *bp)
{
	_cleanup_free_ uint8_t *img = NULL;
	uint64_t top = vm->ram_size < VM_MMIO_HOLE ? vm->ram_size : VM_MMIO_HOLE;
	uint32_t max = get32(bp + BP_INITRD_ADDR_MAX);
	uint64_t addr;
	size_t len;

	img = read_file(path, &len);
	if (!img)
		return log_error("vmm", "initrd %s: %s", path, strerror(errno)), -errno;
	if (max && top > (uint64_t)max + 1)
		top = (uint64_t)max + 1;
	if (len + (2 << 20) > top)
		return log_error("vmm", "initrd %s does not fit guest memory", path), -ENOMEM;
	addr = (top - len) & ~0xfffULL;
	if (copy_in(vm, addr, img, len, len) < 0)
		return -ENOMEM;
	put32(bp + BP_RAMDISK_IMAGE, (uint32_t)addr);
	put32(bp + BP_RAMDISK_SIZE, (uint32_t)len);
	put32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(addr >> 32));
	put32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)((uint64_t)len >> 32));
	return 0;
}

static void e820_add(uint8_t *bp, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t n = bp[BP_E820_ENTRIES];
	uint8_t *e = bp + BP_E820_TABLE + 20 * n;

	put64(e, addr);
	put64(e + 8, size);
	put32(e + 16, type);
	bp[BP_E820_ENTRIES] = n + 1;
}

/* Identity map of the first 4 GiB with 2 MiB pages, and a flat GDT. */
static int write_tables(struct vm *vm)
{
	uint64_t *pml4 = guest_ptr(&vm->mem, VM_PML4_ADDR, 6 * 4096);
	uint64_t *gdt = guest_ptr(&vm->mem, VM_GDT_ADDR, 5 * 8);

	if (!pml4 || !gdt)
		return -ENOMEM;
	uint64_t *pdpt = pml4 + 512, *pd = pml4 + 1024;

	memset(pml4, 0, 4096 * 2);
	pml4[0] = (VM_PML4_ADDR + 0x1000) | 3;
	for (int i = 0; i < 4; i++)
		pdpt[i] = (VM_PML4_ADDR + 0x2000 + 0x1000 * i) | 3;
	for (uint64_t j = 0; j < 4 * 512; j++)
		pd[j] = (j << 21) | 0x83; /* present, writable, 2 MiB */

	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = 0x00af9b000000ffffULL; /* 0x10: 64-bit code */
	gdt[3] = 0x00cf93000000ffffULL; /* 0x18: data */
	gdt[4] = 0x008f8b000000ffffULL; /* 0x20: TSS, busy */
	return 0;
}

int vm_boot_load(struct vm *vm, const char *cmdline)
{
	struct vm_config *cfg = vm->cfg;
	_cleanup_free_ uint8_t *img = NULL;
	uint8_t *bp = guest_ptr(&vm->mem, VM_BOOT_PARAMS, BP_SIZE);
	uint8_t *cl = guest_ptr(&vm->mem, VM_CMDLINE_ADDR, VM_CMDLINE_MAX);
	size_t len, cllen = strlen(cmdline);
	int r;

	if (!bp || !cl)
		return -ENOMEM;
	img = read_file(cfg->kernel, &len);
	if (!img) {
		r = -errno;
		log_error("vmm", "kernel %s: %s", cfg->kernel, strerror(errno));
		return r;
	}
	memset(bp, 0, BP_SIZE);
	if (len >= 4 && !memcmp(img, ELFMAG, SELFMAG))
		r = load_elf(vm, img, len, bp);
	else
		r = load_bzimage(vm, img, len, bp);
	if (r < 0) {
		log_error("vmm", "kernel %s: %s", cfg->kernel,
			  r == -ENOEXEC ? "neither a bzImage nor an x86-64 ELF" : strerror(-r));
		return r;
	}
	bp[BP_TYPE_OF_LOADER] = 0xff;
	bp[BP_LOADFLAGS] |= LOADED_HIGH | CAN_USE_HEAP;
	put16(bp + BP_HEAP_END_PTR, 0xfe00);

	if (cllen >= VM_CMDLINE_MAX) {
		log_error("vmm", "kernel command line longer than %d bytes", VM_CMDLINE_MAX - 1);
		return -E2BIG;
	}
	memcpy(cl, cmdline, cllen + 1);
	put32(bp + BP_CMD_LINE_PTR, VM_CMDLINE_ADDR);

	if (cfg->initrd && (r = load_initrd(vm, cfg->initrd, bp)) < 0)
		return r;

	uint64_t low = vm->ram_size < VM_MMIO_HOLE ? vm->ram_size : VM_MMIO_HOLE;
	e820_add(bp, 0, VM_MPTABLE_ADDR, E820_RAM);
	e820_add(bp, VM_MPTABLE_ADDR, 0x100000 - VM_MPTABLE_ADDR, E820_RESERVED);
	e820_add(bp, 0x100000, low - 0x100000, E820_RAM);
	if (vm->ram_size > VM_MMIO_HOLE)
		e820_add(bp, 1ULL << 32, vm->ram_size - VM_MMIO_HOLE, E820_RAM);
	return write_tables(vm);
}
