build/obj/api/discovery.o: src/api/discovery.c src/api/discovery.h \
 src/api/kind.h src/lib/xalloc.h
src/api/discovery.h:
src/api/kind.h:
src/lib/xalloc.h:
