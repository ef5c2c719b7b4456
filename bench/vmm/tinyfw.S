/* SPDX-License-Identifier: Apache-2.0 */
/*
 * QEMU's side of the VMM benchmark: a 64 KiB real-mode -bios image that
 * prints the marker on COM1 and leaves through isa-debug-exit (port 0xf4),
 * the closest QEMU equivalent of Atoll's hello test guest.
 */
	.code16
	.text
entry:
	cli
	mov %cs, %ax
	mov %ax, %ds
	lea banner, %si
	mov $0x3f8, %dx
next:
	lodsb
	or %al, %al
	jz done
	outb %al, %dx
	jmp next
done:
	mov $0xf4, %dx
	xor %al, %al
	outb %al, %dx
halt:
	hlt
	jmp halt
banner:
	.asciz "ATOLL_GUEST_HELLO\n"
	.org 0xfff0
	jmp entry               /* the reset vector, 16 bytes below 4 GiB */
	.org 0x10000
