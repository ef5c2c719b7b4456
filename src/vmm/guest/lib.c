/* SPDX-License-Identifier: Apache-2.0 */
/* Test-guest runtime: serial, printf, exit, command line, polled virtio-mmio driver. */
#include <stdarg.h>

#include "lib.h"

#define COM1 0x3f8
#define DEBUG_EXIT 0xf4

const uint8_t *guest_boot_params;
int guest_failures;
static uint64_t tsc_per_ms = 2000000; /* refined from CPUID 0x15/0x16 when present */

void *memset(void *d, int c, size_t n) { uint8_t *p = d; while (n--) *p++ = c; return d; }
void *memcpy(void *d, const void *s, size_t n) { uint8_t *p = d; const uint8_t *q = s; while (n--) *p++ = *q++; return d; }
int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}
size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
const char *strstr_(const char *h, const char *n)
{
	size_t l = strlen(n);

	for (; *h; h++)
		if (!memcmp(h, n, l))
			return h;
	return NULL;
}

static void gputc(char c) { outb(COM1, c); }
void gputs(const char *s) { while (*s) gputc(*s++); }

static void putnum(uint64_t v, unsigned base, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width--)
		gputc(pad);
	while (n)
		gputc(buf[--n]);
}

void gprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			gputc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			lng++, fmt++;
		switch (*fmt) {
		case 's': { const char *s = va_arg(ap, const char *); gputs(s ? s : "(null)"); break; }
		case 'c': gputc((char)va_arg(ap, int)); break;
		case 'd': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			if (v < 0) { gputc('-'); v = -v; }
			putnum(v, 10, width, pad);
			break;
		}
		case 'u': putnum(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad); break;
		case 'x': putnum(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad); break;
		case 'p': gputs("0x"); putnum((uintptr_t)va_arg(ap, void *), 16, 0, ' '); break;
		case '%': gputc('%'); break;
		default: gputc('?'); break;
		}
	}
	va_end(ap);
}

void guest_exit(int code)
{
	outb(DEBUG_EXIT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

int guest_finish(const char *name)
{
	if (guest_failures) {
		gprintf("FAIL %s: %d check(s) failed\n", name, guest_failures);
		return 1;
	}
	gprintf("PASS %s\n", name);
	return 0;
}

const char *guest_cmdline(void)
{
	uint32_t p;

	memcpy(&p, guest_boot_params + 0x228, 4);
	return (const char *)(uintptr_t)p;
}

bool within(uint64_t start, uint64_t ms)
{
	return rdtsc() - start < ms * tsc_per_ms;
}

static void calibrate(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0));
	if (a >= 0x16) {
		__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x16));
		if (a)
			tsc_per_ms = (uint64_t)a * 1000; /* base MHz */
	}
}

int guest_main(void);

int guest_start(const uint8_t *bp);
int guest_start(const uint8_t *bp)
{
	guest_boot_params = bp;
	calibrate();
	return guest_main();
}

/* --- virtio-mmio --- */

static uint64_t parse_hex(const char **s)
{
	uint64_t v = 0;

	if ((*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X'))
		*s += 2;
	for (;; (*s)++) {
		char c = **s;
		if (c >= '0' && c <= '9') v = v * 16 + c - '0';
		else if (c >= 'a' && c <= 'f') v = v * 16 + c - 'a' + 10;
		else if (c >= 'A' && c <= 'F') v = v * 16 + c - 'A' + 10;
		else return v;
	}
}

bool vdev_find(uint32_t type, int nth, struct vdev *d)
{
	const char *s = guest_cmdline();
	const char *key = "virtio_mmio.device=";

	while ((s = strstr_(s, key))) {
		const char *at;

		s += strlen(key);
		at = s;
		while (*at && *at != '@' && *at != ' ')
			at++;
		if (*at != '@')
			continue;
		at++;
		d->base = parse_hex(&at);
		d->irq = 0;
		if (*at == ':')
			for (at++; *at >= '0' && *at <= '9'; at++)
				d->irq = d->irq * 10 + (*at - '0');
		if (mmio_r32(d->base + REG_MAGIC) != 0x74726976 || mmio_r32(d->base + REG_VERSION) != 2)
			continue;
		d->id = mmio_r32(d->base + REG_DEVICE_ID);
		if (d->id == type && nth-- == 0)
			return true;
	}
	return false;
}

uint32_t vdev_status(struct vdev *d) { return mmio_r32(d->base + REG_STATUS); }
void vdev_reset(struct vdev *d) { mmio_w32(d->base + REG_STATUS, 0); }
uint32_t vdev_cfg32(struct vdev *d, unsigned off) { return mmio_r32(d->base + REG_CONFIG + off); }

uint32_t vdev_isr(struct vdev *d)
{
	uint32_t v = mmio_r32(d->base + REG_INT_STATUS);

	mmio_w32(d->base + REG_INT_ACK, v);
	return v;
}

bool vdev_init(struct vdev *d, uint32_t features, struct gvq *qs, int nq)
{
	uint64_t b = d->base;

	mmio_w32(b + REG_STATUS, 0);
	mmio_w32(b + REG_STATUS, ST_ACK);
	mmio_w32(b + REG_STATUS, ST_ACK | ST_DRIVER);
	mmio_w32(b + REG_DEV_FEAT_SEL, 1);
	if (!(mmio_r32(b + REG_DEV_FEATURES) & 1))
		return false; /* no VIRTIO_F_VERSION_1 */
	mmio_w32(b + REG_DEV_FEAT_SEL, 0);
	features &= mmio_r32(b + REG_DEV_FEATURES);
	mmio_w32(b + REG_DRV_FEAT_SEL, 0);
	mmio_w32(b + REG_DRV_FEATURES, features);
	mmio_w32(b + REG_DRV_FEAT_SEL, 1);
	mmio_w32(b + REG_DRV_FEATURES, 1);
	mmio_w32(b + REG_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	if (!(mmio_r32(b + REG_STATUS) & ST_FEATURES_OK))
		return false;
	for (int i = 0; i < nq; i++) {
		struct gvq *q = &qs[i];

		memset(q, 0, sizeof(*q));
		q->index = i;
		mmio_w32(b + REG_QUEUE_SEL, i);
		if (mmio_r32(b + REG_QUEUE_NUM_MAX) < VQ_SIZE)
			return false;
		mmio_w32(b + REG_QUEUE_NUM, VQ_SIZE);
		mmio_w32(b + REG_DESC_LO, (uint32_t)(uintptr_t)q->desc);
		mmio_w32(b + REG_DESC_HI, 0);
		mmio_w32(b + REG_DRIVER_LO, (uint32_t)(uintptr_t)&q->avail);
		mmio_w32(b + REG_DRIVER_HI, 0);
		mmio_w32(b + REG_DEVICE_LO, (uint32_t)(uintptr_t)&q->used);
		mmio_w32(b + REG_DEVICE_HI, 0);
		mmio_w32(b + REG_QUEUE_READY, 1);
		if (mmio_r32(b + REG_QUEUE_READY) != 1)
			return false;
	}
	mmio_w32(b + REG_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	return true;
}

void vq_submit(struct vdev *d, struct gvq *q, uint16_t head)
{
	q->avail.ring[q->avail.idx % VQ_SIZE] = head;
	barrier();
	q->avail.idx++;
	barrier();
	mmio_w32(d->base + REG_QUEUE_NOTIFY, q->index);
}

int vq_wait(struct gvq *q, uint64_t ms, uint32_t *id)
{
	uint64_t t0 = rdtsc();

	while (*(volatile uint16_t *)&q->used.idx == q->last_used) {
		if (!within(t0, ms))
			return -1;
		cpu_relax();
	}
	barrier();
	struct vring_used_elem e = q->used.ring[q->last_used % VQ_SIZE];
	q->last_used++;
	if (id)
		*id = e.id;
	return e.len;
}
