/* SPDX-License-Identifier: Apache-2.0 */
/* atoll vmm: placeholder until its issue lands. */
#include <stdio.h>

#include "cmds.h"

int cmd_vmm(int argc, char **argv)
{
	fprintf(stderr, "atoll vmm: not implemented yet\n");
	return 2;
}
