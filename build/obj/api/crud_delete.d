build/obj/api/crud_delete.o: src/api/crud_delete.c src/api/delete.h \
 src/api/kind.h src/lib/err.h src/api/filter.h src/api/server.h \
 src/lib/buf.h src/api/object.h src/api/write.h src/api/request.h \
 src/lib/xalloc.h src/store/store.h
src/api/delete.h:
src/api/kind.h:
src/lib/err.h:
src/api/filter.h:
src/api/server.h:
src/lib/buf.h:
src/api/object.h:
src/api/write.h:
src/api/request.h:
src/lib/xalloc.h:
src/store/store.h:
