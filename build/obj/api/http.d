build/obj/api/http.o: src/api/http.c src/api/server.h src/lib/buf.h \
 src/lib/err.h src/api/watch.h src/lib/log.h src/lib/xalloc.h
src/api/server.h:
src/lib/buf.h:
src/lib/err.h:
src/api/watch.h:
src/lib/log.h:
src/lib/xalloc.h:
