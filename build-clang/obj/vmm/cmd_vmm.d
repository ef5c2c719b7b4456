build-clang/obj/vmm/cmd_vmm.o: src/vmm/cmd_vmm.c src/cmds.h

src/cmds.h:
