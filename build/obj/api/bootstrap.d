build/obj/api/bootstrap.o: src/api/bootstrap.c src/api/bootstrap.h \
 src/lib/err.h src/api/object.h src/api/kind.h src/lib/buf.h \
 src/lib/xalloc.h src/store/store.h
src/api/bootstrap.h:
src/lib/err.h:
src/api/object.h:
src/api/kind.h:
src/lib/buf.h:
src/lib/xalloc.h:
src/store/store.h:
