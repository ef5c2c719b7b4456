/* SPDX-License-Identifier: Apache-2.0 */
/* libnftables on first use: one context per script, serialized. */
#include <nftables/libnftables.h>
#include <pthread.h>
#include <string.h>

#include "lib/dl.h"
#include "net/nft.h"

#define NFT_FUNCS(X) X(nft_ctx_new) X(nft_ctx_free) X(nft_ctx_buffer_output) X(nft_ctx_buffer_error) \
	X(nft_ctx_get_error_buffer) X(nft_run_cmd_from_buffer)

#define NFT_DEF(f) static __typeof__(f) *dl_##f;
NFT_FUNCS(NFT_DEF)
#define NFT_NAME(f) #f,
#define NFT_SLOT(f) (void **)&dl_##f,

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

int net_nft_run(const char *script, struct atoll_err *err)
{
	static void *h;
	static const char *const names[] = { NFT_FUNCS(NFT_NAME) NULL };
	void **slots[] = { NFT_FUNCS(NFT_SLOT) NULL };
	int rc = -1;

	pthread_mutex_lock(&mu);
	if (lib_dl_load(&h, "libnftables.so.1", names, slots, err) < 0)
		goto out;
	struct nft_ctx *ctx = dl_nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx) {
		err_set(err, 500, "InternalError", "nftables: no context");
		goto out;
	}
	dl_nft_ctx_buffer_output(ctx);
	dl_nft_ctx_buffer_error(ctx);
	if (dl_nft_run_cmd_from_buffer(ctx, script) != 0) {
		const char *m = dl_nft_ctx_get_error_buffer(ctx);
		err_set(err, 500, "InternalError", "nftables: %.400s", m && *m ? m : "failed");
	} else {
		rc = 0;
	}
	dl_nft_ctx_free(ctx);
out:
	pthread_mutex_unlock(&mu);
	return rc;
}
