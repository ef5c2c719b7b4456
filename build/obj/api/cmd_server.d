build/obj/api/cmd_server.o: src/api/cmd_server.c src/cmds.h
src/cmds.h:
