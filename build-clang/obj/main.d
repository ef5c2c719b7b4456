build-clang/obj/main.o: src/main.c src/cmds.h

src/cmds.h:
