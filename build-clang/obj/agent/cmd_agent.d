build-clang/obj/agent/cmd_agent.o: src/agent/cmd_agent.c src/cmds.h

src/cmds.h:
