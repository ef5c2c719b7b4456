/* SPDX-License-Identifier: Apache-2.0 */
/* Test guest: serial output, boot_params sanity (command line, e820), clean exit. */
#include "lib.h"

int guest_main(void)
{
	const char *cl = guest_cmdline();
	uint8_t n820 = guest_boot_params[0x1e8];
	uint64_t ram = 0;

	gputs("ATOLL_GUEST_HELLO\n");
	gprintf("cmdline: %s\n", cl);
	for (int i = 0; i < n820; i++) {
		uint64_t addr, size;
		uint32_t type;

		memcpy(&addr, guest_boot_params + 0x2d0 + 20 * i, 8);
		memcpy(&size, guest_boot_params + 0x2d0 + 20 * i + 8, 8);
		memcpy(&type, guest_boot_params + 0x2d0 + 20 * i + 16, 4);
		gprintf("e820: %lx-%lx type %u\n", addr, addr + size, type);
		if (type == 1)
			ram += size;
	}
	EXPECT(n820 >= 3, "e820 has %u entries", n820);
	EXPECT(ram > (1 << 20), "e820 RAM %lu KiB", ram >> 10);
	EXPECT(guest_boot_params[0x210] == 0xff, "type_of_loader set by the VMM");
	EXPECT(strstr_(cl, "atoll.test=hello") != NULL, "command line passed through");
	/* Touch memory near the top of low RAM: lazily backed pages must work. */
	volatile uint32_t *top = (volatile uint32_t *)(uintptr_t)(0x100000 + (4 << 20));
	*top = 0x41544f4c;
	EXPECT(*top == 0x41544f4c, "memory at 5 MiB is writable");
	uint32_t rd_addr, rd_size;

	memcpy(&rd_addr, guest_boot_params + 0x218, 4);
	memcpy(&rd_size, guest_boot_params + 0x21c, 4);
	if (rd_size) {
		const char *rd = (const char *)(uintptr_t)rd_addr;

		gprintf("initrd at 0x%x, %u bytes\n", rd_addr, rd_size);
		EXPECT(!(rd_addr & 0xfff), "initrd is page aligned");
		EXPECT(!memcmp(rd, "ATOLLRD", 7), "initrd starts with ATOLLRD");
		EXPECT(!memcmp(rd + rd_size - 7, "ATOLLRD", 7), "initrd ends with ATOLLRD");
	}
	if (strstr_(cl, "atoll.reset=1")) {
		/* What Linux does for reboot=k: pulse the reset line through the i8042. */
		gputs("resetting\n");
		outb(0x64, 0xfe);
		for (;;)
			__asm__ volatile("hlt");
	}
	if (strstr_(cl, "atoll.crash=1")) {
		/* An exception with an empty IDT: #GP, #DF, then a triple fault. */
		struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };

		gputs("crashing\n");
		__asm__ volatile("lidt %0; ud2" :: "m"(none));
	}
	if (strstr_(cl, "atoll.echo=1")) {
		/* Serial input: read up to 8 bytes from COM1 (polling LSR.DR) and echo them. */
		char in[9] = { 0 };
		int n = 0;
		uint64_t t0 = rdtsc();

		while (n < 8 && within(t0, 10000)) {
			if (inb(0x3f8 + 5) & 1)
				in[n++] = inb(0x3f8);
			else
				cpu_relax();
		}
		gprintf("serial input: %s\n", in);
		EXPECT(n == 8, "read 8 bytes from the serial port");
	}
	if (strstr_(cl, "atoll.wait=1")) {
		/* For control-socket tests: tick until stopped, at most a minute. */
		uint64_t t0 = rdtsc();

		for (int tick = 0; within(t0, 60000); tick++) {
			uint64_t t1 = rdtsc();

			gprintf("tick %d\n", tick);
			while (within(t1, 200))
				cpu_relax();
		}
		return 3;
	}
	return guest_finish("hello");
}
