/* SPDX-License-Identifier: Apache-2.0 */
/* Subcommand entry points; each lives in its component's cmd_*.c. */
#ifndef ATOLL_CMDS_H
#define ATOLL_CMDS_H

int cmd_server(int argc, char **argv); /* src/api/cmd_server.c */
int cmd_agent(int argc, char **argv);  /* src/agent/cmd_agent.c */
int cmd_run(int argc, char **argv);    /* src/sandbox/cmd_run.c */
int cmd_vmm(int argc, char **argv);    /* src/vmm/cmd_vmm.c */
int cmd_shim(int argc, char **argv);   /* src/shim/shim_main.c */
int cmd_user(int argc, char **argv);   /* src/auth/cmd_user.c */
int cmd_namespace(int argc, char **argv); /* src/auth/cmd_namespace.c */
int cmd_net(int argc, char **argv);    /* src/net/cmd_net.c */
int cmd_encryption(int argc, char **argv); /* src/store/cmd_encryption.c */

#define ATOLL_VERSION "0.1.0"

#endif
