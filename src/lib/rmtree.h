/* SPDX-License-Identifier: Apache-2.0 */
/* Removing a directory tree: depth first, never following a link, never into a mount below it. */
#ifndef ATOLL_LIB_RMTREE_H
#define ATOLL_LIB_RMTREE_H

/*
 * Remove path and what is below it, best effort: what cannot go (a mount
 * point still in use, and so its parents) stays. A missing path is fine.
 */
void rmtree(const char *path);

#endif
