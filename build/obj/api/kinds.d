build/obj/api/kinds.o: src/api/kinds.c src/api/kind.h src/api/kinds.h \
 src/lib/xalloc.h
src/api/kind.h:
src/api/kinds.h:
src/lib/xalloc.h:
