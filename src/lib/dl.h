/* SPDX-License-Identifier: Apache-2.0 */
/* dlopen() a library and resolve a list of its symbols into pointers. */
#ifndef ATOLL_LIB_DL_H
#define ATOLL_LIB_DL_H

#include "lib/err.h"

/*
 * Load lib once into *handle (a no-op when already loaded) and store the
 * address of each of names[] (NULL-terminated) through slots[]. Not
 * thread-safe: call before threads start. Returns 0, or -1 with err 500
 * "MissingLibrary".
 */
int lib_dl_load(void **handle, const char *lib, const char *const *names, void **slots[],
		struct atoll_err *err);

#endif
