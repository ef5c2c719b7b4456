/* SPDX-License-Identifier: Apache-2.0 */
/* atoll run: placeholder until its issue lands. */
#include <stdio.h>

#include "cmds.h"

int cmd_run(int argc, char **argv)
{
	fprintf(stderr, "atoll run: not implemented yet\n");
	return 2;
}
