build/obj/api/router.o: src/api/router.c src/api/discovery.h \
 src/api/openapi.h src/api/request.h src/api/kind.h src/api/server.h \
 src/lib/buf.h src/lib/err.h src/api/watch.h src/cmds.h src/lib/xalloc.h
src/api/discovery.h:
src/api/openapi.h:
src/api/request.h:
src/api/kind.h:
src/api/server.h:
src/lib/buf.h:
src/lib/err.h:
src/api/watch.h:
src/cmds.h:
src/lib/xalloc.h:
