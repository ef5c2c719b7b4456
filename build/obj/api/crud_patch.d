build/obj/api/crud_patch.o: src/api/crud_patch.c src/api/request.h \
 src/api/kind.h src/api/server.h src/lib/buf.h src/lib/err.h
src/api/request.h:
src/api/kind.h:
src/api/server.h:
src/lib/buf.h:
src/lib/err.h:
