/* SPDX-License-Identifier: Apache-2.0 */
/* atoll server: placeholder, replaced by the API server. */
#include <stdio.h>

#include "cmds.h"

int cmd_server(int argc, char **argv)
{
	fprintf(stderr, "atoll server: not implemented yet\n");
	return 2;
}
