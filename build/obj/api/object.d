build/obj/api/object.o: src/api/object.c src/api/object.h src/api/kind.h \
 src/lib/buf.h src/lib/err.h src/lib/xalloc.h
src/api/object.h:
src/api/kind.h:
src/lib/buf.h:
src/lib/err.h:
src/lib/xalloc.h:
