build/obj/api/filter.o: src/api/filter.c src/api/filter.h \
 src/api/server.h src/lib/buf.h src/lib/err.h src/api/selector.h \
 src/lib/xalloc.h
src/api/filter.h:
src/api/server.h:
src/lib/buf.h:
src/lib/err.h:
src/api/selector.h:
src/lib/xalloc.h:
