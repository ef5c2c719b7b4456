build/obj/api/kinds_builtin.o: src/api/kinds_builtin.c src/api/kind.h
src/api/kind.h:
