/* SPDX-License-Identifier: Apache-2.0 */
/* atoll agent: placeholder until its issue lands. */
#include <stdio.h>

#include "cmds.h"

int cmd_agent(int argc, char **argv)
{
	fprintf(stderr, "atoll agent: not implemented yet\n");
	return 2;
}
