/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running nftables scripts through libnftables, loaded with dlopen() on
 * first use (as the other optional libraries, src/lib/dl.h): only nodes that
 * enforce policies need it.
 */
#include <nftables/libnftables.h>
#include <pthread.h>
#include <string.h>

#include "lib/dl.h"
#include "net/policy.h"

static struct {
	__typeof__(nft_ctx_new) *ctx_new;
	__typeof__(nft_ctx_free) *ctx_free;
	__typeof__(nft_ctx_buffer_error) *buffer_error;
	__typeof__(nft_ctx_get_error_buffer) *get_error_buffer;
	__typeof__(nft_ctx_buffer_output) *buffer_output;
	__typeof__(nft_run_cmd_from_buffer) *run;
} nft;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct atoll_err load_err = ERR_INIT;
static int loaded = -1;

static void load(void)
{
	static void *h;
	static const char *const names[] = { "nft_ctx_new", "nft_ctx_free", "nft_ctx_buffer_error",
					     "nft_ctx_get_error_buffer", "nft_ctx_buffer_output",
					     "nft_run_cmd_from_buffer", NULL };
	void **slots[] = { (void **)&nft.ctx_new, (void **)&nft.ctx_free, (void **)&nft.buffer_error,
			   (void **)&nft.get_error_buffer, (void **)&nft.buffer_output, (void **)&nft.run, NULL };

	loaded = lib_dl_load(&h, "libnftables.so.1", names, slots, &load_err);
}

int policy_nft_run(const char *script, struct atoll_err *err)
{
	pthread_once(&once, load);
	if (loaded < 0) {
		*err = load_err;
		return -1;
	}
	struct nft_ctx *ctx = nft.ctx_new(NFT_CTX_DEFAULT);
	if (!ctx)
		return err_set(err, 500, "InternalError", "nft: cannot create a context");
	nft.buffer_error(ctx);
	nft.buffer_output(ctx);
	int rc = nft.run(ctx, script);
	if (rc != 0) {
		const char *msg = nft.get_error_buffer(ctx);
		err_set(err, 500, "InternalError", "nft: %s", msg && *msg ? msg : "the ruleset was refused");
	}
	nft.ctx_free(ctx);
	return rc ? -1 : 0;
}
