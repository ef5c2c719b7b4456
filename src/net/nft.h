/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running nftables scripts through libnftables, which is loaded with
 * dlopen() the first time (it brings five more libraries that no other
 * start of atoll needs). One script is one atomic transaction.
 */
#ifndef ATOLL_NET_NFT_H
#define ATOLL_NET_NFT_H

#include "lib/err.h"

/* Run script (nft syntax) in this thread's network namespace. 0, or -1 with err carrying nft's message. */
int net_nft_run(const char *script, struct atoll_err *err);

#endif
