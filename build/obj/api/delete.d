build/obj/api/delete.o: src/api/delete.c src/api/delete.h src/api/kind.h \
 src/lib/err.h src/api/object.h src/lib/buf.h src/lib/xalloc.h \
 src/store/store.h
src/api/delete.h:
src/api/kind.h:
src/lib/err.h:
src/api/object.h:
src/lib/buf.h:
src/lib/xalloc.h:
src/store/store.h:
