build/obj/api/crud_read.o: src/api/crud_read.c src/api/filter.h \
 src/api/server.h src/lib/buf.h src/lib/err.h src/api/object.h \
 src/api/kind.h src/api/request.h src/lib/xalloc.h src/store/store.h
src/api/filter.h:
src/api/server.h:
src/lib/buf.h:
src/lib/err.h:
src/api/object.h:
src/api/kind.h:
src/api/request.h:
src/lib/xalloc.h:
src/store/store.h:
