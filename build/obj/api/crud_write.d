build/obj/api/crud_write.o: src/api/crud_write.c src/api/object.h \
 src/api/kind.h src/lib/buf.h src/lib/err.h src/api/write.h \
 src/api/request.h src/api/server.h src/lib/xalloc.h src/store/store.h
src/api/object.h:
src/api/kind.h:
src/lib/buf.h:
src/lib/err.h:
src/api/write.h:
src/api/request.h:
src/api/server.h:
src/lib/xalloc.h:
src/store/store.h:
