/* SPDX-License-Identifier: Apache-2.0 */
/* Immutable refcounted byte blobs shared by the store, its watch ring and watchers. */
#include <string.h>

#include "lib/xalloc.h"
#include "store/store.h"

struct blob *blob_new(const void *data, size_t len)
{
	struct blob *b = xmalloc(sizeof(*b) + len + 1);

	b->refs = 1;
	b->len = len;
	if (len)
		memcpy(b->data, data, len);
	b->data[len] = '\0';
	return b;
}

struct blob *blob_ref(struct blob *b)
{
	if (b)
		__atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
	return b;
}

void blob_unref(struct blob *b)
{
	/* Release on the decrement, acquire before free: the last owner sees every write. */
	if (b && __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(b);
}
