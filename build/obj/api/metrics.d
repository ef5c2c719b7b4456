build/obj/api/metrics.o: src/api/metrics.c src/api/server.h src/lib/buf.h \
 src/lib/err.h src/api/watch.h src/store/store.h
src/api/server.h:
src/lib/buf.h:
src/lib/err.h:
src/api/watch.h:
src/store/store.h:
