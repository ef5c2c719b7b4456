build/obj/api/render.o: src/api/render.c src/api/request.h src/api/kind.h \
 src/api/server.h src/lib/buf.h src/lib/err.h
src/api/request.h:
src/api/kind.h:
src/api/server.h:
src/lib/buf.h:
src/lib/err.h:
