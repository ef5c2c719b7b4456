/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Freestanding support for Atoll's bare-metal test guests: port I/O,
 * serial output, a small printf, the debug-exit port, boot_params access
 * and a polled virtio-mmio driver.
 */
#ifndef ATOLL_GUEST_LIB_H
#define ATOLL_GUEST_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t mmio_r32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_w32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint8_t mmio_r8(uint64_t a) { return *(volatile uint8_t *)a; }
static inline uint64_t rdtsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return (uint64_t)hi << 32 | lo; }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void barrier(void) { __asm__ volatile("mfence" ::: "memory"); }

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
const char *strstr_(const char *h, const char *n);

void gputs(const char *s);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void guest_exit(int code);

/* The command line the VMM passed in boot_params. */
const char *guest_cmdline(void);
extern const uint8_t *guest_boot_params;

/* Timeout helper: true while fewer than `ms` (approximate) have passed since start. */
bool within(uint64_t start_tsc, uint64_t ms);

/* --- virtio-mmio, polled --- */
#define VQ_SIZE 16

struct vring_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct vring_avail { uint16_t flags, idx, ring[VQ_SIZE], used_event; };
struct vring_used_elem { uint32_t id, len; };
struct vring_used { uint16_t flags, idx; struct vring_used_elem ring[VQ_SIZE]; uint16_t avail_event; };

struct gvq {
	struct vring_desc desc[VQ_SIZE] __attribute__((aligned(16)));
	struct vring_avail avail __attribute__((aligned(2)));
	struct vring_used used __attribute__((aligned(4)));
	uint16_t last_used;
	int index;
};

struct vdev {
	uint64_t base;
	int irq;
	uint32_t id;
};

/* Find the n-th virtio_mmio.device= of this type on the command line. */
bool vdev_find(uint32_t type, int nth, struct vdev *d);
/* Reset, negotiate VERSION_1 plus `features` (low 32 bits), set up queues, DRIVER_OK. */
bool vdev_init(struct vdev *d, uint32_t features, struct gvq *qs, int nq);
uint32_t vdev_status(struct vdev *d);
uint32_t vdev_isr(struct vdev *d); /* reads and acknowledges InterruptStatus */
void vdev_reset(struct vdev *d);
uint32_t vdev_cfg32(struct vdev *d, unsigned off);
/* Publish chain `head` and kick. */
void vq_submit(struct vdev *d, struct gvq *q, uint16_t head);
/* Wait up to ms for a used entry; returns its length or -1. */
int vq_wait(struct gvq *q, uint64_t ms, uint32_t *id);

#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_DEV_FEATURES 0x010
#define REG_DEV_FEAT_SEL 0x014
#define REG_DRV_FEATURES 0x020
#define REG_DRV_FEAT_SEL 0x024
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_READY 0x044
#define REG_QUEUE_NOTIFY 0x050
#define REG_INT_STATUS 0x060
#define REG_INT_ACK 0x064
#define REG_STATUS 0x070
#define REG_DESC_LO 0x080
#define REG_DESC_HI 0x084
#define REG_DRIVER_LO 0x090
#define REG_DRIVER_HI 0x094
#define REG_DEVICE_LO 0x0a0
#define REG_DEVICE_HI 0x0a4
#define REG_CONFIG 0x100

#define ST_ACK 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_FEATURES_OK 8
#define ST_NEEDS_RESET 64

#define VRING_F_NEXT 1
#define VRING_F_WRITE 2
#define VRING_F_INDIRECT 4

/* Test result helpers: print and count. */
extern int guest_failures;
#define EXPECT(cond, ...) do { if (!(cond)) { guest_failures++; gprintf("FAIL: " __VA_ARGS__); gputs("\n"); } \
	else { gprintf("ok: " __VA_ARGS__); gputs("\n"); } } while (0)
int guest_finish(const char *name);

#endif
