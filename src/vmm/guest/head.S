/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test-guest image header and entry. The file is a bzImage as the Linux
 * boot protocol (2.15) defines it: one boot sector carrying the setup
 * header, one empty setup sector, then the 64-bit kernel loaded at 1 MiB
 * whose 64-bit entry point is at +0x200. The VMM boots it exactly as it
 * boots Linux: long mode, identity page tables, boot_params in %rsi.
 */
	.section .header, "a"
	.code16
hdr_start:
	.fill 0x1f1, 1, 0
	.byte 1                  /* 0x1f1 setup_sects */
	.word 0                  /* 0x1f2 root_flags */
	.long guest_syssize      /* 0x1f4 syssize, 16-byte units */
	.word 0, 0, 0            /* 0x1f8 ram_size, vid_mode, root_dev */
	.word 0xaa55             /* 0x1fe boot_flag */
	.byte 0xeb, hdr_end - 0x202 - hdr_start /* 0x200 jump: header length */
	.ascii "HdrS"            /* 0x202 */
	.word 0x020f             /* 0x206 version 2.15 */
	.long 0                  /* 0x208 realmode_swtch */
	.word 0, 0               /* 0x20c start_sys_seg, kernel_version */
	.byte 0                  /* 0x210 type_of_loader */
	.byte 1                  /* 0x211 loadflags: LOADED_HIGH */
	.word 0                  /* 0x212 setup_move_size */
	.long 0x100000           /* 0x214 code32_start */
	.long 0, 0, 0            /* 0x218 ramdisk_image, ramdisk_size, bootsect_kludge */
	.word 0                  /* 0x224 heap_end_ptr */
	.byte 0, 0               /* 0x226 ext_loader_ver, ext_loader_type */
	.long 0                  /* 0x228 cmd_line_ptr */
	.long 0x7fffffff         /* 0x22c initrd_addr_max */
	.long 0x200000           /* 0x230 kernel_alignment */
	.byte 0, 21              /* 0x234 relocatable_kernel, min_alignment */
	.word 1                  /* 0x236 xloadflags: XLF_KERNEL_64 */
	.long 2047               /* 0x238 cmdline_size */
	.long 0                  /* 0x23c hardware_subarch */
	.quad 0                  /* 0x240 hardware_subarch_data */
	.long 0, 0               /* 0x248 payload_offset, payload_length */
	.quad 0                  /* 0x250 setup_data */
	.quad 0x100000           /* 0x258 pref_address */
	.long guest_init_size    /* 0x260 init_size */
	.long 0                  /* 0x264 handover_offset */
hdr_end:
	.fill 1024 - (hdr_end - hdr_start), 1, 0

	.section .text.head, "ax"
	.code32
startup_32:
	/* 32-bit entry is not supported: stop. */
1:	hlt
	jmp 1b
	.fill 0x200 - (. - startup_32), 1, 0xf4

	.code64
	.globl startup_64
startup_64:                      /* 1 MiB + 0x200 */
	cli
	lea guest_stack_top(%rip), %rsp
	mov %rsi, %rbx               /* boot_params */
	/* .bss is not cleared: it lies past the loaded image, in memory the VMM
	 * maps fresh (zero). Clearing it would cost a shadow-page fault per page,
	 * milliseconds each under PVM, before the first line of output. */
	mov %rbx, %rdi
	call guest_start
	mov %eax, %edi
	call guest_exit
3:	hlt
	jmp 3b

	.section .bss
	.balign 16
	.fill 16384, 1, 0
guest_stack_top:
