build/obj/api/watch.o: src/api/watch.c src/api/filter.h src/api/server.h \
 src/lib/buf.h src/lib/err.h src/api/object.h src/api/kind.h \
 src/api/request.h src/api/watch.h src/lib/log.h src/lib/xalloc.h \
 src/store/store.h
src/api/filter.h:
src/api/server.h:
src/lib/buf.h:
src/lib/err.h:
src/api/object.h:
src/api/kind.h:
src/api/request.h:
src/api/watch.h:
src/lib/log.h:
src/lib/xalloc.h:
src/store/store.h:
