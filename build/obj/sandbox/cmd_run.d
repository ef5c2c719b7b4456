build/obj/sandbox/cmd_run.o: src/sandbox/cmd_run.c src/cmds.h
src/cmds.h:
