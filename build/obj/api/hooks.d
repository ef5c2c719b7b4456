build/obj/api/hooks.o: src/api/hooks.c src/api/write.h src/api/request.h \
 src/api/kind.h src/api/server.h src/lib/buf.h src/lib/err.h
src/api/write.h:
src/api/request.h:
src/api/kind.h:
src/api/server.h:
src/lib/buf.h:
src/lib/err.h:
