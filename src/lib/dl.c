/* SPDX-License-Identifier: Apache-2.0 */
/* Loading a shared library and its symbols at run time. */
#include <dlfcn.h>

#include "lib/dl.h"

int lib_dl_load(void **handle, const char *lib, const char *const *names, void **slots[],
		struct atoll_err *err)
{
	if (*handle)
		return 0;
	/* Lazy: binding all of libcrypto's and libssl's own references at once cost 0.7 ms per start. */
	void *h = dlopen(lib, RTLD_LAZY | RTLD_LOCAL);
	if (!h)
		return err_set(err, 500, "MissingLibrary", "cannot load %s: %s", lib, dlerror());
	for (int i = 0; names[i]; i++) {
		void *p = dlsym(h, names[i]);
		if (!p) {
			dlclose(h);
			return err_set(err, 500, "MissingLibrary", "%s has no %s", lib, names[i]);
		}
		*slots[i] = p;
	}
	*handle = h;
	return 0;
}
