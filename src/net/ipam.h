/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod address management on a node: one lease file per address,
 * DATA/net/leases/<ip>, created with O_EXCL and holding the pod's uid, so
 * concurrent pod starts never share an address and a restarted agent (or
 * shim) keeps every pod's address.
 */
#ifndef ATOLL_NET_IPAM_H
#define ATOLL_NET_IPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

/* "a.b.c.d/n" into the network address (host order, host bits cleared) and n. 0 or -1. */
int net_cidr_parse(const char *cidr, uint32_t *net, int *plen);

/* Dotted quad of a host-order address into out (16 bytes). Returns out. */
char *net_ip_str(uint32_t addr, char *out);

/*
 * The address uid holds in cidr, or a new lease on the next free one after
 * the last leased, round robin (the network's first address is the gateway
 * and is never leased).
 * Writes the dotted quad into ip. 0, or -1 with err (range full: 503).
 */
int net_ipam_lease(const char *data_dir, const char *cidr, const char *uid, char *ip, size_t iplen,
		   struct atoll_err *err);

/* Release every address uid holds. */
void net_ipam_release(const char *data_dir, const char *uid);

/* The address uid holds (any range) into ip: 0, or -1 when none. */
int net_ipam_find(const char *data_dir, const char *uid, char *ip, size_t iplen);

/*
 * Leases older than min_age seconds whose uid keep() rejects (ctx passed
 * on): their pods are gone without a detach (a crash, a reboot). Calls
 * gone(data_dir, uid, ctx) for each such uid. Returns how many.
 */
int net_ipam_gc(const char *data_dir, int min_age, bool (*keep)(const char *uid, void *ctx),
		void (*gone)(const char *data_dir, const char *uid, void *ctx), void *ctx);

#endif
